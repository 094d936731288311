// Streaming line reader for perf script text. The input may be hundreds of MB, so it is
// decoded in fixed-size chunks (TextDecoder with {stream:true}) and handed out one line at
// a time; neither one string of the whole file nor an array of all its lines is built.

/** Bytes decoded per step. */
const CHUNK = 1 << 20;

export type LineEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'binary';

/** The text encoding a byte-order mark announces, and the BOM's length. UTF-8 without BOM otherwise. */
export function sniffEncoding(bytes: Uint8Array): { encoding: LineEncoding; skip: number } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  return { encoding: 'utf-8', skip: 0 };
}

/** One byte per char (U+0000..U+00FF): a reversible "binary string", as Perl sees bytes. */
function bytesToBinary(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode.apply(null, b.subarray(i, Math.min(b.length, i + 8192)) as unknown as number[]);
  }
  return s;
}

export interface LineReaderOptions {
  /** 'binary' maps each byte to one char (for byte-exact reproduction of Perl tools). */
  encoding?: LineEncoding;
  /** Strip one trailing "\r" from each line (CRLF input). Default true. */
  stripCR?: boolean;
  /** Called after each chunk with (bytes done, total). May throw to cancel. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Calls `onLine(text, lineNumber)` for every line (1-based numbers; the "\n" is removed).
 * A final line without "\n" is delivered too. Returning `false` from onLine stops early.
 * A UTF-8/UTF-16 BOM selects the decoder and is skipped (not for 'binary').
 */
export function forEachLine(bytes: Uint8Array, onLine: (text: string, lineNo: number) => boolean | void, opts: LineReaderOptions = {}): void {
  const stripCR = opts.stripCR ?? true;
  let start = 0;
  let decode: (chunk: Uint8Array, last: boolean) => string;
  if (opts.encoding === 'binary') {
    decode = (chunk) => bytesToBinary(chunk);
  } else {
    const sniffed = sniffEncoding(bytes);
    start = sniffed.skip;
    const enc = opts.encoding ?? sniffed.encoding;
    const td = new TextDecoder(enc === 'binary' ? 'utf-8' : enc, { ignoreBOM: true });
    decode = (chunk, last) => td.decode(chunk, { stream: !last });
  }
  let carry = '';
  let lineNo = 0;
  const total = bytes.length;
  const emit = (line: string): boolean => {
    if (stripCR && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    return onLine(line, ++lineNo) !== false;
  };
  let pos = start;
  for (;;) {
    const end = Math.min(total, pos + CHUNK);
    const last = end >= total;
    const text = decode(bytes.subarray(pos, end), last);
    pos = end;
    let from = 0;
    // Only the new chunk is searched, so a very long line costs no rescans of the carry.
    let nl = text.indexOf('\n');
    if (nl >= 0) {
      if (!emit(carry + text.slice(0, nl))) return;
      carry = '';
      from = nl + 1;
      for (;;) {
        nl = text.indexOf('\n', from);
        if (nl < 0) break;
        if (!emit(text.slice(from, nl))) return;
        from = nl + 1;
      }
    }
    carry += text.slice(from);
    opts.onProgress?.(pos, total);
    if (last) break;
  }
  if (carry !== '') emit(carry);
}
