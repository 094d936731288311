// Pure logic of the Top table: row order (sort + filter), pprof-identical formatting
// (one output unit per table, `go tool pprof -top` columns) and the running sum%.

import type { TopTable } from '../analysis/top';
import { percentage, scaledLabel, selectOutputUnit } from '../analysis/units';

export type TopColumn = 'flat' | 'flatPct' | 'sumPct' | 'cum' | 'cumPct' | 'name';
export type SortDir = 'asc' | 'desc';

export interface TopSort {
  column: TopColumn;
  dir: SortDir;
}

/** pprof's own order (flat desc, cum desc, name) — the table's default. */
export const DEFAULT_SORT: TopSort = { column: 'flat', dir: 'desc' };

/** The direction a column sorts in when its header is first clicked. */
export function initialDir(column: TopColumn): SortDir {
  return column === 'name' ? 'asc' : 'desc';
}

export function nextSort(cur: TopSort, column: TopColumn): TopSort {
  if (column === 'sumPct') return DEFAULT_SORT;
  if (cur.column === column) return { column, dir: cur.dir === 'asc' ? 'desc' : 'asc' };
  return { column, dir: initialDir(column) };
}

/**
 * Row indices (into top.keys/flat/cum) in display order. Ties keep pprof's order.
 * sum% is not a sort key of its own: it follows the order (clicking it = default order).
 */
export function topOrder(top: TopTable, names: readonly string[], sort: TopSort, filter: string): Int32Array {
  const n = top.keys.length;
  const needle = filter.trim().toLowerCase();
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    if (needle === '' || (names[top.keys[i]] ?? '').toLowerCase().includes(needle)) rows.push(i);
  }
  const sign = sort.dir === 'asc' ? 1 : -1;
  const { flat, cum, keys } = top;
  switch (sort.column) {
    case 'flat':
    case 'flatPct':
      if (sort.dir === 'desc') break; // pprof's order already is flat desc
      rows.sort((a, b) => sign * (Math.abs(flat[a]) - Math.abs(flat[b])) || a - b);
      break;
    case 'cum':
    case 'cumPct':
      rows.sort((a, b) => sign * (Math.abs(cum[a]) - Math.abs(cum[b])) || a - b);
      break;
    case 'name':
      rows.sort((a, b) => {
        const x = names[keys[a]] ?? '';
        const y = names[keys[b]] ?? '';
        return sign * (x < y ? -1 : x > y ? 1 : 0) || a - b;
      });
      break;
    case 'sumPct':
      break;
  }
  return Int32Array.from(rows);
}

/** One output unit for the whole table (over ALL rows, as pprof does). */
export function tableUnit(top: TopTable, sampleUnit: string): string {
  return selectOutputUnit(top.flat, top.cum, top.total, sampleUnit);
}

export interface TopRowText {
  flat: string;
  flatPct: string;
  sumPct: string;
  cum: string;
  cumPct: string;
}

/** Running Σ flat in display order (sum% of row j = prefix[j] / total). */
export function runningSums(top: TopTable, order: Int32Array): Float64Array {
  const out = new Float64Array(order.length);
  let sum = 0;
  for (let j = 0; j < order.length; j++) {
    sum += top.flat[order[j]];
    out[j] = sum;
  }
  return out;
}

/** Cells of row i (an index into top.*), formatted exactly like `go tool pprof -top`. */
export function formatRow(top: TopTable, i: number, runningSum: number, sampleUnit: string, outUnit: string): TopRowText {
  return {
    flat: scaledLabel(top.flat[i], sampleUnit, outUnit),
    flatPct: percentage(top.flat[i], top.total),
    sumPct: percentage(runningSum, top.total),
    cum: scaledLabel(top.cum[i], sampleUnit, outUnit),
    cumPct: percentage(top.cum[i], top.total),
  };
}

/** Formatted cells of every row in `order` (tests, exports). */
export function formatRows(top: TopTable, order: Int32Array, sampleUnit: string, outUnit: string): TopRowText[] {
  const sums = runningSums(top, order);
  return Array.from(order, (i, j) => formatRow(top, i, sums[j], sampleUnit, outUnit));
}

/**
 * Rows to render for a virtualised list: always the first `head` rows (so tests and
 * "find in page" see the top of the table), plus the window around the viewport.
 */
export function visibleRange(count: number, scrollTop: number, viewport: number, rowHeight: number, head = 50, overscan = 20): { headEnd: number; start: number; end: number } {
  const headEnd = Math.min(count, head);
  const first = Math.floor(scrollTop / rowHeight) - overscan;
  const last = Math.ceil((scrollTop + viewport) / rowHeight) + overscan;
  const start = Math.max(headEnd, Math.min(count, first));
  const end = Math.max(start, Math.min(count, last));
  return { headEnd, start, end };
}
