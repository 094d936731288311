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

function tooMuchInflated(maxBytes: number): DecodeError {
  return new DecodeError('gzip', `decompressed data exceeds ${maxBytes} bytes; refusing to inflate further`);
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
    if (total > maxBytes) throw tooMuchInflated(maxBytes);
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

/** Called with the inflated bytes so far, `out[0 .. filled)`, after each chunk: a decoder
 * can work on them while the next chunk inflates (off-thread in Node). `out` is the same
 * array from call to call unless it had to grow. */
export type InflatedSoFar = (out: Uint8Array, filled: number) => void;

/**
 * How much room the inflated data is likely to need: the gzip trailer's ISIZE (size mod
 * 2^32 of the last member — exact for the usual single-member file), bounded by what
 * deflate can expand to (~1032:1) and by `maxBytes`. Only a first guess: it may grow.
 */
function inflatedSizeHint(input: Uint8Array, maxBytes: number): number {
  const n = input.length;
  const isize = n >= 18 ? (input[n - 4] | (input[n - 3] << 8) | (input[n - 2] << 16) | (input[n - 1] << 24)) >>> 0 : 0;
  const bound = Math.min(maxBytes, n * 1032);
  return isize > 0 && isize <= bound ? isize : Math.min(bound, Math.max(1 << 16, n * 4));
}

/**
 * The inflated bytes of a streaming inflater, gathered into one array as the chunks arrive
 * (sized from the trailer, so usually no final copy) and bounded by `maxBytes`: what a
 * decoder fed along the way (InflatedSoFar) reads from.
 */
export class InflatedBytes {
  out: Uint8Array;
  total = 0;

  constructor(
    input: Uint8Array,
    private readonly maxBytes: number,
  ) {
    try {
      this.out = new Uint8Array(inflatedSizeHint(input, maxBytes));
    } catch {
      // A trailer claiming more than this engine will allocate at once: grow as data comes.
      this.out = new Uint8Array(Math.min(maxBytes, Math.max(1 << 16, input.length)));
    }
  }

  /** Appends a chunk; false (nothing added) when it would pass `maxBytes`. */
  add(chunk: Uint8Array): boolean {
    const total = this.total;
    if (total + chunk.length > this.maxBytes) return false;
    if (total + chunk.length > this.out.length) {
      const grown = new Uint8Array(Math.min(this.maxBytes, Math.max(total + chunk.length, this.out.length * 2)));
      grown.set(this.out.subarray(0, total));
      this.out = grown;
    }
    this.out.set(chunk, total);
    this.total = total + chunk.length;
    return true;
  }

  /** The error for a chunk `add` refused. */
  tooMuch(): DecodeError {
    return tooMuchInflated(this.maxBytes);
  }

  /** Exactly the data (a caller may hand the buffer on whole). */
  bytes(): Uint8Array {
    return this.total === this.out.length ? this.out : this.out.slice(0, this.total);
  }
}

/**
 * The browser's native inflater (faster than pako in Chromium; see bench/). Input is fed
 * in 1 MiB slices so progress is reported by compressed bytes consumed. Chunks are copied
 * into one array as they arrive (InflatedBytes) and `soFar` sees each step. On failure it
 * re-runs pako, whose errors name the byte offset, so the message is the same either way.
 */
export async function gunzipNative(input: Uint8Array, onProgress?: ProgressFn, maxBytes = MAX_INFLATED_BYTES, soFar?: InflatedSoFar): Promise<Uint8Array> {
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
  const sink = new InflatedBytes(input, maxBytes);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!sink.add(value)) {
        await reader.cancel();
        throw sink.tooMuch();
      }
      soFar?.(sink.out, sink.total);
    }
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    return gunzip(input, undefined, maxBytes); // throws pako's precise DecodeError
  }
  return sink.bytes();
}
