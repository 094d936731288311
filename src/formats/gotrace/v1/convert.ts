// Conversion of a parsed legacy trace (parser.ts) into the event model of Go 1.22+ traces,
// as Go's internal/trace does it (tracev1.go): the whole trace becomes one Generation whose
// raw events are v2 events, already in Go's order with their scheduling contexts, so that
// orderGenerations() replays them instead of running the v2 ordering state machine (Go
// does not run it on converted traces either).
//
// The mapping, event by event, is Go's:
// - events before the first Gomaxprocs describe the goroutines alive when tracing started:
//   GoStart -> GoStatus(Running), GoWaiting -> GoStatus(Waiting), GoInSyscall ->
//   GoStatus(Syscall); a GoCreate there only remembers the goroutine, and the first
//   Gomaxprocs itself becomes GoStatus(Runnable) for every remembered goroutine not seen
//   since (Go iterates a map here, in random order; we use ascending goroutine id);
// - the first ProcStart/ProcStop of a P is a ProcStatus (Running/Idle); ProcStart's
//   thread becomes the M of the P's later events;
// - block/stop events become GoBlock/GoStop with Go's reason strings; GoSysCall becomes
//   GoSyscallBegin, plus a GoSyscallEnd 1 ns later unless the goroutine's next event is a
//   GoSysBlock (which is dropped); GoSysExit becomes GoSyscallEndBlocked;
// - GoStartLabel becomes GoStart + GoLabel; UserRegion becomes RegionBegin/End by mode;
//   STW events get the reason string of their kind (per version); CPU samples have no M;
// - times are made strictly increasing (+1 ns), the stream is framed by Sync events at
//   (first event - 1) and (last + 1).

import type { Frame, Generation, LegacyEvents } from '../model.ts';
import { OrderingError, type OrderedEvent, type SchedCtx } from '../order.ts';
import { GOTRACE_FORMAT } from '../header.ts';
import * as v2 from '../spec.ts';
import { u64FromBig, U64_MAX, type U64 } from '../u64.ts';
import type { V1Trace } from './parser.ts';
import * as v1 from './spec.ts';

// Local copies of the tables used in hot loops (bundlers may compile imported bindings to
// getter calls).
const Ev = v2.Ev;
const GoStatusCode = v2.GoStatusCode;
const ProcStatusCode = v2.ProcStatusCode;
const V1 = v1.V1;
const Reason = v1.Reason;
const stwReason = v1.stwReason;

const NONE_CODE = -1; // U64 code of 2^64-1 (Go's NoThread/NoGoroutine/NoTask)

/** Growable typed columns of the converted events. */
class Columns {
  count = 0;
  type: Uint8Array;
  time: Float64Array;
  argOff: Uint32Array;
  /** Index into LegacyTrace.threads, -1 = none. */
  m: Int32Array;
  /** Go's P (int32; -1 = none; fake Ps included). */
  p: Int32Array;
  /** U64 code, -1 = none. */
  g: Float64Array;
  args: Float64Array;
  argTop = 0;

  constructor(n: number) {
    this.type = new Uint8Array(n);
    this.time = new Float64Array(n);
    this.argOff = new Uint32Array(n);
    this.m = new Int32Array(n);
    this.p = new Int32Array(n);
    this.g = new Float64Array(n);
    this.args = new Float64Array(Math.max(16, Math.ceil(n * 1.5)));
  }

  private grow(): void {
    const n = Math.max(16, Math.ceil(this.type.length * 1.5));
    const cp = <T extends Uint8Array | Float64Array | Uint32Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.type = cp(this.type, (k) => new Uint8Array(k));
    this.time = cp(this.time, (k) => new Float64Array(k));
    this.argOff = cp(this.argOff, (k) => new Uint32Array(k));
    this.m = cp(this.m, (k) => new Int32Array(k));
    this.p = cp(this.p, (k) => new Int32Array(k));
    this.g = cp(this.g, (k) => new Float64Array(k));
  }

  /** Appends an event with n (<= 4) arguments a0..a(n-1). */
  push(type: number, time: number, m: number, p: number, g: number, n: number, a0: number, a1: number, a2: number, a3: number): void {
    if (this.count === this.type.length) this.grow();
    let top = this.argTop;
    if (top + 4 > this.args.length) {
      const b = new Float64Array(Math.ceil((top + 4) * 1.5) + 16);
      b.set(this.args);
      this.args = b;
    }
    const i = this.count++;
    this.type[i] = type;
    this.time[i] = time;
    this.m[i] = m;
    this.p[i] = p;
    this.g[i] = g;
    this.argOff[i] = top;
    const args = this.args;
    if (n > 0) args[top++] = a0;
    if (n > 1) args[top++] = a1;
    if (n > 2) args[top++] = a2;
    if (n > 3) args[top++] = a3;
    this.argTop = top;
  }

  trim(): void {
    const n = this.count;
    this.type = this.type.slice(0, n);
    this.time = this.time.slice(0, n);
    this.argOff = this.argOff.slice(0, n);
    this.m = this.m.slice(0, n);
    this.p = this.p.slice(0, n);
    this.g = this.g.slice(0, n);
    this.args = this.args.slice(0, this.argTop);
  }
}

/** The replay side of a converted legacy trace (Generation.legacy). */
class LegacyTrace implements LegacyEvents {
  constructor(
    readonly version: number,
    readonly ticksPerSec: U64,
    private readonly cols: Columns,
    readonly threads: U64[],
    /** Names of UserTaskEnd events (Go's "extra strings"); arg 3 indexes this. */
    private readonly extraStrings: string[],
    private readonly hasEvents: boolean,
    readonly firstSyncNs: number,
    private readonly lastNs: number,
    private readonly error: OrderingError | null,
  ) {}

  replay(gen: Generation, onEvent: (e: OrderedEvent) => void): void {
    const c = this.cols;
    const args = gen.events.args;
    const bigs = gen.bigs;
    const dec = (code: number): U64 => (code >= 0 ? code : code === -1 ? U64_MAX : bigs[-2 - code]);
    // Every event object has all fields (one shape for the consumers, as order.ts does).
    const make = (type: number, ev: number, g: Generation | null, ctx: SchedCtx, timeNs: number): OrderedEvent => ({
      type,
      ev,
      gen: g,
      ctx,
      timeNs,
      sync: undefined,
      sample: undefined,
      from: undefined,
      desc: undefined,
      taskName: undefined,
      taskParent: undefined,
    });
    const none = (): SchedCtx => ({ m: null, p: null, g: null });
    let syncs = 0;
    if (this.hasEvents) {
      const s = make(Ev.Sync, -1, gen, none(), this.firstSyncNs);
      s.sync = ++syncs;
      onEvent(s);
    }
    let sample = 0;
    for (let i = 0; i < c.count; i++) {
      const type = c.type[i];
      const mi = c.m[i];
      const p = c.p[i];
      const gc = c.g[i];
      const ctx: SchedCtx = { m: mi < 0 ? null : this.threads[mi], p: p < 0 ? null : p, g: gc === NONE_CODE ? null : dec(gc) };
      const o = make(type, i, gen, ctx, c.time[i]);
      const a = c.argOff[i];
      switch (type) {
        case Ev.GoStatus:
        case Ev.ProcStatus:
          o.from = 'Undetermined';
          break;
        case Ev.STWEnd:
          o.desc = dec(args[a]);
          break;
        case Ev.UserTaskBegin:
          o.taskParent = dec(args[a + 1]);
          o.taskName = gen.strings.get(dec(args[a + 2])) ?? '';
          break;
        case Ev.UserTaskEnd:
          o.taskParent = dec(args[a + 2]);
          o.taskName = this.extraStrings[args[a + 3]] ?? '';
          break;
        case Ev.CPUSample:
          o.ev = -1;
          o.sample = sample++;
          break;
        default:
          break;
      }
      onEvent(o);
    }
    if (this.error !== null) throw this.error;
    const s = make(Ev.Sync, -1, null, none(), this.lastNs + 1);
    s.sync = ++syncs;
    onEvent(s);
  }
}

/**
 * Converts a parsed legacy trace into one Generation (see the file comment). `offset`/`end`
 * are the byte range of the trace body.
 */
export function convertV1(t: V1Trace, offset: number, end: number): Generation {
  const bigs = t.bigs;
  const enc = (v: U64): number => {
    if (typeof v === 'number') return v;
    if (v === U64_MAX) return NONE_CODE;
    bigs.push(v);
    return -1 - bigs.length;
  };
  const dec = (code: number): U64 => (code >= 0 ? code : code === -1 ? U64_MAX : bigs[-2 - code]);

  // String table: the trace's strings keep their ids, then the inline UserLog values, then
  // the converter's reason strings (ids after the largest trace string id, like Go).
  const strings = new Map<U64, string>(t.strings);
  let maxNum = 0;
  let maxBig = 0n;
  for (const id of t.strings.keys()) {
    if (typeof id === 'number') maxNum = Math.max(maxNum, id);
    else if (id > maxBig) maxBig = id;
  }
  let max = maxBig > 0n ? maxBig : BigInt(maxNum);
  const idAfter = (k: number): U64 => u64FromBig(BigInt.asUintN(64, max + 1n + BigInt(k)));
  const addString = (id: U64, s: string): void => {
    if (!strings.has(id)) strings.set(id, s);
  };
  const inlineIds = t.inlineStrings.map((s, k) => {
    const id = idAfter(k);
    addString(id, s);
    return enc(id);
  });
  max = BigInt.asUintN(64, max + BigInt(t.inlineStrings.length));
  const builtin: number[] = [];
  const builtinStrings = [...v1.BLOCK_REASONS, ...v1.STW_REASONS];
  builtinStrings.forEach((s, k) => {
    const id = idAfter(k);
    addString(id, s);
    builtin.push(enc(id));
  });

  const frames = new Map<U64, Frame>();
  for (const [pc, f] of t.pcs) {
    frames.set(pc, { pc, func: strings.get(f.fn) ?? '', file: strings.get(f.file) ?? '', line: f.line, funcId: f.fn, fileId: f.file });
  }

  const n = t.count;
  const order = t.order;
  const type = t.type;
  const targs = t.args;
  const argOff = t.argOff;

  // Go's GoSysCall look-ahead ("is the goroutine's next event a GoSysBlock?"), computed in
  // one backward pass instead of a scan per syscall.
  const blocked = new Uint8Array(n);
  {
    const nextType = new Map<U64, number>();
    for (let k = n - 1; k >= 0; k--) {
      const i = order[k];
      const g = dec(t.g[i]);
      if (type[i] === V1.GoSysCall && nextType.get(g) === V1.GoSysBlock) blocked[k] = 1;
      nextType.set(g, type[i]);
    }
  }

  let samples = 0;
  for (let k = 0; k < n; k++) if (type[order[k]] === V1.CPUSample) samples++;
  const cpu = {
    count: 0,
    ticks: new Float64Array(samples),
    m: new Float64Array(samples).fill(NONE_CODE),
    p: new Float64Array(samples),
    g: new Float64Array(samples),
    stack: new Float64Array(samples),
  };

  const out = new Columns(n + (n >> 3) + 16);
  const threads: U64[] = [];
  const threadIdx = new Map<U64, number>();
  const thread = (v: U64): number => {
    if (v === U64_MAX) return -1;
    let x = threadIdx.get(v);
    if (x === undefined) {
      x = threads.length;
      threads.push(v);
      threadIdx.set(v, x);
    }
    return x;
  };
  const extraStrings: string[] = [];
  const procMs = new Map<number, number>();
  const seenProcs = new Set<number>();
  const tasks = new Map<U64, { name: string; parent: U64 }>();
  let createdPreInit: Set<U64> | null = new Set<U64>();
  let preInit = true;
  let lastStw = builtin[Reason.STW];
  let lastTs = -1;
  let error: OrderingError | null = null;

  const emit = (ty: number, time: number, m: number, p: number, g: number, n: number, a0: number, a1: number, a2: number, a3: number): void => {
    const tt = time <= lastTs ? lastTs + 1 : time;
    lastTs = tt;
    out.push(ty, tt, m, p, g, n, a0, a1, a2, a3);
  };
  const procArg = (p: number): number => (p < 0 ? (p === -1 ? NONE_CODE : enc(BigInt.asUintN(64, BigInt(p)))) : p);

  for (let k = 0; k < n && error === null; k++) {
    const i = order[k];
    const ty = type[i];
    const a = argOff[i];
    const ts = t.ts[i];
    const P = t.p[i];
    const gcode = t.g[i];
    const stk = t.stk[i];
    let mapped = -1;
    // The converted event's arguments (no array per event).
    let na = 0;
    let x0 = 0;
    let x1 = 0;
    let x2 = 0;
    let x3 = 0;
    switch (ty) {
      case V1.Gomaxprocs:
        if (preInit) {
          // The end of the start-of-trace snapshot: goroutines created before it and not
          // seen since were runnable (or idle) when tracing began.
          preInit = false;
          const ids = [...createdPreInit!].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
          for (const id of ids) emit(Ev.GoStatus, ts, -1, -1, NONE_CODE, 3, enc(id), NONE_CODE, GoStatusCode.Runnable, 0);
          createdPreInit = null;
          continue;
        }
        mapped = Ev.ProcsChange;
        na = 2; x0 = targs[a + 0]; x1 = stk;
        break;
      case V1.ProcStart:
        procMs.set(P, thread(dec(targs[a + 0])));
        if (seenProcs.has(P)) {
          mapped = Ev.ProcStart;
          na = 2; x0 = procArg(P); x1 = 0;
        } else {
          seenProcs.add(P);
          mapped = Ev.ProcStatus;
          na = 2; x0 = procArg(P); x1 = ProcStatusCode.Running;
        }
        break;
      case V1.ProcStop:
        if (seenProcs.has(P)) {
          mapped = Ev.ProcStop;
        } else {
          seenProcs.add(P);
          mapped = Ev.ProcStatus;
          na = 2; x0 = procArg(P); x1 = ProcStatusCode.Idle;
        }
        break;
      case V1.GCStart:
        mapped = Ev.GCBegin;
        na = 2; x0 = targs[a + 0]; x1 = stk;
        break;
      case V1.GCDone:
        mapped = Ev.GCEnd;
        na = 1; x0 = 0;
        break;
      case V1.STWStart:
        lastStw = builtin[Reason.STW + stwReason(t.version, dec(targs[a + 0]))];
        mapped = Ev.STWBegin;
        na = 2; x0 = lastStw; x1 = 0;
        break;
      case V1.STWDone:
        mapped = Ev.STWEnd;
        na = 1; x0 = lastStw;
        break;
      case V1.GCSweepStart:
        mapped = Ev.GCSweepBegin;
        na = 1; x0 = stk;
        break;
      case V1.GCSweepDone:
        mapped = Ev.GCSweepEnd;
        na = 2; x0 = targs[a + 0]; x1 = targs[a + 1];
        break;
      case V1.GoCreate:
        if (preInit) {
          createdPreInit!.add(dec(targs[a + 0]));
          continue;
        }
        mapped = Ev.GoCreate;
        na = 3; x0 = targs[a + 0]; x1 = targs[a + 1]; x2 = stk;
        break;
      case V1.GoStart:
        if (preInit) {
          mapped = Ev.GoStatus;
          na = 3; x0 = targs[a + 0]; x1 = NONE_CODE; x2 = GoStatusCode.Running;
          createdPreInit!.delete(dec(targs[a + 0]));
        } else {
          mapped = Ev.GoStart;
          na = 2; x0 = targs[a + 0]; x1 = targs[a + 1];
        }
        break;
      case V1.GoStartLabel: {
        // Context as Go builds it here: G unmapped, the P's thread or thread 0.
        const m = procMs.get(P) ?? thread(0);
        emit(Ev.GoStart, ts, m, P, gcode, 2, targs[a + 0], targs[a + 1], 0, 0);
        emit(Ev.GoLabel, ts, m, P, gcode, 1, targs[a + 2], 0, 0, 0);
        continue;
      }
      case V1.GoEnd:
        mapped = Ev.GoDestroy;
        break;
      case V1.GoStop:
        mapped = Ev.GoBlock;
        na = 2; x0 = builtin[Reason.Forever]; x1 = stk;
        break;
      case V1.GoSched:
        mapped = Ev.GoStop;
        na = 2; x0 = builtin[Reason.Gosched]; x1 = stk;
        break;
      case V1.GoPreempt:
        mapped = Ev.GoStop;
        na = 2; x0 = builtin[Reason.Preempted]; x1 = stk;
        break;
      case V1.GoSleep:
        mapped = Ev.GoBlock;
        na = 2; x0 = builtin[Reason.Sleep]; x1 = stk;
        break;
      case V1.GoBlock:
        mapped = Ev.GoBlock;
        na = 2; x0 = builtin[Reason.Empty]; x1 = stk;
        break;
      case V1.GoUnblock:
        mapped = Ev.GoUnblock;
        na = 3; x0 = targs[a + 0]; x1 = targs[a + 1]; x2 = stk;
        break;
      case V1.GoBlockSend:
        mapped = Ev.GoBlock;
        na = 2; x0 = builtin[Reason.ChanSend]; x1 = stk;
        break;
      case V1.GoBlockRecv:
        mapped = Ev.GoBlock;
        na = 2; x0 = builtin[Reason.ChanRecv]; x1 = stk;
        break;
      case V1.GoBlockSelect:
        mapped = Ev.GoBlock;
        na = 2; x0 = builtin[Reason.Select]; x1 = stk;
        break;
      case V1.GoBlockSync:
        mapped = Ev.GoBlock;
        na = 2; x0 = builtin[Reason.Sync]; x1 = stk;
        break;
      case V1.GoBlockCond:
        mapped = Ev.GoBlock;
        na = 2; x0 = builtin[Reason.SyncCond]; x1 = stk;
        break;
      case V1.GoBlockNet:
        mapped = Ev.GoBlock;
        na = 2; x0 = builtin[Reason.Network]; x1 = stk;
        break;
      case V1.GoBlockGC:
        mapped = Ev.GoBlock;
        na = 2; x0 = builtin[Reason.MarkAssistWait]; x1 = stk;
        break;
      case V1.GoSysCall:
        if (blocked[k] === 1) {
          mapped = Ev.GoSyscallBegin;
          na = 2; x0 = 0; x1 = stk;
        } else {
          // An instantaneous syscall: a 1 ns Begin/End pair (context as for GoStartLabel).
          const m = procMs.get(P) ?? thread(0);
          emit(Ev.GoSyscallBegin, ts, m, P, gcode, 2, 0, stk, 0, 0);
          emit(Ev.GoSyscallEnd, ts + 1, m, P, gcode, 0, 0, 0, 0, 0);
          continue;
        }
        break;
      case V1.GoSysExit:
        mapped = Ev.GoSyscallEndBlocked;
        break;
      case V1.GoSysBlock:
        continue;
      case V1.GoWaiting:
        mapped = Ev.GoStatus;
        na = 3; x0 = targs[a + 0]; x1 = NONE_CODE; x2 = GoStatusCode.Waiting;
        createdPreInit?.delete(dec(targs[a + 0]));
        break;
      case V1.GoInSyscall:
        // v1 does not say which thread the syscall is on.
        mapped = Ev.GoStatus;
        na = 3; x0 = targs[a + 0]; x1 = NONE_CODE; x2 = GoStatusCode.Syscall;
        createdPreInit?.delete(dec(targs[a + 0]));
        break;
      case V1.HeapAlloc:
        mapped = Ev.HeapAlloc;
        na = 1; x0 = targs[a + 0];
        break;
      case V1.HeapGoal:
        mapped = Ev.HeapGoal;
        na = 1; x0 = targs[a + 0];
        break;
      case V1.GCMarkAssistStart:
        mapped = Ev.GCMarkAssistBegin;
        na = 1; x0 = stk;
        break;
      case V1.GCMarkAssistDone:
        mapped = Ev.GCMarkAssistEnd;
        break;
      case V1.UserTaskCreate: {
        const parent = dec(targs[a + 1]);
        mapped = Ev.UserTaskBegin;
        na = 4; x0 = targs[a + 0]; x1 = parent === 0 ? NONE_CODE : targs[a + 1]; x2 = targs[a + 2]; x3 = stk;
        // Go keeps the raw parent id (0 for a root task) for the end event.
        tasks.set(dec(targs[a + 0]), { name: strings.get(dec(targs[a + 2])) ?? '', parent });
        break;
      }
      case V1.UserTaskEnd: {
        const id = dec(targs[a + 0]);
        const task = tasks.get(id);
        mapped = Ev.UserTaskEnd;
        if (task !== undefined) {
          tasks.delete(id);
          na = 4; x0 = targs[a + 0]; x1 = stk; x2 = enc(task.parent); x3 = extraStrings.push(task.name) - 1;
        } else {
          na = 4; x0 = targs[a + 0]; x1 = stk; x2 = NONE_CODE; x3 = extraStrings.push('') - 1;
        }
        break;
      }
      case V1.UserRegion: {
        const mode = dec(targs[a + 1]);
        mapped = mode === 0 ? Ev.UserRegionBegin : mode === 1 ? Ev.UserRegionEnd : -1;
        na = 3; x0 = targs[a + 0]; x1 = targs[a + 2]; x2 = stk;
        break;
      }
      case V1.UserLog:
        mapped = Ev.UserLog;
        na = 4; x0 = targs[a + 0]; x1 = targs[a + 1]; x2 = inlineIds[targs[a + 3]]; x3 = stk;
        break;
      case V1.CPUSample: {
        const s = cpu.count++;
        emit(Ev.CPUSample, ts, -1, P, dec(gcode) === 0 ? NONE_CODE : gcode, 1, s, 0, 0, 0);
        cpu.ticks[s] = lastTs;
        cpu.p[s] = procArg(P);
        cpu.g[s] = gcode;
        cpu.stack[s] = stk;
        continue;
      }
      default:
        break;
    }
    if (mapped < 0) {
      error = new OrderingError(GOTRACE_FORMAT, `unexpected event type ${ty}`, { offset: t.off[i] });
      break;
    }
    let m = -1;
    if (P !== -1) m = procMs.get(P) ?? -1;
    if (ty === V1.ProcStop) procMs.delete(P);
    emit(mapped, ts, m, P, dec(gcode) === 0 ? NONE_CODE : gcode, na, x0, x1, x2, x3);
  }
  out.trim();

  const hasEvents = n > 0;
  const firstSyncNs = hasEvents ? t.ts[order[0]] - 1 : 0;
  const legacy = new LegacyTrace(t.version, t.ticksPerSec, out, threads, extraStrings, hasEvents, firstSyncNs, lastTs, error);
  return {
    gen: 1,
    version: t.version,
    index: 0,
    offset,
    end,
    // Event times are already ns: one "tick" per ns.
    ticksPerSec: 1e9,
    nsPerTick: 1,
    clock: null,
    minTicks: 0,
    syncTimeNs: hasEvents ? firstSyncNs : 0,
    strings,
    stacks: t.stacks as Map<U64, U64[]>,
    frames,
    cpuSamples: cpu,
    batches: [],
    ms: [],
    batchesByM: new Map(),
    events: { count: out.count, type: out.type, ticks: out.time, argOff: out.argOff, args: out.args },
    bigs,
    experimental: [],
    eventsNewerThanVersion: 0,
    ticksInexact: t.ticksInexact,
    endMarker: false,
    legacy,
  };
}
