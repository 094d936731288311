// Real classic-layout snapshots: go/mapsnap's snapdemo built with go1.23.0 (fetched by
// the go command as a toolchain module), committed as testdata/mapsnap/classic-*.json.
// Checked here independently of the Go tests: every key sits in the bucket its exact
// hash selects (low B bits; old buckets by the low bits of the old size) with the
// tophash its top byte gives, counts match len(m), the grow in progress has its
// evacuated old buckets, and the statistics / heatmap read them. When a classic
// toolchain is already in the module cache, the Go capture tests run on it too.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { mapStats } from '../../src/analysis/maps/stats';
import { parseMapSnapshot } from '../../src/formats/mapsnap/parse';
import type { ClassicBucket, MapSnapshot } from '../../src/formats/mapsnap/schema';
import { heatRows } from '../../src/views/MapView';
import { describeGo, goBinary, goEnv } from '../helpers/go';

const dir = path.join(__dirname, '../../testdata/mapsnap');
const modDir = path.join(__dirname, '../../go/mapsnap');
const load = (name: string): MapSnapshot => parseMapSnapshot(readFileSync(path.join(dir, `${name}.json`), 'utf8'));

const FILES: [string, number][] = [
  ['classic-small-int-5', 5],
  ['classic-string-100', 100],
  ['classic-struct-1000', 1000],
  ['classic-int-5000-deleted-third', 3333],
  ['classic-int-100k-mostly-deleted', 1000],
  ['classic-int-53-growing', 54],
];

/** Full cells of the buckets, each checked against its hash; returns the keys seen and
 * every violation found (collected, so a 16k-bucket map costs one assertion, not 40k). */
function placed(buckets: ClassicBucket[], bits: number, skipEvacuated: boolean): { keys: string[]; errors: string[] } {
  const keys: string[] = [];
  const errors: string[] = [];
  const mask = (1n << BigInt(bits)) - 1n;
  buckets.forEach((b, bi) => {
    if (skipEvacuated && b.evacuated) {
      for (const cb of b.chain) if (cb.tophash.some((t) => t >= 5)) errors.push(`evacuated old bucket ${bi} has a full cell`);
      return;
    }
    for (const cb of b.chain) {
      if (cb.tophash.length !== 8) errors.push(`bucket ${bi}: ${cb.tophash.length} tophash cells`);
      const full = cb.tophash.filter((t) => t >= 5).length;
      if ((cb.slots ?? []).length !== full) errors.push(`bucket ${bi}: ${full} full cells, ${(cb.slots ?? []).length} slots`);
      for (const s of cb.slots ?? []) {
        const h = BigInt(s.hash!);
        if (Number(h & mask) !== bi) errors.push(`key ${s.key}: in bucket ${bi}, hash selects ${h & mask}`);
        let top = Number(h >> 56n);
        if (top < 5) top += 5;
        if (cb.tophash[s.i] !== top) errors.push(`key ${s.key}: tophash ${cb.tophash[s.i]}, hash gives ${top}`);
        keys.push(s.key ?? s.hash!);
      }
    }
  });
  return { keys, errors };
}

describe('real classic snapshots (go/mapsnap on go1.23.0)', () => {
  for (const [name, count] of FILES) {
    it(`${name}: ${count} keys, each in the bucket its hash selects`, () => {
      const s = load(name);
      expect(s.layout).toBe('classic');
      expect(s.capture.goVersion).toBe('go1.23.0');
      expect(s.capture.hashesExact).toBe(true);
      expect(s.count).toBe(count);
      const c = s.classic!;
      expect(c.buckets).toHaveLength(2 ** c.B);
      const cur = placed(c.buckets, c.B, false);
      const old = c.oldBuckets ? placed(c.oldBuckets, c.flags & 8 ? c.B : c.B - 1, true) : { keys: [], errors: [] };
      expect([...cur.errors, ...old.errors]).toEqual([]);
      const keys = [...cur.keys, ...old.keys];
      expect(new Set(keys).size).toBe(count);
      expect(keys).toHaveLength(count);
      const st = mapStats(s);
      expect(st.countMatches).toBe(true);
      expect(st.hashesExact).toBe(true);
      expect(st.hashBits?.exact).toBe(true);
    });
  }

  it('the map caught mid-grow: 16 buckets, 8 old ones partly evacuated, nevacuate a lower bound', () => {
    const s = load('classic-int-53-growing');
    const c = s.classic!;
    expect(c.B).toBe(4);
    expect(c.oldBuckets).toHaveLength(8);
    const evacuated = c.oldBuckets!.filter((b) => b.evacuated).length;
    // The growing insert and one more write: one or two old buckets each.
    expect(evacuated).toBeGreaterThanOrEqual(2);
    expect(evacuated).toBeLessThanOrEqual(4);
    c.oldBuckets!.forEach((b, i) => {
      if (i < c.nevacuate) expect(b.evacuated, `old bucket ${i} below nevacuate`).toBe(true);
    });
    const st = mapStats(s);
    expect(st.classic!.growing).toBe(true);
    expect(st.classic!.evacuated.value).toBe(evacuated);
    expect(st.classic!.notYetEvacuated.value).toBe(8 - evacuated);
    const rows = heatRows(s);
    expect(rows.map((r) => r.cells.length)).toEqual([16, 8]);
    expect(rows[1]!.cells.filter((x) => x.evacuated).length).toBe(evacuated);
  });

  it('deleting 99% of 100k entries keeps all 2^14 buckets: "maps never shrink"', () => {
    const st = mapStats(load('classic-int-100k-mostly-deleted'));
    expect(st.classic!.B).toBe(14);
    expect(st.memory.neverShrinks).toBe(true);
    expect(st.memory.remedy).toMatch(/make\(map/);
    // emptyOne holes left by the deletes.
    expect(st.classic!.emptyOne.value).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------
// The Go capture tests on a classic toolchain, when one is in the module cache. Never
// downloads: GOPROXY=off makes the go command use the cache or fail.

const CLASSIC_TOOLCHAINS = ['go1.23.0', 'go1.22.0'];

function cachedClassicToolchain(): string | null {
  const go = goBinary();
  if (!go) return null;
  for (const v of CLASSIC_TOOLCHAINS) {
    const r = spawnSync(go, ['version'], { env: goEnv({ GOTOOLCHAIN: v, GOPROXY: 'off' }), encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0 && r.stdout.includes(v)) return v;
  }
  return null;
}

describeGo('go/mapsnap classic capture on a real classic toolchain', () => {
  const toolchain = cachedClassicToolchain();
  if (!toolchain) console.warn(`skipped: classic capture — none of ${CLASSIC_TOOLCHAINS.join(', ')} is in the Go module cache (GOTOOLCHAIN=go1.23.0 go version fetches it)`);
  it.skipIf(!toolchain)('go test passes and snapdemo writes classic snapshots that parse and add up', () => {
    const go = goBinary()!;
    const env = goEnv({ GOTOOLCHAIN: toolchain!, GOPROXY: 'off' });
    const t = spawnSync(go, ['test', '-count=1', '.'], { cwd: modDir, env, encoding: 'utf8', timeout: 110_000 });
    expect(t.status, `${t.stdout}\n${t.stderr}`).toBe(0);
    const out = mkdtempSync(path.join(os.tmpdir(), 'mapsnap-classic-'));
    try {
      const r = spawnSync(go, ['run', './cmd/snapdemo', '-out', out], { cwd: modDir, env, encoding: 'utf8', timeout: 110_000 });
      expect(r.status, r.stderr).toBe(0);
      const files = readdirSync(out).sort();
      expect(files).toEqual(FILES.map(([n]) => `${n}.json`).sort());
      for (const f of files) {
        const s = parseMapSnapshot(readFileSync(path.join(out, f), 'utf8'));
        expect(s.layout).toBe('classic');
        expect(s.capture.goVersion).toBe(toolchain);
        expect(mapStats(s).countMatches).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
