// Timeline data of the trace view (src/analysis/trace/view.ts) on the repository's real trace:
// the table equals the CLI's goroutine summary, spans are well-formed and the running spans
// per goroutine add up to its execution time; the sample mask of query.ts honours the time
// range and the goroutine.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, traceMask } from '../../src/analysis/query.ts';
import { ST_RUNNING, spanStateOf, tableRows, traceViewData } from '../../src/analysis/trace/view.ts';
import { windowTable } from '../helpers/traceWindow';
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
