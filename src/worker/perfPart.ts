/// <reference lib="webworker" />
// The other thread of a big perf script decode (formats/perf/part.ts), in the browser: the
// source worker starts a nested dedicated worker from its own script and has it scan the
// dump's second half, block by block, while it scans the first; then it scans blocks from
// the end itself, telling the nested worker where to stop, until they meet. The nested worker gets
// a copy of its half (transferred); it is terminated once it has answered, and with its
// parent when a load is cancelled (the client terminates the source worker, which ends
// the workers it started). A nested worker that cannot start (no Worker in workers, a
// script URL it may not load) fails the job, and the source worker scans the rest itself:
// the same dump, one thread.

import { MIN_CORES_FOR_SPLIT, partJob, perfPartTransferables, scanPerfParts, type PartMessage, type PerfPartJob, type PerfPartRunner } from '../formats/perf/part';
import type { WorkerRequest, WorkerResponse } from './protocol';
import { nestedScript } from './nested';

declare const self: DedicatedWorkerGlobalScope;

/**
 * The runner for decodeAny: none on a machine with too few cores for it to pay (part.ts).
 * `source`: this worker's own script text when it runs from a report's blob: URL.
 */
export function perfPartRunner(cores: number | undefined, source?: string): PerfPartRunner | undefined {
  if ((cores ?? navigator.hardwareConcurrency ?? 1) < MIN_CORES_FOR_SPLIT) return undefined;
  return (bytes, block) => nestedPerfPart(bytes, block, source);
}

function nestedPerfPart(bytes: Uint8Array, block: number, source: string | undefined): PerfPartJob {
  if (typeof Worker === 'undefined') throw new Error('no nested workers here');
  const script = nestedScript(source);
  const w = new Worker(script.url, { type: script.type, name: 'stacklens-perf-part' });
  const { job, receive, fail } = partJob((block) => {
    const limit: WorkerRequest = { type: 'perfPartLimit', job: 0, block };
    w.postMessage(limit);
  }, nextTask);
  w.onmessage = (ev: MessageEvent<WorkerResponse>) => {
    const msg = ev.data;
    if (msg.type === 'perfPart') {
      receive(msg.msg);
      if (msg.msg.type !== 'part') w.terminate();
    } else {
      fail(new Error(msg.type === 'error' ? msg.message : `unexpected ${msg.type} from the nested worker`));
      w.terminate();
    }
  };
  w.onerror = (ev) => {
    ev.preventDefault();
    w.terminate();
    fail(new Error(ev.message || 'the nested worker failed'));
  };
  const copy = bytes.slice();
  const request: WorkerRequest = { type: 'perfPart', job: 0, bytes: copy.buffer, block };
  w.postMessage(request, [copy.buffer]);
  return job;
}

/** Set by a 'perfPartLimit' request: the scan stops before this block. */
let limit = Infinity;

/**
 * Lets a worker's messages in: a MessageChannel task, queued after any message already
 * posted to it (setTimeout(0) would be clamped to 4 ms once nested).
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/** The nested worker's side: scan the part block by block, sending each back (buffers transferred). */
export function answerPerfPart(msg: Extract<WorkerRequest, { type: 'perfPart' | 'perfPartLimit' }>): void {
  if (msg.type === 'perfPartLimit') {
    limit = Math.min(limit, msg.block);
    return;
  }
  const send = (m: PartMessage, transfer: ArrayBuffer[] = []) => {
    const reply: WorkerResponse = { type: 'perfPart', job: msg.job, msg: m };
    self.postMessage(reply, transfer);
  };
  scanPerfParts(
    new Uint8Array(msg.bytes),
    (part) => send({ type: 'part', part }, perfPartTransferables(part)),
    () => nextTask().then(() => limit),
    msg.block,
  ).then(
    () => send({ type: 'done' }),
    (e: unknown) => send({ type: 'failed', message: e instanceof Error ? e.message : String(e) }),
  );
}
