// gzip inflation for every format. pako is the portable path (Node CLI, any browser);
// the browser's native DecompressionStream is offered where it measures faster
// (see bench/ and README). Both are bounded: a zip bomb stops at `maxBytes`.

import { Inflate } from 'pako';
import { DecodeError, type ProgressFn } from './errors';

/** Largest decompressed input we accept (typed arrays and V8 strings top out near here). */
export const MAX_INFLATED_BYTES = 2 ** 31 - 1;

export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Inflates one or more concatenated gzip members (pako continues across members, as Go's reader does). */
export function gunzip(input: Uint8Array, onProgress?: ProgressFn, maxBytes = MAX_INFLATED_BYTES): Uint8Array {
  if (!isGzip(input)) throw new DecodeError('gzip', 'missing gzip magic 1f 8b; expected a gzip stream', { offset: 0 });
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inf = new Inflate({ chunkSize: 1 << 20 });
  inf.onData = (c: Uint8Array) => {
    total += c.length;
    if (total > maxBytes) throw new DecodeError('gzip', `decompressed data exceeds ${maxBytes} bytes; refusing to inflate further`);
    chunks.push(c);
  };
  const slice = 1 << 20;
  for (let pos = 0; pos < input.length && !inf.ended; pos += slice) {
    const end = Math.min(input.length, pos + slice);
    inf.push(input.subarray(pos, end), end === input.length);
    if (inf.err) {
      // next_in = how far into this slice the inflater got when it failed.
      const at = pos + (inf as unknown as { strm: { next_in: number } }).strm.next_in;
      if (inf.err === -5 /* Z_BUF_ERROR: input ended mid-stream */) {
        throw new DecodeError('gzip', 'gzip stream is truncated; expected more compressed bytes', { offset: input.length });
      }
      if (inf.msg === 'incorrect header check' && (total > 0 || at > 18)) {
        throw new DecodeError('gzip', 'bytes after the gzip stream are not another gzip member; expected end of file or a new 1f 8b header', { offset: at });
      }
      throw new DecodeError('gzip', `corrupt gzip data (${inf.msg || inf.err}); expected a valid deflate stream`, { offset: at });
    }
    onProgress?.(end, input.length);
  }
  if (!inf.ended) throw new DecodeError('gzip', 'gzip stream is truncated; expected more compressed bytes', { offset: input.length });
  return concat(chunks, total);
}

/**
 * The browser's native inflater (faster than pako in Chromium; see bench/). Input is fed
 * in 1 MiB slices so progress is reported by compressed bytes consumed. On failure it
 * re-runs pako, whose errors name the byte offset, so the message is the same either way.
 */
export async function gunzipNative(input: Uint8Array, onProgress?: ProgressFn, maxBytes = MAX_INFLATED_BYTES): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') return gunzip(input, onProgress, maxBytes);
  if (!isGzip(input)) throw new DecodeError('gzip', 'missing gzip magic 1f 8b; expected a gzip stream', { offset: 0 });
  const slice = 1 << 20;
  let fed = 0;
  const source = new ReadableStream<BufferSource>({
    pull(controller) {
      if (fed >= input.length) {
        controller.close();
        return;
      }
      const end = Math.min(input.length, fed + slice);
      controller.enqueue(input.slice(fed, end));
      fed = end;
      onProgress?.(fed, input.length);
    },
  });
  const reader = source.pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new DecodeError('gzip', `decompressed data exceeds ${maxBytes} bytes; refusing to inflate further`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    return gunzip(input, undefined, maxBytes); // throws pako's precise DecodeError
  }
  return concat(chunks, total);
}
