// The per-function columns views need, as plain arrays (names as strings): function
// keys in call trees and top tables are function rows of the model, whose names are
// already the names `go tool pprof` prints (see model/names.ts). Cached per profile.

import type { StackProfile } from '../model/profile';

export interface FuncNodes {
  names: string[];
  /** The names as the input recorded them. */
  fullNames: string[];
  kinds: Uint8Array;
  /** Source file ("" when unknown). */
  files: string[];
}

const cache = new WeakMap<StackProfile, FuncNodes>();

export function funcNodes(p: StackProfile): FuncNodes {
  let n = cache.get(p);
  if (n) return n;
  const f = p.funcs;
  const str = (idx: Int32Array) => Array.from(idx, (i) => p.strings[i]);
  n = { names: str(f.name), fullNames: str(f.recordedName), kinds: f.kind, files: str(f.fileName) };
  cache.set(p, n);
  return n;
}
