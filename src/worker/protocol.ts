// Messages between the UI thread and a source worker. One worker per loaded source:
// it decodes the bytes, keeps the model, and answers analysis queries, so the model's
// memory lives off the UI thread and cancelling a load is `worker.terminate()` (which
// stops even a decoder in a tight loop). Results carry typed arrays as transferables.

import type { CallTree } from '../analysis/callTree';
import type { SourceEvidence } from '../analysis/checklist';
import type { LabelKeySummary, LabelShare, TagFilter } from '../analysis/labels';
import type { TopTable } from '../analysis/top';
import type { DecodePhase } from '../formats';
import type { MapStats } from '../analysis/maps/stats';
import type { MapHotspots } from '../analysis/maps/hotspots';
import type { SimCounters, SimEvent } from '../analysis/maps/simulate';
import type { MapSnapshot } from '../formats/mapsnap/schema';
import type { SourceFormat, StackProfile, ValueType } from '../model/profile';
import type { TraceViewData } from '../analysis/trace/view';
import type { PerfViewData } from '../analysis/perf/viewData';
import type { PartMessage } from '../formats/perf/part';

/** What a load's progress counts: the worker reading a picked file (bytes), inflating, decoding. */
export type LoadPhase = 'read' | DecodePhase;

/** One frame of a dump group, as text (function, file:line). */
export interface DumpFrame {
  func: string;
  file: string;
  line: number;
}

export interface DumpGroupSummary {
  count: number;
  /** `chan receive` or `chan receive ×3, select ×1`. */
  state: string;
  maxWaitMinutes: number | null;
  /** Frames leaf first (the first member's stack). */
  frames: DumpFrame[];
  createdBy: DumpFrame | null;
  /** Function names root first, as the flame graph's zoom path names them. */
  zoomPath: string[];
  goroutineIds: number[];
  /** 'suspected' / 'possible' leak (see leakSuspicion in analysis/query.ts), or null. */
  leak: 'suspected' | 'possible' | null;
  leakReason: string;
}

export interface DumpMapCallSummary {
  goroutine: number | null;
  count: number;
  mapFunc: string;
  caller: DumpFrame | null;
}

/** A compact, structured-clone-able view of a Go dump (GoDump minus the heavy parts). */
export interface DumpSummary {
  kind: string;
  fatalError: string | null;
  panicMessage: string | null;
  signal: string | null;
  goroutineCount: number;
  groups: DumpGroupSummary[];
  mapGoroutines: number[];
  mapCalls: DumpMapCallSummary[];
  warnings: string[];
}

/** A loaded map snapshot (stacklens.mapsnap/v1) and its statistics. */
export interface MapSourceInfo {
  snapshot: MapSnapshot;
  stats: MapStats;
  problems: string[];
}

export interface SimulationResult {
  script: string;
  /** Parse or run error; the other fields are empty then. */
  error: string | null;
  lines: string[];
  /** 1-based step shown. */
  step: number;
  events: SimEvent[];
  counters: SimCounters | null;
  snapshot: MapSnapshot | null;
  stats: MapStats | null;
  note: string;
}

export interface AnalysisQuery {
  sampleType: number;
  /** Bottom-up (icicle) tree instead of top-down. */
  inverted: boolean;
  tagFocus: TagFilter[];
  /** Function node key for the sandwich view (callers and callees), or null. */
  focusKey: number | null;
  /** Go traces: only samples whose time (ns since the trace start) is in [t0, t1). */
  timeRange?: [number, number] | null;
  /** Go traces: only samples of this goroutine (the `goroutine` label), or null. */
  goroutine?: string | null;
  /** perf dumps: the event whose profile to show (index into summary.perf.events; absent = the busiest). */
  perfEvent?: number;
  /** perf dumps: weight samples by their period (when printed) or count them. */
  perfWeight?: 'period' | 'count';
  /** perf dumps: only samples of this process (pid; the tid when perf printed no pid), or null. */
  perfPid?: number | null;
  /** perf dumps: only samples of this thread, or null. (The time range is `timeRange`.) */
  perfTid?: number | null;
}

export interface MappingSummary {
  start: string;
  limit: string;
  offset: string;
  file: string;
  buildId: string;
}

export interface SourceSummary {
  name: string;
  format: SourceFormat | 'map-snapshot';
  encoding: string;
  byteLength: number;
  sampleTypes: ValueType[];
  defaultSampleType: number;
  periodType: ValueType | null;
  period: number;
  timeNanos: string;
  durationNanos: number;
  comments: string[];
  warnings: string[];
  dropFrames: string;
  keepFrames: string;
  docUrl: string;
  counts: { samples: number; locations: number; functions: number; mappings: number; stacks: number; labels: number };
  /** Σ value per sample type (signed) */
  totals: number[];
  mappings: MappingSummary[];
  labels: LabelKeySummary[];
  /** Function nodes (see analysis/nodes.ts): names as go tool pprof prints them, FuncKind, source file. */
  nodeNames: string[];
  /** The names as recorded in the profile (differs from nodeNames only where pprof simplifies
   * C++-looking names); show these in tooltips so nothing the profile says is hidden. */
  nodeFullNames: string[];
  nodeKinds: Uint8Array;
  nodeFiles: string[];
  decodeMs: number;
  /** Present when the source is a Go crash / goroutine dump. */
  dump?: DumpSummary;
  /** Present when the source is a map snapshot (then the profile fields are empty). */
  map?: MapSourceInfo;
  /** Present when the source is a Go execution trace: the Timeline view's data. */
  trace?: TraceViewData;
  /** Present when the source is a `perf script` dump: events, processes, timeline, execs.
   * The function keys (nodeNames…) then span every event's functions. */
  perf?: PerfViewData;
}

export interface AnalysisResult {
  query: AnalysisQuery;
  tree: CallTree;
  top: TopTable;
  /** Samples that pass the tag focus (all samples when there is none). */
  keptSamples: number;
  callers: CallTree | null;
  callees: CallTree | null;
  /** Labels of the focus function's samples (cum), heaviest first; [] without a focus. */
  focusLabels: LabelShare[];
  analyzeMs: number;
}

export type WorkerRequest =
  /** `cores`: navigator.hardwareConcurrency as the page sees it (emulated there in tests;
   * a worker's cannot be), for whether a big perf dump gets a second thread;
   * `workerSource`: inside a report, the worker's own source, to start that thread from
   * (scriptUrl.ts WorkerScript.source);
   * `source`: the bytes (transferred), or a picked File (a Blob: passed by reference, read by
   * the worker; a Go trace is then streamed from it and never held whole);
   * `nested`: sent by a source worker to the nested one that reads a Go trace for it
   * (nested.ts), which answers `nestedLoaded` and is then ended. */
  | { type: 'load'; job: number; name: string; source: ArrayBuffer | Blob; cores?: number; workerSource?: string; nested?: boolean }
  | { type: 'analyze'; job: number; query: AnalysisQuery }
  | { type: 'simulate'; job: number; script: string; step: number }
  | { type: 'export'; job: number; what: ExportKind; query: AnalysisQuery }
  | { type: 'mapHotspots'; job: number }
  /** The checklist's evidence of this source: computed on first request (the checklist or a
   * lesson is shown), so loading a big profile does not pay for it; a picked Go trace's comes
   * computed from the nested worker that read it (nested.ts, a few ms once the read is done). */
  | { type: 'evidence'; job: number }
  /** To a nested source worker (worker/perfPart.ts): scan this part of a perf script dump,
   * block by block. */
  | { type: 'perfPart'; job: number; bytes: ArrayBuffer; block: number }
  /** To the same: stop before this block (the source worker scans it and those after). */
  | { type: 'perfPartLimit'; job: number; block: number };

/** What the Export menu writes from the worker's model (the SVG/PNG come from the DOM). */
export type ExportKind = 'pprof' | 'folded';

/** The exported file: gzip'd profile.proto (transferred) or folded-stacks text. */
export type ExportResult = { what: 'pprof'; bytes: ArrayBuffer } | { what: 'folded'; text: string };

export type WorkerResponse =
  | { type: 'progress'; job: number; phase: LoadPhase; done: number; total: number }
  | { type: 'loaded'; job: number; summary: SourceSummary }
  /** From the nested worker that read a Go trace (nested.ts): the summary (its timeline
   * arrays transferred), the CPU profile and the checklist's evidence (copied). */
  | { type: 'nestedLoaded'; job: number; summary: SourceSummary; profile: StackProfile; evidence: SourceEvidence | null }
  | { type: 'analysis'; job: number; result: AnalysisResult }
  | { type: 'simulated'; job: number; result: SimulationResult }
  | { type: 'exported'; job: number; result: ExportResult }
  | { type: 'mapHotspots'; job: number; result: MapHotspots | null }
  | { type: 'evidence'; job: number; result: SourceEvidence | null }
  | { type: 'perfPart'; job: number; msg: PartMessage }
  | { type: 'error'; job: number; message: string };
