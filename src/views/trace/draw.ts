// Canvas helpers of the trace Timeline view. Text drawn here is canvas text (never HTML):
// names come from the trace and are hostile.

import type { SpanRow } from '../../analysis/trace/spans';
import { forEachSpanLod } from '../traceModel';

export function setupCanvas(c: HTMLCanvasElement, w: number, h: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
  }
  c.style.width = `${w}px`;
  c.style.height = `${h}px`;
  const ctx = c.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return ctx;
}

/** Text clipped from the left to maxW ("…tail"). */
export function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, maxW: number): void {
  let t = text;
  if (ctx.measureText(t).width > maxW) {
    while (t.length > 1 && ctx.measureText(`…${t}`).width > maxW) t = t.slice(1);
    t = `…${t}`;
  }
  ctx.fillText(t, x, y);
}

/** Text clipped on the right to maxW ("head…"); nothing when not even one character fits. */
export function labelHead(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, maxW: number): void {
  if (maxW < 8) return;
  let t = text;
  if (ctx.measureText(t).width > maxW) {
    let lo = 0;
    let hi = t.length;
    while (lo < hi) {
      const m = (lo + hi + 1) >> 1;
      if (ctx.measureText(`${t.slice(0, m)}…`).width <= maxW) lo = m;
      else hi = m - 1;
    }
    if (lo === 0) return;
    t = `${t.slice(0, lo)}…`;
  }
  ctx.fillText(t, x, y);
}

/**
 * Spans [lo, hi) of one row, clipped to the view, with level-of-detail merging
 * (forEachSpanLod): at most about one rectangle per pixel column however many spans there are.
 */
export function drawSpans(
  ctx: CanvasRenderingContext2D,
  row: SpanRow,
  lo: number,
  hi: number,
  v0: number,
  v1: number,
  y: number,
  h: number,
  color: (k: number) => string,
  xmin: number,
  xmax: number,
): void {
  let last = '';
  forEachSpanLod(row, lo, hi, v0, v1, xmin, xmax, (k, xa, xb) => {
    const c = color(k);
    if (c !== last) {
      ctx.fillStyle = c;
      last = c;
    }
    ctx.fillRect(xa, y, xb - xa, h);
  });
}

/** [start, end] pairs overlapping the view, at least 1 px wide. */
export function drawPairs(ctx: CanvasRenderingContext2D, pairs: Float64Array, v0: number, v1: number, x: (t: number) => number, y: number, h: number, xmin: number, xmax: number): void {
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    if (pairs[i + 1] < v0 || pairs[i] > v1) continue;
    const xa = Math.max(xmin, x(pairs[i]));
    const xb = Math.min(xmax, x(pairs[i + 1]));
    ctx.fillRect(xa, y, Math.max(1, xb - xa), h);
  }
}

/** Intervals start[k]..end[k] for k in [lo, hi) overlapping the view, at least 1 px wide. */
export function drawIntervals(
  ctx: CanvasRenderingContext2D,
  start: Float64Array,
  end: Float64Array,
  lo: number,
  hi: number,
  v0: number,
  v1: number,
  x: (t: number) => number,
  y: number,
  h: number,
  xmin: number,
  xmax: number,
): void {
  for (let k = lo; k < hi; k++) {
    if (end[k] < v0 || start[k] > v1) continue;
    const xa = Math.max(xmin, x(start[k]));
    const xb = Math.min(xmax, x(end[k]));
    ctx.fillRect(xa, y, Math.max(1, xb - xa), h);
  }
}

/**
 * A step series (value v[i] from t[i] to t[i+1], the last one to `end`), filled or stroked,
 * over the visible window [v0, v1] only; where several points fall in one pixel column the
 * column shows their maximum (one vertex pair per pixel however many points).
 */
export function drawSeries(
  ctx: CanvasRenderingContext2D,
  t: Float64Array,
  v: Float64Array,
  max: number,
  end: number,
  x: (t: number) => number,
  y: number,
  h: number,
  fill: boolean,
  v0 = -Infinity,
  v1 = Infinity,
): void {
  const n = t.length;
  if (n === 0 || max <= 0) return;
  const yOf = (val: number) => y + h - (val / max) * (h - 2);
  // First point in view: the last one at or before v0 (its value holds at v0).
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (t[m] <= v0) lo = m + 1;
    else hi = m;
  }
  const first = Math.max(0, lo - 1);
  ctx.beginPath();
  const xs = x(t[first]);
  ctx.moveTo(xs, fill ? y + h : yOf(v[first]));
  if (fill) ctx.lineTo(xs, yOf(v[first]));
  let prevY = yOf(v[first]);
  let i = first + 1;
  while (i < n && t[i - 1] <= v1) {
    const px = Math.floor(x(t[i]));
    let peak = v[i];
    let j = i + 1;
    while (j < n && Math.floor(x(t[j])) === px) {
      if (v[j] > peak) peak = v[j];
      j++;
    }
    const xi = x(t[i]);
    ctx.lineTo(xi, prevY);
    ctx.lineTo(xi, yOf(peak));
    if (j - 1 > i) ctx.lineTo(x(t[j - 1]), yOf(v[j - 1]));
    prevY = yOf(v[j - 1]);
    i = j;
  }
  const xe = i < n ? x(t[i]) : x(end);
  ctx.lineTo(xe, prevY);
  if (fill) {
    ctx.lineTo(xe, y + h);
    ctx.closePath();
    ctx.fill();
  } else ctx.stroke();
}

/** A stable colour per name (tasks, regions). */
export function nameColor(name: string, light = 62): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return `hsl(${(h >>> 0) % 360}, 48%, ${light}%)`;
}

export function goColor(i: number): string {
  return `hsl(${(i * 137.508) % 360}, 55%, 52%)`;
}
