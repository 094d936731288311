// Ordering state machine for Go 1.22+ traces (first version).
//
// Decides, for the frontier (frontier.ts), whether a raw event can happen next given what
// has happened so far, tracks each thread's current goroutine and proc, and produces the
// ordered event stream with each event's scheduling context (M, P, G *before* the event),
// including the synthetic events Go's reader adds (GoSwitch -> unblock + block/destroy +
// start; GoDestroySyscall while holding a P -> self ProcSteal first).
//
// The rules follow the semantics of Go's internal/trace ordering (sequence numbers per
// goroutine/proc per generation, a global GC sequence, required contexts per event kind,
// range bookkeeping, task ids). What is NOT here yet: Go's API-level event kinds
// (StateTransition/Range/Metric/Label...), their arguments (reasons, stacks) and the
// summaries built on them — this module stops at "which raw event, in which context, when".

import { DecodeError } from '../errors.ts';
import { GenerationFrontier, type FrontierCursor } from './frontier.ts';
import { IdIndex } from './idIndex.ts';
import { GOTRACE_FORMAT } from './header.ts';
import type { Generation } from './model.ts';
import { eventName, Ev, GoStatusCode as GS, ProcStatusCode as PS } from './spec.ts';
import { decodeU64Code, U64_MAX, type U64 } from './u64.ts';

// Local copies of imported bindings used in hot paths (bundlers may turn imported bindings
// into getter calls).
const E = Ev;
const dec = decodeU64Code;
const evName = eventName;

/** Raised for an event that breaks the ordering rules ("broken trace"). */
export class OrderingError extends DecodeError {}

type Id = U64;

function inc(v: U64): U64 {
  if (typeof v === 'number') return v + 1 <= Number.MAX_SAFE_INTEGER ? v + 1 : BigInt(v) + 1n;
  return v + 1n;
}

/** Whether sequence number (gen, n) directly follows the state's (Go's succeeds). */
function succeeds(gen: U64, n: U64, st: { seqGen: U64; seqN: U64 }): boolean {
  const last = st.seqN;
  // Numbers: n is at most 2^53 - 1, so last + 1 is exact wherever it can equal n.
  if (typeof n === 'number' && typeof last === 'number') return n === last + 1 && gen === st.seqGen;
  return gen === st.seqGen && n === inc(last);
}

// Sequence numbers are two fields (seqGen, seqN) rather than an object: ordering runs once
// per event and allocation is most of its cost.
interface GState {
  status: number;
  /** The goroutine's slot (OrderOptions.slots), else -1. */
  slot: number;
  seqGen: U64;
  seqN: U64;
  /** Active user regions and ranges (null until the goroutine has had one: most never do). */
  regions: { task: U64; name: string }[] | null;
  ranges: RangeKey[] | null;
}

interface PState {
  status: number;
  seqGen: U64;
  seqN: U64;
  ranges: RangeKey[] | null;
}

interface MState {
  g: Id | null;
  p: Id | null;
}

/** A range kind: the Begin event code plus (for STW) the kind string id. */
interface RangeKey {
  begin: number;
  desc: U64;
}

const RANGE_BEGIN: Record<number, number> = {
  [E.STWBegin]: E.STWBegin,
  [E.STWEnd]: E.STWBegin,
  [E.GCSweepBegin]: E.GCSweepBegin,
  [E.GCSweepActive]: E.GCSweepBegin,
  [E.GCSweepEnd]: E.GCSweepBegin,
  [E.GCMarkAssistBegin]: E.GCMarkAssistBegin,
  [E.GCMarkAssistActive]: E.GCMarkAssistBegin,
  [E.GCMarkAssistEnd]: E.GCMarkAssistBegin,
};

const GO_STATUS_NAME = ['Bad', 'Runnable', 'Running', 'Syscall', 'Waiting'];
const PROC_STATUS_NAME = ['Bad', 'Running', 'Idle', 'Syscall', 'SyscallAbandoned'];
/** Go's API view of a proc status: Syscall counts as Running, SyscallAbandoned as Idle. */
const PROC_API_STATE = ['Undetermined', 'Running', 'Idle', 'Running', 'Idle'];

/** Scheduling context: null = none (Go's NoThread/NoProc/NoGoroutine, printed as -1). */
export interface SchedCtx {
  m: Id | null;
  p: Id | null;
  g: Id | null;
}

export interface OrderedEvent {
  /** Event code; for synthetic events the code of the event Go synthesises. */
  type: number;
  /** Raw event index in `gen`, or -1 for a synthetic event. */
  ev: number;
  gen: Generation | null;
  /** Context before the event. */
  ctx: SchedCtx;
  /** Time in ns after the strictly-increasing fix-up. */
  timeNs: number;
  /** Sync events: sequence number (1-based). */
  sync?: number;
  /** CPU samples: sample index in gen.cpuSamples. */
  sample?: number;
  /**
   * Extra facts the API layer needs: for GoStatus/ProcStatus the old state ("Undetermined",
   * "NotExist" or the state name), for ProcSteal the proc status that allowed it, for
   * STWEnd the kind string id of its begin, for UserTaskEnd the task's name/parent.
   */
  from?: string;
  desc?: U64;
  taskName?: string;
  taskParent?: U64;
  /**
   * With OrderOptions.slots, for an event that is a goroutine transition in Go's API: the
   * slot of that goroutine (see analysis/trace/states.ts GoTransition.slot); else -1 or absent.
   */
  slot?: number;
}

const MUST = 1;
const MAY = 0;
const MUST_NOT = -1;

/** Fills `e` (every field, one object shape) and returns it. */
function fill(
  e: OrderedEvent,
  type: number,
  ev: number,
  gen: Generation | null,
  m: Id | null,
  p: Id | null,
  g: Id | null,
  slot: number,
  from: string | undefined,
  desc: U64 | undefined,
  taskName: string | undefined,
  taskParent: U64 | undefined,
): OrderedEvent {
  e.type = type;
  e.ev = ev;
  e.gen = gen;
  e.ctx.m = m;
  e.ctx.p = p;
  e.ctx.g = g;
  e.timeNs = 0;
  e.sync = undefined;
  e.sample = undefined;
  e.from = from;
  e.desc = desc;
  e.taskName = taskName;
  e.taskParent = taskParent;
  e.slot = slot;
  return e;
}

const blank = (): OrderedEvent => ordered(0, -1, null, null, null, null, -1, undefined, undefined, undefined, undefined);

export interface OrderOptions {
  /**
   * Deliver every event in one reused object (its `ctx` too), valid only during the
   * callback: for consumers that keep values, not events. Ordering runs once per event and
   * these allocations were most of its garbage.
   */
  reuse?: boolean;
  /**
   * Number goroutines in API go transitions (analysis/trace/states.ts GoTransition.slot) for
   * consumers that keep per-goroutine state in arrays: each goroutine gets its number when
   * it first appears (one id lookup per goroutine, not per event); without it slot is -1.
   */
  slots?: boolean;
}

/** An ordered event with every field present (one object shape for all events). */
function ordered(
  type: number,
  ev: number,
  gen: Generation | null,
  m: Id | null,
  p: Id | null,
  g: Id | null,
  slot: number,
  from: string | undefined,
  desc: U64 | undefined,
  taskName: string | undefined,
  taskParent: U64 | undefined,
): OrderedEvent {
  return { type, ev, gen, ctx: { m, p, g }, timeNs: 0, sync: undefined, sample: undefined, from, desc, taskName, taskParent, slot };
}

export class Ordering {
  private readonly gs = new Map<Id, GState>();
  private readonly ps = new Map<Id, PState>();
  private readonly ms = new Map<Id, MState>();
  private gcState: 'undetermined' | 'running' | 'stopped' = 'undetermined';
  private gcSeq: U64 = 0;
  private readonly tasks = new Map<U64, { name: string; parent: U64 }>();
  private initialGen: U64 | null = null;
  // Scratch contexts of `advance` (reused: one event at a time).
  private readonly cur: SchedCtx = { m: null, p: null, g: null };
  private readonly nxt: SchedCtx = { m: null, p: null, g: null };
  /** Reuse mode: the one event object every event is delivered in. */
  private readonly scratch: OrderedEvent | null;
  /** Time of the raw event being advanced (its events are delivered with it). */
  private stepTime = 0;
  /** Goroutine id -> slot, never forgotten (a goroutine id seen again keeps its slot); null without OrderOptions.slots. */
  private readonly slotOf: IdIndex | null;

  /**
   * `deliver` receives each event as soon as the step that makes it succeeds (a step never
   * fails after its first event), with the time of the raw event it comes from.
   */
  constructor(
    private readonly deliver: (e: OrderedEvent, timeNs: number) => void,
    opts: OrderOptions = {},
  ) {
    this.scratch = opts.reuse ? blank() : null;
    this.slotOf = opts.slots ? new IdIndex() : null;
  }

  /** A goroutine's state from its first event on (its slot numbered in that order). */
  private newG(gid: Id, status: number, gen: U64): GState {
    let slot = -1;
    const slots = this.slotOf;
    if (slots !== null) {
      slot = slots.get(gid);
      if (slot < 0) slots.set(gid, (slot = slots.size));
    }
    const st: GState = { status, slot, seqGen: gen, seqN: 0, regions: null, ranges: null };
    this.gs.set(gid, st);
    return st;
  }

  private make(type: number, ev: number, gen: Generation | null, ctx: SchedCtx, slot: number, from?: string, desc?: U64, taskName?: string, taskParent?: U64): OrderedEvent {
    const e = this.scratch;
    if (e === null) return ordered(type, ev, gen, ctx.m, ctx.p, ctx.g, slot, from, desc, taskName, taskParent);
    return fill(e, type, ev, gen, ctx.m, ctx.p, ctx.g, slot, from, desc, taskName, taskParent);
  }

  private fail(g: Generation, msg: string): never {
    throw new OrderingError(GOTRACE_FORMAT, msg, { offset: g.offset });
  }

  private req(g: Generation, ctx: SchedCtx, m: number, p: number, gr: number): void {
    if (m === MUST && ctx.m === null) this.fail(g, 'expected a thread but didn\'t have one');
    if (m === MUST_NOT && ctx.m !== null) this.fail(g, 'expected no thread but had one');
    if (p === MUST && ctx.p === null) this.fail(g, 'expected a proc but didn\'t have one');
    if (p === MUST_NOT && ctx.p !== null) this.fail(g, 'expected no proc but had one');
    if (gr === MUST && ctx.g === null) this.fail(g, 'expected a goroutine but didn\'t have one');
    if (gr === MUST_NOT && ctx.g !== null) this.fail(g, 'expected no goroutine but had one');
  }

  /** The ordering policy for GenerationFrontier.next(); the cursor keeps its thread's state. */
  readonly advance = (g: Generation, ev: number, m: U64, timeNs: number, cursor?: FrontierCursor): boolean => {
    if (this.initialGen === null) this.initialGen = g.gen;
    this.stepTime = timeNs;
    let ms: MState | undefined;
    const cur = this.cur;
    if (m === U64_MAX) {
      cur.m = null;
      cur.p = null;
      cur.g = null;
    } else {
      ms = cursor?.user as MState | undefined;
      if (ms === undefined) {
        // A thread's state object is never replaced, so its cursor may keep it.
        ms = this.ms.get(m);
        if (ms === undefined) {
          ms = { g: null, p: null };
          this.ms.set(m, ms);
        }
        if (cursor !== undefined) cursor.user = ms;
      }
      cur.m = m;
      cur.p = ms.p;
      cur.g = ms.g;
    }
    const next = this.nxt;
    next.m = cur.m;
    next.p = cur.p;
    next.g = cur.g;
    if (!this.step(g, ev, cur, next)) return false;
    if (ms !== undefined) {
      ms.p = next.p;
      ms.g = next.g;
    }
    return true;
  };

  private arg(g: Generation, ev: number, k: number): U64 {
    const c = g.events.args[g.events.argOff[ev] + k];
    return c >= 0 ? c : dec(c, g.bigs);
  }

  /** Delivers raw event `ev` (`slot`: of the goroutine it is a transition of, else -1). */
  private emit(g: Generation, ev: number, ctx: SchedCtx, slot = -1, from?: string, desc?: U64, taskName?: string, taskParent?: U64): void {
    this.deliver(this.make(g.events.type[ev], ev, g, ctx, slot, from, desc, taskName, taskParent), this.stepTime);
  }

  private emitSynthetic(g: Generation, type: number, ctx: SchedCtx, slot = -1, from?: string): void {
    this.deliver(this.make(type, -1, g, ctx, slot, from), this.stepTime);
  }

  private gOf(g: Generation, id: Id | null, what: number): GState {
    const s = id === null ? undefined : this.gs.get(id);
    if (s === undefined) this.fail(g, `event ${evName(what)} for goroutine (${id ?? -1}) that doesn't exist`);
    return s;
  }

  /**
   * Applies the event if it can happen now: updates `next` (a copy of `cur` on entry) to the
   * context after it and returns true; false when the event cannot happen yet.
   */
  private step(g: Generation, ev: number, cur: SchedCtx, next: SchedCtx): boolean {
    const type = g.events.type[ev];
    const gen = g.gen;
    const first = gen === this.initialGen;
    switch (type) {
      case E.ProcStatus: {
        const pid = this.arg(g, ev, 0);
        const status = Number(this.arg(g, ev, 1));
        if (status > 4) this.fail(g, `invalid status for proc ${pid}: ${status}`);
        let from = PROC_API_STATE[status];
        const known = this.ps.get(pid);
        if (known !== undefined) {
          if (status === PS.SyscallAbandoned && known.status === PS.Syscall) from = 'Running';
          else if (status === PS.SyscallAbandoned && known.status === PS.SyscallAbandoned) from = 'Idle';
          else if (known.status !== status) {
            this.fail(g, `inconsistent status for proc ${pid}: old ${PROC_STATUS_NAME[known.status]} vs. new ${PROC_STATUS_NAME[status]}`);
          }
          known.seqGen = gen;
          known.seqN = 0;
        } else {
          this.ps.set(pid, { status, seqGen: gen, seqN: 0, ranges: [] });
          from = first ? 'Undetermined' : 'NotExist';
        }
        if (status === PS.Running || status === PS.Syscall) next.p = pid;
        let ctx = cur;
        if (status === PS.SyscallAbandoned && from === 'Running') {
          // Emitted in the context of the thread that holds the proc.
          let found: SchedCtx | null = null;
          for (const [mid, st] of this.ms) if (st.p === pid) found = { m: mid, p: pid, g: st.g };
          if (found === null) this.fail(g, `failed to find sched context for proc ${pid} that's about to be stolen`);
          ctx = found;
        }
        this.emit(g, ev, ctx, -1, from);
        return true;
      }
      case E.ProcStart: {
        const pid = this.arg(g, ev, 0);
        const seqN = this.arg(g, ev, 1);
        const st = this.ps.get(pid);
        if (st === undefined || st.status !== PS.Idle || !succeeds(gen, seqN, st) || cur.p !== null) return false;
        this.req(g, cur, MUST, MUST_NOT, MAY);
        st.status = PS.Running;
        st.seqGen = gen;
        st.seqN = seqN;
        next.p = pid;
        this.emit(g, ev, cur);
        return true;
      }
      case E.ProcStop: {
        const st = cur.p === null ? undefined : this.ps.get(cur.p);
        if (st === undefined) this.fail(g, `event ProcStop for proc (${cur.p ?? -1}) that doesn't exist`);
        if (st.status !== PS.Running && st.status !== PS.Syscall) this.fail(g, 'ProcStop event for proc that\'s not Running or Syscall');
        this.req(g, cur, MUST, MUST, MAY);
        st.status = PS.Idle;
        next.p = null;
        this.emit(g, ev, cur);
        return true;
      }
      case E.ProcSteal: {
        const pid = this.arg(g, ev, 0);
        const seqN = this.arg(g, ev, 1);
        const st = this.ps.get(pid);
        if (st === undefined || (st.status !== PS.Syscall && st.status !== PS.SyscallAbandoned) || !succeeds(gen, seqN, st)) return false;
        this.req(g, cur, MUST, MAY, MAY);
        const old = st.status;
        st.status = PS.Idle;
        st.seqGen = gen;
        st.seqN = seqN;
        const from = PROC_STATUS_NAME[old];
        if (old === PS.SyscallAbandoned) {
          this.emit(g, ev, cur, -1, from);
          return true;
        }
        const victim = this.arg(g, ev, 2);
        if (victim === cur.m) {
          if (cur.p !== pid) this.fail(g, `tried to self-steal proc ${pid} (thread ${victim}), but got proc ${cur.p ?? -1} instead`);
          next.p = null;
          this.emit(g, ev, cur, -1, from);
          return true;
        }
        const vm = this.ms.get(victim);
        if (vm === undefined) this.fail(g, `stole proc from non-existent thread ${victim}`);
        if (vm.p !== pid) this.fail(g, `tried to steal proc ${pid} from thread ${victim}, but got proc ${vm.p ?? -1} instead`);
        vm.p = null;
        this.emit(g, ev, cur, -1, from);
        return true;
      }
      case E.GoStatus:
      case E.GoStatusStack: {
        const gid = this.arg(g, ev, 0);
        const mid = this.arg(g, ev, 1);
        const status = Number(this.arg(g, ev, 2));
        if (status > 4) this.fail(g, `invalid status for goroutine ${gid}: ${status}`);
        let from = GO_STATUS_NAME[status];
        let known = this.gs.get(gid);
        if (known !== undefined) {
          if (known.status !== status) {
            this.fail(g, `inconsistent status for goroutine ${gid}: old ${GO_STATUS_NAME[known.status]} vs. new ${GO_STATUS_NAME[status]}`);
          }
          known.seqGen = gen;
          known.seqN = 0;
        } else if (first) {
          known = this.newG(gid, status, gen);
          from = 'Undetermined';
        } else {
          this.fail(g, `found goroutine status for new goroutine after the first generation: id=${gid} status=${GO_STATUS_NAME[status]}`);
        }
        let ctx = cur;
        if (status === GS.Running) {
          next.g = gid;
        } else if (status === GS.Syscall) {
          if (mid === U64_MAX) this.fail(g, `found goroutine ${gid} in syscall without a thread`);
          if (mid === cur.m) {
            if (!first && cur.g !== gid) this.fail(g, `inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${cur.g ?? -1}`);
            next.g = gid;
          } else {
            const other = this.ms.get(mid);
            ctx = { ...cur, m: mid };
            if (other !== undefined) {
              if (other.g !== gid) this.fail(g, `inconsistent thread for syscalling goroutine ${gid}: thread has goroutine ${other.g ?? -1}`);
              ctx.g = other.g;
            } else {
              this.ms.set(mid, { g: gid, p: null });
            }
          }
        }
        this.emit(g, ev, ctx, known!.slot, from);
        return true;
      }
      case E.GoCreate:
      case E.GoCreateBlocked: {
        this.req(g, cur, MUST, MUST, MAY);
        const creator = cur.g === null ? undefined : this.gs.get(cur.g);
        if (creator !== undefined && creator.status !== GS.Running) this.fail(g, `${evName(type)} event for goroutine that's not Running`);
        const gid = this.arg(g, ev, 0);
        if (this.gs.has(gid)) this.fail(g, `tried to create goroutine (${gid}) that already exists`);
        const st = this.newG(gid, type === E.GoCreateBlocked ? GS.Waiting : GS.Runnable, gen);
        this.emit(g, ev, cur, st.slot);
        return true;
      }
      case E.GoDestroy:
      case E.GoStop:
      case E.GoBlock: {
        this.req(g, cur, MUST, MUST, MUST);
        const st = this.gOf(g, cur.g, type);
        if (st.status !== GS.Running) this.fail(g, `${evName(type)} event for goroutine that's not Running`);
        if (type === E.GoDestroy) this.gs.delete(cur.g!);
        else st.status = type === E.GoStop ? GS.Runnable : GS.Waiting;
        next.g = null;
        this.emit(g, ev, cur, st.slot);
        return true;
      }
      case E.GoStart: {
        const gid = this.arg(g, ev, 0);
        const seqN = this.arg(g, ev, 1);
        const st = this.gs.get(gid);
        if (st === undefined || st.status !== GS.Runnable || !succeeds(gen, seqN, st)) return false;
        this.req(g, cur, MUST, MUST, MUST_NOT);
        st.status = GS.Running;
        st.seqGen = gen;
        st.seqN = seqN;
        next.g = gid;
        this.emit(g, ev, cur, st.slot);
        return true;
      }
      case E.GoUnblock: {
        const gid = this.arg(g, ev, 0);
        const seqN = this.arg(g, ev, 1);
        const st = this.gs.get(gid);
        if (st === undefined || st.status !== GS.Waiting || !succeeds(gen, seqN, st)) return false;
        st.status = GS.Runnable;
        st.seqGen = gen;
        st.seqN = seqN;
        this.emit(g, ev, cur, st.slot);
        return true;
      }
      case E.GoSwitch:
      case E.GoSwitchDestroy: {
        this.req(g, cur, MUST, MUST, MUST);
        const st = this.gOf(g, cur.g, type);
        if (st.status !== GS.Running) this.fail(g, `${evName(type)} event for goroutine that's not Running`);
        const nextG = this.arg(g, ev, 0);
        const seqN = this.arg(g, ev, 1);
        const nst = this.gs.get(nextG);
        if (nst === undefined || nst.status !== GS.Waiting || !succeeds(gen, seqN, nst)) return false;
        this.emit(g, ev, cur, nst.slot);
        if (type === E.GoSwitch) {
          st.status = GS.Waiting;
          this.emitSynthetic(g, E.GoBlock, cur, st.slot);
        } else {
          this.gs.delete(cur.g!);
          this.emitSynthetic(g, E.GoDestroy, cur, st.slot);
        }
        nst.status = GS.Running;
        nst.seqGen = gen;
        nst.seqN = seqN;
        // The synthetic GoStart: `next` is still `cur` here, without a goroutine.
        const startCtx = next;
        startCtx.g = null;
        this.emitSynthetic(g, E.GoStart, startCtx, nst.slot);
        next.g = nextG;
        return true;
      }
      case E.GoSyscallBegin: {
        this.req(g, cur, MUST, MUST, MUST);
        const st = this.gOf(g, cur.g, type);
        if (st.status !== GS.Running) this.fail(g, 'GoSyscallBegin event for goroutine that\'s not Running');
        st.status = GS.Syscall;
        const pst = this.ps.get(cur.p!);
        if (pst === undefined) this.fail(g, `uninitialized proc ${cur.p} found during GoSyscallBegin`);
        pst.status = PS.Syscall;
        const pseqN = this.arg(g, ev, 0);
        if (!succeeds(gen, pseqN, pst)) this.fail(g, `failed to advance GoSyscallBegin: can't make sequence: ${pst.seqN} -> ${pseqN}`);
        pst.seqGen = gen;
        pst.seqN = pseqN;
        this.emit(g, ev, cur, st.slot);
        return true;
      }
      case E.GoSyscallEnd: {
        this.req(g, cur, MUST, MUST, MUST);
        const st = this.gOf(g, cur.g, type);
        if (st.status !== GS.Syscall) this.fail(g, 'GoSyscallEnd event for goroutine that\'s not Syscall');
        st.status = GS.Running;
        const pst = this.ps.get(cur.p!);
        if (pst === undefined) this.fail(g, `uninitialized proc ${cur.p} found during GoSyscallEnd`);
        if (pst.status !== PS.Syscall) this.fail(g, `expected proc ${cur.p} in state Syscall, but got ${PROC_STATUS_NAME[pst.status]} instead`);
        pst.status = PS.Running;
        this.emit(g, ev, cur, st.slot);
        return true;
      }
      case E.GoSyscallEndBlocked: {
        if (cur.p !== null) {
          const pst = this.ps.get(cur.p);
          if (pst === undefined) this.fail(g, `uninitialized proc ${cur.p} found during GoSyscallEndBlocked`);
          if (pst.status === PS.Syscall) return false; // wait until the proc is stolen or stopped
        }
        this.req(g, cur, MUST, MAY, MUST);
        const st = this.gOf(g, cur.g, type);
        if (st.status !== GS.Syscall) this.fail(g, 'GoSyscallEndBlocked event for goroutine that\'s not Syscall');
        st.status = GS.Runnable;
        next.g = null;
        this.emit(g, ev, cur, st.slot);
        return true;
      }
      case E.GoCreateSyscall: {
        this.req(g, cur, MUST, MAY, MUST_NOT);
        const gid = this.arg(g, ev, 0);
        if (this.gs.has(gid)) this.fail(g, `tried to create goroutine (${gid}) in syscall that already exists`);
        const st = this.newG(gid, GS.Syscall, gen);
        next.g = gid;
        this.emit(g, ev, cur, st.slot);
        return true;
      }
      case E.GoDestroySyscall: {
        this.req(g, cur, MUST, MAY, MUST);
        const st = this.gOf(g, cur.g, type);
        if (st.status !== GS.Syscall) this.fail(g, 'GoDestroySyscall event for goroutine that\'s not Syscall');
        this.gs.delete(cur.g!);
        next.g = null;
        if (cur.p !== null) {
          const pst = this.ps.get(cur.p);
          if (pst === undefined) this.fail(g, `found invalid proc ${cur.p} during GoDestroySyscall`);
          if (pst.status !== PS.Syscall) this.fail(g, `proc ${cur.p} in unexpected state ${PROC_STATUS_NAME[pst.status]} during GoDestroySyscall`);
          pst.status = PS.SyscallAbandoned;
          next.p = null;
          this.emitSynthetic(g, E.ProcSteal, cur, -1, 'Syscall');
        }
        this.emit(g, ev, cur, st.slot);
        return true;
      }
      case E.UserTaskBegin: {
        const id = this.arg(g, ev, 0);
        if (this.tasks.has(id)) this.fail(g, `task ID conflict: ${id}`);
        let parent = this.arg(g, ev, 1);
        if (parent === 0) parent = U64_MAX;
        const name = g.strings.get(this.arg(g, ev, 2)) ?? '';
        this.tasks.set(id, { name, parent });
        this.req(g, cur, MUST, MUST, MUST);
        this.emit(g, ev, cur, -1, undefined, undefined, name, parent);
        return true;
      }
      case E.UserTaskEnd: {
        const id = this.arg(g, ev, 0);
        const t = this.tasks.get(id);
        this.tasks.delete(id);
        this.req(g, cur, MUST, MUST, MUST);
        this.emit(g, ev, cur, -1, undefined, undefined, t?.name ?? '', t?.parent ?? U64_MAX);
        return true;
      }
      case E.UserRegionBegin:
      case E.UserRegionEnd: {
        this.req(g, cur, MUST, MUST, MUST);
        const task = this.arg(g, ev, 0);
        const name = g.strings.get(this.arg(g, ev, 1)) ?? '';
        const st = this.gs.get(cur.g!);
        if (st === undefined) this.fail(g, `encountered ${evName(type)} without known state for current goroutine ${cur.g}`);
        if (type === E.UserRegionBegin) (st.regions ??= []).push({ task, name });
        else if (st.regions !== null && st.regions.length > 0) {
          const top = st.regions[st.regions.length - 1];
          if (top.task !== task || top.name !== name) {
            this.fail(g, `misuse of region in goroutine ${cur.g}: region end {${task} ${name}} when the inner-most active region start event is {${top.task} ${top.name}}`);
          }
          st.regions.pop();
        }
        this.emit(g, ev, cur);
        return true;
      }
      case E.GCActive: {
        const seq = this.arg(g, ev, 0);
        if (first) {
          if (this.gcState !== 'undetermined') this.fail(g, 'GCActive in the first generation isn\'t first GC event');
          this.gcSeq = seq;
          this.gcState = 'running';
          this.emit(g, ev, cur);
          return true;
        }
        if (seq !== inc(this.gcSeq)) return false;
        if (this.gcState !== 'running') this.fail(g, 'encountered GCActive while GC was not in progress');
        this.gcSeq = seq;
        this.req(g, cur, MUST, MUST, MUST);
        this.emit(g, ev, cur);
        return true;
      }
      case E.GCBegin: {
        const seq = this.arg(g, ev, 0);
        if (this.gcState === 'undetermined') {
          this.gcSeq = seq;
          this.gcState = 'running';
          this.emit(g, ev, cur);
          return true;
        }
        if (seq !== inc(this.gcSeq)) return false;
        if (this.gcState === 'running') this.fail(g, 'encountered GCBegin while GC was already in progress');
        this.gcSeq = seq;
        this.gcState = 'running';
        this.req(g, cur, MUST, MUST, MUST);
        this.emit(g, ev, cur);
        return true;
      }
      case E.GCEnd: {
        const seq = this.arg(g, ev, 0);
        if (seq !== inc(this.gcSeq)) return false;
        if (this.gcState === 'stopped') this.fail(g, 'encountered GCEnd when GC was not in progress');
        if (this.gcState === 'undetermined') this.fail(g, 'encountered GCEnd when GC was in an undetermined state');
        this.gcSeq = seq;
        this.gcState = 'stopped';
        this.req(g, cur, MUST, MUST, MUST);
        this.emit(g, ev, cur);
        return true;
      }
      case E.ProcsChange:
      case E.GoLabel:
      case E.UserLog:
        this.req(g, cur, MUST, MUST, MUST);
        this.emit(g, ev, cur);
        return true;
      case E.HeapAlloc:
      case E.HeapGoal:
        this.req(g, cur, MUST, MUST, MAY);
        this.emit(g, ev, cur);
        return true;
      case E.GCSweepBegin:
      case E.GCSweepEnd: {
        this.req(g, cur, MUST, MUST, MAY);
        const pst = this.ps.get(cur.p!);
        if (pst === undefined) this.fail(g, `${evName(type)} for unknown proc ${cur.p}`);
        if (type === E.GCSweepBegin) this.beginRange(g, pst, { begin: E.GCSweepBegin, desc: 0 });
        else this.endRange(g, pst, E.GCSweepBegin);
        this.emit(g, ev, cur);
        return true;
      }
      case E.GCSweepActive: {
        const pid = this.arg(g, ev, 0);
        const pst = this.ps.get(pid);
        if (pst === undefined) this.fail(g, `encountered GCSweepActive for unknown proc ${pid}`);
        this.activeRange(g, pst, { begin: E.GCSweepBegin, desc: 0 }, first);
        this.emit(g, ev, cur);
        return true;
      }
      case E.STWBegin:
      case E.GCMarkAssistBegin: {
        this.req(g, cur, MUST, MUST, MUST);
        const st = this.gs.get(cur.g!);
        if (st === undefined) this.fail(g, `encountered event of type ${type} without known state for current goroutine ${cur.g}`);
        this.beginRange(g, st, { begin: type, desc: type === E.STWBegin ? this.arg(g, ev, 0) : 0 });
        this.emit(g, ev, cur);
        return true;
      }
      case E.GCMarkAssistActive: {
        const gid = this.arg(g, ev, 0);
        const st = this.gs.get(gid);
        if (st === undefined) this.fail(g, `uninitialized goroutine ${gid} found during GCMarkAssistActive`);
        this.activeRange(g, st, { begin: E.GCMarkAssistBegin, desc: 0 }, first);
        this.emit(g, ev, cur);
        return true;
      }
      case E.STWEnd:
      case E.GCMarkAssistEnd: {
        this.req(g, cur, MUST, MUST, MUST);
        const st = this.gs.get(cur.g!);
        if (st === undefined) this.fail(g, `encountered event of type ${type} without known state for current goroutine ${cur.g}`);
        const desc = this.endRange(g, st, RANGE_BEGIN[type]);
        this.emit(g, ev, cur, -1, undefined, type === E.STWEnd ? desc : undefined);
        return true;
      }
      default:
        if (type >= 128 && type <= 136) {
          this.req(g, cur, MUST, MAY, MAY);
          this.emit(g, ev, cur);
          return true;
        }
        this.fail(g, `bad event type found while ordering: ${type}`);
    }
  }

  private beginRange(g: Generation, owner: { ranges: RangeKey[] | null }, r: RangeKey): void {
    const ranges = (owner.ranges ??= []);
    if (ranges.some((x) => x.begin === r.begin && x.desc === r.desc)) {
      this.fail(g, `discovered event already in-flight for when starting event ${evName(r.begin)}`);
    }
    ranges.push(r);
  }

  private activeRange(g: Generation, owner: { ranges: RangeKey[] | null }, r: RangeKey, first: boolean): void {
    const ranges = (owner.ranges ??= []);
    const has = ranges.some((x) => x.begin === r.begin && x.desc === r.desc);
    if (first) {
      if (has) this.fail(g, `found named active range already in first gen: ${evName(r.begin)}`);
      ranges.push(r);
    } else if (!has) {
      this.fail(g, `resource is missing active range: ${evName(r.begin)}`);
    }
  }

  private endRange(g: Generation, owner: { ranges: RangeKey[] | null }, begin: number): U64 {
    const ranges = owner.ranges ?? [];
    const i = ranges.findIndex((x) => x.begin === begin);
    if (i < 0) this.fail(g, `tried to end event ${evName(begin)}, but not in-flight`);
    const desc = ranges[i].desc;
    ranges[i] = ranges[ranges.length - 1];
    ranges.pop();
    return desc;
  }
}

/**
 * Orders whole generations pushed one at a time (so a caller streaming a trace keeps only the
 * generation being ordered): a Sync event first in each generation, the generation's events
 * and CPU samples in Go's order with their contexts, a final Sync from `finish()`; times
 * strictly increasing. `push` throws OrderingError (a DecodeError) for a broken trace; events
 * before the error have already been delivered to `onEvent`.
 */
export class GenerationOrderer {
  private readonly o: Ordering;
  private readonly scratch: OrderedEvent | null;
  private last = 0; // Go starts from lastTs = 0: a first event at time 0 becomes 1
  private syncs = 0;
  private any = false;
  /** A converted legacy trace was replayed: it is the whole trace (no final Sync of ours). */
  private legacyDone = false;

  constructor(
    private readonly onEvent: (e: OrderedEvent) => void,
    opts: OrderOptions = {},
  ) {
    this.o = new Ordering(this.out, opts);
    this.scratch = opts.reuse ? blank() : null;
  }

  private make(type: number, gen: Generation | null): OrderedEvent {
    return this.scratch === null ? ordered(type, -1, gen, null, null, null, -1, undefined, undefined, undefined, undefined) : fill(this.scratch, type, -1, gen, null, null, null, -1, undefined, undefined, undefined, undefined);
  }

  /** Delivers an event at time `t` made strictly increasing. */
  private readonly out = (e: OrderedEvent, t: number): void => {
    const v = t <= this.last ? this.last + 1 : t;
    this.last = v;
    e.timeNs = v;
    this.onEvent(e);
  };

  push(g: Generation): void {
    if (this.legacyDone) return;
    if (g.legacy !== undefined) {
      // A converted legacy trace is one generation already in Go's order (v1/convert.ts).
      this.legacyDone = true;
      g.legacy.replay(g, this.onEvent);
      return;
    }
    const o = this.o;
    this.any = true;
    const sync = this.make(E.Sync, g);
    sync.sync = ++this.syncs;
    this.out(sync, g.syncTimeNs);
    const f = new GenerationFrontier(g);
    for (;;) {
      // The ordering delivers a raw event's events itself (through `out`) as it advances.
      const s = f.next(o.advance);
      if (s === null) break;
      if (s.kind === 'cpu') {
        const c = g.cpuSamples;
        const m = dec(c.m[s.sample], g.bigs);
        const p = dec(c.p[s.sample], g.bigs);
        const gid = dec(c.g[s.sample], g.bigs);
        const e =
          this.scratch === null
            ? ordered(E.CPUSample, -1, g, m === U64_MAX ? null : m, p === U64_MAX ? null : p, gid === 0 ? null : gid, -1, undefined, undefined, undefined, undefined)
            : fill(this.scratch, E.CPUSample, -1, g, m === U64_MAX ? null : m, p === U64_MAX ? null : p, gid === 0 ? null : gid, -1, undefined, undefined, undefined, undefined);
        e.sample = s.sample;
        this.out(e, s.timeNs);
      }
    }
  }

  /** The final Sync (after at least one v2 generation). */
  finish(): void {
    if (this.legacyDone || !this.any) return;
    const sync = this.make(E.Sync, null);
    sync.sync = ++this.syncs;
    this.out(sync, this.last);
  }
}

/** Orders whole generations (see GenerationOrderer). */
export function orderGenerations(gens: Iterable<Generation>, onEvent: (e: OrderedEvent) => void, opts: OrderOptions = {}): void {
  const o = new GenerationOrderer(onEvent, opts);
  for (const g of gens) {
    o.push(g);
    if (g.legacy !== undefined) return;
  }
  o.finish();
}
