// The map-function catalogue behind the Map view's explanations: names from real dumps,
// traces and heap profiles resolve to the right entry; non-map functions do not; the
// version claims hold against the Go 1.26 sources on this machine (Swiss functions exist,
// classic-only ones are gone, linknamed runtime.* names are really pushed from
// internal/runtime/maps); every demo script makes the simulator do what its text says.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAP_FUNCTIONS, MAPS_PACKAGE_ENTRY, isMapInternal, mapFunctionById, mapFunctionEntry, variantNote } from '../../src/analysis/maps/functions';
import { runSimulation } from '../../src/analysis/maps/simulate';
import { dumpSummary } from '../../src/analysis/query';
import { decodeAny } from '../../src/formats';
import { parseGoDump } from '../../src/formats/godump';

const root = path.resolve(__dirname, '../..');
const GOROOT_SRC = '/usr/local/go/src';

async function funcNames(file: string): Promise<string[]> {
  const p = (await decodeAny(new Uint8Array(readFileSync(path.join(root, file))))).profile;
  return Array.from(p.funcs.name, (i) => p.strings[i]!);
}

describe('mapFunctionEntry', () => {
  it('resolves the names real crash dumps put in the banner', () => {
    const want: Record<string, string> = {
      'concurrent-map-writes.system.txt': 'assign',
      'concurrent-map-writes.txt': 'fatal',
      'concurrent-map-read-write.txt': 'fatal',
      'concurrent-map-iterate-write.txt': 'iter',
    };
    for (const [file, id] of Object.entries(want)) {
      const d = parseGoDump(new Uint8Array(readFileSync(path.join(root, 'testdata/godump', file))));
      const s = dumpSummary(d, d.profile);
      expect(s.mapCalls.length, file).toBeGreaterThan(0);
      for (const c of s.mapCalls) expect(mapFunctionEntry(c.mapFunc)?.id, `${file}: ${c.mapFunc}`).toBe(id);
    }
  });

  it('resolves every map frame of a Go 1.26 trace and of a full-frames heap profile to a specific entry', async () => {
    const names = new Set([...(await funcNames('testdata/gotrace/cpu.trace')), ...(await funcNames('testdata/pprof/mapgrowth.frames.heap.pb.gz'))]);
    const mapNames = [...names].filter(isMapInternal).sort();
    const byId = Object.fromEntries(mapNames.map((n) => [n, mapFunctionEntry(n)!.id]));
    expect(byId).toMatchObject({
      'runtime.mapassign_fast64': 'assign',
      'runtime.mapassign_faststr': 'assign',
      'runtime.makemap_small': 'makemap',
      'internal/runtime/maps.NewEmptyMap': 'makemap',
      'internal/runtime/maps.(*table).rehash': 'rehash',
      'internal/runtime/maps.(*table).grow': 'grow',
      'internal/runtime/maps.(*table).split': 'split',
      'internal/runtime/maps.(*Map).installTableSplit': 'split',
      'internal/runtime/maps.(*Map).growToTable': 'growToTable',
      'internal/runtime/maps.(*Map).growToSmall': 'growToSmall',
      'internal/runtime/maps.(*table).reset': 'newTable',
      'internal/runtime/maps.newTable': 'newTable',
      'internal/runtime/maps.newGroups': 'newTable',
      'internal/runtime/maps.newarray': 'newTable',
      'internal/runtime/maps.(*table).uncheckedPutSlot': 'tablePutSlot',
      'internal/runtime/maps.(*ctrlGroup).get': 'group',
      'internal/runtime/maps.(*groupReference).key': 'group',
      'internal/runtime/maps.(*Map).Clone': 'clone',
      'internal/runtime/maps.(*table).clone': 'clone',
      'maps.clone': 'clone',
      'reflect.mapassign_faststr0': 'reflect',
      'reflect.Value.SetMapIndex': 'reflect',
    });
    // Every map frame these real files contain has its own entry (none falls to the catch-all).
    expect(mapNames.filter((n) => mapFunctionEntry(n) === MAPS_PACKAGE_ENTRY)).toEqual([]);
    expect(mapFunctionEntry('maps.Clone[...]')?.id).toBe('clone');
    expect(mapFunctionEntry('maps.Clone[go.shape.map[int]int,go.shape.int,go.shape.int]')?.id).toBe('clone');
  });

  it('does not claim functions outside the map code', () => {
    for (const n of ['runtime.mallocgc', 'runtime.fatal', 'runtime.throw', 'runtime.newarray', 'main.mapLoop', 'maps.Keys', 'runtime.makeslice', 'reflect.Value.Set', 'mapassign', 'internal/runtime/atomic.Load']) {
      expect(isMapInternal(n), n).toBe(false);
    }
    for (const n of ['runtime.mapaccess2_faststr', 'runtime.mapaccess1_fat', 'runtime.mapdelete_fast32', 'runtime.mapIterNext', 'runtime.mapiternext', 'runtime.evacuate_fast64', 'runtime.hashGrow', 'internal/runtime/maps.(*Map).putSlotSmallFastStr', 'runtime.mapassign_fast64 (inline)']) {
      expect(isMapInternal(n), n).toBe(true);
    }
    expect(mapFunctionEntry('internal/runtime/maps.(*table).checkInvariants')).toBe(MAPS_PACKAGE_ENTRY);
    expect(variantNote('runtime.mapassign_faststr')).toMatch(/string keys/);
    expect(variantNote('runtime.mapassign')).toBeNull();
    expect(mapFunctionById('split')?.names).toContain('internal/runtime/maps.(*table).split');
  });

  it('every entry has versions, a summary, a layout paragraph and counters; ids and names are unique', () => {
    const ids = new Set<string>();
    const names = new Set<string>();
    for (const e of MAP_FUNCTIONS) {
      expect(ids.has(e.id), e.id).toBe(false);
      ids.add(e.id);
      for (const n of e.names) {
        expect(names.has(n), n).toBe(false);
        names.add(n);
        expect(mapFunctionEntry(n), n).toBe(e);
      }
      expect(e.versions.length, e.id).toBeGreaterThan(20);
      expect(e.summary.length, e.id).toBeGreaterThan(20);
      expect((e.swiss?.length ?? 0) + (e.classic?.length ?? 0), e.id).toBeGreaterThan(0);
      if (e.layout === 'swiss') expect(e.swiss, e.id).toBeDefined();
      if (e.layout === 'classic') expect(e.classic, e.id).toBeDefined();
      expect(e.counters.length, e.id).toBeGreaterThan(0);
      // Text only: nothing that looks like markup.
      expect(JSON.stringify(e)).not.toMatch(/<[a-z]/i);
    }
  });
});

// ---------------------------------------------------------------------------------
// Version claims against the Go 1.26 sources on this machine.

function goSources(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
}

/** `internal/runtime/maps.(*table).grow` → a regexp for its declaration. */
function declRe(short: string): RegExp {
  // Methods: `(*table).grow`, `ctrlGroup.matchH2` (value receiver), `probeSeq.next`.
  const m = /^\(\*?(\w+)\)\.(\w+)$/.exec(short) ?? /^(\w+)\.(\w+)$/.exec(short);
  if (m) return new RegExp(`^func \\(\\w+ \\*?${m[1]}\\) ${m[2]}\\(`, 'm');
  return new RegExp(`^func ${short}\\(`, 'm');
}

const haveGoSrc = existsSync(path.join(GOROOT_SRC, 'internal/runtime/maps/map.go'));
if (!haveGoSrc) console.warn(`skipped: version claims — no Go sources at ${GOROOT_SRC}`);

describe.skipIf(!haveGoSrc)('version claims hold for Go 1.26 (sources at /usr/local/go/src)', () => {
  const version = haveGoSrc ? readFileSync(path.join(GOROOT_SRC, '../VERSION'), 'utf8').split('\n')[0]! : '';
  const maps = haveGoSrc ? goSources(path.join(GOROOT_SRC, 'internal/runtime/maps')) : '';
  const runtime = haveGoSrc ? goSources(path.join(GOROOT_SRC, 'runtime')) : '';

  it('the sources are Go 1.26', () => {
    expect(version).toMatch(/^go1\.26/);
  });

  it('every internal/runtime/maps function the catalogue names is declared in 1.26', () => {
    const missing: string[] = [];
    for (const e of MAP_FUNCTIONS) {
      for (const n of e.names) {
        if (!n.startsWith('internal/runtime/maps.')) continue;
        const short = n.slice('internal/runtime/maps.'.length);
        if (!declRe(short).test(maps)) missing.push(n);
      }
    }
    expect(missing).toEqual([]);
  });

  it('runtime.* names of Swiss-capable entries exist in 1.26 (declared in runtime or pushed by linkname from internal/runtime/maps); their classic-only names do not', () => {
    const missing: string[] = [];
    const stale: string[] = [];
    for (const e of MAP_FUNCTIONS) {
      if (e.layout === 'classic') continue;
      for (const n of e.names) {
        if (!n.startsWith('runtime.')) continue;
        const short = n.slice('runtime.'.length);
        const declared = new RegExp(`^func ${short}\\(`, 'm').test(runtime);
        const pushed = new RegExp(`^//go:linkname \\w+ runtime\\.${short}$`, 'm').test(maps);
        const exists = declared || pushed;
        if (e.classicOnly?.includes(n)) {
          if (exists) stale.push(n);
        } else if (!exists) missing.push(n);
      }
    }
    expect(missing).toEqual([]);
    expect(stale).toEqual([]);
    // The claim that the fast paths are implemented in internal/runtime/maps and linknamed in.
    expect(maps).toMatch(/^\/\/go:linkname runtime_mapassign_fast64 runtime\.mapassign_fast64$/m);
  });

  it('classic-only functions are gone from 1.26 (mapiterinit/mapiternext survive only as linkname shims)', () => {
    const present: string[] = [];
    for (const e of MAP_FUNCTIONS) {
      if (e.layout !== 'classic') continue;
      for (const n of e.names) {
        const m = /^runtime\.(?:\(\*?(\w+)\)\.)?(\w+)$/.exec(n);
        if (!m) continue;
        const re = m[1] ? new RegExp(`^func \\(\\w+ \\*?${m[1]}\\) ${m[2]}\\(`, 'm') : new RegExp(`^func ${m[2]}\\(`, 'm');
        if (re.test(runtime)) present.push(n);
      }
    }
    expect(present.sort()).toEqual(['runtime.mapiterinit', 'runtime.mapiternext']);
    const shim = readFileSync(path.join(GOROOT_SRC, 'runtime/linkname_shim.go'), 'utf8');
    expect(shim).toMatch(/^func mapiterinit\(/m);
    // What compiled range loops call in 1.26.
    expect(runtime).toMatch(/^func mapIterStart\(/m);
    expect(runtime).toMatch(/^func mapIterNext\(/m);
  });

  it('the fatal messages the explanations quote are the runtime’s', () => {
    for (const msg of ['concurrent map writes', 'concurrent map read and map write', 'concurrent map iteration and map write', 'concurrent map clone and map write', 'small map with no empty slot (concurrent map writes?)']) {
      expect(maps, msg).toContain(`fatal("${msg}")`);
    }
    expect(readFileSync(path.join(GOROOT_SRC, 'runtime/pprof/protomem.go'), 'utf8')).toContain('strings.HasPrefix(f.Name(), "internal/runtime/")');
  });
});

// Older releases' sources, when their toolchains are in the Go module cache (the go
// command puts them there for GOTOOLCHAIN=go1.24.0 …): the claims that differ by release.
const MODCACHE = path.join(process.env.GOMODCACHE ?? path.join(process.env.HOME ?? '/root', 'go/pkg/mod'), 'golang.org');
const toolchainSrc = (v: string) => path.join(MODCACHE, `toolchain@v0.0.1-${v}.linux-amd64/src`);
const have124 = existsSync(path.join(toolchainSrc('go1.24.0'), 'internal/runtime/maps/table.go'));
const have125 = existsSync(path.join(toolchainSrc('go1.25.0'), 'internal/runtime/maps/table.go'));
if (!have124 || !have125) console.warn('skipped: 1.24/1.25 version claims — go1.24.0 / go1.25.0 sources not in the Go module cache');

describe.skipIf(!have124 || !have125)('version claims for Go 1.24 and 1.25 (toolchain sources in the module cache)', () => {
  const read = (v: string, f: string) => readFileSync(path.join(toolchainSrc(v), f), 'utf8');
  it('pruneTombstones: 1.25+, not 1.24', () => {
    expect(read('go1.24.0', 'internal/runtime/maps/table.go')).not.toMatch(/func \(t \*table\) pruneTombstones\(/);
    expect(read('go1.25.0', 'internal/runtime/maps/table.go')).toMatch(/func \(t \*table\) pruneTombstones\(/);
    expect(mapFunctionById('pruneTombstones')!.versions).toMatch(/^Go 1\.25\+/);
  });
  it('range loops call mapIterStart/mapIterNext in Swiss builds of 1.24 and 1.25; the old names are linkname shims there', () => {
    for (const v of ['go1.24.0', 'go1.25.0']) {
      expect(read(v, 'runtime/map_swiss.go')).toMatch(/^func mapIterStart\(/m);
      expect(read(v, 'runtime/linkname_swiss.go')).toMatch(/^func mapiterinit\(/m);
      expect(read(v, 'runtime/map_noswiss.go')).toMatch(/^func mapiterinit\(/m);
      expect(read(v, 'internal/runtime/maps/runtime_fast64_swiss.go')).toMatch(/^\/\/go:linkname runtime_mapassign_fast64 runtime\.mapassign_fast64$/m);
    }
  });
});

// ---------------------------------------------------------------------------------
// Demos: each script makes the simulator do what the explanation says.

describe('demo scripts', () => {
  const last = (id: string) => {
    const e = mapFunctionById(id)!;
    const steps = runSimulation(e.demo!.script);
    return { e, step: steps[steps.length - 1]! };
  };

  it('every demo parses, runs, and produces its event at the last step', () => {
    for (const e of MAP_FUNCTIONS) {
      if (!e.demo) continue;
      const steps = runSimulation(e.demo.script);
      expect(steps.length, e.id).toBeGreaterThan(0);
      if (e.demo.event) expect(steps[steps.length - 1]!.events.map((v) => v.kind), e.id).toContain(e.demo.event);
    }
  });

  it('the numbers the demo texts promise', () => {
    const small = last('putSlotSmall').step.snapshot.swiss!;
    expect(small.dirLen).toBe(0);
    expect(last('putSlotSmall').step.snapshot.count).toBe(5);

    const gt = last('growToTable').step.snapshot.swiss!;
    expect([gt.dirLen, gt.tables!.length, gt.tables![0]!.capacity, gt.tables![0]!.groups.length]).toEqual([1, 1, 16, 2]);

    const assign = last('assign').step;
    expect(assign.events).toContainEqual(expect.objectContaining({ kind: 'tableGrow', from: 16, to: 32 }));

    const grow = last('grow').step;
    expect(grow.events).toContainEqual(expect.objectContaining({ kind: 'tableGrow', from: 128, to: 256 }));

    const split = last('split').step.snapshot.swiss!;
    expect([split.dirLen, split.tables!.length, ...split.tables!.map((t) => t.capacity)]).toEqual([2, 2, 1024, 1024]);

    const mk = last('makemap').step;
    expect(mk.events).toEqual([]);
    expect(mk.snapshot.swiss!.tables!.map((t) => t.capacity)).toEqual([1024, 1024, 1024, 1024]);

    const cl = last('clear').step.snapshot;
    expect(cl.count).toBe(0);
    expect(cl.swiss!.tables!.length).toBe(8);

    const hg = last('hashGrow').step.snapshot.classic!;
    expect([hg.B, hg.oldBuckets?.length]).toEqual([4, 8]);

    const ev = last('evacuate').step.snapshot.classic!;
    expect(ev.oldBuckets!.filter((b) => b.evacuated).length).toBe(4);
  });
});
