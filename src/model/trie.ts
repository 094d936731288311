// A prefix tree that interns (parent, label) pairs: the stack table of every decoder
// and the call-node table of every call tree are built with it, millions of times per
// profile, so it is tuned for memory locality rather than generality.
//
// Why not one global hash table: at 4-5M nodes the table is hundreds of MB and every
// probe is a cache and TLB miss. Stacks arrive as walks from the root, and a node's
// children are few except near the root. So each node keeps a sibling list (children
// created by one walk sit next to each other in memory, and later walks down the same
// path read them back sequentially), and only "wide" nodes — more than WIDE children —
// index their children in a hash table, which stays small because wide nodes are rare.

const WIDE = 8;
const NONE = -1;
// Node records are interleaved — [label, firstChild, nextSibling, childCount] — so one
// cache line serves a whole visit instead of one line per field.
const LABEL = 0;
const FIRST = 1;
const NEXT = 2;
const COUNT = 3;
const STRIDE = 4;

export class PrefixTrie {
  /** Internal index i+1 holds external node i; internal 0 is the virtual root (parent -1). */
  private parentOf: Int32Array;
  private nodes: Int32Array;
  private size = 1;
  // Hash of (internal parent, label) -> internal child, for children of wide nodes only.
  private table: Int32Array;
  private tableMask: number;
  private tableUsed = 0;

  constructor(capacityHint = 1024) {
    const cap = Math.max(1024, capacityHint + 1);
    this.parentOf = new Int32Array(cap);
    this.nodes = new Int32Array(cap * STRIDE);
    this.initNode(0, NONE, NONE);
    this.table = new Int32Array(1024 * 3).fill(NONE);
    this.tableMask = 1023;
  }

  private initNode(i: number, parent: number, label: number): void {
    const o = i * STRIDE;
    this.parentOf[i] = parent;
    this.nodes[o + LABEL] = label;
    this.nodes[o + FIRST] = NONE;
    this.nodes[o + NEXT] = NONE;
    this.nodes[o + COUNT] = 0;
  }

  /** Number of nodes (the virtual root excluded). */
  get length(): number {
    return this.size - 1;
  }

  /** Node for `label` under `parent` (-1 = a root-level node), created when missing. */
  intern(parent: number, label: number): number {
    const p = parent + 1;
    const nodes = this.nodes;
    if (nodes[p * STRIDE + COUNT] > WIDE) {
      const found = this.lookupWide(p, label);
      if (found !== NONE) return found - 1;
    } else {
      for (let c = nodes[p * STRIDE + FIRST]; c !== NONE; c = nodes[c * STRIDE + NEXT]) {
        if (nodes[c * STRIDE + LABEL] === label) return c - 1;
      }
    }
    return this.add(p, label) - 1;
  }

  /** Parent of node `i` (-1 for a root-level node). */
  parent(i: number): number {
    return this.parentOf[i + 1] - 1;
  }

  /** Label of node `i`. */
  label(i: number): number {
    return this.nodes[(i + 1) * STRIDE + LABEL];
  }

  /** Adds a node known to be absent (any child of a node created during this same walk). */
  append(parent: number, label: number): number {
    return this.add(parent + 1, label) - 1;
  }

  private add(p: number, label: number): number {
    const i = this.size++;
    if (i * STRIDE === this.nodes.length) this.grow();
    this.initNode(i, p, label);
    const nodes = this.nodes;
    const po = p * STRIDE;
    // The first child is usually the continuation of the walk that created the parent;
    // keep it first and link newer children right after it.
    const head = nodes[po + FIRST];
    if (head === NONE) nodes[po + FIRST] = i;
    else {
      nodes[i * STRIDE + NEXT] = nodes[head * STRIDE + NEXT];
      nodes[head * STRIDE + NEXT] = i;
    }
    const n = ++nodes[po + COUNT];
    if (n === WIDE + 1) {
      for (let c = nodes[po + FIRST]; c !== NONE; c = nodes[c * STRIDE + NEXT]) this.insertWide(p, nodes[c * STRIDE + LABEL], c);
    } else if (n > WIDE + 1) this.insertWide(p, label, i);
    return i;
  }

  private hash(p: number, label: number): number {
    return (Math.imul(p, 0x9e3779b1) ^ Math.imul(label + 1, 0x85ebca77)) >>> 0;
  }

  private lookupWide(p: number, label: number): number {
    const t = this.table;
    for (let h = this.hash(p, label); ; h++) {
      const o = (h & this.tableMask) * 3;
      const v = t[o + 2];
      if (v === NONE) return NONE;
      if (t[o] === p && t[o + 1] === label) return v;
    }
  }

  private insertWide(p: number, label: number, child: number): void {
    if ((this.tableUsed + 1) * 2 > this.tableMask) this.rehash();
    const t = this.table;
    for (let h = this.hash(p, label); ; h++) {
      const o = (h & this.tableMask) * 3;
      if (t[o + 2] === NONE) {
        t[o] = p;
        t[o + 1] = label;
        t[o + 2] = child;
        this.tableUsed++;
        return;
      }
    }
  }

  private rehash(): void {
    const old = this.table;
    const size = (this.tableMask + 1) * 2;
    this.table = new Int32Array(size * 3).fill(NONE);
    this.tableMask = size - 1;
    this.tableUsed = 0;
    for (let o = 0; o < old.length; o += 3) if (old[o + 2] !== NONE) this.insertWide(old[o], old[o + 1], old[o + 2]);
  }

  private grow(): void {
    const parents = new Int32Array(this.parentOf.length * 2);
    parents.set(this.parentOf);
    this.parentOf = parents;
    const nodes = new Int32Array(this.nodes.length * 2);
    nodes.set(this.nodes);
    this.nodes = nodes;
  }

  /**
   * The whole structure with the virtual root kept as node 0 (so node i here is external
   * node i - 1): parent (-1 for node 0), label (-1 for node 0) and sibling-list children.
   */
  finishRooted(): { parent: Int32Array; label: Int32Array; firstChild: Int32Array; nextSibling: Int32Array } {
    const n = this.size;
    const parent = this.parentOf.slice(0, n);
    const label = new Int32Array(n);
    const firstChild = new Int32Array(n);
    const nextSibling = new Int32Array(n);
    const nodes = this.nodes;
    for (let i = 0, o = 0; i < n; i++, o += STRIDE) {
      label[i] = nodes[o + LABEL];
      firstChild[i] = nodes[o + FIRST];
      nextSibling[i] = nodes[o + NEXT];
    }
    return { parent, label, firstChild, nextSibling };
  }

  /** Parent (external id, -1 for root-level) and label of every node, in creation order. */
  finish(): { parent: Int32Array; label: Int32Array } {
    const n = this.size - 1;
    const parent = new Int32Array(n);
    const label = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      parent[i] = this.parentOf[i + 1] - 1;
      label[i] = this.nodes[(i + 1) * STRIDE + LABEL];
    }
    return { parent, label };
  }
}
