// The worker thread of bench/perf-one.ts (bundled beside it as perf-part.mjs): scans the
// part of a `perf script` dump it is sent (src/formats/perf/part.ts) and sends the result
// back, buffers transferred. Its own small bundle, as the app's nested worker is: starting
// a thread on the whole perf-one bundle costs ~200 ms of compiling code it never runs.

import { parentPort } from 'node:worker_threads';
import { perfPartTransferables, scanPerfPart } from '../src/formats/perf/part';

parentPort!.once('message', (bytes: Uint8Array) => {
  const part = scanPerfPart(bytes);
  parentPort!.postMessage(part, perfPartTransferables(part));
});
