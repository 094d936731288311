// The CLI's gzip inflater: Node's zlib, which inflates on the threadpool, 1 MiB of output
// at a time. Each step reaches the decoder (`soFar`) on the next turn of the event loop,
// after zlib has been handed the next piece, so a pprof profile's samples decode while the
// rest inflates — the contract of the worker's gunzipNative. pako (formats/gzip.ts gunzip)
// inflates on the calling thread with nothing to overlap, and Node's DecompressionStream
// hands out 16 KiB chunks at ~0.1–0.25 ms of JS each. Results and errors are pako's: on a
// zlib error, or input zlib leaves unread (bytes after the last member), pako decides.

import { createGunzip } from 'node:zlib';
import type { ProgressFn } from '../formats/errors';
import { gunzip, InflatedBytes, isGzip, MAX_INFLATED_BYTES, type InflatedSoFar } from '../formats/gzip';

/** Output piece size: few event-loop turns, and pieces big enough for the overlap to pay. */
const PIECE = 1 << 20;

export function gunzipNode(input: Uint8Array, onProgress?: ProgressFn, maxBytes = MAX_INFLATED_BYTES, soFar?: InflatedSoFar): Promise<Uint8Array> {
  if (!isGzip(input)) return Promise.resolve().then(() => gunzip(input, onProgress, maxBytes)); // pako's error
  return new Promise<Uint8Array>((resolve, reject) => {
    const sink = new InflatedBytes(input, maxBytes);
    const z = createGunzip({ chunkSize: PIECE });
    /** Settled: later events and scheduled hand-ons do nothing. */
    let over = false;
    let scheduled = false;
    let handedOn = 0;
    const handOn = () => {
      scheduled = false;
      if (over || sink.total === handedOn) return;
      handedOn = sink.total;
      soFar!(sink.out, sink.total);
    };
    const byPako = () => {
      over = true;
      z.destroy();
      try {
        resolve(gunzip(input, undefined, maxBytes));
      } catch (e) {
        reject(e);
      }
    };
    z.on('data', (piece: Buffer) => {
      if (over) return;
      if (!sink.add(piece)) {
        over = true;
        z.destroy();
        reject(sink.tooMuch());
        return;
      }
      onProgress?.(z.bytesWritten, input.length);
      if (soFar && !scheduled) {
        scheduled = true;
        setImmediate(handOn);
      }
    });
    z.on('error', () => {
      if (!over) byPako();
    });
    z.on('end', () => {
      if (over) return;
      if (z.bytesWritten < input.length) return byPako();
      over = true;
      resolve(sink.bytes()); // the decoder reads what it was not handed yet from here
    });
    z.end(input);
  });
}
