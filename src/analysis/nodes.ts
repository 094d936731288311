// Function nodes: the identity a flame graph box or a top-table row has. pprof's
// default granularity ("functions") keys a node by the function's name alone (file and
// line are cleared by Profile.Aggregate), so two Function rows with the same name are
// one node. Computed once per profile and cached.

import type { StackProfile } from '../model/profile';

export interface FuncNodes {
  /** node key per function row */
  nodeOfFunc: Int32Array;
  /** node key per frame row (frames map to their function's node) */
  nodeOfFrame: Int32Array;
  names: string[];
  /** FuncKind of the first function with this name. */
  kinds: Uint8Array;
  /** Source file of the first function with this name ("" when unknown). */
  files: string[];
}

const cache = new WeakMap<StackProfile, FuncNodes>();

export function funcNodes(p: StackProfile): FuncNodes {
  let n = cache.get(p);
  if (n) return n;
  const byName = new Map<string, number>();
  const names: string[] = [];
  const files: string[] = [];
  const kinds: number[] = [];
  const nodeOfFunc = new Int32Array(p.funcs.length);
  for (let f = 0; f < p.funcs.length; f++) {
    const name = p.strings[p.funcs.name[f]];
    let k = byName.get(name);
    if (k === undefined) {
      k = names.length;
      byName.set(name, k);
      names.push(name);
      files.push(p.strings[p.funcs.fileName[f]]);
      kinds.push(p.funcs.kind[f]);
    }
    nodeOfFunc[f] = k;
  }
  const nodeOfFrame = new Int32Array(p.frames.length);
  for (let i = 0; i < p.frames.length; i++) nodeOfFrame[i] = nodeOfFunc[p.frames.func[i]];
  n = { nodeOfFunc, nodeOfFrame, names, kinds: Uint8Array.from(kinds), files };
  cache.set(p, n);
  return n;
}
