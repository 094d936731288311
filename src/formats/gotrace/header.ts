// Go execution-trace header: exactly 16 bytes, ASCII "go 1.<minor> trace" padded with NUL
// bytes. The minor number names the *format* version (Go 1.24 writes "go 1.23 trace").

import { DecodeError } from '../errors.ts';
import type { GoTraceV2Version } from './spec.ts';
import type { GoTraceV1Version } from './v1/spec.ts';

export const GOTRACE_FORMAT = 'gotrace';
export const HEADER_SIZE = 16;

export type GoTraceHeader =
  | {
      kind: 'v2';
      /** Format version (22, 23, 25 or 26). */
      version: GoTraceV2Version;
      /** "go 1.22 trace" etc. */
      text: string;
      /** Bytes taken by the header (always 16). */
      size: number;
    }
  | {
      kind: 'legacy';
      /** Format version: 11 (written by Go 1.11–1.18), 19 (1.19–1.20) or 21. */
      version: GoTraceV1Version;
      text: string;
      size: number;
      /** Human-readable description of the format. */
      message: string;
    };

const V2: Record<number, GoTraceV2Version> = { 22: 22, 23: 23, 25: 25, 26: 26 };
const V1: Record<number, GoTraceV1Version> = { 11: 11, 19: 19, 21: 21 };

/** True when the bytes start like a Go execution trace ("go 1." prefix). Cheap sniffing. */
export function looksLikeGoTrace(bytes: Uint8Array): boolean {
  const p = [0x67, 0x6f, 0x20, 0x31, 0x2e]; // "go 1."
  if (bytes.length < p.length) return false;
  for (let i = 0; i < p.length; i++) if (bytes[i] !== p[i]) return false;
  return true;
}

/**
 * Parses the 16-byte header. Returns the format family and version; throws DecodeError for
 * anything that is not a supported or recognised Go execution trace header.
 */
export function readGoTraceHeader(bytes: Uint8Array): GoTraceHeader {
  const n = Math.min(bytes.length, HEADER_SIZE);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[i]);
  if (!looksLikeGoTrace(bytes)) {
    throw new DecodeError(GOTRACE_FORMAT, 'bad file format: not a Go execution trace (expected header "go 1.N trace")', { offset: 0 });
  }
  if (bytes.length < HEADER_SIZE) {
    throw new DecodeError(GOTRACE_FORMAT, `truncated header: ${bytes.length} of ${HEADER_SIZE} bytes`, { offset: bytes.length });
  }
  const m = /^go 1\.(\d{1,4}) trace(\0+)$/.exec(s);
  if (m === null) {
    throw new DecodeError(GOTRACE_FORMAT, 'bad file format: malformed Go execution trace header', { offset: 0 });
  }
  const minor = Number(m[1]);
  const text = `go 1.${minor} trace`;
  const v2 = V2[minor];
  if (v2 !== undefined) return { kind: 'v2', version: v2, text, size: HEADER_SIZE };
  // Go reads only these legacy versions (11 is written by Go 1.11–1.18, 19 by 1.19–1.20).
  const v1 = V1[minor];
  if (v1 !== undefined) {
    return {
      kind: 'legacy',
      version: v1,
      text,
      size: HEADER_SIZE,
      message: `legacy format (Go 1.${minor} trace, written by Go 1.21 or older), converted to the Go 1.22+ event model like Go does`,
    };
  }
  throw new DecodeError(GOTRACE_FORMAT, `unsupported trace version 1.${minor}`, { offset: 0 });
}
