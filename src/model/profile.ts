// The normalized sampled-stack model shared by every format (pprof, perf script,
// trace CPU samples, goroutine dumps). Tables are struct-of-arrays over typed arrays
// so a decoded profile crosses the worker boundary as transferable buffers and
// aggregations run over flat memory instead of millions of small objects.
//
// Index conventions: every cross-table reference is a row index (not a format id);
// -1 means "none". Strings are indices into `strings`; index 0 is always "".

export interface ValueType {
  type: string;
  unit: string;
}

/** What kind of code a function is; drives colouring (kernel/JIT apart from user). */
export const FuncKind = {
  User: 0,
  Kernel: 1,
  Jit: 2,
  /** A frame with no symbol: only an address (and maybe a mapping) is known. */
  Unsymbolized: 3,
} as const;
export type FuncKind = (typeof FuncKind)[keyof typeof FuncKind];

/**
 * One row per function as a reader sees it: `name` is the function's identity and what
 * every view prints — for pprof exactly the name `go tool pprof` prints (its symbolizer
 * simplifies names that look like demangled C++), so two Function entries with the same
 * printed name are one row, as they are one node in pprof's reports.
 */
export interface FuncTable {
  length: number;
  name: Int32Array;
  /** The name exactly as the input recorded it (differs from `name` only where simplified). */
  recordedName: Int32Array;
  fileName: Int32Array;
  startLine: Float64Array;
  kind: Uint8Array;
}

export const MAPPING_HAS_FUNCTIONS = 1;
export const MAPPING_HAS_FILENAMES = 2;
export const MAPPING_HAS_LINE_NUMBERS = 4;
export const MAPPING_HAS_INLINE_FRAMES = 8;

export interface MappingTable {
  length: number;
  start: BigUint64Array;
  limit: BigUint64Array;
  offset: BigUint64Array;
  fileName: Int32Array;
  buildId: Int32Array;
  flags: Uint8Array;
}

/**
 * Locations own a contiguous run of frames, leaf-first (pprof Line order):
 * frames[frameStart[i] .. frameStart[i + 1]).
 */
export interface LocationTable {
  length: number;
  address: BigUint64Array;
  mapping: Int32Array;
  folded: Uint8Array;
  frameStart: Int32Array;
}

/** One row per (location, line): an inlined call expands into several frames. */
export interface FrameTable {
  length: number;
  func: Int32Array;
  location: Int32Array;
  line: Float64Array;
  column: Float64Array;
  /** 1 when this frame was inlined into the frame below it (its caller). */
  inlined: Uint8Array;
}

/**
 * A prefix tree of functions: stack i is func[i] called from stack prefix[i]; a stack
 * never has two children with the same function, so the table is the top-down call tree.
 * Stacks are kept at function granularity (pprof's default report granularity): inlined
 * calls are separate entries, while lines and addresses live in the location/frame tables.
 * Invariant: prefix[i] < i, so one forward pass visits parents before children.
 */
export interface StackTable {
  length: number;
  prefix: Int32Array;
  func: Int32Array;
  /** 1 when no ancestor stack has the same function: where a recursive function first
   * appears on its path. Summing over these counts a sample once per function (pprof's cum). */
  firstOfFunc: Uint8Array;
}

/** Labels of sample i are rows labelStart[i] .. labelStart[i + 1] of the label table. */
export interface LabelTable {
  length: number;
  key: Int32Array;
  /** String value, or -1 for a numeric label. */
  str: Int32Array;
  num: Float64Array;
  /** Unit of a numeric label, or -1. */
  unit: Int32Array;
}

export interface SampleTable {
  length: number;
  /** Stack of the sample, -1 when the stack is empty (e.g. after drop_frames). */
  stack: Int32Array;
  /** Locations of sample i, leaf first: location[locationStart[i] .. locationStart[i + 1]).
   * The full-fidelity stack (addresses, lines) behind the function-level `stack`. */
  locationStart: Int32Array;
  location: Int32Array;
  /** One column per sample type, same order as StackProfile.sampleTypes. */
  values: Float64Array[];
  /** Sample time in ns since the profile start, when the format has one. */
  time: Float64Array | null;
  labelStart: Int32Array;
}

export type SourceFormat = 'pprof' | 'pprof-legacy' | 'perf-script' | 'go-trace' | 'go-dump';

export interface StackProfile {
  format: SourceFormat;
  /** Human name of the concrete encoding, e.g. "pprof protobuf (gzip)". */
  encoding: string;
  strings: string[];
  sampleTypes: ValueType[];
  /** Index into sampleTypes that a reader shows first. */
  defaultSampleType: number;
  periodType: ValueType | null;
  period: number;
  /** Start of the profile in ns since the Unix epoch, as an exact decimal ("0" when unknown):
   * epoch nanoseconds exceed 2^53, so a number would round them. */
  timeNanos: string;
  durationNanos: number;
  comments: string[];
  dropFrames: string;
  keepFrames: string;
  docUrl: string;
  funcs: FuncTable;
  mappings: MappingTable;
  locations: LocationTable;
  frames: FrameTable;
  stacks: StackTable;
  samples: SampleTable;
  labels: LabelTable;
  /** Non-fatal problems the reader must see (e.g. a drop_frames regex JS cannot honour). */
  warnings: string[];
}
