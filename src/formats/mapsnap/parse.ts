// Validating parser for stacklens.mapsnap/v1 JSON (see schema.ts). Every problem is a
// DecodeError whose message starts with the JSON path of the bad field
// (e.g. `$.swiss.tables[2].groups[5].ctrl: expected "0x" + 16 hex digits`).
//
// parseMapSnapshot is strict: the first problem throws. parseMapSnapshotLenient keeps
// what parsed: a bad slot, group, table or bucket is dropped and reported, and only a
// bad header (schema, layout, capture, count, layout section) throws.

import { DecodeError } from '../errors';
import {
  MAPSNAP_SCHEMA,
  type ClassicBucket,
  type ClassicChainBucket,
  type ClassicMap,
  type MapCaptureInfo,
  type MapSlot,
  type MapSnapshot,
  type SwissGroup,
  type SwissMap,
  type SwissTable,
} from './schema';

const FORMAT = 'mapsnap';
const HEX64 = /^0x[0-9a-fA-F]{1,16}$/;

type Obj = Record<string, unknown>;

class Ctx {
  readonly problems: DecodeError[] = [];
  constructor(readonly strict: boolean) {}
  fail(path: string, msg: string): never {
    throw new DecodeError(FORMAT, `${path}: ${msg}`);
  }
  /** Parses each element; a failing element is dropped (lenient) or rethrown (strict). */
  list<T>(v: unknown, path: string, one: (x: unknown, p: string) => T): T[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${kind(v)}`);
    const out: T[] = [];
    v.forEach((x, i) => {
      try {
        out.push(one(x, `${path}[${i}]`));
      } catch (e) {
        if (this.strict || !(e instanceof DecodeError)) throw e;
        this.problems.push(e);
      }
    });
    return out;
  }
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function obj(c: Ctx, v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) c.fail(path, `expected an object, got ${kind(v)}`);
  return v as Obj;
}

function int(c: Ctx, o: Obj, key: string, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) c.fail(`${path}.${key}`, `expected an integer, got ${v === undefined ? 'nothing' : kind(v)}`);
  if (v < min || v > max) c.fail(`${path}.${key}`, `${v} is outside ${min}..${max}`);
  return v;
}

function optInt(c: Ctx, o: Obj, key: string, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  return o[key] === undefined ? undefined : int(c, o, key, path, min, max);
}

function str(c: Ctx, o: Obj, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string') c.fail(`${path}.${key}`, `expected a string, got ${v === undefined ? 'nothing' : kind(v)}`);
  return v;
}

function optStr(c: Ctx, o: Obj, key: string, path: string): string | undefined {
  return o[key] === undefined ? undefined : str(c, o, key, path);
}

function optBool(c: Ctx, o: Obj, key: string, path: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') c.fail(`${path}.${key}`, `expected a boolean, got ${kind(v)}`);
  return v;
}

function hex(c: Ctx, o: Obj, key: string, path: string): string {
  const v = str(c, o, key, path);
  if (!HEX64.test(v)) c.fail(`${path}.${key}`, `expected "0x" + up to 16 hex digits, got ${JSON.stringify(v.slice(0, 40))}`);
  return v;
}

function optHex(c: Ctx, o: Obj, key: string, path: string): string | undefined {
  return o[key] === undefined ? undefined : hex(c, o, key, path);
}

function slot(c: Ctx, v: unknown, path: string): MapSlot {
  const o = obj(c, v, path);
  const s: MapSlot = { i: int(c, o, 'i', path, 0, 7) };
  const key = optStr(c, o, 'key', path);
  if (key !== undefined) s.key = key;
  const h = optHex(c, o, 'hash', path);
  if (h !== undefined) s.hash = h;
  return s;
}

function group(c: Ctx, v: unknown, path: string): SwissGroup {
  const o = obj(c, v, path);
  const g: SwissGroup = { ctrl: hex(c, o, 'ctrl', path) };
  if (o.slots !== undefined) g.slots = c.list(o.slots, `${path}.slots`, (x, p) => slot(c, x, p));
  return g;
}

function table(c: Ctx, v: unknown, path: string): SwissTable {
  const o = obj(c, v, path);
  const t: SwissTable = {
    id: int(c, o, 'id', path),
    capacity: int(c, o, 'capacity', path, 1, 1 << 16),
    used: int(c, o, 'used', path, 0, 1 << 16),
    growthLeft: int(c, o, 'growthLeft', path, 0, 1 << 16),
    localDepth: int(c, o, 'localDepth', path, 0, 64),
    index: int(c, o, 'index', path, -1),
    groups: [],
  };
  if ((t.capacity & (t.capacity - 1)) !== 0) c.fail(`${path}.capacity`, `${t.capacity} is not a power of two`);
  if (t.used > t.capacity) c.fail(`${path}.used`, `${t.used} exceeds capacity ${t.capacity}`);
  t.groups = c.list(o.groups, `${path}.groups`, (x, p) => group(c, x, p));
  return t;
}

function swiss(c: Ctx, v: unknown, path: string): SwissMap {
  const o = obj(c, v, path);
  const s: SwissMap = {
    globalDepth: int(c, o, 'globalDepth', path, 0, 64),
    globalShift: int(c, o, 'globalShift', path, 0, 64),
    dirLen: int(c, o, 'dirLen', path),
    writing: int(c, o, 'writing', path, 0, 255),
    clearSeq: int(c, o, 'clearSeq', path),
  };
  const seed = optHex(c, o, 'seed', path);
  if (seed !== undefined) s.seed = seed;
  const tp = optBool(c, o, 'tombstonePossible', path);
  if (tp !== undefined) s.tombstonePossible = tp;
  if (o.small !== undefined) s.small = group(c, o.small, `${path}.small`);
  if (o.directory !== undefined) {
    const dir = o.directory;
    if (!Array.isArray(dir)) c.fail(`${path}.directory`, `expected an array, got ${kind(dir)}`);
    s.directory = dir.map((x, i) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) c.fail(`${path}.directory[${i}]`, `expected a table id, got ${JSON.stringify(x)}`);
      return x;
    });
    if (s.directory.length !== s.dirLen) c.fail(`${path}.directory`, `has ${s.directory.length} entries, dirLen is ${s.dirLen}`);
  }
  if (s.dirLen > 0 && s.dirLen !== 2 ** s.globalDepth) c.fail(`${path}.dirLen`, `${s.dirLen} != 2^globalDepth (${2 ** s.globalDepth})`);
  if (o.tables !== undefined) s.tables = c.list(o.tables, `${path}.tables`, (x, p) => table(c, x, p));
  if (s.directory && s.tables) {
    const ids = new Set(s.tables.map((t) => t.id));
    s.directory.forEach((id, i) => {
      if (!ids.has(id)) {
        const e = new DecodeError(FORMAT, `${path}.directory[${i}]: table id ${id} is not in tables`);
        if (c.strict) throw e;
        c.problems.push(e);
      }
    });
  }
  return s;
}

function chainBucket(c: Ctx, v: unknown, path: string): ClassicChainBucket {
  const o = obj(c, v, path);
  const th = o.tophash;
  if (!Array.isArray(th) || th.length !== 8) c.fail(`${path}.tophash`, `expected 8 bytes, got ${Array.isArray(th) ? `${th.length} items` : kind(th)}`);
  th.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 255) c.fail(`${path}.tophash[${i}]`, `expected a byte, got ${JSON.stringify(x)}`);
  });
  const b: ClassicChainBucket = { tophash: th as number[] };
  if (o.slots !== undefined) b.slots = c.list(o.slots, `${path}.slots`, (x, p) => slot(c, x, p));
  return b;
}

function bucket(c: Ctx, v: unknown, path: string): ClassicBucket {
  const o = obj(c, v, path);
  const chain = c.list(o.chain, `${path}.chain`, (x, p) => chainBucket(c, x, p));
  if (chain.length === 0) c.fail(`${path}.chain`, 'a bucket needs at least its head');
  const b: ClassicBucket = { chain };
  const ev = optBool(c, o, 'evacuated', path);
  if (ev !== undefined) b.evacuated = ev;
  return b;
}

function classic(c: Ctx, v: unknown, path: string): ClassicMap {
  const o = obj(c, v, path);
  const m: ClassicMap = {
    B: int(c, o, 'B', path, 0, 63),
    flags: int(c, o, 'flags', path, 0, 255),
    noverflow: int(c, o, 'noverflow', path, 0, 65535),
    nevacuate: int(c, o, 'nevacuate', path),
    buckets: [],
  };
  const h0 = optHex(c, o, 'hash0', path);
  if (h0 !== undefined) m.hash0 = h0;
  m.buckets = c.list(o.buckets, `${path}.buckets`, (x, p) => bucket(c, x, p));
  if (c.strict && m.buckets.length !== 2 ** m.B) c.fail(`${path}.buckets`, `has ${m.buckets.length} buckets, 2^B is ${2 ** m.B}`);
  if (o.oldBuckets !== undefined && o.oldBuckets !== null) m.oldBuckets = c.list(o.oldBuckets, `${path}.oldBuckets`, (x, p) => bucket(c, x, p));
  return m;
}

function capture(c: Ctx, v: unknown, path: string): MapCaptureInfo {
  const o = obj(c, v, path);
  const hashesExact = o.hashesExact;
  if (typeof hashesExact !== 'boolean') c.fail(`${path}.hashesExact`, `expected a boolean, got ${hashesExact === undefined ? 'nothing' : kind(hashesExact)}`);
  const info: MapCaptureInfo = {
    goVersion: str(c, o, 'goVersion', path),
    method: str(c, o, 'method', path),
    hashesExact,
    keySize: int(c, o, 'keySize', path),
    elemSize: int(c, o, 'elemSize', path),
  };
  for (const k of ['goarch', 'keyType', 'elemType', 'label', 'note'] as const) {
    const s = optStr(c, o, k, path);
    if (s !== undefined) info[k] = s;
  }
  for (const k of ['slotSize', 'groupSize'] as const) {
    const n = optInt(c, o, k, path);
    if (n !== undefined) info[k] = n;
  }
  for (const k of ['indirectKey', 'indirectElem'] as const) {
    const b = optBool(c, o, k, path);
    if (b !== undefined) info[k] = b;
  }
  return info;
}

function toValue(input: string | unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(msg);
    throw new DecodeError(FORMAT, `not JSON: ${msg}`, m ? { offset: Number(m[1]) } : {});
  }
}

function run(input: string | unknown, strict: boolean): { snapshot: MapSnapshot; problems: DecodeError[] } {
  const c = new Ctx(strict);
  const root = obj(c, toValue(input), '$');
  const schema = root.schema;
  if (schema !== MAPSNAP_SCHEMA) c.fail('$.schema', `expected "${MAPSNAP_SCHEMA}", got ${JSON.stringify(schema)}`);
  const layout = root.layout;
  if (layout !== 'swiss' && layout !== 'classic') c.fail('$.layout', `expected "swiss" or "classic", got ${JSON.stringify(layout)}`);
  const snapshot: MapSnapshot = {
    schema: MAPSNAP_SCHEMA,
    layout: layout as MapSnapshot['layout'],
    capture: capture(c, root.capture, '$.capture'),
    count: int(c, root, 'count', '$'),
  };
  if (layout === 'swiss') {
    if (root.swiss === undefined) c.fail('$.swiss', 'missing (layout is "swiss")');
    snapshot.swiss = swiss(c, root.swiss, '$.swiss');
  } else {
    if (root.classic === undefined) c.fail('$.classic', 'missing (layout is "classic")');
    snapshot.classic = classic(c, root.classic, '$.classic');
  }
  return { snapshot, problems: c.problems };
}

/** Strict parse: throws a DecodeError naming the JSON path of the first bad field. */
export function parseMapSnapshot(input: string | unknown): MapSnapshot {
  return run(input, true).snapshot;
}

/** Lenient parse: drops bad elements (reported in `problems`); throws only on a bad header. */
export function parseMapSnapshotLenient(input: string | unknown): { snapshot: MapSnapshot; problems: DecodeError[] } {
  return run(input, false);
}
