// CLI views of a Go execution trace (src/cli/trace.ts) on the repository's real trace.
// Expected counts were checked against `go tool trace -d=parsed testdata/gotrace/cpu.trace`
// (77 GC cycles: 77 "GC concurrent mark phase" begin/end pairs; 155 STW = 77 sweep
// termination + 77 mark termination + 1 start trace; 160 StackSample events).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { goroutineGroups, summarizeGoroutines, unknownNs } from '../../src/analysis/trace/goroutines.ts';
import { traceTimeline } from '../../src/analysis/trace/timeline.ts';
import { traceGenerations, traceGoroutineGroups, traceGoroutines, traceSummary } from '../../src/cli/trace.ts';
import { DecodeError } from '../../src/formats/errors.ts';

const bytes = new Uint8Array(readFileSync(path.join('testdata', 'gotrace', 'cpu.trace')));

describe('trace CLI views', () => {
  it('traceSummary: exact keys and counts', () => {
    const s = traceSummary(bytes);
    expect(s).toEqual({
      format: 'go-trace',
      version: '1.26',
      generations: 1,
      goroutinesCreated: 10,
      gcCycles: 77,
      stwPauses: 155,
      userTasks: 0,
      userRegions: 0,
      userLogs: 0,
      cpuSamples: 160,
      durationNs: 801806145,
    });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('traceGoroutines: one row per goroutine, id order, Go key names', () => {
    const rows = traceGoroutines(bytes);
    expect(rows.length).toBe(17);
    expect(rows.map((r) => Number(r.id))).toEqual([...rows.map((r) => Number(r.id))].sort((a, b) => a - b));
    const main = rows.find((r) => r.id === 1)!;
    expect(main).toMatchObject({
      startFunction: 'main.main',
      execNs: 349121,
      schedWaitNs: 110208,
      blockNs: { sleep: 800009920, sync: 952960, 'wait until GC ends': 383936 },
      syscallNs: 0,
    });
    for (const r of rows) expect(Object.keys(r).slice(0, 6)).toEqual(['id', 'startFunction', 'execNs', 'schedWaitNs', 'blockNs', 'syscallNs']);
  });

  it('groups by start function (count and exec distribution)', () => {
    const { goroutines } = summarizeGoroutines(traceGenerations(bytes).gens);
    const groups = goroutineGroups(goroutines);
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe(goroutines.length);
    for (let i = 1; i < groups.length; i++) expect(groups[i - 1].totalExecNs).toBeGreaterThanOrEqual(groups[i].totalExecNs);
    for (const g of groups) {
      expect(g.minExecNs).toBeLessThanOrEqual(g.medianExecNs);
      expect(g.medianExecNs).toBeLessThanOrEqual(g.p99ExecNs);
      expect(g.p99ExecNs).toBeLessThanOrEqual(g.maxExecNs);
    }
    for (const g of goroutines) expect(unknownNs(g)).toBeGreaterThanOrEqual(0);
    expect(traceGoroutineGroups(bytes)).toEqual(groups);
    expect(groups.find((g) => g.name === 'main.main')).toMatchObject({ count: 1, totalExecNs: 349121, medianExecNs: 349121 });
  });

  it('timeline: GC cycles, STW pauses, sweeps, metrics agree with the summary', () => {
    const tl = traceTimeline(traceGenerations(bytes).gens);
    const s = traceSummary(bytes);
    expect(tl.gc.filter((r) => r.startNs !== null && r.endNs !== null).length).toBe(s.gcCycles);
    expect(tl.stw.filter((r) => r.endNs !== null).length).toBe(s.stwPauses);
    expect(tl.stw.filter((r) => r.kind === 'GC sweep termination').length).toBe(77);
    expect(tl.stw.filter((r) => r.kind === 'start trace').length).toBe(1);
    expect(tl.sweeps.length).toBe(6957 + 4646); // RangeBegin "GC incremental sweep" on P0 / P1 (go tool trace -d=parsed)
    expect(tl.cpuSamples).toBe(s.cpuSamples);
    expect(tl.endNs - tl.startNs).toBe(s.durationNs);
    expect(tl.gomaxprocs.v[0]).toBe(2);
    expect(tl.heapAlloc.length).toBeGreaterThan(0);
    for (let i = 1; i < tl.heapAlloc.length; i++) expect(tl.heapAlloc.t[i]).toBeGreaterThan(tl.heapAlloc.t[i - 1]);
    for (const r of [...tl.gc, ...tl.stw, ...tl.markAssists, ...tl.sweeps]) {
      if (r.startNs !== null && r.endNs !== null) expect(r.endNs).toBeGreaterThan(r.startNs);
    }
  });

  it('window: the whole trace as a window gives every goroutine, a later window fewer ns', () => {
    const all = traceGoroutines(bytes);
    const s = traceSummary(bytes);
    const t0 = all.reduce((m, g) => Math.min(m, g.creationNs), Infinity);
    const whole = traceGoroutines(bytes, { window: { t0: 0, t1: Number.MAX_SAFE_INTEGER } });
    expect(whole.map((g) => g.id)).toEqual(all.map((g) => g.id));
    expect(whole.map((g) => g.execNs)).toEqual(all.map((g) => g.execNs));
    const half = traceGoroutines(bytes, { window: { t0: t0 + s.durationNs / 2, t1: t0 + s.durationNs } });
    for (const g of half) {
      expect(g.totalNs).toBeLessThanOrEqual(s.durationNs / 2 + 1);
      expect(g.execNs).toBeLessThanOrEqual(all.find((x) => x.id === g.id)!.execNs);
    }
  });

  it('a damaged tail keeps the complete part and reports a warning', () => {
    const cut = bytes.slice(0, Math.floor(bytes.length * 0.6));
    let s: ReturnType<typeof traceSummary> | undefined;
    try {
      s = traceSummary(cut);
    } catch (e) {
      // A single-generation trace cut in half may not order; it must fail as a DecodeError.
      expect(e).toBeInstanceOf(DecodeError);
      return;
    }
    expect(s.warning).toMatch(/truncated/);
    expect(s.generations).toBe(0); // the only generation is incomplete: nothing to summarise
  });

  it('rejects a non-trace', () => {
    expect(() => traceSummary(new TextEncoder().encode('not a trace at all, sorry'))).toThrow(DecodeError);
  });
});
