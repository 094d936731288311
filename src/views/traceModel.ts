// Pure helpers of the trace Timeline view (unit-tested in tests/unit/ui-trace-model.test.ts):
// time formatting, axis ticks, row layout with collapsible groups, span lookup, group stats.

import { scaleLinear } from 'd3';
import type { GoroutineRow, TraceViewData } from '../analysis/trace/view';

/** A duration or time in ns, e.g. "850 ns", "12.3 µs", "4.56 ms", "1.23 s". */
export function fmtNs(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1e3) return `${Math.round(ns)} ns`;
  if (a < 1e6) return `${trim(ns / 1e3)} µs`;
  if (a < 1e9) return `${trim(ns / 1e6)} ms`;
  return `${trim(ns / 1e9)} s`;
}

function trim(v: number): string {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(1).replace(/\.0$/, '') : a >= 10 ? v.toFixed(2).replace(/\.?0+$/, '') : v.toFixed(3).replace(/\.?0+$/, '');
}

export interface Tick {
  t: number;
  x: number;
  label: string;
}

/** Axis ticks for the visible window [v0, v1] drawn over pixels [x0, x1] (d3 scale, real units). */
export function axisTicks(v0: number, v1: number, x0: number, x1: number, count: number): Tick[] {
  const sc = scaleLinear().domain([v0, v1]).range([x0, x1]);
  const ts = sc.ticks(Math.max(2, count));
  const step = ts.length > 1 ? ts[1] - ts[0] : Math.max(1, v1 - v0);
  const [unit, name] = step >= 1e8 ? [1e9, 's'] : step >= 1e5 ? [1e6, 'ms'] : step >= 100 ? [1e3, 'µs'] : [1, 'ns'];
  const decimals = Math.max(0, Math.min(9, -Math.floor(Math.log10(step / unit) + 1e-9)));
  return ts.map((t) => ({ t, x: sc(t), label: `${(t / unit).toFixed(decimals)} ${name}` }));
}

export type TimelineRow = { kind: 'group'; group: number; name: string; count: number; collapsed: boolean } | { kind: 'g'; index: number };

export interface GroupSpan {
  name: string;
  first: number;
  count: number;
}

/** Contiguous start-function groups of the display order (view.ts sorts goroutines by group). */
export function displayGroups(d: Pick<TraceViewData, 'gNames'>): GroupSpan[] {
  const out: GroupSpan[] = [];
  d.gNames.forEach((n, i) => {
    const last = out[out.length - 1];
    if (last && last.name === n) last.count++;
    else out.push({ name: n, first: i, count: 1 });
  });
  return out;
}

export function timelineRows(groups: readonly GroupSpan[], collapsed: ReadonlySet<number>): TimelineRow[] {
  const rows: TimelineRow[] = [];
  groups.forEach((g, gi) => {
    const c = collapsed.has(gi);
    rows.push({ kind: 'group', group: gi, name: g.name, count: g.count, collapsed: c });
    if (!c) for (let i = 0; i < g.count; i++) rows.push({ kind: 'g', index: g.first + i });
  });
  return rows;
}

/** First k in [lo, hi) with end[k] > t (ends are sorted within a row). */
export function firstEndingAfter(end: Float64Array, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (end[m] > t) hi = m;
    else lo = m + 1;
  }
  return lo;
}

/** The span of [lo, hi) containing t, else the nearest within `tol` ns, else -1. */
export function spanAt(start: Float64Array, end: Float64Array, lo: number, hi: number, t: number, tol: number): number {
  const k = firstEndingAfter(end, lo, hi, t);
  if (k < hi && start[k] <= t) return k;
  let best = -1;
  let bestD = tol;
  if (k < hi && start[k] - t <= bestD) {
    best = k;
    bestD = start[k] - t;
  }
  if (k - 1 >= lo && t - end[k - 1] <= bestD) best = k - 1;
  return best;
}

export interface GroupStats {
  name: string;
  count: number;
  totalExecNs: number;
  minExecNs: number;
  medianExecNs: number;
  p99ExecNs: number;
  maxExecNs: number;
}

/** Per start function (nearest-rank quantiles of exec time), like goroutineGroups. */
export function groupStats(rows: readonly GoroutineRow[]): GroupStats[] {
  const by = new Map<string, number[]>();
  for (const r of rows) {
    let a = by.get(r.name);
    if (!a) by.set(r.name, (a = []));
    a.push(r.execNs);
  }
  const q = (s: number[], p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  const out: GroupStats[] = [];
  for (const [name, a] of by) {
    a.sort((x, y) => x - y);
    out.push({ name, count: a.length, totalExecNs: a.reduce((x, y) => x + y, 0), minExecNs: a[0], medianExecNs: q(a, 0.5), p99ExecNs: q(a, 0.99), maxExecNs: a[a.length - 1] });
  }
  out.sort((x, y) => y.totalExecNs - x.totalExecNs || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return out;
}

/** Clamp a visible window to [0, end] keeping at least `minSpan` ns. */
export function clampView(v0: number, v1: number, end: number, minSpan = 1000): [number, number] {
  let span = Math.max(minSpan, v1 - v0);
  if (span > end) span = end;
  let a = v0;
  if (a < 0) a = 0;
  if (a + span > end) a = end - span;
  return [Math.max(0, a), Math.max(0, a) + span];
}
