// The parsed form of a Go crash or goroutine dump: panics, fatal errors, signal/SIGQUIT
// dumps (any GOTRACEBACK level), runtime/pprof goroutine profiles at debug=2 (the same
// per-goroutine grammar) and debug=1 (stacks grouped with counts). See
// docs/go-maps-and-dumps.md §4 (shared docs) for the grammar.

import type { StackProfile } from '../../model/profile';

/**
 * What produced the dump. 'signal' is a dump started by a signal other than SIGQUIT
 * (e.g. `SIGABRT: abort` from cgo) with no panic or fatal error line.
 */
export type GoDumpKind = 'fatal' | 'panic' | 'sigquit' | 'signal' | 'debug2' | 'debug1';

export interface GoFrame {
  /** Function as printed: `pkg/path.(*T).M`, `main.f.func1`, `panic`, `non-Go function`. */
  func: string;
  /** Argument text between the parentheses, verbatim (`0xc000…, {…}, ...`); `...` for an inlined frame. */
  args: string;
  file: string;
  /** 0 when the location line is missing. */
  line: number;
  /** The ` +0x…` pc offset from the function entry; null when absent (inlined frames). */
  offset: number | null;
  /** `(...)` arguments: the frame was inlined into its caller (no pc offset). */
  inlined: boolean;
  /** `fp= sp= pc=` at GOTRACEBACK≥system; for debug=1 `pc` is the `#` line's address. */
  fp?: string;
  sp?: string;
  pc?: string;
}

export interface GoCreatedBy {
  func: string;
  file: string;
  line: number;
  offset: number | null;
  /** Parent goroutine (`created by … in goroutine N`, Go 1.21+); null when not printed. */
  goroutine: number | null;
}

export interface GoAncestor {
  /** `[originating from goroutine N]:` (GODEBUG=tracebackancestors). */
  goroutine: number;
  frames: GoFrame[];
  createdBy: GoCreatedBy | null;
}

export interface Goroutine {
  id: number;
  /** State / wait reason with the ` (leaked)`, ` (scan)`, ` (durable)` suffixes removed. */
  state: string;
  /** `, N minutes`; null when not printed (blocked under a minute or never scanned by GC). */
  waitMinutes: number | null;
  lockedToThread: boolean;
  /** Suffix flags of the state: 'leaked', 'scan', 'durable'. */
  stateFlags: string[];
  /** Go 1.26 `labels:{"k": "v"}` in the header (GODEBUG=tracebacklabels=1). */
  labels: Record<string, string>;
  frames: GoFrame[];
  createdBy: GoCreatedBy | null;
  /** An elision marker was printed (`...N frames elided...` or `...additional frames elided...`). */
  elided: boolean;
  /** N from `...N frames elided...` (Go 1.21+); null for the older sentence or no elision. */
  elidedFrames: number | null;
  ancestors: GoAncestor[];
  /** `goroutine running on other thread; stack unavailable`. */
  stackUnavailable: boolean;
  /** Header extras (Go 1.22+ at GOTRACEBACK≥system): `gp=0x…`, `m=N|nil`, `mp=0x…`. */
  gp: string | null;
  m: string | null;
  mp: string | null;
  /** `, synctest bubble N` / `, synctest group N`. */
  synctest: string | null;
  /** Any other comma-separated header item, verbatim. */
  headerExtras: string[];
  /** 1-based line of the header in the input. */
  line: number;
}

export interface GoroutineGroup {
  /** Number of goroutines with this stack (for debug=1: the record's count). */
  count: number;
  /** One-line summary of the members' states: `chan receive` or `chan receive ×3, select ×1`. */
  state: string;
  states: Record<string, number>;
  maxWaitMinutes: number | null;
  /** Frames as `func file:line` leaf first, then `created by func` (arguments ignored). */
  stackKey: string;
  goroutineIds: number[];
  /** Frames of the first member (debug=1: the `#` lines). */
  frames: GoFrame[];
  createdBy: GoCreatedBy | null;
  /** debug=1 `# labels:`; for dumps the labels all members share (same key and value). */
  labels: Record<string, string>;
}

/** A goroutine (or debug=1 group) stopped inside a runtime map function. */
export interface GoMapCall {
  /** Goroutine id; null for a debug=1 group. */
  goroutine: number | null;
  count: number;
  /** The outermost map frame, e.g. `runtime.mapassign_fast64` or `internal/runtime/maps.fatal`. */
  mapFunc: string;
  /** The first non-runtime frame below it: the code that used the map. */
  caller: GoFrame | null;
}

export interface GoSignal {
  /** `SIGQUIT`, `SIGSEGV`, … */
  name: string;
  /** `quit`, `segmentation violation code=0x1 addr=0x0 pc=0x…`, … */
  description: string;
  pc: string | null;
  m: string | null;
  sigcode: string | null;
  addr: string | null;
}

export interface GoDump {
  kind: GoDumpKind;
  /** Text after `fatal error: ` (first one). */
  fatalError: string | null;
  /** Text after `panic: ` (first one). */
  panicMessage: string | null;
  /** Every `panic:` line in order (re-panics print several). */
  panicChain: string[];
  signal: GoSignal | null;
  /** Frames of the `runtime stack:` section (system stack of a runtime throw). */
  runtimeStack: GoFrame[];
  goroutines: Goroutine[];
  groups: GoroutineGroup[];
  /** Ids of goroutines with a frame in a runtime map function (classic or Swiss). */
  mapGoroutines: number[];
  mapCalls: GoMapCall[];
  /** Register blocks (`rax 0x…`), one per signal section. */
  registers: Record<string, string>[];
  /** `exit status N` as printed by `go run` / `go test`; null when absent. */
  exitStatus: number | null;
  /** debug=1 `goroutine profile: total N`; null for other kinds. */
  total: number | null;
  /** Lines before the first goroutine that are not part of the grammar (program output). */
  preamble: string[];
  warnings: string[];
  profile: StackProfile;
}
