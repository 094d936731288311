/// <reference lib="webworker" />
// The other thread of a big perf script decode (formats/perf/part.ts), in the browser: the
// source worker starts a nested dedicated worker from its own script and has it scan the
// dump's second half while it scans the first. The nested worker gets a copy of its half
// (transferred); it is terminated once it has answered, and with its parent when a load is
// cancelled (the client terminates the source worker, which ends the workers it started).
// A nested worker that cannot start (no Worker in workers, a script URL it may not load)
// rejects, and the source worker scans the rest itself: the same dump, one thread.

import type { PerfPart, PerfPartRunner } from '../formats/perf/part';
import { perfPartTransferables, scanPerfPart } from '../formats/perf/part';
import type { WorkerRequest, WorkerResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

export const nestedPerfPart: PerfPartRunner = (bytes) =>
  new Promise<PerfPart>((resolve, reject) => {
    if (typeof Worker === 'undefined') {
      reject(new Error('no nested workers here'));
      return;
    }
    // A report (share/report.ts) starts its source worker from a blob: URL as a classic
    // worker (see scriptUrl.ts); the app's bundle is a module worker.
    const type: WorkerType = self.location.protocol === 'blob:' ? 'classic' : 'module';
    let w: Worker;
    try {
      w = new Worker(self.location.href, { type, name: 'stacklens-perf-part' });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    w.onmessage = (ev: MessageEvent<WorkerResponse>) => {
      w.terminate();
      const msg = ev.data;
      if (msg.type === 'perfPart') resolve(msg.part);
      else reject(new Error(msg.type === 'error' ? msg.message : `unexpected ${msg.type} from the nested worker`));
    };
    w.onerror = (ev) => {
      ev.preventDefault();
      w.terminate();
      reject(new Error(ev.message || 'the nested worker failed'));
    };
    const copy = bytes.slice();
    const request: WorkerRequest = { type: 'perfPart', job: 0, bytes: copy.buffer };
    w.postMessage(request, [copy.buffer]);
  });

/** The nested worker's side: scan the part, send it back with its buffers transferred. */
export function answerPerfPart(msg: Extract<WorkerRequest, { type: 'perfPart' }>): void {
  const part = scanPerfPart(new Uint8Array(msg.bytes));
  const reply: WorkerResponse = { type: 'perfPart', job: msg.job, part };
  self.postMessage(reply, perfPartTransferables(part));
}
