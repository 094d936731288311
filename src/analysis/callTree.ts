// Call trees over function nodes, the data behind flame graphs, top tables and the
// sandwich view. A call tree is a struct-of-arrays prefix tree whose node 0 is the
// synthetic root; parent[i] < i for every other node, so totals accumulate in one
// reverse pass and trees cross the worker boundary as a handful of typed arrays.

import type { StackProfile } from '../model/profile';
import { PrefixTrie } from '../model/trie';

export interface CallTree {
  length: number;
  parent: Int32Array;
  /** Function node key (see nodes.ts); -1 for the root. */
  key: Int32Array;
  total: Float64Array;
  self: Float64Array;
  /** Children as sibling lists: firstChild[i], then nextSibling[...] until -1 (no order). */
  firstChild: Int32Array;
  nextSibling: Int32Array;
}

/**
 * (parent, key) -> node interner whose node 0 is the synthetic root, as CallTree wants;
 * a thin adapter over PrefixTrie (trie node i is call node i + 1).
 */
export class NodeInterner {
  private readonly trie: PrefixTrie;
  constructor(capacity = 1024) {
    this.trie = new PrefixTrie(capacity);
  }
  get length(): number {
    return this.trie.length + 1;
  }
  intern(parent: number, key: number): number {
    return this.trie.intern(parent - 1, key) + 1;
  }
  finish(): TreeShape {
    const t = this.trie.finishRooted();
    return { length: t.parent.length, parent: t.parent, key: t.label, firstChild: t.firstChild, nextSibling: t.nextSibling };
  }
}

/** Weight of every sample for one sample type, zeroed where `mask` excludes it. */
export function sampleWeights(p: StackProfile, sampleType: number, mask?: Uint8Array | null): Float64Array {
  const col = p.samples.values[sampleType];
  if (!col) throw new RangeError(`sample type ${sampleType} out of range (0..${p.samples.values.length - 1})`);
  if (!mask) return col;
  const w = new Float64Array(col.length);
  for (let i = 0; i < col.length; i++) if (mask[i]) w[i] = col[i];
  return w;
}

const shapeCache = new WeakMap<StackProfile, TreeShape>();

/**
 * The top-down call tree's structure (cached per profile): the stack table already is a
 * prefix tree of functions, so call node i + 1 is stack i and node 0 is the root.
 */
export function topDownShape(p: StackProfile): TreeShape {
  let t = shapeCache.get(p);
  if (t) return t;
  const st = p.stacks;
  const length = st.length + 1;
  const parent = new Int32Array(length);
  const key = new Int32Array(length);
  const firstChild = new Int32Array(length).fill(-1);
  const nextSibling = new Int32Array(length).fill(-1);
  parent[0] = -1;
  key[0] = -1;
  for (let s = st.length - 1; s >= 0; s--) {
    const n = s + 1;
    const par = st.prefix[s] + 1;
    parent[n] = par;
    key[n] = st.func[s];
    nextSibling[n] = firstChild[par];
    firstChild[par] = n;
  }
  t = { length, parent, key, firstChild, nextSibling };
  // The decoders recorded where each function first appears on a path; node 0 is the root.
  const first = new Uint8Array(length);
  first.set(st.firstOfFunc, 1);
  firstCache.set(parent, first);
  shapeCache.set(p, t);
  return t;
}

/** A call tree without weights. */
export type TreeShape = Omit<CallTree, 'total' | 'self'>;

/** Adds weights to a shape: total = self + Σ children, in one reverse pass (parent < child). */
function weigh(shape: TreeShape, self: Float64Array): CallTree {
  const total = self.slice();
  const parent = shape.parent;
  for (let i = shape.length - 1; i > 0; i--) total[parent[i]] += total[i];
  return { ...shape, total, self };
}

/** Top-down call tree (root = callers' callers, leaves = where samples landed). */
export function callTree(p: StackProfile, weights: Float64Array): CallTree {
  const shape = topDownShape(p);
  const self = new Float64Array(shape.length);
  const stack = p.samples.stack;
  for (let i = 0; i < stack.length; i++) {
    const w = weights[i];
    if (w !== 0) self[stack[i] + 1] += w;
  }
  return weigh(shape, self);
}

/** Bottom-up (inverted) tree: roots are the functions where samples landed. */
export function invertedCallTree(p: StackProfile, weights: Float64Array): CallTree {
  const { parent, key, length } = topDownShape(p);
  // Aggregate per top-down node first: far fewer walks than one per sample.
  const leafWeight = new Float64Array(length);
  const stack = p.samples.stack;
  for (let i = 0; i < stack.length; i++) {
    const w = weights[i];
    if (w !== 0) leafWeight[stack[i] + 1] += w;
  }
  const inv = new NodeInterner(1024);
  let selfArr = new Float64Array(1024);
  const addSelf = (n: number, w: number) => {
    if (n >= selfArr.length) {
      const next = new Float64Array(Math.max(n + 1, selfArr.length * 2));
      next.set(selfArr);
      selfArr = next;
    }
    selfArr[n] += w;
  };
  for (let n = 1; n < length; n++) {
    const w = leafWeight[n];
    if (w === 0) continue;
    let node = 0;
    for (let m = n; m > 0; m = parent[m]) node = inv.intern(node, key[m]);
    addSelf(node, w);
  }
  addSelf(0, leafWeight[0]);
  const shape = inv.finish();
  const self = new Float64Array(shape.length);
  self.set(selfArr.subarray(0, Math.min(self.length, selfArr.length)));
  return weigh(shape, self);
}

/**
 * Per call node: 1 when no ancestor has the same function, i.e. the node where a
 * recursive function first appears on its path. Summing totals over those nodes counts
 * each sample once per function, as pprof's cum does.
 */
const firstCache = new WeakMap<Int32Array, Uint8Array>();

export function firstOccurrence(t: TreeShape, keyCount: number): Uint8Array {
  // Weight-independent: trees of one profile share their structure arrays, so cache by them.
  const cached = firstCache.get(t.parent);
  if (cached) return cached;
  const first = new Uint8Array(t.length);
  const active = new Int32Array(keyCount);
  // Iterative DFS with explicit enter/exit so deep recursion cannot overflow the JS stack.
  const stack = new Int32Array(t.length * 2 + 2);
  let sp = 0;
  stack[sp++] = 0;
  while (sp > 0) {
    const v = stack[--sp];
    if (v < 0) {
      const n = ~v;
      if (t.key[n] >= 0) active[t.key[n]]--;
      continue;
    }
    const k = t.key[v];
    if (k >= 0) {
      if (active[k] === 0) first[v] = 1;
      active[k]++;
    }
    stack[sp++] = ~v;
    for (let c = t.firstChild[v]; c !== -1; c = t.nextSibling[c]) stack[sp++] = c;
  }
  firstCache.set(t.parent, first);
  return first;
}

/** Path of function keys from the root's child down to `node`. */
export function pathToNode(t: CallTree, node: number): number[] {
  const path: number[] = [];
  for (let n = node; n > 0; n = t.parent[n]) path.push(t.key[n]);
  return path.reverse();
}

/** Finds the node reached by following `keys` from the root, or -1. */
export function nodeAtPath(t: CallTree, keys: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < keys.length; i++) {
    let next = -1;
    for (let c = t.firstChild[n]; c !== -1; c = t.nextSibling[c]) {
      if (t.key[c] === keys[i]) {
        next = c;
        break;
      }
    }
    if (next === -1) return -1;
    n = next;
  }
  return n;
}

/**
 * Callees of function `key`: every subtree rooted where `key` first appears on a path,
 * merged into one tree whose root is `key`.
 */
export function calleesTree(t: CallTree, key: number, keyCount: number): CallTree {
  const first = firstOccurrence(t, keyCount);
  const out = new NodeInterner(1024);
  const top = out.intern(0, key);
  const self: number[] = [0, 0];
  const mapped = new Int32Array(t.length).fill(-1);
  for (let n = 1; n < t.length; n++) {
    let m: number;
    if (t.key[n] === key && first[n]) m = top;
    else if (mapped[t.parent[n]] >= 0) m = out.intern(mapped[t.parent[n]], t.key[n]);
    else continue;
    mapped[n] = m;
    while (self.length <= m) self.push(0);
    self[m] += t.self[n];
  }
  const shape = out.finish();
  while (self.length < shape.length) self.push(0);
  return weigh(shape, Float64Array.from(self));
}

/**
 * Callers of function `key` as a bottom-up tree rooted at `key`: for each node where
 * `key` first appears, its cumulative weight flows up along its ancestors.
 */
export function callersTree(t: CallTree, key: number, keyCount: number): CallTree {
  const first = firstOccurrence(t, keyCount);
  const out = new NodeInterner(1024);
  const top = out.intern(0, key);
  const self: number[] = [0, 0];
  for (let n = 1; n < t.length; n++) {
    if (t.key[n] !== key || !first[n]) continue;
    let m = top;
    for (let a = t.parent[n]; a > 0; a = t.parent[a]) m = out.intern(m, t.key[a]);
    while (self.length <= m) self.push(0);
    self[m] += t.total[n];
  }
  const shape = out.finish();
  while (self.length < shape.length) self.push(0);
  return weigh(shape, Float64Array.from(self));
}

export function callTreeTransferables(t: CallTree): ArrayBuffer[] {
  return [t.parent, t.key, t.total, t.self, t.firstChild, t.nextSibling].map((a) => a.buffer as ArrayBuffer);
}
