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
import { orderGenerations, type OrderedEvent, type SchedCtx } from '../../formats/gotrace/order.ts';
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
  const f = stackFrames(s.gen, s.id);
  if (f === undefined || f.length === 0) return '';
  return f[f.length - 1].func;
}

export function stackOf(s: StackRef | null): Frame[] {
  if (s === null || s.id === 0) return [];
  return stackFrames(s.gen, s.id) ?? [];
}

/**
 * Converts the ordered raw stream into Go's API events. Returns a function to feed
 * `OrderedEvent`s into; it calls `onEvent` for each API event (experimental events and
 * anything without an API meaning are dropped).
 */
export function apiEventConverter(onEvent: (e: TraceEvent) => void): (o: OrderedEvent) => void {
  let switchTarget: U64 = 0; // arg of the last GoSwitch/GoSwitchDestroy (for the synthetic GoStart)
  return (o: OrderedEvent): void => {
    const t = o.timeNs;
    const ctx = o.ctx;
    const g = o.gen;
    const raw = o.ev;
    const arg = (k: number): U64 => (g !== null && raw >= 0 ? eventArg(g, raw, k) : 0);
    const str = (k: number): string => (g === null || raw < 0 ? '' : (g.strings.get(arg(k)) ?? ''));
    const stk = (k: number): StackRef | null => {
      if (g === null || raw < 0) return null;
      const id = arg(k);
      return id === 0 ? null : { gen: g, id };
    };
    const go = (id: U64 | null, from: GoState, to: GoState, reason = '', stack: StackRef | null = null, eventStack: StackRef | null = null): void => {
      onEvent({ kind: 'go', t, ctx, id: id ?? U64_MAX, from, to, reason, stack, eventStack, code: o.type });
    };
    const proc = (id: U64 | null, from: ProcState, to: ProcState): void => {
      onEvent({ kind: 'proc', t, ctx, id: id ?? U64_MAX, from, to, code: o.type });
    };
    const range = (kind: RangeEvent['kind'], name: string, scope: RangeScope): void => {
      onEvent({ kind, t, ctx, name, scope, code: o.type });
    };
    switch (o.type) {
      case Ev.Sync:
        onEvent({ kind: 'sync', t, ctx, n: o.sync ?? 0 });
        return;
      case Ev.CPUSample:
        onEvent({ kind: 'sample', t, ctx, gen: g, sample: o.sample ?? -1 });
        return;
      case Ev.ProcStart:
        proc(arg(0), 'Idle', 'Running');
        return;
      case Ev.ProcStop:
        proc(ctx.p, 'Running', 'Idle');
        return;
      case Ev.ProcSteal: {
        const pid = raw >= 0 ? arg(0) : ctx.p;
        proc(pid, o.from === 'SyscallAbandoned' ? 'Idle' : 'Running', 'Idle');
        return;
      }
      case Ev.ProcStatus: {
        const status = Number(arg(1));
        const from = (o.from ?? 'Undetermined') as ProcState;
        // Go promotes SyscallAbandoned to Syscall (Running -> Running) when the proc was
        // already known to be in a syscall: the steal that follows is the transition.
        const to = status === ProcStatusCode.SyscallAbandoned && from === 'Running' ? 'Running' : (PROC_STATUS_STATE[status] ?? 'Undetermined');
        proc(arg(0), from, to);
        return;
      }
      case Ev.GoCreate:
        go(arg(0), 'NotExist', 'Runnable', '', stk(1), stk(2));
        return;
      case Ev.GoCreateBlocked:
        go(arg(0), 'NotExist', 'Waiting', '', stk(1), stk(2));
        return;
      case Ev.GoCreateSyscall:
        go(arg(0), 'NotExist', 'Syscall');
        return;
      case Ev.GoStart:
        go(raw >= 0 ? arg(0) : switchTarget, 'Runnable', 'Running');
        return;
      case Ev.GoDestroy:
        go(ctx.g, 'Running', 'NotExist');
        return;
      case Ev.GoDestroySyscall:
        go(ctx.g, 'Syscall', 'NotExist');
        return;
      case Ev.GoStop:
        go(ctx.g, 'Running', 'Runnable', str(0), stk(1));
        return;
      case Ev.GoBlock:
        go(ctx.g, 'Running', 'Waiting', str(0), stk(1));
        return;
      case Ev.GoUnblock:
        go(arg(0), 'Waiting', 'Runnable', '', null, stk(2));
        return;
      case Ev.GoSwitch:
      case Ev.GoSwitchDestroy:
        switchTarget = arg(0);
        go(switchTarget, 'Waiting', 'Runnable');
        return;
      case Ev.GoSyscallBegin:
        go(ctx.g, 'Running', 'Syscall', '', stk(1));
        return;
      case Ev.GoSyscallEnd:
        go(ctx.g, 'Syscall', 'Running');
        return;
      case Ev.GoSyscallEndBlocked:
        go(ctx.g, 'Syscall', 'Runnable');
        return;
      case Ev.GoStatus:
      case Ev.GoStatusStack: {
        const status = Number(arg(2));
        const from = (o.from === 'Undetermined' || o.from === 'NotExist' ? o.from : GO_STATUS_STATE[status]) as GoState;
        go(arg(0), from, GO_STATUS_STATE[status] ?? 'Undetermined', '', o.type === Ev.GoStatusStack ? stk(3) : null);
        return;
      }
      case Ev.STWBegin:
        range('rangeBegin', `stop-the-world (${str(0)})`, { kind: 'goroutine', id: ctx.g });
        return;
      case Ev.STWEnd:
        range('rangeEnd', `stop-the-world (${g === null || o.desc === undefined ? '' : (g.strings.get(o.desc) ?? '')})`, {
          kind: 'goroutine',
          id: ctx.g,
        });
        return;
      case Ev.GCBegin:
        range('rangeBegin', 'GC concurrent mark phase', { kind: 'none' });
        return;
      case Ev.GCActive:
        range('rangeActive', 'GC concurrent mark phase', { kind: 'none' });
        return;
      case Ev.GCEnd:
        range('rangeEnd', 'GC concurrent mark phase', { kind: 'none' });
        return;
      case Ev.GCSweepBegin:
        range('rangeBegin', 'GC incremental sweep', { kind: 'proc', id: ctx.p });
        return;
      case Ev.GCSweepActive:
        range('rangeActive', 'GC incremental sweep', { kind: 'proc', id: arg(0) });
        return;
      case Ev.GCSweepEnd:
        range('rangeEnd', 'GC incremental sweep', { kind: 'proc', id: ctx.p });
        return;
      case Ev.GCMarkAssistBegin:
        range('rangeBegin', 'GC mark assist', { kind: 'goroutine', id: ctx.g });
        return;
      case Ev.GCMarkAssistActive:
        range('rangeActive', 'GC mark assist', { kind: 'goroutine', id: arg(0) });
        return;
      case Ev.GCMarkAssistEnd:
        range('rangeEnd', 'GC mark assist', { kind: 'goroutine', id: ctx.g });
        return;
      case Ev.ProcsChange:
        onEvent({ kind: 'metric', t, ctx, name: '/sched/gomaxprocs:threads', value: arg(0) });
        return;
      case Ev.HeapAlloc:
        onEvent({ kind: 'metric', t, ctx, name: '/memory/classes/heap/objects:bytes', value: arg(0) });
        return;
      case Ev.HeapGoal:
        onEvent({ kind: 'metric', t, ctx, name: '/gc/heap/goal:bytes', value: arg(0) });
        return;
      case Ev.GoLabel:
        onEvent({ kind: 'label', t, ctx, label: str(0) });
        return;
      case Ev.UserTaskBegin:
        // Parent 0 on the wire means no parent (Go's NoTask); order.ts carries the fixed value.
        onEvent({ kind: 'taskBegin', t, ctx, id: arg(0), parent: o.taskParent ?? U64_MAX, name: str(2) });
        return;
      case Ev.UserTaskEnd:
        onEvent({ kind: 'taskEnd', t, ctx, id: arg(0), parent: o.taskParent ?? U64_MAX, name: o.taskName ?? '' });
        return;
      case Ev.UserRegionBegin:
        onEvent({ kind: 'regionBegin', t, ctx, task: arg(0), name: str(1) });
        return;
      case Ev.UserRegionEnd:
        onEvent({ kind: 'regionEnd', t, ctx, task: arg(0), name: str(1) });
        return;
      case Ev.UserLog:
        onEvent({ kind: 'log', t, ctx, task: arg(0), category: str(1), message: str(2) });
        return;
      default:
        return;
    }
  };
}

/** Runs `orderGenerations` and feeds Go's API events to `onEvent`. */
export function traceEvents(gens: Iterable<Generation>, onEvent: (e: TraceEvent) => void): void {
  orderGenerations(gens, apiEventConverter(onEvent));
}

