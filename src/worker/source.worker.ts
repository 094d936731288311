/// <reference lib="webworker" />
// Entry of a source worker (see protocol.ts): decode once, then answer queries.
// Also runs map simulations (stateless: `simulate` needs no loaded source).

import { analyze, dumpSummary, summarize } from '../analysis/query';
import { callTreeTransferables } from '../analysis/callTree';
import { mapStats } from '../analysis/maps/stats';
import { mapHotspots } from '../analysis/maps/hotspots';
import { decodeAny } from '../formats';
import { gunzipNative } from '../formats/gzip';
import type { StackProfile } from '../model/profile';
import type { Generation } from '../formats/gotrace/model';
import { traceViewData, traceViewTransferables, windowTable } from '../analysis/trace/view';
import type { AnalysisResult, WorkerRequest, WorkerResponse } from './protocol';
import { looksLikeMapSnapshot, mapSourceSummary, simulateStep } from './maps';

declare const self: DedicatedWorkerGlobalScope;

let profile: StackProfile | null = null;
let traceGens: Generation[] | null = null;
let traceOrigin = 0;

function post(msg: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

function resultTransferables(r: AnalysisResult): Transferable[] {
  // The top-down tree's structure arrays are cached here for the next query and must be
  // copied (structured clone), not transferred; its weights and everything else are fresh.
  const t: ArrayBuffer[] = [r.tree.total.buffer, r.tree.self.buffer, r.top.keys.buffer, r.top.flat.buffer, r.top.cum.buffer] as ArrayBuffer[];
  if (r.callers) t.push(...callTreeTransferables(r.callers));
  if (r.callees) t.push(...callTreeTransferables(r.callees));
  return [...new Set(t)];
}

self.onmessage = async (ev: MessageEvent<WorkerRequest>) => {
  const msg = ev.data;
  try {
    if (msg.type === 'load') {
      const t0 = performance.now();
      const input = new Uint8Array(msg.bytes);
      // Map snapshots (JSON with schema stacklens.mapsnap/v1) are not profiles: sniffed here.
      if (looksLikeMapSnapshot(input)) {
        const info = mapSourceSummary(input);
        if (info) {
          profile = null;
          post({ type: 'loaded', job: msg.job, summary: { ...info.summary(msg.name, msg.bytes.byteLength, performance.now() - t0), map: { ...info.map, stats: mapStats(info.map.snapshot) } } });
          return;
        }
      }
      // Throttle progress messages: a few per percent is plenty for a progress bar.
      let last = 0;
      const decoded = await decodeAny(input, {
        // Native DecompressionStream measured faster than pako (bench/); it falls back itself.
        gunzip: gunzipNative,
        onProgress: (phase, done, total) => {
          const now = performance.now();
          if (now - last > 50 || done === total) {
            last = now;
            post({ type: 'progress', job: msg.job, phase, done, total });
          }
        },
      });
      profile = decoded.profile;
      const summary = summarize(profile, msg.name, msg.bytes.byteLength, performance.now() - t0);
      if (decoded.kind === 'go-dump') summary.dump = dumpSummary(decoded.dump, decoded.profile);
      else {
        // Samples inside the runtime's map code, by caller (the Map view's hotspots table).
        const hotspots = mapHotspots(profile);
        if (hotspots.heap || hotspots.mapSamples > 0) summary.mapHotspots = hotspots;
      }
      let transfer: Transferable[] = [];
      traceGens = null;
      if (decoded.kind === 'go-trace') {
        // The same generations the CLI reads (the partial one too), so the tables agree.
        const r = decoded.trace;
        const gens = r.partial ? [...r.list, r.partial] : r.list;
        try {
          const data = traceViewData(gens);
          summary.trace = data;
          traceGens = gens;
          traceOrigin = data.originNs;
          transfer = traceViewTransferables(data);
        } catch (e) {
          summary.warnings = [...summary.warnings, `The timeline could not be built: ${e instanceof Error ? e.message : String(e)}`];
        }
      }
      post({ type: 'loaded', job: msg.job, summary }, transfer);
    } else if (msg.type === 'analyze') {
      if (!profile) throw new Error('no profile loaded in this worker');
      const result = analyze(profile, msg.query);
      post({ type: 'analysis', job: msg.job, result }, resultTransferables(result));
    } else if (msg.type === 'traceWindow') {
      if (!traceGens) throw new Error('no trace loaded in this worker');
      post({ type: 'traceWindow', job: msg.job, rows: windowTable(traceGens, traceOrigin, msg.t0, msg.t1) });
    } else if (msg.type === 'simulate') {
      post({ type: 'simulated', job: msg.job, result: simulateStep(msg.script, msg.step) });
    }
  } catch (e) {
    post({ type: 'error', job: msg.job, message: e instanceof Error ? e.message : String(e) });
  }
};
