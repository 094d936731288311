// A `perf script` source in the worker: the decoded dump stays here (PerfWorkspace answers
// the analysis queries); the summary gets the perf views' data and the union function keys.

import type { PerfDump } from '../../formats/perf/model';
import type { SourceSummary } from '../../worker/protocol';
import { PerfWorkspace } from './analyze';
import { MAX_SWITCH_MARKERS, scanPerfMarkers } from './markers';
import { buildPerfViewData, perfViewTransferables } from './viewData';

export interface LoadedPerf {
  workspace: PerfWorkspace;
  transfer: Transferable[];
}

/**
 * Completes `summary` (made from the default event's profile) for a perf source: function
 * keys of all events, sample counts over all events, the `perf` block, and warnings for
 * unparsed lines. `text` is the (inflated) `perf script` text `dump` was decoded from.
 */
export function loadPerf(dump: PerfDump, text: Uint8Array, summary: SourceSummary): LoadedPerf {
  const ws = new PerfWorkspace(dump);
  const scan = dump.tracepoints.size > 0 ? scanPerfMarkers(text, dump) : null;
  const tasks = dump.profiles.map((_, ev) => ws.tasks(ev));
  const view = buildPerfViewData(dump, scan, tasks);
  summary.perf = view;
  summary.nodeNames = ws.nodes.names;
  summary.nodeFullNames = ws.nodes.fullNames;
  summary.nodeKinds = ws.nodes.kinds;
  summary.nodeFiles = ws.nodes.files;
  summary.counts = { ...summary.counts, functions: ws.nodes.names.length, samples: dump.profiles.reduce((a, e) => a + e.profile.samples.length, 0) };
  const warnings = [...summary.warnings];
  for (const e of dump.profiles) {
    if (e.profile === dump.profiles[ws.defaultEvent].profile) continue;
    for (const w of e.profile.warnings) if (!warnings.includes(w)) warnings.push(w);
  }
  if (dump.unparsedLines > 0) {
    const first = dump.unparsedExamples.map((x) => `line ${x.line}: ${JSON.stringify(x.text.slice(0, 80))}`).join('; ');
    warnings.push(`${dump.unparsedLines} line${dump.unparsedLines === 1 ? '' : 's'} could not be parsed and were skipped${first ? ` (${first})` : ''}`);
  }
  if (scan && scan.markers.droppedSwitches > 0) {
    warnings.push(`The process timeline draws the first ${MAX_SWITCH_MARKERS.toLocaleString('en-US')} sched_switch records; ${scan.markers.droppedSwitches.toLocaleString('en-US')} more are in the sched_switch flame graph but not drawn`);
  }
  summary.warnings = warnings;
  return { workspace: ws, transfer: perfViewTransferables(view) };
}
