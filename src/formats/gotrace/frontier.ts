// The merge skeleton of Go's v2 trace reader, without the ordering state machine.
//
// Within a generation every M's events are in program order; across Ms the reader keeps
// one cursor per M in a binary min-heap keyed by the cursor's current event time (ns) and
// repeatedly asks an ordering policy whether the heap-top event may happen next. If it may
// not, the heap array is sorted by time and the other cursors are tried in order; if none
// can advance the trace is broken. CPU samples (sorted by time) are interleaved whenever the
// earliest one is strictly earlier than the heap top. Emitted times are then forced to be
// strictly increasing (t <= last -> last + 1), and a Sync item opens every generation and
// closes the trace.
//
// The heap operations (insert, update, remove, sift with Go's tie-breaking) follow the
// behaviour of Go's internal/trace so that equal timestamps resolve the same way. Known
// gap: Go sorts the frontier (fallback path) and CPU samples with an unstable pdqsort; this
// module uses a stable sort, which matches Go's insertion sort for up to 12 elements only.
//
// The ordering state machine (order.ts) plugs in as the `advance` callback; mergeGenerations
// here is the policy-agnostic version (one item per raw event, no synthetic events).

import { DecodeError } from '../errors.ts';
import { GOTRACE_FORMAT } from './header.ts';
import type { Generation } from './model.ts';
import { eventName } from './spec.ts';
import type { U64 } from './u64.ts';

/** Go's per-generation conversion: trunc(ticks * nsPerTick). */
function mul(ticks: number, nsPerTick: number): number {
  return Math.trunc(ticks * nsPerTick);
}

/** Per-M cursor over the event batches of one generation. */
class Cursor implements FrontierCursor {
  /** Position in `batchIdx`. */
  private bi = 0;
  /** Next event to read (absolute event index) and end of the current batch. */
  private next = 0;
  private end = 0;
  private lastTs = 0;
  /** Time (ticks) of the current batch, and its first event index. */
  private batchTicks = 0;
  private batchFirst = 0;
  /** Current event (valid after a successful advance()). */
  ev = -1;
  time = 0;
  user: unknown = undefined;

  constructor(
    readonly m: U64,
    private readonly g: Generation,
    private readonly batchIdx: readonly number[],
  ) {
    if (batchIdx.length > 0) this.enter(0);
  }

  private enter(bi: number): void {
    this.bi = bi;
    const b = this.g.batches[this.batchIdx[bi]];
    this.next = b.first;
    this.end = b.first + b.count;
    this.lastTs = 0;
    this.batchTicks = typeof b.time === 'bigint' ? Number(b.time) : b.time;
    this.batchFirst = b.first;
  }

  /** Moves to the next event; false when this M has no more events in the generation. */
  advance(): boolean {
    while (this.next === this.end) {
      if (this.bi + 1 >= this.batchIdx.length) return false;
      this.enter(this.bi + 1);
    }
    const g = this.g;
    const f = g.nsPerTick;
    // Go initialises the running time lazily from the batch time whenever it is 0.
    if (this.lastTs === 0) this.lastTs = mul(this.batchTicks, f);
    const i = this.next++;
    const prevTicks = i === this.batchFirst ? this.batchTicks : g.events.ticks[i - 1];
    const dt = g.events.ticks[i] - prevTicks;
    this.time = mul(dt, f) + this.lastTs;
    this.lastTs = this.time;
    this.ev = i;
    return true;
  }
}

// Min-heap over cursors with Go's sift rules.
function siftUp(h: Cursor[], i: number): number {
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!(h[p].time > h[i].time)) break;
    const t = h[p];
    h[p] = h[i];
    h[i] = t;
    i = p;
  }
  return i;
}

function min3(h: Cursor[], i0: number, i1: number, i2: number): number {
  let idx = i0;
  let min = i0 < h.length ? h[i0].time : Infinity;
  if (i1 < h.length && h[i1].time < min) {
    min = h[i1].time;
    idx = i1;
  }
  if (i2 < h.length && h[i2].time < min) idx = i2;
  return idx;
}

function siftDown(h: Cursor[], i: number): void {
  for (;;) {
    const m = min3(h, i, 2 * i + 1, 2 * i + 2);
    if (m === i) return;
    const t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

function heapUpdate(h: Cursor[], i: number): void {
  if (siftUp(h, i) !== i) return;
  siftDown(h, i);
}

function heapRemove(h: Cursor[], i: number): void {
  // Move i to the root regardless of order, swap the root with the last, shrink, sift.
  while (i > 0) {
    const p = (i - 1) >> 1;
    const t = h[p];
    h[p] = h[i];
    h[i] = t;
    i = p;
  }
  const last = h.length - 1;
  const t = h[0];
  h[0] = h[last];
  h[last] = t;
  h.pop();
  siftDown(h, 0);
}

/** Stable insertion sort by time (what Go's pdqsort does for <= 12 elements). */
function sortByTime(h: Cursor[]): void {
  if (h.length > 12) {
    h.sort((a, b) => a.time - b.time); // stable in JS; Go's pdqsort is not (documented gap)
    return;
  }
  for (let i = 1; i < h.length; i++) {
    for (let j = i; j > 0 && h[j].time < h[j - 1].time; j--) {
      const t = h[j];
      h[j] = h[j - 1];
      h[j - 1] = t;
    }
  }
}

/** CPU sample times in ns and the sample indices sorted by time (stable). */
export function sortedCpuSamples(g: Generation): { order: Uint32Array; timeNs: Float64Array } {
  const n = g.cpuSamples.count;
  const timeNs = new Float64Array(n);
  for (let k = 0; k < n; k++) timeNs[k] = mul(g.cpuSamples.ticks[k], g.nsPerTick);
  const order = Uint32Array.from({ length: n }, (_, k) => k).sort((a, b) => timeNs[a] - timeNs[b] || a - b);
  return { order, timeNs };
}

/** The cursor of one thread (M) for the policy: `user` is the policy's own (e.g. the thread's state, instead of a lookup by `m` per event). */
export interface FrontierCursor {
  readonly m: U64;
  user: unknown;
}

/** Decides whether raw event `ev` of the generation, on thread `m`, can happen now. */
export type AdvanceFn = (g: Generation, ev: number, m: U64, timeNs: number, cursor: FrontierCursor) => boolean;

/**
 * One step of the merge: a raw event (`ev` on thread `m`) or a CPU sample (`sample`). The
 * frontier hands out the same object every time (valid until the next call): merging runs
 * once per event and allocation dominated its cost.
 */
export interface FrontierStep {
  kind: 'event' | 'cpu';
  ev: number;
  m: U64;
  sample: number;
  timeNs: number;
}

/** Merges the events of one generation (see the file comment). */
export class GenerationFrontier {
  private readonly heap: Cursor[] = [];
  private readonly cpu: { order: Uint32Array; timeNs: Float64Array };
  private cpuNext = 0;
  private readonly step: FrontierStep = { kind: 'event', ev: -1, m: 0, sample: -1, timeNs: 0 };

  constructor(readonly g: Generation) {
    for (const m of g.ms) {
      const c = new Cursor(m, g, g.batchesByM.get(m)!);
      if (!c.advance()) continue;
      this.heap.push(c);
      siftUp(this.heap, this.heap.length - 1);
    }
    this.cpu = sortedCpuSamples(g);
  }

  private tryAt(i: number, advance: AdvanceFn): FrontierStep | null {
    const h = this.heap;
    const c = h[i];
    const ev = c.ev;
    const t = c.time;
    if (!advance(this.g, ev, c.m, t, c)) return null;
    if (c.advance()) heapUpdate(h, i);
    else heapRemove(h, i);
    const s = this.step;
    s.kind = 'event';
    s.ev = ev;
    s.m = c.m;
    s.sample = -1;
    s.timeNs = t;
    return s;
  }

  /**
   * The next step, or null when the generation is exhausted. Throws DecodeError when no
   * cursor can advance ("broken trace: failed to advance").
   */
  next(advance: AdvanceFn): FrontierStep | null {
    const h = this.heap;
    if (this.cpuNext < this.cpu.order.length) {
      const k = this.cpu.order[this.cpuNext];
      const t = this.cpu.timeNs[k];
      if (h.length === 0 || t < h[0].time) {
        this.cpuNext++;
        const s = this.step;
        s.kind = 'cpu';
        s.ev = -1;
        s.sample = k;
        s.timeNs = t;
        return s;
      }
    }
    if (h.length === 0) return null;
    const first = this.tryAt(0, advance);
    if (first !== null) return first;
    sortByTime(h);
    for (let i = 1; i < h.length; i++) {
      const s = this.tryAt(i, advance);
      if (s !== null) return s;
    }
    const top = h[0];
    throw new DecodeError(
      GOTRACE_FORMAT,
      `broken trace: failed to advance in generation ${this.g.gen}: ${h.length} threads waiting, earliest ${eventName(this.g.events.type[top.ev])} on M ${top.m} at ${top.time} ns`,
      { offset: this.g.offset },
    );
  }
}

export type MergedItem =
  | { kind: 'sync'; n: number; timeNs: number; gen: Generation | null }
  | { kind: 'event'; gen: Generation; ev: number; m: U64; timeNs: number }
  | { kind: 'cpu'; gen: Generation; sample: number; timeNs: number };

/**
 * Merges generations into one stream the way Go's reader emits it: Sync (time = the
 * generation's minimum batch time), its events and CPU samples, ..., a final Sync. Times are
 * forced strictly increasing. `advance` is the ordering policy (the state machine).
 */
export function* mergeGenerations(gens: Iterable<Generation>, advance: AdvanceFn): Generator<MergedItem, void, void> {
  let last = 0; // Go starts from lastTs = 0: a first event at time 0 becomes 1
  let syncs = 0;
  const bump = (t: number): number => {
    const v = t <= last ? last + 1 : t;
    last = v;
    return v;
  };
  let any = false;
  for (const g of gens) {
    any = true;
    syncs++;
    yield { kind: 'sync', n: syncs, timeNs: bump(g.syncTimeNs), gen: g };
    const f = new GenerationFrontier(g);
    for (let s = f.next(advance); s !== null; s = f.next(advance)) {
      if (s.kind === 'event') yield { kind: 'event', gen: g, ev: s.ev, m: s.m, timeNs: bump(s.timeNs) };
      else yield { kind: 'cpu', gen: g, sample: s.sample, timeNs: bump(s.timeNs) };
    }
  }
  if (any) {
    syncs++;
    yield { kind: 'sync', n: syncs, timeNs: bump(last), gen: null };
  }
}
