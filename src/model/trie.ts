// A prefix tree that interns (parent, label) pairs: the stack table of every decoder
// and the call-node table of every call tree are built with it, millions of times per
// profile, so it is tuned for memory locality rather than generality.
//
// Why not one global hash table: at 4-5M nodes the table is hundreds of MB and every
// probe is a cache and TLB miss. Stacks arrive as walks from the root, and most nodes
// have one child. So a node with one child points at it directly (a walk that created
// a chain left its nodes next to each other, and later walks down the chain read them
// back sequentially, also because model/stackBuild walks samples grouped by where
// their stacks go); a node with 2..SMALL children keeps (label, child) pairs in one
// contiguous block, so finding a child costs one cache line however many siblings it
// has (a linked sibling list cost one miss per sibling: 0.9 s of a 300k-sample heap
// profile); only the rare nodes with more children index them in a hash table.

const NONE = -1;
/** Most children kept in a node's block; more go to the hash table. */
const SMALL = 8;

export class PrefixTrie {
  // Internal index i+1 holds external node i; internal 0 is the virtual root. Labels and
  // parents (as external ids) are kept in the shape of the finished table, so finish()
  // hands them out without a copy (and without faulting in a second copy's pages).
  private labels: Int32Array;
  private parents: Int32Array;
  /** Per node [kids, count]: `kids` is the child itself when count = 1, the offset of the
   * node's pair block when 2 <= count <= SMALL, unused otherwise. */
  private rec: Int32Array;
  private size = 1;
  /** Pair blocks: [label, child] * capacity; capacities 2, 4 and 8 pairs. */
  private blocks: Int32Array;
  private blocksUsed = 0;
  /** Head of the free list of blocks per capacity class (2, 4, 8 pairs), linked through their first slot. */
  private free = [NONE, NONE, NONE, NONE];
  // Hash of (internal parent, label) -> internal child, for children of wide nodes only.
  private table: Int32Array;
  private tableMask: number;
  private tableUsed = 0;
  /** Set by intern(): whether the last call created its node. */
  created = false;

  constructor(capacityHint = 1024) {
    const cap = Math.max(1024, capacityHint + 1);
    this.labels = new Int32Array(cap);
    this.parents = new Int32Array(cap);
    this.rec = new Int32Array(cap * 2);
    this.labels[0] = NONE;
    this.parents[0] = NONE - 1;
    this.rec[0] = NONE;
    this.blocks = new Int32Array(Math.max(1024, cap >> 1));
    this.table = new Int32Array(1024 * 3).fill(NONE);
    this.tableMask = 1023;
  }

  /** Number of nodes (the virtual root excluded). */
  get length(): number {
    return this.size - 1;
  }

  /** Node for `label` under `parent` (-1 = a root-level node), created when missing;
   * `created` tells which. */
  intern(parent: number, label: number): number {
    const p = parent + 1;
    const rec = this.rec;
    const n = rec[2 * p + 1];
    if (n === 1) {
      const c = rec[2 * p];
      if (this.labels[c] === label) {
        this.created = false;
        return c - 1;
      }
    } else if (n > SMALL) {
      const found = this.lookupWide(p, label);
      if (found !== NONE) {
        this.created = false;
        return found - 1;
      }
    } else if (n !== 0) {
      const blocks = this.blocks;
      const b = rec[2 * p];
      for (let k = b, e = b + 2 * n; k < e; k += 2) {
        if (blocks[k] === label) {
          this.created = false;
          return blocks[k + 1] - 1;
        }
      }
    }
    this.created = true;
    return this.add(p, label) - 1;
  }

  /** Parent of node `i` (-1 for a root-level node). */
  parent(i: number): number {
    return this.parents[i + 1];
  }

  /** Label of node `i`. */
  label(i: number): number {
    return this.labels[i + 1];
  }

  /** Adds a node known to be absent (any child of a node created during this same walk). */
  append(parent: number, label: number): number {
    return this.add(parent + 1, label) - 1;
  }

  private add(p: number, label: number): number {
    const i = this.size++;
    if (i === this.labels.length) this.grow();
    this.labels[i] = label;
    this.parents[i] = p - 1;
    const rec = this.rec;
    rec[2 * i] = NONE;
    rec[2 * i + 1] = 0;
    const n = rec[2 * p + 1];
    rec[2 * p + 1] = n + 1;
    if (n === 0) rec[2 * p] = i;
    else if (n === 1) {
      const only = rec[2 * p];
      const b = this.allocBlock(0);
      const blocks = this.blocks;
      blocks[b] = this.labels[only];
      blocks[b + 1] = only;
      blocks[b + 2] = label;
      blocks[b + 3] = i;
      rec[2 * p] = b;
    } else if (n < SMALL) {
      let b = rec[2 * p];
      if ((n & (n - 1)) === 0) {
        // Block full (n is its capacity): move to one twice the size.
        const cls = n === 2 ? 0 : n === 4 ? 1 : 2;
        const nb = this.allocBlock(cls + 1);
        this.blocks.copyWithin(nb, b, b + 2 * n);
        this.freeBlock(b, cls);
        b = nb;
        rec[2 * p] = b;
      }
      this.blocks[b + 2 * n] = label;
      this.blocks[b + 2 * n + 1] = i;
    } else if (n === SMALL) {
      const b = rec[2 * p];
      for (let k = b; k < b + 2 * SMALL; k += 2) this.insertWide(p, this.blocks[k], this.blocks[k + 1]);
      this.freeBlock(b, 2);
      rec[2 * p] = NONE;
      this.insertWide(p, label, i);
    } else this.insertWide(p, label, i);
    return i;
  }

  /** A block of 2 << cls pairs. */
  private allocBlock(cls: number): number {
    const head = this.free[cls];
    if (head !== NONE) {
      this.free[cls] = this.blocks[head];
      return head;
    }
    const size = 4 << cls;
    const b = this.blocksUsed;
    if (b + size > this.blocks.length) {
      const grown = new Int32Array(this.blocks.length * 2);
      grown.set(this.blocks);
      this.blocks = grown;
    }
    this.blocksUsed = b + size;
    return b;
  }

  private freeBlock(b: number, cls: number): void {
    this.blocks[b] = this.free[cls];
    this.free[cls] = b;
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
    const n = this.labels.length * 2;
    const grown = (a: Int32Array, len: number) => {
      const b = new Int32Array(len);
      b.set(a);
      return b;
    };
    this.labels = grown(this.labels, n);
    this.parents = grown(this.parents, n);
    this.rec = grown(this.rec, 2 * n);
  }

  /**
   * The whole structure with the virtual root kept as node 0 (so node i here is external
   * node i - 1): parent (-1 for node 0), label (-1 for node 0) and sibling-list children
   * (siblings in creation order).
   */
  finishRooted(): { parent: Int32Array; label: Int32Array; firstChild: Int32Array; nextSibling: Int32Array } {
    const n = this.size;
    const parent = new Int32Array(n);
    const label = this.labels.slice(0, n);
    const firstChild = new Int32Array(n).fill(NONE);
    const nextSibling = new Int32Array(n).fill(NONE);
    const parents = this.parents;
    parent[0] = NONE;
    for (let i = n - 1; i > 0; i--) {
      const par = parents[i] + 1;
      parent[i] = par;
      nextSibling[i] = firstChild[par];
      firstChild[par] = i;
    }
    return { parent, label, firstChild, nextSibling };
  }

  /** Parent (external id, -1 for root-level) and label of every node, in creation order.
   * Views of the trie's own arrays: the trie must not be used afterwards. */
  finish(): { parent: Int32Array; label: Int32Array } {
    return { parent: this.parents.subarray(1, this.size), label: this.labels.subarray(1, this.size) };
  }
}
