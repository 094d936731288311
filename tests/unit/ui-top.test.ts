// Top table logic: ordering, pprof-identical formatting, running sum%, virtualisation.
import { describe, expect, it } from 'vitest';
import type { TopTable } from '../../src/analysis/top';
import { DEFAULT_SORT, formatRows, nextSort, runningSums, tableUnit, topOrder, visibleRange } from '../../src/views/topModel';
import { shortcutFor, SHORTCUTS } from '../../src/views/shortcuts';

// Rows of the large.cpu oracle (`go tool pprof -top`), values in nanoseconds.
const names = ['time.Now', 'time.now', 'main.next', 'main.main', 'runtime.main'];
const top: TopTable = {
  total: 240.29e9,
  keys: Int32Array.from([0, 1, 2, 3, 4]),
  flat: Float64Array.from([205.17e9, 22.91e9, 8.81e9, 0.04e9, 0]),
  cum: Float64Array.from([205.17e9, 22.91e9, 217.07e9, 217.16e9, 217.16e9]),
};

describe('formatting', () => {
  it('matches go tool pprof -top', () => {
    const unit = tableUnit(top, 'nanoseconds');
    expect(unit).toBe('s');
    const rows = formatRows(top, topOrder(top, names, DEFAULT_SORT, ''), 'nanoseconds', unit);
    const text = rows.map((r, i) => `${r.flat.padStart(10)} ${r.flatPct} ${r.sumPct} ${r.cum.padStart(10)} ${r.cumPct}  ${names[i]}`);
    expect(text).toEqual([
      '   205.17s 85.38% 85.38%    205.17s 85.38%  time.Now',
      '    22.91s  9.53% 94.92%     22.91s  9.53%  time.now',
      '     8.81s  3.67% 98.59%    217.07s 90.34%  main.next',
      '     0.04s 0.017% 98.60%    217.16s 90.37%  main.main',
      '         0     0% 98.60%    217.16s 90.37%  runtime.main',
    ]);
  });
});

describe('ordering', () => {
  it('defaults to pprof order and sorts by other columns, ties stable', () => {
    expect(Array.from(topOrder(top, names, DEFAULT_SORT, ''))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(topOrder(top, names, { column: 'cum', dir: 'desc' }, ''))).toEqual([3, 4, 2, 0, 1]);
    expect(Array.from(topOrder(top, names, { column: 'cum', dir: 'asc' }, ''))).toEqual([1, 0, 2, 3, 4]);
    expect(Array.from(topOrder(top, names, { column: 'flat', dir: 'asc' }, ''))).toEqual([4, 3, 2, 1, 0]);
    expect(Array.from(topOrder(top, names, { column: 'name', dir: 'asc' }, ''))).toEqual([3, 2, 4, 0, 1]); // bytewise: main.main < main.next
    expect(Array.from(topOrder(top, names, { column: 'name', dir: 'desc' }, ''))).toEqual([1, 0, 4, 2, 3]);
  });

  it('filters by case-insensitive substring', () => {
    expect(Array.from(topOrder(top, names, DEFAULT_SORT, 'MAIN'))).toEqual([2, 3, 4]);
    expect(Array.from(topOrder(top, names, DEFAULT_SORT, 'nothing'))).toEqual([]);
  });

  it('sum% follows the displayed order', () => {
    const order = topOrder(top, names, { column: 'cum', dir: 'desc' }, '');
    const sums = runningSums(top, order);
    expect(Array.from(sums)).toEqual([0.04e9, 0.04e9, 0.04e9 + 8.81e9, 0.04e9 + 8.81e9 + 205.17e9, 0.04e9 + 8.81e9 + 205.17e9 + 22.91e9]);
  });

  it('header clicks toggle direction; sum% restores the default', () => {
    expect(nextSort(DEFAULT_SORT, 'flat')).toEqual({ column: 'flat', dir: 'asc' });
    expect(nextSort(DEFAULT_SORT, 'cum')).toEqual({ column: 'cum', dir: 'desc' });
    expect(nextSort(DEFAULT_SORT, 'name')).toEqual({ column: 'name', dir: 'asc' });
    expect(nextSort({ column: 'name', dir: 'asc' }, 'sumPct')).toEqual(DEFAULT_SORT);
  });
});

describe('visibleRange', () => {
  it('always includes the first 50 rows', () => {
    expect(visibleRange(20000, 0, 600, 22)).toEqual({ headEnd: 50, start: 50, end: 50 });
    const r = visibleRange(20000, 22 * 10000, 660, 22);
    expect(r.headEnd).toBe(50);
    expect(r.start).toBeLessThanOrEqual(10000);
    expect(r.end).toBeGreaterThanOrEqual(10030);
    expect(r.end - r.start).toBeLessThan(100);
    expect(visibleRange(10, 0, 600, 22)).toEqual({ headEnd: 10, start: 10, end: 10 });
    const tail = visibleRange(100, 22 * 1000, 600, 22);
    expect(tail.end).toBe(100);
    expect(tail.start).toBeLessThanOrEqual(tail.end);
  });
});

describe('shortcuts', () => {
  it('maps keys to actions and ignores modified keys', () => {
    expect(shortcutFor({ key: '/', ctrlKey: false, metaKey: false, altKey: false })).toBe('search');
    expect(shortcutFor({ key: '?', ctrlKey: false, metaKey: false, altKey: false })).toBe('help');
    expect(shortcutFor({ key: 'f', ctrlKey: true, metaKey: false, altKey: false })).toBeNull();
    expect(shortcutFor({ key: 'x', ctrlKey: false, metaKey: false, altKey: false })).toBeNull();
    expect(new Set(SHORTCUTS.map((s) => s.key)).size).toBe(SHORTCUTS.length);
  });
});
