// The flame-graph SVG export (src/views/exportSvg.ts) over plain objects shaped like the
// d3-flame-graph DOM: hostile names stay text, nothing active or external gets in, the
// document is well formed and sized, labels are cut to fit.

import { describe, expect, it } from 'vitest';
import { escapeXml, fitLabel, flameGraphSvg, svgSize, type ElementLike, type SvgLike } from '../../src/views/exportSvg';
import { exportBaseName } from '../../src/views/ExportMenu';

interface FakeFrame {
  x: number;
  y: number;
  w: number;
  name: string;
  fill?: string;
  classes?: string[];
}

function el(attrs: Record<string, string>, children: Record<string, ElementLike> = {}, classes: string[] = [], text: string | null = null): ElementLike {
  return {
    getAttribute: (n) => attrs[n] ?? null,
    querySelector: (s) => children[s] ?? null,
    classList: { contains: (c) => classes.includes(c) },
    textContent: text,
  };
}

function fakeSvg(width: number, height: number, frames: FakeFrame[]): SvgLike {
  const gs = frames.map((f) =>
    el(
      { transform: `translate(${f.x},${f.y})`, width: String(f.w), height: '18', name: f.name },
      {
        rect: el({ width: String(f.w), height: '18', fill: f.fill ?? '#e8a33d' }),
        'foreignObject div': el({}, {}, [], f.name),
      },
      ['frame', ...(f.classes ?? [])],
    ),
  );
  return { ...el({ width: String(width), height: String(height) }), querySelectorAll: (s: string) => (s === 'g.frame' ? gs : []) };
}

/** Tags balance and every attribute value is quoted: a small well-formedness check. */
function expectWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|>/g)) {
    if (m[0] === '<' || m[0] === '>') throw new Error(`stray ${m[0]} at ${m.index}: ${body.slice(Math.max(0, m.index! - 40), m.index! + 40)}`);
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else if (!m[4]) stack.push(m[2]);
  }
  expect(stack).toEqual([]);
  // Text holds no raw ampersands except entities.
  expect(body.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toMatch(/&/);
}

const HOSTILE = [
  '<img src=x onerror="window.__xss=1">',
  '</script><script>window.__xss=5</script>',
  `"quoted" & 'single'`,
  'ctl\u0000\u0007\u001b and lone \uD800 surrogate',
  '<svg onload="alert(1)"><a href="https://evil.example/">x</a></svg>',
];

describe('flameGraphSvg', () => {
  const frames: FakeFrame[] = [
    { x: 0, y: 72, w: 1000, name: 'root', fill: '#aaaaaa' },
    ...HOSTILE.map((name, i) => ({ x: i * 200, y: 54, w: 199, name })),
    { x: 0, y: 36, w: 20, name: 'narrow.frame' },
    { x: 20, y: 36, w: 120, name: 'github.com/acme/service/internal/handlers.(*Server).ServeHTTP', classes: ['fade'] },
    { x: 140, y: 36, w: 300, name: 'selected.fn', classes: ['selected'], fill: 'url(https://evil.example/#x)' },
  ];
  const out = flameGraphSvg(fakeSvg(1000, 90, frames), { title: 'cpu.pb.gz — cpu (nanoseconds) <b>', subtitle: 'tag handler=<img> · total 5.98s' });

  it('is a well-formed standalone document with its size', () => {
    expectWellFormed(out);
    expect(out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // Cropped to the frames (rows 36..90) below a 40px header.
    expect(svgSize(out)).toEqual({ width: 1000, height: 94 });
    expect(out).toContain('viewBox="0 0 1000 94"');
    expect(out).toContain('<g transform="translate(0,4)"');
  });

  it('keeps every frame, with its name escaped as text', () => {
    expect(out.match(/<rect x="0" y="0"/g)?.length).toBe(frames.length + 1);
    expect(out).toContain('<title>&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;</title>');
    expect(out).toContain('&lt;/script&gt;&lt;script&gt;window.__xss=5&lt;/script&gt;');
    expect(out).toContain('&quot;quoted&quot; &amp; &apos;single&apos;');
    expect(out).toContain('ctl\uFFFD\uFFFD\uFFFD and lone \uFFFD surrogate');
    expect(out).toContain('cpu.pb.gz — cpu (nanoseconds) &lt;b&gt;');
    expect(out).toContain('tag handler=&lt;img&gt; · total 5.98s');
  });

  it('contains nothing active or external', () => {
    // Names are escaped, so every '<' starts real markup: check the markup alone.
    const tags = out.match(/<[^>]+>/g) ?? [];
    const elements = new Set(tags.map((t) => /^<\/?([\w:?-]+)/.exec(t)![1]));
    expect([...elements].sort()).toEqual(['?xml', 'g', 'rect', 'svg', 'text', 'title']);
    for (const t of tags) {
      expect(t).not.toMatch(/\son\w+\s*=/i);
      expect(t).not.toMatch(/href|url\(|@import|javascript:|style=/i);
    }
    expect(out).toContain('fill="#c8c8c8"'); // the url() fill was not copied
  });

  it('draws labels the way the app does: cut with an ellipsis, none on narrow frames', () => {
    expect(out).toContain('>root</text>');
    expect(out).not.toContain('>narrow.frame</text>');
    expect(out).toMatch(/>github\.com\/ac[^<]*…<\/text>/);
    expect(out).toMatch(/<svg x="20" y="36" width="120" height="18" opacity="0.55">/);
    expect(out).toMatch(/stroke="#1d2127" stroke-width="2"/);
    expect(out).toContain('font-family="monospace"');
    expect(out).not.toMatch(/font-family="(?!monospace|sans-serif)/);
  });
});

describe('fitLabel / escapeXml / exportBaseName', () => {
  const mono = (s: string) => Array.from(s).length * 10;
  it('fits the longest prefix with an ellipsis', () => {
    expect(fitLabel('abcdef', 60, mono)).toBe('abcdef');
    expect(fitLabel('abcdef', 59, mono)).toBe('abcd…');
    expect(fitLabel('abcdef', 15, mono)).toBeNull();
    expect(fitLabel('😀😀😀😀', 30, mono)).toBe('😀😀…');
  });
  it('escapes markup and drops what XML cannot hold', () => {
    expect(escapeXml(`<a b="c">&'\u0001`)).toBe('&lt;a b=&quot;c&quot;&gt;&amp;&apos;\uFFFD');
    expect(escapeXml('😀')).toBe('😀');
  });
  it('names files after the source', () => {
    expect(exportBaseName('cpu.pb.gz')).toBe('cpu');
    expect(exportBaseName('/tmp/x/perf.data.txt')).toBe('perf');
    expect(exportBaseName('my profile (1).pprof')).toBe('my_profile_1_');
    expect(exportBaseName('../../etc/passwd')).toBe('passwd');
    expect(exportBaseName('.pb.gz')).toBe('profile');
    expect(exportBaseName('multi-event.perf.txt')).toBe('multi-event');
  });
});
