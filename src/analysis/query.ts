// The two questions every view asks of a loaded profile — "what is it?" and "show it
// for this sample type / filter / focus" — answered identically for the worker (browser)
// and the CLI (Node).

import type { StackProfile } from '../model/profile';
import type { AnalysisQuery, AnalysisResult, SourceSummary } from '../worker/protocol';
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

export function analyze(p: StackProfile, query: AnalysisQuery): AnalysisResult {
  const t0 = performance.now();
  const mask = tagFocusMask(p, query.tagFocus);
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
