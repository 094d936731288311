// Legacy Go execution traces (Go 1.11–1.21): parse (parser.ts) and convert to the Go 1.22+
// event model (convert.ts), as Go's internal/trace does. The result is one Generation that
// everything built on orderGenerations() consumes unchanged.

import { DecodeError, type ProgressFn } from '../../errors.ts';
import { GOTRACE_FORMAT } from '../header.ts';
import type { Generation } from '../model.ts';
import { convertV1 } from './convert.ts';
import { parseV1, V1Problem } from './parser.ts';
import type { GoTraceV1Version } from './spec.ts';

export { V1_VERSIONS, type GoTraceV1Version } from './spec.ts';
export { parseV1, V1Problem, type V1Trace } from './parser.ts';
export { convertV1 } from './convert.ts';

export interface LegacyReadResult {
  /** The converted trace (null when the input is malformed). */
  gen: Generation | null;
  /** Why there is no generation: Go's message and the byte offset of the offending event. */
  warning: DecodeError | null;
}

/**
 * Reads a whole legacy trace (`bytes` includes the 16-byte header). Like Go, it needs the
 * whole file (frequency and stacks are written at the end) and a malformed trace yields no
 * events at all. Progress callbacks may throw (e.g. CancelledError) to stop the read.
 */
export function readLegacyTrace(bytes: Uint8Array, version: GoTraceV1Version, headerSize: number, opts: { onProgress?: ProgressFn } = {}): LegacyReadResult {
  try {
    const t = parseV1(bytes, headerSize, version, opts);
    return { gen: convertV1(t, headerSize, bytes.length), warning: null };
  } catch (e) {
    if (!(e instanceof V1Problem)) throw e;
    return { gen: null, warning: new DecodeError(GOTRACE_FORMAT, e.message, { offset: e.offset }) };
  }
}
