// The two questions every view asks of a loaded profile — "what is it?" and "show it
// for this sample type / filter / focus" — answered identically for the worker (browser)
// and the CLI (Node).

import type { GoCreatedBy, GoDump, GoFrame, GoroutineGroup } from '../formats/godump/model';
import type { StackProfile } from '../model/profile';
import type { AnalysisQuery, AnalysisResult, DumpFrame, DumpGroupSummary, DumpSummary, SourceSummary } from '../worker/protocol';
import { callTree, callersTree, calleesTree, invertedCallTree, sampleWeights } from './callTree';
import { labelSummary, labelsOfFunction, tagFocusMask } from './labels';
import { funcNodes } from './nodes';
import { absTotal, topFromTree } from './top';

export function summarize(p: StackProfile, name: string, byteLength: number, decodeMs: number): SourceSummary {
  const nodes = funcNodes(p);
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  const mappings = [];
  for (let i = 0; i < p.mappings.length; i++) {
    mappings.push({
      start: hex(p.mappings.start[i]),
      limit: hex(p.mappings.limit[i]),
      offset: hex(p.mappings.offset[i]),
      file: p.strings[p.mappings.fileName[i]],
      buildId: p.strings[p.mappings.buildId[i]],
    });
  }
  return {
    name,
    format: p.format,
    encoding: p.encoding,
    byteLength,
    sampleTypes: p.sampleTypes,
    defaultSampleType: p.defaultSampleType,
    periodType: p.periodType,
    period: p.period,
    timeNanos: p.timeNanos,
    durationNanos: p.durationNanos,
    comments: p.comments,
    warnings: p.warnings,
    dropFrames: p.dropFrames,
    keepFrames: p.keepFrames,
    docUrl: p.docUrl,
    counts: {
      samples: p.samples.length,
      locations: p.locations.length,
      functions: p.funcs.length,
      mappings: p.mappings.length,
      stacks: p.stacks.length,
      labels: p.labels.length,
    },
    totals: p.samples.values.map((col) => col.reduce((a, b) => a + b, 0)),
    mappings,
    labels: labelSummary(p),
    nodeNames: nodes.names,
    nodeFullNames: nodes.fullNames,
    nodeKinds: nodes.kinds,
    nodeFiles: nodes.files,
    decodeMs,
  };
}

/** Clears mask[i] for every sample whose time is not in [t0, t1) (no times: clears all). */
export function keepTimeRange(mask: Uint8Array, time: ArrayLike<number> | undefined | null, range: readonly [number, number]): void {
  const [t0, t1] = range;
  for (let i = 0; i < mask.length; i++) {
    const t = time ? time[i] : NaN;
    if (!(t >= t0 && t < t1)) mask[i] = 0;
  }
}

/**
 * The tag-focus mask further restricted to samples in query.timeRange ([t0, t1) on
 * `samples.time`) and of query.goroutine (the `goroutine` label); null = all samples.
 */
export function traceMask(p: StackProfile, query: AnalysisQuery, tagMask: Uint8Array | null): Uint8Array | null {
  const range = query.timeRange ?? null;
  const gor = query.goroutine ?? null;
  if (range === null && gor === null) return tagMask;
  const n = p.samples.length;
  const mask = tagMask ? tagMask.slice() : new Uint8Array(n).fill(1);
  if (range !== null) keepTimeRange(mask, p.samples.time, range);
  if (gor !== null) {
    const g = tagFocusMask(p, [{ key: 'goroutine', values: [gor] }]);
    if (g) for (let i = 0; i < n; i++) mask[i] &= g[i];
  }
  return mask;
}

/** The samples a query keeps — tag focus, trace time range, goroutine — or null for all:
 * what every view of the query shows, and what an export writes. */
export function queryMask(p: StackProfile, query: AnalysisQuery): Uint8Array | null {
  return traceMask(p, query, tagFocusMask(p, query.tagFocus));
}

export function analyze(p: StackProfile, query: AnalysisQuery): AnalysisResult {
  const t0 = performance.now();
  const mask = queryMask(p, query);
  const weights = sampleWeights(p, query.sampleType, mask);
  const nodes = funcNodes(p);
  const keyCount = nodes.names.length;
  const topDown = callTree(p, weights);
  const top = topFromTree(topDown, keyCount, nodes.names, absTotal(p.samples.values[query.sampleType]));
  const tree = query.inverted ? invertedCallTree(p, weights) : topDown;
  let kept = p.samples.length;
  if (mask) {
    kept = 0;
    for (let i = 0; i < mask.length; i++) kept += mask[i];
  }
  const focus = query.focusKey;
  const hasFocus = focus !== null && focus >= 0 && focus < keyCount;
  return {
    query,
    tree,
    top,
    keptSamples: kept,
    callers: hasFocus ? callersTree(topDown, focus, keyCount) : null,
    callees: hasFocus ? calleesTree(topDown, focus, keyCount) : null,
    focusLabels: hasFocus ? labelsOfFunction(p, weights, focus) : [],
    analyzeMs: performance.now() - t0,
  };
}

// ---------------------------------------------------------------------------------
// Go dumps

/**
 * Leak suspicion for a group of goroutines parked on the same stack. A goroutine is
 * "blocked" when its state is a wait reason (not running / runnable / syscall).
 *  - 'suspected': ≥ LEAK_MIN_COUNT (10) blocked goroutines waiting ≥ LEAK_MIN_WAIT_MINUTES
 *    (1 minute: Go prints the wait time only from one minute on), or
 *    ≥ LEAK_LARGE_COUNT (100) blocked goroutines whatever the wait.
 *  - 'possible': ≥ 10 blocked goroutines whose wait time is not printed (blocked under a
 *    minute, or not yet seen by the GC): the same shape, but no evidence of age yet.
 */
export const LEAK_MIN_COUNT = 10;
export const LEAK_MIN_WAIT_MINUTES = 1;
export const LEAK_LARGE_COUNT = 100;

const NOT_BLOCKED = new Set(['running', 'runnable', 'syscall', '']);

export function isBlockedState(state: string): boolean {
  return !NOT_BLOCKED.has(state.trim());
}

export function leakSuspicion(states: Record<string, number>, maxWaitMinutes: number | null): { leak: 'suspected' | 'possible' | null; reason: string } {
  const blocked = Object.entries(states).reduce((a, [st, n]) => a + (isBlockedState(st) ? n : 0), 0);
  if (blocked >= LEAK_LARGE_COUNT) return { leak: 'suspected', reason: `${blocked} goroutines blocked on the same stack (≥ ${LEAK_LARGE_COUNT})` };
  if (blocked >= LEAK_MIN_COUNT && maxWaitMinutes !== null && maxWaitMinutes >= LEAK_MIN_WAIT_MINUTES)
    return { leak: 'suspected', reason: `${blocked} goroutines blocked on the same stack for up to ${maxWaitMinutes} minutes (≥ ${LEAK_MIN_COUNT} and ≥ ${LEAK_MIN_WAIT_MINUTES} min)` };
  if (blocked >= LEAK_MIN_COUNT)
    return { leak: 'possible', reason: `${blocked} goroutines blocked on the same stack (≥ ${LEAK_MIN_COUNT}); no wait time printed, so each has waited under a minute or was not yet scanned` };
  return { leak: null, reason: '' };
}

function dframe(f: GoFrame | GoCreatedBy): DumpFrame {
  return { func: f.func, file: f.file, line: f.line };
}

/** The compact dump summary the worker sends with a dump source (groups sorted by count). */
export function dumpSummary(d: GoDump, p: StackProfile): DumpSummary {
  const nodes = funcNodes(p);
  const display = new Map<string, string>();
  nodes.fullNames.forEach((full, i) => {
    if (!display.has(full)) display.set(full, nodes.names[i]);
  });
  const name = (f: string) => display.get(f) ?? f;
  const debug1 = d.kind === 'debug1';
  const group = (g: GoroutineGroup): DumpGroupSummary => {
    const path = g.frames.map((f) => name(f.func)).reverse();
    if (g.createdBy && !debug1) path.unshift(name(`created by ${g.createdBy.func}`));
    const { leak, reason } = leakSuspicion(g.states, g.maxWaitMinutes);
    return {
      count: g.count,
      state: g.state,
      maxWaitMinutes: g.maxWaitMinutes,
      frames: g.frames.map(dframe),
      createdBy: g.createdBy ? dframe(g.createdBy) : null,
      zoomPath: path,
      goroutineIds: g.goroutineIds.slice(0, 1000),
      leak,
      leakReason: reason,
    };
  };
  const groups = d.groups.map(group).sort((a, b) => b.count - a.count);
  const sig = d.signal ? `${d.signal.name}: ${d.signal.description}` : null;
  return {
    kind: d.kind,
    fatalError: d.fatalError,
    panicMessage: d.panicMessage,
    signal: sig,
    goroutineCount: debug1 ? d.groups.reduce((a, g) => a + g.count, 0) : d.goroutines.length,
    groups,
    mapGoroutines: d.mapGoroutines,
    mapCalls: d.mapCalls.map((c) => ({ goroutine: c.goroutine, count: c.count, mapFunc: c.mapFunc, caller: c.caller ? dframe(c.caller) : null })),
    warnings: d.warnings,
  };
}
