// Go's high-level trace events (internal/trace's Event API: StateTransition, Range, Metric,
// Label, Task, Region, Log, StackSample, Sync) derived from the ordered raw event stream of
// `orderGenerations` (src/formats/gotrace/order.ts).
//
// The mapping follows the semantics of Go's internal/trace event.go: which raw event is which
// kind, the resource a transition applies to, its from/to states, reason string and stack,
// the names and scopes of ranges ("stop-the-world (<kind>)", "GC concurrent mark phase",
// "GC incremental sweep", "GC mark assist") and the metric names.

import { Ev, ProcStatusCode } from '../../formats/gotrace/spec.ts';
import { eventArg, stackFrames, type Frame, type Generation } from '../../formats/gotrace/model.ts';
import { GenerationOrderer, orderGenerations, type OrderedEvent, type OrderOptions, type SchedCtx } from '../../formats/gotrace/order.ts';
import { U64_MAX, type U64 } from '../../formats/gotrace/u64.ts';

export type GoState = 'Undetermined' | 'NotExist' | 'Runnable' | 'Running' | 'Waiting' | 'Syscall';
export type ProcState = 'Undetermined' | 'NotExist' | 'Running' | 'Idle';

/** A stack reference: resolved lazily (stack id 0 = no stack). */
export interface StackRef {
  gen: Generation;
  id: U64;
}

interface Base {
  /** Time in ns (Go's trace.Time). */
  t: number;
  /** Scheduling context of the event (M, P, G; null = none). */
  ctx: SchedCtx;
}

export interface SyncEvent extends Base {
  kind: 'sync';
  n: number;
}
export interface GoTransition extends Base {
  kind: 'go';
  id: U64;
  /**
   * With OrderOptions.slots, the goroutine's number in this stream: 0, 1, 2… in order of
   * its first transition; else -1. An array index for consumers keeping per-goroutine state
   * (one id lookup per event for all of them, not one each: a big trace has hundreds of
   * thousands of goroutines).
   */
  slot: number;
  from: GoState;
  to: GoState;
  /** Reason string of GoStop/GoBlock ('' otherwise). */
  reason: string;
  stack: StackRef | null;
  /**
   * The stack of the event itself where Go's transition carries none or another one:
   * GoUnblock (the unblocking goroutine), GoCreate / GoCreateBlocked (the creator).
   * Null elsewhere (then `stack` is the event's stack).
   */
  eventStack: StackRef | null;
  /** Raw event code (for synthetic events the code Go synthesises). */
  code: number;
}
export interface ProcTransition extends Base {
  kind: 'proc';
  id: U64;
  from: ProcState;
  to: ProcState;
  code: number;
}
export type RangeScope = { kind: 'none' } | { kind: 'goroutine'; id: U64 | null } | { kind: 'proc'; id: U64 | null };
export interface RangeEvent extends Base {
  kind: 'rangeBegin' | 'rangeActive' | 'rangeEnd';
  name: string;
  scope: RangeScope;
  code: number;
}
export interface MetricEvent extends Base {
  kind: 'metric';
  name: '/sched/gomaxprocs:threads' | '/memory/classes/heap/objects:bytes' | '/gc/heap/goal:bytes';
  value: U64;
}
export interface LabelEvent extends Base {
  kind: 'label';
  label: string;
}
export interface TaskEvent extends Base {
  kind: 'taskBegin' | 'taskEnd';
  id: U64;
  /** U64_MAX = no parent (Go's NoTask). */
  parent: U64;
  name: string;
}
export interface RegionEvent extends Base {
  kind: 'regionBegin' | 'regionEnd';
  task: U64;
  name: string;
}
export interface LogEvent extends Base {
  kind: 'log';
  task: U64;
  category: string;
  message: string;
}
export interface SampleEvent extends Base {
  kind: 'sample';
  /** The sample's generation and index in its cpuSamples (stack: cpuSamples.stack). */
  gen: Generation | null;
  sample: number;
}

export type TraceEvent =
  | SyncEvent
  | GoTransition
  | ProcTransition
  | RangeEvent
  | MetricEvent
  | LabelEvent
  | TaskEvent
  | RegionEvent
  | LogEvent
  | SampleEvent;

const GO_STATUS_STATE: GoState[] = ['Undetermined', 'Runnable', 'Running', 'Syscall', 'Waiting'];
const PROC_STATUS_STATE: ProcState[] = ['Undetermined', 'Running', 'Idle', 'Running', 'Idle'];

/** Function name of the outermost frame of a stack (Go's goroutine "start function"), '' if none. */
export function stackRootFunc(s: StackRef | null): string {
  if (s === null || s.id === 0) return '';
  // The outermost PC that has a frame (what stackFrames(...).at(-1) is, without the array).
  const pcs = s.gen.stacks.get(s.id);
  if (pcs === undefined) return '';
  for (let i = pcs.length - 1; i >= 0; i--) {
    const f = s.gen.frames.get(pcs[i]);
    if (f !== undefined) return f.func;
  }
  return '';
}

export function stackOf(s: StackRef | null): Frame[] {
  if (s === null || s.id === 0) return [];
  return stackFrames(s.gen, s.id) ?? [];
}

// Argument k (after dt), string argument and stack argument of an ordered raw event
// (0 / '' / null for synthetic events). Module-level rather than per-event closures: the
// converter runs once per event.
function argOf(o: OrderedEvent, k: number): U64 {
  return o.gen !== null && o.ev >= 0 ? eventArg(o.gen, o.ev, k) : 0;
}

function strOf(x: Scratch, o: OrderedEvent, k: number): string {
  const g = o.gen;
  if (g === null || o.ev < 0) return '';
  const id = argOf(o, k);
  if (typeof id !== 'number' || id >= STRING_CACHE_IDS) return g.strings.get(id) ?? '';
  // Reasons and names repeat on millions of events: the generation's strings by id in an array.
  if (x.strGen !== g) {
    x.strGen = g;
    x.strs = [];
  }
  let v = x.strs[id];
  if (v === undefined) {
    while (x.strs.length <= id) x.strs.push(undefined);
    v = x.strs[id] = g.strings.get(id) ?? '';
  }
  return v;
}

/** String ids below this are cached in an array per generation (Go numbers them from 1). */
const STRING_CACHE_IDS = 1 << 16;

/** Stack argument k as a StackRef: a new object, or `into` (reused) when given. */
function stkOf(o: OrderedEvent, k: number, into: StackRef | null = null): StackRef | null {
  if (o.gen === null || o.ev < 0) return null;
  const id = argOf(o, k);
  if (id === 0) return null;
  if (into === null) return { gen: o.gen, id };
  into.gen = o.gen;
  into.id = id;
  return into;
}

/**
 * Every field of every event kind: in reuse mode all events are this one object. One hidden
 * class for all kinds keeps the consumers' `e.t` / `e.kind` reads monomorphic; with a
 * literal per kind they saw ten shapes, went megamorphic, and each read of the double `t`
 * from a megamorphic site allocated a heap number: ~4 GB of them over a 110 MB trace.
 */
type AnyEvent = {
  kind: TraceEvent['kind'];
  t: number;
  ctx: SchedCtx;
  id: U64;
  slot: number;
  from: GoState | ProcState;
  to: GoState | ProcState;
  reason: string;
  stack: StackRef | null;
  eventStack: StackRef | null;
  code: number;
  name: string;
  scope: RangeScope;
  n: number;
  gen: Generation | null;
  sample: number;
  value: U64;
  label: string;
  parent: U64;
  task: U64;
  category: string;
  message: string;
};

/** The converter's state: goroutine slots, and the reused event of its reuse mode. */
interface Scratch {
  reuse: boolean;
  slots: Map<U64, number> | null;
  ev: AnyEvent;
  stack: StackRef;
  eventStack: StackRef;
  /** The generation whose strings `strs` holds (by id; filled as they are asked for). */
  strGen: Generation | null;
  strs: (string | undefined)[];
}

function goEv(x: Scratch, o: OrderedEvent, id: U64 | null, from: GoState, to: GoState, reason: string, stack: StackRef | null, eventStack: StackRef | null): GoTransition {
  const gid = id ?? U64_MAX;
  let slot = -1;
  if (x.slots !== null) {
    // The ordering numbers goroutines as they appear (order.ts); a replayed legacy trace does not.
    const s = o.slot;
    if (s !== undefined && s >= 0) slot = s;
    else {
      const k = x.slots.get(gid);
      if (k !== undefined) slot = k;
      else x.slots.set(gid, (slot = x.slots.size));
    }
  }
  if (!x.reuse) return { kind: 'go', t: o.timeNs, ctx: o.ctx, id: gid, slot, from, to, reason, stack, eventStack, code: o.type };
  const e = x.ev;
  e.kind = 'go';
  e.t = o.timeNs;
  e.ctx = o.ctx;
  e.id = gid;
  e.slot = slot;
  e.from = from;
  e.to = to;
  e.reason = reason;
  e.stack = stack;
  e.eventStack = eventStack;
  e.code = o.type;
  return e as GoTransition;
}

function procEv(x: Scratch, o: OrderedEvent, id: U64 | null, from: ProcState, to: ProcState): ProcTransition {
  if (!x.reuse) return { kind: 'proc', t: o.timeNs, ctx: o.ctx, id: id ?? U64_MAX, from, to, code: o.type };
  const e = x.ev;
  e.kind = 'proc';
  e.t = o.timeNs;
  e.ctx = o.ctx;
  e.id = id ?? U64_MAX;
  e.from = from;
  e.to = to;
  e.code = o.type;
  return e as ProcTransition;
}

function rangeEv(x: Scratch, o: OrderedEvent, kind: RangeEvent['kind'], name: string, scope: RangeScope): RangeEvent {
  if (!x.reuse) return { kind, t: o.timeNs, ctx: o.ctx, name, scope, code: o.type };
  const e = x.ev;
  e.kind = kind;
  e.t = o.timeNs;
  e.ctx = o.ctx;
  e.name = name;
  e.scope = scope;
  e.code = o.type;
  return e as RangeEvent;
}

/** A rarer kind's event (sync, sample, metric, label, task, region, log): in reuse mode
 * copied into the reused event, whose fields it already has (so its hidden class stays). */
function rare<E extends TraceEvent>(x: Scratch, e: E): E {
  return x.reuse ? (Object.assign(x.ev, e) as unknown as E) : e;
}

export interface ConvertOptions extends OrderOptions {
  /**
   * Receives the goroutine transitions instead of `onEvent` (in stream order with the
   * rest): a consumer whose hot path is transitions gets one event shape there.
   */
  onGo?: (e: GoTransition) => void;
}

/**
 * Converts the ordered raw stream into Go's API events. Returns a function to feed
 * `OrderedEvent`s into; it calls `onEvent` for each API event (experimental events and
 * anything without an API meaning are dropped).
 */
export function apiEventConverter(onEvent: (e: TraceEvent) => void, opts: ConvertOptions = {}): (o: OrderedEvent) => void {
  const onGo: (e: GoTransition) => void = opts.onGo ?? onEvent;
  let switchTarget: U64 = 0; // arg of the last GoSwitch/GoSwitchDestroy (for the synthetic GoStart)
  const ctx0: SchedCtx = { m: null, p: null, g: null };
  const x: Scratch = {
    reuse: opts.reuse === true,
    slots: opts.slots === true ? new Map() : null,
    // t starts as a double (not the small integer 0) so its field is a double field from the first event.
    ev: {
      kind: 'go',
      t: 0.5,
      ctx: ctx0,
      id: 0,
      slot: 0,
      from: 'Undetermined',
      to: 'Undetermined',
      reason: '',
      stack: null,
      eventStack: null,
      code: 0,
      name: '',
      scope: { kind: 'none' },
      n: 0,
      gen: null,
      sample: 0,
      value: 0,
      label: '',
      parent: 0,
      task: 0,
      category: '',
      message: '',
    },
    stack: { gen: null as unknown as Generation, id: 0 },
    eventStack: { gen: null as unknown as Generation, id: 0 },
    strGen: null,
    strs: [],
  };
  const st1 = x.reuse ? x.stack : null;
  const st2 = x.reuse ? x.eventStack : null;
  return (o: OrderedEvent): void => {
    const t = o.timeNs;
    const ctx = o.ctx;
    const g = o.gen;
    const raw = o.ev;
    switch (o.type) {
      case Ev.Sync:
        onEvent(rare(x, { kind: 'sync', t, ctx, n: o.sync ?? 0 }));
        return;
      case Ev.CPUSample:
        onEvent(rare(x, { kind: 'sample', t, ctx, gen: g, sample: o.sample ?? -1 }));
        return;
      case Ev.ProcStart:
        onEvent(procEv(x, o, argOf(o, 0), 'Idle', 'Running'));
        return;
      case Ev.ProcStop:
        onEvent(procEv(x, o, ctx.p, 'Running', 'Idle'));
        return;
      case Ev.ProcSteal: {
        const pid = raw >= 0 ? argOf(o, 0) : ctx.p;
        onEvent(procEv(x, o, pid, o.from === 'SyscallAbandoned' ? 'Idle' : 'Running', 'Idle'));
        return;
      }
      case Ev.ProcStatus: {
        const status = Number(argOf(o, 1));
        const from = (o.from ?? 'Undetermined') as ProcState;
        // Go promotes SyscallAbandoned to Syscall (Running -> Running) when the proc was
        // already known to be in a syscall: the steal that follows is the transition.
        const to = status === ProcStatusCode.SyscallAbandoned && from === 'Running' ? 'Running' : (PROC_STATUS_STATE[status] ?? 'Undetermined');
        onEvent(procEv(x, o, argOf(o, 0), from, to));
        return;
      }
      case Ev.GoCreate:
        onGo(goEv(x, o, argOf(o, 0), 'NotExist', 'Runnable', '', stkOf(o, 1, st1), stkOf(o, 2, st2)));
        return;
      case Ev.GoCreateBlocked:
        onGo(goEv(x, o, argOf(o, 0), 'NotExist', 'Waiting', '', stkOf(o, 1, st1), stkOf(o, 2, st2)));
        return;
      case Ev.GoCreateSyscall:
        onGo(goEv(x, o, argOf(o, 0), 'NotExist', 'Syscall', '', null, null));
        return;
      case Ev.GoStart:
        onGo(goEv(x, o, raw >= 0 ? argOf(o, 0) : switchTarget, 'Runnable', 'Running', '', null, null));
        return;
      case Ev.GoDestroy:
        onGo(goEv(x, o, ctx.g, 'Running', 'NotExist', '', null, null));
        return;
      case Ev.GoDestroySyscall:
        onGo(goEv(x, o, ctx.g, 'Syscall', 'NotExist', '', null, null));
        return;
      case Ev.GoStop:
        onGo(goEv(x, o, ctx.g, 'Running', 'Runnable', strOf(x, o, 0), stkOf(o, 1, st1), null));
        return;
      case Ev.GoBlock:
        onGo(goEv(x, o, ctx.g, 'Running', 'Waiting', strOf(x, o, 0), stkOf(o, 1, st1), null));
        return;
      case Ev.GoUnblock:
        onGo(goEv(x, o, argOf(o, 0), 'Waiting', 'Runnable', '', null, stkOf(o, 2, st2)));
        return;
      case Ev.GoSwitch:
      case Ev.GoSwitchDestroy:
        switchTarget = argOf(o, 0);
        onGo(goEv(x, o, switchTarget, 'Waiting', 'Runnable', '', null, null));
        return;
      case Ev.GoSyscallBegin:
        onGo(goEv(x, o, ctx.g, 'Running', 'Syscall', '', stkOf(o, 1, st1), null));
        return;
      case Ev.GoSyscallEnd:
        onGo(goEv(x, o, ctx.g, 'Syscall', 'Running', '', null, null));
        return;
      case Ev.GoSyscallEndBlocked:
        onGo(goEv(x, o, ctx.g, 'Syscall', 'Runnable', '', null, null));
        return;
      case Ev.GoStatus:
      case Ev.GoStatusStack: {
        const status = Number(argOf(o, 2));
        const from = (o.from === 'Undetermined' || o.from === 'NotExist' ? o.from : GO_STATUS_STATE[status]) as GoState;
        onGo(goEv(x, o, argOf(o, 0), from, GO_STATUS_STATE[status] ?? 'Undetermined', '', o.type === Ev.GoStatusStack ? stkOf(o, 3, st1) : null, null));
        return;
      }
      case Ev.STWBegin:
        onEvent(rangeEv(x, o, 'rangeBegin', `stop-the-world (${strOf(x, o, 0)})`, { kind: 'goroutine', id: ctx.g }));
        return;
      case Ev.STWEnd:
        onEvent(rangeEv(x, o, 'rangeEnd', `stop-the-world (${g === null || o.desc === undefined ? '' : (g.strings.get(o.desc) ?? '')})`, { kind: 'goroutine', id: ctx.g }));
        return;
      case Ev.GCBegin:
        onEvent(rangeEv(x, o, 'rangeBegin', 'GC concurrent mark phase', { kind: 'none' }));
        return;
      case Ev.GCActive:
        onEvent(rangeEv(x, o, 'rangeActive', 'GC concurrent mark phase', { kind: 'none' }));
        return;
      case Ev.GCEnd:
        onEvent(rangeEv(x, o, 'rangeEnd', 'GC concurrent mark phase', { kind: 'none' }));
        return;
      case Ev.GCSweepBegin:
        onEvent(rangeEv(x, o, 'rangeBegin', 'GC incremental sweep', { kind: 'proc', id: ctx.p }));
        return;
      case Ev.GCSweepActive:
        onEvent(rangeEv(x, o, 'rangeActive', 'GC incremental sweep', { kind: 'proc', id: argOf(o, 0) }));
        return;
      case Ev.GCSweepEnd:
        onEvent(rangeEv(x, o, 'rangeEnd', 'GC incremental sweep', { kind: 'proc', id: ctx.p }));
        return;
      case Ev.GCMarkAssistBegin:
        onEvent(rangeEv(x, o, 'rangeBegin', 'GC mark assist', { kind: 'goroutine', id: ctx.g }));
        return;
      case Ev.GCMarkAssistActive:
        onEvent(rangeEv(x, o, 'rangeActive', 'GC mark assist', { kind: 'goroutine', id: argOf(o, 0) }));
        return;
      case Ev.GCMarkAssistEnd:
        onEvent(rangeEv(x, o, 'rangeEnd', 'GC mark assist', { kind: 'goroutine', id: ctx.g }));
        return;
      case Ev.ProcsChange:
        onEvent(rare(x, { kind: 'metric', t, ctx, name: '/sched/gomaxprocs:threads', value: argOf(o, 0) }));
        return;
      case Ev.HeapAlloc:
        onEvent(rare(x, { kind: 'metric', t, ctx, name: '/memory/classes/heap/objects:bytes', value: argOf(o, 0) }));
        return;
      case Ev.HeapGoal:
        onEvent(rare(x, { kind: 'metric', t, ctx, name: '/gc/heap/goal:bytes', value: argOf(o, 0) }));
        return;
      case Ev.GoLabel:
        onEvent(rare(x, { kind: 'label', t, ctx, label: strOf(x, o, 0) }));
        return;
      case Ev.UserTaskBegin:
        // Parent 0 on the wire means no parent (Go's NoTask); order.ts carries the fixed value.
        onEvent(rare(x, { kind: 'taskBegin', t, ctx, id: argOf(o, 0), parent: o.taskParent ?? U64_MAX, name: strOf(x, o, 2) }));
        return;
      case Ev.UserTaskEnd:
        onEvent(rare(x, { kind: 'taskEnd', t, ctx, id: argOf(o, 0), parent: o.taskParent ?? U64_MAX, name: o.taskName ?? '' }));
        return;
      case Ev.UserRegionBegin:
        onEvent(rare(x, { kind: 'regionBegin', t, ctx, task: argOf(o, 0), name: strOf(x, o, 1) }));
        return;
      case Ev.UserRegionEnd:
        onEvent(rare(x, { kind: 'regionEnd', t, ctx, task: argOf(o, 0), name: strOf(x, o, 1) }));
        return;
      case Ev.UserLog:
        onEvent(rare(x, { kind: 'log', t, ctx, task: argOf(o, 0), category: strOf(x, o, 1), message: strOf(x, o, 2) }));
        return;
      default:
        return;
    }
  };
}

/**
 * Runs `orderGenerations` and feeds Go's API events to `onEvent`. With `reuse` the events
 * (and their ctx and stack refs) are reused objects, valid only during the callback.
 */
export function traceEvents(gens: Iterable<Generation>, onEvent: (e: TraceEvent) => void, opts: ConvertOptions = {}): void {
  orderGenerations(gens, apiEventConverter(onEvent, opts), opts);
}

/**
 * Push-based `traceEvents`: generations are pushed one at a time and may be dropped after
 * their push, so a streamed trace keeps no generation alive (the worker's load path).
 */
export function traceEventPusher(onEvent: (e: TraceEvent) => void, opts: ConvertOptions = {}): GenerationOrderer {
  return new GenerationOrderer(apiEventConverter(onEvent, opts), opts);
}
