// The rendered flame graph (d3-flame-graph's <svg>) as a standalone SVG file: every frame
// as a rect with its computed fill and a label cut to fit, a title naming the source and
// sample type, explicit width/height, generic font families, and nothing that reaches out
// (no scripts, no event handlers, no links, no foreignObject, no external fonts or CSS).
// Frame names are untrusted: they only ever appear escaped, as text or in <title>.
//
// Pure string building over a minimal element interface, so it runs on the live DOM in the
// app and on plain objects in unit tests.

/** The part of a DOM Element this module reads. */
export interface ElementLike {
  getAttribute(name: string): string | null;
  querySelector(selector: string): ElementLike | null;
  readonly classList: { contains(token: string): boolean };
  readonly textContent: string | null;
}

export interface SvgLike extends ElementLike {
  querySelectorAll(selector: string): ArrayLike<ElementLike>;
}

export interface FlameSvgOptions {
  /** First line above the graph, e.g. "cpu.pb.gz — cpu (nanoseconds)". */
  title: string;
  /** Second line: filters, zoom, total. */
  subtitle?: string;
  /** Width in px of `text` in LABEL_FONT (canvas measureText in the browser); the default
   * assumes a monospace face of 0.6 em per character. */
  measureText?: (text: string) => number;
}

/** Frame labels: the app's 11px monospace, as a generic family. */
export const LABEL_FONT_SIZE = 11;
export const LABEL_FONT = `${LABEL_FONT_SIZE}px monospace`;
const LABEL_PAD = 4;
/** d3-flame-graph hides labels of frames narrower than this. */
const MIN_LABEL_WIDTH = 35;
const HEADER = 40;
const BACKGROUND = '#ffffff';
const TEXT = '#15181c';

// Characters XML 1.0 cannot hold (C0 controls but tab/newline/CR, unpaired surrogates,
// U+FFFE/U+FFFF): a profile may contain them in names; they become U+FFFD.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text safe in XML character data and in double- or single-quoted attributes. */
export function escapeXml(s: string): string {
  return s.replace(NOT_XML, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITY[c]);
}

// Fills come from our colour functions; anything else (never expected) falls back to grey
// rather than being copied into the file.
const COLOR = /^(#[0-9a-fA-F]{3,8}|(rgb|hsl)a?\([\d.,%\s]+\))$/;

function num(v: string | null | undefined): number {
  const n = v === null || v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : NaN;
}

function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

const monospaceWidth = (text: string) => Array.from(text).length * LABEL_FONT_SIZE * 0.6;

/** `name` if it fits in `width` px, else its longest prefix that fits with "…"; null if none does. */
export function fitLabel(name: string, width: number, measure: (text: string) => number = monospaceWidth): string | null {
  if (width <= 0) return null;
  if (measure(name) <= width) return name;
  const chars = Array.from(name);
  let lo = 0;
  let hi = chars.length - 1;
  // Longest k with measure(prefix(k) + '…') <= width.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(`${chars.slice(0, mid).join('')}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? `${chars.slice(0, lo).join('')}…` : null;
}

interface Frame {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
  name: string;
  label: boolean;
  fade: boolean;
  selected: boolean;
}

const TRANSLATE = /translate\(\s*(-?[\d.e+-]+)[\s,]+(-?[\d.e+-]+)\s*\)/;

function readFrame(g: ElementLike): Frame | null {
  const rect = g.querySelector('rect');
  const t = TRANSLATE.exec(g.getAttribute('transform') ?? '');
  if (!rect || !t) return null;
  const x = num(t[1]);
  const y = num(t[2]);
  const width = num(rect.getAttribute('width') ?? g.getAttribute('width'));
  const height = num(rect.getAttribute('height') ?? g.getAttribute('height'));
  if (![x, y, width, height].every(Number.isFinite) || width <= 0 || height <= 0) return null;
  const fill = rect.getAttribute('fill') ?? '';
  const labelEl = g.querySelector('foreignObject div');
  const name = g.getAttribute('name') ?? labelEl?.textContent ?? '';
  return {
    x,
    y,
    width,
    height,
    fill: COLOR.test(fill) ? fill : '#c8c8c8',
    name,
    label: width >= MIN_LABEL_WIDTH,
    fade: g.classList.contains('fade'),
    selected: g.classList.contains('selected'),
  };
}

/** The flame graph `svg` as a standalone SVG document. */
export function flameGraphSvg(svg: SvgLike, opts: FlameSvgOptions): string {
  const measure = opts.measureText ?? monospaceWidth;
  const gs = svg.querySelectorAll('g.frame');
  const frames: Frame[] = [];
  for (let i = 0; i < gs.length; i++) {
    const f = readFrame(gs[i]);
    if (f) frames.push(f);
  }
  let width = num(svg.getAttribute('width'));
  if (!Number.isFinite(width)) width = frames.reduce((a, f) => Math.max(a, f.x + f.width), 0);
  // The frames' own vertical extent: d3-flame-graph leaves empty rows above a flame graph.
  const top = frames.length ? frames.reduce((a, f) => Math.min(a, f.y), Infinity) : 0;
  const bottom = frames.reduce((a, f) => Math.max(a, f.y + f.height), top);
  const W = Math.max(1, Math.ceil(width));
  const H = Math.ceil(bottom - top) + HEADER;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<title>${escapeXml(opts.title)}</title>`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="${BACKGROUND}"/>`,
    `<text x="8" y="17" font-family="sans-serif" font-size="14" font-weight="bold" fill="#1d2127">${escapeXml(opts.title)}</text>`,
  ];
  if (opts.subtitle) out.push(`<text x="8" y="33" font-family="sans-serif" font-size="11" fill="#4c5561">${escapeXml(opts.subtitle)}</text>`);
  out.push(`<g transform="translate(0,${fmt(HEADER - top)})" font-family="monospace" font-size="${LABEL_FONT_SIZE}">`);
  for (const f of frames) {
    const opacity = f.fade ? ' opacity="0.55"' : '';
    const stroke = f.selected ? 'stroke="#1d2127" stroke-width="2"' : `stroke="${BACKGROUND}" stroke-width="0.5"`;
    // A nested <svg> clips its content to the frame (no clipPath ids needed).
    out.push(`<svg x="${fmt(f.x)}" y="${fmt(f.y)}" width="${fmt(f.width)}" height="${fmt(f.height)}"${opacity}>`);
    out.push(`<title>${escapeXml(f.name)}</title>`);
    out.push(`<rect x="0" y="0" width="${fmt(f.width)}" height="${fmt(f.height)}" fill="${f.fill}" ${stroke}/>`);
    const label = f.label ? fitLabel(f.name, f.width - 2 * LABEL_PAD, measure) : null;
    if (label !== null) {
      const baseline = f.height / 2 + LABEL_FONT_SIZE * 0.35;
      out.push(`<text x="${LABEL_PAD}" y="${fmt(baseline)}" fill="${TEXT}" xml:space="preserve">${escapeXml(label)}</text>`);
    }
    out.push('</svg>');
  }
  out.push('</g>', '</svg>', '');
  return out.join('\n');
}

/** Width and height an SVG from flameGraphSvg declares. */
export function svgSize(svgText: string): { width: number; height: number } {
  const m = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svgText);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : { width: 0, height: 0 };
}
