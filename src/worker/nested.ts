/// <reference lib="webworker" />
// Nested dedicated workers, started by a source worker from its own script: the other
// thread of a big perf script decode (perfPart.ts), and the disposable worker that reads a
// Go trace (below).

import type { SourceEvidence } from '../analysis/checklist';
import type { StackProfile } from '../model/profile';
import type { SourceSummary, WorkerRequest, WorkerResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

/** The blob: URL this worker made of its own source (once). */
let ownSourceUrl: string | null = null;

/**
 * Where a nested worker's script comes from. The app's bundle: this worker's own URL, as
 * a module. A report (share/report.ts) starts its source worker as a classic one from a
 * blob: URL of the page's; an opaque-origin worker may not start another from that URL, so
 * it uses one it makes from the source text the page sent (scriptUrl.ts).
 */
export function nestedScript(source: string | undefined): { url: string; type: WorkerType } {
  if (self.location.protocol !== 'blob:') return { url: self.location.href, type: 'module' };
  if (source === undefined) return { url: self.location.href, type: 'classic' };
  ownSourceUrl ??= URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  return { url: ownSourceUrl, type: 'classic' };
}

/** What the nested worker hands back: the page's summary, the trace's CPU profile (for the
 * queries this worker answers) and the checklist's evidence, computed before it ends. */
export interface NestedTraceLoad {
  summary: SourceSummary;
  profile: StackProfile;
  evidence: SourceEvidence | null;
}

/**
 * Reads a Go trace (a picked file, streamed from the Blob) in a nested worker that is
 * terminated once it has answered. Reading a 110 MB trace leaves a few hundred MB of
 * garbage in the heap that read it (generations, builder chunks, the goroutine summaries
 * laid out into columns), and an idle worker's heap is not collected: measured on
 * bench/.data/big.trace, the source worker kept ~270 MiB after the load until something
 * made it collect, and that was the tab's peak. Ending the worker that read the trace
 * returns all of it at once; the source worker keeps only the small results.
 *
 * Resolves null when no nested worker can be started here (no Worker in workers, or its
 * script fails to load before it says anything): the caller then reads the trace itself.
 * A load cancelled by the page terminates the source worker, which ends this one with it.
 */
export function loadTraceInNestedWorker(
  msg: Extract<WorkerRequest, { type: 'load' }> & { source: Blob },
  onProgress: (m: Extract<WorkerResponse, { type: 'progress' }>) => void,
): Promise<NestedTraceLoad | null> {
  if (typeof Worker === 'undefined') return Promise.resolve(null);
  const script = nestedScript(msg.workerSource);
  let w: Worker;
  try {
    w = new Worker(script.url, { type: script.type, name: 'stacklens-trace-load' });
  } catch {
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    let heard = false;
    const end = () => {
      w.onmessage = null;
      w.onerror = null;
      w.terminate();
    };
    w.onmessage = (ev: MessageEvent<WorkerResponse>) => {
      heard = true;
      const m = ev.data;
      if (m.type === 'progress') onProgress(m);
      else if (m.type === 'nestedLoaded') {
        end();
        resolve({ summary: m.summary, profile: m.profile, evidence: m.evidence });
      } else {
        end();
        reject(new Error(m.type === 'error' ? m.message : `unexpected ${m.type} from the trace worker`));
      }
    };
    w.onerror = (ev) => {
      ev.preventDefault();
      end();
      if (heard) reject(new Error(`The trace worker failed: ${ev.message || 'unknown error'}`));
      else resolve(null);
    };
    const request: WorkerRequest = { ...msg, nested: true };
    w.postMessage(request);
  });
}
