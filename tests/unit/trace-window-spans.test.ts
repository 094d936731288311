// The trace view's range table computed from the spans (src/views/traceModel.ts
// spanWindowTable) equals Go's summarizer run over the same window (goroutines.ts with
// `window`, which tests/unit/trace-goroutines.test.ts checks against an independent
// reference): every goroutine, exact ns, on every committed trace and several windows.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ST_SYSCALL_BLOCKED, spanStateOf, traceViewData } from '../../src/analysis/trace/view.ts';
import { tableRows, windowTable, type GoroutineRow } from '../helpers/traceWindow';
import { traceGenerations } from '../../src/cli/trace.ts';
import { spanWindowTable } from '../../src/views/traceModel.ts';

const byId = (rows: GoroutineRow[]) => new Map(rows.map((r) => [r.id, [r.execNs, r.schedWaitNs, r.blockNs, r.syscallNs, r.totalNs]]));

describe('range table from spans = Go summarizer over the window', () => {
  for (const name of ['cpu', 'short', 'chan', 'mutex', 'syscall', 'gc', 'user', 'coro']) {
    it(name, () => {
      const { gens } = traceGenerations(new Uint8Array(readFileSync(path.join('testdata', 'gotrace', `${name}.trace`))));
      const d = traceViewData(gens);
      const E = d.endNs;
      const windows: [number, number][] = [
        [0, E + 1],
        [0, E / 3],
        [E / 3, (2 * E) / 3],
        [(2 * E) / 3, E],
        [E * 0.41, E * 0.4101],
        [E * 0.1, E * 0.9],
      ].map(([a, b]) => [Math.round(a), Math.round(b)]);
      for (const [t0, t1] of windows) {
        const want = byId(windowTable(gens, d.originNs, t0, t1));
        const table = spanWindowTable(d, t0, t1);
        // Columns of one length, rows in display order (each goroutine at most once).
        for (const c of [table.execNs, table.schedWaitNs, table.blockNs, table.syscallNs, table.totalNs]) expect(c.length).toBe(table.g.length);
        for (let k = 1; k < table.g.length; k++) expect(table.g[k]).toBeGreaterThan(table.g[k - 1]);
        const got = byId(tableRows({ table, gIds: d.gIds, gNames: d.gNames }));
        // Goroutines present for 0 ns in the window are the summarizer's alone (it keeps
        // everything alive at t1); all others match exactly.
        for (const [id, w] of want) if (w[4] === 0) want.delete(id);
        expect(got, `${name} [${t0}, ${t1})`).toEqual(want);
      }
    });
  }

  it('syscalls whose P was retaken become syscall-blocked spans (syscall.trace: blocking pipe reads)', () => {
    const { gens } = traceGenerations(new Uint8Array(readFileSync(path.join('testdata', 'gotrace', 'syscall.trace'))));
    const d = traceViewData(gens);
    const readers = new Set<string>();
    for (let i = 0; i < d.gIds.length; i++) {
      for (let k = d.gOffsets[i]; k < d.gOffsets[i + 1]; k++) if (spanStateOf(d.spanKind[k]) === ST_SYSCALL_BLOCKED) readers.add(d.gNames[i]);
    }
    expect(readers.has('main.pipeReader')).toBe(true);
  });
});
