// Goroutines view and map view data: the worker's dump summary (counts, sorting, leak
// rule, zoom paths that resolve in the goroutine flame graph), map-snapshot sniffing,
// the heatmap model, one simulator step, and the URL fields of both views.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, dumpSummary, leakSuspicion, summarize } from '../../src/analysis/query';
import { parseGoDump } from '../../src/formats/godump';
import { parseMapSnapshot } from '../../src/formats/mapsnap/parse';
import { DEFAULT_SETTINGS } from '../../src/state/settings';
import { decodeHash, encodeHash } from '../../src/state/url';
import { resolveZoom } from '../../src/views/flameData';
import { cellTooltip, heatRows } from '../../src/views/MapView';
import { looksLikeMapSnapshot, mapSourceSummary, simulateStep } from '../../src/worker/maps';
import { mapStats } from '../../src/analysis/maps/stats';
import { decodeAny } from '../../src/formats';
import { defaultView } from '../../src/state/store';
import { groupMapFunc } from '../../src/views/GoroutinesView';
import { counterValue } from '../../src/views/maps/MapExplainer';
import { shortFuncName } from '../../src/views/maps/MapHotspotsPanel';

const root = path.resolve(__dirname, '../..');
const dumpFile = (n: string) => new Uint8Array(readFileSync(path.join(root, 'testdata/godump', n)));
const snapFile = (n: string) => new Uint8Array(readFileSync(path.join(root, 'testdata/mapsnap', n)));

describe('dumpSummary', () => {
  for (const name of ['concurrent-map-writes.system.txt', 'leak-sigquit.txt', 'leak-pprof.debug2.txt', 'concurrent-map-read-write.all.txt']) {
    it(`${name}: counts add up, groups sorted, every zoom path resolves`, () => {
      const d = parseGoDump(dumpFile(name));
      const s = dumpSummary(d, d.profile);
      expect(s.groups.reduce((a, g) => a + g.count, 0)).toBe(s.goroutineCount);
      expect(s.goroutineCount).toBe(d.goroutines.length);
      const counts = s.groups.map((g) => g.count);
      expect([...counts].sort((a, b) => b - a)).toEqual(counts);
      expect(structuredClone(s)).toEqual(s);
      const sum = summarize(d.profile, name, 0, 0);
      const index = new Map<string, number>();
      sum.nodeNames.forEach((n, i) => index.has(n) || index.set(n, i));
      const res = analyze(d.profile, { sampleType: 0, inverted: false, tagFocus: [], focusKey: null });
      for (const g of s.groups) {
        const z = resolveZoom(res.tree, index, g.zoomPath);
        expect(z.complete, g.zoomPath.join(' > ')).toBe(true);
        expect(res.tree.total[z.chain[z.chain.length - 1]!]).toBeGreaterThanOrEqual(g.count);
      }
    });
  }

  it('names the map goroutines of a concurrent map crash with their user caller', () => {
    const d = parseGoDump(dumpFile('concurrent-map-writes.system.txt'));
    const s = dumpSummary(d, d.profile);
    expect(s.fatalError).toBe('concurrent map writes');
    expect(s.mapCalls.length).toBeGreaterThan(0);
    expect(s.mapCalls[0]!.caller?.func).toMatch(/^main\./);
  });

  it('marks the leak groups of a SIGQUIT dump', () => {
    const d = parseGoDump(dumpFile('leak-sigquit.txt'));
    const s = dumpSummary(d, d.profile);
    expect(s.signal).toBe('SIGQUIT: quit');
    expect(s.groups.filter((g) => g.leak).map((g) => g.count)).toEqual([40, 30, 20, 10]);
    expect(s.groups.filter((g) => g.count === 1).every((g) => g.leak === null)).toBe(true);
  });
});

describe('leakSuspicion', () => {
  it('follows the documented thresholds', () => {
    expect(leakSuspicion({ 'chan receive': 10 }, 1).leak).toBe('suspected');
    expect(leakSuspicion({ 'chan receive': 10 }, null).leak).toBe('possible');
    expect(leakSuspicion({ 'chan receive': 9 }, 30).leak).toBeNull();
    expect(leakSuspicion({ select: 100 }, null).leak).toBe('suspected');
    expect(leakSuspicion({ runnable: 500 }, null).leak).toBeNull();
    expect(leakSuspicion({ running: 5, 'chan send': 9 }, 5).leak).toBeNull();
  });
});

describe('map snapshots in the worker', () => {
  it('sniffs snapshot JSON and nothing else', () => {
    expect(looksLikeMapSnapshot(snapFile('small-int-5.json'))).toBe(true);
    expect(looksLikeMapSnapshot(new TextEncoder().encode('  {"schema":"other"}'))).toBe(false);
    expect(looksLikeMapSnapshot(dumpFile('leak-sigquit.txt'))).toBe(false);
    expect(mapSourceSummary(new TextEncoder().encode('{"x":"stacklens.mapsnap/v1"}'))).toBeNull();
  });

  it('draws one cell per Swiss group, tables under the directory', () => {
    const snap = parseMapSnapshot(new TextDecoder().decode(snapFile('int-100k-mostly-deleted.json')));
    const rows = heatRows(snap);
    const groups = snap.swiss!.tables!.reduce((a, t) => a + t.groups.length, 0);
    expect(rows.length).toBe(snap.swiss!.tables!.length);
    expect(rows.reduce((a, r) => a + r.cells.length, 0)).toBe(groups);
    expect(rows[0]!.label).toMatch(/^table \d+ · local depth \d+/);
    const used = rows.reduce((a, r) => a + r.cells.reduce((b, c) => b + c.used, 0), 0);
    expect(used).toBe(snap.count);
    const c = rows[0]!.cells[0]!;
    expect(c.used + c.tombstones + c.empty).toBe(8);
    expect(cellTooltip(c)).toContain('of 8 slots');
  });

  it('simulates a script step by step', () => {
    const script = 'layout classic\ninsert 1..100\ninsert 101..2000\ndelete 1..1500';
    const last = simulateStep(script, 0);
    expect(last.error).toBeNull();
    expect(last.step).toBe(3);
    expect(last.stats!.count).toBe(500);
    const first = simulateStep(script, 1);
    expect(first.stats!.count).toBe(100);
    expect(heatRows(first.snapshot!)[0]!.cells.length).toBeLessThan(heatRows(last.snapshot!)[0]!.cells.length);
    expect(simulateStep('frobnicate', 1).error).toMatch(/line 1/);
  });
});

describe('URL fields of the goroutines and map views', () => {
  it('round-trips group, script and step', () => {
    const s = { ...DEFAULT_SETTINGS, view: 'map' as const, group: 3, sim: 'layout swiss\ninsert 1..10 # a&b=c;d', simStep: 2 };
    const h = encodeHash(s);
    expect(h).toContain('grp=3');
    expect(decodeHash(h)).toEqual(s);
    expect(decodeHash('view=goroutines&grp=x').group).toBeNull();
    expect(encodeHash(DEFAULT_SETTINGS)).toBe('view=flame');
  });
});

describe('map-function explanations: URL, default view, links, counters', () => {
  it('round-trips mapfn (names with ( * ) . / and hostile text) and keeps the explanation on reload', () => {
    for (const fn of ['internal/runtime/maps.(*table).split', 'runtime.mapassign_faststr', '<img src=x onerror=alert(1)>&q=1#x']) {
      const s = { ...DEFAULT_SETTINGS, view: 'map' as const, mapfn: fn };
      expect(decodeHash(encodeHash(s))).toEqual(s);
    }
    expect(encodeHash({ ...DEFAULT_SETTINGS, mapfn: null })).not.toContain('mapfn');
    const d = parseGoDump(dumpFile('concurrent-map-writes.system.txt'));
    const dumpSum = { ...summarize(d.profile, 'crash.txt', 0, 0), dump: dumpSummary(d, d.profile) };
    const explain = { ...DEFAULT_SETTINGS, view: 'map' as const, mapfn: 'runtime.mapassign_fast64' };
    // A link into the explanation opens it for a dump (whose own default is Goroutines)…
    expect(defaultView(dumpSum, explain, true)).toBe('map');
    expect(defaultView(dumpSum, explain, false)).toBe('goroutines');
  });

  it('keeps the Map view for a heap profile (hotspots), not for a CPU profile without a script or function', async () => {
    const heap = summarize((await decodeAny(new Uint8Array(readFileSync(path.join(root, 'testdata/pprof/mapgrowth.heap.pb.gz'))))).profile, 'h', 0, 0);
    const cpu = summarize((await decodeAny(new Uint8Array(readFileSync(path.join(root, 'public/examples/cpu.pb.gz'))))).profile, 'c', 0, 0);
    const mapView = { ...DEFAULT_SETTINGS, view: 'map' as const };
    expect(defaultView(heap, mapView, true)).toBe('map');
    expect(defaultView(cpu, mapView, true)).toBe('flame');
    expect(defaultView(cpu, { ...mapView, mapfn: 'runtime.hashGrow' }, true)).toBe('map');
  });

  it('a goroutine group links to its outermost map frame', () => {
    const d = parseGoDump(dumpFile('concurrent-map-writes.system.txt'));
    const s = dumpSummary(d, d.profile);
    const linked = s.groups.map(groupMapFunc).filter((f) => f !== null);
    expect(linked).toContain('runtime.mapassign_fast64');
    const leak = dumpSummary(parseGoDump(dumpFile('leak-sigquit.txt')), parseGoDump(dumpFile('leak-sigquit.txt')).profile);
    expect(leak.groups.map(groupMapFunc).every((f) => f === null)).toBe(true);
  });

  it('counter values come from the map shown, per layout', () => {
    const swiss = parseMapSnapshot(new TextDecoder().decode(snapFile('int-5000-deleted-third.json')));
    const st = mapStats(swiss);
    expect(counterValue('count', swiss, st)).toBe((3333).toLocaleString());
    expect(counterValue('tombstones', swiss, st)).toBe(st.swiss!.tombstones.value.toLocaleString());
    expect(counterValue('tables', swiss, st)).toMatch(/^\d+ tables, directory \d+, global depth \d+$/);
    expect(counterValue('B', swiss, st)).toBeNull();
    const classic = parseMapSnapshot(new TextDecoder().decode(snapFile('classic-int-53-growing.json')));
    const cs = mapStats(classic);
    expect(counterValue('B', classic, cs)).toBe('4 (16 buckets)');
    expect(counterValue('evacuation', classic, cs)).toMatch(/^\d of 8 evacuated$/);
    expect(counterValue('growthLeft', classic, cs)).toBeNull();
    expect(counterValue('count', null, null)).toBeNull();
  });

  it('hotspot paths show short names', () => {
    expect(shortFuncName('internal/runtime/maps.(*table).split')).toBe('(*table).split');
    expect(shortFuncName('maps.Clone[go.shape.map[int]int,go.shape.int,go.shape.int]')).toBe('maps.Clone[...]');
    expect(shortFuncName('runtime.mapassign_fast64')).toBe('runtime.mapassign_fast64');
  });
});
