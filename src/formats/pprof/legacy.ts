// Legacy pprof formats google/pprof still reads: binary CPU "profilez" (gperftools,
// pre-1.9 Go, Java), heap/growth/fragmentation text, Go count (goroutine/threadcreate
// debug=1), threadz, contention/mutex/block, Java heapz/contentionz.
//
// Parsers run in pprof's order (parseLegacy); the first that does not answer
// "unrecognized" wins, and its hard errors abort, exactly as in pprof, so we accept and
// reject the same inputs with the same values. Where pprof would only say "unrecognized
// profile format" after an input clearly matched a format's header, we report why
// (with the line or byte offset) — but only when no later parser accepts the bytes.
// The result is pruned with the built-in drop_frames lists as `go tool pprof` does on load.

import type { StackProfile } from '../../model/profile';
import type { DecodeError, ProgressFn } from '../errors';
import { addLegacyFrameInfo, buildStackProfile, removeUninteresting } from './legacy/build';
import { parseGoCount } from './legacy/count';
import { parseCPU } from './legacy/cpu';
import { parseJavaProfile } from './legacy/java';
import { parseContention, parseHeap, parseThread } from './legacy/text';
import { Unrecognized, type ParseResult } from './legacy/types';

const PARSERS: ((b: Uint8Array) => ParseResult)[] = [parseCPU, parseHeap, parseGoCount, parseThread, parseContention, parseJavaProfile];

export function decodeLegacyPprof(bytes: Uint8Array, opts: { onProgress?: ProgressFn } = {}): StackProfile | null {
  if (bytes.length === 0) return null;
  const progress = opts.onProgress ?? (() => {});
  progress(0, bytes.length);
  let reason: DecodeError | undefined;
  for (const parse of PARSERS) {
    const r = parse(bytes);
    if (r instanceof Unrecognized) {
      reason ??= r.reason;
      continue;
    }
    addLegacyFrameInfo(r);
    removeUninteresting(r);
    const profile = buildStackProfile(r);
    progress(bytes.length, bytes.length);
    return profile;
  }
  if (reason) throw reason;
  return null;
}
