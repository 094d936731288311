// Legacy pprof formats (text heap/contention/threadz/Go count, binary CPU) — see the
// helper brief; returns null when the bytes are none of them.
import type { StackProfile } from '../../model/profile';
import type { ProgressFn } from '../errors';

export function decodeLegacyPprof(_bytes: Uint8Array, _opts: { onProgress?: ProgressFn } = {}): StackProfile | null {
  return null;
}
