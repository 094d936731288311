// Pure helpers of the perf process timeline (unit-tested in tests/unit/ui-perf-view.test.ts):
// lane layout (processes in lineage order, expandable to threads), which markers sit on
// which lane, sample density per pixel column, marker lookup and hover text.

import { MarkerKind, MARKER_LABELS, type PerfMarkers } from '../../analysis/perf/markers';
import type { PerfViewData } from '../../analysis/perf/viewData';
import { fmtNs } from '../traceModel';

export type LaneRow = { kind: 'process'; index: number; depth: number; expanded: boolean; threads: number } | { kind: 'thread'; index: number; process: number; depth: number };

/** Rows of the timeline: every process, followed by its threads when expanded. */
export function laneRows(perf: Pick<PerfViewData, 'processes'>, expanded: ReadonlySet<number>): LaneRow[] {
  const rows: LaneRow[] = [];
  perf.processes.forEach((p, i) => {
    const open = expanded.has(p.pid) && p.threads.length > 1;
    rows.push({ kind: 'process', index: i, depth: p.depth, expanded: open, threads: p.threads.length });
    if (open) for (const t of p.threads) rows.push({ kind: 'thread', index: t, process: i, depth: p.depth });
  });
  return rows;
}

export interface LaneMarkers {
  /** Per process (index into perf.processes): marker indices in time order. */
  process: number[][];
  /** Per thread (index into perf.threads). */
  thread: number[][];
}

/**
 * Markers by lane. A process lane carries its exec / execve / fork / exit markers and the
 * sched_switch ticks of all its threads; thread clones only show on the forking thread's lane.
 */
export function laneMarkers(perf: Pick<PerfViewData, 'processes' | 'threads' | 'markers'>): LaneMarkers {
  const process: number[][] = perf.processes.map(() => []);
  const thread: number[][] = perf.threads.map(() => []);
  const m = perf.markers;
  if (!m) return { process, thread };
  const pIndex = new Map(perf.processes.map((p, i) => [p.pid, i]));
  const tIndex = new Map(perf.threads.map((t, i) => [t.tid, i]));
  const order = Array.from({ length: m.length }, (_, i) => i).sort((a, b) => m.timeNs[a] - m.timeNs[b] || a - b);
  for (const i of order) {
    const k = m.kind[i];
    const ti = tIndex.get(m.tid[i]);
    if (ti !== undefined) thread[ti].push(i);
    if (k === MarkerKind.Clone) continue;
    const pi = pIndex.get(m.pid[i]);
    if (pi !== undefined) process[pi].push(i);
  }
  return { process, thread };
}

/**
 * Samples per pixel column of one lane's histogram row (bins over [0, spanNs]) for the
 * visible window [v0, v1] drawn over `width` pixels: each bin's count lands in the column
 * holding the bin's centre, so zoomed out nothing is lost and zoomed in bins spread out.
 */
export function densityColumns(hist: Uint32Array, lane: number, bins: number, spanNs: number, v0: number, v1: number, width: number): Float64Array {
  const cols = new Float64Array(Math.max(0, Math.floor(width)));
  if (cols.length === 0 || spanNs <= 0 || v1 <= v0) return cols;
  const binNs = spanNs / bins;
  const base = lane * bins;
  const b0 = Math.max(0, Math.floor(v0 / binNs) - 1);
  const b1 = Math.min(bins - 1, Math.ceil(v1 / binNs) + 1);
  const scale = cols.length / (v1 - v0);
  // Zoomed in, a bin spans several columns: fill all of them with its count.
  const wide = binNs * scale >= 2;
  for (let b = b0; b <= b1; b++) {
    const c = hist[base + b];
    if (c === 0) continue;
    if (wide) {
      const xa = Math.max(0, Math.floor((b * binNs - v0) * scale));
      const xb = Math.min(cols.length, Math.ceil(((b + 1) * binNs - v0) * scale));
      for (let x = xa; x < xb; x++) cols[x] = Math.max(cols[x], c);
    } else {
      const x = Math.floor(((b + 0.5) * binNs - v0) * scale);
      if (x >= 0 && x < cols.length) cols[x] += c;
    }
  }
  return cols;
}

/** The marker of `list` (time-ordered indices) nearest to t within tol ns, preferring
 * lifecycle markers over sched_switch ticks; -1 when none. */
export function markerAt(m: PerfMarkers, list: readonly number[], t: number, tol: number): number {
  let best = -1;
  let bestD = Infinity;
  let bestSwitch = true;
  // Binary search for the first marker at t - tol.
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.timeNs[list[mid]] < t - tol) lo = mid + 1;
    else hi = mid;
  }
  for (let j = lo; j < list.length; j++) {
    const i = list[j];
    const d = Math.abs(m.timeNs[i] - t);
    if (m.timeNs[i] > t + tol) break;
    const isSwitch = m.kind[i] === MarkerKind.Switch;
    if ((bestSwitch && !isSwitch) || (isSwitch === bestSwitch && d < bestD)) {
      best = i;
      bestD = d;
      bestSwitch = isSwitch;
    }
  }
  return best;
}

/** perf's printed time of a marker / exec row: "4886.002770 s". */
export function fmtPerfSec(originSec: number, ns: number): string {
  if (Number.isNaN(originSec) || Number.isNaN(ns)) return '';
  return `${(originSec + ns / 1e9).toFixed(6)} s`;
}

/** Hover text of marker i (plain text; the tooltip renders it as a text node). */
export function markerText(perf: Pick<PerfViewData, 'originSec'>, m: PerfMarkers, i: number): string {
  const k = m.kind[i];
  const text = m.texts[m.text[i]];
  const comm = m.texts[m.comm[i]];
  const when = `at ${fmtNs(m.timeNs[i])}${Number.isNaN(perf.originSec) ? '' : ` (perf time ${fmtPerfSec(perf.originSec, m.timeNs[i])})`}`;
  const who = `${comm} ${m.pid[i]}/${m.tid[i]}`;
  const event = m.texts[m.event[i]];
  switch (k) {
    case MarkerKind.Execve:
      return `${event}: ${who} asks to exec ${text || '(no filename)'}\n${when}`;
    case MarkerKind.Exec:
      return `${event}: PID ${m.pid[i]} is now ${comm} (${text || 'no filename'})\nold_pid ${m.other[i]}${m.other[i] !== m.pid[i] ? ' — execve was called by another thread of the process' : ''}\n${when}`;
    case MarkerKind.Fork:
      return `${event}: ${who} forked process ${m.other[i]}${text ? ` (${text})` : ''}\n${when}`;
    case MarkerKind.Clone:
      return `${event}: ${who} created thread ${m.other[i]}${text ? ` (${text})` : ''}\n${when}`;
    case MarkerKind.Exit:
      return `${event}: ${m.tid[i] === m.pid[i] ? 'process' : 'thread'} ${m.tid[i]} (${text}) exited\n${when}`;
    case MarkerKind.Switch:
      return `${event}: ${who} left the CPU ${text}\n${when}`;
    default:
      return `${MARKER_LABELS[k] ?? 'marker'} ${who}\n${when}`;
  }
}

/** Largest value of several column arrays (for one shared density scale). */
export function maxOf(cols: readonly Float64Array[]): number {
  let m = 0;
  for (const c of cols) for (let i = 0; i < c.length; i++) if (c[i] > m) m = c[i];
  return m;
}
