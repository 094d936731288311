// Heap trend: the live heap after each GC (what the GC could not free) over time. The
// sawtooth between GCs is allocation, not growth; only the post-GC floor says whether
// memory is retained.
import type { Rule } from '../types';
import { fmtBytes, slope } from '../stats';
import { perSource } from './common';

export const heapGrowth: Rule = {
  id: 'heap-growth',
  title: 'Heap trend: live heap after GC',
  dimension: 'capacity',
  needs: 'a Go execution trace with several GC cycles',
  thresholds: [
    { id: 'heap.growthMBps', label: 'live heap may grow by at most', default: 0.8, unit: 'MB/s', source: 'seed 002 §4.2, OOM prediction parameters: growth-rate alert threshold δ = 0.8 MB/s' },
    { id: 'heap.minCycles', label: 'over at least', default: 3, unit: 'GC cycles', source: 'seed 002 §4.2: the alert needs 3 consecutive periods' },
  ],
  evaluate(evidence, thr) {
    return perSource(
      evidence,
      (e) => e.trace,
      (t) => {
        const c = t.heapAfterGc.filter((h) => h.liveBytes > 0);
        const need = Math.max(2, Math.round(thr['heap.minCycles']));
        if (c.length < need) return { status: 'cannot-evaluate', measured: '', values: {}, reason: `${c.length} GC cycle(s) ended while tracing; ${need} are needed for a trend`, where: null };
        const rate = slope(
          c.map((h) => h.t / 1e9),
          c.map((h) => h.liveBytes / 1e6),
        );
        const first = c[0];
        const last = c[c.length - 1];
        // Rising in each of the last minCycles cycles: a trend, not one noisy cycle.
        let rising = true;
        for (let i = c.length - need + 1; i < c.length; i++) if (c[i].liveBytes <= c[i - 1].liveBytes) rising = false;
        const measured = `live heap after GC ${fmtBytes(first.liveBytes)} → ${fmtBytes(last.liveBytes)} over ${c.length} cycles in ${((last.t - first.t) / 1e9).toFixed(2)} s: ${rate >= 0 ? '+' : ''}${rate.toFixed(2)} MB/s (least squares)${rising ? `, rising in each of the last ${need} cycles` : ''}`;
        const values = { mbPerSecond: rate, cycles: c.length, firstLiveBytes: first.liveBytes, lastLiveBytes: last.liveBytes };
        const where = { view: 'timeline' as const, timeRange: [Math.max(0, Math.floor(first.t)), Math.max(Math.ceil(last.t), Math.floor(first.t) + 1)] as [number, number] };
        if (rate > thr['heap.growthMBps'] && rising) return { status: 'fail', measured, values, reason: `+${rate.toFixed(2)} MB/s > ${thr['heap.growthMBps']} MB/s for ${need}+ cycles: memory is retained`, where };
        if (rate > thr['heap.growthMBps']) return { status: 'warn', measured, values, reason: `+${rate.toFixed(2)} MB/s > ${thr['heap.growthMBps']} MB/s, but not rising in each of the last ${need} cycles`, where };
        return { status: 'pass', measured, values, reason: `${rate.toFixed(2)} MB/s ≤ ${thr['heap.growthMBps']} MB/s`, where };
      },
      'needs a Go execution trace (runtime/trace.Start, or /debug/pprof/trace?seconds=5)',
    );
  },
};
