/// <reference lib="webworker" />
// Entry of a source worker (see protocol.ts): decode once, then answer queries.
// Also runs map simulations (stateless: `simulate` needs no loaded source).

import { analyze, dumpSummary, summarize } from '../analysis/query';
import { callTreeTransferables } from '../analysis/callTree';
import { mapStats } from '../analysis/maps/stats';
import { mapHotspots } from '../analysis/maps/hotspots';
import { decodeAny, decodeGoTraceBlob, isGoTraceHead, type DecodeOptions } from '../formats';
import { collectEvidence, type EvidenceInput, type SourceEvidence } from '../analysis/checklist';
import { gunzipNative } from '../formats/gzip';
import type { StackProfile } from '../model/profile';
import { traceViewTransferables } from '../analysis/trace/view';
import { TraceLoader } from '../analysis/trace/load';
import type { AnalysisQuery, AnalysisResult, LoadPhase, SourceSummary, WorkerRequest, WorkerResponse } from './protocol';
import { exportFolded, exportPprof, queryView, type ExportView } from '../analysis/export';
import { gzipAsync } from '../share/compress';
import { tagFocusMask } from '../analysis/labels';
import { looksLikeMapSnapshot, mapSourceSummary, simulateStep } from './maps';
import type { PerfWorkspace } from '../analysis/perf/analyze';
import { loadPerf } from '../analysis/perf/source';
import { answerPerfPart, perfPartRunner } from './perfPart';
import { loadTraceInNestedWorker } from './nested';

declare const self: DedicatedWorkerGlobalScope;

let profile: StackProfile | null = null;
/** perf dumps: every event's profile stays here; queries name the event. */
let perf: PerfWorkspace | null = null;

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

/** The samples the query's view shows; for perf, of the event it shows, weighted as shown. */
function exportViewOf(p: StackProfile, q: AnalysisQuery): ExportView {
  if (!perf) return queryView(p, q);
  const ev = perf.eventIndex(q.perfEvent);
  const ep = perf.profile(ev);
  const mask = perf.mask(ev, { timeRange: q.timeRange, pid: q.perfPid, tid: q.perfTid }, tagFocusMask(ep, q.tagFocus));
  return { profile: ep, mask, sampleType: q.perfWeight === 'count' || ep.samples.values.length < 2 ? 0 : 1, event: perf.dump.profiles[ev].event };
}

/** What the checklist's evidence is computed from, on first request; then the result. */
let evidenceSource: { input: EvidenceInput; name: string } | null = null;
let evidence: SourceEvidence | null | undefined;

/** The checklist's evidence of this source; a failure costs the checklist this source, not the load. */
function evidenceOf(): SourceEvidence | null {
  if (evidence !== undefined) return evidence;
  if (!evidenceSource) return null;
  try {
    evidence = collectEvidence(evidenceSource.input, evidenceSource.name);
  } catch (e) {
    console.warn(`checklist evidence for ${evidenceSource.name} failed:`, e);
    evidence = null;
  }
  evidenceSource = null;
  return evidence;
}

/** A Blob's bytes in one exact-size buffer, read in slices so that progress can be told. */
async function readBlob(blob: Blob, onProgress: (done: number, total: number) => void): Promise<Uint8Array> {
  const out = new Uint8Array(blob.size);
  const step = 8 << 20;
  for (let p = 0; p < blob.size; p += step) {
    const end = Math.min(blob.size, p + step);
    out.set(new Uint8Array(await blob.slice(p, end).arrayBuffer()), p);
    onProgress(end, blob.size);
  }
  return out;
}

self.onmessage = async (ev: MessageEvent<WorkerRequest>) => {
  const msg = ev.data;
  try {
    if (msg.type === 'load') {
      const t0 = performance.now();
      // Throttle progress messages: a few per percent is plenty for a progress bar.
      let last = 0;
      const onProgress = (phase: LoadPhase, done: number, total: number) => {
        const now = performance.now();
        if (now - last > 50 || done === total) {
          last = now;
          post({ type: 'progress', job: msg.job, phase, done, total });
        }
      };
      const source = msg.source;
      const byteLength = source instanceof Blob ? source.size : source.byteLength;
      // A picked file that is a Go trace is read a chunk at a time while it is analysed
      // (decodeGoTraceBlob): the worker never holds the whole file. Anything else is read whole.
      const streamTrace = source instanceof Blob && isGoTraceHead(new Uint8Array(await source.slice(0, 16).arrayBuffer()));
      if (streamTrace && !msg.nested) {
        // Read by a nested worker that then ends, and its garbage with it (nested.ts).
        const forward = (m: Extract<WorkerResponse, { type: 'progress' }>) => onProgress(m.phase, m.done, m.total);
        const nested = await loadTraceInNestedWorker({ ...msg, source }, forward);
        if (nested) {
          profile = nested.profile;
          perf = null;
          evidenceSource = null;
          evidence = nested.evidence;
          const summary: SourceSummary = { ...nested.summary, decodeMs: performance.now() - t0 };
          post({ type: 'loaded', job: msg.job, summary }, summary.trace ? traceViewTransferables(summary.trace) : []);
          return;
        }
      }
      const input = streamTrace ? null : source instanceof Blob ? await readBlob(source, (d, t) => onProgress('read', d, t)) : new Uint8Array(source);
      // Map snapshots (JSON with schema stacklens.mapsnap/v1) are not profiles: sniffed here.
      if (input && looksLikeMapSnapshot(input)) {
        const info = mapSourceSummary(input);
        if (info) {
          profile = null;
          const stats = mapStats(info.map.snapshot);
          evidenceSource = { input: { kind: 'map-snapshot', snapshot: info.map.snapshot, stats }, name: msg.name };
          post({ type: 'loaded', job: msg.job, summary: { ...info.summary(msg.name, byteLength, performance.now() - t0), map: { ...info.map, stats } } });
          return;
        }
      }
      // A Go trace is analysed while it is read, generation by generation (none is kept).
      const traceLoad = new TraceLoader();
      const opts: DecodeOptions = {
        traceSink: traceLoad.generation,
        // Native DecompressionStream measured faster than pako (bench/); it falls back itself.
        gunzip: gunzipNative,
        // A big perf dump's second half is scanned by a nested worker meanwhile (given cores).
        perfPart: perfPartRunner(msg.cores, msg.workerSource),
        onProgress,
      };
      const decoded = input ? await decodeAny(input, opts) : await decodeGoTraceBlob(source as Blob, { traceSink: traceLoad.generation, onProgress });
      profile = decoded.profile;
      const summary = summarize(profile, msg.name, byteLength, performance.now() - t0);
      if (decoded.kind === 'go-dump') summary.dump = dumpSummary(decoded.dump, decoded.profile);
      let transfer: Transferable[] = [];
      perf = null;
      if (decoded.kind === 'perf') {
        const loaded = loadPerf(decoded.perf, decoded.text, summary);
        perf = loaded.workspace;
        transfer = loaded.transfer;
      }
      // The perf script text is not evidence: do not keep it alive for the checklist.
      evidenceSource = { input: decoded.kind === 'perf' ? { ...decoded, text: new Uint8Array(0) } : decoded, name: msg.name };
      if (decoded.kind === 'go-trace') {
        // The same generations the CLI reads (the partial one too), so the tables agree.
        const r = traceLoad.finish();
        if (r.view) {
          summary.trace = r.view;
          transfer = traceViewTransferables(r.view);
        } else summary.warnings = [...summary.warnings, `The timeline could not be built: ${r.error}`];
        if (r.evidence) evidenceSource = { input: { ...decoded, traceEvidence: r.evidence }, name: msg.name };
        else {
          console.warn(`checklist evidence for ${msg.name} failed: ${r.error}`);
          evidenceSource = null;
          evidence = null;
        }
      }
      if (msg.nested) {
        // The source worker that started this one keeps the profile and the evidence: this
        // worker is ended as soon as the message is sent.
        post({ type: 'nestedLoaded', job: msg.job, summary, profile, evidence: evidenceOf() }, transfer);
        return;
      }
      post({ type: 'loaded', job: msg.job, summary }, transfer);
    } else if (msg.type === 'evidence') {
      post({ type: 'evidence', job: msg.job, result: evidenceOf() });
    } else if (msg.type === 'analyze') {
      if (!profile) throw new Error('no profile loaded in this worker');
      const result = perf ? perf.analyze(msg.query) : analyze(profile, msg.query);
      post({ type: 'analysis', job: msg.job, result }, resultTransferables(result));
    } else if (msg.type === 'export') {
      if (!profile) throw new Error('no profile loaded in this worker');
      const view = exportViewOf(profile, msg.query);
      if (msg.what === 'folded') post({ type: 'exported', job: msg.job, result: { what: 'folded', text: exportFolded(view) } });
      else {
        const out = await exportPprof(view, msg.query, gzipAsync);
        // Transfer a buffer that holds exactly the file.
        const bytes = (out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? out.buffer : out.slice().buffer) as ArrayBuffer;
        post({ type: 'exported', job: msg.job, result: { what: 'pprof', bytes } }, [bytes]);
      }
    } else if (msg.type === 'mapHotspots') {
      // On demand (the Map view asks): a pass over every stack node is too dear for every load.
      post({ type: 'mapHotspots', job: msg.job, result: profile ? mapHotspots(profile) : null });
    } else if (msg.type === 'perfPart' || msg.type === 'perfPartLimit') {
      answerPerfPart(msg);
    } else if (msg.type === 'simulate') {
      post({ type: 'simulated', job: msg.job, result: simulateStep(msg.script, msg.step) });
    }
  } catch (e) {
    post({ type: 'error', job: msg.job, message: e instanceof Error ? e.message : String(e) });
  }
};
