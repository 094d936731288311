// Format detection from the bytes alone (never from the file name): users drag files
// named "profile", "cpu.out" or "dump.txt", and `?url=` sources have no name at all.

import { looksLikeGoDump } from './godump';
import { parseHeaderLine } from './perf/parse';

export type SniffedFormat =
  | 'pprof-proto'
  | 'pprof-legacy-text'
  | 'pprof-legacy-binary'
  | 'go-trace'
  | 'perf-script'
  | 'go-dump'
  | 'unknown';

export interface Sniffed {
  format: SniffedFormat;
  /** What we recognised, for messages ("Go 1.22 execution trace"). */
  what: string;
}

const TEXT_PREFIX = 4096;

function head(b: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, TEXT_PREFIX));
}

function isMostlyText(b: Uint8Array): boolean {
  const n = Math.min(b.length, TEXT_PREFIX);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c < 9 || (c > 13 && c < 32) || c === 127) bad++;
  }
  return n > 0 && bad / n < 0.01;
}

/** The first top-level field of a pprof proto: sample_type (1), sample (2), ... as length-delimited
 * or the scalar fields 7-14; field numbers 1..15 fit in one tag byte. */
function looksLikeProfileProto(b: Uint8Array): boolean {
  if (b.length < 2) return false;
  const t = b[0];
  const field = t >>> 3;
  const wire = t & 7;
  if (field < 1 || field > 15) return false;
  if ([1, 2, 3, 4, 5, 6, 11].includes(field)) return wire === 2;
  if (field === 13) return wire === 0 || wire === 2;
  return wire === 0;
}

const LEGACY_TEXT = [
  /^heap profile: /m,
  /^--- (contentionz|contention|mutex|threadz|heapz|growthz)/m,
  /^[a-z]+ profile: total \d+/m,
  /^(cycles\/second|sampling period|ms since reset) ?=/m,
];

/** perf script text: a `--header` block, or a record header among the first lines that
 * are not comments (the perf parser's own header grammar, so `-G` lines count too). */
function looksLikePerfScript(h: string): boolean {
  if (/^# ========\r?\n# captured on/m.test(h)) return true;
  let seen = 0;
  for (const line of h.split('\n')) {
    const l = line.replace(/\r$/, '');
    if (l === '' || l.startsWith('#')) continue;
    if (parseHeaderLine(l)) return true;
    if (++seen >= 20) break;
  }
  return false;
}

/**
 * google/pprof's binary CPU ("profilez") header: words 0, 3, 0|1 (C++|Java), period > 0, 0,
 * tried as 32-bit LE, 32-bit BE, 64-bit LE, 64-bit BE like pprof's parseCPU. A file too
 * short for the header but starting 0, 3 is routed too, so the decoder can say it is truncated.
 */
function legacyCpuHeader(b: Uint8Array): string | null {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (const size of [4, 8]) {
    for (const little of [true, false]) {
      if (b.length < 2 * size) continue;
      const word = (i: number): bigint => (size === 4 ? BigInt(dv.getUint32(i * 4, little)) : dv.getBigUint64(i * 8, little));
      if (word(0) !== 0n || word(1) !== 3n) continue;
      const layout = `${size * 8}-bit ${little ? 'little' : 'big'}-endian words`;
      if (b.length < 5 * size) return `truncated legacy binary CPU profile (${layout})`;
      const kind = word(2);
      if ((kind === 0n || kind === 1n) && word(3) > 0n && word(4) === 0n) {
        return `legacy binary ${kind === 1n ? 'Java ' : ''}CPU profile (${layout})`;
      }
    }
  }
  return null;
}

export function sniff(b: Uint8Array): Sniffed {
  if (b.length === 0) return { format: 'unknown', what: 'an empty file' };
  const traceHead = String.fromCharCode(...b.subarray(0, 16));
  const tv = /^go 1\.(\d+) trace\0/.exec(traceHead);
  if (tv) return { format: 'go-trace', what: `Go 1.${tv[1]} execution trace` };
  const cpu = legacyCpuHeader(b);
  if (cpu) return { format: 'pprof-legacy-binary', what: cpu };
  if (isMostlyText(b)) {
    const h = head(b);
    if (LEGACY_TEXT.some((re) => re.test(h))) return { format: 'pprof-legacy-text', what: 'legacy text profile' };
    if (looksLikeGoDump(h)) return { format: 'go-dump', what: 'Go goroutine or crash dump' };
    if (looksLikePerfScript(h)) return { format: 'perf-script', what: 'perf script text' };
    return { format: 'unknown', what: 'a text file of no known format' };
  }
  if (looksLikeProfileProto(b)) return { format: 'pprof-proto', what: 'pprof protobuf' };
  return { format: 'unknown', what: 'binary data of no known format' };
}

export function hexPreview(b: Uint8Array, n = 8): string {
  return Array.from(b.subarray(0, n), (x) => x.toString(16).padStart(2, '0')).join(' ');
}
