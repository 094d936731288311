// The checklist's evidence, checked against oracles: `go tool pprof -focus` for CPU shares,
// the trace analyses verified against Go's internal/trace (goroutine summaries, task times,
// timeline ranges, metrics) for the trace numbers, the MMU of mmu.ts for the window search,
// and the dump parser for dump facts. Also: evidence is small and survives JSON.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAny } from '../../src/formats';
import { parseGoDump } from '../../src/formats/godump';
import type { Generation } from '../../src/formats/gotrace/model';
import { summarizeGoroutines, isSystemGoroutine } from '../../src/analysis/trace/goroutines';
import { mmu, mutatorUtilization } from '../../src/analysis/trace/mmu';
import { traceTimeline } from '../../src/analysis/trace/timeline';
import { minUtil, traceEvidence } from '../../src/analysis/checklist/traceEvidence';
import { quantileSorted } from '../../src/analysis/checklist/stats';
import { describeGo, goToolPprofTop } from '../helpers/go';
import { LESSONS as L, abs, evidence } from './checklist-fixtures';

const TRACES = [L.healthy, L.gcPressure, L.stw, L.sched, L.leakTrace, L.mutexTrace, 'testdata/gotrace/cpu.trace'];

async function gens(rel: string): Promise<Generation[]> {
  const d = await decodeAny(new Uint8Array(readFileSync(abs(rel))));
  if (d.kind !== 'go-trace') throw new Error(`${rel}: not a trace`);
  return d.trace.partial ? [...d.trace.list, d.trace.partial] : d.trace.list;
}

const origin = (g: Generation[]) => Math.min(...g.map((x) => x.syncTimeNs));

describe('evidence is small, JSON-able data', () => {
  const files = [...Object.values(L), 'public/examples/cpu.pb.gz', 'public/examples/heap.pb.gz', 'public/examples/block.pb.gz', 'testdata/godump/concurrent-map-writes.txt', 'testdata/perf/multi-event.perf.txt', 'testdata/mapsnap/int-100k-mostly-deleted.json'];
  for (const f of files) {
    it(`${f}: survives JSON and structured clone unchanged, under 32 KB`, async () => {
      const ev = await evidence(f);
      const json = JSON.stringify(ev);
      expect(JSON.parse(json)).toEqual(ev);
      expect(structuredClone(ev)).toEqual(ev);
      expect(json.length).toBeLessThan(32_000);
      expect(ev.what).not.toBe('');
    });
  }
});

describe('trace evidence vs the Go-verified trace analyses', () => {
  for (const f of TRACES) {
    it(`${f}: pauses, GC cycles, heap goal vs live, GOMAXPROCS`, async () => {
      const g = await gens(f);
      const o = origin(g);
      const t = (await evidence(f)).trace!;
      const tl = traceTimeline(g);
      const closed = tl.stw.filter((s) => s.startNs !== null && s.endNs !== null);
      const gcPauses = closed.filter((s) => s.kind.includes('GC')).map((s) => s.endNs! - s.startNs!);
      expect(t.stw.gc.count).toBe(gcPauses.length);
      expect(t.stw.other.count).toBe(closed.length - gcPauses.length);
      if (gcPauses.length > 0) {
        expect(t.stw.gc.maxNs).toBe(Math.max(...gcPauses));
        expect(t.stw.gc.totalNs).toBe(gcPauses.reduce((a, b) => a + b, 0));
      }
      expect(t.gcCycles).toBe(tl.gc.length);
      expect(t.gomaxprocs.values).toEqual([...new Set(Array.from(tl.gomaxprocs.v.subarray(0, tl.gomaxprocs.length)))]);
      // Each post-GC sample: the heap live value the runtime set at the cycle's end and the goal it set next.
      for (const h of t.heapAfterGc) {
        const at = h.t + o;
        const gi = Array.from(tl.heapGoal.t.subarray(0, tl.heapGoal.length)).indexOf(at);
        expect(gi, `goal at ${at}`).toBeGreaterThanOrEqual(0);
        expect(tl.heapGoal.v[gi]).toBe(h.goalBytes);
        let live = NaN;
        for (let i = 0; i < tl.heapAlloc.length && tl.heapAlloc.t[i] <= at; i++) live = tl.heapAlloc.v[i];
        expect(h.liveBytes).toBe(live);
      }
    });

    it(`${f}: scheduler waits and goroutine counts agree with Go's goroutine summary`, async () => {
      const g = await gens(f);
      const o = origin(g);
      const t = (await evidence(f)).trace!;
      const s = summarizeGoroutines(g);
      const apps = s.goroutines.filter((x) => !isSystemGoroutine(x.name));
      // A group whose goroutines all ended: every wait of theirs is a completed runnable → running.
      for (const grp of t.schedWait.groups) {
        const members = apps.filter((x) => x.name === grp.name);
        expect(grp.goroutines).toBe(members.length);
        if (members.every((x) => x.endNs !== 0)) expect(grp.totalNs, grp.name).toBe(members.reduce((a, x) => a + x.schedWaitNs, 0));
      }
      expect(t.assist.appExecNs).toBe(apps.reduce((a, x) => a + x.execNs, 0));
      expect(t.goroutines.created).toBe(apps.filter((x) => x.creationNs > o).length);
      expect(t.goroutines.ended).toBe(apps.filter((x) => x.endNs !== 0).length);
    });

    it(`${f}: request latency is the task durations of Go's task summary`, async () => {
      const g = await gens(f);
      const t = (await evidence(f)).trace!;
      const tasks = summarizeGoroutines(g).tasks.filter((x) => x.startNs !== 0 && x.endNs !== 0);
      if (t.latency.source === 'sched-wait') {
        expect(tasks).toHaveLength(0);
        return;
      }
      const d = Float64Array.from(tasks.filter((x) => x.name === t.latency.taskName).map((x) => x.endNs - x.startNs)).sort();
      expect(t.latency.stats.samples).toBe(d.length);
      expect(t.latency.stats.p50Ns).toBe(quantileSorted(d, 0.5));
      expect(t.latency.stats.p99Ns).toBe(quantileSorted(d, 0.99));
      expect(t.latency.stats.maxNs).toBe(d[d.length - 1]);
      for (const w of t.latency.windows) expect(w.counts.reduce((a, b) => a + b, 0)).toBe(d.length);
    });

    it(`${f}: the MMU window search gives mmu.ts's exact MMU on Go's utilization function`, async () => {
      const series = mutatorUtilization(await gens(f));
      for (const w of [1e6, 10e6, 50e6, 200e6]) {
        expect(minUtil(series[0], w).mmu, `window ${w}`).toBeCloseTo(mmu(series, w), 9);
      }
    });
  }

  it('GC CPU parts add up, and the STW part is the GC pauses × GOMAXPROCS', async () => {
    for (const f of [L.gcPressure, L.stw, L.healthy]) {
      const t = (await evidence(f)).trace!;
      const c = t.gcCpu;
      expect(c.share).toBeCloseTo(c.backgroundShare + c.assistShare + c.stwShare, 3);
      expect(t.gomaxprocs.changes).toHaveLength(0);
      const procs = t.gomaxprocs.values[0];
      // Capacity runs from the first GOMAXPROCS metric (the trace start) to the last event.
      expect(c.stwShare).toBeCloseTo(t.stw.gc.totalNs / t.durationNs, 2);
      expect(procs).toBeGreaterThan(0);
    }
  });

  it('lock waits are the Mutex waits of the requests, with the blocked stack', async () => {
    const t = (await evidence(L.mutexTrace)).trace!;
    expect(t.lockWait.samples).toBeGreaterThan(10);
    expect(t.lockWait.worst!.stack.some((f) => /sync\.\(\*Mutex\)\.Lock/.test(f))).toBe(true);
    expect(t.lockWait.worst!.stack).toContain('main.(*sessionTable).touch');
    // The snapshot holds the lock ~8 ms: no wait is much longer than a few holds.
    expect(t.lockWait.maxNs!).toBeLessThan(200e6);
    expect((await evidence(L.healthy)).trace!.lockWait.samples).toBe(0);
  });

  it('recomputes the same evidence from the same generations (deterministic)', async () => {
    const g = await gens(L.sched);
    expect(traceEvidence(g)).toEqual(traceEvidence(g));
  });
});

// The GC / allocation classes of the CPU evidence, as `go tool pprof -focus` counts them.
const GC_FOCUS = '^(runtime\\.(gc[A-Z]\\w*|scan[A-Za-z]\\w*|markroot\\w*|greyobject|tryDeferToSpanScan|bgsweep|sweepone|bgscavenge|wbBufFlush\\w*)|gcWriteBarrier\\w*)$';
const MARK_FOCUS = '^runtime\\.(scanobject|scanSpan|scanObject\\w*)$';

function focusedNs(file: string, focus: string, ignore?: string): number {
  const flags = ['-unit=ns', `-focus=${focus}`];
  if (ignore) flags.push(`-ignore=${ignore}`);
  const out = goToolPprofTop(abs(file), undefined, { extraFlags: flags });
  const m = /Showing nodes accounting for (\d+)(?:ns)?, [\d.]+% of (\d+)ns total/.exec(out);
  if (!m) {
    if (/no samples|no nodes/i.test(out)) return 0;
    throw new Error(`unexpected go tool pprof output: ${out.slice(0, 400)}`);
  }
  return Number(m[1]);
}

describeGo('CPU evidence vs go tool pprof -focus', () => {
  for (const f of [L.gcPressureCpu, 'public/examples/cpu.pb.gz']) {
    it(`${f}: GC, marking and allocation shares`, async () => {
      const c = (await evidence(f)).cpu!;
      const share = (id: string) => c.classes.find((x) => x.id === id)!.share;
      expect(c.total).toBeGreaterThan(0);
      expect(share('gc')).toBeCloseTo(focusedNs(f, GC_FOCUS) / c.total, 4);
      expect(share('scanobject')).toBeCloseTo(focusedNs(f, MARK_FOCUS) / c.total, 4);
      expect(share('malloc')).toBeCloseTo(focusedNs(f, '^runtime\\.mallocgc\\w*$', GC_FOCUS) / c.total, 4);
      expect(share('memory')).toBeCloseTo(share('gc') + share('malloc'), 4);
    });
  }
});

describe('dump evidence vs the dump parser', () => {
  it('concurrent map crash: the goroutines the parser found inside map functions', async () => {
    const f = 'testdata/godump/concurrent-map-writes.system.txt';
    const d = parseGoDump(readFileSync(abs(f), 'utf8'));
    const e = (await evidence(f)).dump!;
    expect(e.concurrentMap?.message).toBe('concurrent map writes');
    expect(e.concurrentMap?.goroutines).toEqual(d.mapGoroutines);
    expect(e.allGoroutines).toBe(true);
  });
  it('leak dump: the biggest group is the leaked audit loggers, blocked ≥ 1 minute', async () => {
    const e = (await evidence(L.leakDump)).dump!;
    const top = [...e.groups].sort((a, b) => b.blocked - a.blocked)[0];
    expect(top.caller).toBe('main.auditLogger');
    expect(top.state).toMatch(/^chan send/);
    expect(top.maxWaitMinutes).toBeGreaterThanOrEqual(1);
    expect(top.leak).toBe('suspected');
    const d = parseGoDump(readFileSync(abs(L.leakDump), 'utf8'));
    expect(top.count).toBe(d.goroutines.filter((g) => g.frames.some((fr) => fr.func === 'main.auditLogger')).length);
  });
});
