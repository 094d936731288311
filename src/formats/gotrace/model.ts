// The data model produced by the Go 1.22+ trace reader: one Generation per trace
// generation, holding its tables and its raw (not yet ordered) events.
//
// Events are stored column-wise in typed arrays (traces have millions of events):
//   type[i]    event code (spec.ts Ev)
//   ticks[i]   absolute trace-clock ticks (batch time + running sum of dt)
//   argOff[i]  index into `args` of the event's first argument *after* dt;
//              the argument count is TIMED_EXTRA_ARGS[type[i]]
//   args[k]    U64 codes (u64.ts): >= 0 exact value, -1 = 2^64-1, <= -2 = bigs[-2-code]
// Events are grouped by batch (batches[b].first .. first+count), in file order.

import type { OrderedEvent } from './order.ts';
import type { GoTraceV2Version } from './spec.ts';
import { SPECS, TIMED_EXTRA_ARGS } from './spec.ts';
import type { U64 } from './u64.ts';
import { decodeU64Code } from './u64.ts';
import type { GoTraceV1Version } from './v1/spec.ts';
import { releaseArray } from '../../model/release.ts';

export type BatchKind = 'events' | 'strings' | 'stacks' | 'cpu' | 'sync' | 'experimental';

export interface BatchInfo {
  kind: BatchKind;
  /** Thread (M) id; 2^64-1 (U64_MAX) for batches not written by a thread. */
  m: U64;
  /** Batch base time in ticks. */
  time: U64;
  /** File offset of the batch header byte. */
  offset: number;
  /** Bytes taken by the batch header (the payload starts at offset + headerSize). */
  headerSize: number;
  /** Payload size in bytes (as in the header). */
  size: number;
  /**
   * What the batch added: for 'events' the first event index and event count; for
   * 'strings' / 'stacks' / 'cpu' the position in the table's insertion order (Map order,
   * sample index) and the number of entries; for 'experimental' the index into
   * `experimental` (count 1); 0/0 for 'sync'.
   */
  first: number;
  count: number;
  /** For kind 'experimental': the experiment id. */
  experiment: number;
}

/** One frame of the per-generation PC table (first definition of a PC wins). */
export interface Frame {
  pc: U64;
  func: string;
  file: string;
  line: U64;
  funcId: U64;
  fileId: U64;
}

export interface ClockSnapshot {
  /** Trace clock in ticks (sync batch time + dt). */
  ticks: U64;
  /** Monotonic clock (nanotime) in ns. */
  mono: U64;
  /** Wall clock, Unix seconds and nanoseconds. */
  sec: U64;
  nsec: U64;
}

/** CPU profile samples of a generation, in wire order (Go sorts them by time). */
export interface CpuSamples {
  count: number;
  /** Absolute ticks. */
  ticks: Float64Array;
  /** U64 codes (see model comment); p = -1 means no P. g = 0 means no goroutine. */
  m: Float64Array;
  p: Float64Array;
  g: Float64Array;
  stack: Float64Array;
}

export interface ExperimentalBatch {
  experiment: number;
  m: U64;
  time: U64;
  offset: number;
  data: Uint8Array;
}

export interface EventColumns {
  count: number;
  type: Uint8Array;
  ticks: Float64Array;
  argOff: Uint32Array;
  args: Float64Array;
}

export interface Generation {
  /** Generation number from the batch headers (not necessarily starting at 1). */
  gen: U64;
  /** Format version; 11, 19 or 21 for a converted legacy trace (see `legacy`). */
  version: GoTraceV2Version | GoTraceV1Version;
  /** Index of this generation in the file (0-based). */
  index: number;
  /** Byte range [offset, end) of the generation in the file (end includes a 1.26 EndOfGeneration byte). */
  offset: number;
  end: number;
  /** Ticks per second from the Frequency event. */
  ticksPerSec: U64;
  /** Go's conversion factor: 1 / (ticksPerSec / 1e9). */
  nsPerTick: number;
  /** Go 1.25+: the clock snapshot of the sync batch. */
  clock: ClockSnapshot | null;
  /** Smallest batch time of the generation (Go's minTs rule: time 0 counts as unset). */
  minTicks: U64;
  /** Go's Sync event time for this generation: trunc(minTicks * nsPerTick), in ns. */
  syncTimeNs: number;
  strings: Map<U64, string>;
  /** Stack id -> PCs, leaf first. Ids 0 (empty string, empty stack) are implicit. */
  stacks: Map<U64, U64[]>;
  frames: Map<U64, Frame>;
  cpuSamples: CpuSamples;
  batches: BatchInfo[];
  /** Ms with event batches, in order of first appearance; per M the indices into `batches`. */
  ms: U64[];
  batchesByM: Map<U64, number[]>;
  events: EventColumns;
  /** Side table for U64 codes <= -2 (events and CPU samples). */
  bigs: bigint[];
  experimental: ExperimentalBatch[];
  /** Events whose code is newer than the trace version (accepted like Go does). */
  eventsNewerThanVersion: number;
  /** True when some tick value exceeded 2^53 and lost precision (corrupt or exotic clocks). */
  ticksInexact: boolean;
  /** Go 1.26+: the generation was closed by an EndOfGeneration byte. */
  endMarker: boolean;
  /**
   * Set for a legacy (Go 1.11–1.21) trace converted like Go does (formats/gotrace/v1): the
   * whole trace is this one generation, its events are v2 events already in Go's order
   * (times in ns, `nsPerTick` 1), and orderGenerations replays them with their contexts.
   */
  legacy?: LegacyEvents;
}

/** The ordered stream of a converted legacy trace (implemented in v1/convert.ts). */
export interface LegacyEvents {
  /** Header version (11, 19 or 21). */
  readonly version: number;
  /** Clock frequency of the original trace (the converted events hold ns). */
  readonly ticksPerSec: U64;
  /** Delivers the events like orderGenerations does (Syncs included); throws OrderingError where Go's conversion fails. */
  replay(gen: Generation, onEvent: (e: OrderedEvent) => void): void;
}

/**
 * Frees a generation's event and CPU-sample columns (see src/model/release.ts) once its
 * one consumer is done with it: a streamed trace drops a generation after each turn, and
 * a big trace's are ~25 MB each, which otherwise stayed resident until the next major GC
 * (the tab's peak held several). The tables (strings, stacks, frames) are left as they are.
 */
export function releaseGenerationColumns(g: Generation): void {
  const e = g.events;
  for (const a of [e.type, e.ticks, e.argOff, e.args]) releaseArray(a);
  g.events = { count: 0, type: new Uint8Array(0), ticks: new Float64Array(0), argOff: new Uint32Array(0), args: new Float64Array(0) };
  const c = g.cpuSamples;
  for (const a of [c.ticks, c.m, c.p, c.g, c.stack]) releaseArray(a);
  g.cpuSamples = { count: 0, ticks: new Float64Array(0), m: new Float64Array(0), p: new Float64Array(0), g: new Float64Array(0), stack: new Float64Array(0) };
}

/** Exact value of argument k (0-based, after dt) of event i. */
export function eventArg(g: Generation, i: number, k: number): U64 {
  return decodeU64Code(g.events.args[g.events.argOff[i] + k], g.bigs);
}

/** Number of arguments after dt of event i. */
export function eventArgCount(g: Generation, i: number): number {
  return TIMED_EXTRA_ARGS[g.events.type[i]];
}

/** Event i as a plain object (for debugging and tests; not for bulk use). */
export function eventObject(g: Generation, i: number): { name: string; type: number; ticks: number; args: Record<string, U64> } {
  const type = g.events.type[i];
  const spec = SPECS[type];
  const args: Record<string, U64> = {};
  const n = TIMED_EXTRA_ARGS[type];
  for (let k = 0; k < n; k++) args[spec?.args[k + 1] ?? `arg${k}`] = eventArg(g, i, k);
  return { name: spec?.name ?? `Invalid(${type})`, type, ticks: g.events.ticks[i], args };
}

/** Resolves a stack id to frames (leaf first); undefined for an unknown id, [] for id 0. */
export function stackFrames(g: Generation, id: U64): Frame[] | undefined {
  if (id === 0) return [];
  const pcs = g.stacks.get(id);
  if (pcs === undefined) return undefined;
  const out: Frame[] = [];
  for (const pc of pcs) {
    const f = g.frames.get(pc);
    if (f !== undefined) out.push(f);
  }
  return out;
}

/**
 * Go's per-event nanosecond times for one batch (before the reader's monotonic +1 ns bumps):
 * t0 = trunc(batch.time * nsPerTick), t = prev + trunc(dt * nsPerTick).
 */
export function batchEventTimesNs(g: Generation, batchIndex: number): Float64Array {
  const b = g.batches[batchIndex];
  const out = new Float64Array(b.count);
  const f = g.nsPerTick;
  let prevTicks = typeof b.time === 'bigint' ? Number(b.time) : b.time;
  let t = Math.trunc(prevTicks * f);
  for (let j = 0; j < b.count; j++) {
    const ticks = g.events.ticks[b.first + j];
    t += Math.trunc((ticks - prevTicks) * f);
    prevTicks = ticks;
    out[j] = t;
  }
  return out;
}
