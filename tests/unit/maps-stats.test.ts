import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMapSnapshot } from '../../src/formats/mapsnap/parse';
import { mapStats, swissBytesForMake, classicBForHint } from '../../src/analysis/maps/stats';
import { mapCommand } from '../../src/cli/maps';
import { runSimulation } from '../../src/analysis/maps/simulate';

const dir = join(__dirname, '../../testdata/mapsnap');
const text = (name: string): string => readFileSync(join(dir, `${name}.json`), 'utf8');
const stats = (name: string) => mapStats(parseMapSnapshot(text(name)));

describe('map stats on real snapshots (go/mapsnap, Go 1.26 Swiss tables)', () => {
  for (const [name, count] of [
    ['small-int-5', 5],
    ['string-100', 100],
    ['struct-1000', 1000],
    ['int-5000-deleted-third', 3333],
    ['int-100k-mostly-deleted', 1000],
  ] as const) {
    it(`${name}: used == count, exact figures`, () => {
      const s = stats(name);
      expect(s.count).toBe(count);
      expect(s.countedEntries).toBe(count);
      expect(s.countMatches).toBe(true);
      expect(s.hashesExact).toBe(true);
      expect(s.swiss!.used).toEqual({ value: count, exact: true });
      const perTable = s.swiss!.perTable.reduce((n, t) => n + t.used, 0);
      expect(s.swiss!.small ? count : perTable).toBe(count);
      if (s.swiss!.probeLength) expect(s.swiss!.probeLength.mean.exact).toBe(true);
      expect(s.memory.bytesHeld.exact).toBe(false);
    });
  }

  it('small map', () => {
    const s = stats('small-int-5');
    expect(s.swiss!.small).toBe(true);
    expect(s.swiss!.groupOccupancy.counts[5]).toBe(1);
    expect(s.memory.neverShrinks).toBe(false);
  });

  it('detects "maps never shrink" on the 100k map with 99% deleted, with the remedy', () => {
    const s = stats('int-100k-mostly-deleted');
    expect(s.memory.neverShrinks).toBe(true);
    expect(s.memory.ratio.value).toBeGreaterThan(10);
    expect(s.memory.diagnosis).toMatch(/never shrink/);
    expect(s.memory.remedy).toMatch(/make\(map\[K\]V, len\(m\)\)/);
    expect(s.swiss!.capacity.value).toBeGreaterThanOrEqual(100000 * 8 / 7);
    expect(s.swiss!.tombstones.value).toBeGreaterThan(0);
    expect(s.swiss!.perTable.every((t) => t.nextRehash === 'split')).toBe(true);
  });

  it('no shrink diagnosis for healthy maps', () => {
    for (const n of ['string-100', 'struct-1000', 'int-5000-deleted-third']) expect(stats(n).memory.neverShrinks).toBe(false);
  });

  it('tombstones after deletes; hash-bit histogram is balanced for exact hashes', () => {
    const s = stats('int-5000-deleted-third');
    expect(s.swiss!.tombstones.value).toBeGreaterThan(0);
    expect(s.swiss!.groupTombstones.counts.slice(1).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(s.hashBits!.samples).toBe(3333);
    expect(s.hashBits!.exact).toBe(true);
    for (const f of s.hashBits!.setFraction) expect(Math.abs(f - 0.5)).toBeLessThan(0.1);
  });

  it('simulator growth matches the real runtime where placement cannot matter', () => {
    for (const [name, n] of [['small-int-5', 5], ['string-100', 100], ['struct-1000', 1000]] as const) {
      const real = parseMapSnapshot(text(name)).swiss!;
      const sim = runSimulation(`insert 1..${n}`, { slots: false })[0]!.snapshot.swiss!;
      expect([sim.dirLen, sim.globalDepth]).toEqual([real.dirLen, real.globalDepth]);
      expect((sim.tables ?? []).map((t) => t.capacity)).toEqual((real.tables ?? []).map((t) => t.capacity));
    }
  });

  it('sizes like make()', () => {
    expect(classicBForHint(0)).toBe(0);
    expect(classicBForHint(9)).toBe(1);
    expect(classicBForHint(1000)).toBe(8);
    // 2000 entries: target 2285 → 4 tables (3 rounded up) of 1024 → 4·128 groups of 136 B
    expect(swissBytesForMake(2000, 16)).toBe(48 + 4 * 8 + 4 * (32 + 128 * 136));
  });
});

describe('mapCommand (stacklens map --json)', () => {
  it('snapshot → stats', () => {
    const r: any = mapCommand({ snapshotJson: text('string-100') });
    expect(r.format).toBe('map-snapshot-stats');
    expect(r.label).toBe('string-100');
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('simulation → per-step stats with the seeded-hash caveat', () => {
    const r: any = mapCommand({ simulateScript: 'layout classic\ninsert 1..100000\ndelete 1..99000' });
    expect(r.format).toBe('map-simulation');
    expect(r.note).toMatch(/seeded stand-in hash/);
    expect(r.steps).toHaveLength(2);
    expect(r.steps[1].stats.count).toBe(1000);
    expect(r.steps[1].stats.countMatches).toBe(true);
    expect(r.steps[1].stats.hashesExact).toBe(false);
    expect(r.steps[1].stats.memory.neverShrinks).toBe(true);
    expect(r.steps[1].stats.classic.B).toBe(14);
  });

  it('rejects bad input clearly', () => {
    expect(() => mapCommand({})).toThrow(/exactly one/);
    expect(() => mapCommand({ snapshotJson: '{}', simulateScript: 'insert 1' })).toThrow(/exactly one/);
    expect(() => mapCommand({ snapshotJson: '{"schema":"x"}' })).toThrow(/\$\.schema/);
  });
});
