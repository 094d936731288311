// Pure helpers of the trace Timeline view (unit-tested in tests/unit/ui-trace-model.test.ts):
// time formatting, axis ticks, row layout with collapsible groups, span lookup, group stats.

import { scaleLinear } from 'd3';
import { ST_RUNNABLE, ST_RUNNING, ST_SYSCALL, ST_SYSCALL_BLOCKED, ST_WAITING, spanReasonOf, spanStateOf, type GoroutineTableColumns, type TraceViewData } from '../analysis/trace/view';
import { forEachSpan, forEachSpanStack, type SpanRow } from '../analysis/trace/spans';

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

/**
 * The goroutine timeline's rows as one column (a big trace has 231k rows, which as objects
 * stayed on the page for as long as the trace was shown): a goroutine row holds its display
 * index i (>= 0), the header row of group g holds ~g (< 0). timelineRowAt reads one row.
 */
export function timelineRows(groups: readonly GroupSpan[], collapsed: ReadonlySet<number>): Int32Array {
  let n = 0;
  groups.forEach((g, gi) => {
    n += 1 + (collapsed.has(gi) ? 0 : g.count);
  });
  const rows = new Int32Array(n);
  let r = 0;
  groups.forEach((g, gi) => {
    rows[r++] = ~gi;
    if (!collapsed.has(gi)) for (let i = 0; i < g.count; i++) rows[r++] = g.first + i;
  });
  return rows;
}

/** Row r of timelineRows(groups, collapsed), or null past the ends. */
export function timelineRowAt(rows: Int32Array, groups: readonly GroupSpan[], collapsed: ReadonlySet<number>, r: number): TimelineRow | null {
  if (!(r >= 0 && r < rows.length)) return null;
  const code = rows[r];
  if (code >= 0) return { kind: 'g', index: code };
  const gi = ~code;
  return { kind: 'group', group: gi, name: groups[gi].name, count: groups[gi].count, collapsed: collapsed.has(gi) };
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
export function spanAt(row: SpanRow, lo: number, hi: number, t: number, tol: number): number {
  const k = row.firstEndingAfter(lo, hi, t);
  if (k < hi && row.start(k) <= t) return k;
  let best = -1;
  let bestD = tol;
  if (k < hi && row.start(k) - t <= bestD) {
    best = k;
    bestD = row.start(k) - t;
  }
  if (k - 1 >= lo && t - row.end(k - 1) <= bestD) best = k - 1;
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

/**
 * Per start function (nearest-rank quantiles of exec time), like goroutineGroups, over the
 * table's rows (names by display index: gNames). The exec times are gathered per function
 * into one Float64Array (counting sort by function) and each function's part sorted in place.
 */
export function groupStats(t: Pick<GoroutineTableColumns, 'g' | 'execNs'>, names: readonly string[]): GroupStats[] {
  const n = t.g.length;
  const groupOf = new Map<string, number>();
  const groupNames: string[] = [];
  const rowGroup = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const name = names[t.g[k]];
    let gi = groupOf.get(name);
    if (gi === undefined) {
      gi = groupNames.length;
      groupOf.set(name, gi);
      groupNames.push(name);
    }
    rowGroup[k] = gi;
  }
  const offsets = new Uint32Array(groupNames.length + 1);
  for (let k = 0; k < n; k++) offsets[rowGroup[k] + 1]++;
  for (let gi = 0; gi < groupNames.length; gi++) offsets[gi + 1] += offsets[gi];
  const next = offsets.slice(0, groupNames.length);
  const exec = new Float64Array(n);
  for (let k = 0; k < n; k++) exec[next[rowGroup[k]]++] = t.execNs[k];
  const out: GroupStats[] = [];
  for (let gi = 0; gi < groupNames.length; gi++) {
    const a = exec.subarray(offsets[gi], offsets[gi + 1]).sort();
    const q = (p: number) => a[Math.min(a.length - 1, Math.max(0, Math.ceil(p * a.length) - 1))];
    let total = 0;
    for (let j = 0; j < a.length; j++) total += a[j];
    out.push({ name: groupNames[gi], count: a.length, totalExecNs: total, minExecNs: a[0], medianExecNs: q(0.5), p99ExecNs: q(0.99), maxExecNs: a[a.length - 1] });
  }
  out.sort((x, y) => y.totalExecNs - x.totalExecNs || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return out;
}

export type TableSortKey = 'id' | 'name' | 'execNs' | 'schedWaitNs' | 'blockNs' | 'syscallNs' | 'totalNs' | 'match';

/**
 * The goroutine table's row order for a sort key, as a permutation of its rows (positions in
 * t): ids shortest first then as text (numeric order of ids of any size), names A-Z, the
 * times longest first, 'match' = goroutines containing the selected function first (by
 * `match`, per display index: 3 = CPU samples and event stacks, then 2, then 1), then by
 * execution. Ties keep the table's order.
 */
export function tableOrder(t: GoroutineTableColumns, d: Pick<TraceViewData, 'gIds' | 'gNames'>, sort: TableSortKey, match: Uint8Array | null): Uint32Array {
  const n = t.g.length;
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  const g = t.g;
  if (sort === 'id') {
    const ids = d.gIds;
    order.sort((x, y) => {
      const a = ids[g[x]];
      const b = ids[g[y]];
      return a.length - b.length || (a < b ? -1 : a > b ? 1 : x - y);
    });
  } else if (sort === 'name') {
    const names = d.gNames;
    order.sort((x, y) => {
      const a = names[g[x]];
      const b = names[g[y]];
      return a < b ? -1 : a > b ? 1 : x - y;
    });
  } else if (sort === 'match') {
    const exec = t.execNs;
    order.sort((x, y) => (match ? match[g[y]] - match[g[x]] : 0) || exec[y] - exec[x] || x - y);
  } else {
    const col = t[sort];
    order.sort((x, y) => col[y] - col[x] || x - y);
  }
  return order;
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

/**
 * The window a timeline key asks for (the trace and process timelines share the keys):
 * W / S zoom in / out around the middle, A / D pan by 15%, 0 shows everything. null = not
 * a timeline key. The caller clamps (clampView).
 */
export function keyedView(key: string, v0: number, v1: number, end: number): [number, number] | null {
  const span = v1 - v0;
  const mid = (v0 + v1) / 2;
  switch (key) {
    case 'w':
    case 'W':
      return [mid - span * 0.35, mid + span * 0.35];
    case 's':
    case 'S':
      return [mid - span * 0.7, mid + span * 0.7];
    case 'a':
    case 'A':
      return [v0 - span * 0.15, v1 - span * 0.15];
    case 'd':
    case 'D':
      return [v0 + span * 0.15, v1 + span * 0.15];
    case '0':
      return [0, end];
    default:
      return null;
  }
}

/**
 * Visits the spans [lo, hi) of one row (sorted, non-overlapping) for drawing over pixels
 * [xmin, xmax) with level-of-detail merging: a span at least a pixel wide is visited as is;
 * where spans are narrower than a pixel, each pixel column is visited once, with the span
 * covering most of it among up to `probes` evenly spaced candidates. Cost per row:
 * O(wide spans + pixel columns × (log n + probes)), however many spans a pixel hides.
 */
export function forEachSpanLod(
  row: SpanRow,
  lo: number,
  hi: number,
  v0: number,
  v1: number,
  xmin: number,
  xmax: number,
  visit: (k: number, xa: number, xb: number) => void,
  probes = 8,
): void {
  if (v1 <= v0 || xmax <= xmin) return;
  const scale = (xmax - xmin) / (v1 - v0);
  const xOf = (t: number) => xmin + (t - v0) * scale;
  let k = row.firstEndingAfter(lo, hi, v0);
  while (k < hi && row.start(k) < v1) {
    const sk = row.start(k);
    const xa = Math.max(xmin, xOf(sk));
    const xb = Math.min(xmax, xOf(row.end(k)));
    if (xb - xa >= 1) {
      visit(k, xa, xb);
      k++;
      continue;
    }
    const px = Math.floor(xa);
    const pa = v0 + (px - xmin) / scale;
    const pb = v0 + (px + 1 - xmin) / scale;
    const kEnd = row.firstEndingAfter(k, hi, pb);
    const last = kEnd < hi && row.start(kEnd) < pb ? kEnd : kEnd - 1;
    let best = k;
    if (last > k) {
      let bestW = -1;
      const n = last - k + 1;
      const step = n <= probes ? 1 : n / probes;
      for (let q = 0; q < Math.min(n, probes); q++) {
        const j = k + Math.floor(q * step);
        const w = Math.min(row.end(j), pb) - Math.max(row.start(j), pa);
        if (w > bestW) {
          bestW = w;
          best = j;
        }
      }
      if (last !== k + Math.floor((Math.min(n, probes) - 1) * step)) {
        const w = Math.min(row.end(last), pb) - Math.max(row.start(last), pa);
        if (w > bestW) best = last;
      }
    }
    visit(best, px, Math.min(xmax, px + 1));
    k = Math.max(k + 1, kEnd);
  }
}

/** Points where GOMAXPROCS changes (the first value counts as a change). */
export function gomaxprocsChanges(t: Float64Array, v: Float64Array): { t: number; v: number }[] {
  const out: { t: number; v: number }[] = [];
  for (let i = 0; i < t.length; i++) if (out.length === 0 || out[out.length - 1].v !== v[i]) out.push({ t: t[i], v: v[i] });
  return out;
}

/** GOMAXPROCS in effect at t (the first value before the first change; NaN without data). */
export function gomaxprocsAt(changes: readonly { t: number; v: number }[], t: number): number {
  if (changes.length === 0) return NaN;
  let v = changes[0].v;
  for (const c of changes) {
    if (c.t > t) break;
    v = c.v;
  }
  return v;
}

/** Indices k in [lo, hi) of intervals sorted by start (possibly nested) containing t ± tol. */
export function intervalsAt(start: Float64Array, end: Float64Array, lo: number, hi: number, t: number, tol = 0): number[] {
  const out: number[] = [];
  for (let k = lo; k < hi && start[k] - tol <= t; k++) if (t <= end[k] + tol) out.push(k);
  return out;
}

export interface FunctionHighlight {
  /** Per goroutine (display index): 1 = CPU samples contain the function, 2 = event stacks, 3 = both. */
  rows: Uint8Array;
  /** Goroutines matched at all / by samples / by event stacks. */
  count: number;
  bySamples: number;
  byStacks: number;
}

/**
 * Goroutines whose CPU samples or event stacks (the stacks that began their spans) contain
 * the function (by its printed name, the flame graph's identity). Null when no frame has it.
 */
export function functionHighlight(
  d: Pick<TraceViewData, 'frameFunc' | 'stackOffsets' | 'stackFrames' | 'sampleG' | 'sampleStack' | 'gOffsets' | 'spanStack' | 'gIds'>,
  fn: string,
): FunctionHighlight | null {
  const frameHas = new Uint8Array(d.frameFunc.length);
  let any = false;
  d.frameFunc.forEach((f, i) => {
    if (f === fn) {
      frameHas[i] = 1;
      any = true;
    }
  });
  if (!any) return null;
  const nStacks = d.stackOffsets.length - 1;
  const stackHas = new Uint8Array(Math.max(0, nStacks));
  for (let s = 0; s < nStacks; s++) {
    for (let j = d.stackOffsets[s]; j < d.stackOffsets[s + 1]; j++) {
      if (frameHas[d.stackFrames[j]]) {
        stackHas[s] = 1;
        break;
      }
    }
  }
  const rows = new Uint8Array(d.gIds.length);
  for (let k = 0; k < d.sampleG.length; k++) {
    const g = d.sampleG[k];
    if (g >= 0 && stackHas[d.sampleStack[k]]) rows[g] |= 1;
  }
  // Only the spans that have a stack (a quarter of them, sparse); g follows k's goroutine.
  let g = 0;
  forEachSpanStack(d.spanStack, 0, d.gOffsets[d.gIds.length], (k, s) => {
    if (!stackHas[s]) return;
    while (k >= d.gOffsets[g + 1]) g++;
    rows[g] |= 2;
  });
  let count = 0;
  let bySamples = 0;
  let byStacks = 0;
  for (const r of rows) {
    if (r) count++;
    if (r & 1) bySamples++;
    if (r & 2) byStacks++;
  }
  return { rows, count, bySamples, byStacks };
}

/** Frames of stack s as "func  file:line" lines (leaf first), at most `max` then "… n more". */
export function stackLines(d: Pick<TraceViewData, 'frameFunc' | 'frameLoc' | 'stackOffsets' | 'stackFrames'>, s: number, max = 12): string[] {
  if (s <= 0 || s + 1 >= d.stackOffsets.length) return [];
  const a = d.stackOffsets[s];
  const b = d.stackOffsets[s + 1];
  const out: string[] = [];
  for (let j = a; j < b && out.length < max; j++) {
    const f = d.stackFrames[j];
    out.push(d.frameLoc[f] ? `${d.frameFunc[f]}  ${d.frameLoc[f]}` : d.frameFunc[f]);
  }
  if (b - a > max) out.push(`… ${b - a - max} more`);
  return out;
}

/** What began span k of goroutine row [lo, hi): the transition, named from the states around it. */
export function spanBeginning(kind: ArrayLike<number>, lo: number, k: number): string {
  const st = spanStateOf(kind[k]);
  if (k === lo) return st === ST_RUNNABLE || st === ST_WAITING ? 'created by' : 'first seen';
  const prev = spanStateOf(kind[k - 1]);
  const fromSyscall = prev === ST_SYSCALL || prev === ST_SYSCALL_BLOCKED;
  if (st === ST_RUNNING) return fromSyscall ? 'syscall returned' : 'started running';
  if (st === ST_RUNNABLE) return prev === ST_WAITING ? 'unblocked by' : fromSyscall ? 'syscall returned without its P' : 'preempted / yielded at';
  if (st === ST_WAITING) return 'blocked at';
  if (st === ST_SYSCALL_BLOCKED) return 'syscall (its P was retaken) at';
  return 'syscall at';
}

/**
 * The goroutine table for the window [t0, t1) computed from the spans, with the semantics
 * of Go's summarizer over a window (goroutines.ts `window`): each state's time clipped to
 * the window — running = execution, runnable = scheduler wait, waiting = blocked, syscall
 * until its P was retaken = syscall (the rest is syscall-blocked, not a table column);
 * total = presence (a goroutine blocked `forever` has ended); goroutines absent from the
 * window are left out. Instant for any range, where re-summarizing the trace took seconds.
 * Columns like the whole trace's table (view.ts GoroutineTableColumns), rows in display order.
 */
export function spanWindowTable(
  d: Pick<TraceViewData, 'gIds' | 'gNames' | 'gOffsets' | 'spanTimes' | 'spanKind' | 'reasons'>,
  t0: number,
  t1: number,
): GoroutineTableColumns {
  const forever = d.reasons.indexOf('forever');
  const nG = d.gIds.length;
  const g = new Uint32Array(nG);
  const execNs = new Float64Array(nG);
  const schedWaitNs = new Float64Array(nG);
  const blockNs = new Float64Array(nG);
  const syscallNs = new Float64Array(nG);
  const totalNs = new Float64Array(nG);
  let exec = 0;
  let sched = 0;
  let block = 0;
  let sys = 0;
  let total = 0;
  // One visitor for all goroutines (a closure per goroutine was 231k of garbage per range).
  const visit = (k: number, start: number, end: number): boolean | void => {
    const st = spanStateOf(d.spanKind[k]);
    if (st === ST_WAITING && spanReasonOf(d.spanKind[k]) === forever) return false;
    const w = Math.min(end, t1) - Math.max(start, t0);
    if (w <= 0) return;
    total += w;
    if (st === ST_RUNNING) exec += w;
    else if (st === ST_RUNNABLE) sched += w;
    else if (st === ST_WAITING) block += w;
    else if (st === ST_SYSCALL) sys += w;
  };
  let n = 0;
  for (let i = 0; i < nG; i++) {
    const lo = d.gOffsets[i];
    const hi = d.gOffsets[i + 1];
    if (hi === lo) continue;
    exec = sched = block = sys = total = 0;
    forEachSpan(d.spanTimes, lo, hi, t0, t1, visit);
    if (total > 0) {
      g[n] = i;
      execNs[n] = exec;
      schedWaitNs[n] = sched;
      blockNs[n] = block;
      syscallNs[n] = sys;
      totalNs[n] = total;
      n++;
    }
  }
  const cut = <T extends Uint32Array | Float64Array>(a: T): T => (n === nG ? a : (a.slice(0, n) as T));
  return { g: cut(g), execNs: cut(execNs), schedWaitNs: cut(schedWaitNs), blockNs: cut(blockNs), syscallNs: cut(syscallNs), totalNs: cut(totalNs) };
}
