// Builds the stack table (the function-level call tree) of many samples at once, given
// each sample's locations leaf first and each location's frames.
//
// Why not intern each sample's frames in input order: samples arrive in an order unrelated
// to their stacks (Go writes them in hash-bucket order), so consecutive walks share little
// and every step deep in a tree of millions of nodes is a cache miss (~1.2 s of a 700k-
// sample, 4.3M-node profile). Walking them in the tree's own order costs a fifth of that,
// but sorting samples by their whole stacks costs more than it saves (and an extra
// shallow walk to group by tree node cost more than the hash below). A cheap partial
// order gets most of the gain: group samples by a hash of their root-most locations (a
// counting sort) and walk them group by group. All samples below those locations are
// walked together, so that part of the tree is created in one go, lies contiguously in
// memory and stays in cache while it grows; within a group, consecutive walks share the
// root-most locations, which the walker skips without lookups. Any order gives the same
// tree (only node numbering differs), so the grouping is purely a matter of speed.
// Profiles whose consecutive samples already share most of their locations (Go heap
// profiles: 8.1M of 10.1M on a 300k-sample one; the decoder counts them, SharedPrefixes)
// are walked in input order instead, skipping the shared part uncompared.

import type { StackTable } from './profile';
import { PrefixTrie } from './trie';

/** Root-most locations that decide a sample's group, and the number of groups (a power of 2). */
const GROUP_DEPTH = 8;
const GROUPS = 1 << 16;

/** How many root-most locations each sample shares with the sample before it (as a
 * decoder that compared them found), and their sum. */
export interface SharedPrefixes {
  count: Int32Array;
  total: number;
}

/** The SharedPrefixes of samples whose locations were not compared while decoding. */
export function sharedPrefixes(locationStart: Int32Array, location: Int32Array): SharedPrefixes {
  const n = locationStart.length - 1;
  const count = new Int32Array(Math.max(0, n));
  let total = 0;
  for (let s = 1; s < n; s++) {
    const prevTo = locationStart[s];
    const to = locationStart[s + 1];
    const max = Math.min(to - prevTo, prevTo - locationStart[s - 1]);
    let d = 0;
    while (d < max && location[to - 1 - d] === location[prevTo - 1 - d]) d++;
    count[s] = d;
    total += d;
  }
  return { count, total };
}

export interface SampleStacks {
  stacks: StackTable;
  /** Stack of each sample; -1 for a sample without frames. */
  sampleStack: Int32Array;
}

/**
 * The group of a sample whose locations are location[from .. to) (leaf first): a hash of
 * its root-most GROUP_DEPTH locations.
 */
function sampleGroup(location: Int32Array, from: number, to: number): number {
  const stop = to - from > GROUP_DEPTH ? to - GROUP_DEPTH : from;
  let h = 0x811c9dc5 | 0; // int32 from the start: one number representation in the loop
  for (let i = to - 1; i >= stop; i--) h = Math.imul(h ^ location[i], 0x01000193);
  return (h ^ (h >>> 15)) & (GROUPS - 1);
}

/**
 * The samples' groups, computed while a decoder produces the samples (e.g. as the file
 * inflates, before the frames are known): the same Groups groupSamples makes afterwards.
 */
export class SampleGrouping {
  private key: Int32Array = new Int32Array(1024);
  private n = 0;
  private readonly sampleAt = new Int32Array(GROUPS + 1);
  private readonly locAt = new Int32Array(GROUPS + 1);
  private kept = 0;
  private last = -1;
  private lastLength = -1;

  /** The next sample: its locations (location rows) are location[from .. to), the
   * root-most `shared` of them the same as the previous sample's. */
  add(location: Int32Array, from: number, to: number, shared = 0): void {
    const s = this.n++;
    if (s === this.key.length) this.key = grown(this.key, s + 1);
    const length = to - from;
    const h = shared >= GROUP_DEPTH || (shared === length && length === this.lastLength) ? this.last : sampleGroup(location, from, to);
    this.lastLength = length;
    this.key[s] = h;
    this.sampleAt[h + 1]++;
    this.locAt[h + 1] += to - from;
    if (h === this.last) this.kept++;
    this.last = h;
  }

  /** The groups of all samples added (once, after the last). */
  groups(): Groups {
    return prefixSums({ key: this.key.subarray(0, this.n), sampleAt: this.sampleAt, locAt: this.locAt, kept: this.kept });
  }
}

/**
 * Samples' stacks: sample s has locations location[locationStart[s] .. locationStart[s + 1])
 * leaf first; location l has frames frameFunc[frameStart[l] .. frameStart[l + 1]) leaf first.
 * `grouping`, when given, was fed every sample in order by the decoder.
 */
export function buildSampleStacks(
  locationStart: Int32Array,
  location: Int32Array,
  frameStart: Int32Array,
  frameFunc: Int32Array,
  funcCount: number,
  grouping: SampleGrouping | null = null,
  shared: SharedPrefixes | null = null,
): SampleStacks {
  const nSamples = locationStart.length - 1;
  const sampleStack = new Int32Array(nSamples);
  if (shared && shared.total * 2 > location.length) {
    // Consecutive samples already share most of their stacks (heap profiles list their
    // stacks roughly in the order the program made them): walk in input order, skipping
    // the locations the decoder found shared without comparing them again. Such samples
    // add a node or two each: a tree sized for that (it grows if not) spares the GC
    // runs that reserving for every location's frames brings about.
    const w = new StackWalker(Math.min(location.length >> 1, 2 * nSamples + 1024), frameStart, frameFunc, funcCount);
    walkInputOrder(w, shared.count, locationStart, location, sampleStack);
    return { stacks: w.finish(), sampleStack };
  }
  const w = new StackWalker(Math.max(1024, location.length >> 1), frameStart, frameFunc, funcCount);
  const g = grouping ? grouping.groups() : groupSamples(locationStart, location);
  // Each loop is its own small function so the JIT optimizes it early in a fresh process.
  if (g.kept * 2 > nSamples) {
    // Already mostly in group order, as heap profiles often are: walk in place.
    walkInPlace(w, groupOrder(g), locationStart, location, sampleStack);
  } else {
    const c = copyInGroupOrder(g, locationStart, location, frameStart.length - 1);
    walkCopied(w, c, sampleStack);
  }
  return { stacks: w.finish(), sampleStack };
}

interface Groups {
  /** Group of each sample: a hash of its root-most GROUP_DEPTH locations. Samples with the
   * same root-most locations share those nodes and the subtree below them; a collision
   * merely puts two groups together. */
  key: Int32Array;
  /** Where each group's samples and locations start in group order (prefix sums). */
  sampleAt: Int32Array;
  locAt: Int32Array;
  /** How often a sample is in the group of the one before it (then group order keeps them together). */
  kept: number;
}

function groupSamples(locationStart: Int32Array, location: Int32Array): Groups {
  const nSamples = locationStart.length - 1;
  const key = new Int32Array(nSamples);
  const sampleAt = new Int32Array(GROUPS + 1);
  const locAt = new Int32Array(GROUPS + 1);
  let kept = 0;
  for (let s = 0, last = -1; s < nSamples; s++) {
    const from = locationStart[s];
    const to = locationStart[s + 1];
    const h = (key[s] = sampleGroup(location, from, to));
    sampleAt[h + 1]++;
    locAt[h + 1] += to - from;
    if (h === last) kept++;
    last = h;
  }
  return prefixSums({ key, sampleAt, locAt, kept });
}

/** Groups whose sampleAt and locAt hold the groups' sizes, made to hold where they start. */
function prefixSums(g: Groups): Groups {
  const { sampleAt, locAt } = g;
  for (let i = 0; i < GROUPS; i++) {
    sampleAt[i + 1] += sampleAt[i];
    locAt[i + 1] += locAt[i];
  }
  return g;
}

/** Samples in group order (a stable counting sort: a group keeps input order). */
function groupOrder(g: Groups): Int32Array {
  const { key, sampleAt } = g;
  const order = new Int32Array(key.length);
  for (let s = 0; s < key.length; s++) order[sampleAt[key[s]]++] = s;
  return order;
}

function walkInPlace(w: StackWalker, order: Int32Array, locationStart: Int32Array, location: Int32Array, sampleStack: Int32Array): void {
  for (let k = 0; k < order.length; k++) {
    const s = order[k];
    sampleStack[s] = w.walk(location, locationStart[s], locationStart[s + 1]);
  }
}

function walkInputOrder(w: StackWalker, shared: Int32Array, locationStart: Int32Array, location: Int32Array, sampleStack: Int32Array): void {
  for (let s = 0; s < sampleStack.length; s++) sampleStack[s] = w.walk(location, locationStart[s], locationStart[s + 1], shared[s]);
}

interface Copied {
  /** Sample at each position of group order, its locations' end in `locs`, and the locations
   * (16-bit when location rows fit: half the memory to fill and read). */
  order: Int32Array;
  end: Int32Array;
  locs: Int32Array | Uint16Array;
}

/**
 * The locations in group order, so the walks read them sequentially (reading them in
 * place, scattered, cost a cache miss or two per sample). The copy reads in input order
 * and appends to each group's slot, so its reads are sequential too.
 */
function copyInGroupOrder(g: Groups, locationStart: Int32Array, location: Int32Array, locationCount: number): Copied {
  const { key, sampleAt, locAt } = g;
  const nSamples = key.length;
  const order = new Int32Array(nSamples);
  const end = new Int32Array(nSamples);
  const locs = locationCount <= 0x10000 ? new Uint16Array(location.length) : new Int32Array(location.length);
  for (let s = 0; s < nSamples; s++) {
    const group = key[s];
    const k = sampleAt[group]++;
    order[k] = s;
    let at = locAt[group];
    for (let i = locationStart[s], to = locationStart[s + 1]; i < to; i++) locs[at++] = location[i];
    locAt[group] = at;
    end[k] = at;
  }
  return { order, end, locs };
}

function walkCopied(w: StackWalker, c: Copied, sampleStack: Int32Array): void {
  const { order, end, locs } = c;
  for (let k = 0, from = 0; k < order.length; k++) {
    const to = end[k];
    sampleStack[order[k]] = w.walk(locs, from, to);
    from = to;
  }
}

/**
 * Walks samples' frames (root first) into the prefix tree, skipping the part shared with
 * the previous walk — whole locations first, then frame by frame — and tracking which
 * functions are on the current path, so every new node knows whether its function
 * already occurs above it (firstOfFunc).
 */
class StackWalker {
  private readonly trie: PrefixTrie;
  private first: Uint8Array;
  /** How many times each function occurs on the path walked last. */
  private readonly onPath: Int32Array;
  /** The path walked last: functions root first and their nodes. */
  private path: Int32Array = new Int32Array(256);
  private pathNode: Int32Array = new Int32Array(256);
  private pathLen = 0;
  /** The previous walk's locations end at prevTo in prevArray (leaf first);
   * levelEnd[d] = path frames after its root-most d + 1 locations, for its prevLevels locations. */
  private prevArray: Int32Array | Uint16Array | null = null;
  private prevTo = 0;
  private prevLevels = 0;
  private levelEnd: Int32Array = new Int32Array(256);
  /** Single-frame locations' function, -1 for locations with inlined frames. */
  private readonly locFunc: Int32Array;

  constructor(
    capacityHint: number,
    private readonly frameStart: Int32Array,
    private readonly frameFunc: Int32Array,
    funcCount: number,
  ) {
    this.trie = new PrefixTrie(capacityHint);
    this.first = new Uint8Array(Math.max(1024, capacityHint));
    this.onPath = new Int32Array(funcCount);
    const nLoc = frameStart.length - 1;
    this.locFunc = new Int32Array(nLoc);
    for (let l = 0; l < nLoc; l++) this.locFunc[l] = frameStart[l + 1] - frameStart[l] === 1 ? frameFunc[frameStart[l]] : -1;
  }

  get length(): number {
    return this.trie.length;
  }

  /** Walks the frames of locations location[from .. to) (leaf first) root first; returns
   * the last node (-1 for no frames). `shared` >= 0: the root-most locations known to be
   * the previous walk's (else they are compared). */
  walk(location: Int32Array | Uint16Array, from: number, to: number, shared = -1): number {
    const nLoc = to - from;
    if (nLoc > this.levelEnd.length) this.levelEnd = grown(this.levelEnd, nLoc);
    const levelEnd = this.levelEnd;
    // Locations shared with the previous walk, root first: their frames are shared too.
    const prevTo = this.prevTo;
    const kMax = location !== this.prevArray ? 0 : nLoc < this.prevLevels ? nLoc : this.prevLevels;
    let d = 0;
    if (shared >= 0) d = shared < kMax ? shared : kMax;
    else while (d < kMax && location[to - 1 - d] === location[prevTo - 1 - d]) d++;
    let x = d > 0 ? levelEnd[d - 1] : 0;
    let path = this.path;
    let pathNode = this.pathNode;
    const onPath = this.onPath;
    const trie = this.trie;
    const frameStart = this.frameStart;
    const frameFunc = this.frameFunc;
    const locFunc = this.locFunc;
    let pathLen = this.pathLen;
    let node = x > 0 ? pathNode[x - 1] : -1;
    // While the frames still equal the previous path, reuse its nodes.
    let same = true;
    // Once a walk creates a node, everything below it is new too: append without lookups.
    let fresh = false;
    for (; d < nLoc; d++) {
      const loc = location[to - 1 - d];
      const single = locFunc[loc];
      const fs = single >= 0 ? 0 : frameStart[loc];
      let f = single >= 0 ? 0 : frameStart[loc + 1] - 1;
      if (x + f - fs + 1 > path.length) {
        path = this.path = grown(path, x + f - fs + 1);
        pathNode = this.pathNode = grown(pathNode, x + f - fs + 1);
      }
      for (; f >= fs; f--) {
        const fn = single >= 0 ? single : frameFunc[f];
        if (same) {
          if (x < pathLen && path[x] === fn) {
            node = pathNode[x++];
            continue;
          }
          same = false;
          for (let j = pathLen - 1; j >= x; j--) onPath[path[j]]--;
        }
        if (fresh) node = trie.append(node, fn);
        else {
          node = trie.intern(node, fn);
          fresh = trie.created;
        }
        if (fresh) {
          if (node >= this.first.length) this.growFirst();
          this.first[node] = onPath[fn] === 0 ? 1 : 0;
        }
        onPath[fn]++;
        path[x] = fn;
        pathNode[x++] = node;
      }
      levelEnd[d] = x;
    }
    // A walk that ended inside the previous path leaves the rest of it.
    if (same) for (let j = pathLen - 1; j >= x; j--) onPath[path[j]]--;
    this.pathLen = x;
    this.prevArray = location;
    this.prevTo = to;
    this.prevLevels = nLoc;
    return node;
  }

  private growFirst(): void {
    const b = new Uint8Array(this.first.length * 2);
    b.set(this.first);
    this.first = b;
  }

  finish(): StackTable {
    const t = this.trie.finish();
    return { length: t.parent.length, prefix: t.parent, func: t.label, firstOfFunc: this.first.subarray(0, t.parent.length) };
  }
}

function grown(a: Int32Array, atLeast: number): Int32Array {
  const b = new Int32Array(Math.max(atLeast, a.length * 2));
  b.set(a);
  return b;
}
