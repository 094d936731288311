// The worker thread of bench/perf-one.ts (bundled beside it as perf-part.mjs): scans the
// part of a `perf script` dump it is sent block by block (src/formats/perf/part.ts) and
// sends each block back, buffers transferred, until told where to stop (a block number:
// the main thread scans that block and those after). Its own small bundle, as
// the app's nested worker is: starting a thread on the whole perf-one bundle costs ~200 ms
// of compiling code it never runs.

import { parentPort } from 'node:worker_threads';
import { perfPartTransferables, scanPerfParts, type PartMessage } from '../src/formats/perf/part';

const port = parentPort!;
let limit = Infinity;
const send = (msg: PartMessage, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
port.on('message', (msg: { bytes: Uint8Array; block: number } | number) => {
  if (typeof msg === 'number') {
    limit = Math.min(limit, msg);
    return;
  }
  scanPerfParts(
    msg.bytes,
    (part) => send({ type: 'part', part }, perfPartTransferables(part)),
    // setImmediate runs after the event loop's poll phase, where a limit is received.
    () => new Promise<number>((resolve) => setImmediate(() => resolve(limit))),
    msg.block,
  ).then(
    () => send({ type: 'done' }),
    (e: unknown) => send({ type: 'failed', message: e instanceof Error ? e.message : String(e) }),
  );
});
