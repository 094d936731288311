import { describe, expect, it } from 'vitest';
import { parseSimScript, runSimulation, simulate, SimScriptError, type SimStep } from '../../src/analysis/maps/simulate';
import { CTRL_DELETED, CTRL_EMPTY, ctrlBytes, type MapSnapshot } from '../../src/formats/mapsnap/schema';
import { mapStats } from '../../src/analysis/maps/stats';

function events(steps: SimStep[], kind: string): any[] {
  return steps.flatMap((s) => s.events.filter((e) => e.kind === kind));
}

/** The same Swiss invariants go/mapsnap's tests check on real maps. */
function checkSwiss(s: MapSnapshot): number {
  const sw = s.swiss!;
  if (sw.dirLen === 0) {
    const full = sw.small ? ctrlBytes(sw.small.ctrl).filter((c) => c < 0x80).length : 0;
    expect(full).toBe(s.count);
    return 0;
  }
  expect(sw.dirLen).toBe(2 ** sw.globalDepth);
  let total = 0;
  let tombs = 0;
  for (const t of sw.tables!) {
    const span = 2 ** (sw.globalDepth - t.localDepth);
    expect(t.index % span).toBe(0);
    for (let i = 0; i < sw.dirLen; i++) expect(sw.directory![i] === t.id).toBe(i >= t.index && i < t.index + span);
    expect(t.capacity).toBe(t.groups.length * 8);
    expect(t.capacity).toBeLessThanOrEqual(1024);
    const mask = t.groups.length - 1;
    const hasEmpty = t.groups.map((g) => ctrlBytes(g.ctrl).includes(CTRL_EMPTY));
    let full = 0;
    let dead = 0;
    t.groups.forEach((g, gi) => {
      const b = ctrlBytes(g.ctrl);
      full += b.filter((c) => c < 0x80).length;
      dead += b.filter((c) => c === CTRL_DELETED).length;
      for (const sl of g.slots ?? []) {
        const h = BigInt(sl.hash!);
        expect(b[sl.i]).toBe(Number(h & 0x7fn));
        const di = sw.globalDepth === 0 ? 0 : Number(h >> BigInt(64 - sw.globalDepth));
        expect(sw.directory![di]).toBe(t.id);
        let off = Number((h >> 7n) & BigInt(mask));
        for (let i = 1; off !== gi; off = (off + i++) & mask) expect(hasEmpty[off]).toBe(false);
      }
    });
    expect(full).toBe(t.used);
    expect(t.used + dead + t.growthLeft).toBe(t.capacity <= 8 ? t.capacity - 1 : (t.capacity * 7) / 8);
    total += t.used;
    tombs += dead;
  }
  expect(total).toBe(s.count);
  return tombs;
}

describe('map simulator: classic', () => {
  it('grows past 6.5 × 2^B entries (and never below 9)', () => {
    const steps = runSimulation('layout classic\ninsert 1..5000', { slots: false });
    const grows = events(steps, 'hashGrow');
    expect(grows.every((g) => !g.sameSize)).toBe(true);
    // count before the insert that calls hashGrow: the first count with count+1 > 6.5·2^B.
    expect(grows.map((g) => g.count)).toEqual([8, 13, 26, 52, 104, 208, 416, 832, 1664, 3328]);
    expect(grows.map((g) => g.B)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const last = steps.at(-1)!.snapshot;
    expect(last.classic!.B).toBe(10);
    expect(mapStats(last).countMatches).toBe(true);
  });

  it('make(map, hint) picks the smallest B under the load factor', () => {
    const s = runSimulation('layout classic\nmake 1000\ninsert 1..1000', { slots: false });
    expect(s[0]!.snapshot.classic!.B).toBe(8);
    expect(events(s, 'hashGrow')).toEqual([]);
  });

  it('evacuates incrementally, at most two old buckets per write', () => {
    const steps = runSimulation('layout classic\ninsert 1..104\ninsert 105\ninsert 106\ninsert 107..200');
    const mid = steps[1]!.snapshot.classic!;
    expect(mid.B).toBe(5);
    expect(mid.oldBuckets).toHaveLength(16);
    const ev = mid.oldBuckets!.filter((b) => b.evacuated).length;
    expect(ev).toBeGreaterThanOrEqual(1);
    expect(ev).toBeLessThanOrEqual(2);
    expect(mid.nevacuate).toBeLessThanOrEqual(ev);
    const st = mapStats(steps[1]!.snapshot);
    expect(st.classic!.growing).toBe(true);
    expect(st.classic!.notYetEvacuated.value).toBe(16 - ev);
    expect(st.countMatches).toBe(true); // entries in not-yet-evacuated old buckets count
    const ev2 = steps[2]!.snapshot.classic!.oldBuckets!.filter((b) => b.evacuated).length;
    expect(ev2).toBeGreaterThan(ev);
    expect(ev2).toBeLessThanOrEqual(ev + 2);
    expect(steps[3]!.snapshot.classic!.oldBuckets).toBeUndefined();
    expect(events(steps.slice(1), 'evacuationDone')).toHaveLength(1);
  });

  it('same-size grow when overflow buckets pile up under churn', () => {
    let script = 'layout classic\nseed 7\ninsert 1..50\n';
    for (let r = 0; r < 40; r++) script += `delete ${r * 40 + 1}..${r * 40 + 40}\ninsert ${r * 40 + 51}..${r * 40 + 90}\n`;
    const steps = runSimulation(script, { slots: false });
    const same = events(steps, 'hashGrow').filter((g) => g.sameSize);
    expect(same.length).toBeGreaterThan(0);
    for (const g of same) {
      expect(g.B).toBe(3);
      expect(g.noverflow).toBeGreaterThanOrEqual(2 ** 3);
      expect(g.count + 1).toBeLessThanOrEqual(6.5 * 8);
    }
    for (const s of steps) expect(mapStats(s.snapshot).countMatches).toBe(true);
  });

  it('clear keeps B, drops overflow chains and old buckets, reseeds', () => {
    const steps = runSimulation('layout classic\ninsert 1..104\ninsert 105\nclear\nclear');
    const c = steps[2]!.snapshot.classic!;
    expect(c.B).toBe(5);
    expect(c.oldBuckets).toBeUndefined();
    expect(c.buckets.every((b) => b.chain.length === 1 && b.chain[0]!.tophash.every((t) => t === 0))).toBe(true);
    expect(c.hash0).not.toBe(steps[1]!.snapshot.classic!.hash0);
    expect(steps[3]!.snapshot.classic!.hash0).toBe(c.hash0); // clear of an empty map is a no-op
    expect(steps[2]!.snapshot.capture.goVersion).toBe('go1.23');
  });

  it('delete turns trailing cells into emptyRest', () => {
    const steps = runSimulation('layout classic\ninsert 1..5\ndelete 5\ndelete 3');
    const th = steps[2]!.snapshot.classic!.buckets[0]!.chain[0]!.tophash;
    expect(th.slice(4)).toEqual([0, 0, 0, 0]);
    expect(steps[2]!.snapshot.classic!.buckets[0]!.chain[0]!.tophash[2]).toBe(1);
  });
});

describe('map simulator: Swiss', () => {
  it('small map → table → grow → split past 1024 slots with directory doubling', () => {
    const steps = runSimulation('insert 1..8\ninsert 9\ninsert 10..5000', { slots: true });
    expect(steps[0]!.snapshot.swiss!.dirLen).toBe(0);
    expect(events(steps, 'growToTable')).toEqual([{ kind: 'growToTable', count: 8 }]);
    const grows = events(steps, 'tableGrow');
    expect(grows.slice(0, 6).map((g) => [g.count, g.from, g.to])).toEqual([
      [14, 16, 32],
      [28, 32, 64],
      [56, 64, 128],
      [112, 128, 256],
      [224, 256, 512],
      [448, 512, 1024],
    ]);
    const splits = events(steps, 'tableSplit');
    expect(splits[0]!.count).toBe(896); // 7/8 of 1024
    const doubles = events(steps, 'directoryDouble');
    expect(doubles.map((d) => d.globalDepth)).toEqual(doubles.map((_, i) => i + 1));
    const last = steps.at(-1)!.snapshot;
    expect(last.swiss!.tables!.every((t) => t.capacity === 1024)).toBe(true);
    expect(last.swiss!.tables!.length).toBe(splits.length + 1);
    for (const s of steps) checkSwiss(s.snapshot);
  });

  it('overwriting a key of a full small map converts it to a table (as go1.24–go1.26 do)', () => {
    const steps = runSimulation('insert 1..8\ninsert 3');
    expect(steps[0]!.snapshot.swiss!.dirLen).toBe(0);
    const s = steps[1]!;
    expect(s.counters).toMatchObject({ inserted: 0, updated: 1 });
    expect(s.events).toEqual([{ kind: 'growToTable', count: 8 }]);
    expect(s.snapshot.swiss!.tables!.map((t) => t.capacity)).toEqual([16]);
    checkSwiss(s.snapshot);
  });

  it('make(map, hint) sizes the directory like NewMap', () => {
    const s = runSimulation('make 5000\ninsert 1..10', { slots: false })[0]!.snapshot.swiss!;
    // target = 5000·8/7 = 5714 → ceil(5714/1024) = 6 → 8 tables of capacity pow2(714) = 1024
    expect(s.dirLen).toBe(8);
    expect(s.tables!.map((t) => t.capacity)).toEqual(new Array(8).fill(1024));
  });

  it('counts tombstones and reuses them (go1.24 rules: no pruning)', () => {
    const steps = runSimulation('go go1.24\ninsert 1..800\ndelete 1..700\ninsert 1001..1300');
    const del = steps[1]!;
    const tombs = checkSwiss(del.snapshot);
    expect(tombs).toBe(del.counters.tombstonesCreated);
    expect(tombs).toBeGreaterThan(0);
    expect(mapStats(del.snapshot).swiss!.tombstones).toEqual({ value: tombs, exact: true });
    const ins = steps[2]!;
    expect(ins.counters.tombstonesReused).toBeGreaterThan(0);
    expect(events([ins], 'tableGrow')).toEqual([]);
    expect(checkSwiss(ins.snapshot)).toBe(tombs - ins.counters.tombstonesReused);
  });

  it('delete/insert churn grows a go1.24 table but go1.26 prunes tombstones instead', () => {
    const caps: Record<string, number[]> = {};
    for (const go of ['go1.24', 'go1.26']) {
      let script = `go ${go}\ninsert 1..100\ndelete 1..60\n`;
      for (let r = 0; r < 300; r++) script += `delete ${r * 10 + 61}..${r * 10 + 70}\ninsert ${r * 10 + 101}..${r * 10 + 110}\n`;
      const steps = runSimulation(script, { slots: true });
      caps[go] = steps.at(-1)!.snapshot.swiss!.tables!.map((t) => t.capacity);
      if (go === 'go1.26') expect(events(steps, 'pruneTombstones').length).toBeGreaterThan(0);
      else expect(events(steps, 'pruneTombstones')).toEqual([]);
      checkSwiss(steps.at(-1)!.snapshot);
    }
    expect(caps['go1.24']![0]).toBeGreaterThan(caps['go1.26']![0]!);
  });

  it('small maps have no tombstones; emptying reseeds; clear keeps capacity', () => {
    const steps = runSimulation('insert 1..5\ndelete 2\ndelete 1,3,4,5\ninsert 1..3000\nclear');
    expect(ctrlBytes(steps[1]!.snapshot.swiss!.small!.ctrl)).not.toContain(CTRL_DELETED);
    expect(steps[2]!.snapshot.swiss!.seed).not.toBe(steps[1]!.snapshot.swiss!.seed);
    const before = steps[3]!.snapshot.swiss!.tables!.reduce((n, t) => n + t.capacity, 0);
    const after = steps[4]!.snapshot;
    expect(after.count).toBe(0);
    expect(after.swiss!.clearSeq).toBe(1);
    expect(after.swiss!.tables!.reduce((n, t) => n + t.capacity, 0)).toBe(before);
    checkSwiss(after);
  });

  it('says the hash is simulated and seeded; seed changes placement not counts', () => {
    const a = runSimulation('seed 1\ninsert 1..500')[0]!.snapshot;
    const b = runSimulation('seed 2\ninsert 1..500')[0]!.snapshot;
    expect(a.capture.hashesExact).toBe(false);
    expect(a.capture.method).toBe('simulation');
    expect(a.capture.note).toMatch(/seed 1/);
    expect(a.count).toBe(b.count);
    expect(a.swiss!.tables![0]!.groups).not.toEqual(b.swiss!.tables![0]!.groups);
    const again = runSimulation('seed 1\ninsert 1..500')[0]!.snapshot;
    expect(again).toEqual(a);
  });

  it('yields one step per script line', () => {
    const gen = simulate('insert a1..a3\ninsert "x y"\ndelete a2');
    const steps = [...gen];
    expect(steps.map((s) => s.snapshot.count)).toEqual([3, 4, 3]);
    expect(steps[0]!.snapshot.swiss!.small!.slots!.map((s) => s.key)).toEqual(['a1', 'a2', 'a3']);
  });
});

describe('map simulation scripts', () => {
  it('reports the line of a bad command', () => {
    expect(() => parseSimScript('insert 1..3\nfrobnicate 2')).toThrow(SimScriptError);
    expect(() => parseSimScript('insert 1..3\nfrobnicate 2')).toThrow(/line 2: unknown command "frobnicate"/);
    expect(() => parseSimScript('insert 1\nlayout classic')).toThrow(/line 2: layout must come before/);
    expect(() => parseSimScript('layout btree')).toThrow(/line 1/);
  });

  it('parses ranges, lists, prefixes and comments', () => {
    const s = parseSimScript('# demo\nlayout classic\nseed 9\ninsert 3..1, k7, 10 # tail\ndelete x-2..x-3');
    expect(s.layout).toBe('classic');
    expect(s.seed).toBe(9);
    expect(s.steps[0]!.op).toEqual({ kind: 'insert', keys: ['3', '2', '1', 'k7', '10'] });
    expect(s.steps[1]!.op).toEqual({ kind: 'delete', keys: ['x-2', 'x-3'] });
  });
});
