// The flat/cum table of `go tool pprof -top`: flat = weight of samples whose leaf frame
// is the function; cum = weight of samples with the function anywhere on the stack,
// counted once per sample however often recursion repeats it.

import type { StackProfile } from '../model/profile';
import { callTree, firstOccurrence, type CallTree } from './callTree';
import { funcNodes } from './nodes';

export interface TopTable {
  /** Σ|w| over all (unfiltered-by-mask) samples: pprof's denominator for percentages. */
  total: number;
  /** Function node keys with non-zero flat or cum, sorted like pprof: flat desc, then name. */
  keys: Int32Array;
  flat: Float64Array;
  cum: Float64Array;
}

export function topFromTree(t: CallTree, keyCount: number, names: string[], total: number): TopTable {
  const flat = new Float64Array(keyCount);
  const cum = new Float64Array(keyCount);
  const first = firstOccurrence(t, keyCount);
  for (let n = 1; n < t.length; n++) {
    const k = t.key[n];
    flat[k] += t.self[n];
    if (first[n]) cum[k] += t.total[n];
  }
  const keys: number[] = [];
  for (let k = 0; k < keyCount; k++) if (flat[k] !== 0 || cum[k] !== 0) keys.push(k);
  keys.sort((a, b) => Math.abs(flat[b]) - Math.abs(flat[a]) || Math.abs(cum[b]) - Math.abs(cum[a]) || (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
  const K = Int32Array.from(keys);
  return { total, keys: K, flat: Float64Array.from(keys, (k) => flat[k]), cum: Float64Array.from(keys, (k) => cum[k]) };
}

export function absTotal(weights: Float64Array): number {
  let t = 0;
  for (let i = 0; i < weights.length; i++) t += Math.abs(weights[i]);
  return t;
}

export function topTable(p: StackProfile, weights: Float64Array): TopTable {
  const nodes = funcNodes(p);
  return topFromTree(callTree(p, weights), nodes.names.length, nodes.names, absTotal(weights));
}
