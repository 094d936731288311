// Map growth hotspots on real heap profiles (tools/gen/mapgrowth, Go 1.26,
// MemProfileRate=1): the profile runtime/pprof wrote (runtime frames above the first user
// frame dropped — only reflect / maps.Clone entry points remain) and the same program's
// records with every frame kept. Each caller's numbers, for every sample type, equal
// `go tool pprof -top -focus=<the profile's map functions>`'s cum of that caller, and the
// total equals what the focus keeps. Also the CLI's JSON and a Go trace's CPU samples.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isMapInternal } from '../../src/analysis/maps/functions';
import { NO_CALLER, hotspotsCaveat, looksStandardLibrary, mapHotspots, packagePath, type MapHotspots } from '../../src/analysis/maps/hotspots';
import { decodeAny } from '../../src/formats';
import type { StackProfile } from '../../src/model/profile';
import { describeGo, goToolPprofTop, parsePprofTop } from '../helpers/go';

const root = path.resolve(__dirname, '../..');
const FRAMES = path.join(root, 'testdata/pprof/mapgrowth.frames.heap.pb.gz');
const PPROF = path.join(root, 'testdata/pprof/mapgrowth.heap.pb.gz');

async function load(file: string): Promise<StackProfile> {
  return (await decodeAny(new Uint8Array(readFileSync(file)))).profile;
}

const byCaller = (h: MapHotspots) => Object.fromEntries(h.rows.map((r) => [r.caller, r]));
const ALLOC_SPACE = 1;

describe('map hotspots of the mapgrowth heap profiles', () => {
  let frames: MapHotspots;
  let pprof: MapHotspots;
  beforeAll(async () => {
    frames = mapHotspots(await load(FRAMES));
    pprof = mapHotspots(await load(PPROF));
  });

  it('all frames kept: the four user functions, split/grow paths, nothing hidden', () => {
    expect(frames.heap).toBe(true);
    expect(frames.runtimeFramesHidden).toBe(false);
    expect(frames.runtimeLeafShare).toBe(1);
    expect(hotspotsCaveat(frames)).toBeNull();
    expect(frames.sampleTypes.map((t) => t.type)).toEqual(['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
    const rows = byCaller(frames);
    expect(Object.keys(rows).sort()).toEqual(['encoding/json.(*decodeState).object', 'main.buildIndex', 'main.collectNames', 'main.snapshotIndex']);
    expect(rows['encoding/json.(*decodeState).object']!.reachedFrom).toBe('main.decodeCounts');
    expect(rows['main.buildIndex']!.reachedFrom).toBeNull();
    const build = rows['main.buildIndex']!;
    const sites = build.paths.map((p) => `${p.entry} → ${p.site}`);
    expect(sites).toContain('runtime.mapassign_fast64 → internal/runtime/maps.(*table).split');
    expect(sites).toContain('runtime.mapassign_fast64 → internal/runtime/maps.(*table).grow');
    expect(sites).toContain('runtime.mapassign_fast64 → internal/runtime/maps.(*Map).growToTable');
    // Tables that were grown away are garbage: nothing of the grow path is in use; the split tables are.
    const grow = build.paths.find((p) => p.site === 'internal/runtime/maps.(*table).grow')!;
    expect(grow.values[3]).toBe(0);
    expect(build.paths.find((p) => p.site === 'internal/runtime/maps.(*table).split')!.values[3]).toBeGreaterThan(1 << 20);
    // The path values add up to the row; the rows to the total; sorted by the default sample type.
    for (const r of frames.rows) for (let t = 0; t < 4; t++) expect(r.paths.reduce((a, p) => a + p.values[t]!, 0)).toBe(r.values[t]);
    for (let t = 0; t < 4; t++) expect(frames.rows.reduce((a, r) => a + r.values[t]!, 0)).toBe(frames.mapTotals[t]);
    const key = frames.rows.map((r) => r.values[frames.sortedBy]!);
    expect([...key].sort((a, b) => b - a)).toEqual(key);
    // The map growth is most of this program's allocation.
    expect(frames.mapTotals[ALLOC_SPACE]! / frames.profileTotals[ALLOC_SPACE]!).toBeGreaterThan(0.8);
  });

  it('as runtime/pprof wrote it: leading runtime frames hidden, only reflect and maps.Clone entries left', () => {
    expect(pprof.heap).toBe(true);
    expect(pprof.runtimeFramesHidden).toBe(true);
    expect(pprof.runtimeLeafShare).toBeLessThan(0.01);
    expect(hotspotsCaveat(pprof)).toMatch(/runtime\/pprof/);
    const rows = byCaller(pprof);
    expect(Object.keys(rows).sort()).toEqual(['encoding/json.(*decodeState).object', 'main.snapshotIndex']);
    expect(rows['main.snapshotIndex']!.paths.map((p) => p.site)).toEqual(['maps.clone']);
    expect(rows['encoding/json.(*decodeState).object']!.paths.map((p) => p.site).sort()).toEqual(['reflect.makemap', 'reflect.mapassign_faststr0']);
    // Nothing the user's m[k] = v grew is attributed to a map frame here.
    expect(rows['main.buildIndex']).toBeUndefined();
    expect(rows['main.collectNames']).toBeUndefined();
  });

  it('the same maps.Clone allocation in both files (the writer does not hide the clone)', () => {
    expect(byCaller(pprof)['main.snapshotIndex']!.values).toEqual(byCaller(frames)['main.snapshotIndex']!.values);
  });
});

describe('package paths', () => {
  it('splits Go function names and tells standard-library-looking packages', () => {
    expect(packagePath('encoding/json.(*decodeState).object')).toBe('encoding/json');
    expect(packagePath('github.com/a/b.(*T).M')).toBe('github.com/a/b');
    expect(packagePath('main.buildIndex')).toBe('main');
    expect(looksStandardLibrary('encoding/json.Unmarshal')).toBe(true);
    expect(looksStandardLibrary('main.decodeCounts')).toBe(false);
    expect(looksStandardLibrary('github.com/a/b.F')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------
// Oracle: go tool pprof -focus keeps the samples with a map frame; a caller's cum there
// is the hotspot row (the caller sits above every map frame of its samples).

function focusRegex(p: StackProfile): string {
  const names = new Set<string>();
  for (let f = 0; f < p.funcs.length; f++) {
    const rec = p.strings[p.funcs.recordedName[f]!]!;
    const shown = p.strings[p.funcs.name[f]!]!;
    if (isMapInternal(shown) || isMapInternal(rec)) names.add(rec);
  }
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `^(?:${[...names].map(esc).join('|')})$`;
}

function pprofNumber(s: string): number {
  const m = /^(-?[\d.]+)(B?)$/.exec(s);
  if (!m) throw new Error(`unexpected pprof value ${s}`);
  return Number(m[1]);
}

describeGo('map hotspots = go tool pprof -top -focus=<map functions> (cum per caller, every sample type)', () => {
  for (const file of [FRAMES, PPROF]) {
    it(path.basename(file), async () => {
      const p = await load(file);
      const h = mapHotspots(p);
      const re = focusRegex(p);
      for (let t = 0; t < p.sampleTypes.length; t++) {
        const type = p.sampleTypes[t]!;
        const flags = [`-focus=${re}`];
        if (type.unit === 'bytes') flags.push('-unit=B');
        const out = goToolPprofTop(file, type.type, { extraFlags: flags });
        const top = parsePprofTop(out);
        const shown = /Showing nodes accounting for (-?[\d.]+)B?,/.exec(out);
        expect(shown, out.slice(0, 400)).not.toBeNull();
        expect(h.mapTotals[t], `${type.type} total`).toBe(Number(shown![1]));
        const cum = new Map(top.rows.map((r) => [r.name.replace(/ \(inline\)$/, ''), pprofNumber(r.cum)]));
        for (const row of h.rows) {
          expect(row.caller).not.toBe(NO_CALLER);
          expect(cum.get(row.caller), `${type.type} ${row.caller}`).toBe(row.values[t]);
        }
      }
    });
  }
});

describe('stacklens map --hotspots', () => {
  it('--json prints the same analysis; the text table names the callers', () => {
    const run = (args: string[]) => execFileSync(process.execPath, [path.join(root, 'bin/stacklens.mjs'), 'map', '--hotspots', ...args], { cwd: root, encoding: 'utf8' });
    const json = JSON.parse(run([FRAMES, '--json']));
    expect(json.format).toBe('map-hotspots');
    expect(json.caveat).toBeNull();
    expect(json.rows.map((r: { caller: string }) => r.caller)).toEqual(
      [...json.rows].sort((a: { values: number[] }, b: { values: number[] }) => b.values[json.sortedBy] - a.values[json.sortedBy]).map((r: { caller: string }) => r.caller),
    );
    const text = run([PPROF, '--sample', 'alloc_space']);
    expect(text).toMatch(/^Map growth hotspots in .*mapgrowth\.heap\.pb\.gz \(alloc_space\)/);
    expect(text).toContain('note: This heap profile was written the way runtime/pprof writes heap profiles');
    expect(text).toContain('main.snapshotIndex');
    expect(text).toContain('encoding/json.(*decodeState).object (from main.decodeCounts)');
  });
});

describe('a Go trace’s CPU samples', () => {
  it('time inside map code, by caller: the map loop', async () => {
    const h = mapHotspots(await load(path.join(root, 'testdata/gotrace/cpu.trace')));
    expect(h.heap).toBe(false);
    expect(h.runtimeFramesHidden).toBe(false);
    const loop = h.rows.find((r) => r.caller === 'main.mapLoop');
    expect(loop).toBeDefined();
    expect(loop!.paths.some((p) => p.entry === 'runtime.mapassign_fast64')).toBe(true);
    expect(h.mapSamples).toBeGreaterThanOrEqual(loop!.samples);
  });
});
