// GOGC / GOMEMLIMIT as the runtime applies them, inferred from the trace: at the end of each
// GC cycle the runtime resets the live heap to what it marked and sets the next goal. With
// GOGC=g and no binding memory limit the goal is about live × (1 + g/100) (plus stacks and
// globals × g/100, and at least 4 MiB × g/100); a memory limit close to the live heap pins
// the goal near the live heap, and GC then runs nearly back to back.
import type { Rule } from '../types';
import { fmtBytes, median } from '../stats';
import { perSource } from './common';

export const heapGoal: Rule = {
  id: 'gc-goal-vs-live',
  title: 'GOGC / GOMEMLIMIT inferred: heap goal vs live heap after GC',
  dimension: 'configuration',
  needs: 'a Go execution trace with at least one completed GC cycle',
  thresholds: [
    { id: 'gc.goalRatioWarn', label: 'warn when goal / live heap after GC is below', default: 1.6, unit: '×', source: 'seed 001 §2.2, NextGC/HeapAlloc table: 2.00 at start-up, 1.60 after 10 min of high load' },
    { id: 'gc.goalRatioFail', label: 'fail when it is at or below', default: 1.31, unit: '×', source: 'seed 001 §2.2, same table: 1.31 at the fragmentation peak' },
  ],
  evaluate(evidence, thr) {
    return perSource(
      evidence,
      (e) => e.trace,
      (t) => {
        const cycles = t.heapAfterGc.filter((h) => h.liveBytes > 0);
        if (cycles.length === 0) return { status: 'cannot-evaluate', measured: '', values: {}, reason: 'no GC cycle ended while tracing', where: null };
        const ratios = cycles.map((h) => h.goalBytes / h.liveBytes);
        const r = median(ratios);
        let lowest = 0;
        ratios.forEach((x, i) => {
          if (x < ratios[lowest]) lowest = i;
        });
        const gogc = Math.max(0, Math.round((r - 1) * 100));
        const last = cycles[cycles.length - 1];
        const pinned = r < 1.05;
        const measured = `goal / live heap after GC: median ${r.toFixed(2)}× over ${cycles.length} cycle(s) (lowest ${ratios[lowest].toFixed(2)}×), last ${fmtBytes(last.goalBytes)} goal for ${fmtBytes(last.liveBytes)} live: behaves like GOGC≈${gogc}${pinned ? ' — the goal is pinned at the live heap, as a memory limit (GOMEMLIMIT) at the live heap does' : ''}`;
        const values = { medianRatio: r, lowestRatio: ratios[lowest], inferredGOGC: gogc, cycles: cycles.length, lastLiveBytes: last.liveBytes, lastGoalBytes: last.goalBytes };
        const c = cycles[lowest];
        const where = { view: 'timeline' as const, timeRange: [Math.max(0, Math.floor(c.t - 50e6)), Math.ceil(c.t + 50e6)] as [number, number] };
        if (r <= thr['gc.goalRatioFail'])
          return { status: 'fail', measured, values, reason: `median ${r.toFixed(2)}× ≤ ${thr['gc.goalRatioFail']}×: GC runs far more often than GOGC=100 would; a memory limit (GOMEMLIMIT) or a low GOGC leaves no headroom`, where };
        if (r < thr['gc.goalRatioWarn']) return { status: 'warn', measured, values, reason: `median ${r.toFixed(2)}× < ${thr['gc.goalRatioWarn']}×: the effective GOGC has drifted below 60`, where };
        return { status: 'pass', measured, values, reason: `median ${r.toFixed(2)}× ≥ ${thr['gc.goalRatioWarn']}×`, where };
      },
      'needs a Go execution trace (runtime/trace.Start, or /debug/pprof/trace?seconds=5)',
    );
  },
};
