// The checklist's numbers from a Go execution trace, in one pass over Go's API events
// (analysis/trace/states.ts): stop-the-world pauses, GC CPU (background mark workers, mark
// assists, STW) and the mutator utilization it leaves, heap goal vs live heap after each GC,
// request latency (runtime/trace tasks), scheduler wait (runnable → running) per goroutine
// group, lock waits, processor busy time, GOMAXPROCS and the live goroutine count over time.
//
// GC utilization is computed here rather than with mmu.ts: Go's MutatorUtilizationV2 (which
// mmu.ts reproduces exactly) counts a background mark worker as GC once per label and once
// per start, so after the first worker runs its utilization can stay low for the rest of the
// trace (see analysis/trace/README.md). For a threshold the utilization must mean what it
// says: a P does GC work while it runs a dedicated or fractional mark worker, or a goroutine
// inside a mark assist, and every P does during a GC stop-the-world. Idle-priority mark
// workers only use otherwise idle Ps and are reported apart, as Go does.
//
// Times in the result are ns RELATIVE to the trace origin (the first generation's sync), the
// origin the Timeline view and its `timeRange` use.

import type { Generation } from '../../formats/gotrace/model';
import { IdIndex } from '../../formats/gotrace/idIndex';
import { u64String, type U64 } from '../../formats/gotrace/u64';
import { isSystemGoroutine } from '../trace/goroutines';
import { stackOf, stackRootFunc, traceEvents, type GoState, type GoTransition, type StackRef, type TraceEvent } from '../trace/states';
import type { Where } from './types';
import { quantileSorted, round, sortedCopy } from './stats';
import { releaseAll, releaseArray } from '../../model/release';
import { StringInterner } from '../../model/builder';

export interface PauseStats {
  count: number;
  totalNs: number;
  p50Ns: number | null;
  p99Ns: number | null;
  maxNs: number | null;
  /** The longest pause. */
  worst: { t0: number; t1: number; kind: string; where: Where } | null;
}

export interface WaitStats {
  samples: number;
  /** Sum of all the waits (ns). */
  totalNs: number;
  p50Ns: number | null;
  p99Ns: number | null;
  maxNs: number | null;
  /** The longest wait: which goroutine, when (relative ns), and its stack (leaf first). */
  worst: { goroutine: string; t0: number; t1: number; stack: string[]; where: Where } | null;
}

export interface SchedWaitGroup extends WaitStats {
  /** Start function of the goroutines. */
  name: string;
  goroutines: number;
}

export interface LatencyWindows {
  windowNs: number;
  /** Per window from the trace origin: nearest-rank p99 (null for an empty window) and sample count. */
  p99Ns: (number | null)[];
  counts: number[];
}

export interface HeapAfterGc {
  /** When the new goal was set (relative ns). */
  t: number;
  /** Heap live (marked) at the end of the cycle, bytes. */
  liveBytes: number;
  goalBytes: number;
}

export interface TraceEvidence {
  durationNs: number;
  /** GOMAXPROCS values in order of appearance; the first MAX_CHANGES changes and how many there were. */
  gomaxprocs: { values: number[]; changeCount: number; changes: { t: number; from: number; to: number; where: Where }[] };
  gcCycles: number;
  stw: { gc: PauseStats; other: PauseStats };
  gcCpu: {
    /** Shares of GOMAXPROCS × duration (0..1). share = background + assist + stw. */
    share: number;
    backgroundShare: number;
    assistShare: number;
    stwShare: number;
    idleMarkShare: number;
  };
  assist: {
    /** Execution time of application (non-runtime) goroutines, and the time goroutines ran mark assists. */
    appExecNs: number;
    assistNs: number;
    /** assistNs / appExecNs. */
    share: number;
    assists: number;
    worst: { goroutine: string; t0: number; t1: number; where: Where } | null;
  };
  /** Minimum mutator utilization per window (see the header comment for the definition). */
  mmu: { windowNs: number; mmu: number; where: Where | null }[];
  /** One entry per GC cycle that ended while tracing (evenly thinned to at most MAX_HEAP_CYCLES). */
  heapAfterGc: HeapAfterGc[];
  latency: {
    /** 'tasks': durations of the most common runtime/trace task; 'sched-wait': runnable → running waits. */
    source: 'tasks' | 'sched-wait';
    taskName: string | null;
    stats: WaitStats;
    windows: LatencyWindows[];
  };
  schedWait: { groups: SchedWaitGroup[]; all: WaitStats };
  lockWait: WaitStats;
  procs: {
    /** Running goroutines / (GOMAXPROCS × time), whole trace. */
    busyShare: number;
    binNs: number;
    /** Per bin: running share of capacity and runnable time / running time (null without running). */
    busy: number[];
    runnableToRunning: (number | null)[];
  };
  goroutines: {
    start: number;
    end: number;
    max: number;
    created: number;
    ended: number;
    series: { t: number; live: number }[];
    /** Goroutines created during the trace and still alive at its end, by start function and state. */
    survivors: { name: string; state: string; count: number }[];
  };
  where: Where;
}

/** MMU windows the evidence keeps (ms); a threshold window between them uses the next smaller one. */
export const MMU_WINDOWS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] as const;
/** Latency window lengths the evidence keeps (ms; the shorter ones only while a trace has at
 * most MAX_BINS windows of them). Each is a multiple of the first (WaitSamples.push relies on it). */
export const LATENCY_WINDOWS_MS = [50, 100, 200, 500, 1000] as const;

const MAX_BINS = 2000;
const SERIES_POINTS = 100;
const MAX_GROUPS = 20;
const MAX_HEAP_CYCLES = 200;
const MAX_CHANGES = 20;

const LOCK_FRAME = /sync\.\(\*(RW)?Mutex\)\.(Lock|RLock|lockSlow|rLock)\b/;

const SAMPLE_SHIFT = 16;
const SAMPLE_MASK = (1 << SAMPLE_SHIFT) - 1;

/**
 * Columns of (goroutine index, time, duration, extra) samples: lock waits, with the blocked
 * stack as the extra column. Appended in fixed-size chunks and read in place (no growth
 * copies, no slack).
 */
class Samples {
  private readonly gc: Int32Array[] = [];
  private readonly tc: Float64Array[] = [];
  private readonly dc: Float64Array[] = [];
  private readonly xc: Int32Array[] = [];
  length = 0;
  push(g: number, t: number, d: number, x: number): void {
    const c = this.length >>> SAMPLE_SHIFT;
    const j = this.length & SAMPLE_MASK;
    if (c === this.gc.length) {
      this.gc.push(new Int32Array(1 << SAMPLE_SHIFT));
      this.tc.push(new Float64Array(1 << SAMPLE_SHIFT));
      this.dc.push(new Float64Array(1 << SAMPLE_SHIFT));
      this.xc.push(new Int32Array(1 << SAMPLE_SHIFT));
    }
    this.gc[c][j] = g;
    this.tc[c][j] = t;
    this.dc[c][j] = d;
    this.xc[c][j] = x;
    this.length++;
  }
  g(i: number): number {
    return this.gc[i >>> SAMPLE_SHIFT][i & SAMPLE_MASK];
  }
  t(i: number): number {
    return this.tc[i >>> SAMPLE_SHIFT][i & SAMPLE_MASK];
  }
  d(i: number): number {
    return this.dc[i >>> SAMPLE_SHIFT][i & SAMPLE_MASK];
  }
  x(i: number): number {
    return this.xc[i >>> SAMPLE_SHIFT][i & SAMPLE_MASK];
  }
  /** Frees the columns (no sample can be read after). */
  release(): void {
    for (const list of [this.gc, this.tc, this.dc, this.xc]) releaseAll(list);
    this.length = 0;
  }
}

/** A wait of 2^32 − 1 ns or more: its duration is in WaitSamples.longs. */
const LONG_WAIT = 0xffffffff;

/**
 * Scheduler waits (runnable → running), one per running span: 11M in a 110 MB trace, so
 * only what the evidence reads is kept: the waits of goroutines that may be application
 * ones (3M there: the collector leaves out those of goroutines already named as system
 * ones), 8 bytes each: the goroutine (for its group) and the duration. Times are not kept:
 * the samples arrive in time order (the ordered stream's times strictly increase), so each
 * latency window is a range of sample numbers, recorded as they arrive; and each goroutine
 * keeps its own longest wait (Goroutines.waitMax*), which is all the "worst wait" of a
 * group needs.
 */
class WaitSamples {
  private readonly gc: Int32Array[] = [];
  private readonly dc: Uint32Array[] = [];
  /** Durations of LONG_WAIT samples by sample number. */
  private readonly longs = new Map<number, number>();
  length = 0;
  /** Per LATENCY_WINDOWS_MS length: starts[b] = the first sample at or after window b's start. */
  readonly starts: number[][] = LATENCY_WINDOWS_MS.map(() => []);
  private lastT = -Infinity;
  private lastB0 = -1;

  /** A wait of goroutine g ending at t (relative ns) that lasted d ns; kept only if `keep`
   * (a wait left out is in no window: windows are ranges of the kept ones). */
  push(g: number, t: number, d: number, keep: boolean): void {
    if (t < this.lastT) throw new Error(`scheduler waits out of time order (${t} after ${this.lastT})`);
    this.lastT = t;
    if (!keep) return;
    const c = this.length >>> SAMPLE_SHIFT;
    const j = this.length & SAMPLE_MASK;
    if (c === this.gc.length) {
      this.gc.push(new Int32Array(1 << SAMPLE_SHIFT));
      this.dc.push(new Uint32Array(1 << SAMPLE_SHIFT));
    }
    this.gc[c][j] = g;
    if (d >>> 0 === d && d !== LONG_WAIT) this.dc[c][j] = d;
    else {
      this.dc[c][j] = LONG_WAIT;
      this.longs.set(this.length, d);
    }
    // The window of the sample for each length, as the latency windows bin it (clamped at 0
    // like them). The longer lengths are multiples of the first, so for an integer time (trace
    // times are whole ns) their windows can only change where the first one's does.
    const b0 = Math.max(0, Math.floor(t / (LATENCY_WINDOWS_MS[0] * 1e6)));
    if (b0 !== this.lastB0 || t !== Math.floor(t)) {
      this.lastB0 = b0;
      for (let k = 0; k < LATENCY_WINDOWS_MS.length; k++) {
        const b = k === 0 ? b0 : Math.max(0, Math.floor(t / (LATENCY_WINDOWS_MS[k] * 1e6)));
        const st = this.starts[k];
        while (st.length <= b) st.push(this.length);
      }
    }
    this.length++;
  }
  g(i: number): number {
    return this.gc[i >>> SAMPLE_SHIFT][i & SAMPLE_MASK];
  }
  d(i: number): number {
    const d = this.dc[i >>> SAMPLE_SHIFT][i & SAMPLE_MASK];
    return d === LONG_WAIT ? this.longs.get(i)! : d;
  }
  /** Whether every duration is an integer below 2^32 − 1 (fits a Uint32Array as it is). */
  get allFit32(): boolean {
    return this.longs.size === 0;
  }
  /** Frees the columns (no sample can be read after). */
  release(): void {
    releaseAll(this.gc);
    releaseAll(this.dc);
    this.length = 0;
  }
}

const UTIL_SHIFT = 16;
const UTIL_MASK = (1 << UTIL_SHIFT) - 1;
/** Points per time base (a block): a point's time is its block's base plus an offset. */
const BLOCK_SHIFT = 6;
const BLOCK_MASK = (1 << BLOCK_SHIFT) - 1;

/** The flat form of a UtilSeries: utilization values[code[i]] from t[i] until t[i + 1]. */
export interface UtilSteps {
  length: number;
  t: Float64Array;
  code: Uint16Array | Uint32Array;
  values: Float64Array;
}

/**
 * A step function of utilization, appended point by point: a big trace's has millions of
 * points (7M for a 110 MB trace), so each takes one 32-bit word, in fixed-size chunks (no
 * growth copies). Utilizations are codes into a table of the distinct values (a handful:
 * 1 − k/GOMAXPROCS and 0), in the word's low `codeBits` bits (4, widened to 8 past 16
 * values; past 256 the codes move to a column of their own, 16 or 32 bits, and the word is
 * all offset). Times: every block of 2^BLOCK_SHIFT points keeps its first point's time (a
 * double) and each point its offset from it in the word's high bits (trace times are whole
 * ns, and a block of a busy trace spans well under 2^28 ns); a block where an offset does not
 * fit, is not a whole number or does not add back to the same double keeps its times whole
 * instead (a "wide" block, base NaN). Every point reads back as the same doubles, so results
 * are exact; and every point can be read at random (the MMU search needs that), so there is
 * no flat copy beside the chunks.
 */
export class UtilSeries {
  private words: Uint32Array[] = [];
  private codeBits = 4;
  /** 2^codeBits, and the offsets' bound 2^(32 − codeBits). */
  private codeScale = 16;
  private offLimit = 2 ** 28;
  /** The codes while they are not in the words (codeBits 0). */
  private codeChunks: (Uint16Array | Uint32Array)[] | null = null;
  /** Time of each block's first point; NaN for a wide block. */
  private readonly bases: number[] = [];
  /** The times of the wide blocks' points, by block. */
  private readonly wide = new Map<number, Float64Array>();
  private readonly values: number[] = [];
  private readonly codeOf = new Map<number, number>();
  private flat: UtilSteps | null = null;
  length = 0;
  /** Time and utilization of the last point (NaN when there is none): the collector compares
   * every event with them, which through the chunks cost a fifth of its time. */
  lastT = NaN;
  lastU = NaN;

  push(t: number, u: number): void {
    if (this.flat) throw new Error('UtilSeries: push after steps()');
    const i = this.length;
    const c = i >>> UTIL_SHIFT;
    if (c === this.words.length) {
      this.words.push(new Uint32Array(1 << UTIL_SHIFT));
      this.codeChunks?.push(this.values.length > 0x10000 ? new Uint32Array(1 << UTIL_SHIFT) : new Uint16Array(1 << UTIL_SHIFT));
    }
    const b = i >>> BLOCK_SHIFT;
    if ((i & BLOCK_MASK) === 0) {
      // A block's first point (again, after pop(): the rest of the block went with it).
      this.bases[b] = t;
      if (this.wide.size > 0) this.wide.delete(b);
    }
    const base = this.bases[b];
    const off = t - base;
    if (base === base && off >= 0 && off < this.offLimit && off === Math.floor(off) && Object.is(base + off, t)) this.words[c][i & UTIL_MASK] = off * this.codeScale;
    else {
      if (!this.wide.has(b)) this.widen(b, i);
      this.wide.get(b)![i & BLOCK_MASK] = t;
      this.words[c][i & UTIL_MASK] = 0;
    }
    this.length++;
    this.setCode(i, u);
    this.lastT = t;
    this.lastU = u;
  }
  /** Makes block b wide, with the times of its points before `upTo` (their words' offset
   * bits are not read after). */
  private widen(b: number, upTo: number): void {
    const times = new Float64Array(1 << BLOCK_SHIFT);
    for (let i = b << BLOCK_SHIFT; i < upTo; i++) times[i & BLOCK_MASK] = this.t(i);
    this.bases[b] = NaN;
    this.wide.set(b, times);
  }
  /** Drops the last point. */
  pop(): void {
    const n = --this.length;
    this.lastT = n > 0 ? this.t(n - 1) : NaN;
    this.lastU = n > 0 ? this.util(n - 1) : NaN;
  }
  private codeOfValue(u: number): number {
    // A handful of values, looked up on every push: a scan is quicker than the Map (which
    // still answers past the first few, and for NaN).
    const V = this.values;
    for (let k = 0; k < V.length && k < 8; k++) if (V[k] === u) return k;
    let code = this.codeOf.get(u);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(u);
      this.codeOf.set(u, code);
      if (this.codeBits > 0 && code === 1 << this.codeBits) this.moreCodeBits();
      else if (this.codeChunks && code === 0x10000) this.codeChunks = this.codeChunks.map((a) => Uint32Array.from(a));
    }
    return code;
  }
  /** Codes past 2^codeBits: 4 → 8 bits in the words (blocks whose offsets no longer fit turn
   * wide), then a column of their own. */
  private moreCodeBits(): void {
    const n = this.length;
    const from = this.codeBits;
    const to = from === 4 ? 8 : 0;
    const codes = new Uint16Array(n);
    for (let i = 0; i < n; i++) codes[i] = this.words[i >>> UTIL_SHIFT][i & UTIL_MASK] & ((1 << from) - 1);
    for (let b = 0; b << BLOCK_SHIFT < n; b++) {
      if (this.bases[b] !== this.bases[b]) continue;
      const end = Math.min(n, (b + 1) << BLOCK_SHIFT);
      for (let i = b << BLOCK_SHIFT; i < end; i++)
        if (this.words[i >>> UTIL_SHIFT][i & UTIL_MASK] >>> from >= 2 ** (32 - to)) {
          this.widen(b, end);
          break;
        }
    }
    for (let i = 0; i < n; i++) {
      const w = this.words[i >>> UTIL_SHIFT];
      w[i & UTIL_MASK] = (w[i & UTIL_MASK] >>> from) * 2 ** to + (to > 0 ? codes[i] : 0);
    }
    if (to === 0) {
      this.codeChunks = this.words.map((_, c) => {
        const a = new Uint16Array(1 << UTIL_SHIFT);
        a.set(codes.subarray(c << UTIL_SHIFT, Math.min(n, (c + 1) << UTIL_SHIFT)));
        return a;
      });
    }
    this.codeBits = to;
    this.codeScale = 2 ** to;
    this.offLimit = 2 ** (32 - to);
  }
  private setCode(i: number, u: number): void {
    const code = this.codeOfValue(u);
    if (this.codeChunks) this.codeChunks[i >>> UTIL_SHIFT][i & UTIL_MASK] = code;
    else {
      const w = this.words[i >>> UTIL_SHIFT];
      const x = w[i & UTIL_MASK];
      w[i & UTIL_MASK] = x - (x & ((1 << this.codeBits) - 1)) + code;
    }
  }
  t(i: number): number {
    const base = this.bases[i >>> BLOCK_SHIFT];
    return base === base ? base + (this.words[i >>> UTIL_SHIFT][i & UTIL_MASK] >>> this.codeBits) : this.wide.get(i >>> BLOCK_SHIFT)![i & BLOCK_MASK];
  }
  private code(i: number): number {
    return this.codeChunks ? this.codeChunks[i >>> UTIL_SHIFT][i & UTIL_MASK] : this.words[i >>> UTIL_SHIFT][i & UTIL_MASK] & ((1 << this.codeBits) - 1);
  }
  util(i: number): number {
    return this.values[this.code(i)];
  }
  setUtil(i: number, u: number): void {
    this.setCode(i, u);
    if (i === this.length - 1) this.lastU = u;
  }
  /** The points laid out flat (computed once; no point can be added after). */
  steps(): UtilSteps {
    if (this.flat) return this.flat;
    const n = this.length;
    const t = new Float64Array(n);
    const code = this.values.length > 0x10000 ? new Uint32Array(n) : new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      t[i] = this.t(i);
      code[i] = this.code(i);
    }
    this.flat = { length: n, t, code, values: Float64Array.from(this.values) };
    return this.flat;
  }
  /** Frees the points (after the last reader is done with them). */
  release(): void {
    releaseAll(this.words);
    if (this.codeChunks) releaseAll(this.codeChunks);
    this.wide.clear();
    if (this.flat) {
      releaseArray(this.flat.t);
      releaseArray(this.flat.code);
    }
    this.flat = { length: 0, t: new Float64Array(0), code: new Uint16Array(0), values: new Float64Array(0) };
    this.length = 0;
  }
}

function window(t0: number, t1: number, end: number): Where {
  // Show the interval with as much context on each side as it is long (at least 1 ms).
  const pad = Math.max(t1 - t0, 1e6);
  const a = Math.max(0, Math.floor(t0 - pad));
  const b = Math.min(Math.max(end, t1), Math.ceil(t1 + pad));
  return { view: 'timeline', timeRange: [a, b > a ? b : a + 1] };
}

/** Goroutine states, as codes in Goroutines.state. */
const GO_STATES: readonly GoState[] = ['Undetermined', 'NotExist', 'Runnable', 'Running', 'Waiting', 'Syscall'];
const NOT_EXIST = 1;
const RUNNABLE = 2;
const RUNNING = 3;
const WAITING = 4;
const SYSCALL = 5;
/** GO_STATES.indexOf(s), as comparisons (once per transition: a Map lookup cost more). */
function stateCode(s: GoState): number {
  return s === 'Running' ? RUNNING : s === 'Runnable' ? RUNNABLE : s === 'Waiting' ? WAITING : s === 'NotExist' ? NOT_EXIST : s === 'Syscall' ? SYSCALL : 0;
}

/** Goroutines.flags bits: inside a mark assist range, and what GC work it counts for now. */
const IN_ASSIST = 1;
const GC_BUSY = 2;
const ASSIST_BUSY = 4;
const IDLE_BUSY = 8;
/** Goroutines.workerMode codes (the GC (…) label of a mark worker). */
const DEDICATED = 1;
const FRACTIONAL = 2;
const IDLE = 3;

/**
 * The collector's per-goroutine state, one typed column per field indexed by the goroutine's
 * number (a big trace has 231k goroutines: as one object each they were ~60 MB of the
 * worker's heap; as columns ~70 bytes each). Strings are interned: names, block reasons and
 * blocked stacks are codes into tables.
 */
class Goroutines {
  length = 0;
  private cap = 0;
  /** The raw id (keyed to a string only for the goroutines the evidence names). */
  readonly ids: U64[] = [];
  state = new Uint8Array(0);
  flags = new Uint8Array(0);
  workerMode = new Uint8Array(0);
  /** Start function (code into names; 0 = '' = not known yet). */
  name = new Int32Array(0);
  /** Block reason (code into reasons) of the last block. */
  reason = new Int32Array(0);
  /** While Waiting on a sync.Mutex / RWMutex: the blocked stack (index into the collector's lockStacks), else -1. */
  lockStack = new Int32Array(0);
  created = new Float64Array(0);
  ended = new Float64Array(0);
  /** Since when the goroutine is in its state: set while Runnable, Running or Waiting (NaN otherwise). */
  since = new Float64Array(0);
  assistSince = new Float64Array(0);
  execNs = new Float64Array(0);
  /** The goroutine's longest scheduler wait (first of equals): duration (-1 none), end (relative ns), wait number. */
  waitMaxNs = new Float64Array(0);
  waitMaxT = new Float64Array(0);
  waitMaxSeq = new Float64Array(0);

  private readonly nameCodes = new StringInterner();
  /** Names by code ('' = 0). */
  readonly names = this.nameCodes.strings;
  /** Per name code: whether it names a system goroutine (isSystemGoroutine). */
  readonly systemName: boolean[] = [true];
  private readonly reasonCodes = new StringInterner();
  /** Block reasons by code ('' = 0). */
  readonly reasons = this.reasonCodes.strings;

  /** Goroutine number by id (a few bytes a goroutine where a Map was ~40). */
  private readonly byId = new IdIndex();

  /** The goroutine's number, -1 if its id was not seen. */
  find(id: U64): number {
    return this.byId.get(id);
  }

  /** A new goroutine (in state NotExist), its number. */
  add(id: U64, created: number): number {
    const i = this.length++;
    if (i === this.cap) this.grow();
    this.ids.push(id);
    this.byId.set(id, i);
    this.state[i] = NOT_EXIST;
    this.lockStack[i] = -1;
    this.created[i] = created;
    this.ended[i] = NaN;
    this.since[i] = NaN;
    this.assistSince[i] = NaN;
    this.waitMaxNs[i] = -1;
    this.waitMaxT[i] = NaN;
    this.waitMaxSeq[i] = -1;
    return i;
  }
  private grow(): void {
    const cap = Math.max(1024, Math.ceil(this.cap * 1.5));
    const widen = <A extends Uint8Array | Int32Array | Float64Array>(a: A): A => {
      const b = new (a.constructor as new (n: number) => A)(cap);
      b.set(a);
      releaseArray(a);
      return b;
    };
    this.state = widen(this.state);
    this.flags = widen(this.flags);
    this.workerMode = widen(this.workerMode);
    this.name = widen(this.name);
    this.reason = widen(this.reason);
    this.lockStack = widen(this.lockStack);
    this.created = widen(this.created);
    this.ended = widen(this.ended);
    this.since = widen(this.since);
    this.assistSince = widen(this.assistSince);
    this.execNs = widen(this.execNs);
    this.waitMaxNs = widen(this.waitMaxNs);
    this.waitMaxT = widen(this.waitMaxT);
    this.waitMaxSeq = widen(this.waitMaxSeq);
    this.cap = cap;
  }
  setName(i: number, name: string): void {
    const k = this.nameCodes.intern(name);
    if (k === this.systemName.length) this.systemName.push(isSystemGoroutine(name));
    this.name[i] = k;
  }
  setReason(i: number, reason: string): void {
    // Reasons repeat (and are the same strings through a generation): the last one first.
    if (reason !== this.lastReason) {
      this.lastReasonCode = this.reasonCodes.intern(reason);
      this.lastReason = reason;
    }
    this.reason[i] = this.lastReasonCode;
  }
  private lastReason = '';
  private lastReasonCode = 0;
  /** The goroutine's id as the evidence shows it. */
  key(i: number): string {
    return u64String(this.ids[i]);
  }
  isApp(i: number): boolean {
    return !this.systemName[this.name[i]];
  }
  /** Frees the columns and the id index. */
  release(): void {
    this.byId.release();
    for (const a of [this.state, this.flags, this.workerMode, this.name, this.reason, this.lockStack, this.created, this.ended, this.since, this.assistSince, this.execNs, this.waitMaxNs, this.waitMaxT, this.waitMaxSeq]) releaseArray(a);
    this.ids.length = 0;
    this.length = 0;
    this.cap = 0;
  }
}

class Collector {
  private readonly G = new Goroutines();
  /** Goroutine number + 1 (0: not seen) by the transitions' goroutine slot: what G.find(id) gives, without the lookup. */
  private bySlot = new Int32Array(1024);
  private readonly waits = new WaitSamples();
  /** Scheduler waits seen (the stored ones and those of system goroutines). */
  private waitCount = 0;
  private readonly locks = new Samples();
  private readonly tasks = new Map<string, { t: number; name: string }>();
  private readonly taskDone = new Map<string, { t: number[]; d: number[] }>();
  private readonly openStw = new Map<string, { t: number; kind: string; gc: boolean }>();
  readonly pauses: { t0: number; t1: number; kind: string; gc: boolean }[] = [];
  /** The longest mark assist: goroutine number, start and end (relative ns). */
  private worstAssist: { g: number; t0: number; t1: number } | null = null;
  private gcCycles = 0;
  private inGc = false;
  private procs = 0;
  readonly procChanges: { t: number; from: number; to: number }[] = [];
  readonly procValues: number[] = [];
  private procChangeCount = 0;
  private stwGC = 0;
  private gcBusy = 0;
  private assistBusy = 0;
  private idleMark = 0;
  private running = 0;
  private runnable = 0;
  private lastT = NaN;
  private lastSync = NaN;
  readonly util = new UtilSeries();
  private capacityNs = 0;
  private gcBusyNs = 0;
  private assistBusyNs = 0;
  private stwNs = 0;
  private idleMarkNs = 0;
  private runningNs = 0;
  private assistCount = 0;
  /** Distinct blocked stacks of lock waits (Samples.x and Goroutines.lockStack index them). */
  private readonly lockStacks: string[][] = [];
  private readonly lockStackIndex = new Map<string, number>();
  private binNs = 100e6;
  private binCap: number[] = [];
  private binRun: number[] = [];
  private binRunnable: number[] = [];
  private lastHeap = NaN;
  private pendingGoal: { live: number } | null = null;
  readonly heap: HeapAfterGc[] = [];

  /** Per stack id of the generation being read: when it waits on a Mutex, the blocked stack's
   * top frames (index into lockStacks), else -1 (only one generation's, so a streamed trace
   * keeps no old one alive). */
  private lockStackGen: Generation | null = null;
  private lockStackCache = new Map<U64, number>();

  constructor(readonly origin: number) {}

  private lockStackOf(ref: StackRef): number {
    if (ref.gen !== this.lockStackGen) {
      this.lockStackGen = ref.gen;
      this.lockStackCache = new Map();
    }
    const m = this.lockStackCache;
    let v = m.get(ref.id);
    if (v === undefined) {
      const frames = stackOf(ref).map((f) => f.func);
      v = -1;
      if (frames.some((f) => LOCK_FRAME.test(f))) {
        const top = frames.slice(0, 8);
        const k = top.join('\n');
        v = this.lockStackIndex.get(k);
        if (v === undefined) {
          v = this.lockStacks.length;
          this.lockStacks.push(top);
          this.lockStackIndex.set(k, v);
        }
      }
      m.set(ref.id, v);
    }
    return v;
  }

  /** The goroutine's number (a new one the first time its id is seen). */
  private g(id: U64, t: number, from: GoState | null): number {
    let g = this.G.find(id);
    if (g < 0) {
      const existed = from === null || from === 'Undetermined';
      g = this.G.add(id, existed ? (Number.isNaN(this.lastSync) ? t : this.lastSync) : t);
    }
    return g;
  }

  /** The current event's time, for advance(): a double passed as an argument to a call V8 does
   * not inline is boxed into a new heap number, one per event here (~100 MB over a 25 MB trace). */
  private readonly now = new Float64Array(1);
  /** Integrates the current counts from lastT to now[0] (whole trace and per bin). */
  private advance(): void {
    const t = this.now[0];
    if (Number.isNaN(this.lastT)) {
      this.lastT = t;
      return;
    }
    let a = this.lastT;
    if (t <= a) return;
    this.lastT = t;
    const procs = this.procs;
    if (procs <= 0) return;
    const dt = t - a;
    const run = Math.min(this.running, procs);
    this.capacityNs += procs * dt;
    this.runningNs += run * dt;
    if (this.stwGC > 0) this.stwNs += procs * dt;
    else {
      this.gcBusyNs += Math.min(this.gcBusy, procs) * dt;
      this.assistBusyNs += Math.min(this.assistBusy, procs) * dt;
      this.idleMarkNs += Math.min(this.idleMark, procs) * dt;
    }
    while (a < t) {
      const b = Math.floor((a - this.origin) / this.binNs);
      const e = Math.min(t, this.origin + (b + 1) * this.binNs);
      while (this.binCap.length <= b) {
        this.binCap.push(0);
        this.binRun.push(0);
        this.binRunnable.push(0);
      }
      this.binCap[b] += procs * (e - a);
      this.binRun[b] += run * (e - a);
      this.binRunnable[b] += this.runnable * (e - a);
      a = e;
    }
  }

  /** The utilization after the event at now[0] (read there, not passed: see `now`). */
  private pushUtil(): void {
    if (this.procs <= 0) return;
    const t = this.now[0];
    const util = this.stwGC > 0 ? 0 : 1 - Math.min(this.gcBusy, this.procs) / this.procs;
    const s = this.util;
    const n = s.length;
    if (n > 0 && s.lastT === t) {
      // Only the state after the last event at a time lasts.
      s.setUtil(n - 1, util);
      if (n > 1 && s.util(n - 2) === util) s.pop();
      return;
    }
    if (n > 0 && s.lastU === util) return;
    s.push(t, util);
  }

  /** Re-derives whether g does GC work on a P now (and which kind). */
  private refresh(g: number): void {
    const G = this.G;
    const f = G.flags[g];
    const mode = G.workerMode[g];
    const runs = G.state[g] === RUNNING;
    const inAssist = (f & IN_ASSIST) !== 0;
    const assist = runs && inAssist;
    const busy = assist || (runs && (mode === DEDICATED || mode === FRACTIONAL));
    const idle = runs && !inAssist && mode === IDLE;
    if (busy !== ((f & GC_BUSY) !== 0)) this.gcBusy += busy ? 1 : -1;
    if (assist !== ((f & ASSIST_BUSY) !== 0)) this.assistBusy += assist ? 1 : -1;
    if (idle !== ((f & IDLE_BUSY) !== 0)) this.idleMark += idle ? 1 : -1;
    G.flags[g] = (f & IN_ASSIST) | (busy ? GC_BUSY : 0) | (assist ? ASSIST_BUSY : 0) | (idle ? IDLE_BUSY : 0);
  }

  /** A goroutine transition: the hot path, apart from event(), whose rarer kinds hand the
   * time to calls and objects; with them in one function V8 boxed t into a heap number on
   * every event (~120 MB over the 25 MB e2e trace). */
  private goEvent(e: GoTransition): void {
    const t = e.t;
    const G = this.G;
    let g = e.slot < 0 || e.slot >= this.bySlot.length ? -1 : this.bySlot[e.slot] - 1;
    if (g < 0) {
      g = this.g(e.id, t, e.from);
      if (e.slot >= 0) {
        if (e.slot >= this.bySlot.length) {
          const wider = new Int32Array(Math.max(e.slot + 1, this.bySlot.length * 2));
          wider.set(this.bySlot);
          this.bySlot = wider;
        }
        this.bySlot[e.slot] = g + 1;
      }
    }
    if (G.name[g] === 0 && e.stack !== null) G.setName(g, stackRootFunc(e.stack));
    const from = G.state[g];
    const to = stateCode(e.to);
    if (from === to && from !== NOT_EXIST) return;
    const was = G.since[g];
    if (from === RUNNING) {
      this.running--;
      if (!Number.isNaN(was)) G.execNs[g] += t - was;
    }
    if (from === RUNNABLE) {
      this.runnable--;
      if (to === RUNNING && !Number.isNaN(was)) {
        const d = t - was;
        if (d > G.waitMaxNs[g]) {
          G.waitMaxNs[g] = d;
          G.waitMaxT[g] = t - this.origin;
          G.waitMaxSeq[g] = this.waitCount;
        }
        this.waitCount++;
        // Only application goroutines' waits are read (a system goroutine's keeps only its
        // longest, above): most of a big trace's are GC workers' (8 of its 11M).
        this.waits.push(g, t - this.origin, d, !G.systemName[G.name[g]] || G.name[g] === 0);
      }
    }
    if (from === WAITING && !Number.isNaN(was) && G.lockStack[g] >= 0) this.locks.push(g, t - this.origin, t - was, G.lockStack[g]);
    G.state[g] = to;
    G.since[g] = NaN;
    // First sight of a goroutine that already existed: like Go's summary, it has been in
    // this state since the generation's sync (the runtime emits its status lazily).
    const since = e.from === 'Undetermined' && from === NOT_EXIST && !Number.isNaN(this.lastSync) ? this.lastSync : t;
    if (to === RUNNING) {
      this.running++;
      G.since[g] = since;
    } else if (to === RUNNABLE) {
      this.runnable++;
      G.since[g] = since;
    } else if (to === WAITING) {
      G.since[g] = since;
      G.setReason(g, e.reason);
      G.lockStack[g] = e.reason === 'sync' && e.stack !== null ? this.lockStackOf(e.stack) : -1;
    } else if (to === NOT_EXIST) G.ended[g] = t;
    this.refresh(g);
  }

  event(e: TraceEvent): void {
    const t = e.t;
    this.now[0] = t;
    this.advance();
    if (e.kind === 'go') {
      this.goEvent(e);
      this.pushUtil();
      return;
    }
    switch (e.kind) {
      case 'sync':
        this.lastSync = t;
        break;
      case 'metric': {
        const v = Number(e.value);
        if (e.name === '/sched/gomaxprocs:threads') {
          if (this.procs !== v) {
            if (this.procs > 0) {
              if (this.procChanges.length < MAX_CHANGES) this.procChanges.push({ t, from: this.procs, to: v });
              this.procChangeCount++;
            }
            if (!this.procValues.includes(v)) this.procValues.push(v);
            this.procs = v;
          }
        } else if (e.name === '/memory/classes/heap/objects:bytes') this.lastHeap = v;
        else if (e.name === '/gc/heap/goal:bytes' && this.pendingGoal !== null) {
          this.heap.push({ t: t - this.origin, liveBytes: this.pendingGoal.live, goalBytes: v });
          this.pendingGoal = null;
        }
        break;
      }
      case 'rangeBegin':
      case 'rangeActive': {
        if (e.name.startsWith('stop-the-world')) {
          const k = e.scope.kind === 'goroutine' && e.scope.id !== null ? u64String(e.scope.id) : '-';
          if (!this.openStw.has(k)) {
            const gc = e.name.includes('GC');
            this.openStw.set(k, { t: e.kind === 'rangeBegin' ? t : NaN, kind: e.name.slice('stop-the-world ('.length, -1), gc });
            if (gc) this.stwGC++;
          }
        } else if (e.name === 'GC concurrent mark phase') {
          if (!this.inGc) this.gcCycles++;
          this.inGc = true;
        } else if (e.name === 'GC mark assist' && e.scope.kind === 'goroutine' && e.scope.id !== null) {
          const g = this.g(e.scope.id, t, null);
          const G = this.G;
          if ((G.flags[g] & IN_ASSIST) === 0) {
            if (e.kind === 'rangeBegin') this.assistCount++;
            G.flags[g] |= IN_ASSIST;
            G.assistSince[g] = e.kind === 'rangeBegin' ? t : NaN;
            this.refresh(g);
          }
        }
        break;
      }
      case 'rangeEnd': {
        if (e.name.startsWith('stop-the-world')) {
          const k = e.scope.kind === 'goroutine' && e.scope.id !== null ? u64String(e.scope.id) : '-';
          const open = this.openStw.get(k);
          if (open !== undefined) {
            this.openStw.delete(k);
            if (open.gc) this.stwGC--;
            if (!Number.isNaN(open.t)) this.pauses.push({ t0: open.t - this.origin, t1: t - this.origin, kind: open.kind, gc: open.gc });
          }
        } else if (e.name === 'GC mark assist' && e.scope.kind === 'goroutine' && e.scope.id !== null) {
          const g = this.g(e.scope.id, t, null);
          const G = this.G;
          if ((G.flags[g] & IN_ASSIST) !== 0) {
            const w = this.worstAssist;
            const since = G.assistSince[g];
            if (!Number.isNaN(since) && (w === null || t - since > w.t1 - w.t0)) this.worstAssist = { g, t0: since - this.origin, t1: t - this.origin };
            G.flags[g] &= ~IN_ASSIST;
            this.refresh(g);
          }
        } else if (e.name === 'GC concurrent mark phase') {
          // A cycle already running when the trace started counts too.
          if (!this.inGc) this.gcCycles++;
          this.inGc = false;
          this.pendingGoal = Number.isNaN(this.lastHeap) ? null : { live: this.lastHeap };
        }
        break;
      }
      case 'label':
        if (e.ctx.g !== null && e.label.startsWith('GC (')) {
          const g = this.g(e.ctx.g, t, null);
          this.G.workerMode[g] = e.label === 'GC (dedicated)' ? DEDICATED : e.label === 'GC (fractional)' ? FRACTIONAL : e.label === 'GC (idle)' ? IDLE : 0;
          this.refresh(g);
        }
        break;
      case 'taskBegin':
        this.tasks.set(u64String(e.id), { t, name: e.name });
        break;
      case 'taskEnd': {
        const open = this.tasks.get(u64String(e.id));
        if (open !== undefined) {
          this.tasks.delete(u64String(e.id));
          let d = this.taskDone.get(open.name);
          if (d === undefined) this.taskDone.set(open.name, (d = { t: [], d: [] }));
          d.t.push(t - this.origin);
          d.d.push(t - open.t);
        }
        break;
      }
      default:
        break;
    }
    this.pushUtil();
  }

  private finished = false;

  finish(): TraceEvidence {
    // finish() frees the samples it reads: a second call would read them empty.
    if (this.finished) throw new Error('trace evidence: finish() called twice');
    this.finished = true;
    const origin = this.origin;
    const endAbs = Number.isNaN(this.lastT) ? origin : this.lastT;
    const end = endAbs - origin;
    const u = this.util;
    if (this.procs > 0 && (u.length === 0 || u.lastT < endAbs)) u.push(endAbs, u.length > 0 ? u.lastU : 1);
    // Start function: root frame of the first stack seen (Go's goroutine summary names them so).
    const G = this.G;
    const nG = G.length;

    // Stop-the-world pauses.
    const pauseStats = (ps: { t0: number; t1: number; kind: string }[]): PauseStats => {
      if (ps.length === 0) return { count: 0, totalNs: 0, p50Ns: null, p99Ns: null, maxNs: null, worst: null };
      const d = sortedCopy(ps.map((p) => p.t1 - p.t0));
      let worst = ps[0];
      let total = 0;
      for (const p of ps) {
        total += p.t1 - p.t0;
        if (p.t1 - p.t0 > worst.t1 - worst.t0) worst = p;
      }
      return {
        count: ps.length,
        totalNs: total,
        p50Ns: quantileSorted(d, 0.5),
        p99Ns: quantileSorted(d, 0.99),
        maxNs: d[d.length - 1],
        worst: { t0: worst.t0, t1: worst.t1, kind: worst.kind, where: window(worst.t0, worst.t1, end) },
      };
    };

    // Statistics of durations (sorted here, in place) and the worst of them.
    const statsOf = (d: Float64Array | Uint32Array, worst: WaitStats['worst']): WaitStats => {
      if (d.length === 0) return { samples: 0, totalNs: 0, p50Ns: null, p99Ns: null, maxNs: null, worst: null };
      d.sort();
      let total = 0;
      for (const x of d) total += x;
      return { samples: d.length, totalNs: total, p50Ns: quantileSorted(d, 0.5), p99Ns: quantileSorted(d, 0.99), maxNs: d[d.length - 1], worst };
    };
    /** A wait of `d` ns ending at t1 (relative); goroutine null for a task. */
    const worstWait = (goroutine: string | null, t1: number, d: number, stack: string[]): NonNullable<WaitStats['worst']> => {
      const t0 = t1 - d;
      const where = window(t0, t1, end);
      if (goroutine !== null) where.goroutine = goroutine;
      return { goroutine: goroutine ?? '', t0, t1, stack, where };
    };

    // Application goroutines by group (start function). Everything read from the goroutines
    // comes first, so that their columns are freed before the waits' scratch array is made.
    const groupOf = new Int32Array(G.names.length).fill(-1);
    const groupNames: string[] = [];
    const groupGoroutines: number[] = [];
    const gGroup = new Int32Array(nG).fill(-1);
    for (let i = 0; i < nG; i++) {
      if (!G.isApp(i)) continue;
      const n = G.name[i];
      let k = groupOf[n];
      if (k < 0) {
        k = groupOf[n] = groupNames.length;
        groupNames.push(G.names[n]);
        groupGoroutines.push(0);
      }
      groupGoroutines[k]++;
      gGroup[i] = k;
    }
    const nGroups = groupNames.length;
    // The worst wait of a set of goroutines: the longest, the earliest of equals (the first
    // in sample order, as a scan of the samples finds it), from each goroutine's own longest.
    const worstOfGroup = new Int32Array(nGroups).fill(-1);
    let worstOfAll = -1;
    const longer = (g: number, than: number): boolean => {
      if (than < 0) return true;
      const a = G.waitMaxNs[g];
      const b = G.waitMaxNs[than];
      return a > b || (a === b && G.waitMaxSeq[g] < G.waitMaxSeq[than]);
    };
    for (let i = 0; i < nG; i++) {
      const k = gGroup[i];
      if (k < 0 || G.waitMaxSeq[i] < 0) continue;
      if (longer(i, worstOfGroup[k])) worstOfGroup[k] = i;
      if (longer(i, worstOfAll)) worstOfAll = i;
    }
    const worstOfG = (i: number): WaitStats['worst'] => (i < 0 ? null : worstWait(G.key(i), G.waitMaxT[i], G.waitMaxNs[i], []));
    const groupWorst = Array.from(worstOfGroup, worstOfG);
    const allWorst = worstOfG(worstOfAll);

    // Lock waits (sync.Mutex / RWMutex), with the blocked stack.
    let lockWait: WaitStats;
    {
      const L = this.locks;
      const d = new Float64Array(L.length);
      let w = 0;
      for (let i = 0; i < L.length; i++) {
        d[i] = L.d(i);
        if (d[i] > d[w]) w = i;
      }
      lockWait = statsOf(d, L.length === 0 ? null : worstWait(G.key(L.g(w)), L.t(w), L.d(w), this.lockStacks[L.x(w)]));
    }

    // Mark assists: time goroutines ran inside an assist (waiting for mark work inside the
    // assist range is not CPU) against the execution time of application goroutines.
    let appExec = 0;
    for (let i = 0; i < nG; i++) if (G.isApp(i)) appExec += G.execNs[i] + (G.state[i] !== RUNNING || Number.isNaN(G.since[i]) ? 0 : endAbs - G.since[i]);
    const assistApp = this.assistBusyNs;
    let worstAssist: TraceEvidence['assist']['worst'] = null;
    const wa = this.worstAssist;
    if (wa !== null) {
      const where = window(wa.t0, wa.t1, end);
      where.goroutine = G.key(wa.g);
      worstAssist = { goroutine: G.key(wa.g), t0: wa.t0, t1: wa.t1, where };
    }

    // Live goroutines over time (application goroutines; created/ended inside the trace).
    let created = 0;
    let ended = 0;
    const births: number[] = [];
    const deaths: number[] = [];
    for (let i = 0; i < nG; i++) {
      if (!G.isApp(i)) continue;
      births.push(Math.max(0, G.created[i] - origin));
      if (G.created[i] > origin) created++;
      if (!Number.isNaN(G.ended[i])) {
        deaths.push(G.ended[i] - origin);
        ended++;
      }
    }
    const B = Float64Array.from(births).sort();
    const D = Float64Array.from(deaths).sort();
    let live = 0;
    let max = 0;
    let startLive = 0;
    const series: { t: number; live: number }[] = [];
    let bi = 0;
    let di = 0;
    // Births before deaths at the same time (a goroutine exists from its creation on).
    const upTo = (at: number) => {
      for (;;) {
        if (bi < B.length && B[bi] <= at && (di >= D.length || B[bi] <= D[di])) {
          live++;
          bi++;
          if (live > max) max = live;
        } else if (di < D.length && D[di] <= at) {
          live--;
          di++;
        } else return;
      }
    };
    for (let i = 0; i <= SERIES_POINTS; i++) {
      const at = (end * i) / SERIES_POINTS;
      upTo(at);
      if (i === 0) startLive = live;
      series.push({ t: Math.round(at), live });
    }
    upTo(Infinity);
    const survivorCount = new Map<string, { name: string; state: string; count: number }>();
    for (let i = 0; i < nG; i++) {
      if (!G.isApp(i) || G.created[i] <= origin || !Number.isNaN(G.ended[i])) continue;
      const state = G.state[i] === WAITING ? G.reasons[G.reason[i]] || 'waiting' : GO_STATES[G.state[i]].toLowerCase();
      const name = G.names[G.name[i]];
      const k2 = `${name}\u0000${state}`;
      const s = survivorCount.get(k2) ?? { name, state, count: 0 };
      s.count++;
      survivorCount.set(k2, s);
    }
    const survivors = [...survivorCount.values()].sort((a, b) => b.count - a.count).slice(0, 5);
    // The goroutines' last reader was the survivors: their columns go before the waits'
    // scratch array is made, which would otherwise be the evidence's peak.
    G.release();

    // The waits' durations, bucketed by group with a counting sort into one scratch array (a big
    // trace has millions: the scratch array is the only copy, reused below for the windows).
    const W = this.waits;
    const perGroup = new Int32Array(nGroups + 1);
    for (let i = 0; i < W.length; i++) {
      const k = gGroup[W.g(i)];
      if (k >= 0) perGroup[k + 1]++;
    }
    for (let k = 0; k < nGroups; k++) perGroup[k + 1] += perGroup[k];
    const nApp = perGroup[nGroups];
    // Uint32 when every wait fits (the usual case: half the memory of the 12M waits of a big
    // trace); the same values, so the same sort order, sums and quantiles.
    const scratch = W.allFit32 ? new Uint32Array(nApp) : new Float64Array(nApp);
    {
      const fill = perGroup.slice(0, nGroups);
      for (let i = 0; i < W.length; i++) {
        const k = gGroup[W.g(i)];
        if (k >= 0) scratch[fill[k]++] = W.d(i);
      }
    }
    const groups: SchedWaitGroup[] = groupNames
      .map((n, k) => ({ name: n, goroutines: groupGoroutines[k], ...statsOf(scratch.subarray(perGroup[k], perGroup[k + 1]), groupWorst[k]) }))
      .filter((g) => g.samples > 0);
    groups.sort((a, b) => (b.p99Ns ?? 0) - (a.p99Ns ?? 0) || b.samples - a.samples);
    const allWaits = statsOf(scratch, allWorst);

    // Latency: the most common completed task, else scheduler waits of application goroutines.
    let taskName: string | null = null;
    let task: { t: number[]; d: number[] } = { t: [], d: [] };
    for (const [n, d] of this.taskDone) {
      if (d.d.length > task.d.length) {
        taskName = n;
        task = d;
      }
    }
    let latencyStats = allWaits;
    if (taskName !== null) {
      let w = 0;
      for (let i = 0; i < task.d.length; i++) if (task.d[i] > task.d[w]) w = i;
      latencyStats = statsOf(Float64Array.from(task.d), worstWait(null, task.t[w], task.d[w], []));
    }
    // Window lengths that cut the trace into at most MAX_BINS windows (the evidence stays small).
    const lengths = LATENCY_WINDOWS_MS.filter((ms, i) => i === LATENCY_WINDOWS_MS.length - 1 || Math.ceil(end / (ms * 1e6)) <= MAX_BINS);
    const byBin = taskName !== null ? new Float64Array(task.d.length) : scratch;
    const windows: LatencyWindows[] = lengths.map((ms) => {
      const w = ms * 1e6;
      const n = Math.max(1, Math.ceil(end / w));
      // The samples of each window, one typed array: at[b] .. at[b + 1] is window b.
      const at = new Int32Array(n + 1);
      if (taskName !== null) {
        // Task durations by end time, with a counting sort.
        const bin = (i: number) => Math.min(n - 1, Math.max(0, Math.floor(task.t[i] / w)));
        for (let i = 0; i < task.d.length; i++) at[bin(i) + 1]++;
        for (let b = 0; b < n; b++) at[b + 1] += at[b];
        const fill = at.slice(0, n);
        for (let i = 0; i < task.d.length; i++) byBin[fill[bin(i)]++] = task.d[i];
      } else {
        // Waits arrive in time order, so each window's are consecutive samples (the last
        // window takes any beyond the end, like the clamped bin of a task).
        const starts = W.starts[LATENCY_WINDOWS_MS.indexOf(ms)];
        let pos = 0;
        let b = 0;
        for (let i = 0; i < W.length; i++) {
          while (b + 1 < n && b + 1 < starts.length && starts[b + 1] <= i) at[++b] = pos;
          if (gGroup[W.g(i)] >= 0) byBin[pos++] = W.d(i);
        }
        while (b < n) at[++b] = pos;
      }
      const p99Ns: (number | null)[] = [];
      const counts: number[] = [];
      for (let b = 0; b < n; b++) {
        const a = byBin.subarray(at[b], at[b + 1]);
        p99Ns.push(a.length === 0 ? null : quantileSorted(a.sort(), 0.99));
        counts.push(a.length);
      }
      return { windowNs: w, p99Ns, counts };
    });
    // The waits' last reader was the windows: a big trace's 12M are ~100 MB.
    W.release();
    this.locks.release();
    releaseArray(scratch);
    if (byBin !== scratch) releaseArray(byBin);

    // MMU per window, with the worst window's position.
    const integral = halfIntegral(this.util);
    const mmuList = MMU_WINDOWS_MS.map((ms) => {
      const r = minUtilSeries(this.util, ms * 1e6, integral);
      return { windowNs: ms * 1e6, mmu: round(r.mmu, 4), where: r.t0 === null ? null : window(r.t0 - origin, r.t0 - origin + ms * 1e6, end) };
    });
    releaseArray(integral);
    this.util.release();

    // Processor bins, merged so that there are at most MAX_BINS.
    let binNs = this.binNs;
    let cap = this.binCap;
    let run = this.binRun;
    let rbl = this.binRunnable;
    while (cap.length > MAX_BINS) {
      const m = (a: number[]) => Array.from({ length: Math.ceil(a.length / 2) }, (_, i) => a[2 * i] + (a[2 * i + 1] ?? 0));
      cap = m(cap);
      run = m(run);
      rbl = m(rbl);
      binNs *= 2;
    }

    const cap0 = this.capacityNs;
    const share = (x: number) => (cap0 > 0 ? round(x / cap0, 4) : 0);
    const gcShare = share(this.gcBusyNs + this.stwNs);
    return {
      durationNs: end,
      gomaxprocs: {
        values: this.procValues,
        changeCount: this.procChangeCount,
        changes: this.procChanges.map((c) => ({ t: c.t - origin, from: c.from, to: c.to, where: window(c.t - origin, c.t - origin, end) })),
      },
      gcCycles: this.gcCycles,
      stw: { gc: pauseStats(this.pauses.filter((p) => p.gc)), other: pauseStats(this.pauses.filter((p) => !p.gc)) },
      gcCpu: {
        share: gcShare,
        backgroundShare: share(this.gcBusyNs - this.assistBusyNs),
        assistShare: share(this.assistBusyNs),
        stwShare: share(this.stwNs),
        idleMarkShare: share(this.idleMarkNs),
      },
      assist: { appExecNs: appExec, assistNs: assistApp, share: appExec > 0 ? round(Math.min(1, assistApp / appExec), 4) : 0, assists: this.assistCount, worst: worstAssist },
      mmu: mmuList,
      heapAfterGc: thin(this.heap, MAX_HEAP_CYCLES),
      latency: { source: taskName !== null ? 'tasks' : 'sched-wait', taskName, stats: latencyStats, windows },
      schedWait: { groups: groups.slice(0, MAX_GROUPS), all: allWaits },
      lockWait,
      procs: {
        busyShare: share(this.runningNs),
        binNs,
        busy: cap.map((c, i) => (c > 0 ? round(run[i] / c, 4) : 0)),
        runnableToRunning: run.map((r, i) => (r > 0 ? round(rbl[i] / r, 3) : null)),
      },
      goroutines: { start: startLive, end: live, max, created, ended, series, survivors },
      where: { view: 'timeline' },
    };
  }
}

/** At most max elements, evenly spaced, the first and the last included. */
function thin<T>(a: T[], max: number): T[] {
  if (a.length <= max) return a;
  return Array.from({ length: max }, (_, i) => a[Math.round((i * (a.length - 1)) / (max - 1))]);
}

/** F[i] = ∫ utilization from the first point to point i (shared by every window of minUtilSeries). */
export function utilIntegral(s: UtilSeries): Float64Array {
  const n = s.length;
  const F = new Float64Array(n);
  for (let i = 1; i < n; i++) F[i] = F[i - 1] + s.util(i - 1) * (s.t(i) - s.t(i - 1));
  return F;
}

/**
 * utilIntegral at the even points only, H[k] = F[2k]: an odd point's F[2k + 1] is one step
 * from F[2k], computed as utilIntegral computes it, so the same double. Half the memory for
 * the MMU search (a big trace's 7M points: 27 MB less beside the series).
 */
function halfIntegral(s: UtilSeries): Float64Array {
  const n = s.length;
  const H = new Float64Array((n + 1) >>> 1);
  let f = 0;
  for (let i = 1; i < n; i++) {
    f = f + s.util(i - 1) * (s.t(i) - s.t(i - 1));
    if ((i & 1) === 0) H[i >>> 1] = f;
  }
  return H;
}

/**
 * The first index j ≥ from with T[j] − off > y (n if none), T increasing: galloping from
 * `from`, since the answer is usually there or close.
 */
function firstAbove(s: UtilSeries, n: number, from: number, y: number, off: number): number {
  if (from >= n || s.t(from) - off > y) return from;
  let lo = from; // T[lo] − off ≤ y
  let step = 1;
  let hi = lo + 1;
  while (hi < n && s.t(hi) - off <= y) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > n) hi = n;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (s.t(mid) - off <= y) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Minimum mean utilization over windows of windowNs, and where the worst window starts
 * (absolute ns; the earliest such start). The mean over a window is piecewise linear in its
 * start, so the minimum is at a start where the window's start or end meets a step of the
 * function (t_i or t_i − w); each candidate sequence gets its own sweep (the minimum does not
 * depend on the order they are visited in).
 *
 * Millions of points × ten windows: candidates that cannot beat the best so far are skipped.
 * Utilization is in [0, 1], so the mean m(x) changes by at most |x − x0| / w between window
 * starts x0 and x: after m(x0) = v, every start before x0 + (v − best)·w is worse than best
 * (less a margin covering the rounding of the computed means, so a skipped start could not
 * have won by rounding either). The result is the one every candidate would give.
 */
export function minUtilSeries(s: UtilSeries, windowNs: number, half?: Float64Array): { mmu: number; t0: number | null } {
  const n = s.length;
  if (n < 2) return { mmu: 1, t0: null };
  const start = s.t(0);
  const end = s.t(n - 1);
  const w = Math.min(windowNs, end - start);
  if (w <= 0) return { mmu: 1, t0: null };
  // A big trace's series has millions of points: the integral is computed once for all
  // windows (`half`: halfIntegral(s), given by the caller that searches several).
  const H = half ?? halfIntegral(s);
  const F = (i: number): number => ((i & 1) === 0 ? H[i >>> 1] : H[i >>> 1] + s.util(i - 1) * (s.t(i) - s.t(i - 1)));
  const last = end - w;
  // Bound on the rounding error of a computed mean, doubled: the prefix sum's (n additions
  // up to F(n − 1)) and that of the times (absolute ns), over w.
  const eps = Number.EPSILON;
  const margin = (4 * (n * eps * (F(n - 1) + 1) + 8 * eps * (Math.abs(start) + Math.abs(end) + w))) / w + 1e-12;
  let best = Infinity;
  let at = NaN;
  // Windows starting at a step: x = t_i; b = last step at or before x + w.
  let b = 0;
  for (let i = 0; i < n; ) {
    const x = s.t(i);
    if (x > last) break;
    b = firstAbove(s, n, b + 1, x + w, 0) - 1;
    // ∫ from the start to y is F(c) + u_c·(y − t_c) for the step c at or before y (c = i at x).
    const m = (F(b) + s.util(b) * (x + w - s.t(b)) - F(i)) / w;
    if (m < best || (m === best && x < at)) {
      best = m;
      at = x;
    }
    const skip = (m - best - margin) * w;
    i = skip > 0 ? firstAbove(s, n, i + 1, x + skip, 0) : i + 1;
  }
  // Windows ending at a step: x = t_k − w; a = last step at or before x, c at or before x + w
  // (x + w may round to either side of t_k).
  let a = 0;
  let c = 0;
  for (let k = 0; k < n; ) {
    const x = s.t(k) - w;
    if (x < start) {
      k++;
      continue;
    }
    if (x > last) break;
    a = firstAbove(s, n, a + 1, x, 0) - 1;
    c = firstAbove(s, n, c + 1, x + w, 0) - 1;
    const m = (F(c) + s.util(c) * (x + w - s.t(c)) - F(a) - s.util(a) * (x - s.t(a))) / w;
    if (m < best || (m === best && x < at)) {
      best = m;
      at = x;
    }
    const skip = (m - best - margin) * w;
    k = skip > 0 ? firstAbove(s, n, k + 1, x + skip, w) : k + 1;
  }
  // The last window position (ending at the end) is a candidate too.
  const e = firstAbove(s, n, 0, last, 0) - 1;
  const m = (F(n - 1) - F(e) - s.util(e) * (last - s.t(e))) / w;
  if (m < best) {
    best = m;
    at = last;
  }
  return { mmu: Math.max(0, Math.min(1, best)), t0: Number.isNaN(at) ? null : at };
}

/** minUtilSeries over a list of points (e.g. mmu.ts's MutatorUtil series). */
export function minUtil(points: readonly { t: number; util: number }[], windowNs: number): { mmu: number; t0: number | null } {
  const s = new UtilSeries();
  for (const p of points) s.push(p.t, p.util);
  return minUtilSeries(s, windowNs);
}

/**
 * Collects the evidence from Go's API events fed one at a time (events may be reused
 * objects: nothing of them is kept); `origin` is the trace origin (ns).
 */
export function traceEvidenceCollector(origin: number): { event(e: TraceEvent): void; finish(): TraceEvidence } {
  const c = new Collector(origin);
  return { event: (e) => c.event(e), finish: () => c.finish() };
}

/** The checklist's numbers of one trace (the generations as decoded, the partial one included). */
export function traceEvidence(gens: Generation[]): TraceEvidence {
  let origin = Infinity;
  for (const g of gens) origin = Math.min(origin, g.syncTimeNs);
  if (!Number.isFinite(origin)) origin = 0;
  const c = new Collector(origin);
  traceEvents(gens, (e) => c.event(e));
  return c.finish();
}
