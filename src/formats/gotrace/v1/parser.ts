// Parser for legacy Go execution traces (Go 1.11–1.21), following Go's
// internal/trace/internal/tracev1 step by step so that the event order, the timestamps and
// the errors are the ones Go produces:
//
//   1. collect: walk the file once, record where each P's batches start, read the CPU
//      samples (they are sorted by the time the signal handler took, not by position);
//   2. merge: per-P batches are loaded lazily and merged with a frontier (a min-heap on the
//      tick time) that only admits an event whose goroutine is in the state and sequence
//      number the event requires (goroutine seq numbers make the order right even when
//      clocks disagree across CPUs);
//   3. time: the merged stream must be time-sorted ("time stamps out of order" otherwise);
//      GoSysExit events take their real exit time and the stream is stably re-sorted;
//      ticks become ns since the first event; timer unblocks and syscall exits move to
//      Go's fake Ps;
//   4. validate: Go's postProcessTrace (a P runs one G, a G is blocked before it is
//      unblocked, GC/STW/sweep/assist ranges nest, tasks and regions match), which also
//      moves network unblocks and GC starts to fake Ps.
//
// Where Go iterates a map (the list of Ps for the merge), the order is random in Go and
// ascending P id here; it only matters for events of different Ps with the same tick.
//
// Everything is bounded by the input: argument counts come from the bytes read, lengths are
// checked against Go's limits (2048-byte argument blocks, 1e6-byte strings, 1000 frames)
// before use, and every loop consumes input or an event.

import type { ProgressFn } from '../../errors.ts';
import { u64FromBig, U64_MAX, type U64 } from '../u64.ts';
import * as spec from './spec.ts';
import type { GoTraceV1Version } from './spec.ts';

// Local copies of the tables used in hot loops (bundlers may compile imported bindings to
// getter calls).
const V1 = spec.V1;
const V1_DESC = spec.V1_DESC;
const V1_SLOTS = spec.V1_SLOTS;
const FakeP = spec.FakeP;

/** A problem with the input: Go's message and the byte offset of the event concerned. */
export class V1Problem extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'V1Problem';
  }
}

/** A frame of the PC table (ids into the string table). */
export interface V1Frame {
  fn: U64;
  file: U64;
  line: U64;
}

/**
 * The parsed trace. Events are stored column-wise in load order; `order` lists them in
 * Go's final order. Times are ns since the first event (after parse()).
 * U64 values are float64 codes as in model.ts (>= 0 value, -1 = 2^64-1, <= -2 = bigs).
 */
export interface V1Trace {
  version: GoTraceV1Version;
  count: number;
  order: Uint32Array;
  type: Uint8Array;
  ts: Float64Array;
  /** Goroutine of the event (U64 code). */
  g: Float64Array;
  /** P of the event (Go's int32, -1 = none; may be a fake P). */
  p: Int32Array;
  stk: Uint32Array;
  argOff: Uint32Array;
  /** U64 codes; V1_SLOTS[type] per event. */
  args: Float64Array;
  /** File offset of each event (for messages). */
  off: Uint32Array | Float64Array;
  bigs: bigint[];
  stacks: Map<number, U64[]>;
  pcs: Map<U64, V1Frame>;
  strings: Map<U64, string>;
  /** UserLog values (stored inline in the events), deduplicated; slot 3 of UserLog indexes this. */
  inlineStrings: string[];
  ticksPerSec: U64;
  /** A tick value did not fit 53 bits relative to the first batch (corrupt or exotic clock). */
  ticksInexact: boolean;
}

export interface V1ParseOptions {
  onProgress?: ProgressFn;
}

const MALFORMED = 'malformatted base-128 varint';
const MAX_INT32 = 0x7fffffff;
const TWO32 = 4294967296;

// Goroutine states of the merge (order.go) and of postProcessTrace.
const G_DEAD = 0;
const G_RUNNABLE = 1;
const G_RUNNING = 2;
const G_WAITING = 3;

// Sentinels of the merge (Go: ^uint64(0) and ^uint64(0)-1).
const UNORDERED: U64 = U64_MAX;
const GARBAGE: U64 = U64_MAX - 1n;
const NOSEQ: U64 = U64_MAX;
const SEQINC: U64 = U64_MAX - 1n;

function u64Inc(v: U64): U64 {
  if (typeof v === 'number') return v < Number.MAX_SAFE_INTEGER ? v + 1 : BigInt(v) + 1n;
  return v === U64_MAX ? 0 : u64FromBig(v + 1n);
}

function uint32Of(v: U64): number {
  return typeof v === 'number' ? v >>> 0 : Number(BigInt.asUintN(32, v));
}

function int32Of(v: U64): number {
  return typeof v === 'number' ? v | 0 : Number(BigInt.asIntN(32, v));
}

const utf8 = new TextDecoder('utf-8');

interface Proc {
  pid: number;
  /** Current batch: store indices [cur, end). */
  cur: number;
  end: number;
  done: boolean;
}

interface GState {
  seq: U64;
  status: number;
}

interface GDesc {
  state: number;
  ev: number;
  evStart: number;
  evCreate: number;
  evMarkAssist: number;
}

interface PDesc {
  running: boolean;
  g: U64;
  evSweep: number;
}

class Parser {
  private off = 0;
  /** Offset of the raw event being read (for messages). */
  private evStart = 0;
  // Raw event being read.
  private argv: U64[] = [];
  private argc = 0;
  private sarg = '';
  private batchPid = 0;

  readonly strings = new Map<U64, string>();
  private readonly inlineStrings: string[] = [];
  private readonly inlineIndex = new Map<string, number>();
  private readonly batchOffsets = new Map<number, { list: number[]; head: number }>();
  readonly stacks = new Map<number, U64[]>();
  readonly pcs = new Map<U64, V1Frame>();
  private ticksPerSec: U64 = 0;
  private readonly timerGoids = new Set<U64>();

  // Ticks are kept relative to the first batch's time so they stay exact as doubles.
  private baseSet = false;
  private baseNum = 0;
  private baseBig = 0n;
  private inexact = false;

  // State of parseEvent.
  private lastTs = 0;
  private lastG: U64 = 0;
  private readonly lastGs = new Map<number, U64>();
  private lastP = 0;

  // Event store.
  private count = 0;
  private type!: Uint8Array;
  private ts!: Float64Array;
  private g!: Float64Array;
  private p!: Int32Array;
  private stk!: Uint32Array;
  private argOff!: Uint32Array;
  private args!: Float64Array;
  private evOff!: Uint32Array | Float64Array;
  private argTop = 0;
  readonly bigs: bigint[] = [];
  private cpuSamples: { ts: number; p: number; pRaw: U64; g: U64; stk: number; off: number }[] = [];
  private capacity = 0;
  private slotCapacity = 0;

  private progressAt = 0;

  constructor(
    private readonly data: Uint8Array,
    private readonly start: number,
    private readonly ver: GoTraceV1Version,
    private readonly onProgress: ProgressFn | undefined,
  ) {}

  private fail(message: string, offset = this.evStart): never {
    throw new V1Problem(message, offset);
  }

  private progress(done: number): void {
    if (this.onProgress === undefined) return;
    if (done < this.progressAt) return;
    this.progressAt = done + (1 << 20);
    this.onProgress(Math.min(done, this.data.length), this.data.length);
  }

  // --- encoding helpers -------------------------------------------------------------

  private enc(v: U64): number {
    if (typeof v === 'number') return v;
    if (v === U64_MAX) return -1;
    this.bigs.push(v);
    return -1 - this.bigs.length;
  }

  private dec(code: number): U64 {
    if (code >= 0) return code;
    if (code === -1) return U64_MAX;
    return this.bigs[-2 - code];
  }

  /**
   * Go's Timestamp(v) (int64) relative to the base. `isEventTime` = false for batch
   * header times: only event times that lose precision mark the trace inexact.
   */
  private rel(v: U64, isEventTime = true): number {
    if (typeof v === 'number' && this.baseBig === 0n) {
      const r = v - this.baseNum;
      if (isEventTime && !Number.isSafeInteger(r)) this.inexact = true;
      return r;
    }
    const r = Number(BigInt.asIntN(64, BigInt(v)) - this.baseBig - BigInt(this.baseNum));
    if (isEventTime && !Number.isSafeInteger(r)) this.inexact = true;
    return r;
  }

  private setBase(v: U64): void {
    this.baseSet = true;
    if (typeof v === 'number') this.baseNum = v;
    else this.baseBig = BigInt.asIntN(64, v);
  }

  /** Go's lastTs + Timestamp(dt) with int64 wrap-around, relative. */
  private addTs(last: number, dt: U64): number {
    if (typeof dt === 'number') {
      const r = last + dt;
      if (Number.isSafeInteger(r)) return r;
    }
    const base = this.baseBig + BigInt(this.baseNum);
    const abs = BigInt.asIntN(64, BigInt(last) + base + BigInt.asIntN(64, BigInt(dt)));
    const r = Number(abs - base);
    if (!Number.isSafeInteger(r)) this.inexact = true;
    return r;
  }

  /** Relative tick value of absolute time 0 (Go treats a 0 syscall-block time as unset). */
  private zeroRel(): number {
    return this.baseBig === 0n ? -this.baseNum : Number(-this.baseBig);
  }

  // --- raw reading ------------------------------------------------------------------

  /** One uvarint from data[off..end) (Go's binary.Uvarint); throws Go's error otherwise. */
  /** `argOf` >= 0: reading an argument of that event type (Go then names the type). */
  private readVal(end: number, argOf = -1): U64 {
    const data = this.data;
    let off = this.off;
    let num = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (off >= end) this.malformed(off, end, argOf);
      const b = data[off++];
      num += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.off = off;
        return num;
      }
      mul *= 128;
    }
    let big = BigInt(num);
    for (let i = 7; i < 10; i++) {
      if (off >= end) break;
      const b = data[off++];
      if (i === 9 && b > 1) break;
      big |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) {
        this.off = off;
        return u64FromBig(big);
      }
    }
    this.malformed(off, end, argOf);
  }

  /** Go's varint error; says so when the file simply ends inside the value. */
  private malformed(off: number, end: number, argOf: number): never {
    const m = argOf < 0 ? MALFORMED : `failed to read event ${argOf} argument: ${MALFORMED}`;
    this.fail(off >= end && end === this.data.length ? `${m} (the file ends inside this event: trace likely truncated)` : m);
  }

  private discard(n: U64): boolean {
    if (typeof n !== 'number') return false;
    const noff = this.off + n;
    if (noff > this.data.length) return false;
    this.off = noff;
    return true;
  }

  /** Go's readFull: fails at end of data even for n = 0. */
  private readFull(n: number): number {
    if (this.off >= this.data.length || this.off + n > this.data.length) this.fail('failed to read trace: unexpected EOF');
    const at = this.off;
    this.off += n;
    return at;
  }

  /**
   * Reads one raw event; returns its type, V1.None for a string entry, or -1 at the end.
   * Arguments land in argv[0..argc) (not with `skip`, except for Batch and CPUSample).
   */
  private readRawEvent(skip: boolean): number {
    const data = this.data;
    if (this.off >= data.length) return -1;
    this.evStart = this.off;
    const b = data[this.off++];
    const typ = b & 0x3f;
    const narg = (b >> 6) + 1;
    if (typ === V1.None || typ >= V1.Count || V1_DESC[typ].minVersion > this.ver) this.fail(`unknown event type ${typ}`);
    const end = data.length;
    if (typ === V1.String) {
      if (skip) {
        this.readVal(end);
        const ln = this.readVal(end);
        if (!this.discard(ln)) this.fail('failed to read trace: EOF');
      } else {
        const id = this.readVal(end);
        if (id === 0) this.fail('string has invalid id 0');
        if (this.strings.has(id)) this.fail(`string has duplicate id ${id}`);
        const ln = this.readVal(end);
        if (ln === 0) this.fail('string has invalid length 0');
        if (ln > 1e6) this.fail(`string has too large length ${ln}`);
        const at = this.readFull(Number(ln));
        this.strings.set(id, utf8.decode(data.subarray(at, at + Number(ln))));
      }
      return V1.None;
    }
    if (typ === V1.Batch) {
      if (narg !== 2) this.fail(`EvBatch has wrong number of arguments: got ${narg}, want 2`);
      const pid = this.readVal(end);
      if (pid !== U64_MAX && pid > MAX_INT32) this.fail(`processor ID ${pid} is larger than maximum of ${U64_MAX}`);
      this.batchPid = pid === U64_MAX ? -1 : Number(pid);
      const ticks = this.readVal(end);
      this.argv[0] = pid;
      this.argv[1] = ticks;
      this.argc = 2;
      return V1.Batch;
    }
    this.argc = 0;
    const argv = this.argv;
    if (narg <= 3) {
      if (!skip) {
        for (let i = 0; i < narg; i++) argv[this.argc++] = this.readVal(end, typ);
      } else {
        for (let i = 0; i < narg; i++) this.readVal(end, typ);
      }
      return typ;
    }
    // Length-prefixed arguments.
    const v = this.readVal(end, typ);
    if (v > 2048) this.fail(`failed to read event ${typ} argument: length-prefixed argument too big: ${v} bytes, limit is 2048`);
    const n = Number(v);
    if (!skip || typ === V1.CPUSample) {
      const at = this.readFull(n);
      const stop = at + n;
      this.off = at;
      while (this.off < stop) argv[this.argc++] = this.readVal(stop);
    } else if (!this.discard(n)) {
      this.fail('failed to read trace: EOF');
    }
    if (typ === V1.UserLog) {
      if (!skip) {
        const sz = this.readVal(end);
        if (sz === 0) {
          this.sarg = '';
        } else {
          if (sz > 1e6) this.fail(`string is too large (len=${sz})`);
          const at = this.readFull(Number(sz));
          this.sarg = utf8.decode(data.subarray(at, at + Number(sz)));
        }
      } else {
        const sz = this.readVal(end);
        // Go returns a bare io.EOF here, which its callers take for the end of the file:
        // the first pass stops and the batch fails when it is read in full.
        if (!this.discard(sz)) return -1;
      }
    }
    return typ;
  }

  /** Go's rawEvent.argNum: arguments an event must have (timestamp and stack included). */
  private argNum(typ: number): number {
    if (typ === V1.Stack) return this.argc;
    const desc = V1_DESC[typ];
    let n = desc.args.length;
    if (desc.stack) n++;
    if (typ === V1.Batch || typ === V1.Frequency || typ === V1.TimerGoroutine) return n;
    return n + 1;
  }

  // --- pass 1: batches and CPU samples --------------------------------------------

  collect(): void {
    this.off = this.start;
    let curP = 0;
    for (;;) {
      const typ = this.readRawEvent(true);
      if (typ < 0) break;
      if (typ === V1.None) continue;
      if (typ === V1.Batch) {
        let q = this.batchOffsets.get(this.batchPid);
        if (q === undefined) this.batchOffsets.set(this.batchPid, (q = { list: [], head: 0 }));
        q.list.push(this.evStart);
        curP = this.batchPid;
        if (!this.baseSet) this.setBase(this.argv[1]);
      }
      const q = this.batchOffsets.get(curP);
      if (q === undefined || q.list.length === 0) this.fail(`read event ${typ} with current P of ${curP}, but P has no batches yet`);
      this.capacity++;
      this.slotCapacity += V1_SLOTS[typ];
      if (typ === V1.CPUSample) {
        const narg = this.argNum(typ);
        if (this.argc !== narg) this.fail(`CPU sample has wrong number of arguments: want ${narg}, got ${this.argc}`);
        const a = this.argv;
        this.cpuSamples.push({ ts: this.rel(a[1]), p: int32Of(a[2]), pRaw: a[2], g: a[3], stk: uint32Of(a[4]), off: this.evStart });
      }
      this.progress(this.off >> 1);
    }
  }

  private allocate(): void {
    const n = this.capacity;
    this.type = new Uint8Array(n);
    this.ts = new Float64Array(n);
    this.g = new Float64Array(n);
    this.p = new Int32Array(n);
    this.stk = new Uint32Array(n);
    this.argOff = new Uint32Array(n);
    this.args = new Float64Array(this.slotCapacity);
    this.evOff = this.data.length < TWO32 ? new Uint32Array(n) : new Float64Array(n);
  }

  /**
   * More room in the store. Pass 1 counts exactly what pass 2 stores, so this only runs if
   * the two passes ever disagree; it keeps the parser safe rather than fast then.
   */
  private grow(): void {
    const n = Math.ceil(this.type.length * 1.5) + 16;
    const cp = <T extends Uint8Array | Float64Array | Uint32Array | Int32Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.type = cp(this.type, new Uint8Array(n));
    this.ts = cp(this.ts, new Float64Array(n));
    this.g = cp(this.g, new Float64Array(n));
    this.p = cp(this.p, new Int32Array(n));
    this.stk = cp(this.stk, new Uint32Array(n));
    this.argOff = cp(this.argOff, new Uint32Array(n));
    this.evOff = this.evOff instanceof Uint32Array ? cp(this.evOff, new Uint32Array(n)) : cp(this.evOff, new Float64Array(n));
    this.args = cp(this.args, new Float64Array(Math.ceil(this.args.length * 1.5) + 64));
    this.capacity = n;
  }

  // --- pass 2: merge ----------------------------------------------------------------

  /** Parses a batch-level event (Go's parseEvent); appends real events to the store. */
  private parseEvent(typ: number): void {
    const desc = V1_DESC[typ];
    const narg = this.argNum(typ);
    const argv = this.argv;
    if (this.argc !== narg) this.fail(`${desc.name} has wrong number of arguments: want ${narg}, got ${this.argc}`);
    switch (typ) {
      case V1.Batch: {
        this.lastGs.set(this.lastP, this.lastG);
        this.lastP = this.batchPid;
        this.lastG = this.lastGs.get(this.lastP) ?? 0;
        this.lastTs = this.rel(argv[1], false);
        return;
      }
      case V1.Frequency: {
        const f = argv[0];
        this.ticksPerSec = f;
        if (f === 0 || (typeof f === 'bigint' && f >= 1n << 63n)) this.fail('time stamps out of order (frequency is not positive)');
        return;
      }
      case V1.TimerGoroutine:
        this.timerGoids.add(argv[0]);
        return;
      case V1.Stack: {
        if (this.argc < 2) this.fail(`EvStack has wrong number of arguments: want at least 2, got ${this.argc}`);
        const size = argv[1];
        if (size > 1000) this.fail(`EvStack has bad number of frames: ${size}`);
        const want = 2 + 4 * Number(size);
        if (this.argc !== want) this.fail(`EvStack has wrong number of arguments: want ${want}, got ${this.argc}`);
        const id = uint32Of(argv[0]);
        const n = Number(size);
        if (id !== 0 && n > 0) {
          const pcs: U64[] = new Array<U64>(n);
          for (let i = 0; i < n; i++) {
            const pc = argv[2 + i * 4];
            pcs[i] = pc;
            if (!this.pcs.has(pc)) this.pcs.set(pc, { fn: argv[3 + i * 4], file: argv[4 + i * 4], line: argv[5 + i * 4] });
          }
          this.stacks.set(id, pcs);
        }
        return;
      }
      case V1.CPUSample:
        return; // read in pass 1
      default:
        break;
    }
    const slots = V1_SLOTS[typ];
    if (this.count === this.type.length || this.argTop + slots > this.args.length) this.grow();
    const i = this.count++;
    this.type[i] = typ;
    this.p[i] = this.lastP;
    this.evOff[i] = this.evStart;
    const ts = this.addTs(this.lastTs, argv[0]);
    this.ts[i] = ts;
    this.lastTs = ts;
    const base = this.argTop;
    this.argOff[i] = base;
    this.argTop += slots;
    const args = this.args;
    for (let k = 0; k < slots; k++) args[base + k] = 0;
    let stk = 0;
    for (let k = 1; k < narg; k++) {
      if (k === narg - 1 && desc.stack) stk = uint32Of(argv[k]);
      else args[base + k - 1] = this.enc(argv[k]);
    }
    this.stk[i] = stk;
    let g = this.lastG;
    switch (typ) {
      case V1.GoStart:
      case V1.GoStartLocal:
      case V1.GoStartLabel:
        this.lastG = argv[1];
        g = this.lastG;
        break;
      case V1.GoEnd:
      case V1.GoStop:
      case V1.GoSched:
      case V1.GoPreempt:
      case V1.GoSleep:
      case V1.GoBlock:
      case V1.GoBlockSend:
      case V1.GoBlockRecv:
      case V1.GoBlockSelect:
      case V1.GoBlockSync:
      case V1.GoBlockCond:
      case V1.GoBlockNet:
      case V1.GoSysBlock:
      case V1.GoBlockGC:
        this.lastG = 0;
        break;
      case V1.GoSysExit:
      case V1.GoWaiting:
      case V1.GoInSyscall:
        g = argv[1];
        break;
      case V1.UserLog: {
        let id = this.inlineIndex.get(this.sarg);
        if (id === undefined) {
          id = this.inlineStrings.length;
          this.inlineIndex.set(this.sarg, id);
          this.inlineStrings.push(this.sarg);
        }
        args[base + 3] = id;
        break;
      }
      default:
        break;
    }
    this.g[i] = this.enc(g);
  }

  /** Loads the next batch of `pid` into the store; false when the P has no more batches. */
  private loadBatch(proc: Proc): boolean {
    const q = this.batchOffsets.get(proc.pid);
    if (q === undefined || q.head >= q.list.length) return false;
    this.off = q.list[q.head++];
    const first = this.count;
    let gotHeader = false;
    for (;;) {
      const typ = this.readRawEvent(false);
      if (typ < 0) break;
      if (typ === V1.None || typ === V1.CPUSample) continue;
      if (typ === V1.Batch) {
        if (gotHeader) break;
        gotHeader = true;
      }
      this.parseEvent(typ);
    }
    proc.cur = first;
    proc.end = this.count;
    return true;
  }

  // Result of transitionOf() (module-free scratch, no allocation per event).
  private tG: U64 = 0;
  private tInitSeq: U64 = 0;
  private tInitStatus = 0;
  private tNextSeq: U64 = 0;
  private tNextStatus = 0;

  /** Go's stateTransition: the goroutine an event orders on, its required and next state. */
  private transitionOf(i: number): void {
    const a = this.argOff[i];
    switch (this.type[i]) {
      case V1.GoCreate:
        this.tG = this.dec(this.args[a]);
        this.tInitSeq = 0;
        this.tInitStatus = G_DEAD;
        this.tNextSeq = 1;
        this.tNextStatus = G_RUNNABLE;
        return;
      case V1.GoWaiting:
      case V1.GoInSyscall:
        this.tG = this.dec(this.g[i]);
        this.tInitSeq = 1;
        this.tInitStatus = G_RUNNABLE;
        this.tNextSeq = 2;
        this.tNextStatus = G_WAITING;
        return;
      case V1.GoStart:
      case V1.GoStartLabel: {
        const seq = this.dec(this.args[a + 1]);
        this.tG = this.dec(this.g[i]);
        this.tInitSeq = seq;
        this.tInitStatus = G_RUNNABLE;
        this.tNextSeq = u64Inc(seq);
        this.tNextStatus = G_RUNNING;
        return;
      }
      case V1.GoStartLocal:
        this.tG = this.dec(this.g[i]);
        this.tInitSeq = NOSEQ;
        this.tInitStatus = G_RUNNABLE;
        this.tNextSeq = SEQINC;
        this.tNextStatus = G_RUNNING;
        return;
      case V1.GoBlock:
      case V1.GoBlockSend:
      case V1.GoBlockRecv:
      case V1.GoBlockSelect:
      case V1.GoBlockSync:
      case V1.GoBlockCond:
      case V1.GoBlockNet:
      case V1.GoSleep:
      case V1.GoSysBlock:
      case V1.GoBlockGC:
        this.tG = this.dec(this.g[i]);
        this.tInitSeq = NOSEQ;
        this.tInitStatus = G_RUNNING;
        this.tNextSeq = NOSEQ;
        this.tNextStatus = G_WAITING;
        return;
      case V1.GoSched:
      case V1.GoPreempt:
        this.tG = this.dec(this.g[i]);
        this.tInitSeq = NOSEQ;
        this.tInitStatus = G_RUNNING;
        this.tNextSeq = NOSEQ;
        this.tNextStatus = G_RUNNABLE;
        return;
      case V1.GoUnblock:
      case V1.GoSysExit: {
        const seq = this.dec(this.args[a + 1]);
        this.tG = this.dec(this.args[a]);
        this.tInitSeq = seq;
        this.tInitStatus = G_WAITING;
        this.tNextSeq = u64Inc(seq);
        this.tNextStatus = G_RUNNABLE;
        return;
      }
      case V1.GoUnblockLocal:
      case V1.GoSysExitLocal:
        this.tG = this.dec(this.args[a]);
        this.tInitSeq = NOSEQ;
        this.tInitStatus = G_WAITING;
        this.tNextSeq = SEQINC;
        this.tNextStatus = G_RUNNABLE;
        return;
      case V1.GCStart: {
        const seq = this.dec(this.args[a]);
        this.tG = GARBAGE;
        this.tInitSeq = seq;
        this.tInitStatus = G_DEAD;
        this.tNextSeq = u64Inc(seq);
        this.tNextStatus = G_DEAD;
        return;
      }
      default:
        this.tG = UNORDERED;
        return;
    }
  }

  private ready(gs: Map<U64, GState>): boolean {
    if (this.tG === UNORDERED) return true;
    const cur = gs.get(this.tG);
    const seq = cur?.seq ?? 0;
    const status = cur?.status ?? G_DEAD;
    return (this.tInitSeq === NOSEQ || this.tInitSeq === seq) && this.tInitStatus === status;
  }

  /** Merges the per-P batches into Go's order; returns store indices. */
  merge(): Uint32Array {
    // CPU samples go first in the store, sorted by the time the signal handler took.
    this.allocate();
    const samples = this.cpuSamples;
    samples.sort((x, y) => x.ts - y.ts);
    for (const s of samples) {
      const i = this.count++;
      this.type[i] = V1.CPUSample;
      this.ts[i] = s.ts;
      this.p[i] = s.p;
      this.g[i] = this.enc(s.g);
      this.stk[i] = s.stk;
      this.evOff[i] = s.off;
      const base = this.argTop;
      this.argOff[i] = base;
      this.argTop += V1_SLOTS[V1.CPUSample];
      this.args[base] = 0;
      this.args[base + 1] = this.enc(s.pRaw);
      this.args[base + 2] = this.enc(s.g);
    }
    this.cpuSamples = [];

    const pids = [...this.batchOffsets.keys()].sort((a, b) => a - b);
    const procs: Proc[] = pids.map((pid) => ({ pid, cur: 0, end: 0, done: false }));
    procs.push({ pid: FakeP.ProfileP, cur: 0, end: this.count, done: false });
    const avail: number[] = procs.map((_, i) => i);
    const gs = new Map<U64, GState>();
    let merged = new Uint32Array(this.capacity);
    let mcount = 0;
    // Frontier: a binary min-heap on tick time, operated exactly like Go's orderEventList.
    const hEv: number[] = [];
    const hProc: number[] = [];
    const less = (i: number, j: number): boolean => this.ts[hEv[i]] < this.ts[hEv[j]];
    const swap = (i: number, j: number): void => {
      const e = hEv[i];
      hEv[i] = hEv[j];
      hEv[j] = e;
      const p = hProc[i];
      hProc[i] = hProc[j];
      hProc[j] = p;
    };
    const push = (ev: number, proc: number): void => {
      hEv.push(ev);
      hProc.push(proc);
      let j = hEv.length - 1;
      while (j > 0) {
        const i = (j - 1) >> 1;
        if (!less(j, i)) break;
        swap(i, j);
        j = i;
      }
    };
    const down = (i0: number, n: number): void => {
      let i = i0;
      for (;;) {
        const j1 = 2 * i + 1;
        if (j1 >= n) break;
        let j = j1;
        const j2 = j1 + 1;
        if (j2 < n && less(j2, j1)) j = j2;
        if (!less(j, i)) break;
        swap(i, j);
        i = j;
      }
    };
    const total = this.capacity;
    for (;;) {
      for (let i = 0; i < avail.length; i++) {
        const proc = procs[avail[i]];
        let exhausted = false;
        while (proc.cur === proc.end) {
          if (!this.loadBatch(proc)) {
            proc.done = true;
            avail[i] = avail[avail.length - 1];
            avail.pop();
            i--;
            exhausted = true;
            break;
          }
        }
        if (exhausted) continue;
        const ev = proc.cur;
        this.transitionOf(ev);
        if (!this.ready(gs)) continue;
        proc.cur++;
        const pi = avail[i];
        avail[i] = avail[avail.length - 1];
        avail.pop();
        push(ev, pi);
        i--;
      }
      if (hEv.length === 0) {
        for (const pr of procs) {
          if (!pr.done) this.fail('no consistent ordering of events possible', pr.cur < pr.end ? this.evOff[pr.cur] : this.data.length);
        }
        break;
      }
      const n = hEv.length - 1;
      swap(0, n);
      down(0, n);
      const ev = hEv.pop()!;
      const pi = hProc.pop()!;
      this.transitionOf(ev);
      switch (this.type[ev]) {
        case V1.GoStartLocal:
          this.type[ev] = V1.GoStart;
          break;
        case V1.GoUnblockLocal:
          this.type[ev] = V1.GoUnblock;
          break;
        case V1.GoSysExitLocal:
          this.type[ev] = V1.GoSysExit;
          break;
        default:
          break;
      }
      if (mcount === merged.length) {
        const m = new Uint32Array(this.capacity);
        m.set(merged);
        merged = m;
      }
      merged[mcount++] = ev;
      if (this.tG !== UNORDERED) {
        if (!this.ready(gs)) this.fail('encountered impossible goroutine state transition', this.evOff[ev]);
        const cur = gs.get(this.tG);
        const curSeq = cur?.seq ?? 0;
        let seq = this.tNextSeq;
        if (seq === NOSEQ) seq = curSeq;
        else if (seq === SEQINC) seq = u64Inc(curSeq);
        if (cur !== undefined) {
          cur.seq = seq;
          cur.status = this.tNextStatus;
        } else {
          gs.set(this.tG, { seq, status: this.tNextStatus });
        }
      }
      avail.push(pi);
      if ((mcount & 0xffff) === 0) this.progress((this.data.length >> 1) + Math.floor((this.data.length / 2) * (mcount / total) * 0.8));
    }
    return merged.subarray(0, mcount);
  }

  // --- pass 3: time -----------------------------------------------------------------

  /** Time sort check, GoSysExit real times, stable re-sort; returns the final order. */
  fixTimes(merged: Uint32Array): Uint32Array {
    const ts = this.ts;
    const n = merged.length;
    // Go's sort.IsSorted walks from the end.
    for (let k = n - 1; k > 0; k--) {
      if (ts[merged[k]] < ts[merged[k - 1]]) this.fail('time stamps out of order', this.evOff[merged[k]]);
    }
    const lastSysBlock = new Map<U64, number>();
    const zero = this.zeroRel();
    for (let k = 0; k < n; k++) {
      const i = merged[k];
      const t = this.type[i];
      if (t === V1.GoSysBlock || t === V1.GoInSyscall) {
        lastSysBlock.set(this.dec(this.g[i]), ts[i]);
      } else if (t === V1.GoSysExit) {
        const raw = this.dec(this.args[this.argOff[i] + 2]);
        if (raw === 0) continue;
        const real = this.rel(raw);
        const block = lastSysBlock.get(this.dec(this.g[i]));
        if (block === undefined || block === zero) this.fail('stray syscall exit', this.evOff[i]);
        if (real < block) this.fail('time stamps out of order (syscall exit before its block)', this.evOff[i]);
        ts[i] = real;
      }
    }
    return stableSortByTime(merged, ts);
  }

  /** Ticks -> ns since the first event; timer unblocks and syscall exits to fake Ps. */
  toNanoseconds(order: Uint32Array): void {
    if (order.length === 0) return;
    const ts = this.ts;
    const minTs = ts[order[0]];
    const freq = 1e9 / Number(this.ticksPerSec);
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      ts[i] = Math.trunc((ts[i] - minTs) * freq);
      const t = this.type[i];
      if (t === V1.GoUnblock && this.timerGoids.size > 0 && this.timerGoids.has(this.dec(this.g[i]))) this.p[i] = FakeP.TimerP;
      if (t === V1.GoSysExit) this.p[i] = FakeP.SyscallP;
    }
  }

  // --- pass 4: validation (Go's postProcessTrace) -----------------------------------

  /** Go's Event.String() (used in some of its messages). */
  private eventString(i: number): string {
    const desc = V1_DESC[this.type[i]];
    let s = `${this.ts[i]} ${desc.name} p=${this.p[i]} g=${this.dec(this.g[i])} stk=${this.stk[i]}`;
    const a = this.argOff[i];
    desc.args.forEach((name, k) => (s += ` ${name}=${k < V1_SLOTS[this.type[i]] ? this.dec(this.args[a + k]) : 0}`));
    return s;
  }

  postProcess(order: Uint32Array): void {
    const gs = new Map<U64, GDesc>();
    const ps = new Map<number, PDesc>();
    const tasks = new Map<U64, number>();
    const activeRegions = new Map<U64, number[]>();
    gs.set(0, { state: G_RUNNING, ev: -1, evStart: -1, evCreate: -1, evMarkAssist: -1 });
    let evGC = -1;
    let evSTW = -1;
    const newG = (): GDesc => ({ state: G_DEAD, ev: -1, evStart: -1, evCreate: -1, evMarkAssist: -1 });
    const getG = (id: U64): GDesc => gs.get(id) ?? newG();
    const getP = (id: number): PDesc => ps.get(id) ?? { running: false, g: 0, evSweep: -1 };
    const args = this.args;
    // Per-event values the helpers below read (no closures created per event).
    let at = 0;
    let typ = 0;
    let t = 0;
    let evP = 0;
    let evG: U64 = 0;
    const fail = (m: string): never => this.fail(m, at);
    const checkRunning = (p: PDesc, g: GDesc, allowG0: boolean): void => {
      if (g.state === G_RUNNING && p.g === evG && (allowG0 || evG !== 0)) return;
      const name = V1_DESC[typ].name;
      if (g.state !== G_RUNNING) fail(`g ${evG} is not running while ${name} (time ${t})`);
      if (p.g !== evG) fail(`p ${evP} is not running g ${evG} while ${name} (time ${t})`);
      fail(`g 0 did ${name} (time ${t})`);
    };
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      typ = this.type[i];
      t = this.ts[i];
      evP = this.p[i];
      evG = this.dec(this.g[i]);
      const a = this.argOff[i];
      at = this.evOff[i];
      switch (typ) {
        case V1.ProcStart: {
          const p = getP(evP);
          if (p.running) fail(`p ${evP} is running before start (time ${t})`);
          p.running = true;
          ps.set(evP, p);
          break;
        }
        case V1.ProcStop: {
          const p = getP(evP);
          if (!p.running) fail(`p ${evP} is not running before stop (time ${t})`);
          if (p.g !== 0) fail(`p ${evP} is running a goroutine ${p.g} during stop (time ${t})`);
          p.running = false;
          ps.set(evP, p);
          break;
        }
        case V1.GCStart:
          if (evGC >= 0) fail(`previous GC is not ended before a new one (time ${t})`);
          evGC = i;
          this.p[i] = FakeP.GCP;
          break;
        case V1.GCDone:
          if (evGC < 0) fail(`bogus GC end (time ${t})`);
          evGC = -1;
          break;
        case V1.STWStart:
          if (evSTW >= 0) fail(`previous STW is not ended before a new one (time ${t})`);
          evSTW = i;
          break;
        case V1.STWDone:
          if (evSTW < 0) fail(`bogus STW end (time ${t})`);
          evSTW = -1;
          break;
        case V1.GCSweepStart: {
          const p = getP(evP);
          if (p.evSweep >= 0) fail(`previous sweeping is not ended before a new one (time ${t})`);
          p.evSweep = i;
          ps.set(evP, p);
          break;
        }
        case V1.GCMarkAssistStart: {
          const g = getG(evG);
          if (g.evMarkAssist >= 0) fail(`previous mark assist is not ended before a new one (time ${t})`);
          g.evMarkAssist = i;
          gs.set(evG, g);
          break;
        }
        case V1.GCMarkAssistDone: {
          // Assists can be in progress when tracing starts: no error for a stray end.
          const g = getG(evG);
          g.evMarkAssist = -1;
          gs.set(evG, g);
          break;
        }
        case V1.GCSweepDone: {
          const p = getP(evP);
          if (p.evSweep < 0) fail(`bogus sweeping end (time ${t})`);
          p.evSweep = -1;
          ps.set(evP, p);
          break;
        }
        case V1.GoWaiting:
        case V1.GoInSyscall: {
          const g = getG(evG);
          if (g.state !== G_RUNNABLE) fail(`g ${evG} is not runnable before ${typ === V1.GoWaiting ? 'EvGoWaiting' : 'EvGoInSyscall'} (time ${t})`);
          g.state = G_WAITING;
          g.ev = i;
          gs.set(evG, g);
          break;
        }
        case V1.GoCreate: {
          checkRunning(getP(evP), getG(evG), true);
          const id = this.dec(args[a]);
          if (gs.has(id)) fail(`g ${id} already exists (time ${t})`);
          gs.set(id, { state: G_RUNNABLE, ev: i, evStart: -1, evCreate: i, evMarkAssist: -1 });
          break;
        }
        case V1.GoStart:
        case V1.GoStartLabel: {
          const g = getG(evG);
          const p = getP(evP);
          if (g.state !== G_RUNNABLE) fail(`g ${evG} is not runnable before start (time ${t})`);
          if (p.g !== 0) fail(`p ${evP} is already running g ${p.g} while start g ${evG} (time ${t})`);
          g.state = G_RUNNING;
          g.evStart = i;
          p.g = evG;
          if (g.evCreate >= 0) {
            this.stk[i] = uint32Of(this.dec(args[this.argOff[g.evCreate] + 1]));
            g.evCreate = -1;
          }
          g.ev = -1;
          gs.set(evG, g);
          ps.set(evP, p);
          break;
        }
        case V1.GoEnd:
        case V1.GoStop: {
          const g = getG(evG);
          const p = getP(evP);
          checkRunning(p, g, false);
          g.evStart = -1;
          g.state = G_DEAD;
          p.g = 0;
          if (typ === V1.GoEnd) activeRegions.delete(evG);
          gs.set(evG, g);
          ps.set(evP, p);
          break;
        }
        case V1.GoSched:
        case V1.GoPreempt: {
          const g = getG(evG);
          const p = getP(evP);
          checkRunning(p, g, false);
          g.state = G_RUNNABLE;
          g.evStart = -1;
          p.g = 0;
          g.ev = i;
          gs.set(evG, g);
          ps.set(evP, p);
          break;
        }
        case V1.GoUnblock: {
          const g = getG(evG);
          const p = getP(evP);
          if (g.state !== G_RUNNING) fail(`g ${evG} is not running while unpark (time ${t})`);
          if (evP !== FakeP.TimerP && p.g !== evG) fail(`p ${evP} is not running g ${evG} while unpark (time ${t})`);
          const id = this.dec(args[a]);
          const g1 = getG(id);
          if (g1.state !== G_WAITING) fail(`g ${id} is not waiting before unpark (time ${t})`);
          if (g1.ev >= 0 && this.type[g1.ev] === V1.GoBlockNet) this.p[i] = FakeP.NetpollP;
          g1.state = G_RUNNABLE;
          g1.ev = i;
          gs.set(id, g1);
          break;
        }
        case V1.GoSysCall: {
          const g = getG(evG);
          checkRunning(getP(evP), g, false);
          g.ev = i;
          gs.set(evG, g);
          break;
        }
        case V1.GoSysBlock: {
          const g = getG(evG);
          const p = getP(evP);
          checkRunning(p, g, false);
          g.state = G_WAITING;
          g.evStart = -1;
          p.g = 0;
          gs.set(evG, g);
          ps.set(evP, p);
          break;
        }
        case V1.GoSysExit: {
          const g = getG(evG);
          if (g.state !== G_WAITING) fail(`g ${evG} is not waiting during syscall exit (time ${t})`);
          g.state = G_RUNNABLE;
          g.ev = i;
          gs.set(evG, g);
          break;
        }
        case V1.GoSleep:
        case V1.GoBlock:
        case V1.GoBlockSend:
        case V1.GoBlockRecv:
        case V1.GoBlockSelect:
        case V1.GoBlockSync:
        case V1.GoBlockCond:
        case V1.GoBlockNet:
        case V1.GoBlockGC: {
          const g = getG(evG);
          const p = getP(evP);
          checkRunning(p, g, false);
          g.state = G_WAITING;
          g.ev = i;
          g.evStart = -1;
          p.g = 0;
          gs.set(evG, g);
          ps.set(evP, p);
          break;
        }
        case V1.UserTaskCreate: {
          const id = this.dec(args[a]);
          const prev = tasks.get(id);
          if (prev !== undefined) fail(`task id conflicts (id:${id}), ${JSON.stringify(this.eventString(i))} vs ${JSON.stringify(this.eventString(prev))}`);
          tasks.set(id, i);
          break;
        }
        case V1.UserTaskEnd:
          tasks.delete(this.dec(args[a]));
          break;
        case V1.UserRegion: {
          const mode = this.dec(args[a + 1]);
          const regions = activeRegions.get(evG);
          if (mode === 0) {
            if (regions === undefined) activeRegions.set(evG, [i]);
            else regions.push(i);
          } else if (mode === 1) {
            if (regions !== undefined && regions.length > 0) {
              const s = regions[regions.length - 1];
              const sa = this.argOff[s];
              if (this.dec(args[sa]) !== this.dec(args[a]) || this.dec(args[sa + 2]) !== this.dec(args[a + 2])) {
                fail(
                  `misuse of region in goroutine ${evG}: span end ${JSON.stringify(this.eventString(i))} when the inner-most active span start event is ${JSON.stringify(this.eventString(s))}`,
                );
              }
              regions.pop();
              if (regions.length === 0) activeRegions.delete(evG);
            }
          } else {
            fail(`invalid user region mode: ${JSON.stringify(this.eventString(i))}`);
          }
          break;
        }
        default:
          break;
      }
      const stk = this.stk[i];
      if (stk !== 0 && (this.stacks.get(stk)?.length ?? 0) === 0) this.stk[i] = 0;
    }
  }

  // --- driver -----------------------------------------------------------------------

  run(): V1Trace {
    this.collect();
    const merged = this.merge();
    const order = this.fixTimes(merged);
    if (this.ticksPerSec === 0) this.fail('no EvFrequency event (the trace ends before its footer; likely truncated)', this.data.length);
    this.toNanoseconds(order);
    this.postProcess(order);
    this.onProgress?.(this.data.length, this.data.length);
    return {
      version: this.ver,
      count: order.length,
      order,
      type: this.type,
      ts: this.ts,
      g: this.g,
      p: this.p,
      stk: this.stk,
      argOff: this.argOff,
      args: this.args,
      off: this.evOff,
      bigs: this.bigs,
      stacks: this.stacks,
      pcs: this.pcs,
      strings: this.strings,
      inlineStrings: this.inlineStrings,
      ticksPerSec: this.ticksPerSec,
      ticksInexact: this.inexact,
    };
  }
}

/** Stable merge sort of indices by ts (Go's sort.Stable result); fast on nearly sorted input. */
function stableSortByTime(idx: Uint32Array, ts: Float64Array): Uint32Array {
  const n = idx.length;
  let sorted = true;
  for (let k = 1; k < n; k++) {
    if (ts[idx[k]] < ts[idx[k - 1]]) {
      sorted = false;
      break;
    }
  }
  if (sorted) return idx;
  let src = Uint32Array.from(idx);
  let dst = new Uint32Array(n);
  // Bottom-up: insertion-sorted runs of 32, then merges.
  const RUN = 32;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(n, lo + RUN);
    for (let k = lo + 1; k < hi; k++) {
      const v = src[k];
      const t = ts[v];
      let j = k - 1;
      while (j >= lo && ts[src[j]] > t) {
        src[j + 1] = src[j];
        j--;
      }
      src[j + 1] = v;
    }
  }
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      if (mid >= hi || ts[src[mid - 1]] <= ts[src[mid]]) {
        dst.set(src.subarray(lo, hi), lo);
        continue;
      }
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) dst[k++] = ts[src[j]] < ts[src[i]] ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    const tmp = src;
    src = dst;
    dst = tmp;
  }
  return src;
}

/**
 * Parses a legacy trace. `start` is the offset after the 16-byte header. Throws V1Problem
 * (Go's message and the byte offset of the offending event) for malformed input.
 */
export function parseV1(data: Uint8Array, start: number, version: GoTraceV1Version, opts: V1ParseOptions = {}): V1Trace {
  return new Parser(data, start, version, opts.onProgress).run();
}
