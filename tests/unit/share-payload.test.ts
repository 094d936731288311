// Share: the packed workspace round-trips real evidence byte for byte; damaged payloads
// fail with a message naming the byte; links carry the right sources; the report's CSP
// allows exactly its one inline script.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fragmentLink, linkWorkspace, plainLink, readWorkspace, reportWorkspace, type ShareSource } from '../../src/share/links';
import { LINK_PAYLOAD_LIMIT, PayloadError, fromBase64Url, packWorkspace, packWorkspaceRaw, parseWorkspace, payloadFromHash, toBase64Url, unpackWorkspace } from '../../src/share/payload';
import { buildReportHtml, escapeInlineScript, reportCsp } from '../../src/share/report';
import { DEFAULT_SETTINGS } from '../../src/state/settings';
import { decodeHash } from '../../src/state/url';

const root = path.resolve(import.meta.dirname, '../..');
const cpu = new Uint8Array(readFileSync(path.join(root, 'public/examples/cpu.pb.gz')));
const dump = new Uint8Array(readFileSync(path.join(root, 'testdata/godump/concurrent-map-writes.txt')));

describe('packed workspace', () => {
  it('round-trips sources, origins and the view hash exactly', async () => {
    const ws = {
      hash: 'src=1&view=goroutines&grp=0',
      sources: [
        { name: 'cpu.pb.gz', origin: { kind: 'file' as const, value: 'cpu.pb.gz' }, bytes: cpu },
        { name: 'crash — ünïcode & <b>.txt', origin: { kind: 'file' as const, value: 'crash.txt' }, bytes: dump },
        { name: 'heap.pb.gz', origin: { kind: 'example' as const, value: 'heap' }, bytes: null },
      ],
    };
    const text = toBase64Url(packWorkspace(ws));
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    const back = await unpackWorkspace(fromBase64Url(text));
    expect(back.hash).toBe(ws.hash);
    expect(back.sources.map((s) => [s.name, s.origin])).toEqual(ws.sources.map((s) => [s.name, s.origin]));
    expect(Buffer.from(back.sources[0].bytes!).equals(Buffer.from(cpu))).toBe(true);
    expect(Buffer.from(back.sources[1].bytes!).equals(Buffer.from(dump))).toBe(true);
    expect(back.sources[2].bytes).toBeNull();
  });

  it('base64url matches Node for every length', () => {
    for (let n = 0; n < 70; n++) {
      const b = new Uint8Array(n).map((_, i) => (i * 37 + n) & 255);
      const t = toBase64Url(b);
      expect(t).toBe(Buffer.from(b).toString('base64url'));
      expect(Buffer.from(fromBase64Url(t)).equals(Buffer.from(b))).toBe(true);
    }
    // Big inputs take the chunked path.
    const big = new Uint8Array(300_000).map((_, i) => (i * 7) & 255);
    expect(toBase64Url(big)).toBe(Buffer.from(big).toString('base64url'));
  });

  it('names what is wrong with a damaged payload', async () => {
    await expect(unpackWorkspace(new Uint8Array([1, 2, 3]))).rejects.toThrow(/not valid gzip/);
    expect(() => fromBase64Url('abcde')).toThrow(/impossible length \(5/);
    expect(() => fromBase64Url('ab$d')).toThrow(/invalid character "\$" at position 2/);
    const raw = packWorkspaceRaw({ hash: '', sources: [{ name: 'a', origin: { kind: 'file', value: 'a' }, bytes: cpu }] });
    expect(() => parseWorkspace(raw.subarray(0, raw.length - 10))).toThrow(/claims \d+ bytes at byte \d+ but the workspace ends at \d+/);
    const bad = raw.slice();
    bad[0] = 0x58;
    expect(() => parseWorkspace(bad)).toThrow(/does not start with "SLWS" \(found "XLWS" at byte 0\)/);
    const v2 = raw.slice();
    v2[4] = 2;
    expect(() => parseWorkspace(v2)).toThrow(PayloadError);
    expect(() => parseWorkspace(v2)).toThrow(/version 2 at byte 4/);
  });

  it('finds ws= in a hash and leaves the settings readable', () => {
    const hash = '#src=1&view=top&ws=AAAB-_';
    expect(payloadFromHash(hash)).toBe('AAAB-_');
    expect(payloadFromHash('#view=top')).toBeNull();
    expect(decodeHash(hash).view).toBe('top');
    expect(decodeHash(hash).source).toBe(1);
  });
});

describe('share links', () => {
  const base = 'http://127.0.0.1:4173/';
  const example: ShareSource = { name: 'cpu.pb.gz', origin: { kind: 'example', value: 'cpu' }, evidence: new Blob([cpu]) };
  const url: ShareSource = { name: 'p.pb.gz', origin: { kind: 'url', value: 'https://x.test/p.pb.gz' }, evidence: new Blob([cpu]) };
  const local: ShareSource = { name: 'crash.txt', origin: { kind: 'file', value: 'crash.txt' }, evidence: new Blob([dump]) };

  it('a plain link lists reloadable sources and the view; local files block it', () => {
    const s = { ...DEFAULT_SETTINGS, source: 1, view: 'top' as const };
    expect(plainLink(base, [example, url], s)).toEqual({ url: `${base}?example=cpu&url=https%3A%2F%2Fx.test%2Fp.pb.gz#src=1&view=top`, missing: [] });
    expect(plainLink(base, [example, local], s)).toEqual({ url: null, missing: ['crash.txt'] });
  });

  it('a fragment link carries local files by value and the others by reference', async () => {
    const plan = linkWorkspace([example, local], DEFAULT_SETTINGS);
    if ('error' in plan) throw new Error(plan.error);
    const ws = await readWorkspace(plan);
    expect(ws.sources.map((s) => s.bytes?.length ?? null)).toEqual([null, dump.length]);
    const link = fragmentLink(base, DEFAULT_SETTINGS, toBase64Url(packWorkspace(ws)));
    const back = await unpackWorkspace(fromBase64Url(payloadFromHash(new URL(link).hash)!));
    expect(back.sources[1].name).toBe('crash.txt');
    expect(Buffer.from(back.sources[1].bytes!).equals(Buffer.from(dump))).toBe(true);
    const huge: ShareSource = { ...local, evidence: new Blob([new Uint8Array(4 * LINK_PAYLOAD_LIMIT + 1)]) };
    expect(linkWorkspace([huge], DEFAULT_SETTINGS)).toHaveProperty('error');
  });

  it('a report embeds every source by value', async () => {
    const plan = reportWorkspace([example, local], DEFAULT_SETTINGS);
    if ('error' in plan) throw new Error(plan.error);
    const ws = await readWorkspace(plan);
    expect(ws.sources.map((s) => s.bytes?.length)).toEqual([cpu.length, dump.length]);
    expect(reportWorkspace([{ ...url, evidence: null }], DEFAULT_SETTINGS)).toHaveProperty('error');
  });

  it('a kept file that can no longer be read: the error names it', async () => {
    const gone = { ...local, evidence: { size: 3, arrayBuffer: () => Promise.reject(new Error('NotReadableError')) } as unknown as Blob };
    const plan = reportWorkspace([gone], DEFAULT_SETTINGS);
    if ('error' in plan) throw new Error(plan.error);
    await expect(readWorkspace(plan)).rejects.toThrow(/crash\.txt cannot be read again/);
  });
});

describe('report HTML', () => {
  it('allows its inline script by hash and nothing else; escapes script ends', async () => {
    const js = 'const s = "</script><script>alert(1)</script>"; console.log(s);';
    const html = await buildReportHtml({ js, css: 'body{}', worker: 'self.onmessage=()=>{}; // </script>' }, 'QUJD', 'report <&> "x"');
    const inline = escapeInlineScript(js);
    expect(inline).not.toMatch(/<\/script/i);
    const hash = createHash('sha256').update(inline).digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash}'`);
    expect(reportCsp(hash)).not.toMatch(/unsafe-eval|'unsafe-inline'[^;]*script|script-src[^;]*unsafe/);
    expect(html).toContain('<title>report &lt;&amp;&gt; &quot;x&quot;</title>');
    // Exactly three </script> closers: worker text, data, app.
    expect(html.match(/<\/script>/g)?.length).toBe(3);
    await expect(buildReportHtml({ js, css: '', worker: '' }, 'not base64!', 't')).rejects.toThrow(/base64url/);
  });
});
