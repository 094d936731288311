// Pure helpers of the trace Timeline view (src/views/traceModel.ts) and the t= / g= URL state.
import { describe, expect, it } from 'vitest';
import { decodeHash, encodeHash } from '../../src/state/url.ts';
import { DEFAULT_SETTINGS } from '../../src/state/settings.ts';
import { tableWindow } from '../../src/views/trace/GoroutineTable.tsx';
import { axisTicks, clampView, displayGroups, fmtNs, forEachSpanLod, gomaxprocsAt, gomaxprocsChanges, groupStats, intervalsAt, keyedView, spanAt, tableOrder, timelineRowAt, timelineRows } from '../../src/views/traceModel.ts';
import { f64SpanRow } from '../../src/analysis/trace/spans.ts';

describe('trace view model', () => {
  it('formats ns in real units', () => {
    expect(fmtNs(850)).toBe('850 ns');
    expect(fmtNs(12_345)).toBe('12.35 µs');
    expect(fmtNs(4_560_000)).toBe('4.56 ms');
    expect(fmtNs(801_806_145)).toBe('801.8 ms');
    expect(fmtNs(1_230_000_000)).toBe('1.23 s');
  });

  it('axis ticks use the unit of the tick step', () => {
    const t = axisTicks(0, 800e6, 0, 800, 8);
    expect(t.length).toBeGreaterThan(3);
    expect(t[1].label).toBe('0.1 s');
    const u = axisTicks(150e6, 160e6, 0, 1000, 5);
    expect(u[0].label).toMatch(/ ms$/);
    expect(u.every((k) => k.x >= 0 && k.x <= 1000)).toBe(true);
  });

  it('groups, rows and collapsing', () => {
    const g = displayGroups({ gNames: ['a', 'a', 'b', 'c', 'c', 'c'] });
    expect(g).toEqual([
      { name: 'a', first: 0, count: 2 },
      { name: 'b', first: 2, count: 1 },
      { name: 'c', first: 3, count: 3 },
    ]);
    expect(Array.from(timelineRows(g, new Set()))).toEqual([~0, 0, 1, ~1, 2, ~2, 3, 4, 5]);
    const collapsed = new Set([0, 2]);
    const rows = timelineRows(g, collapsed);
    expect(Array.from(rows)).toEqual([~0, ~1, 2, ~2]);
    expect([0, 1, 2, 3].map((r) => timelineRowAt(rows, g, collapsed, r))).toEqual([
      { kind: 'group', group: 0, name: 'a', count: 2, collapsed: true },
      { kind: 'group', group: 1, name: 'b', count: 1, collapsed: false },
      { kind: 'g', index: 2 },
      { kind: 'group', group: 2, name: 'c', count: 3, collapsed: true },
    ]);
    expect([-1, 4, NaN].map((r) => timelineRowAt(rows, g, collapsed, r))).toEqual([null, null, null]);
  });

  it('span lookup with tolerance', () => {
    const s = new Float64Array([0, 10, 30]);
    const e = new Float64Array([5, 20, 40]);
    expect(spanAt(f64SpanRow(s, e), 0, 3, 12, 0)).toBe(1);
    expect(spanAt(f64SpanRow(s, e), 0, 3, 25, 0)).toBe(-1);
    expect(spanAt(f64SpanRow(s, e), 0, 3, 28, 3)).toBe(2);
    expect(spanAt(f64SpanRow(s, e), 0, 3, 22, 3)).toBe(1);
  });

  it('group stats use nearest rank', () => {
    // Rows of goroutines 3, 0, 2, 1 (display order: names f, g, f, f).
    const t = { g: new Uint32Array([3, 0, 2, 1]), execNs: new Float64Array([4, 7, 1, 3]) };
    const names = ['g', 'f', 'f', 'f'];
    expect(groupStats(t, names)).toEqual([
      { name: 'f', count: 3, totalExecNs: 8, minExecNs: 1, medianExecNs: 3, p99ExecNs: 4, maxExecNs: 4 },
      { name: 'g', count: 1, totalExecNs: 7, minExecNs: 7, medianExecNs: 7, p99ExecNs: 7, maxExecNs: 7 },
    ]);
    expect(groupStats({ g: new Uint32Array(0), execNs: new Float64Array(0) }, names)).toEqual([]);
  });

  it('table order: a permutation per sort key, ties in table order', () => {
    const d = { gIds: ['10', '9', '100', '7'], gNames: ['b', 'a', 'b', 'a'] };
    const z = new Float64Array(4);
    const t = { g: new Uint32Array([0, 1, 2, 3]), execNs: new Float64Array([5, 5, 9, 0]), schedWaitNs: new Float64Array([1, 2, 3, 4]), blockNs: z, syscallNs: z, totalNs: z };
    const ids = (o: Uint32Array) => Array.from(o, (k) => d.gIds[t.g[k]]);
    expect(ids(tableOrder(t, d, 'id', null))).toEqual(['7', '9', '10', '100']);
    expect(ids(tableOrder(t, d, 'name', null))).toEqual(['9', '7', '10', '100']);
    expect(ids(tableOrder(t, d, 'execNs', null))).toEqual(['100', '10', '9', '7']);
    expect(ids(tableOrder(t, d, 'schedWaitNs', null))).toEqual(['7', '100', '9', '10']);
    expect(ids(tableOrder(t, d, 'blockNs', null))).toEqual(['10', '9', '100', '7']);
    expect(ids(tableOrder(t, d, 'match', new Uint8Array([0, 1, 0, 3])))).toEqual(['7', '9', '100', '10']);
    expect(ids(tableOrder(t, d, 'match', null))).toEqual(['100', '10', '9', '7']);
  });

  it('clamps the visible window', () => {
    expect(clampView(-10, 50, 100, 1)).toEqual([0, 60]);
    expect(clampView(80, 150, 100, 1)).toEqual([30, 100]);
    expect(clampView(-10, 500, 100)).toEqual([0, 100]);
  });

  it('t= and g= round-trip in the hash', () => {
    const s = { ...DEFAULT_SETTINGS, view: 'timeline' as const, goroutine: '11', timeRange: [80180623, 240541869] as [number, number] };
    const h = encodeHash(s);
    expect(h).toContain('t=80180623-240541869');
    expect(h).toContain('g=11');
    const d = decodeHash(h);
    expect(d.timeRange).toEqual([80180623, 240541869]);
    expect(d.goroutine).toBe('11');
    expect(d.view).toBe('timeline');
    expect(decodeHash('t=5-3').timeRange).toBeNull();
    expect(decodeHash('g=<b>').goroutine).toBeNull();
  });

  it('level of detail: wide spans as they are, one visit per pixel where spans are thinner', () => {
    // 1M alternating 10 ns spans (state 0 = 3 ns of each 10, state 1 = 7 ns) plus one wide span.
    const n = 1_000_001;
    const start = new Float64Array(n);
    const end = new Float64Array(n);
    const state = new Uint8Array(n);
    for (let k = 0; k < n - 1; k++) {
      start[k] = k * 10;
      end[k] = k * 10 + (k % 2 ? 7 : 3);
      state[k] = k % 2;
    }
    start[n - 1] = 1e7;
    end[n - 1] = 2e7;
    const visits: [number, number, number][] = [];
    forEachSpanLod(f64SpanRow(start, end), 0, n, 0, 2e7, 100, 1100, (k, xa, xb) => visits.push([k, xa, xb]));
    // 1000 px: the first 500 hold the 1M thin spans, the wide span covers the rest.
    expect(visits.length).toBeLessThanOrEqual(502);
    const wide = visits.filter(([k]) => k === n - 1);
    expect(wide).toHaveLength(1);
    expect(wide[0][1]).toBeCloseTo(600, 6);
    expect(wide[0][2]).toBeCloseTo(1100, 6);
    // Each pixel column at most once, left to right; the longer state wins (7 ns > 3 ns).
    const thin = visits.filter(([k]) => k !== n - 1);
    for (let i = 1; i < thin.length; i++) expect(thin[i][1]).toBeGreaterThan(thin[i - 1][1]);
    expect(thin.every(([k, xa, xb]) => state[k] === 1 && xb - xa === 1)).toBe(true);
    // Zoomed in, every span is visited exactly.
    const close: number[] = [];
    forEachSpanLod(f64SpanRow(start, end), 0, n, 1000, 1100, 0, 1000, (k) => close.push(k));
    expect(close).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
  });

  it('windowed table rows', () => {
    expect(tableWindow(12000, 0, 260, 21, 12)).toEqual([0, 25]);
    expect(tableWindow(12000, 21 * 5000, 260, 21, 12)).toEqual([4988, 5025]);
    expect(tableWindow(12000, 21 * 12000, 260, 21, 12)).toEqual([11988, 12000]);
    expect(tableWindow(5, 0, 260, 21, 12)).toEqual([0, 5]);
  });

  it('GOMAXPROCS changes and the value in effect', () => {
    const ch = gomaxprocsChanges(new Float64Array([0, 5, 10, 20, 30]), new Float64Array([2, 2, 4, 1, 1]));
    expect(ch).toEqual([
      { t: 0, v: 2 },
      { t: 10, v: 4 },
      { t: 20, v: 1 },
    ]);
    expect([gomaxprocsAt(ch, 3), gomaxprocsAt(ch, 10), gomaxprocsAt(ch, 25)]).toEqual([2, 4, 1]);
    expect(gomaxprocsAt([], 3)).toBeNaN();
  });

  it('nested intervals containing a time', () => {
    const s = new Float64Array([0, 2, 3, 10]);
    const e = new Float64Array([9, 5, 4, 12]);
    expect(intervalsAt(s, e, 0, 4, 3.5)).toEqual([0, 1, 2]);
    expect(intervalsAt(s, e, 0, 4, 9.5)).toEqual([]);
    expect(intervalsAt(s, e, 0, 4, 9.5, 0.6)).toEqual([0, 3]);
  });
});

describe('keyedView (the timelines share W/S/A/D/0)', () => {
  it('zooms around the middle, pans by 15%, resets, ignores other keys', () => {
    expect(keyedView('w', 100, 300, 1000)).toEqual([130, 270]);
    expect(keyedView('S', 100, 300, 1000)).toEqual([60, 340]);
    expect(keyedView('a', 100, 300, 1000)).toEqual([70, 270]);
    expect(keyedView('D', 100, 300, 1000)).toEqual([130, 330]);
    expect(keyedView('0', 100, 300, 1000)).toEqual([0, 1000]);
    expect(keyedView('x', 100, 300, 1000)).toBeNull();
  });
});
