// Timeline data of the trace view (src/analysis/trace/view.ts) on the repository's real trace:
// the table equals the CLI's goroutine summary, spans are well-formed and the running spans
// per goroutine add up to its execution time; the sample mask of query.ts honours the time
// range and the goroutine; the view's column builders (timeline rows, table order, group
// stats) equal the object-based ones they replaced, on every committed trace.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, traceMask } from '../../src/analysis/query.ts';
import { ST_RUNNING, spanStateOf, traceViewData, type GoroutineTableColumns, type TraceViewData } from '../../src/analysis/trace/view.ts';
import { tableRows, windowTable, type GoroutineRow } from '../helpers/traceWindow';
import { displayGroups, functionHighlight, groupStats, spanWindowTable, tableOrder, timelineRowAt, timelineRows, type GroupSpan, type GroupStats, type TableSortKey, type TimelineRow } from '../../src/views/traceModel.ts';
import { spanTimesF64 } from '../../src/analysis/trace/spans.ts';
import { traceGenerations, traceGoroutines } from '../../src/cli/trace.ts';
import { decodeAny } from '../../src/formats/index.ts';

const bytes = new Uint8Array(readFileSync(path.join('testdata', 'gotrace', 'cpu.trace')));

describe('trace view data', () => {
  const { gens } = traceGenerations(bytes);
  const d = traceViewData(gens);

  it('table equals the CLI goroutine summary', () => {
    const cli = traceGoroutines(bytes);
    expect(tableRows(d).map((r) => [r.id, r.execNs, r.schedWaitNs])).toEqual(cli.map((g) => [String(g.id), g.execNs, g.schedWaitNs]));
    expect(d.gIds.length).toBeGreaterThanOrEqual(cli.length);
  });

  it('spans are ordered and running time matches exec time', () => {
    const { start: spanStart, end: spanEnd } = spanTimesF64(d.spanTimes, d.spanKind.length);
    for (let i = 0; i < d.gIds.length; i++) {
      let run = 0;
      for (let k = d.gOffsets[i]; k < d.gOffsets[i + 1]; k++) {
        expect(spanEnd[k]).toBeGreaterThan(spanStart[k]);
        if (k > d.gOffsets[i]) expect(spanStart[k]).toBeGreaterThanOrEqual(spanEnd[k - 1]);
        if (spanStateOf(d.spanKind[k]) === ST_RUNNING) run += spanEnd[k] - spanStart[k];
      }
      const row = tableRows(d).find((r) => r.id === d.gIds[i]);
      if (row && row.execNs > 0) expect(Math.abs(run - row.execNs) / row.execNs).toBeLessThan(0.01);
    }
    expect(d.pIds.length).toBeGreaterThan(0);
    expect(d.pOffsets[d.pIds.length]).toBeGreaterThan(0);
    expect(d.gc.length).toBe(2 * 77);
    expect(d.heapT.length).toBeGreaterThan(0);
  });

  it('window table over the whole trace has every goroutine', () => {
    const w = windowTable(gens, d.originNs, 0, d.endNs + 1);
    expect(w.length).toBeGreaterThan(0);
    const half = windowTable(gens, d.originNs, 0, d.endNs / 2);
    const total = (rs: { execNs: number }[]) => rs.reduce((a, r) => a + r.execNs, 0);
    expect(total(half)).toBeLessThan(total(w));
  });

  it('sample masks: time range and goroutine', async () => {
    const dec = await decodeAny(bytes);
    const p = dec.profile;
    const q = { sampleType: 0, inverted: false, tagFocus: [], focusKey: null };
    const all = analyze(p, q).keptSamples;
    const half = analyze(p, { ...q, timeRange: [0, d.endNs / 2] }).keptSamples;
    expect(half).toBeGreaterThan(0);
    expect(half).toBeLessThan(all);
    const m = traceMask(p, { ...q, goroutine: '1' }, null)!;
    const one = m.reduce((a, b) => a + b, 0);
    expect(one).toBeLessThan(all);
  });
});

// The object-based builders the columns replaced (the views kept one object per goroutine
// row), as they were: the reference semantics.
function timelineRowObjects(groups: readonly GroupSpan[], collapsed: ReadonlySet<number>): TimelineRow[] {
  const rows: TimelineRow[] = [];
  groups.forEach((g, gi) => {
    const c = collapsed.has(gi);
    rows.push({ kind: 'group', group: gi, name: g.name, count: g.count, collapsed: c });
    if (!c) for (let i = 0; i < g.count; i++) rows.push({ kind: 'g', index: g.first + i });
  });
  return rows;
}

function sortedRowObjects(rows: GoroutineRow[], sort: TableSortKey, matches: Map<string, number> | null): GoroutineRow[] {
  const a = rows.slice();
  if (sort === 'id') a.sort((x, y) => x.id.length - y.id.length || (x.id < y.id ? -1 : 1));
  else if (sort === 'name') a.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  else if (sort === 'match') a.sort((x, y) => (matches?.get(y.id) ?? 0) - (matches?.get(x.id) ?? 0) || y.execNs - x.execNs);
  else a.sort((x, y) => y[sort] - x[sort]);
  return a;
}

function groupStatsOfObjects(rows: readonly GoroutineRow[]): GroupStats[] {
  const by = new Map<string, number[]>();
  for (const r of rows) {
    let a = by.get(r.name);
    if (!a) by.set(r.name, (a = []));
    a.push(r.execNs);
  }
  const q = (s: number[], p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  const out: GroupStats[] = [];
  for (const [name, a] of by) {
    a.sort((x, y) => x - y);
    out.push({ name, count: a.length, totalExecNs: a.reduce((x, y) => x + y, 0), minExecNs: a[0], medianExecNs: q(a, 0.5), p99ExecNs: q(a, 0.99), maxExecNs: a[a.length - 1] });
  }
  out.sort((x, y) => y.totalExecNs - x.totalExecNs || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return out;
}

const SORT_KEYS: TableSortKey[] = ['id', 'name', 'execNs', 'schedWaitNs', 'blockNs', 'syscallNs', 'totalNs', 'match'];

/** A function of the trace's CPU samples that some goroutines run and others do not. */
function sampledFunction(d: TraceViewData): string | null {
  for (let k = 0; k < d.sampleStack.length; k++) {
    const s = d.sampleStack[k];
    for (let j = d.stackOffsets[s]; j < d.stackOffsets[s + 1]; j++) {
      const h = functionHighlight(d, d.frameFunc[d.stackFrames[j]]);
      if (h && h.count > 1 && h.count < d.gIds.length) return d.frameFunc[d.stackFrames[j]];
    }
  }
  return null;
}

describe('view columns = the row objects they replaced (every committed trace)', () => {
  for (const name of ['cpu', 'short', 'chan', 'mutex', 'syscall', 'gc', 'user', 'coro']) {
    it(name, () => {
      const { gens } = traceGenerations(new Uint8Array(readFileSync(path.join('testdata', 'gotrace', `${name}.trace`))));
      const d = traceViewData(gens);
      // Timeline rows, with no group, every other group and every group collapsed.
      const groups = displayGroups(d);
      expect(groups.length).toBeGreaterThan(0);
      for (const collapsed of [new Set<number>(), new Set(groups.map((_, gi) => gi).filter((gi) => gi % 2 === 1)), new Set(groups.map((_, gi) => gi))]) {
        const rows = timelineRows(groups, collapsed);
        const want = timelineRowObjects(groups, collapsed);
        expect(rows.length).toBe(want.length);
        expect(Array.from(rows, (_, r) => timelineRowAt(rows, groups, collapsed, r))).toEqual(want);
      }
      // Table order for every sort key and group stats, over the whole trace and two windows.
      const fnName = sampledFunction(d);
      const highlight = fnName !== null ? functionHighlight(d, fnName) : null;
      if (name === 'cpu') expect(highlight).not.toBeNull();
      // Synthetic matches too: every value 0-3 on a goroutine-dependent pattern.
      const synthetic = Uint8Array.from(d.gIds, (_, i) => (i * 7) % 4);
      const E = d.endNs;
      const tables: GoroutineTableColumns[] = [d.table, spanWindowTable(d, 0, E + 1), spanWindowTable(d, Math.round(E * 0.3), Math.round(E * 0.6))];
      for (const table of tables) {
        const objects = tableRows({ table, gIds: d.gIds, gNames: d.gNames });
        const ids = (order: Uint32Array) => Array.from(order, (k) => d.gIds[table.g[k]]);
        for (const match of [highlight?.rows ?? null, synthetic]) {
          const matchMap = match && new Map(Array.from(match, (v, i) => [d.gIds[i], v] as const).filter(([, v]) => v));
          for (const key of SORT_KEYS) {
            const order = tableOrder(table, d, key, match);
            expect(ids(order), `${name} ${key}`).toEqual(sortedRowObjects(objects, key, matchMap).map((r) => r.id));
          }
        }
        expect(groupStats(table, d.gNames)).toEqual(groupStatsOfObjects(objects));
      }
    });
  }
});
