// Compact, transferable data for the trace Timeline view, computed once in the worker in
// one pass over Go's API events: per-goroutine state spans (with the stack of the event
// that began each), per-P running goroutines, GC / STW / mark-assist ranges, heap and
// GOMAXPROCS series, user tasks (laid out in nested lanes), regions and logs, the CPU
// samples (time, goroutine, stack), a deduplicated stack table, and the goroutine
// analysis table (goroutines.ts) with its groups. Bulk data is in typed arrays (sent as
// transferables); only names are strings.
// Times are ns RELATIVE to the trace origin (the first generation's sync time), the same
// origin the CPU samples' `time` uses (formats/gotrace/cpuProfile.ts).

import type { Generation } from '../../formats/gotrace/model.ts';
import { decodeU64Code, U64_MAX, u64String } from '../../formats/gotrace/u64.ts';
import type { U64 } from '../../formats/gotrace/u64.ts';
import { pprofDisplayName } from '../../model/names.ts';
import { releaseAll, releaseArray } from '../../model/release.ts';
import { StringInterner } from '../../model/builder.ts';
import { blockedNs, goroutineGroups, GoroutineSummarizer, type GoroutineGroup } from './goroutines.ts';
import { IdIndex } from '../../formats/gotrace/idIndex.ts';
import { traceEvents, type GoState, type GoTransition, type StackRef, type TraceEvent } from './states.ts';
import { TimelineCollector } from './timeline.ts';
import { finishSpanTimes, LONG, rankDirectory, spanStacksTransferables, spanTimesTransferables, stackAt, stackRank, type SpanStacks, type SpanTimes } from './spans.ts';

/** Span states (index into STATE_NAMES). */
export const ST_RUNNING = 0;
export const ST_RUNNABLE = 1;
export const ST_WAITING = 2;
export const ST_SYSCALL = 3;
/** In a syscall after its P was taken away (Go counts this as syscall-blocked time). */
export const ST_SYSCALL_BLOCKED = 4;
export const STATE_NAMES = ['running', 'runnable', 'waiting', 'syscall', 'syscall, P retaken'] as const;

/**
 * A span's kind packs its state (the low SPAN_STATE_BITS bits) and, for a waiting span, its
 * block reason (index into `reasons`, the bits above): one byte a span while a trace has at
 * most 31 reasons (Go writes about 20), where a state and a reason column took two.
 */
export const SPAN_STATE_BITS = 3;
export function spanKindOf(state: number, reason: number): number {
  return state + reason * (1 << SPAN_STATE_BITS);
}
export function spanStateOf(kind: number): number {
  return kind & ((1 << SPAN_STATE_BITS) - 1);
}
export function spanReasonOf(kind: number): number {
  return kind >>> SPAN_STATE_BITS;
}

/** The stack of span k (index into the stack table, 0 = none). */
export function spanStackOf(d: Pick<TraceViewData, 'spanStack'>, k: number): number {
  return stackAt(d.spanStack, k);
}

/** Flags of tasks and regions. */
export const OPEN_START = 1; // began before the trace
export const OPEN_END = 2; // still open at its end

/** Tasks are laid out in at most this many lanes (deeper ones share the last). */
export const MAX_TASK_LANES = 12;

/**
 * The goroutine analysis table as columns (transferable: a big trace has 231k rows, which as
 * objects existed in the worker, in the message and in the page at once), one entry per row
 * in the summarizer's order; the row's goroutine is display index g[k] (gIds, gNames).
 */
export interface GoroutineTableColumns {
  g: Uint32Array;
  execNs: Float64Array;
  schedWaitNs: Float64Array;
  /** Block time summed over reasons. */
  blockNs: Float64Array;
  syscallNs: Float64Array;
  totalNs: Float64Array;
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
  /** Start and end of every span (spans.ts: spanStart, spanEnd, forEachSpan; compact, exact). */
  spanTimes: SpanTimes;
  /** State and block reason of every span (spanStateOf, spanReasonOf): 8 bits while there
   * are at most 31 reasons, then 16 and 32. */
  spanKind: Uint8Array | Uint16Array | Uint32Array;
  /** Block reasons of waiting spans (0 = ''). */
  reasons: string[];
  /**
   * Stack of the event that began the span (index into the stack table, 0 = none): the
   * blocking / preempting / syscall stack, the unblocking goroutine's stack for a
   * runnable span after a wait, the creator's stack for the first span of a goroutine.
   * Sparse (spans.ts SpanStacks: most spans have none): read with spanStackOf / forEachSpanStack.
   */
  spanStack: SpanStacks;
  /** Stack s is stackFrames[stackOffsets[s] .. stackOffsets[s+1]), leaf first; stack 0 is empty. */
  stackOffsets: Uint32Array;
  stackFrames: Uint32Array;
  /** Frames: function name as pprof prints it (the flame graph's names), "file:line". */
  frameFunc: string[];
  frameLoc: string[];
  pIds: string[];
  /**
   * Running spans of P i are pSpan[pOffsets[i] .. pOffsets[i+1]): indices of goroutine spans
   * (times via spanTimes, goroutine via spanGoroutine), in time order.
   */
  pOffsets: Uint32Array;
  pSpan: Uint32Array;
  /** [start, end] pairs. */
  gc: Float64Array;
  stw: Float64Array;
  stwKinds: string[];
  /** Mark assists of goroutine i: [assistOffsets[i], assistOffsets[i+1]) into assistStart/End. */
  assistOffsets: Uint32Array;
  assistStart: Float64Array;
  assistEnd: Float64Array;
  heapT: Float64Array;
  heapV: Float64Array;
  goalT: Float64Array;
  goalV: Float64Array;
  gomaxprocsT: Float64Array;
  gomaxprocsV: Float64Array;
  /** Strings of user annotations (task/region names, log categories and messages). */
  userStrings: string[];
  /** User tasks in begin order; parent = task index or -1; lane = nesting lane. */
  taskIds: string[];
  taskName: Uint32Array;
  taskStart: Float64Array;
  taskEnd: Float64Array;
  taskParent: Int32Array;
  taskLane: Uint8Array;
  taskFlags: Uint8Array;
  taskLanes: number;
  /** Regions of goroutine i: [regionOffsets[i], regionOffsets[i+1]), by start; depth = nesting. */
  regionOffsets: Uint32Array;
  regionStart: Float64Array;
  regionEnd: Float64Array;
  regionName: Uint32Array;
  regionTask: Int32Array;
  regionDepth: Uint8Array;
  regionFlags: Uint8Array;
  /** Logs in time order: goroutine index (-1 none), task index (-1 none), category, message. */
  logT: Float64Array;
  logG: Int32Array;
  logTask: Int32Array;
  logCategory: Uint32Array;
  logMessage: Uint32Array;
  /** CPU samples in time order: goroutine index (-1 none) and stack (stack table index). */
  sampleT: Float64Array;
  sampleG: Int32Array;
  sampleStack: Uint32Array;
  table: GoroutineTableColumns;
  groups: GoroutineGroup[];
}

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

/** The goroutine (display index) a span belongs to. */
export function spanGoroutine(d: Pick<TraceViewData, 'gOffsets'>, k: number): number {
  const o = d.gOffsets;
  let lo = 0;
  let hi = o.length - 1;
  // Last i with o[i] <= k and a non-empty row.
  while (lo < hi) {
    const m = (lo + hi + 1) >>> 1;
    if (o[m] <= k) lo = m;
    else hi = m - 1;
  }
  return lo;
}

function pairs(rs: { startNs: number | null; endNs: number | null }[], origin: number, end: number): Float64Array {
  const a = new Float64Array(rs.length * 2);
  rs.forEach((r, i) => {
    a[2 * i] = r.startNs === null ? 0 : r.startNs - origin;
    a[2 * i + 1] = r.endNs === null ? end : r.endNs - origin;
  });
  return a;
}

/** A growable typed column. */
class Column<T extends Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = this.make(Math.ceil(this.data.length * 1.5) + 16);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
}

const CHUNK_SHIFT = 20;
const CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;
/** Spans regrouped by goroutine at a time (SpanBlocks). */
const BATCH = 1 << 20;

/** Moves the value at start + j to start + dest[j] in a chunked column of 2^20-entry chunks (a batch's regrouping; exported for its test). */
export function regroupChunks(chunks: (Uint8Array | Uint16Array | Uint32Array)[], start: number, dest: Uint32Array): void {
  const n = dest.length;
  const c = start >>> CHUNK_SHIFT;
  if (n > 0 && c === (start + n - 1) >>> CHUNK_SHIFT) {
    // The batch lies in one chunk (always, at the default batch size): moved in place there.
    const chunk = chunks[c];
    const o = start & CHUNK_MASK;
    const tmp = chunk.slice(o, o + n);
    for (let j = 0; j < n; j++) chunk[o + dest[j]] = tmp[j];
    releaseArray(tmp);
    return;
  }
  const tmp = new Uint32Array(n);
  for (let j = 0; j < n; j++) tmp[j] = chunks[(start + j) >>> CHUNK_SHIFT][(start + j) & CHUNK_MASK];
  for (let j = 0; j < n; j++) chunks[(start + dest[j]) >>> CHUNK_SHIFT][(start + dest[j]) & CHUNK_MASK] = tmp[j];
  releaseArray(tmp);
}

/**
 * Append-only columns in fixed-size chunks (no copy when they grow: a big trace's span
 * columns are hundreds of MB), read back by index. One class per element type so each
 * push and get site sees one array kind (a shared generic class made them megamorphic and
 * pushes cost ~200 ns); `widened` moves the values into the next wider column.
 */
class U8Chunks {
  chunks: Uint8Array[] = [];
  length = 0;
  readonly max = 0xff;
  push(v: number): void {
    const c = this.length >>> CHUNK_SHIFT;
    if (c === this.chunks.length) this.chunks.push(new Uint8Array(1 << CHUNK_SHIFT));
    this.chunks[c][this.length++ & CHUNK_MASK] = v;
  }
  get(k: number): number {
    return this.chunks[k >>> CHUNK_SHIFT][k & CHUNK_MASK];
  }
  widened(): U16Chunks {
    const w = new U16Chunks();
    w.chunks = this.chunks.map((c) => Uint16Array.from(c));
    releaseAll(this.chunks);
    w.length = this.length;
    return w;
  }
  /** Moves the value at start + j to start + dest[j]. */
  regroup(start: number, dest: Uint32Array): void {
    regroupChunks(this.chunks, start, dest);
  }
  /** The values laid out by `blocks`, one flat array; each chunk is dropped once copied. */
  scatter(blocks: SpanBlocks): Uint8Array {
    const out = new Uint8Array(this.length);
    blocks.copy(this.chunks, out);
    return out;
  }
}

class U16Chunks {
  chunks: Uint16Array[] = [];
  length = 0;
  readonly max = 0xffff;
  push(v: number): void {
    const c = this.length >>> CHUNK_SHIFT;
    if (c === this.chunks.length) this.chunks.push(new Uint16Array(1 << CHUNK_SHIFT));
    this.chunks[c][this.length++ & CHUNK_MASK] = v;
  }
  get(k: number): number {
    return this.chunks[k >>> CHUNK_SHIFT][k & CHUNK_MASK];
  }
  widened(): U32Chunks {
    const w = new U32Chunks();
    w.chunks = this.chunks.map((c) => Uint32Array.from(c));
    releaseAll(this.chunks);
    w.length = this.length;
    return w;
  }
  regroup(start: number, dest: Uint32Array): void {
    regroupChunks(this.chunks, start, dest);
  }
  scatter(blocks: SpanBlocks): Uint16Array {
    const out = new Uint16Array(this.length);
    blocks.copy(this.chunks, out);
    return out;
  }
}

class U32Chunks {
  chunks: Uint32Array[] = [];
  length = 0;
  readonly max = 0xffffffff;
  push(v: number): void {
    const c = this.length >>> CHUNK_SHIFT;
    if (c === this.chunks.length) this.chunks.push(new Uint32Array(1 << CHUNK_SHIFT));
    this.chunks[c][this.length++ & CHUNK_MASK] = v;
  }
  get(k: number): number {
    return this.chunks[k >>> CHUNK_SHIFT][k & CHUNK_MASK];
  }
  regroup(start: number, dest: Uint32Array): void {
    regroupChunks(this.chunks, start, dest);
  }
  scatter(blocks: SpanBlocks): Uint32Array {
    const out = new Uint32Array(this.length);
    blocks.copy(this.chunks, out);
    return out;
  }
}

/**
 * A P's running spans (span positions), in chunks of 64k: a trace has a few Ps with millions
 * each and possibly many with few (the span columns' 1M-entry chunks would be mostly slack).
 */
class PSpanList {
  chunks: Uint32Array[] = [];
  length = 0;
  push(v: number): void {
    const c = this.length >>> 16;
    if (c === this.chunks.length) this.chunks.push(new Uint32Array(1 << 16));
    this.chunks[c][this.length++ & 0xffff] = v;
  }
  get(k: number): number {
    return this.chunks[k >>> 16][k & 0xffff];
  }
  set(k: number, v: number): void {
    this.chunks[k >>> 16][k & 0xffff] = v;
  }
}

const f64 = (n = 1024) => new Column(new Float64Array(n), (k) => new Float64Array(k));
const u32 = (n = 1024) => new Column(new Uint32Array(n), (k) => new Uint32Array(k));

/**
 * Where each goroutine's spans are in the span columns. The columns are appended in batches
 * (BATCH spans in closing order) and each batch is regrouped by goroutine when it is full
 * (stable, so a goroutine's spans stay in time order): a goroutine has one block per
 * batch it has spans in, and the blocks tile the columns in order. The final layout (a
 * goroutine's spans together, goroutines in display order) is then a copy block by block
 * that drops each chunk once it is copied: no goroutine column and no destination per span.
 * (Exported for the span stacks' test.)
 */
export class SpanBlocks {
  readonly start = u32();
  readonly len = u32();
  /** The goroutine (seen index) of each block; after `place`, its first span's final position. */
  readonly at = u32();

  add(start: number, len: number, owner: number): void {
    this.start.push(start);
    this.len.push(len);
    this.at.push(owner);
  }

  /** Final positions: goroutine (seen index) i's spans at gOffsets[display[i]], its blocks in order. */
  place(gOffsets: Uint32Array, display: Uint32Array): void {
    const fill = gOffsets.slice(0, gOffsets.length - 1);
    const at = this.at.data;
    const len = this.len.data;
    for (let b = 0; b < this.at.length; b++) {
      const d = display[at[b]];
      at[b] = fill[d];
      fill[d] += len[b];
    }
  }

  /** Final position of the span at column position k (after `place`). */
  final(k: number): number {
    const start = this.start.data;
    let lo = 0;
    let hi = this.start.length - 1;
    while (lo < hi) {
      const m = (lo + hi + 1) >>> 1;
      if (start[m] <= k) lo = m;
      else hi = m - 1;
    }
    return this.at.data[lo] + k - start[lo];
  }

  /** Copies chunked column values to their final positions in `out` (after `place`), dropping each chunk once copied. */
  copy<T extends Uint8Array | Uint16Array | Uint32Array>(chunks: T[], out: T): void {
    const size = 1 << CHUNK_SHIFT;
    const start = this.start.data;
    const len = this.len.data;
    const at = this.at.data;
    for (let b = 0; b < this.start.length; b++) {
      let from = start[b];
      let to = at[b];
      let n = len[b];
      while (n > 0) {
        const c = from >>> CHUNK_SHIFT;
        const o = from & CHUNK_MASK;
        const m = Math.min(n, size - o);
        out.set(chunks[c].subarray(o, o + m), to);
        if (o + m === size) {
          releaseArray(chunks[c]);
          (chunks as (T | undefined)[])[c] = undefined;
        }
        from += m;
        to += m;
        n -= m;
      }
    }
    releaseAll(chunks);
  }
}

const BIT_CHUNK_SHIFT = CHUNK_SHIFT - 5;
const BIT_CHUNK_MASK = (1 << BIT_CHUNK_SHIFT) - 1;

/**
 * The span stacks while reading, sparse like the final SpanStacks: presence bits by column
 * position (chunks of 2^20 spans) and the non-zero stacks in column order. A batch is
 * appended once it is regrouped (its stacks wait in one dense batch array until then), so
 * nothing here is ever permuted; `layout` moves the blocks to their final positions.
 * (Exported for its test.)
 */
export class SpanStackColumn {
  private bitChunks: Uint32Array[] = [];
  private values: U16Chunks | U32Chunks = new U16Chunks();
  /** Spans appended. */
  length = 0;

  /** Appends the stacks of spans length .. length + n - 1 (0: none). */
  append(stacks: Uint32Array, n: number): void {
    const end = this.length + n;
    while (this.bitChunks.length * (1 << CHUNK_SHIFT) < end) this.bitChunks.push(new Uint32Array(1 << BIT_CHUNK_SHIFT));
    let values = this.values;
    for (let p = 0; p < n; p++) {
      const s = stacks[p];
      if (s === 0) continue;
      const k = this.length + p;
      this.bitChunks[k >>> CHUNK_SHIFT][(k >>> 5) & BIT_CHUNK_MASK] |= 1 << (k & 31);
      if (s > values.max) values = this.values = (values as U16Chunks).widened();
      values.push(s);
    }
    this.length = end;
  }

  /**
   * The stacks laid out by `blocks` (after `place`): the presence bits block by block, then
   * each block's values, which are contiguous both in column order and in the final order.
   * Drops the column's chunks as it goes.
   */
  layout(blocks: SpanBlocks): SpanStacks {
    const nb = blocks.start.length;
    const start = blocks.start.data;
    const len = blocks.len.data;
    const at = blocks.at.data;
    const bits = new Uint32Array((this.length + 31) >>> 5);
    // Value index (column order) of each block's first stack; blocks tile the column in order.
    const blockValue = new Uint32Array(nb + 1);
    let v = 0;
    for (let b = 0; b < nb; b++) {
      blockValue[b] = v;
      const from = start[b];
      const to = at[b];
      const end = from + len[b];
      const last = (end - 1) >>> 5;
      for (let w = from >>> 5; w <= last; w++) {
        let word = this.bitChunks[w >>> BIT_CHUNK_SHIFT][w & BIT_CHUNK_MASK];
        if (w === from >>> 5) word &= -1 << (from & 31);
        if (w === last && (end & 31) !== 0) word &= (1 << (end & 31)) - 1;
        while (word !== 0) {
          const low = word & -word;
          const d = to + w * 32 + 31 - Math.clz32(low) - from;
          bits[d >>> 5] |= 1 << (d & 31);
          v++;
          word ^= low;
        }
      }
      // Chunks wholly before the next block are done.
      for (let c = from >>> CHUNK_SHIFT; c < end >>> CHUNK_SHIFT; c++) releaseArray(this.bitChunks[c]);
    }
    blockValue[nb] = v;
    releaseAll(this.bitChunks);
    const rank = rankDirectory(bits);
    const src = this.values;
    const values = src instanceof U16Chunks ? new Uint16Array(v) : new Uint32Array(v);
    const size = 1 << CHUNK_SHIFT;
    for (let b = 0; b < nb; b++) {
      let from = blockValue[b];
      let n = blockValue[b + 1] - from;
      if (n === 0) continue;
      let to = stackRank({ bits, rank }, at[b]);
      while (n > 0) {
        const c = from >>> CHUNK_SHIFT;
        const o = from & CHUNK_MASK;
        const m = Math.min(n, size - o);
        values.set(src.chunks[c].subarray(o, o + m), to);
        if (o + m === size) releaseArray(src.chunks[c]);
        from += m;
        to += m;
        n -= m;
      }
    }
    releaseAll(src.chunks);
    releaseArray(blockValue);
    return { bits, rank, values };
  }
}

/**
 * Frames and stacks of all generations, deduplicated by content (the same stack gets new
 * ids in every generation). Frame names are pprof's printed names, as in the flame graph.
 */
class StackTable {
  readonly frameFunc: string[] = [];
  readonly frameLoc: string[] = [];
  private readonly frameIndex = new Map<string, number>();
  private readonly stackIndex = new Map<string, number>();
  /** Stack ids of the generation being read (ids are per generation; older ones are dropped with it). */
  private gen: Generation | null = null;
  private byId = new Map<U64, number>();
  readonly offsets = u32();
  readonly frames = u32(4096);

  constructor() {
    this.offsets.push(0);
    this.offsets.push(0); // stack 0: empty
  }

  private frame(func: string, file: string, line: U64): number {
    const k = `${func}\u0000${file}\u0000${String(line)}`;
    let i = this.frameIndex.get(k);
    if (i === undefined) {
      i = this.frameFunc.length;
      this.frameFunc.push(pprofDisplayName(func, func));
      this.frameLoc.push(file === '' ? '' : `${file}:${String(line)}`);
      this.frameIndex.set(k, i);
    }
    return i;
  }

  /** Stack index of a generation's stack id (0 for none / unknown). */
  of(g: Generation, id: U64): number {
    if (id === 0) return 0;
    if (g !== this.gen) {
      this.gen = g;
      this.byId = new Map();
    }
    const m = this.byId;
    const hit = m.get(id);
    if (hit !== undefined) return hit;
    const pcs = g.stacks.get(id);
    let s = 0;
    if (pcs !== undefined && pcs.length > 0) {
      const fr: number[] = [];
      for (const pc of pcs) {
        const f = g.frames.get(pc);
        if (f !== undefined) fr.push(this.frame(f.func, f.file, f.line));
      }
      const k = fr.join(',');
      const known = this.stackIndex.get(k);
      if (known !== undefined) s = known;
      else if (fr.length > 0) {
        s = this.offsets.length - 1;
        for (const f of fr) this.frames.push(f);
        this.offsets.push(this.frames.length);
        this.stackIndex.set(k, s);
      }
    }
    m.set(id, s);
    return s;
  }

  ref(r: StackRef | null): number {
    return r === null ? 0 : this.of(r.gen, r.id);
  }
}

/** Lanes for tasks: a child below its parent, overlapping siblings side by side. */
function taskLanes(start: Float64Array, end: Float64Array, parent: Int32Array): { lane: Uint8Array; lanes: number } {
  const n = start.length;
  const lane = new Uint8Array(n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => start[a] - start[b] || a - b);
  const busyUntil: number[] = [];
  let lanes = 0;
  for (const i of order) {
    let l = parent[i] >= 0 ? lane[parent[i]] + 1 : 0;
    while (l < MAX_TASK_LANES - 1 && (busyUntil[l] ?? -Infinity) > start[i]) l++;
    l = Math.min(l, MAX_TASK_LANES - 1);
    lane[i] = l;
    busyUntil[l] = Math.max(busyUntil[l] ?? -Infinity, end[i]);
    lanes = Math.max(lanes, l + 1);
  }
  return { lane, lanes };
}

/** Stable grouping of rows by key (counting sort): offsets per key and the permutation. */
function groupBy(keys: Uint32Array, len: number, nKeys: number): { offsets: Uint32Array; order: Uint32Array } {
  const offsets = new Uint32Array(nKeys + 1);
  for (let k = 0; k < len; k++) offsets[keys[k] + 1]++;
  for (let i = 0; i < nKeys; i++) offsets[i + 1] += offsets[i];
  const fill = offsets.slice(0, nKeys);
  const order = new Uint32Array(len);
  for (let k = 0; k < len; k++) order[fill[keys[k]]++] = k;
  return { offsets, order };
}

function permuteF64(src: Float64Array, order: Uint32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) out[k] = src[order[k]];
  return out;
}

/** Builds TraceViewData from Go's API events fed one at a time (see traceViewData). */
export interface TraceViewBuilder {
  /** Before each generation's events (sizes the span columns for it). */
  generation(g: Generation): void;
  event(e: TraceEvent): void;
  finish(): TraceViewData;
}

/**
 * A builder for streamed generations: `origin` (ns) is the trace origin, the earliest sync
 * time; when not given, the first generation's (the earliest in a well-formed trace).
 * Events may be reused objects (`reuse`): nothing of them is kept. `batch`: spans regrouped
 * by goroutine at a time (tests use small ones; the result does not depend on it).
 */
export function traceViewBuilder(origin = NaN, opts: { batch?: number } = {}): TraceViewBuilder {
  const batch = opts.batch ?? BATCH;
  const summarizer = new GoroutineSummarizer();
  const collector = new TimelineCollector();
  const stacks = new StackTable();

  // Goroutines get a dense "seen" index on first sight; per-goroutine current state.
  const gSeen = new IdIndex();
  const gSeenIds: U64[] = [];
  let curSince = new Float64Array(1024);
  /** End of the goroutine's last span (NaN before its first). */
  let lastEnd = new Float64Array(1024).fill(NaN);
  let curState = new Int8Array(1024);
  let curReason = new Uint32Array(1024);
  let curStack = new Uint32Array(1024);
  let curP = new Int32Array(1024);
  /** Spans per goroutine (seen index), those of the current batch excluded. */
  let gSpans = new Uint32Array(1024);
  const seen = (id: U64): number => {
    let i = gSeen.get(id);
    if (i < 0) {
      i = gSeenIds.length;
      gSeen.set(id, i);
      gSeenIds.push(id);
      if (i === curSince.length) {
        const n = i * 2;
        const grow = <T extends Float64Array | Int8Array | Uint16Array | Uint32Array | Int32Array>(a: T, b: T): T => {
          b.set(a);
          return b;
        };
        curSince = grow(curSince, new Float64Array(n));
        lastEnd = grow(lastEnd, new Float64Array(n).fill(NaN));
        curState = grow(curState, new Int8Array(n));
        curReason = grow(curReason, new Uint32Array(n));
        curStack = grow(curStack, new Uint32Array(n));
        curP = grow(curP, new Int32Array(n));
        gSpans = grow(gSpans, new Uint32Array(n));
      }
      curState[i] = -1;
    }
    return i;
  };
  // seen() of the transitions' goroutine slots (-1: not looked up yet): one id lookup per
  // goroutine rather than per event.
  let slotSeen = new Int32Array(1024).fill(-1);
  const seenGo = (e: GoTransition): number => {
    const s = e.slot;
    if (s < 0) return seen(e.id);
    if (s >= slotSeen.length) {
      const a = new Int32Array(Math.max(2 * slotSeen.length, s + 1)).fill(-1);
      a.set(slotSeen);
      slotSeen = a;
    } else if (slotSeen[s] >= 0) return slotSeen[s];
    return (slotSeen[s] = seen(e.id));
  };
  const pSeen = new Map<U64, number>();
  const pSeenIds: U64[] = [];
  const pOf = (id: U64): number => {
    let i = pSeen.get(id);
    if (i === undefined) {
      i = pSeenIds.length;
      pSeen.set(id, i);
      pSeenIds.push(id);
      pSpans.push(new PSpanList());
      pDone.push(0);
    }
    return i;
  };

  // Span columns: duration (ns; LONG with the duration in `longs`), kind, stack, in
  // closing order within a batch of BATCH spans, regrouped by goroutine when the batch is full
  // (SpanBlocks); the batch's goroutines (seen index) are in batchG, its stacks in
  // batchStack until the regrouped batch is appended to the sparse sStack. A span that does not
  // start where its goroutine's last one ended (its first span, or after a gap) is in `jumps`.
  // Span positions (in jumps, longs, pSpans) are column positions, moved with their batch.
  const sDur = new U16Chunks();
  let sKind: U8Chunks | U16Chunks | U32Chunks = new U8Chunks();
  const sStack = new SpanStackColumn();
  const jumps = { idx: [] as number[], start: [] as number[] };
  const longs = { idx: [] as number[], ns: [] as number[] };
  const blocks = new SpanBlocks();
  let batchStart = 0;
  const batchG = new Uint32Array(batch);
  const batchStack = new Uint32Array(batch);
  // Entries of jumps, longs and each P's spans before the batch (already moved).
  let jumpsDone = 0;
  let longsDone = 0;
  const pDone: number[] = [];
  // Per P (seen index): its running spans, as positions of goroutine spans.
  const pSpans: PSpanList[] = [];
  const reasonCodes = new StringInterner();
  // CPU samples (the stream's order is time order).
  const smT = f64(1 << 10);
  const smG = u32(1 << 10);
  const smStack = u32(1 << 10);
  const NO_G = 0xffffffff;

  // Syscalls as Go's summarizer tracks them: the P a goroutine entered its syscall on; when
  // that P goes idle (retaken) the rest of the syscall is syscall-blocked time.
  const syscallingP = new Map<U64, number>();
  const syscallingG = new Map<number, U64>();

  let last = 0;
  let syncs = 0;
  let lastSync = 0;
  /** Regroups the batch by goroutine (stable) into one block per goroutine. */
  const endBatch = (): void => {
    const len = sDur.length - batchStart;
    if (len === 0) return;
    const ng = gSeenIds.length;
    // Counting sort: at[i] = where goroutine i's spans go in the batch.
    const at = new Uint32Array(ng);
    for (let j = 0; j < len; j++) at[batchG[j]]++;
    let pos = 0;
    for (let i = 0; i < ng; i++) {
      const c = at[i];
      if (c === 0) continue;
      blocks.add(batchStart + pos, c, i);
      gSpans[i] += c;
      at[i] = pos;
      pos += c;
    }
    const dest = new Uint32Array(len);
    for (let j = 0; j < len; j++) dest[j] = at[batchG[j]]++;
    sDur.regroup(batchStart, dest);
    sKind.regroup(batchStart, dest);
    const stackAtPos = new Uint32Array(len);
    for (let j = 0; j < len; j++) stackAtPos[dest[j]] = batchStack[j];
    sStack.append(stackAtPos, len);
    releaseArray(stackAtPos);
    const b0 = batchStart;
    for (let q = jumpsDone; q < jumps.idx.length; q++) jumps.idx[q] = b0 + dest[jumps.idx[q] - b0];
    for (let q = longsDone; q < longs.idx.length; q++) longs.idx[q] = b0 + dest[longs.idx[q] - b0];
    pSpans.forEach((c, p) => {
      for (let q = pDone[p]; q < c.length; q++) c.set(q, b0 + dest[c.get(q) - b0]);
      pDone[p] = c.length;
    });
    jumpsDone = jumps.idx.length;
    longsDone = longs.idx.length;
    batchStart = sDur.length;
    releaseArray(at);
    releaseArray(dest);
  };
  const close = (i: number, t: number): void => {
    const st = curState[i];
    if (st < 0) return;
    const since = curSince[i];
    if (t > since) {
      const k = sDur.length;
      if (since !== lastEnd[i]) {
        jumps.idx.push(k);
        jumps.start.push(since);
      }
      lastEnd[i] = t;
      const d = t - since;
      if (d >= LONG) {
        longs.idx.push(k);
        longs.ns.push(d);
      }
      batchG[k - batchStart] = i;
      sDur.push(Math.min(d, LONG));
      const kind = spanKindOf(st, curReason[i]);
      while (kind > sKind.max) sKind = (sKind as U8Chunks | U16Chunks).widened();
      sKind.push(kind);
      batchStack[k - batchStart] = curStack[i];
      if (st === ST_RUNNING && curP[i] >= 0) pSpans[curP[i]].push(k);
      if (k + 1 - batchStart === batch) endBatch();
    }
    curState[i] = -1;
  };
  const generation = (g: Generation): void => {
    if (Number.isNaN(origin)) origin = g.syncTimeNs;
  };
  const event = (e: TraceEvent): void => {
    summarizer.event(e);
    collector.event(e);
    const t = e.t - origin;
    last = t;
    if (e.kind === 'sync') {
      // Goroutines first seen in a later generation are charged from its sync (like Go).
      if (syncs++ > 0) lastSync = t;
      return;
    }
    if (e.kind === 'sample') {
      if (e.gen === null || e.sample < 0) return;
      smT.push(t);
      smG.push(e.ctx.g === null ? NO_G : seen(e.ctx.g));
      smStack.push(stacks.of(e.gen, decodeU64Code(e.gen.cpuSamples.stack[e.sample], e.gen.bigs)));
      return;
    }
    if (e.kind === 'proc') {
      pOf(e.id);
      if (e.from !== e.to && e.to === 'Idle') {
        const gi = syscallingP.get(e.id);
        if (gi !== undefined) {
          syscallingP.delete(e.id);
          if (curState[gi] === ST_SYSCALL) {
            const stack = curStack[gi];
            close(gi, t);
            curState[gi] = ST_SYSCALL_BLOCKED;
            curSince[gi] = t;
            curReason[gi] = 0;
            curStack[gi] = stack;
            curP[gi] = -1;
          }
        }
      }
      return;
    }
    if (e.kind !== 'go' || e.from === e.to) return;
    const i = seenGo(e);
    // A goroutine first seen mid-trace (Undetermined) has been in its state since the sync
    // (in a syscall without a P: syscall-blocked, as Go counts it).
    if (curState[i] < 0 && e.from !== 'NotExist') {
      let fst = stateCode(e.from === 'Undetermined' ? e.to : e.from);
      if (fst === ST_SYSCALL && e.from === 'Undetermined' && e.ctx.p === null) fst = ST_SYSCALL_BLOCKED;
      if (fst >= 0) {
        curState[i] = fst;
        curSince[i] = lastSync;
        curReason[i] = 0;
        curStack[i] = 0;
        curP[i] = fst === ST_RUNNING && e.ctx.p !== null ? pOf(e.ctx.p) : -1;
      }
    }
    if (e.from === 'Syscall') {
      const sp = syscallingG.get(i);
      if (sp !== undefined) syscallingP.delete(sp);
      syscallingG.delete(i);
    }
    close(i, t);
    if (e.to === 'Syscall') {
      const sp = e.ctx.p ?? U64_MAX; // Go's NoProc key, like the summarizer
      syscallingP.set(sp, i);
      syscallingG.set(i, sp);
    }
    const st = stateCode(e.to);
    if (st < 0) return;
    const r = st === ST_WAITING && e.reason ? reasonCodes.intern(e.reason) : 0;
    curState[i] = st;
    curSince[i] = t;
    curReason[i] = r;
    curStack[i] = e.eventStack !== null ? stacks.ref(e.eventStack) : stacks.ref(e.stack);
    curP[i] = st === ST_RUNNING && e.ctx.p !== null ? pOf(e.ctx.p) : -1;
  };
  const finish = (): TraceViewData => {
    if (Number.isNaN(origin)) origin = 0;
    const endNs = last;
    for (let i = 0; i < gSeenIds.length; i++) close(i, endNs);
    gSeen.release();
    endBatch();
    const summary = summarizer.finish();
    const tl = collector.finish();
    const groups = goroutineGroups(summary.goroutines);

    // Display order: by group (the table's order), then name, then id.
    const nameOf = new Map<string, string>(summary.goroutines.map((g) => [u64String(g.id), g.name]));
    const seenKeys = gSeenIds.map(u64String);
    for (const id of seenKeys) if (!nameOf.has(id)) nameOf.set(id, '');
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
    // seen index -> display index
    const disp = new Uint32Array(gSeenIds.length);
    seenKeys.forEach((k, i) => (disp[i] = gIndex.get(k)!));
    const gOfId = (id: U64 | null): number => (id === null ? -1 : (gIndex.get(u64String(id)) ?? -1));
    const nRows = summary.goroutines.length;
    const table: GoroutineTableColumns = {
      g: new Uint32Array(nRows),
      execNs: new Float64Array(nRows),
      schedWaitNs: new Float64Array(nRows),
      blockNs: new Float64Array(nRows),
      syscallNs: new Float64Array(nRows),
      totalNs: new Float64Array(nRows),
    };
    summary.goroutines.forEach((g, k) => {
      table.g[k] = gIndex.get(u64String(g.id))!;
      table.execNs[k] = g.execNs;
      table.schedWaitNs[k] = g.schedWaitNs;
      table.blockNs[k] = blockedNs(g);
      table.syscallNs[k] = g.syscallNs;
      table.totalNs[k] = g.totalNs;
    });

    // Goroutine spans grouped by display index, each goroutine's blocks in order; every
    // column is copied into its flat final array, widest first, dropping its chunks as it goes.
    const gOffsets = new Uint32Array(ids.length + 1);
    for (let i = 0; i < gSeenIds.length; i++) gOffsets[disp[i] + 1] = gSpans[i];
    for (let i = 0; i < ids.length; i++) gOffsets[i + 1] += gOffsets[i];
    blocks.place(gOffsets, disp);
    const spanDur = sDur.scatter(blocks);
    const spanStack = sStack.layout(blocks);
    const spanKind = sKind.scatter(blocks);
    const jumpIdx = Uint32Array.from(jumps.idx, (k) => blocks.final(k));
    const longIdx = Uint32Array.from(longs.idx, (k) => blocks.final(k));
    const spanTimes = finishSpanTimes(spanDur, jumpIdx, Float64Array.from(jumps.start), longIdx, Float64Array.from(longs.ns));

    // P spans grouped by P (display order of P ids: numeric), as goroutine span indices.
    const pIds = pSeenIds.map(u64String).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    const pRank = new Map(pIds.map((p, i) => [p, i]));
    const pOffsets = new Uint32Array(pIds.length + 1);
    pSeenIds.forEach((id, i) => (pOffsets[pRank.get(u64String(id))! + 1] = pSpans[i].length));
    for (let i = 0; i < pIds.length; i++) pOffsets[i + 1] += pOffsets[i];
    const pSpan = new Uint32Array(pOffsets[pIds.length]);
    pSeenIds.forEach((id, i) => {
      const c = pSpans[i];
      const at = pOffsets[pRank.get(u64String(id))!];
      for (let j = 0; j < c.length; j++) pSpan[at + j] = blocks.final(c.get(j));
      releaseAll(c.chunks);
    });

    // Mark assists per goroutine.
    const rel = (t: number | null, dflt: number): number => (t === null ? dflt : t - origin);
    const asKeys: number[] = [];
    const asStart: number[] = [];
    const asEnd: number[] = [];
    for (const a of tl.markAssists) {
      const gi = gOfId(a.id);
      if (gi < 0) continue;
      asKeys.push(gi);
      asStart.push(rel(a.startNs, 0));
      asEnd.push(rel(a.endNs, endNs));
    }
    const ag = groupBy(Uint32Array.from(asKeys), asKeys.length, ids.length);
    const assistStart = permuteF64(Float64Array.from(asStart), ag.order);
    const assistEnd = permuteF64(Float64Array.from(asEnd), ag.order);

    // User annotations.
    const userStrings: string[] = [];
    const userIdx = new Map<string, number>();
    const str = (s: string): number => {
      let i = userIdx.get(s);
      if (i === undefined) {
        i = userStrings.length;
        userStrings.push(s);
        userIdx.set(s, i);
      }
      return i;
    };
    const nt = tl.tasks.length;
    const taskIndex = new Map<string, number>();
    tl.tasks.forEach((t, i) => taskIndex.set(u64String(t.id), i));
    const taskOf = (id: U64): number => taskIndex.get(u64String(id)) ?? -1;
    const taskStart = new Float64Array(nt);
    const taskEnd = new Float64Array(nt);
    const taskParent = new Int32Array(nt);
    const taskName = new Uint32Array(nt);
    const taskFlags = new Uint8Array(nt);
    tl.tasks.forEach((t, i) => {
      taskStart[i] = rel(t.startNs, 0);
      taskEnd[i] = rel(t.endNs, endNs);
      taskParent[i] = t.parent === null ? -1 : taskOf(t.parent);
      taskName[i] = str(t.name);
      taskFlags[i] = (t.startNs === null ? OPEN_START : 0) | (t.endNs === null ? OPEN_END : 0);
    });
    const lanes = taskLanes(taskStart, taskEnd, taskParent);

    // Regions per goroutine (by start), with their nesting depth.
    const rgKeys: number[] = [];
    const rgSrc: number[] = [];
    tl.regions.forEach((r, k) => {
      const gi = gOfId(r.goroutine);
      if (gi < 0) return;
      rgKeys.push(gi);
      rgSrc.push(k);
    });
    const rgStart = rgSrc.map((k) => rel(tl.regions[k].startNs, 0));
    const rgOrderByStart = rgSrc.map((_, j) => j).sort((a, b) => rgKeys[a] - rgKeys[b] || rgStart[a] - rgStart[b] || rgSrc[a] - rgSrc[b]);
    const m = rgOrderByStart.length;
    const regionOffsets = new Uint32Array(ids.length + 1);
    const regionStart = new Float64Array(m);
    const regionEnd = new Float64Array(m);
    const regionName = new Uint32Array(m);
    const regionTask = new Int32Array(m);
    const regionDepth = new Uint8Array(m);
    const regionFlags = new Uint8Array(m);
    for (const j of rgOrderByStart) regionOffsets[rgKeys[j] + 1]++;
    for (let i = 0; i < ids.length; i++) regionOffsets[i + 1] += regionOffsets[i];
    {
      let k = 0;
      let openEnds: number[] = [];
      let curG = -1;
      for (const j of rgOrderByStart) {
        const r = tl.regions[rgSrc[j]];
        if (rgKeys[j] !== curG) {
          curG = rgKeys[j];
          openEnds = [];
        }
        const s = rel(r.startNs, 0);
        const e = rel(r.endNs, endNs);
        while (openEnds.length > 0 && openEnds[openEnds.length - 1] <= s) openEnds.pop();
        regionStart[k] = s;
        regionEnd[k] = e;
        regionName[k] = str(r.name);
        regionTask[k] = taskOf(r.task);
        regionDepth[k] = Math.min(255, openEnds.length);
        regionFlags[k] = (r.startNs === null ? OPEN_START : 0) | (r.endNs === null ? OPEN_END : 0);
        openEnds.push(e);
        k++;
      }
    }

    const nl = tl.logs.length;
    const logT = new Float64Array(nl);
    const logG = new Int32Array(nl);
    const logTask = new Int32Array(nl);
    const logCategory = new Uint32Array(nl);
    const logMessage = new Uint32Array(nl);
    tl.logs.forEach((l, i) => {
      logT[i] = l.t - origin;
      logG[i] = gOfId(l.goroutine);
      logTask[i] = taskOf(l.task);
      logCategory[i] = str(l.category);
      logMessage[i] = str(l.message);
    });

    const ns = smT.length;
    const sampleG = new Int32Array(ns);
    for (let k = 0; k < ns; k++) sampleG[k] = smG.data[k] === NO_G ? -1 : disp[smG.data[k]];

    const relSeries = (t: Float64Array, len: number) => {
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
      spanTimes,
      spanKind,
      reasons: reasonCodes.strings,
      spanStack,
      stackOffsets: stacks.offsets.data.slice(0, stacks.offsets.length),
      stackFrames: stacks.frames.data.slice(0, stacks.frames.length),
      frameFunc: stacks.frameFunc,
      frameLoc: stacks.frameLoc,
      pIds,
      pOffsets,
      pSpan,
      gc: pairs(tl.gc, origin, endNs),
      stw: pairs(tl.stw, origin, endNs),
      stwKinds: tl.stw.map((s) => s.kind),
      assistOffsets: ag.offsets,
      assistStart,
      assistEnd,
      heapT: relSeries(tl.heapAlloc.t, tl.heapAlloc.length),
      heapV: tl.heapAlloc.v.slice(0, tl.heapAlloc.length),
      goalT: relSeries(tl.heapGoal.t, tl.heapGoal.length),
      goalV: tl.heapGoal.v.slice(0, tl.heapGoal.length),
      gomaxprocsT: relSeries(tl.gomaxprocs.t, tl.gomaxprocs.length),
      gomaxprocsV: tl.gomaxprocs.v.slice(0, tl.gomaxprocs.length),
      userStrings,
      taskIds: tl.tasks.map((t) => u64String(t.id)),
      taskName,
      taskStart,
      taskEnd,
      taskParent,
      taskLane: lanes.lane,
      taskFlags,
      taskLanes: lanes.lanes,
      regionOffsets,
      regionStart,
      regionEnd,
      regionName,
      regionTask,
      regionDepth,
      regionFlags,
      logT,
      logG,
      logTask,
      logCategory,
      logMessage,
      sampleT: smT.data.slice(0, ns),
      sampleG,
      sampleStack: smStack.data.slice(0, ns),
      table,
      groups,
    };
  };
  return { generation, event, finish };
}

export function traceViewData(gens: Generation[], opts: { batch?: number } = {}): TraceViewData {
  let origin = Infinity;
  for (const g of gens) origin = Math.min(origin, g.syncTimeNs);
  const b = traceViewBuilder(Number.isFinite(origin) ? origin : 0, opts);
  const each = function* (): Generator<Generation> {
    for (const g of gens) {
      b.generation(g);
      yield g;
    }
  };
  traceEvents(each(), b.event, { reuse: true });
  return b.finish();
}

export function traceViewTransferables(d: TraceViewData): ArrayBuffer[] {
  const a = [
    d.gOffsets,
    d.spanKind,
    d.stackOffsets,
    d.stackFrames,
    d.pOffsets,
    d.pSpan,
    d.gc,
    d.stw,
    d.assistOffsets,
    d.assistStart,
    d.assistEnd,
    d.heapT,
    d.heapV,
    d.goalT,
    d.goalV,
    d.gomaxprocsT,
    d.gomaxprocsV,
    d.taskName,
    d.taskStart,
    d.taskEnd,
    d.taskParent,
    d.taskLane,
    d.taskFlags,
    d.regionOffsets,
    d.regionStart,
    d.regionEnd,
    d.regionName,
    d.regionTask,
    d.regionDepth,
    d.regionFlags,
    d.logT,
    d.logG,
    d.logTask,
    d.logCategory,
    d.logMessage,
    d.sampleT,
    d.sampleG,
    d.sampleStack,
    d.table.g,
    d.table.execNs,
    d.table.schedWaitNs,
    d.table.blockNs,
    d.table.syscallNs,
    d.table.totalNs,
  ];
  return [...new Set([...a.map((x) => x.buffer as ArrayBuffer), ...spanTimesTransferables(d.spanTimes), ...spanStacksTransferables(d.spanStack)])];
}
