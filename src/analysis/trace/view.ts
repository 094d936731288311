// Compact, transferable data for the trace Timeline view, computed once in the worker:
// per-goroutine state intervals, per-P running goroutines, GC / STW / assist ranges, heap
// and GOMAXPROCS series, and the goroutine analysis table (goroutines.ts) with its groups.
// Times are ns RELATIVE to the trace origin (the first generation's sync time), the same
// origin the CPU samples' `time` uses (formats/gotrace/cpuProfile.ts).

import type { Generation } from '../../formats/gotrace/model.ts';
import type { U64 } from '../../formats/gotrace/u64.ts';
import { goroutineGroups, GoroutineSummarizer, type GoroutineGroup } from './goroutines.ts';
import { traceEvents, type GoState } from './states.ts';
import { TimelineCollector } from './timeline.ts';

/** Span states (index into STATE_NAMES). */
export const ST_RUNNING = 0;
export const ST_RUNNABLE = 1;
export const ST_WAITING = 2;
export const ST_SYSCALL = 3;
export const STATE_NAMES = ['running', 'runnable', 'waiting', 'syscall'] as const;

export interface GoroutineRow {
  /** Goroutine id as text (ids may exceed 2^53). */
  id: string;
  name: string;
  execNs: number;
  schedWaitNs: number;
  blockNs: number;
  syscallNs: number;
  totalNs: number;
}

export interface TraceViewData {
  originNs: number;
  /** Relative end of the trace (ns). */
  endNs: number;
  /** Goroutines in display order (grouped by start function, groups by total exec). */
  gIds: string[];
  gNames: string[];
  /** Spans of goroutine i are [gOffsets[i], gOffsets[i+1]), in time order. */
  gOffsets: Uint32Array;
  spanStart: Float64Array;
  spanEnd: Float64Array;
  spanState: Uint8Array;
  /** Index into `reasons` (waiting spans; 0 = ''). */
  spanReason: Uint16Array;
  reasons: string[];
  pIds: string[];
  /** Running spans of P i are [pOffsets[i], pOffsets[i+1]); pSpanG = goroutine index. */
  pOffsets: Uint32Array;
  pSpanStart: Float64Array;
  pSpanEnd: Float64Array;
  pSpanG: Uint32Array;
  /** [start, end] pairs. */
  gc: Float64Array;
  stw: Float64Array;
  stwKinds: string[];
  assists: Float64Array;
  heapT: Float64Array;
  heapV: Float64Array;
  goalT: Float64Array;
  goalV: Float64Array;
  gomaxprocsT: Float64Array;
  gomaxprocsV: Float64Array;
  table: GoroutineRow[];
  groups: GoroutineGroup[];
}

const key = (id: U64): string => (typeof id === 'bigint' ? id.toString() : String(id));

function stateCode(s: GoState): number {
  switch (s) {
    case 'Running':
      return ST_RUNNING;
    case 'Runnable':
      return ST_RUNNABLE;
    case 'Waiting':
      return ST_WAITING;
    case 'Syscall':
      return ST_SYSCALL;
    default:
      return -1;
  }
}

interface Span {
  s: number;
  e: number;
  st: number;
  r: number;
}

function rowOf(g: { id: U64; name: string; execNs: number; schedWaitNs: number; blockNs: Record<string, number>; syscallNs: number; totalNs: number }): GoroutineRow {
  let block = 0;
  for (const v of Object.values(g.blockNs)) block += v;
  return { id: key(g.id), name: g.name, execNs: g.execNs, schedWaitNs: g.schedWaitNs, blockNs: block, syscallNs: g.syscallNs, totalNs: g.totalNs };
}

/** Goroutine table for [t0, t1) (relative ns). */
export function windowTable(gens: Iterable<Generation>, originNs: number, t0: number, t1: number): GoroutineRow[] {
  const s = new GoroutineSummarizer({ window: { t0: t0 + originNs, t1: t1 + originNs } });
  traceEvents(gens, (e) => s.event(e));
  return s.finish().goroutines.map(rowOf);
}

function pairs(rs: { startNs: number | null; endNs: number | null }[], origin: number, end: number): Float64Array {
  const a = new Float64Array(rs.length * 2);
  rs.forEach((r, i) => {
    a[2 * i] = r.startNs === null ? 0 : r.startNs - origin;
    a[2 * i + 1] = r.endNs === null ? end : r.endNs - origin;
  });
  return a;
}

export function traceViewData(gens: Generation[]): TraceViewData {
  let origin = Infinity;
  for (const g of gens) origin = Math.min(origin, g.syncTimeNs);
  if (!Number.isFinite(origin)) origin = 0;
  const summarizer = new GoroutineSummarizer();
  const collector = new TimelineCollector();
  const spans = new Map<string, Span[]>();
  const cur = new Map<string, { since: number; st: number; r: number; p: string | null }>();
  const pspans = new Map<string, { s: number; e: number; g: string }[]>();
  const reasons: string[] = [''];
  const reasonIdx = new Map<string, number>([['', 0]]);
  let last = 0;
  let syncs = 0;
  let lastSync = 0;
  const close = (gid: string, t: number) => {
    const c = cur.get(gid);
    if (!c) return;
    if (t > c.since) {
      let a = spans.get(gid);
      if (!a) spans.set(gid, (a = []));
      a.push({ s: c.since, e: t, st: c.st, r: c.r });
      if (c.st === ST_RUNNING && c.p !== null) {
        let b = pspans.get(c.p);
        if (!b) pspans.set(c.p, (b = []));
        b.push({ s: c.since, e: t, g: gid });
      }
    }
    cur.delete(gid);
  };
  traceEvents(gens, (e) => {
    summarizer.event(e);
    collector.event(e);
    const t = e.t - origin;
    last = t;
    if (e.kind === 'sync') {
      // Goroutines first seen in a later generation are charged from its sync (like Go).
      if (syncs++ > 0) lastSync = t;
      return;
    }
    if (e.kind === 'proc') {
      const pid = key(e.id);
      if (!pspans.has(pid)) pspans.set(pid, []);
      return;
    }
    if (e.kind !== 'go') return;
    const gid = key(e.id);
    const c = cur.get(gid);
    // A goroutine first seen mid-trace has been in `from` since the start.
    if (!c) {
      const fst = stateCode(e.from === 'Undetermined' ? e.to : e.from);
      if (fst >= 0) cur.set(gid, { since: lastSync, st: fst, r: 0, p: fst === ST_RUNNING && e.ctx.p !== null ? key(e.ctx.p) : null });
    }
    close(gid, t);
    const st = stateCode(e.to);
    if (st < 0) {
      if (!spans.has(gid)) spans.set(gid, []);
      return;
    }
    let r = 0;
    if (st === ST_WAITING && e.reason) {
      let i = reasonIdx.get(e.reason);
      if (i === undefined) {
        i = reasons.length;
        reasons.push(e.reason);
        reasonIdx.set(e.reason, i);
      }
      r = i;
    }
    const p = st === ST_RUNNING && e.ctx.p !== null ? key(e.ctx.p) : null;
    if (p !== null && !pspans.has(p)) pspans.set(p, []);
    cur.set(gid, { since: t, st, r, p });
  });
  const endNs = last;
  for (const gid of [...cur.keys()]) close(gid, endNs);
  const summary = summarizer.finish();
  const tl = collector.finish();
  const table = summary.goroutines.map(rowOf);
  const groups = goroutineGroups(summary.goroutines);

  // Display order: by group (the table's order), then id.
  const nameOf = new Map<string, string>(table.map((r) => [r.id, r.name]));
  for (const gid of spans.keys()) if (!nameOf.has(gid)) nameOf.set(gid, '');
  const groupRank = new Map<string, number>(groups.map((g, i) => [g.name, i]));
  const ids = [...nameOf.keys()].sort((a, b) => {
    const ra = groupRank.get(nameOf.get(a)!) ?? 1e9;
    const rb = groupRank.get(nameOf.get(b)!) ?? 1e9;
    if (ra !== rb) return ra - rb;
    const na = nameOf.get(a)!;
    const nb = nameOf.get(b)!;
    if (na !== nb) return na < nb ? -1 : 1;
    return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  });
  const gIndex = new Map(ids.map((id, i) => [id, i]));
  let n = 0;
  for (const id of ids) n += spans.get(id)?.length ?? 0;
  const gOffsets = new Uint32Array(ids.length + 1);
  const spanStart = new Float64Array(n);
  const spanEnd = new Float64Array(n);
  const spanState = new Uint8Array(n);
  const spanReason = new Uint16Array(n);
  let k = 0;
  ids.forEach((id, i) => {
    gOffsets[i] = k;
    for (const s of spans.get(id) ?? []) {
      spanStart[k] = s.s;
      spanEnd[k] = s.e;
      spanState[k] = s.st;
      spanReason[k] = s.r;
      k++;
    }
  });
  gOffsets[ids.length] = k;

  const pIds = [...pspans.keys()].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  let pn = 0;
  for (const p of pIds) pn += pspans.get(p)!.length;
  const pOffsets = new Uint32Array(pIds.length + 1);
  const pSpanStart = new Float64Array(pn);
  const pSpanEnd = new Float64Array(pn);
  const pSpanG = new Uint32Array(pn);
  k = 0;
  pIds.forEach((p, i) => {
    pOffsets[i] = k;
    const a = pspans.get(p)!.sort((x, y) => x.s - y.s);
    for (const s of a) {
      pSpanStart[k] = s.s;
      pSpanEnd[k] = s.e;
      pSpanG[k] = gIndex.get(s.g) ?? 0;
      k++;
    }
  });
  pOffsets[pIds.length] = k;

  const rel = (t: Float64Array, len: number) => {
    const a = new Float64Array(len);
    for (let i = 0; i < len; i++) a[i] = t[i] - origin;
    return a;
  };
  return {
    originNs: origin,
    endNs,
    gIds: ids,
    gNames: ids.map((id) => nameOf.get(id) ?? ''),
    gOffsets,
    spanStart,
    spanEnd,
    spanState,
    spanReason,
    reasons,
    pIds,
    pOffsets,
    pSpanStart,
    pSpanEnd,
    pSpanG,
    gc: pairs(tl.gc, origin, endNs),
    stw: pairs(tl.stw, origin, endNs),
    stwKinds: tl.stw.map((s) => s.kind),
    assists: pairs(tl.markAssists, origin, endNs),
    heapT: rel(tl.heapAlloc.t, tl.heapAlloc.length),
    heapV: tl.heapAlloc.v.slice(0, tl.heapAlloc.length),
    goalT: rel(tl.heapGoal.t, tl.heapGoal.length),
    goalV: tl.heapGoal.v.slice(0, tl.heapGoal.length),
    gomaxprocsT: rel(tl.gomaxprocs.t, tl.gomaxprocs.length),
    gomaxprocsV: tl.gomaxprocs.v.slice(0, tl.gomaxprocs.length),
    table,
    groups,
  };
}

export function traceViewTransferables(d: TraceViewData): ArrayBuffer[] {
  const a = [d.gOffsets, d.spanStart, d.spanEnd, d.spanState, d.spanReason, d.pOffsets, d.pSpanStart, d.pSpanEnd, d.pSpanG, d.gc, d.stw, d.assists, d.heapT, d.heapV, d.goalT, d.goalV, d.gomaxprocsT, d.gomaxprocsV];
  return [...new Set(a.map((x) => x.buffer as ArrayBuffer))];
}
