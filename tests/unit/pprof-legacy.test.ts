// Legacy pprof formats (src/formats/pprof/legacy.ts) against upstream's goldens:
// every legacy profile in the shared corpus is compared with google/pprof's
// `profile.Parse(f).String()` dump (`*.string`) — sample types, period, every sample's
// values, labels and location addresses, every location's mapping and symbols, the
// mapping table — or, for the two driver files that have no dump, with the recorded
// `go tool pprof -raw` oracle. When Go is installed, the machine's own
// `go tool pprof -symbolize=none -raw` (which prints after RemoveUninteresting) is
// compared sample by sample too. Hand-made inputs cover the rest: word layouts,
// unsampling, memory-map parsing, pruning, Go `#` comment symbols, malformed inputs.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { goBinary } from '../helpers/go';
import { decodeAny } from '../../src/formats';
import { DecodeError } from '../../src/formats/errors';
import { decodeLegacyPprof } from '../../src/formats/pprof/legacy';
import { sniff } from '../../src/formats/sniff';
import { FuncKind, type StackProfile } from '../../src/model/profile';

const corpus = process.env.STACKLENS_CORPUS ?? path.resolve(__dirname, '../../../shared/corpus');
const pprofDir = path.join(corpus, 'pprof');
const haveCorpus = existsSync(path.join(pprofDir, 'MANIFEST.md'));
if (!haveCorpus) console.warn(`pprof-legacy: corpus not found at ${pprofDir} — golden tests skipped (set STACKLENS_CORPUS)`);

const FUZZ = 'fuzz__testdata__7e3c92482f6f39fc502b822ded792c589849cca8';
const enc = (s: string) => new TextEncoder().encode(s);

// ---------- a reader for pprof's Profile.String() dump (also what `-raw` prints) ----------

interface DumpLocation {
  address: bigint;
  mapping: number | null;
  /** "name file:line" per Line, leaf-first. */
  lines: string[];
}
interface DumpMapping {
  start: bigint;
  limit: bigint;
  offset: bigint;
  file: string;
}
interface Dump {
  periodType: string | null;
  period: number;
  sampleTypes: string[];
  samples: { values: number[]; locs: number[]; labels: string }[];
  locations: Map<number, DumpLocation>;
  mappings: Map<number, DumpMapping>;
}

function parseDump(text: string): Dump {
  const d: Dump = { periodType: null, period: 0, sampleTypes: [], samples: [], locations: new Map(), mappings: new Map() };
  let section = '';
  let lastLoc: DumpLocation | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('PeriodType:')) d.periodType = l.slice('PeriodType: '.length);
    else if (l.startsWith('Period:')) d.period = Number(l.slice('Period: '.length));
    else if (l === 'Samples:') {
      section = 'samples';
      d.sampleTypes = lines[++i].split(' ').filter(Boolean).map((t) => t.replace('[dflt]', ''));
    } else if (l === 'Locations') section = 'locations';
    else if (l === 'Mappings') section = 'mappings';
    else if (section === 'samples') {
      const m = /^((?:\s+-?\d+)+): ((?:\d+ )*)$/.exec(l);
      if (m) {
        d.samples.push({
          values: m[1].trim().split(/\s+/).map(Number),
          locs: m[2].trim() ? m[2].trim().split(' ').map(Number) : [],
          labels: '',
        });
      } else if (l.trim() && d.samples.length) d.samples[d.samples.length - 1].labels = l.trim();
    } else if (section === 'locations') {
      const m = /^\s*(\d+): (0x[0-9a-f]+) (?:M=(\d+) )?(.*)$/.exec(l);
      if (m) {
        lastLoc = { address: BigInt(m[2]), mapping: m[3] ? Number(m[3]) : null, lines: [] };
        d.locations.set(Number(m[1]), lastLoc);
        if (m[4]) lastLoc.lines.push(lineOf(m[4]));
      } else if (l.trim() && lastLoc) lastLoc.lines.push(lineOf(l.trim()));
    } else if (section === 'mappings') {
      const m = /^(\d+): (0x[0-9a-f]+)\/(0x[0-9a-f]+)\/(0x[0-9a-f]+) (\S*)/.exec(l);
      if (m) d.mappings.set(Number(m[1]), { start: BigInt(m[2]), limit: BigInt(m[3]), offset: BigInt(m[4]), file: m[5] });
    }
  }
  return d;
}

/** "GC :0:0 s=0" / "f source.java:3:0 s=0" (Go 1.19 prints no column) → "GC :0", "f source.java:3". */
function lineOf(s: string): string {
  const m = /^(.*) (\S*?):(-?\d+)(?::\d+)? s=\d+/.exec(s);
  return m ? `${m[1]} ${m[2]}:${m[3]}` : s;
}

// ---------- the same view of our profile ----------

/** Location rows of sample i, leaf-first. */
function sampleLocations(p: StackProfile, s: number): number[] {
  return Array.from(p.samples.location.subarray(p.samples.locationStart[s], p.samples.locationStart[s + 1]));
}

function ourMapping(p: StackProfile, m: number): DumpMapping {
  return { start: p.mappings.start[m], limit: p.mappings.limit[m], offset: p.mappings.offset[m], file: p.strings[p.mappings.fileName[m]] };
}

/** Symbolized lines of a location as the dump prints them; synthetic unsymbolized names are not lines. */
function ourLines(p: StackProfile, loc: number): string[] {
  const out: string[] = [];
  for (let f = p.locations.frameStart[loc]; f < p.locations.frameStart[loc + 1]; f++) {
    const fn = p.frames.func[f];
    if (p.funcs.kind[fn] === FuncKind.Unsymbolized) continue;
    out.push(`${p.strings[p.funcs.name[fn]]} ${p.strings[p.funcs.fileName[fn]]}:${p.frames.line[f]}`);
  }
  return out;
}

function ourLabels(p: StackProfile, s: number): string {
  const parts: string[] = [];
  for (let k = p.samples.labelStart[s]; k < p.samples.labelStart[s + 1]; k++) {
    parts.push(`${p.strings[p.labels.key[k]]}:[${p.labels.num[k]}]`);
  }
  return parts.sort().join(' ');
}

interface ResolvedSample {
  values: number[];
  addresses: string[];
  mappings: (DumpMapping | null)[];
  lines: string[][];
  labels: string;
}

function resolveDump(d: Dump, opts: { mappings: boolean }): ResolvedSample[] {
  return d.samples.map((s) => ({
    values: s.values,
    addresses: s.locs.map((id) => '0x' + d.locations.get(id)!.address.toString(16)),
    mappings: opts.mappings ? s.locs.map((id) => { const m = d.locations.get(id)!.mapping; return m === null ? null : d.mappings.get(m)!; }) : [],
    lines: s.locs.map((id) => d.locations.get(id)!.lines),
    labels: s.labels,
  }));
}

function resolveOurs(p: StackProfile, opts: { mappings: boolean }): ResolvedSample[] {
  const out: ResolvedSample[] = [];
  for (let s = 0; s < p.samples.length; s++) {
    const locs = sampleLocations(p, s);
    out.push({
      values: p.samples.values.map((c) => c[s]),
      addresses: locs.map((l) => '0x' + p.locations.address[l].toString(16)),
      mappings: opts.mappings ? locs.map((l) => (p.locations.mapping[l] >= 0 ? ourMapping(p, p.locations.mapping[l]) : null)) : [],
      lines: locs.map((l) => ourLines(p, l)),
      labels: ourLabels(p, s),
    });
  }
  return out;
}

/**
 * Values per distinct stack of addresses. Go 1.19's pprof merged identical samples (and
 * dropped zero ones) before printing -raw; current pprof prints them as parsed.
 */
function aggregate(rows: ResolvedSample[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const r of rows) {
    if (r.values.every((v) => v === 0)) continue;
    const k = r.addresses.join(' ');
    const a = m.get(k);
    if (a) r.values.forEach((v, i) => (a[i] += v));
    else m.set(k, [...r.values]);
  }
  return m;
}

function decodeFile(name: string): StackProfile {
  const p = decodeLegacyPprof(new Uint8Array(readFileSync(path.join(pprofDir, name))));
  expect(p, `${name} should be recognised as a legacy profile`).not.toBeNull();
  return p!;
}

// ---------- the corpus ----------

const entries = haveCorpus ? readdirSync(pprofDir).filter((f) => !f.endsWith('.string') && f !== 'MANIFEST.md' && f !== 'oracle') : [];
const isGz = (f: string) => {
  const b = readFileSync(path.join(pprofDir, f));
  return b[0] === 0x1f && b[1] === 0x8b;
};
const legacyFiles = entries.filter((f) => f !== FUZZ && !isGz(f));
const protoFiles = entries.filter((f) => isGz(f));

/** The golden dump for a file: its own, or that of a byte-identical copy under profile/. */
function goldenFor(name: string): string | null {
  const own = path.join(pprofDir, `${name}.string`);
  if (existsSync(own)) return own;
  const twin = `profile__testdata__${name.split('__').pop()}`;
  const twinGolden = path.join(pprofDir, `${twin}.string`);
  if (existsSync(twinGolden) && readFileSync(path.join(pprofDir, twin)).equals(readFileSync(path.join(pprofDir, name)))) return twinGolden;
  return null;
}

const HEAP_DROP = /^calloc\|cfree\|malloc\|.*\|runtime\\\.\.\*\|.*simple_alloc::allocate$/;
const LOCK_DROP = /^RecordLockProfileData\|.*SpinLockHolder::\)\?~SpinLockHolder\.\*$/;
const CPU_DROP = 'ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|__pthread_sighandler|__restore';

describe.skipIf(!haveCorpus)('legacy corpus against profile.Parse goldens (*.string)', () => {
  it('finds the legacy profiles of the corpus', () => {
    expect(legacyFiles.length).toBeGreaterThanOrEqual(18);
  });

  for (const name of legacyFiles) {
    const golden = haveCorpus ? goldenFor(name) : null;
    if (!golden) continue;
    it(`${name}: types, period, samples, addresses, mappings equal ${path.basename(golden)}`, () => {
      const p = decodeFile(name);
      const d = parseDump(readFileSync(golden, 'utf8'));
      expect(p.format).toBe('pprof-legacy');
      expect(p.sampleTypes.map((t) => `${t.type}/${t.unit}`)).toEqual(d.sampleTypes);
      expect(p.periodType ? `${p.periodType.type} ${p.periodType.unit}` : null).toBe(d.periodType);
      expect(p.period).toBe(d.period);
      // Sample by sample, in pprof's order, with every location's address, mapping and lines.
      expect(resolveOurs(p, { mappings: true })).toEqual(resolveDump(d, { mappings: true }));
      // The whole mapping table, in pprof's order (main binary first).
      expect(Array.from({ length: p.mappings.length }, (_, m) => ourMapping(p, m))).toEqual([...d.mappings.values()]);
      // And the location table (pprof keeps locations that cleanupDuplicateLocations unlinked).
      expect(p.locations.length).toBe(d.locations.size);
      for (let l = 0; l < p.locations.length; l++) {
        expect('0x' + p.locations.address[l].toString(16)).toBe('0x' + d.locations.get(l + 1)!.address.toString(16));
      }
      // drop_frames as addLegacyFrameInfo sets them.
      const types = p.sampleTypes.map((t) => t.type).join(',');
      if (/objects|space/.test(types)) {
        expect(p.dropFrames).toMatch(HEAP_DROP);
        expect(p.keepFrames).toBe('runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*');
      } else if (types === 'contentions,delay') {
        expect(p.dropFrames).toMatch(LOCK_DROP);
        expect(p.keepFrames).toBe('');
      } else {
        expect(p.dropFrames).toBe(CPU_DROP);
      }
      expect(p.warnings.filter((w) => /drop_frames|keep_frames/.test(w))).toEqual([]);
    });
  }

  for (const name of legacyFiles) {
    it(`${name}: per-stack values equal the recorded go tool pprof -raw`, () => {
      const p = decodeFile(name);
      const raw = parseDump(readFileSync(path.join(pprofDir, 'oracle', `pprof_${name}.raw.txt`), 'utf8'));
      const ours = aggregate(resolveOurs(p, { mappings: false }));
      const theirs = aggregate(resolveDump(raw, { mappings: false }));
      // Go 1.19's -raw omits gobench.heap's one stackless sample; upstream's golden and
      // current pprof keep it (and so do we).
      if (name === 'profile__testdata__gobench.heap') {
        expect(ours.get('')).toEqual([7085, 1048724, 1820, 524432]);
        ours.delete('');
      }
      expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(theirs));
      expect(p.sampleTypes.map((t) => `${t.type}/${t.unit}`)).toEqual(raw.sampleTypes);
      expect(p.period).toBe(raw.period);
    });
  }

  it(`${FUZZ} is rejected: "second value must be non-zero", naming line 2`, () => {
    const bytes = new Uint8Array(readFileSync(path.join(pprofDir, FUZZ)));
    let err: unknown;
    try {
      decodeLegacyPprof(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).message).toMatch(/second value must be non-zero/);
    expect((err as DecodeError).where.line).toBe(2);
    expect(readFileSync(path.join(pprofDir, 'oracle', `pprof_${FUZZ}.raw.err`), 'utf8')).toMatch(/second value must be non-zero/);
  });

  it('every legacy file is routed here by the sniffer and decodes through decodeAny', async () => {
    for (const name of legacyFiles) {
      const bytes = new Uint8Array(readFileSync(path.join(pprofDir, name)));
      expect(sniff(bytes).format, name).toMatch(/^pprof-legacy-/);
      const { profile } = await decodeAny(bytes);
      expect(profile.format, name).toBe('pprof-legacy');
    }
  });

  it('unsymbolized frames get the names go tool pprof -top shows', () => {
    const names = (p: StackProfile) => new Set(Array.from({ length: p.funcs.length }, (_, i) => p.strings[p.funcs.name[i]]));
    const cpu = decodeFile('profile__testdata__cppbench.cpu');
    expect(names(cpu)).toContain('[cppbench_server_main]');
    expect(names(cpu)).toContain('[libc-2.15.so]');
    for (let i = 0; i < cpu.funcs.length; i++) expect(cpu.funcs.kind[i]).toBe(FuncKind.Unsymbolized);
    // No memory map: pprof's fake mapping has no file name.
    expect([...names(decodeFile('profile__testdata__go.crc32.cpu'))]).toEqual(['<unknown>']);
  });

  it('returns null for the corpus protos (they are not legacy)', () => {
    for (const name of protoFiles) {
      const bytes = new Uint8Array(gunzipSync(readFileSync(path.join(pprofDir, name))));
      expect(decodeLegacyPprof(bytes), name).toBeNull();
    }
  });
});

// ---------- live go tool pprof (current pprof, prints after RemoveUninteresting) ----------

const go = haveCorpus ? goBinary() : null;
if (haveCorpus && !go) console.warn('pprof-legacy: no Go toolchain — live `go tool pprof -raw` comparisons skipped');

describe.skipIf(!go)('live `go tool pprof -symbolize=none -raw`, sample by sample', () => {
  for (const name of legacyFiles) {
    it(name, () => {
      const p = decodeFile(name);
      const raw = execFileSync(go!, ['tool', 'pprof', '-symbolize=none', '-raw', path.join(pprofDir, name)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const d = parseDump(raw);
      const ours = resolveOurs(p, { mappings: false });
      const theirs = resolveDump(d, { mappings: false });
      if (theirs.length === ours.length) {
        // Current pprof: the parsed samples after RemoveUninteresting, one for one.
        const strip = (rows: ResolvedSample[]) => rows.map(({ values, addresses, lines, labels }) => ({ values, addresses, lines, labels }));
        expect(strip(ours)).toEqual(strip(theirs));
      } else {
        // An older Go whose pprof still merged single profiles (and lost stackless samples).
        const a = aggregate(ours);
        const b = aggregate(theirs);
        if (!b.has('')) a.delete('');
        expect(Object.fromEntries(a)).toEqual(Object.fromEntries(b));
      }
    }, 60_000);
  }
});

// ---------- hand-made inputs ----------

function decodeErr(bytes: Uint8Array): DecodeError {
  try {
    decodeLegacyPprof(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error('expected a DecodeError, but the input decoded');
}

/** Words of a binary CPU profile in one of the four layouts. */
function words(ws: (number | bigint)[], size: 4 | 8, little: boolean): Uint8Array {
  const b = new Uint8Array(ws.length * size);
  const v = new DataView(b.buffer);
  ws.forEach((w, i) => (size === 4 ? v.setUint32(i * 4, Number(w), little) : v.setBigUint64(i * 8, BigInt(w), little)));
  return b;
}
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
};

describe('binary CPU profile', () => {
  // Header, then: 2× [leaf 0x400100, handler 0x400500, caller 0x400200], 1× [0x400300, 0x400500, 0x400250], end.
  const body = [0, 3, 0, 10000, 0, 2, 3, 0x400100, 0x400500, 0x400200, 1, 3, 0x400300, 0x400500, 0x400250, 0, 1, 0];
  const maps = enc('00400000-00500000 r-xp 00000000 08:01 42 /usr/bin/server\n00500000-00600000 rw-p 00000000 08:01 42 /usr/bin/server\n');

  for (const [size, little] of [[4, true], [4, false], [8, true], [8, false]] as const) {
    it(`${size * 8}-bit ${little ? 'little' : 'big'}-endian words`, () => {
      const p = decodeLegacyPprof(concat(words(body, size, little), maps))!;
      expect(p.encoding).toContain(`${size * 8}-bit ${little ? 'little' : 'big'}-endian`);
      expect(p.sampleTypes).toEqual([{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }]);
      expect(p.periodType).toEqual({ type: 'cpu', unit: 'nanoseconds' });
      expect(p.period).toBe(10_000_000);
      const rows = resolveOurs(p, { mappings: true });
      expect(rows.map((r) => r.values)).toEqual([[2, 20_000_000], [1, 10_000_000]]);
      // The signal-handler frame shared by every sample is stripped; callers are decremented.
      expect(rows.map((r) => r.addresses)).toEqual([['0x400100', '0x4001ff'], ['0x400300', '0x40024f']]);
      expect(rows[0].mappings[0]).toEqual({ start: 0x400000n, limit: 0x500000n, offset: 0n, file: '/usr/bin/server' });
      expect(p.mappings.length).toBe(1); // the rw-p range is not executable
      expect(p.warnings).toEqual([]);
    });
  }

  it('a duplicated leaf (signal context + unwinding) is dropped', () => {
    const b = words([0, 3, 0, 100, 0, 1, 3, 0x1000, 0x1000, 0x2000, 1, 2, 0x3000, 0x4000, 0, 1, 0], 8, true);
    const rows = resolveOurs(decodeLegacyPprof(b)!, { mappings: false });
    expect(rows.map((r) => r.addresses)).toEqual([['0x1000', '0x1fff'], ['0x3000', '0x3fff']]);
  });

  it('truncated inside a record: DecodeError at the record offset', () => {
    const full = words(body, 8, true);
    const e = decodeErr(full.subarray(0, 40 + 16 + 8)); // record 0 declares 3 addresses, 8 bytes remain
    expect(e.where.offset).toBe(40);
    expect(e.message).toMatch(/sample record 0 declares 3 stack addresses but only 8 bytes remain; expected 3 64-bit addresses/);
    expect(e.message).toMatch(/at byte offset 40/);
  });

  it('truncated inside a record header: DecodeError at the record offset', () => {
    const full = words(body, 4, false);
    const e = decodeErr(full.subarray(0, 40 + 6)); // record 1 starts at 40: count, then half a stack-size word
    expect(e.where.offset).toBe(40);
    expect(e.message).toMatch(/input ends inside the header of sample record 1; expected a count word/);
  });

  it('truncated inside the file header: routed by the sniffer, DecodeError names the offset', async () => {
    const b = words(body, 8, true).subarray(0, 20);
    expect(sniff(b).format).toBe('pprof-legacy-binary');
    const e = decodeErr(b);
    expect(e.where.offset).toBe(20);
    expect(e.message).toMatch(/input ends inside the binary CPU profile header \(20 bytes\); expected 5 header words/);
    await expect(decodeAny(b)).rejects.toThrow(/ends inside the binary CPU profile header/);
  });

  it('records without the end marker are kept, with a warning (pprof accepts them)', () => {
    const p = decodeLegacyPprof(words(body.slice(0, -3), 8, true))!;
    expect(p.samples.length).toBe(2);
    expect(p.warnings.join()).toMatch(/no end-of-data marker/);
  });

  it('Java variant: text symbol table, addresses zeroed, no mapping', () => {
    const b = concat(
      words([0, 3, 1, 10000, 0, 1, 2, 3, 6, 2, 1, 4, 0, 1, 0], 4, true),
      enc(' 0x00000003 GC\n 0x0000004 Compile (/opt/jdk/lib/libjvm.so)\n 0x0000006 com.example.Main.run (Main.java:42)\n'),
    );
    const p = decodeLegacyPprof(b)!;
    expect(p.encoding).toMatch(/Java/);
    const rows = resolveOurs(p, { mappings: true });
    expect(rows.map((r) => r.values)).toEqual([[1, 10_000_000], [2, 20_000_000]]);
    expect(rows.map((r) => r.lines)).toEqual([[['GC :0'], ['com.example.Main.run Main.java:42']], [['Compile libjvm.so:0']]]);
    expect(rows[0].addresses).toEqual(['0x0', '0x0']);
    expect(p.mappings.length).toBe(0);
    expect(p.dropFrames).toBe(CPU_DROP);
  });
});

describe('heap text', () => {
  it('Go heap/2*rate: rate halved, four columns, v2 unsampling, bytes label, # lines ignored', () => {
    const p = decodeLegacyPprof(
      enc('heap profile: 1: 1024 [2: 2048] @ heap/1048576\n1: 1024 [2: 2048] @ 0x401000 0x402000\n#\t0x400fff\tmain.alloc+0x1f\t/src/m.go:9\n'),
    )!;
    expect(p.period).toBe(524288);
    expect(p.sampleTypes.map((t) => t.type)).toEqual(['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
    expect(p.defaultSampleType).toBe(3);
    const scale = 1 / (1 - Math.exp(-1024 / 524288));
    const want = [Math.trunc(2 * scale), Math.trunc(2048 * scale), Math.trunc(1 * scale), Math.trunc(1024 * scale)];
    const rows = resolveOurs(p, { mappings: false });
    expect(rows[0].values).toEqual(want);
    expect(rows[0].labels).toBe('bytes:[1024]');
    // Every heap address is a return address: all are decremented, the leaf too.
    expect(rows[0].addresses).toEqual(['0x400fff', '0x401fff']);
  });

  it('heapz_v2 with equal in-use and alloc columns: two columns objects/space', () => {
    const p = decodeLegacyPprof(enc('heap profile: 1: 512 [1: 512] @ heapz_v2/524288\n 1: 512 [ 1: 512] @ 0x10\n'))!;
    expect(p.sampleTypes.map((t) => `${t.type}/${t.unit}`)).toEqual(['objects/count', 'space/bytes']);
    expect(p.periodType).toEqual({ type: 'space', unit: 'bytes' });
  });

  it('heapprofile and growthz are not unsampled (period 1)', () => {
    for (const h of ['heap profile: 1: 512 [2: 1024] @ heapprofile', 'heap profile: 1: 512 [1: 512] @ growthz']) {
      const p = decodeLegacyPprof(enc(`${h}\n1: 512 [2: 1024] @ 0x10\n`))!;
      expect(p.period).toBe(1);
      expect(resolveOurs(p, { mappings: false })[0].values.slice(-2)).toEqual([1, 512]);
    }
  });

  it('memory map: $attr substitution, glog prefixes, split ranges merged, main binary swapped first', () => {
    const p = decodeLegacyPprof(
      enc(
        [
          'heap profile: 1: 512 [1: 512] @ heapprofile',
          '1: 512 [1: 512] @ 0x7f0000000100 0x400200 0x401100',
          '--- Memory map: ---',
          'root=/opt/app',
          '7f0000000000-7f0000001000: /lib/libc.so.6',
          'I0101 00:00:00.000000 1 x.cc:12] 00400000-00401000: $root/bin/server',
          '00401000-00402000: $root/bin/server',
        ].join('\n'),
      ),
    )!;
    expect(Array.from({ length: p.mappings.length }, (_, m) => ourMapping(p, m))).toEqual([
      { start: 0x400000n, limit: 0x402000n, offset: 0n, file: '/opt/app/bin/server' },
      { start: 0x7f0000000000n, limit: 0x7f0000001000n, offset: 0n, file: '/lib/libc.so.6' },
    ]);
    const rows = resolveOurs(p, { mappings: true });
    expect(rows[0].mappings.map((m) => m?.file)).toEqual(['/lib/libc.so.6', '/opt/app/bin/server', '/opt/app/bin/server']);
  });

  it('malformed row: DecodeError names the line', () => {
    const e = decodeErr(enc('heap profile: 1: 512 [1: 512] @ heapz_v2/524288\n# note\nthis is not a sample\n'));
    expect(e.where.line).toBe(3);
    expect(e.message).toMatch(/expected "INUSE_OBJECTS: INUSE_BYTES \[ALLOC_OBJECTS: ALLOC_BYTES\] @ 0xADDR/);
  });

  it('bad header line (unknown sampling): DecodeError names line 1', () => {
    const e = decodeErr(enc('heap profile: 1: 512 [1: 512] @ heapz_v3/524288\n1: 512 [1: 512] @ 0x10\n'));
    expect(e.where.line).toBe(1);
    expect(e.message).toMatch(/expected heapz_v2, heap_v2, heapprofile or heap/);
  });

  it('bytes without objects is rejected as pprof rejects it', () => {
    const e = decodeErr(enc('heap profile: 1: 512 [1: 512] @ heapz_v2/524288\n0: 512 [0: 0] @ 0x10\n'));
    expect(e.message).toMatch(/inuse count was 0 but inuse bytes was 512/);
    expect(e.where.line).toBe(2);
  });
});

describe('Go count profiles (goroutine / threadcreate)', () => {
  const goroutine = [
    'goroutine profile: total 6',
    '3 @ 0x43a0e5 0x4056ec 0x4712c1 0x46c8a1',
    '#\t0x4712c0\tmain.worker+0x40\t\t/src/app/main.go:21',
    '#\t0x4712c0\tmain.loop+0x10\t\t/src/app/loop.go:7',
    '#\t0x46c8a0\tmain.main+0x20\t\t/src/app/main.go:40',
    '',
    '2 @ 0x43a0e5 0x4056ec 0x471401 0x471401 0x471401 0x46c8a1',
    '#\t0x471400\tmain.rec+0x11\t/src/app/rec.go:5',
    '#\t0x471400\tmain.rec+0x11\t/src/app/rec.go:5',
    '#\t0x471400\tmain.rec+0x11\t/src/app/rec.go:5',
    '#\t0x46c8a0\tmain.main+0x20\t/src/app/main.go:40',
    '',
    '1 @ 0x43a0e5 0x46c8a1',
    '# labels: {"k":"v"}',
    '#\t0x46c8a0\tmain.main+0x20\t/src/app/main.go:40',
    '',
  ].join('\n');

  it('values and addresses are pprof\'s (all decremented); # comments name frames by PC', () => {
    const p = decodeLegacyPprof(enc(goroutine))!;
    expect(p.sampleTypes).toEqual([{ type: 'goroutine', unit: 'count' }]);
    expect(p.periodType).toEqual({ type: 'goroutine', unit: 'count' });
    expect(p.period).toBe(1);
    const rows = resolveOurs(p, { mappings: true });
    expect(rows.map((r) => r.values)).toEqual([[3], [2], [1]]);
    expect(rows[0].addresses).toEqual(['0x43a0e4', '0x4056eb', '0x4712c0', '0x46c8a0']);
    expect(rows[1].addresses).toEqual(['0x43a0e4', '0x4056eb', '0x471400', '0x471400', '0x471400', '0x46c8a0']);
    // Hidden leading runtime frames stay unsymbolized; an inlined pair is one location with two lines.
    expect(rows[0].lines).toEqual([[], [], ['main.worker /src/app/main.go:21', 'main.loop /src/app/loop.go:7'], ['main.main /src/app/main.go:40']]);
    // Recursion: three comments for three equal addresses, one line each.
    expect(rows[1].lines[2]).toEqual(['main.rec /src/app/rec.go:5']);
    // No memory map: pprof's fake mapping; unnamed frames read <unknown> as in `go tool pprof -top`.
    expect(rows[0].mappings[0]).toEqual({ start: 0n, limit: 0xffffffffffffffffn, offset: 0n, file: '' });
    const loc = sampleLocations(p, 0)[0];
    expect(p.strings[p.funcs.name[p.frames.func[p.locations.frameStart[loc]]]]).toBe('<unknown>');
    expect(p.dropFrames).toBe(CPU_DROP);
  });

  it('threadcreate with a custom type name and leading comments', () => {
    const p = decodeLegacyPprof(enc('# header comment\n\nthreadcreate profile: total 2\n2 @ 0x1001\n'))!;
    expect(p.sampleTypes).toEqual([{ type: 'threadcreate', unit: 'count' }]);
    expect(resolveOurs(p, { mappings: false })[0]).toMatchObject({ values: [2], addresses: ['0x1000'] });
  });

  it('a row without addresses is malformed, as in pprof (DecodeError names the line)', () => {
    const e = decodeErr(enc('threadcreate profile: total 5\n5 @\n'));
    expect(e.where.line).toBe(2);
    expect(e.message).toMatch(/expected "COUNT @ 0xADDR \.\.\."/);
  });
});

describe('threadz', () => {
  const threadz = [
    '--- threadz 1 ---',
    '',
    '--- Thread 7f1 (name: main/100) stack: ---',
    '  PC: 0x400100 0x400201 0x400301',
    '--- Thread 7f2 (name: worker/101) stack: ---',
    '  PC:  0x00400100: helper',
    '  0x7f0000000101: start_thread',
    '      creator: 0x400301',
    '--- Thread 7f3 (name: worker/102) stack: ---',
    '  [same as previous thread]',
    '--- Memory map: ---',
    '  00400000-00500000: /bin/server',
    '  7f0000000000-7f0000001000: /lib/libpthread-2.15.so',
  ].join('\n');

  it('leaf kept, callers decremented, creator addresses taken, same-as-previous bumps', () => {
    const p = decodeLegacyPprof(enc(threadz))!;
    expect(p.sampleTypes).toEqual([{ type: 'thread', unit: 'count' }]);
    const rows = resolveOurs(p, { mappings: true });
    expect(rows.map((r) => r.values)).toEqual([[1], [2]]);
    expect(rows[0].addresses).toEqual(['0x400100', '0x400200', '0x400300']);
    expect(rows[1].addresses).toEqual(['0x400100', '0x7f0000000100', '0x400300']);
    expect(rows[1].mappings.map((m) => m?.file)).toEqual(['/bin/server', '/lib/libpthread-2.15.so', '/bin/server']);
  });

  it('a stray line where a thread header is expected: DecodeError names the line', () => {
    const e = decodeErr(enc(threadz.replace('--- Thread 7f2 (name: worker/101) stack: ---', '--- Thraed 7f2 ---')));
    expect(e.where.line).toBe(5);
    expect(e.message).toMatch(/expected "--- Thread <hex> \(name: NAME\/TID\) stack: ---"/);
  });

  it('an address over 64 bits is an error naming the line', () => {
    const e = decodeErr(enc(threadz.replace('0x400301', '0x473add693e639c6f0')));
    expect(e.message).toMatch(/failed to parse as hex 64-bit number: 0x473add693e639c6f0/);
    expect(e.where.line).toBe(4);
  });
});

describe('contention / mutex / block', () => {
  it('cycles/second, sampling period, ms since reset: [count×period, cycles×period/GHz]', () => {
    const p = decodeLegacyPprof(
      enc('--- contentionz 1 ---\ncycles/second = 2000000000\nsampling period = 10\nms since reset = 1500\ndiscarded samples = 3\n 4000 3 @ 0x1001 0x2001\n'),
    )!;
    expect(p.sampleTypes.map((t) => `${t.type}/${t.unit}`)).toEqual(['contentions/count', 'delay/nanoseconds']);
    expect(p.period).toBe(10);
    expect(p.durationNanos).toBe(1.5e9);
    const rows = resolveOurs(p, { mappings: false });
    expect(rows[0].values).toEqual([30, 20000]);
    expect(rows[0].addresses).toEqual(['0x1000', '0x2000']);
    expect(p.dropFrames).toMatch(LOCK_DROP);
  });

  it('Go mutex debug=1 (no spaces around =) with # frame comments', () => {
    const p = decodeLegacyPprof(
      enc('--- mutex:\ncycles/second=1000000000\nsampling period=1\n500 2 @ 0x4da131 0x4da130\n#\t0x4da130\tsync.(*Mutex).Unlock+0x90\t/go/src/sync/mutex.go:65\n#\t0x4da12f\tmain.main.func1+0x8f\t/src/m.go:49\n'),
    )!;
    const rows = resolveOurs(p, { mappings: false });
    expect(rows[0].values).toEqual([2, 500]);
    // The names come from Go's comments and are never pruned (pprof would not see them).
    expect(rows[0].lines).toEqual([['sync.(*Mutex).Unlock /go/src/sync/mutex.go:65'], ['main.main.func1 /src/m.go:49']]);
  });

  it('unknown attribute: DecodeError names the line', () => {
    const e = decodeErr(enc('--- contentionz 1 ---\ncycles/second = 100\nwidgets = 4\n1 1 @ 0x10\n'));
    expect(e.where.line).toBe(3);
    expect(e.message).toMatch(/unknown attribute "widgets".*expected cycles\/second, sampling period, ms since reset or discarded samples/);
  });
});

describe('Java heapz / contentionz', () => {
  const heapz = [
    '--- heapz 1 ---',
    'format = java',
    'resolution = bytes',
    '  1000 2 @ 0x00000001 0x00000002 0x00000003',
    '  4096 1 @ 0x00000004 0x00000003',
    '',
    ' 0x0000001 malloc',
    ' 0x0000002 com.example.Pool.grow (Pool.java:10)',
    ' 0x0000003 com.example.Main.main (Main.java:3)',
    ' 0x0000004 generated stub/JIT',
    '',
  ].join('\n');

  it('values inverted (size first), 512 KiB unsampling, symbols, pruning like RemoveUninteresting', () => {
    const p = decodeLegacyPprof(enc(heapz))!;
    expect(p.sampleTypes.map((t) => `${t.type}/${t.unit}`)).toEqual(['inuse_objects/count', 'inuse_space/bytes']);
    const rows = resolveOurs(p, { mappings: false });
    const s = (c: number, b: number) => {
      const k = 1 / (1 - Math.exp(-b / c / 524288));
      return [Math.trunc(c * k), Math.trunc(b * k)];
    };
    expect(rows.map((r) => r.values)).toEqual([s(2, 1000), s(1, 4096)]);
    expect(rows.map((r) => r.labels)).toEqual(['bytes:[500]', 'bytes:[4096]']);
    // "malloc" matches the heap drop_frames list: the leaf below a user frame is pruned.
    expect(rows[0].lines).toEqual([['com.example.Pool.grow Pool.java:10'], ['com.example.Main.main Main.java:3']]);
    expect(rows[1].lines).toEqual([['STUB :0'], ['com.example.Main.main Main.java:3']]);
    expect(rows[0].addresses).toEqual(['0x0', '0x0']);
  });

  it('contentionz: resolution names the delay unit, values × sampling period', () => {
    const p = decodeLegacyPprof(
      enc('--- contentionz 1 ---\nformat = java\nresolution = microseconds\nsampling period = 100\nms since reset = 10\n  7 1 @ 0x00000001\n\n 0x0000001 com.example.Lock.take (Lock.java:5)\n'),
    )!;
    expect(p.sampleTypes.map((t) => `${t.type}/${t.unit}`)).toEqual(['contentions/count', 'delay/microseconds']);
    expect(p.periodType).toEqual({ type: 'contentions', unit: 'count' });
    expect(resolveOurs(p, { mappings: false })[0].values).toEqual([100, 700]);
    expect(p.durationNanos).toBe(10_000_000);
  });

  it('samples without a resolution attribute are rejected (no sample types)', () => {
    const e = decodeErr(enc('--- heapz 1 ---\nformat = java\n 10 1 @ 0x1\n'));
    expect(e.message).toMatch(/no "resolution = \.\.\." attribute/);
  });
});

describe('not a legacy profile', () => {
  it('returns null for unrelated text, empty input and binary', () => {
    expect(decodeLegacyPprof(enc('hello, world\n'))).toBeNull();
    expect(decodeLegacyPprof(new Uint8Array(0))).toBeNull();
    expect(decodeLegacyPprof(Uint8Array.from([0x0a, 0x04, 0x08, 0x01, 0x10, 0x02]))).toBeNull();
    expect(decodeLegacyPprof(enc('goroutine 1 [running]:\nmain.main()\n'))).toBeNull();
  });
});
