// Event table of the legacy Go execution-trace format written by Go 1.11–1.21 (headers
// "go 1.11 trace" for Go 1.11–1.18, "go 1.19 trace" for 1.19–1.20, "go 1.21 trace").
//
// Event codes and argument lists follow the runtime's trace.go of those releases, as Go's
// internal/trace/internal/tracev1 reads them. Every event except Batch, Frequency,
// TimerGoroutine, Stack and String starts with a timestamp delta (not listed in `args`);
// events with `stack` end with a stack id.

/** Header versions Go reads as legacy traces. */
export type GoTraceV1Version = 11 | 19 | 21;

export const V1_VERSIONS: readonly GoTraceV1Version[] = [11, 19, 21];

export const V1 = {
  None: 0,
  Batch: 1,
  Frequency: 2,
  Stack: 3,
  Gomaxprocs: 4,
  ProcStart: 5,
  ProcStop: 6,
  GCStart: 7,
  GCDone: 8,
  STWStart: 9,
  STWDone: 10,
  GCSweepStart: 11,
  GCSweepDone: 12,
  GoCreate: 13,
  GoStart: 14,
  GoEnd: 15,
  GoStop: 16,
  GoSched: 17,
  GoPreempt: 18,
  GoSleep: 19,
  GoBlock: 20,
  GoUnblock: 21,
  GoBlockSend: 22,
  GoBlockRecv: 23,
  GoBlockSelect: 24,
  GoBlockSync: 25,
  GoBlockCond: 26,
  GoBlockNet: 27,
  GoSysCall: 28,
  GoSysExit: 29,
  GoSysBlock: 30,
  GoWaiting: 31,
  GoInSyscall: 32,
  HeapAlloc: 33,
  HeapGoal: 34,
  TimerGoroutine: 35,
  FutileWakeup: 36,
  String: 37,
  GoStartLocal: 38,
  GoUnblockLocal: 39,
  GoSysExitLocal: 40,
  GoStartLabel: 41,
  GoBlockGC: 42,
  GCMarkAssistStart: 43,
  GCMarkAssistDone: 44,
  UserTaskCreate: 45,
  UserTaskEnd: 46,
  UserRegion: 47,
  UserLog: 48,
  CPUSample: 49,
  Count: 50,
} as const;

export interface V1EventDesc {
  readonly name: string;
  /** Oldest format version (1.N) that has the event. */
  readonly minVersion: number;
  /** The event ends with a stack id. */
  readonly stack: boolean;
  /** Argument names after the timestamp delta (without the stack id). */
  readonly args: readonly string[];
}

const d = (name: string, minVersion: number, stack: boolean, args: string[] = []): V1EventDesc => ({ name, minVersion, stack, args });

/** Descriptions by event code (index < V1.Count). */
export const V1_DESC: readonly V1EventDesc[] = [
  d('None', 5, false),
  d('Batch', 5, false, ['p', 'ticks']),
  d('Frequency', 5, false, ['freq']),
  d('Stack', 5, false, ['id', 'siz']),
  d('Gomaxprocs', 5, true, ['procs']),
  d('ProcStart', 5, false, ['thread']),
  d('ProcStop', 5, false),
  d('GCStart', 5, true, ['seq']),
  d('GCDone', 5, false),
  d('GCSTWStart', 5, false, ['kindid']),
  d('GCSTWDone', 5, false),
  d('GCSweepStart', 5, true),
  d('GCSweepDone', 5, false, ['swept', 'reclaimed']),
  d('GoCreate', 5, true, ['g', 'stack']),
  d('GoStart', 5, false, ['g', 'seq']),
  d('GoEnd', 5, false),
  d('GoStop', 5, true),
  d('GoSched', 5, true),
  d('GoPreempt', 5, true),
  d('GoSleep', 5, true),
  d('GoBlock', 5, true),
  d('GoUnblock', 5, true, ['g', 'seq']),
  d('GoBlockSend', 5, true),
  d('GoBlockRecv', 5, true),
  d('GoBlockSelect', 5, true),
  d('GoBlockSync', 5, true),
  d('GoBlockCond', 5, true),
  d('GoBlockNet', 5, true),
  d('GoSysCall', 5, true),
  d('GoSysExit', 5, false, ['g', 'seq', 'ts']),
  d('GoSysBlock', 5, false),
  d('GoWaiting', 5, false, ['g']),
  d('GoInSyscall', 5, false, ['g']),
  d('HeapAlloc', 5, false, ['mem']),
  d('HeapGoal', 5, false, ['mem']),
  d('TimerGoroutine', 5, false, ['g']),
  d('FutileWakeup', 5, false),
  d('String', 7, false),
  d('GoStartLocal', 7, false, ['g']),
  d('GoUnblockLocal', 7, true, ['g']),
  d('GoSysExitLocal', 7, false, ['g', 'ts']),
  d('GoStartLabel', 8, false, ['g', 'seq', 'labelid']),
  d('GoBlockGC', 8, true),
  d('GCMarkAssistStart', 9, true),
  d('GCMarkAssistDone', 9, false),
  d('UserTaskCreate', 11, true, ['taskid', 'pid', 'typeid']),
  d('UserTaskEnd', 11, true, ['taskid']),
  d('UserRegion', 11, true, ['taskid', 'mode', 'typeid']),
  d('UserLog', 11, true, ['id', 'keyid']),
  d('CPUSample', 19, true, ['ts', 'p', 'g']),
];

/**
 * Argument slots stored per event. `*Local` events are renamed to their global variant
 * once merged, so they get that variant's slots (the extra ones stay 0, as in Go's fixed
 * [4]uint64); UserLog keeps the index of its inline value string in slot 3.
 */
export const V1_SLOTS: Uint8Array = (() => {
  const a = new Uint8Array(256);
  V1_DESC.forEach((x, i) => (a[i] = x.args.length));
  a[V1.GoStartLocal] = 2;
  a[V1.GoUnblockLocal] = 2;
  a[V1.GoSysExitLocal] = 3;
  a[V1.UserLog] = 4;
  return a;
})();

/** Fake P ids Go's legacy parser assigns (visible as the P of converted events). */
export const FakeP = {
  TimerP: 1000001,
  NetpollP: 1000002,
  SyscallP: 1000003,
  GCP: 1000004,
  ProfileP: 1000005,
} as const;

/** Stop-the-world reasons of Go 1.21 (index = the STWStart kind argument). */
export const STW_REASONS: readonly string[] = [
  '',
  'GC mark termination',
  'GC sweep termination',
  'write heap dump',
  'goroutine profile',
  'goroutine profile cleanup',
  'all goroutine stack trace',
  'read mem stats',
  'AllThreadsSyscall',
  'GOMAXPROCS',
  'start trace',
  'stop trace',
  'CountPagesInUse (test)',
  'ReadMetricsSlow (test)',
  'ReadMemStatsSlow (test)',
  'PageCachePagesLeaked (test)',
  'ResetDebugLog (test)',
];

/** Go's mapping of the STWStart kind argument to an index into STW_REASONS, per version. */
export function stwReason(version: number, kind: number | bigint): number {
  if (version < 21) return kind === 0 || kind === 1 ? Number(kind) + 1 : 0;
  if (version === 21) return typeof kind === 'number' && kind < STW_REASONS.length ? kind : 0;
  return 0;
}

/**
 * Reason strings the converter gives the v2 events it emits, in Go's order (their string
 * ids follow the trace's own strings and the inline UserLog values).
 */
export const BLOCK_REASONS = [
  'forever',
  'preempted',
  'runtime.Gosched',
  'sleep',
  'chan send',
  'chan receive',
  'network',
  'sync',
  'sync.(*Cond).Wait',
  'select',
  '',
  'GC mark assist wait for work',
] as const;

export const Reason = {
  Forever: 0,
  Preempted: 1,
  Gosched: 2,
  Sleep: 3,
  ChanSend: 4,
  ChanRecv: 5,
  Network: 6,
  Sync: 7,
  SyncCond: 8,
  Select: 9,
  Empty: 10,
  MarkAssistWait: 11,
  /** STW reasons start here (index + STW_REASONS index). */
  STW: 12,
} as const;
