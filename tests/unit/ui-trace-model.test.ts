// Pure helpers of the trace Timeline view (src/views/traceModel.ts) and the t= / g= URL state.
import { describe, expect, it } from 'vitest';
import { decodeHash, encodeHash } from '../../src/state/url.ts';
import { DEFAULT_SETTINGS } from '../../src/state/settings.ts';
import { axisTicks, clampView, displayGroups, fmtNs, groupStats, spanAt, timelineRows } from '../../src/views/traceModel.ts';

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
    expect(timelineRows(g, new Set()).length).toBe(9);
    const rows = timelineRows(g, new Set([2]));
    expect(rows.length).toBe(6);
    expect(rows[5]).toEqual({ kind: 'group', group: 2, name: 'c', count: 3, collapsed: true });
  });

  it('span lookup with tolerance', () => {
    const s = new Float64Array([0, 10, 30]);
    const e = new Float64Array([5, 20, 40]);
    expect(spanAt(s, e, 0, 3, 12, 0)).toBe(1);
    expect(spanAt(s, e, 0, 3, 25, 0)).toBe(-1);
    expect(spanAt(s, e, 0, 3, 28, 3)).toBe(2);
    expect(spanAt(s, e, 0, 3, 22, 3)).toBe(1);
  });

  it('group stats use nearest rank', () => {
    const rows = [1, 2, 3, 4].map((v, i) => ({ id: String(i), name: 'f', execNs: v, schedWaitNs: 0, blockNs: 0, syscallNs: 0, totalNs: 0 }));
    expect(groupStats(rows)).toEqual([{ name: 'f', count: 4, totalExecNs: 10, minExecNs: 1, medianExecNs: 2, p99ExecNs: 4, maxExecNs: 4 }]);
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
});
