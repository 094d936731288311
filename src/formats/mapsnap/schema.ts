// "Map snapshot" JSON schema (stacklens.mapsnap/v1): the raw layout of one Go map at
// one instant, for both implementations — classic buckets (Go ≤ 1.23, or
// GOEXPERIMENT=noswissmap in 1.24/1.25) and Swiss tables (Go 1.24+). Written by the Go
// capture helper (go/mapsnap) and by the TypeScript simulator (src/analysis/maps);
// documented in docs/map-snapshot.md. 64-bit quantities (hashes, control words, seeds)
// are "0x" + 16 hex digits because they do not fit a JSON number exactly.

export const MAPSNAP_SCHEMA = 'stacklens.mapsnap/v1';

export type MapLayout = 'swiss' | 'classic';

export interface MapCaptureInfo {
  /** runtime.Version() of the captured program, or the Go release being simulated. */
  goVersion: string;
  goarch?: string;
  /** "unsafe-runtime" (go/mapsnap), "simulation" (TS simulator), "debugger", … */
  method: string;
  /** True when every slot hash is the map's real hash (its own hasher and seed). */
  hashesExact: boolean;
  keyType?: string;
  elemType?: string;
  keySize: number;
  elemSize: number;
  /** Swiss: bytes per key/elem slot; classic: unused. */
  slotSize?: number;
  /** Swiss: bytes per group (8 + 8·slotSize); classic: bytes per bucket. */
  groupSize?: number;
  indirectKey?: boolean;
  indirectElem?: boolean;
  label?: string;
  note?: string;
}

/** One full slot. `i` is the slot index 0..7 in its group / bucket. */
export interface MapSlot {
  i: number;
  key?: string;
  /** Full 64-bit hash, "0x…". */
  hash?: string;
}

export interface SwissGroup {
  /** Control word, "0x" + 16 hex digits, little-endian: byte i (bits 8i..8i+7) is slot i. */
  ctrl: string;
  /** Full slots only (control byte < 0x80). */
  slots?: MapSlot[];
}

export interface SwissTable {
  /** Snapshot-local id, referenced by SwissMap.directory. */
  id: number;
  capacity: number;
  used: number;
  growthLeft: number;
  localDepth: number;
  /** First directory slot holding this table. */
  index: number;
  groups: SwissGroup[];
}

export interface SwissMap {
  seed?: string;
  globalDepth: number;
  globalShift: number;
  /** 0 ⇒ small map (at most one group, `small`). */
  dirLen: number;
  writing: number;
  tombstonePossible?: boolean;
  clearSeq: number;
  small?: SwissGroup;
  /** Table id per directory slot (length dirLen). */
  directory?: number[];
  tables?: SwissTable[];
}

export interface ClassicChainBucket {
  /** 8 tophash bytes: 0 emptyRest, 1 emptyOne, 2 evacuatedX, 3 evacuatedY, 4 evacuatedEmpty, ≥5 full. */
  tophash: number[];
  slots?: MapSlot[];
}

export interface ClassicBucket {
  /** The bucket itself followed by its overflow buckets. */
  chain: ClassicChainBucket[];
  /** Old buckets only: evacuated (tophash[0] of the head is 2..4). */
  evacuated?: boolean;
}

export interface ClassicMap {
  B: number;
  flags: number;
  noverflow: number;
  nevacuate: number;
  hash0?: string;
  buckets: ClassicBucket[];
  /** Present while growing: 2^(B−1) buckets, or 2^B for a same-size grow. */
  oldBuckets?: ClassicBucket[];
}

export interface MapSnapshot {
  schema: typeof MAPSNAP_SCHEMA;
  layout: MapLayout;
  capture: MapCaptureInfo;
  /** len(m). */
  count: number;
  swiss?: SwissMap;
  classic?: ClassicMap;
}

// Runtime constants (both layouts).
export const SLOTS_PER_GROUP = 8;
export const CTRL_EMPTY = 0x80;
export const CTRL_DELETED = 0xfe;
export const MAX_TABLE_CAPACITY = 1024;
export const SWISS_MAX_AVG_GROUP_LOAD = 7;
export const CLASSIC_LOAD_FACTOR_NUM = 13;
export const CLASSIC_LOAD_FACTOR_DEN = 2;
export const TOPHASH_EMPTY_REST = 0;
export const TOPHASH_EMPTY_ONE = 1;
export const TOPHASH_EVACUATED_X = 2;
export const TOPHASH_EVACUATED_Y = 3;
export const TOPHASH_EVACUATED_EMPTY = 4;
export const TOPHASH_MIN = 5;
export const CLASSIC_FLAG_SAME_SIZE_GROW = 8;

/** Control byte i of a control word given as "0x…" hex. */
export function ctrlBytes(ctrl: string): number[] {
  const w = BigInt(ctrl);
  const out: number[] = [];
  for (let i = 0; i < 8; i++) out.push(Number((w >> BigInt(8 * i)) & 0xffn));
  return out;
}

/** Builds a control word string from 8 control bytes. */
export function ctrlWord(bytes: readonly number[]): string {
  let w = 0n;
  for (let i = 7; i >= 0; i--) w = (w << 8n) | BigInt(bytes[i]! & 0xff);
  return '0x' + w.toString(16).padStart(16, '0');
}

export function hex64(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}
