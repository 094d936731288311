// Event table of the Go 1.22+ ("v2", generational) execution-trace wire format.
//
// Event codes are shared by every v2 format version; later versions only append codes.
// Each entry gives the argument names in wire order. For timed events the first argument
// is always `dt` (ticks since the previous event of the same batch). Argument lists of the
// common events have not changed between 1.22 and 1.26.
//
// Written from the format notes in docs (shared/docs/go-execution-trace-format.md) and the
// semantics of Go's internal/trace/tracev2 event table.

/** Format versions of the generational encoding (the number after "go 1." in the header). */
export type GoTraceV2Version = 22 | 23 | 25 | 26;

export const V2_VERSIONS: readonly GoTraceV2Version[] = [22, 23, 25, 26];

/** Event type codes (one byte on the wire). */
export const Ev = {
  None: 0,
  EventBatch: 1,
  Stacks: 2,
  Stack: 3,
  Strings: 4,
  String: 5,
  CPUSamples: 6,
  CPUSample: 7,
  Frequency: 8,
  ProcsChange: 9,
  ProcStart: 10,
  ProcStop: 11,
  ProcSteal: 12,
  ProcStatus: 13,
  GoCreate: 14,
  GoCreateSyscall: 15,
  GoStart: 16,
  GoDestroy: 17,
  GoDestroySyscall: 18,
  GoStop: 19,
  GoBlock: 20,
  GoUnblock: 21,
  GoSyscallBegin: 22,
  GoSyscallEnd: 23,
  GoSyscallEndBlocked: 24,
  GoStatus: 25,
  STWBegin: 26,
  STWEnd: 27,
  GCActive: 28,
  GCBegin: 29,
  GCEnd: 30,
  GCSweepActive: 31,
  GCSweepBegin: 32,
  GCSweepEnd: 33,
  GCMarkAssistActive: 34,
  GCMarkAssistBegin: 35,
  GCMarkAssistEnd: 36,
  HeapAlloc: 37,
  HeapGoal: 38,
  GoLabel: 39,
  UserTaskBegin: 40,
  UserTaskEnd: 41,
  UserRegionBegin: 42,
  UserRegionEnd: 43,
  UserLog: 44,
  GoSwitch: 45,
  GoSwitchDestroy: 46,
  GoCreateBlocked: 47,
  GoStatusStack: 48,
  ExperimentalBatch: 49,
  Sync: 50,
  ClockSnapshot: 51,
  EndOfGeneration: 52,
  // AllocFree experiment (GODEBUG=traceallocfree=1), Go 1.23+.
  Span: 128,
  SpanAlloc: 129,
  SpanFree: 130,
  HeapObject: 131,
  HeapObjectAlloc: 132,
  HeapObjectFree: 133,
  GoroutineStack: 134,
  GoroutineStackAlloc: 135,
  GoroutineStackFree: 136,
} as const;

export type EvName = keyof typeof Ev;

export interface EventSpec {
  readonly code: number;
  readonly name: string;
  /** Argument names in wire order (for timed events the first is `dt`). */
  readonly args: readonly string[];
  /** Timed event: may appear inside an ordinary event batch. */
  readonly timed: boolean;
  /** First format version that defines the event. */
  readonly since: GoTraceV2Version;
  /** Indices into `args` of stack-id arguments. */
  readonly stackArgs: readonly number[];
  /** Indices into `args` of string-id arguments. */
  readonly stringArgs: readonly number[];
  /** Experiment id (0 = none). */
  readonly experiment: number;
}

interface SpecInit {
  args?: string[];
  timed?: boolean;
  since?: GoTraceV2Version;
  stacks?: number[];
  strs?: number[];
  exp?: number;
}

const table: Partial<Record<EvName, SpecInit>> = {
  EventBatch: { args: ['gen', 'm', 'time', 'size'] },
  Stacks: {},
  Stack: { args: ['id', 'nframes'] },
  Strings: {},
  String: { args: ['id'] },
  CPUSamples: {},
  CPUSample: { args: ['time', 'm', 'p', 'g', 'stack'], stacks: [4] },
  Frequency: { args: ['freq'] },
  ProcsChange: { args: ['dt', 'procs_value', 'stack'], timed: true, stacks: [2] },
  ProcStart: { args: ['dt', 'p', 'p_seq'], timed: true },
  ProcStop: { args: ['dt'], timed: true },
  ProcSteal: { args: ['dt', 'p', 'p_seq', 'm'], timed: true },
  ProcStatus: { args: ['dt', 'p', 'pstatus'], timed: true },
  GoCreate: { args: ['dt', 'new_g', 'new_stack', 'stack'], timed: true, stacks: [3, 2] },
  GoCreateSyscall: { args: ['dt', 'new_g'], timed: true },
  GoStart: { args: ['dt', 'g', 'g_seq'], timed: true },
  GoDestroy: { args: ['dt'], timed: true },
  GoDestroySyscall: { args: ['dt'], timed: true },
  GoStop: { args: ['dt', 'reason_string', 'stack'], timed: true, stacks: [2], strs: [1] },
  GoBlock: { args: ['dt', 'reason_string', 'stack'], timed: true, stacks: [2], strs: [1] },
  GoUnblock: { args: ['dt', 'g', 'g_seq', 'stack'], timed: true, stacks: [3] },
  GoSyscallBegin: { args: ['dt', 'p_seq', 'stack'], timed: true, stacks: [2] },
  GoSyscallEnd: { args: ['dt'], timed: true },
  GoSyscallEndBlocked: { args: ['dt'], timed: true },
  GoStatus: { args: ['dt', 'g', 'm', 'gstatus'], timed: true },
  STWBegin: { args: ['dt', 'kind_string', 'stack'], timed: true, stacks: [2], strs: [1] },
  STWEnd: { args: ['dt'], timed: true },
  GCActive: { args: ['dt', 'gc_seq'], timed: true },
  GCBegin: { args: ['dt', 'gc_seq', 'stack'], timed: true, stacks: [2] },
  GCEnd: { args: ['dt', 'gc_seq'], timed: true },
  GCSweepActive: { args: ['dt', 'p'], timed: true },
  GCSweepBegin: { args: ['dt', 'stack'], timed: true, stacks: [1] },
  GCSweepEnd: { args: ['dt', 'swept_value', 'reclaimed_value'], timed: true },
  GCMarkAssistActive: { args: ['dt', 'g'], timed: true },
  GCMarkAssistBegin: { args: ['dt', 'stack'], timed: true, stacks: [1] },
  GCMarkAssistEnd: { args: ['dt'], timed: true },
  HeapAlloc: { args: ['dt', 'heapalloc_value'], timed: true },
  HeapGoal: { args: ['dt', 'heapgoal_value'], timed: true },
  GoLabel: { args: ['dt', 'label_string'], timed: true, strs: [1] },
  UserTaskBegin: { args: ['dt', 'task', 'parent_task', 'name_string', 'stack'], timed: true, stacks: [4], strs: [3] },
  UserTaskEnd: { args: ['dt', 'task', 'stack'], timed: true, stacks: [2] },
  UserRegionBegin: { args: ['dt', 'task', 'name_string', 'stack'], timed: true, stacks: [3], strs: [2] },
  UserRegionEnd: { args: ['dt', 'task', 'name_string', 'stack'], timed: true, stacks: [3], strs: [2] },
  UserLog: { args: ['dt', 'task', 'key_string', 'value_string', 'stack'], timed: true, stacks: [4], strs: [2, 3] },
  GoSwitch: { args: ['dt', 'g', 'g_seq'], timed: true, since: 23 },
  GoSwitchDestroy: { args: ['dt', 'g', 'g_seq'], timed: true, since: 23 },
  GoCreateBlocked: { args: ['dt', 'new_g', 'new_stack', 'stack'], timed: true, since: 23, stacks: [3, 2] },
  GoStatusStack: { args: ['dt', 'g', 'm', 'gstatus', 'stack'], timed: true, since: 23, stacks: [4] },
  ExperimentalBatch: { args: ['exp', 'gen', 'm', 'time', 'size'], since: 23 },
  Sync: { since: 25 },
  // Only inside a sync batch; its dt is relative to the batch time.
  ClockSnapshot: { args: ['dt', 'mono', 'sec', 'nsec'], since: 25 },
  EndOfGeneration: { since: 26 },
  Span: { args: ['dt', 'id', 'npages_value', 'kindclass'], timed: true, since: 23, exp: 1 },
  SpanAlloc: { args: ['dt', 'id', 'npages_value', 'kindclass'], timed: true, since: 23, exp: 1 },
  SpanFree: { args: ['dt', 'id'], timed: true, since: 23, exp: 1 },
  HeapObject: { args: ['dt', 'id', 'type'], timed: true, since: 23, exp: 1 },
  HeapObjectAlloc: { args: ['dt', 'id', 'type'], timed: true, since: 23, exp: 1 },
  HeapObjectFree: { args: ['dt', 'id'], timed: true, since: 23, exp: 1 },
  GoroutineStack: { args: ['dt', 'id', 'order'], timed: true, since: 23, exp: 1 },
  GoroutineStackAlloc: { args: ['dt', 'id', 'order'], timed: true, since: 23, exp: 1 },
  GoroutineStackFree: { args: ['dt', 'id'], timed: true, since: 23, exp: 1 },
};

/** Spec by event code (undefined for codes that are not events). */
export const SPECS: readonly (EventSpec | undefined)[] = (() => {
  const out: (EventSpec | undefined)[] = new Array(256).fill(undefined);
  for (const name of Object.keys(table) as EvName[]) {
    const s = table[name]!;
    const code = Ev[name];
    out[code] = {
      code,
      name,
      args: s.args ?? [],
      timed: s.timed ?? false,
      since: s.since ?? 22,
      stackArgs: s.stacks ?? [],
      stringArgs: s.strs ?? [],
      experiment: s.exp ?? 0,
    };
  }
  return out;
})();

/**
 * For each code: the number of uvarint arguments a timed event carries *after* `dt`, or -1
 * when the code is not a timed event (and so cannot appear inside an event batch).
 */
export const TIMED_EXTRA_ARGS: Int8Array = (() => {
  const a = new Int8Array(256).fill(-1);
  for (const s of SPECS) if (s !== undefined && s.timed) a[s.code] = s.args.length - 1;
  return a;
})();

/** Largest number of arguments after `dt` of any timed event. */
export const MAX_EXTRA_ARGS = 4;

/** Name of an event code ("Invalid(N)" when unknown). */
export function eventName(code: number): string {
  return SPECS[code]?.name ?? `Invalid(${code})`;
}

/** Whether the event code is defined for the given format version. */
export function definedIn(code: number, version: GoTraceV2Version): boolean {
  const s = SPECS[code];
  return s !== undefined && s.since <= version;
}

// Limits from the runtime (tracev2): checked before allocating anything.
export const MAX_BATCH_SIZE = 64 << 10;
export const MAX_STRING_SIZE = 1 << 10;
export const MAX_FRAMES_PER_STACK = 128;

/** Goroutine status codes carried by GoStatus/GoStatusStack. */
export const GoStatusCode = { Bad: 0, Runnable: 1, Running: 2, Syscall: 3, Waiting: 4 } as const;
/** Proc status codes carried by ProcStatus. */
export const ProcStatusCode = { Bad: 0, Running: 1, Idle: 2, Syscall: 3, SyscallAbandoned: 4 } as const;
/** Experiments that can appear in experimental batches. */
export const Experiment = { None: 0, AllocFree: 1 } as const;
