// Derived statistics of a map snapshot (stacklens.mapsnap/v1): occupancy, overflow
// chains / tombstones, evacuation progress, load vs growth thresholds, memory held vs
// needed ("maps never shrink"), and a hash-bit histogram. Every figure says whether it
// is exact (read from the snapshot's raw structure, or computed from exact hashes) or
// approximate (estimated sizes, simulated hashes, the sampled classic noverflow).

import {
  CLASSIC_FLAG_SAME_SIZE_GROW,
  CTRL_DELETED,
  CTRL_EMPTY,
  MAX_TABLE_CAPACITY,
  TOPHASH_MIN,
  ctrlBytes,
  type ClassicBucket,
  type MapSnapshot,
  type SwissGroup,
} from '../../formats/mapsnap/schema';

export interface Figure {
  value: number;
  exact: boolean;
  note?: string;
}

export interface Histogram {
  /** counts[i] = how many groups/buckets/chains have value i. */
  counts: number[];
  exact: boolean;
  note?: string;
}

export interface SwissTableStats {
  id: number;
  capacity: number;
  used: number;
  tombstones: number;
  growthLeft: number;
  localDepth: number;
  directorySlots: number;
  load: number;
  /** New keys this table accepts before its next rehash (tombstone reuse aside). */
  insertsBeforeRehash: number;
  /** What the next rehash does: grow (double) or split (two 1024-slot tables). */
  nextRehash: 'grow' | 'split';
}

export interface SwissStats {
  small: boolean;
  globalDepth: number;
  dirLen: number;
  tables: number;
  capacity: Figure;
  used: Figure;
  tombstones: Figure;
  growthLeft: Figure;
  load: Figure;
  maxLoad: number;
  groupOccupancy: Histogram;
  groupTombstones: Histogram;
  /** Groups probed beyond the H1 home group, per key (needs hashes). */
  probeLength?: { mean: Figure; max: Figure; histogram: Histogram };
  perTable: SwissTableStats[];
}

export interface ClassicStats {
  B: number;
  buckets: number;
  load: Figure;
  /** A new key inserted while count ≥ this grows the map (overLoadFactor). */
  growThreshold: number;
  insertsBeforeGrow: Figure;
  overflowBuckets: Figure;
  noverflow: Figure;
  /** noverflow ≥ this triggers a same-size grow on the next new-key insert. */
  sameSizeGrowThreshold: number;
  bucketOccupancy: Histogram;
  chainLength: Histogram;
  emptyOne: Figure;
  growing: boolean;
  sameSizeGrow: boolean;
  oldBuckets: number;
  evacuated: Figure;
  notYetEvacuated: Figure;
  nevacuate: number;
}

export interface MemoryStats {
  bytesHeld: Figure;
  bytesNeeded: Figure;
  ratio: Figure;
  neverShrinks: boolean;
  diagnosis: string;
  remedy?: string;
}

export interface MapStats {
  format: 'map-snapshot-stats';
  layout: MapSnapshot['layout'];
  label?: string;
  goVersion: string;
  method: string;
  hashesExact: boolean;
  count: number;
  /** Sum of per-table used (Swiss) or of full tophash cells (classic). */
  countedEntries: number;
  countMatches: boolean;
  swiss?: SwissStats;
  classic?: ClassicStats;
  memory: MemoryStats;
  hashBits?: { samples: number; setFraction: number[]; exact: boolean; note: string };
  notes: string[];
}

const PTR = 8;
const SWISS_MAP_HEADER = 48;
const SWISS_TABLE_HEADER = 32;
const CLASSIC_HMAP = 48;

function fig(value: number, exact: boolean, note?: string): Figure {
  return note === undefined ? { value, exact } : { value, exact, note };
}

function round(x: number, d = 4): number {
  const p = 10 ** d;
  return Math.round(x * p) / p;
}

function slotSizeOf(s: MapSnapshot): { size: number; exact: boolean } {
  const c = s.capture;
  if (c.slotSize !== undefined) return { size: c.slotSize, exact: true };
  // key then elem, each aligned to min(size, 8): an estimate.
  const al = (n: number): number => (n >= 8 ? 8 : n >= 4 ? 4 : n >= 2 ? 2 : 1);
  const k = c.indirectKey ? PTR : c.keySize;
  const e = c.indirectElem ? PTR : c.elemSize;
  const a = Math.max(al(k), al(e));
  const off = Math.ceil(k / al(e)) * al(e);
  return { size: Math.ceil((off + e) / a) * a || 1, exact: false };
}

/** Bytes a fresh make(map, n) allocates for the Swiss layout (directory + tables). */
export function swissBytesForMake(n: number, slotSize: number): number {
  const groupBytes = 8 + 8 * slotSize;
  if (n === 0) return SWISS_MAP_HEADER;
  if (n <= 8) return SWISS_MAP_HEADER + groupBytes;
  const target = Math.floor((n * 8) / 7);
  const dirSize = 2 ** Math.ceil(Math.log2(Math.ceil(target / MAX_TABLE_CAPACITY)));
  const cap = Math.max(8, 2 ** Math.ceil(Math.log2(Math.max(1, Math.floor(target / dirSize)))));
  return SWISS_MAP_HEADER + dirSize * PTR + dirSize * (SWISS_TABLE_HEADER + (cap / 8) * groupBytes);
}

export function classicBucketBytes(keySize: number, elemSize: number): number {
  const k = keySize > 128 ? PTR : keySize;
  const e = elemSize > 128 ? PTR : elemSize;
  return Math.ceil((8 + 8 * k + 8 * e) / PTR) * PTR + PTR;
}

export function classicBForHint(n: number): number {
  let B = 0;
  while (n > 8 && n > 13 * (2 ** B / 2)) B++;
  return B;
}

function swissStats(s: MapSnapshot, notes: string[]): { stats: SwissStats; counted: number; bytesHeld: number; hashes: bigint[] } {
  const sw = s.swiss!;
  const hashes: bigint[] = [];
  const occ = new Array<number>(9).fill(0);
  const tomb = new Array<number>(9).fill(0);
  const { size: slotSize } = slotSizeOf(s);
  const groupBytes = 8 + 8 * slotSize;
  const probeHist: number[] = [];
  let probeSum = 0;
  let probeN = 0;
  let probeMax = 0;
  const scanGroup = (g: SwissGroup): { full: number; dead: number; empty: boolean } => {
    const b = ctrlBytes(g.ctrl);
    let full = 0;
    let dead = 0;
    let empty = false;
    for (const c of b) {
      if (c === CTRL_DELETED) dead++;
      else if (c === CTRL_EMPTY) empty = true;
      else if (c < 0x80) full++;
    }
    occ[full]!++;
    tomb[dead]!++;
    for (const sl of g.slots ?? []) if (sl.hash) hashes.push(BigInt(sl.hash));
    return { full, dead, empty };
  };
  if (sw.dirLen === 0) {
    let counted = 0;
    if (sw.small) counted = scanGroup(sw.small).full;
    notes.push('small map: one group of 8 slots, no probing, no tombstones');
    const stats: SwissStats = {
      small: true,
      globalDepth: 0,
      dirLen: 0,
      tables: 0,
      capacity: fig(sw.small ? 8 : 0, true),
      used: fig(counted, true),
      tombstones: fig(0, true),
      growthLeft: fig(sw.small ? 8 - counted : 0, true),
      load: fig(sw.small ? round(counted / 8) : 0, true),
      maxLoad: 1,
      groupOccupancy: { counts: occ, exact: true },
      groupTombstones: { counts: tomb, exact: true },
      perTable: [],
    };
    return { stats, counted, bytesHeld: SWISS_MAP_HEADER + (sw.small ? groupBytes : 0), hashes };
  }
  const tables = sw.tables ?? [];
  const dirCount = new Map<number, number>();
  for (const id of sw.directory ?? []) dirCount.set(id, (dirCount.get(id) ?? 0) + 1);
  let capacity = 0;
  let used = 0;
  let tombs = 0;
  let growthLeft = 0;
  let bytesHeld = SWISS_MAP_HEADER + sw.dirLen * PTR;
  const perTable: SwissTableStats[] = [];
  for (const t of tables) {
    let dead = 0;
    const hasEmpty: boolean[] = [];
    for (const g of t.groups) {
      const r = scanGroup(g);
      dead += r.dead;
      hasEmpty.push(r.empty);
    }
    const mask = t.groups.length - 1;
    t.groups.forEach((g, gi) => {
      for (const sl of g.slots ?? []) {
        if (!sl.hash) continue;
        let off = Number((BigInt(sl.hash) >> 7n) & 0xffffffffn) & mask;
        let len = 0;
        for (let i = 1; off !== gi && len <= mask; off = (off + i++) & mask) len++;
        probeHist[len] = (probeHist[len] ?? 0) + 1;
        probeSum += len;
        probeN++;
        probeMax = Math.max(probeMax, len);
      }
    });
    capacity += t.capacity;
    used += t.used;
    tombs += dead;
    growthLeft += t.growthLeft;
    bytesHeld += SWISS_TABLE_HEADER + t.groups.length * groupBytes;
    perTable.push({
      id: t.id,
      capacity: t.capacity,
      used: t.used,
      tombstones: dead,
      growthLeft: t.growthLeft,
      localDepth: t.localDepth,
      directorySlots: dirCount.get(t.id) ?? 0,
      load: round(t.used / t.capacity),
      insertsBeforeRehash: t.growthLeft,
      nextRehash: t.capacity * 2 <= MAX_TABLE_CAPACITY ? 'grow' : 'split',
    });
  }
  const approx = !s.capture.hashesExact;
  const stats: SwissStats = {
    small: false,
    globalDepth: sw.globalDepth,
    dirLen: sw.dirLen,
    tables: tables.length,
    capacity: fig(capacity, true),
    used: fig(used, true),
    tombstones: fig(tombs, true),
    growthLeft: fig(growthLeft, true),
    load: fig(round(capacity ? used / capacity : 0), true),
    maxLoad: 7 / 8,
    groupOccupancy: { counts: occ, exact: true },
    groupTombstones: { counts: tomb, exact: true },
    perTable,
  };
  if (probeN > 0) {
    const note = approx ? 'from simulated/approximate hashes' : undefined;
    stats.probeLength = {
      mean: fig(round(probeSum / probeN), !approx, note),
      max: fig(probeMax, !approx, note),
      histogram: { counts: Array.from(probeHist, (x) => x ?? 0), exact: !approx, ...(note ? { note } : {}) },
    };
  }
  return { stats, counted: used, bytesHeld, hashes };
}

function classicStats(s: MapSnapshot, notes: string[]): { stats: ClassicStats; counted: number; bytesHeld: number; hashes: bigint[] } {
  const c = s.classic!;
  const hashes: bigint[] = [];
  const occ = new Array<number>(9).fill(0);
  const chainHist: number[] = [];
  let overflow = 0;
  let full = 0;
  let emptyOne = 0;
  for (const b of c.buckets) {
    for (const cb of b.chain) {
      let n = 0;
      for (const t of cb.tophash) {
        if (t >= TOPHASH_MIN) {
          n++;
          full++;
        } else if (t === 1) emptyOne++;
      }
      occ[n]!++;
      for (const sl of cb.slots ?? []) if (sl.hash) hashes.push(BigInt(sl.hash));
    }
    chainHist[b.chain.length - 1] = (chainHist[b.chain.length - 1] ?? 0) + 1;
    overflow += b.chain.length - 1;
  }
  const old: ClassicBucket[] = c.oldBuckets ?? [];
  let evac = 0;
  let oldOverflow = 0;
  for (const b of old) {
    const t0 = b.chain[0]!.tophash[0]!;
    const isEvac = b.evacuated ?? (t0 > 1 && t0 < TOPHASH_MIN);
    if (isEvac) evac++;
    else for (const cb of b.chain) for (const t of cb.tophash) if (t >= TOPHASH_MIN) full++;
    oldOverflow += b.chain.length - 1;
  }
  const bucketBytes = s.capture.groupSize ?? classicBucketBytes(s.capture.keySize, s.capture.elemSize);
  const nb = 2 ** c.B;
  const threshold = Math.max(8, Math.floor((13 * nb) / 2));
  const noverflowExact = c.B < 16;
  if (!noverflowExact) notes.push('B ≥ 16: the runtime increments noverflow with probability 1/2^(B−15), so it is an estimate');
  if (c.flags & CLASSIC_FLAG_SAME_SIZE_GROW) notes.push('same-size grow in progress: repacking overflow chains left by deletes');
  const stats: ClassicStats = {
    B: c.B,
    buckets: nb,
    load: fig(round(s.count / nb), true),
    growThreshold: threshold,
    insertsBeforeGrow: fig(Math.max(0, threshold - s.count), true, 'new keys accepted before the insert that calls hashGrow (none while already growing)'),
    overflowBuckets: fig(overflow + oldOverflow, true, 'counted along chains (pre-allocated but unused overflow buckets not included)'),
    noverflow: fig(c.noverflow, noverflowExact),
    sameSizeGrowThreshold: 2 ** Math.min(c.B, 15),
    bucketOccupancy: { counts: occ, exact: true, note: 'counts[i] = buckets (heads and overflow buckets of the current array) with i full cells' },
    chainLength: { counts: Array.from(chainHist, (x) => x ?? 0), exact: true, note: 'counts[i] = buckets whose chain has i overflow buckets' },
    emptyOne: fig(emptyOne, true, 'deleted cells not yet folded into emptyRest'),
    growing: old.length > 0,
    sameSizeGrow: (c.flags & CLASSIC_FLAG_SAME_SIZE_GROW) !== 0,
    oldBuckets: old.length,
    evacuated: fig(evac, true),
    notYetEvacuated: fig(old.length - evac, true),
    nevacuate: c.nevacuate,
  };
  const bytesHeld = CLASSIC_HMAP + (nb + overflow + old.length + oldOverflow) * bucketBytes;
  return { stats, counted: full, bytesHeld, hashes };
}

function fmtBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** Statistics of one snapshot. */
export function mapStats(s: MapSnapshot): MapStats {
  const notes: string[] = [];
  if (!s.capture.hashesExact) notes.push(s.capture.method === 'simulation' ? 'hashes are simulated (seeded stand-in hash): placement figures are one plausible outcome' : 'hashes are approximate');
  const r = s.layout === 'swiss' ? swissStats(s, notes) : classicStats(s, notes);
  const slot = slotSizeOf(s);
  const bucketBytes = s.capture.groupSize ?? classicBucketBytes(s.capture.keySize, s.capture.elemSize);
  const needed = s.layout === 'swiss' ? swissBytesForMake(s.count, slot.size) : CLASSIC_HMAP + 2 ** classicBForHint(s.count) * bucketBytes;
  const ratio = needed > 0 ? r.bytesHeld / needed : 0;
  const neverShrinks = ratio >= 4 && r.bytesHeld - needed >= 16 * 1024;
  const what = s.layout === 'swiss' ? 'tables' : 'buckets';
  const memory: MemoryStats = {
    bytesHeld: fig(r.bytesHeld, false, `structure sizes from the snapshot × ${s.layout === 'swiss' ? `group size ${8 + 8 * slot.size}` : `bucket size ${bucketBytes}`} B; excludes indirect keys/elems and what keys point to`),
    bytesNeeded: fig(needed, false, `what make(map, ${s.count}) would allocate`),
    ratio: fig(round(ratio, 2), false),
    neverShrinks,
    diagnosis: neverShrinks
      ? `maps never shrink: ${fmtBytes(r.bytesHeld)} of ${what} held for ${s.count} live entries, a fresh map needs ~${fmtBytes(needed)} (${round(ratio, 1)}×). Deleting keys frees slots but the runtime never releases ${what}.`
      : `${fmtBytes(r.bytesHeld)} held for ${s.count} entries (~${fmtBytes(needed)} for a fresh map): no shrink problem`,
  };
  if (neverShrinks)
    memory.remedy =
      'copy the live entries into a new map and drop the old one: m2 := make(map[K]V, len(m)); for k, v := range m { m2[k] = v }; m = m2 (maps.Clone keeps the old size; clear(m) keeps it too)';
  const stats: MapStats = {
    format: 'map-snapshot-stats',
    layout: s.layout,
    goVersion: s.capture.goVersion,
    method: s.capture.method,
    hashesExact: s.capture.hashesExact,
    count: s.count,
    countedEntries: r.counted,
    countMatches: r.counted === s.count,
    memory,
    notes,
  };
  if (s.capture.label) stats.label = s.capture.label;
  if (s.layout === 'swiss') stats.swiss = r.stats as SwissStats;
  else stats.classic = r.stats as ClassicStats;
  if (!stats.countMatches) notes.push(`count ${s.count} but ${r.counted} full slots found (torn snapshot or concurrent write?)`);
  if (r.hashes.length > 0) {
    const set = new Array<number>(64).fill(0);
    for (const h of r.hashes) for (let b = 0; b < 64; b++) if ((h >> BigInt(b)) & 1n) set[b]!++;
    stats.hashBits = {
      samples: r.hashes.length,
      setFraction: set.map((x) => round(x / r.hashes.length, 3)),
      exact: s.capture.hashesExact,
      note:
        s.layout === 'swiss'
          ? 'bit 0..6 = H2 (control byte), 7.. = H1 (probe start), top globalDepth bits = directory index'
          : 'low B bits = bucket, top 8 bits = tophash',
    };
  }
  return stats;
}
