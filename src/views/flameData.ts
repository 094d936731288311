// Pure helpers behind the flame graph view: re-rooting and pruning a CallTree into the
// small nested object tree d3-flame-graph renders, search matching that never throws,
// search statistics over the FULL tree, and colours by Go package. No DOM here, so
// everything is unit-tested in Node (tests/unit/ui-flame.test.ts).

import type { CallTree } from '../analysis/callTree';

/** The datum handed to d3-flame-graph: a private, mutable copy (the chart mutates it). */
export interface FlameDatum {
  name: string;
  value: number;
  children?: FlameDatum[];
  /** Index of the call-tree node this frame shows. */
  node: number;
  /** Function node key (index into summary.nodeNames); -1 for the synthetic root. */
  key: number;
  /** Ancestors of the zoom root: drawn full width and faded (d3-flame-graph's `fade`). */
  fade?: boolean;
}

export interface FlameData {
  root: FlameDatum;
  /** Frames in the datum tree, i.e. g.frame elements the chart will create. */
  count: number;
  /** Call-tree node the view is re-rooted at. */
  zoomNode: number;
  /** Frames of the zoom root's subtree that were left out (too narrow or over budget). */
  pruned: boolean;
}

export const ROOT_NAME = 'root';
export const DEFAULT_MAX_FRAMES = 3000;

/** Name of a call-tree node for display; never empty (empty names break the chart). */
export function nodeName(tree: CallTree, names: readonly string[], node: number, rootName = ROOT_NAME): string {
  if (node === 0) return rootName;
  const n = names[tree.key[node]];
  return n === undefined || n === '' ? '(unnamed)' : n;
}

/** Function names from the root's child down to `node` (the zoomPath of that node). */
export function namePath(tree: CallTree, names: readonly string[], node: number): string[] {
  const out: string[] = [];
  for (let n = node; n > 0; n = tree.parent[n]) out.push(names[tree.key[n]] ?? '');
  return out.reverse();
}

export function nameIndex(names: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < names.length; i++) if (!m.has(names[i])) m.set(names[i], i);
  return m;
}

/**
 * Follows `path` (function names from the root) as far as the tree allows.
 * Returns the chain of nodes from the root (node 0) to the deepest node reached and
 * whether the whole path resolved.
 */
export function resolveZoom(tree: CallTree, index: ReadonlyMap<string, number>, path: readonly string[]): { chain: number[]; complete: boolean } {
  const chain = [0];
  let n = 0;
  for (const name of path) {
    const key = index.get(name);
    if (key === undefined) return { chain, complete: false };
    let next = -1;
    for (let c = tree.firstChild[n]; c !== -1; c = tree.nextSibling[c]) {
      if (tree.key[c] === key) {
        next = c;
        break;
      }
    }
    if (next === -1) return { chain, complete: false };
    n = next;
    chain.push(n);
  }
  return { chain, complete: true };
}

/** Max-heap of node indices by weight. */
class NodeHeap {
  private idx: number[] = [];
  private w: number[] = [];
  get size(): number {
    return this.idx.length;
  }
  push(node: number, weight: number): void {
    const { idx, w } = this;
    let i = idx.length;
    idx.push(node);
    w.push(weight);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (w[p] >= weight) break;
      idx[i] = idx[p];
      w[i] = w[p];
      i = p;
    }
    idx[i] = node;
    w[i] = weight;
  }
  pop(): number {
    const { idx, w } = this;
    const top = idx[0];
    const lastI = idx.pop()!;
    const lastW = w.pop()!;
    const n = idx.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && w[r] > w[l] ? r : l;
        if (w[c] <= lastW) break;
        idx[i] = idx[c];
        w[i] = w[c];
        i = c;
      }
      idx[i] = lastI;
      w[i] = lastW;
    }
    return top;
  }
}

/**
 * Builds the datum tree for the chart: the ancestors of the zoom node as a faded
 * single-child chain, then the zoom node's subtree keeping only frames at least one
 * pixel wide (|total| ≥ zoom total / width) and at most `maxFrames` frames in all,
 * heaviest first (a frame is only kept with its parent, so the result is a tree).
 * Values are clamped so no frame is negative or narrower than its children.
 */
export function buildFlameData(
  tree: CallTree,
  names: readonly string[],
  chain: readonly number[],
  widthPx: number,
  maxFrames = DEFAULT_MAX_FRAMES,
  rootName = ROOT_NAME,
): FlameData {
  const zoomNode = chain[chain.length - 1] ?? 0;
  const zoomWeight = Math.abs(tree.total[zoomNode]);
  const threshold = zoomWeight / Math.max(1, widthPx);
  const budget = Math.max(1, maxFrames - Math.min(chain.length - 1, Math.max(2, Math.floor(maxFrames / 4))));

  const make = (node: number): FlameDatum => ({ name: nodeName(tree, names, node, rootName), value: Math.max(0, tree.total[node]), node, key: tree.key[node] });

  const zoomDatum = make(zoomNode);
  const included: FlameDatum[] = [zoomDatum];
  const datumOf = new Map<number, FlameDatum>([[zoomNode, zoomDatum]]);
  const heap = new NodeHeap();
  let pruned = false;
  const pushChildren = (n: number) => {
    for (let child = tree.firstChild[n]; child !== -1; child = tree.nextSibling[child]) {
      const w = Math.abs(tree.total[child]);
      // Children come in creation order, not by weight: check every one.
      if (w < threshold || w === 0) {
        pruned = true;
        continue;
      }
      heap.push(child, w);
    }
  };
  pushChildren(zoomNode);
  while (heap.size > 0) {
    if (included.length >= budget) {
      pruned = true;
      break;
    }
    const n = heap.pop();
    const d = make(n);
    const parent = datumOf.get(tree.parent[n])!;
    (parent.children ??= []).push(d);
    datumOf.set(n, d);
    included.push(d);
    pushChildren(n);
  }
  // Parents were included before their children: a reverse pass sees children first.
  for (let i = included.length - 1; i >= 0; i--) {
    const d = included[i];
    if (!d.children) continue;
    let sum = 0;
    for (const c of d.children) sum += c.value;
    if (d.value < sum) d.value = sum;
  }
  // The faded ancestor chain, each exactly as wide as the zoom root. A very deep zoom
  // keeps the root and the nearest ancestors; one "elided" frame stands for the rest.
  const ancestors = chain.length - 1;
  const maxAncestors = Math.max(2, Math.floor(maxFrames / 4));
  const elided = ancestors > maxAncestors ? ancestors - (maxAncestors - 1) : 0;
  let root = zoomDatum;
  let count = included.length;
  for (let i = chain.length - 2; i >= 0; i--) {
    if (elided > 0 && i > 0 && i <= elided) {
      if (i !== elided) continue;
      // Clicking it zooms out to the outermost hidden ancestor.
      const e: FlameDatum = { name: `… ${elided.toLocaleString('en-US')} frames …`, value: zoomDatum.value, node: chain[1], key: -1, fade: true, children: [root] };
      root = e;
      count++;
      continue;
    }
    const a = make(chain[i]);
    a.value = zoomDatum.value;
    a.fade = true;
    a.children = [root];
    root = a;
    count++;
  }
  return { root, count, zoomNode, pruned };
}

// ---------------------------------------------------------------------------------
// Search

export type Matcher = { ok: true; test: (name: string) => boolean; active: boolean } | { ok: false; error: string; active: false };

/**
 * Case-insensitive substring matcher by default; with `regex` a case-insensitive
 * RegExp. An invalid pattern yields `{ ok: false }` — never an exception.
 */
export function makeMatcher(term: string, regex: boolean): Matcher {
  if (term === '') return { ok: true, active: false, test: () => false };
  if (regex) {
    let re: RegExp;
    try {
      re = new RegExp(term, 'i');
    } catch {
      return { ok: false, error: 'invalid regex', active: false };
    }
    return {
      ok: true,
      active: true,
      test: (name) => {
        re.lastIndex = 0;
        return re.test(name);
      },
    };
  }
  const needle = term.toLowerCase();
  return { ok: true, active: true, test: (name) => name.toLowerCase().includes(needle) };
}

/** 1 for every function key whose name matches. */
export function matchKeys(names: readonly string[], m: Matcher): Uint8Array {
  const out = new Uint8Array(names.length);
  if (!m.ok || !m.active) return out;
  for (let i = 0; i < names.length; i++) if (m.test(names[i])) out[i] = 1;
  return out;
}

export interface SearchStats {
  /** Call-tree nodes (frames of the full, unpruned tree) whose function matches. */
  matches: number;
  /** Distinct functions matched. */
  functions: number;
  /** Σ total of matching nodes without a matching ancestor (no double counting). */
  value: number;
  /** Root total of the tree. */
  total: number;
}

export function searchStats(tree: CallTree, keyMatch: Uint8Array): SearchStats {
  const n = tree.length;
  // under[i] = some ancestor of i matches; parent[i] < i so one forward pass suffices.
  const under = new Uint8Array(n);
  const seen = new Uint8Array(keyMatch.length);
  let matches = 0;
  let functions = 0;
  let value = 0;
  for (let i = 1; i < n; i++) {
    const p = tree.parent[i];
    const pm = p > 0 && keyMatch[tree.key[p]] === 1;
    if (p > 0 && (under[p] || pm)) under[i] = 1;
    const k = tree.key[i];
    if (keyMatch[k] === 1) {
      matches++;
      if (!seen[k]) {
        seen[k] = 1;
        functions++;
      }
      if (!under[i]) value += tree.total[i];
    }
  }
  return { matches, functions, value, total: tree.total[0] };
}

// ---------------------------------------------------------------------------------
// Colours

/**
 * Go package of a function name: the path up to the last '/', then the last element
 * up to its first '.', e.g. `github.com/x/y/pkg.(*T).m` -> `github.com/x/y/pkg`,
 * `runtime.mallocgc` -> `runtime`. Type arguments (`[...]`) are ignored, so generic
 * instantiations with package paths inside their brackets still resolve, and a
 * versioned last element (`gopkg.in/yaml.v3.f`) keeps its `.vN`. C++ names split on
 * `::`. Names with neither are their own package.
 */
export function packageOf(name: string): string {
  const bracket = name.indexOf('[');
  const head = bracket >= 0 ? name.slice(0, bracket) : name;
  const slash = head.lastIndexOf('/');
  const rest = head.slice(slash + 1);
  const colons = rest.indexOf('::');
  const versioned = /^[^.]*\.v\d+\./.exec(rest);
  let end = versioned ? versioned[0].length - 1 : rest.indexOf('.');
  if (colons >= 0 && (end < 0 || colons < end)) end = colons;
  if (end < 0) return head;
  return head.slice(0, slash + 1) + rest.slice(0, end);
}

export function isRuntimePackage(pkg: string): boolean {
  return pkg === 'runtime' || pkg.startsWith('runtime/') || pkg.startsWith('internal/runtime/');
}

/** FNV-1a over UTF-16 code units. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mirrors FuncKind in src/model/profile.ts (kept literal so this module stays pure). */
const KIND_KERNEL = 1;
const KIND_JIT = 2;
const KIND_UNSYMBOLIZED = 3;

/**
 * Fill colour of a frame: warm hues hashed from the Go package (stable across
 * profiles), runtime in a muted grey-blue, kernel / JIT / unsymbolized frames in their
 * own hue families so they stand apart from Go code.
 */
export function frameColor(name: string, kind: number): string {
  if (kind === KIND_KERNEL) {
    const h = hashString(name);
    return `hsl(${205 + (h % 20)}, 55%, ${62 + ((h >>> 8) % 10)}%)`;
  }
  if (kind === KIND_JIT) {
    const h = hashString(name);
    return `hsl(${105 + (h % 25)}, 45%, ${58 + ((h >>> 8) % 10)}%)`;
  }
  if (kind === KIND_UNSYMBOLIZED) return 'hsl(270, 12%, 72%)';
  const pkg = packageOf(name);
  const h = hashString(pkg);
  // A little lightness jitter per function keeps neighbouring frames of one package apart.
  const j = (hashString(name) % 9) - 4;
  if (isRuntimePackage(pkg)) return `hsl(${200 + (h % 20)}, 14%, ${72 + j}%)`;
  // Warm palette by package: hue 0–55, saturation 60–85 %, lightness 56–70 % (± jitter).
  return `hsl(${h % 56}, ${60 + ((h >>> 8) % 26)}%, ${56 + ((h >>> 16) % 15) + j}%)`;
}

export const ROOT_COLOR = 'hsl(30, 8%, 78%)';
/** Frames of the selected function (alt-click / table row). */
export const SELECTED_COLOR = 'hsl(212, 85%, 64%)';
export const SEARCH_MATCH_COLOR = 'hsl(300, 75%, 62%)';
export const SEARCH_DIM_COLOR = 'hsl(0, 0%, 82%)';
