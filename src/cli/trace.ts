// CLI views of a Go execution trace (src/formats/gotrace + src/analysis/trace): a one-line
// JSON summary and the per-goroutine statistics of `go tool trace`'s goroutine analysis.

import {
  goroutineGroups,
  summarizeGoroutines,
  type GoroutineGroup,
  type GoroutineSummary,
  type SummaryOptions,
} from '../analysis/trace/goroutines.ts';
import { traceEvents } from '../analysis/trace/states.ts';
import type { Generation } from '../formats/gotrace/model.ts';
import { readGoTrace } from '../formats/gotrace/reader.ts';
import { Ev } from '../formats/gotrace/spec.ts';

export interface TraceSummaryJson {
  format: 'go-trace';
  /** Trace format version, e.g. "1.26" (Go 1.24 writes format 1.23). */
  version: string;
  generations: number;
  /** GoCreate + GoCreateBlocked events (goroutines created by `go` statements during the trace). */
  goroutinesCreated: number;
  /** GC cycles that both began and ended inside the trace (GCBegin … GCEnd). */
  gcCycles: number;
  /** Stop-the-world pauses that ended inside the trace (STWEnd events). */
  stwPauses: number;
  /** UserTaskBegin events. */
  userTasks: number;
  /** UserRegionBegin events. */
  userRegions: number;
  /** UserLog events. */
  userLogs: number;
  cpuSamples: number;
  /** Last event time − first event time (ns). */
  durationNs: number;
  /** Set when the file ends early or is damaged after some complete generations. */
  warning?: string;
}

/** Generations of a whole trace as Go's reader would deliver them (the partial one included). */
export function traceGenerations(bytes: Uint8Array): { gens: Generation[]; version: string; warning?: string } {
  const r = readGoTrace(bytes);
  // A legacy (1.11–1.21) trace converts whole or not at all (formats/gotrace/v1).
  if (r.header.kind === 'legacy' && r.list.length === 0 && r.warning) throw r.warning;
  const gens = r.partial ? [...r.list, r.partial] : r.list;
  return { gens, version: `1.${r.header.version}`, ...(r.warning ? { warning: r.warning.message } : {}) };
}

export function traceSummary(bytes: Uint8Array): TraceSummaryJson {
  const { gens, version, warning } = traceGenerations(bytes);
  // Legacy traces start with a Sync at -1 ns, so no negative sentinel.
  let first: number | null = null;
  let last = 0;
  let created = 0;
  let gcCycles = 0;
  let gcOpen = false;
  let stw = 0;
  let tasks = 0;
  let regions = 0;
  let logs = 0;
  let samples = 0;
  traceEvents(gens, (e) => {
    first ??= e.t;
    last = e.t;
    switch (e.kind) {
      case 'go':
        if (e.from === 'NotExist' && (e.code === Ev.GoCreate || e.code === Ev.GoCreateBlocked)) created++;
        return;
      case 'rangeBegin':
        if (e.code === Ev.GCBegin) gcOpen = true;
        return;
      case 'rangeEnd':
        if (e.code === Ev.GCEnd) {
          if (gcOpen) gcCycles++;
          gcOpen = false;
        } else if (e.code === Ev.STWEnd) stw++;
        return;
      case 'taskBegin':
        tasks++;
        return;
      case 'regionBegin':
        regions++;
        return;
      case 'log':
        logs++;
        return;
      case 'sample':
        samples++;
        return;
      default:
        return;
    }
  });
  return {
    format: 'go-trace',
    version,
    generations: gens.length,
    goroutinesCreated: created,
    gcCycles,
    stwPauses: stw,
    userTasks: tasks,
    userRegions: regions,
    userLogs: logs,
    cpuSamples: samples,
    durationNs: first === null ? 0 : last - first,
    ...(warning !== undefined ? { warning } : {}),
  };
}

export interface TraceGoroutineJson {
  id: number | string;
  /** Root frame of the goroutine's stacks ('' = never seen with a stack). */
  startFunction: string;
  execNs: number;
  schedWaitNs: number;
  blockNs: Record<string, number>;
  syscallNs: number;
  syscallBlockNs: number;
  /** Presence in the trace (overlaps the others). */
  totalNs: number;
  /** Time inside GC mark assist / incremental sweep / stop-the-world ranges (overlaps). */
  rangeNs: Record<string, number>;
  /** Trace times (ns); 0 = not in the trace (never started / never ended). */
  creationNs: number;
  startNs: number;
  endNs: number;
}

function goroutineJson(g: GoroutineSummary): TraceGoroutineJson {
  return {
    id: typeof g.id === 'bigint' ? g.id.toString() : g.id,
    startFunction: g.name,
    execNs: g.execNs,
    schedWaitNs: g.schedWaitNs,
    blockNs: g.blockNs,
    syscallNs: g.syscallNs,
    syscallBlockNs: g.syscallBlockNs,
    totalNs: g.totalNs,
    rangeNs: g.rangeNs,
    creationNs: g.creationNs,
    startNs: g.startNs,
    endNs: g.endNs,
  };
}

/**
 * Per-goroutine statistics (Go's goroutine summary), in goroutine id order. With
 * `window` the statistics cover [t0, t1) only (trace ns; goroutines absent from it omitted).
 */
export function traceGoroutines(bytes: Uint8Array, opts: SummaryOptions = {}): TraceGoroutineJson[] {
  const { gens } = traceGenerations(bytes);
  return summarizeGoroutines(gens, opts).goroutines.map(goroutineJson);
}

/** Goroutines grouped by start function, like `go tool trace`'s goroutine analysis page. */
export function traceGoroutineGroups(bytes: Uint8Array): GoroutineGroup[] {
  const { gens } = traceGenerations(bytes);
  return goroutineGroups(summarizeGoroutines(gens).goroutines);
}
