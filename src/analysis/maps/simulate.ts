// Step-by-step simulator of Go's two map implementations, driven by a small operation
// script, yielding a stacklens.mapsnap/v1 snapshot after every script line.
//
//   layout swiss            # or classic (default swiss)
//   seed 42                 # hash seed (default 1)
//   make 100                # make(map, hint) — optional, must come before any insert
//   insert 1..1000          # keys 1..1000 (ints); `insert k1..10` = string keys "k1".."k10"
//   delete 1..900
//   insert 5, 7, 9..12      # comma lists
//   clear
//
// Real placement depends on a per-process random hash key and a per-map seed, so the
// simulator hashes key text with a seeded stand-in hash (FNV-1a + splitmix64
// finalizer). Counts, load-factor growth points and capacities follow the runtime
// rules exactly; which bucket/group a key lands in, overflow chains and tombstone
// counts are one plausible outcome, not the real one. Every snapshot says so
// (capture.hashesExact = false, capture.note).
//
// Rules mirrored: classic = runtime/map.go (Go ≤ 1.23): 8-slot buckets, tophash, load
// factor 6.5, overflow buckets, same-size grow on too many overflow buckets,
// incremental evacuation (≤ 2 old buckets per write). Swiss = internal/runtime/maps
// (Go 1.24–1.26): small map ≤ 8, 8-slot groups, H1/H2, triangular probing, 7/8 load,
// tombstones (reused on insert; pruned in 1.25+), 1024-slot tables split with
// directory doubling.

import {
  MAPSNAP_SCHEMA,
  CTRL_DELETED,
  CTRL_EMPTY,
  MAX_TABLE_CAPACITY,
  TOPHASH_EMPTY_ONE,
  TOPHASH_EMPTY_REST,
  TOPHASH_EVACUATED_EMPTY,
  TOPHASH_EVACUATED_X,
  TOPHASH_MIN,
  CLASSIC_FLAG_SAME_SIZE_GROW,
  ctrlWord,
  hex64,
  type ClassicBucket,
  type MapSlot,
  type MapSnapshot,
  type SwissGroup,
  type SwissTable,
} from '../../formats/mapsnap/schema';

export type SimOp =
  | { kind: 'insert'; keys: string[] }
  | { kind: 'delete'; keys: string[] }
  | { kind: 'clear' }
  | { kind: 'make'; hint: number };

export interface SimScript {
  layout: 'swiss' | 'classic';
  seed: number;
  /** Simulated release ("go1.24" disables Swiss tombstone pruning); "" = go1.26 for swiss, go1.23 for classic. */
  goVersion: string;
  steps: { line: string; lineNo: number; op: SimOp }[];
}

export type SimEvent =
  | { kind: 'growToTable'; count: number }
  | { kind: 'tableGrow'; count: number; from: number; to: number; localDepth: number }
  | { kind: 'tableSplit'; count: number; localDepth: number }
  | { kind: 'directoryDouble'; count: number; globalDepth: number }
  | { kind: 'pruneTombstones'; count: number; freed: number }
  | { kind: 'hashGrow'; count: number; sameSize: boolean; B: number; noverflow: number }
  | { kind: 'evacuationDone'; count: number; B: number }
  | { kind: 'reseed'; count: number };

export interface SimCounters {
  inserted: number;
  updated: number;
  deleted: number;
  missingDeletes: number;
  tombstonesCreated: number;
  tombstonesReused: number;
  overflowBucketsAllocated: number;
}

export interface SimStep {
  step: number;
  line: string;
  events: SimEvent[];
  counters: SimCounters;
  snapshot: MapSnapshot;
}

export interface SimOptions {
  /** Include per-slot keys/hashes in snapshots (default true). */
  slots?: boolean;
}

export const SIM_NOTE =
  'simulation: placement uses a seeded stand-in hash, not the runtime hash (per-process random key + per-map seed); ' +
  'counts, capacities and load-factor growth points follow the runtime rules, but which bucket/group holds a key, ' +
  'overflow chains and tombstone counts are one plausible outcome for this seed';

// ---------------------------------------------------------------- script parsing

export class SimScriptError extends Error {
  constructor(
    readonly lineNo: number,
    message: string,
  ) {
    super(`map simulation script line ${lineNo}: ${message}`);
    this.name = 'SimScriptError';
  }
}

const MAX_KEYS_PER_LINE = 2_000_000;

function parseKeys(text: string, lineNo: number): string[] {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const tok = raw.trim();
    if (tok === '') continue;
    const m = /^([A-Za-z_][A-Za-z_-]*)?(-?\d+)(?:\.\.\1?(-?\d+))?$/.exec(tok);
    if (!m) {
      out.push(tok.replace(/^"(.*)"$/, '$1'));
      continue;
    }
    const prefix = m[1] ?? '';
    const a = Number(m[2]);
    const b = m[3] === undefined ? a : Number(m[3]);
    const step = b >= a ? 1 : -1;
    if (Math.abs(b - a) + 1 + out.length > MAX_KEYS_PER_LINE) throw new SimScriptError(lineNo, `more than ${MAX_KEYS_PER_LINE} keys`);
    for (let k = a; ; k += step) {
      out.push(prefix + String(k));
      if (k === b) break;
    }
  }
  if (out.length === 0) throw new SimScriptError(lineNo, 'no keys');
  return out;
}

export function parseSimScript(text: string): SimScript {
  const s: SimScript = { layout: 'swiss', seed: 1, goVersion: '', steps: [] };
  text.split(/\r?\n/).forEach((rawLine, idx) => {
    const lineNo = idx + 1;
    const line = rawLine.replace(/#.*$/, '').trim();
    if (line === '') return;
    const sp = line.indexOf(' ');
    const cmd = (sp < 0 ? line : line.slice(0, sp)).toLowerCase();
    const rest = sp < 0 ? '' : line.slice(sp + 1).trim();
    switch (cmd) {
      case 'layout':
        if (rest !== 'swiss' && rest !== 'classic') throw new SimScriptError(lineNo, `layout must be swiss or classic, got ${JSON.stringify(rest)}`);
        if (s.steps.length) throw new SimScriptError(lineNo, 'layout must come before operations');
        s.layout = rest;
        return;
      case 'seed':
        if (!/^\d+$/.test(rest)) throw new SimScriptError(lineNo, 'seed wants a non-negative integer');
        s.seed = Number(rest);
        return;
      case 'go':
        if (!/^go1\.\d+/.test(rest)) throw new SimScriptError(lineNo, 'go wants a version like go1.24');
        s.goVersion = rest;
        return;
      case 'make': {
        if (!/^\d+$/.test(rest)) throw new SimScriptError(lineNo, 'make wants a size hint');
        if (s.steps.some((st) => st.op.kind !== 'make')) throw new SimScriptError(lineNo, 'make must come before operations');
        s.steps.push({ line, lineNo, op: { kind: 'make', hint: Number(rest) } });
        return;
      }
      case 'insert':
      case 'delete':
        s.steps.push({ line, lineNo, op: { kind: cmd, keys: parseKeys(rest, lineNo) } });
        return;
      case 'clear':
        s.steps.push({ line, lineNo, op: { kind: 'clear' } });
        return;
      default:
        throw new SimScriptError(lineNo, `unknown command ${JSON.stringify(cmd)} (layout, seed, go, make, insert, delete, clear)`);
    }
  });
  return s;
}

// ---------------------------------------------------------------- hashing

const M64 = (1n << 64n) - 1n;

class Rng {
  private state: bigint;
  constructor(seed: number) {
    this.state = BigInt(seed) & M64;
  }
  next(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & M64;
    return mix64(this.state);
  }
}

function mix64(x: bigint): bigint {
  x = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  x = ((x ^ (x >> 27n)) * 0x94d049bb133111ebn) & M64;
  return x ^ (x >> 31n);
}

/** The simulator's stand-in hash of key text under a map seed (64-bit). */
export function simHash(key: string, seed: bigint): bigint {
  // FNV-1a over UTF-16 code units, split into two 32-bit lanes for speed.
  let lo = 0x84222325 ^ Number(seed & 0xffffffffn);
  let hi = 0xcbf29ce4 ^ Number((seed >> 32n) & 0xffffffffn);
  for (let i = 0; i < key.length; i++) {
    lo ^= key.charCodeAt(i);
    // multiply (hi,lo) by the 64-bit FNV prime 0x100000001b3
    const l = lo >>> 0;
    const nlo = Math.imul(l, 0x1b3);
    const carry = Math.floor((l * 0x1b3) / 0x100000000);
    hi = (Math.imul(hi, 0x1b3) + Math.imul(l, 0x100) + carry) | 0;
    lo = nlo;
  }
  return mix64((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
}

// ---------------------------------------------------------------- Swiss

interface STable {
  capacity: number;
  used: number;
  growthLeft: number;
  localDepth: number;
  index: number;
  ctrl: Uint8Array;
  keys: (string | null)[];
  hashes: bigint[];
}

function maxGrowthLeft(capacity: number): number {
  return capacity <= 8 ? capacity - 1 : (capacity * 7) / 8;
}

function newTable(capacity: number, index: number, localDepth: number): STable {
  capacity = Math.max(8, 2 ** Math.ceil(Math.log2(Math.max(1, capacity))));
  return {
    capacity,
    used: 0,
    growthLeft: maxGrowthLeft(capacity),
    localDepth,
    index,
    ctrl: new Uint8Array(capacity).fill(CTRL_EMPTY),
    keys: new Array<string | null>(capacity).fill(null),
    hashes: new Array<bigint>(capacity).fill(0n),
  };
}

interface HashParts {
  h: bigint;
  h1: number; // low 53 bits of hash >> 7 are plenty for masks ≤ 127
  h2: number;
  top: bigint;
}

function parts(h: bigint): HashParts {
  return { h, h1: Number((h >> 7n) & 0xffffffffn), h2: Number(h & 0x7fn), top: h };
}

class SwissSim {
  used = 0;
  seed: bigint;
  small: { ctrl: Uint8Array; keys: (string | null)[]; hashes: bigint[] } | null = null;
  dir: STable[] = [];
  globalDepth = 0;
  clearSeq = 0;
  tombstonePossible = false;
  events: SimEvent[] = [];
  counters: SimCounters = newCounters();

  constructor(
    private rng: Rng,
    private prune: boolean,
  ) {
    this.seed = rng.next();
  }

  make(hint: number): void {
    if (hint <= 8) return;
    const target = Math.floor((hint * 8) / 7);
    const dirSize = 2 ** Math.ceil(Math.log2(Math.ceil(target / MAX_TABLE_CAPACITY)));
    this.globalDepth = Math.log2(dirSize);
    this.dir = [];
    for (let i = 0; i < dirSize; i++) this.dir.push(newTable(Math.floor(target / dirSize), i, this.globalDepth));
  }

  private dirIndex(h: bigint): number {
    return this.globalDepth === 0 ? 0 : Number(h >> BigInt(64 - this.globalDepth));
  }

  insert(key: string): void {
    const h = simHash(key, this.seed);
    if (this.dir.length === 0) {
      if (this.small === null) this.small = { ctrl: new Uint8Array(8).fill(CTRL_EMPTY), keys: new Array(8).fill(null), hashes: new Array(8).fill(0n) };
      const g = this.small;
      const h2 = Number(h & 0x7fn);
      // Go 1.24–1.26 check the count before looking for the key, so even an overwrite
      // of a full small map converts it to a table (golang/go#78853).
      if (this.used < 8) {
        for (let i = 0; i < 8; i++) {
          if (g.ctrl[i] === h2 && g.keys[i] === key) {
            this.counters.updated++;
            return;
          }
        }
        const i = g.ctrl.findIndex((c) => (c & CTRL_EMPTY) !== 0);
        g.ctrl[i] = h2;
        g.keys[i] = key;
        g.hashes[i] = h;
        this.used++;
        this.counters.inserted++;
        return;
      }
      this.growToTable();
    }
    for (;;) {
      const t = this.dir[this.dirIndex(h)]!;
      if (this.putSlot(t, key, parts(h))) return;
    }
  }

  private growToTable(): void {
    const t = newTable(16, 0, 0);
    const g = this.small!;
    for (let i = 0; i < 8; i++) if (!(g.ctrl[i]! & CTRL_EMPTY)) uncheckedPut(t, g.keys[i]!, g.hashes[i]!);
    this.small = null;
    this.dir = [t];
    this.globalDepth = 0;
    this.events.push({ kind: 'growToTable', count: this.used });
  }

  /** internal/runtime/maps table.PutSlot; false ⇒ the table was rehashed, retry. */
  private putSlot(t: STable, key: string, p: HashParts): boolean {
    const mask = t.capacity / 8 - 1;
    let off = p.h1 & mask;
    let firstDeleted = -1;
    for (let idx = 1; ; off = (off + idx++) & mask) {
      const base = off * 8;
      for (let j = 0; j < 8; j++) {
        if (t.ctrl[base + j] === p.h2 && t.keys[base + j] === key) {
          this.counters.updated++;
          return true;
        }
      }
      let first = -1;
      for (let j = 0; j < 8; j++) {
        if (t.ctrl[base + j]! & CTRL_EMPTY) {
          first = base + j;
          break;
        }
      }
      if (first < 0) continue;
      if (t.ctrl[first] === CTRL_DELETED) {
        if (firstDeleted < 0) firstDeleted = first;
        continue;
      }
      let slot = first;
      let reuse = false;
      if (firstDeleted >= 0) {
        slot = firstDeleted;
        t.growthLeft++;
        reuse = true;
      }
      if (t.growthLeft === 0 && this.prune) this.pruneTombstones(t);
      if (t.growthLeft > 0) {
        if (reuse) this.counters.tombstonesReused++;
        t.ctrl[slot] = p.h2;
        t.keys[slot] = key;
        t.hashes[slot] = p.h;
        t.growthLeft--;
        t.used++;
        this.used++;
        this.counters.inserted++;
        return true;
      }
      this.rehash(t);
      return false;
    }
  }

  private pruneTombstones(t: STable): void {
    const tombs = (t.capacity * 7) / 8 - t.used - t.growthLeft;
    if (tombs * 10 < t.capacity) return;
    const groups = t.capacity / 8;
    const mask = groups - 1;
    const needed = new Uint8Array(groups);
    for (let gi = 0; gi < groups; gi++) {
      for (let j = 0; j < 8; j++) {
        const s = gi * 8 + j;
        if (t.ctrl[s]! & CTRL_EMPTY) continue;
        let off = Number((t.hashes[s]! >> 7n) & 0xffffffffn) & mask;
        for (let idx = 1; off !== gi; off = (off + idx++) & mask) {
          for (let k = 0; k < 8; k++) if (t.ctrl[off * 8 + k]! & CTRL_EMPTY) needed[off] = 1;
        }
      }
      for (let j = 0; j < 8; j++) if (t.ctrl[gi * 8 + j] === CTRL_EMPTY) needed[gi] = 1;
    }
    let cnt = 0;
    for (let gi = 0; gi < groups; gi++) if (!needed[gi]) for (let j = 0; j < 8; j++) if (t.ctrl[gi * 8 + j] === CTRL_DELETED) cnt++;
    if (cnt * 10 < t.capacity) return;
    for (let gi = 0; gi < groups; gi++) {
      if (needed[gi]) continue;
      for (let j = 0; j < 8; j++) {
        if (t.ctrl[gi * 8 + j] === CTRL_DELETED) {
          t.ctrl[gi * 8 + j] = CTRL_EMPTY;
          t.growthLeft++;
        }
      }
    }
    this.events.push({ kind: 'pruneTombstones', count: this.used, freed: cnt });
  }

  private rehash(t: STable): void {
    const newCap = t.capacity * 2;
    if (newCap <= MAX_TABLE_CAPACITY) {
      const nt = newTable(newCap, t.index, t.localDepth);
      for (let s = 0; s < t.capacity; s++) if (!(t.ctrl[s]! & CTRL_EMPTY)) uncheckedPut(nt, t.keys[s]!, t.hashes[s]!);
      this.replaceTable(nt);
      t.index = -1;
      this.events.push({ kind: 'tableGrow', count: this.used, from: t.capacity, to: newCap, localDepth: t.localDepth });
      return;
    }
    const depth = t.localDepth + 1;
    const left = newTable(MAX_TABLE_CAPACITY, -1, depth);
    const right = newTable(MAX_TABLE_CAPACITY, -1, depth);
    const bit = 1n << BigInt(64 - depth);
    for (let s = 0; s < t.capacity; s++) {
      if (t.ctrl[s]! & CTRL_EMPTY) continue;
      uncheckedPut((t.hashes[s]! & bit) === 0n ? left : right, t.keys[s]!, t.hashes[s]!);
    }
    if (t.localDepth === this.globalDepth) {
      const nd: STable[] = [];
      this.dir.forEach((x, i) => {
        nd.push(x, x);
        if (x.index === i) x.index = 2 * i;
      });
      this.dir = nd;
      this.globalDepth++;
      this.events.push({ kind: 'directoryDouble', count: this.used, globalDepth: this.globalDepth });
    }
    left.index = t.index;
    this.replaceTable(left);
    right.index = left.index + 2 ** (this.globalDepth - depth);
    this.replaceTable(right);
    t.index = -1;
    this.events.push({ kind: 'tableSplit', count: this.used, localDepth: depth });
  }

  private replaceTable(nt: STable): void {
    const n = 2 ** (this.globalDepth - nt.localDepth);
    for (let i = 0; i < n; i++) this.dir[nt.index + i] = nt;
  }

  delete(key: string): void {
    if (this.used === 0) {
      this.counters.missingDeletes++;
      return;
    }
    const h = simHash(key, this.seed);
    let found = false;
    if (this.dir.length === 0) {
      const g = this.small!;
      const i = g.keys.findIndex((k, j) => k === key && !(g.ctrl[j]! & CTRL_EMPTY));
      if (i >= 0) {
        g.ctrl[i] = CTRL_EMPTY;
        g.keys[i] = null;
        this.used--;
        found = true;
      }
    } else {
      const t = this.dir[this.dirIndex(h)]!;
      const p = parts(h);
      const mask = t.capacity / 8 - 1;
      let off = p.h1 & mask;
      search: for (let idx = 1; ; off = (off + idx++) & mask) {
        const base = off * 8;
        for (let j = 0; j < 8; j++) {
          const s = base + j;
          if (t.ctrl[s] === p.h2 && t.keys[s] === key) {
            t.used--;
            this.used--;
            t.keys[s] = null;
            found = true;
            let groupHasEmpty = false;
            for (let k = 0; k < 8; k++) if (t.ctrl[base + k] === CTRL_EMPTY) groupHasEmpty = true;
            if (groupHasEmpty) {
              t.ctrl[s] = CTRL_EMPTY;
              t.growthLeft++;
            } else {
              t.ctrl[s] = CTRL_DELETED;
              this.tombstonePossible = true;
              this.counters.tombstonesCreated++;
            }
            break search;
          }
        }
        for (let k = 0; k < 8; k++) if (t.ctrl[base + k] === CTRL_EMPTY) break search;
        if (idx > mask + 1) break;
      }
    }
    if (found) this.counters.deleted++;
    else this.counters.missingDeletes++;
    if (this.used === 0) {
      this.seed = this.rng.next();
      this.events.push({ kind: 'reseed', count: 0 });
    }
  }

  clear(): void {
    if (this.used === 0 && !this.tombstonePossible) return;
    if (this.small) {
      this.small.ctrl.fill(CTRL_EMPTY);
      this.small.keys.fill(null);
    }
    for (const t of new Set(this.dir)) {
      t.ctrl.fill(CTRL_EMPTY);
      t.keys.fill(null);
      t.used = 0;
      t.growthLeft = maxGrowthLeft(t.capacity);
    }
    this.used = 0;
    this.tombstonePossible = false;
    this.clearSeq++;
    this.seed = this.rng.next();
  }

  snapshot(goVersion: string, seed: number, slots: boolean): MapSnapshot {
    const mkGroup = (ctrl: Uint8Array, keys: (string | null)[], hashes: bigint[], base: number): SwissGroup => {
      const g: SwissGroup = { ctrl: ctrlWord(Array.from(ctrl.subarray(base, base + 8))) };
      if (slots) {
        const ss: MapSlot[] = [];
        for (let j = 0; j < 8; j++) if (!(ctrl[base + j]! & CTRL_EMPTY)) ss.push({ i: j, key: keys[base + j]!, hash: hex64(hashes[base + j]!) });
        if (ss.length) g.slots = ss;
      }
      return g;
    };
    const snap: MapSnapshot = {
      schema: MAPSNAP_SCHEMA,
      layout: 'swiss',
      capture: simCapture(goVersion, seed),
      count: this.used,
      swiss: {
        seed: hex64(this.seed),
        globalDepth: this.dir.length ? this.globalDepth : 0,
        globalShift: 64 - (this.dir.length ? this.globalDepth : 0),
        dirLen: this.dir.length,
        writing: 0,
        tombstonePossible: this.tombstonePossible,
        clearSeq: this.clearSeq,
      },
    };
    const sw = snap.swiss!;
    if (this.dir.length === 0) {
      if (this.small) sw.small = mkGroup(this.small.ctrl, this.small.keys, this.small.hashes, 0);
      return snap;
    }
    const ids = new Map<STable, number>();
    const tables: SwissTable[] = [];
    sw.directory = this.dir.map((t) => {
      let id = ids.get(t);
      if (id === undefined) {
        id = tables.length;
        ids.set(t, id);
        const groups: SwissGroup[] = [];
        for (let gi = 0; gi < t.capacity / 8; gi++) groups.push(mkGroup(t.ctrl, t.keys, t.hashes, gi * 8));
        tables.push({ id, capacity: t.capacity, used: t.used, growthLeft: t.growthLeft, localDepth: t.localDepth, index: t.index, groups });
      }
      return id;
    });
    sw.tables = tables;
    return snap;
  }
}

function uncheckedPut(t: STable, key: string, h: bigint): void {
  const mask = t.capacity / 8 - 1;
  const h2 = Number(h & 0x7fn);
  let off = Number((h >> 7n) & 0xffffffffn) & mask;
  for (let idx = 1; ; off = (off + idx++) & mask) {
    for (let j = 0; j < 8; j++) {
      const s = off * 8 + j;
      if (t.ctrl[s] === CTRL_EMPTY) {
        t.ctrl[s] = h2;
        t.keys[s] = key;
        t.hashes[s] = h;
        t.growthLeft--;
        t.used++;
        return;
      }
    }
  }
}

function newCounters(): SimCounters {
  return { inserted: 0, updated: 0, deleted: 0, missingDeletes: 0, tombstonesCreated: 0, tombstonesReused: 0, overflowBucketsAllocated: 0 };
}

function simCapture(goVersion: string, seed: number): MapSnapshot['capture'] {
  return { goVersion, method: 'simulation', hashesExact: false, keyType: 'string', elemType: 'int', keySize: 16, elemSize: 8, note: `${SIM_NOTE} (seed ${seed})` };
}

// ---------------------------------------------------------------- classic

interface CBucket {
  tophash: Uint8Array;
  keys: (string | null)[];
  hashes: bigint[];
  overflow: CBucket | null;
}

function newBucket(): CBucket {
  return { tophash: new Uint8Array(8), keys: new Array(8).fill(null), hashes: new Array(8).fill(0n), overflow: null };
}

function tophashOf(h: bigint): number {
  const t = Number(h >> 56n);
  return t < TOPHASH_MIN ? t + TOPHASH_MIN : t;
}

const isEmptyTop = (x: number): boolean => x <= TOPHASH_EMPTY_ONE;
const evacuatedB = (b: CBucket): boolean => b.tophash[0]! > TOPHASH_EMPTY_ONE && b.tophash[0]! < TOPHASH_MIN;

export function overLoadFactor(count: number, B: number): boolean {
  return count > 8 && count > 13 * (2 ** B / 2);
}

export function tooManyOverflowBuckets(noverflow: number, B: number): boolean {
  return noverflow >= 2 ** Math.min(B, 15);
}

class ClassicSim {
  count = 0;
  B = 0;
  flags = 0;
  noverflow = 0;
  nevacuate = 0;
  hash0: bigint;
  buckets: CBucket[] | null = null;
  oldbuckets: CBucket[] | null = null;
  events: SimEvent[] = [];
  counters: SimCounters = newCounters();

  constructor(private rng: Rng) {
    this.hash0 = rng.next();
  }

  make(hint: number): void {
    let B = 0;
    while (overLoadFactor(hint, B)) B++;
    this.B = B;
    if (B > 0) this.buckets = Array.from({ length: 2 ** B }, newBucket);
  }

  private growing(): boolean {
    return this.oldbuckets !== null;
  }

  private incrnoverflow(): void {
    if (this.B < 16) {
      this.noverflow++;
      return;
    }
    const mask = 2 ** (this.B - 15) - 1;
    if ((Number(this.rng.next() & 0xffffffffn) & mask) === 0) this.noverflow++;
  }

  private newoverflow(b: CBucket): CBucket {
    const o = newBucket();
    this.incrnoverflow();
    this.counters.overflowBucketsAllocated++;
    b.overflow = o;
    return o;
  }

  insert(key: string): void {
    const h = simHash(key, this.hash0);
    if (this.buckets === null) this.buckets = [newBucket()];
    const top = tophashOf(h);
    for (;;) {
      const bi = Number(h & BigInt(2 ** this.B - 1));
      if (this.growing()) this.growWork(bi);
      let b: CBucket = this.buckets[bi]!;
      let insB: CBucket | null = null;
      let insI = -1;
      let last = b;
      search: for (let cur: CBucket | null = b; cur; cur = cur.overflow) {
        last = cur;
        for (let i = 0; i < 8; i++) {
          if (cur.tophash[i] !== top) {
            if (isEmptyTop(cur.tophash[i]!) && insB === null) {
              insB = cur;
              insI = i;
            }
            if (cur.tophash[i] === TOPHASH_EMPTY_REST) break search;
            continue;
          }
          if (cur.keys[i] === key) {
            this.counters.updated++;
            return;
          }
        }
      }
      if (!this.growing() && (overLoadFactor(this.count + 1, this.B) || tooManyOverflowBuckets(this.noverflow, this.B))) {
        this.hashGrow();
        continue;
      }
      if (insB === null) {
        insB = this.newoverflow(last);
        insI = 0;
      }
      b = insB;
      b.tophash[insI] = top;
      b.keys[insI] = key;
      b.hashes[insI] = h;
      this.count++;
      this.counters.inserted++;
      return;
    }
  }

  private hashGrow(): void {
    const sameSize = !overLoadFactor(this.count + 1, this.B);
    this.events.push({ kind: 'hashGrow', count: this.count, sameSize, B: this.B + (sameSize ? 0 : 1), noverflow: this.noverflow });
    if (sameSize) this.flags |= CLASSIC_FLAG_SAME_SIZE_GROW;
    else this.B++;
    this.oldbuckets = this.buckets;
    this.buckets = Array.from({ length: 2 ** this.B }, newBucket);
    this.nevacuate = 0;
    this.noverflow = 0;
  }

  private noldbuckets(): number {
    return this.flags & CLASSIC_FLAG_SAME_SIZE_GROW ? 2 ** this.B : 2 ** (this.B - 1);
  }

  private growWork(bucket: number): void {
    this.evacuate(bucket & (this.noldbuckets() - 1));
    if (this.growing()) this.evacuate(this.nevacuate);
  }

  private evacuate(oldbucket: number): void {
    const old = this.oldbuckets!;
    const b = old[oldbucket]!;
    const newbit = this.noldbuckets();
    if (!evacuatedB(b)) {
      const sameSize = (this.flags & CLASSIC_FLAG_SAME_SIZE_GROW) !== 0;
      const dst = [
        { b: this.buckets![oldbucket]!, i: 0 },
        { b: sameSize ? this.buckets![oldbucket]! : this.buckets![oldbucket + newbit]!, i: 0 },
      ];
      for (let cur: CBucket | null = b; cur; cur = cur.overflow) {
        for (let i = 0; i < 8; i++) {
          const top = cur.tophash[i]!;
          if (isEmptyTop(top)) {
            cur.tophash[i] = TOPHASH_EVACUATED_EMPTY;
            continue;
          }
          const useY = !sameSize && (cur.hashes[i]! & BigInt(newbit)) !== 0n ? 1 : 0;
          cur.tophash[i] = TOPHASH_EVACUATED_X + useY;
          const d = dst[useY]!;
          if (d.i === 8) {
            d.b = this.newoverflow(d.b);
            d.i = 0;
          }
          d.b.tophash[d.i] = top;
          d.b.keys[d.i] = cur.keys[i]!;
          d.b.hashes[d.i] = cur.hashes[i]!;
          d.i++;
          cur.keys[i] = null;
        }
      }
    }
    if (oldbucket === this.nevacuate) this.advanceEvacuationMark(newbit);
  }

  private advanceEvacuationMark(newbit: number): void {
    this.nevacuate++;
    const stop = Math.min(this.nevacuate + 1024, newbit);
    while (this.nevacuate !== stop && evacuatedB(this.oldbuckets![this.nevacuate]!)) this.nevacuate++;
    if (this.nevacuate === newbit) {
      this.oldbuckets = null;
      this.flags &= ~CLASSIC_FLAG_SAME_SIZE_GROW;
      this.events.push({ kind: 'evacuationDone', count: this.count, B: this.B });
    }
  }

  delete(key: string): void {
    if (this.count === 0 || this.buckets === null) {
      this.counters.missingDeletes++;
      return;
    }
    const h = simHash(key, this.hash0);
    const top = tophashOf(h);
    const bi = Number(h & BigInt(2 ** this.B - 1));
    if (this.growing()) this.growWork(bi);
    const bOrig = this.buckets[bi]!;
    for (let b: CBucket | null = bOrig; b; b = b.overflow) {
      for (let i = 0; i < 8; i++) {
        if (b.tophash[i] !== top) {
          if (b.tophash[i] === TOPHASH_EMPTY_REST) {
            this.counters.missingDeletes++;
            return;
          }
          continue;
        }
        if (b.keys[i] !== key) continue;
        b.keys[i] = null;
        b.tophash[i] = TOPHASH_EMPTY_ONE;
        // Turn a trailing run of emptyOne into emptyRest.
        const notLast = i === 7 ? b.overflow !== null && b.overflow.tophash[0] !== TOPHASH_EMPTY_REST : b.tophash[i + 1] !== TOPHASH_EMPTY_REST;
        if (!notLast) {
          let cb: CBucket = b;
          let ci = i;
          for (;;) {
            cb.tophash[ci] = TOPHASH_EMPTY_REST;
            if (ci === 0) {
              if (cb === bOrig) break;
              let c = bOrig;
              while (c.overflow !== cb) c = c.overflow!;
              cb = c;
              ci = 7;
            } else ci--;
            if (cb.tophash[ci] !== TOPHASH_EMPTY_ONE) break;
          }
        }
        this.count--;
        this.counters.deleted++;
        if (this.count === 0) {
          this.hash0 = this.rng.next();
          this.events.push({ kind: 'reseed', count: 0 });
        }
        return;
      }
    }
    this.counters.missingDeletes++;
  }

  clear(): void {
    if (this.count === 0) return;
    this.hash0 = this.rng.next();
    this.flags &= ~CLASSIC_FLAG_SAME_SIZE_GROW;
    this.oldbuckets = null;
    this.nevacuate = 0;
    this.noverflow = 0;
    this.count = 0;
    if (this.buckets) this.buckets = this.buckets.map(() => newBucket());
  }

  snapshot(goVersion: string, seed: number, slots: boolean): MapSnapshot {
    const conv = (b: CBucket, old: boolean): ClassicBucket => {
      const chain = [];
      for (let cur: CBucket | null = b; cur; cur = cur.overflow) {
        const cb: ClassicBucket['chain'][number] = { tophash: Array.from(cur.tophash) };
        if (slots) {
          const ss: MapSlot[] = [];
          for (let i = 0; i < 8; i++) if (cur.tophash[i]! >= TOPHASH_MIN) ss.push({ i, key: cur.keys[i]!, hash: hex64(cur.hashes[i]!) });
          if (ss.length) cb.slots = ss;
        }
        chain.push(cb);
      }
      const out: ClassicBucket = { chain };
      if (old) out.evacuated = evacuatedB(b);
      return out;
    };
    const cap = simCapture(goVersion, seed);
    cap.groupSize = 8 + 8 * 16 + 8 * 8 + 8;
    const snap: MapSnapshot = {
      schema: MAPSNAP_SCHEMA,
      layout: 'classic',
      capture: cap,
      count: this.count,
      classic: {
        B: this.B,
        flags: this.flags,
        noverflow: this.noverflow,
        nevacuate: this.nevacuate,
        hash0: hex64(this.hash0),
        buckets: (this.buckets ?? [newBucket()]).map((b) => conv(b, false)),
      },
    };
    if (this.oldbuckets) snap.classic!.oldBuckets = this.oldbuckets.map((b) => conv(b, true));
    return snap;
  }
}

// ---------------------------------------------------------------- driver

/** The Go release a script simulates (its `go` line, else go1.26 for Swiss and go1.23 for classic). */
export function effectiveGoVersion(s: SimScript): string {
  return s.goVersion || (s.layout === 'classic' ? 'go1.23' : 'go1.26');
}

/** Runs the script, yielding one step (with a snapshot in the mapsnap schema) per script line. */
export function* simulate(script: SimScript | string, opts: SimOptions = {}): Generator<SimStep> {
  const s = typeof script === 'string' ? parseSimScript(script) : script;
  const slots = opts.slots ?? true;
  const rng = new Rng(s.seed);
  const goVersion = effectiveGoVersion(s);
  const minor = Number(/^go1\.(\d+)/.exec(goVersion)?.[1] ?? 26);
  const sim = s.layout === 'classic' ? new ClassicSim(rng) : new SwissSim(rng, minor >= 25);
  let n = 0;
  for (const st of s.steps) {
    sim.events = [];
    sim.counters = newCounters();
    const op = st.op;
    switch (op.kind) {
      case 'make':
        sim.make(op.hint);
        break;
      case 'insert':
        for (const k of op.keys) sim.insert(k);
        break;
      case 'delete':
        for (const k of op.keys) sim.delete(k);
        break;
      case 'clear':
        sim.clear();
        break;
    }
    yield { step: ++n, line: st.line, events: sim.events, counters: sim.counters, snapshot: sim.snapshot(goVersion, s.seed, slots) };
  }
}

/** Runs the whole script and returns every step. */
export function runSimulation(script: SimScript | string, opts: SimOptions = {}): SimStep[] {
  return [...simulate(script, opts)];
}
