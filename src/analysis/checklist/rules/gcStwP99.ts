import type { Rule } from '../types';
import { fmtNs } from '../stats';
import { perSource } from './common';

export const gcStwP99: Rule = {
  id: 'gc-stw-p99',
  title: 'GC stop-the-world pauses: P99 ≤ 10 ms',
  dimension: 'call-chain',
  needs: 'a Go execution trace with at least one GC cycle',
  thresholds: [
    { id: 'gc.stwP99Ms', label: 'P99 of GC stop-the-world pauses at most', default: 10, unit: 'ms', source: 'seed 002, chapter 1, stability baseline table: "GC停顿 P99 ≤ 10ms"' },
    {
      id: 'gc.stwMaxMs',
      label: 'warn when the single longest GC pause exceeds',
      default: 20,
      unit: 'ms',
      source: 'seed 003 §3.2, blocking attribution: "GC暂停 … 持续 > 20ms 触发告警"',
    },
  ],
  evaluate(evidence, thr) {
    const p99Max = thr['gc.stwP99Ms'] * 1e6;
    const maxMax = thr['gc.stwMaxMs'] * 1e6;
    return perSource(
      evidence,
      (e) => e.trace,
      (t) => {
        const s = t.stw.gc;
        if (s.count === 0 || s.p99Ns === null || s.maxNs === null)
          return { status: 'cannot-evaluate', measured: '', values: {}, reason: 'the trace holds no GC stop-the-world pause (no GC cycle while tracing)', where: null };
        const measured = `${s.count} GC pauses: p50 ${fmtNs(s.p50Ns ?? NaN)}, p99 ${fmtNs(s.p99Ns)}, max ${fmtNs(s.maxNs)}${s.worst ? ` (${s.worst.kind} at ${fmtNs(s.worst.t0)})` : ''}${s.count < 100 ? '; under 100 pauses the p99 is the maximum' : ''}`;
        const values = { pauses: s.count, p50Ms: (s.p50Ns ?? 0) / 1e6, p99Ms: s.p99Ns / 1e6, maxMs: s.maxNs / 1e6 };
        const where = s.worst?.where ?? t.where;
        if (s.p99Ns > p99Max) return { status: 'fail', measured, values, reason: `P99 pause ${fmtNs(s.p99Ns)} > ${thr['gc.stwP99Ms']} ms`, where };
        if (s.maxNs > maxMax) return { status: 'warn', measured, values, reason: `P99 within ${thr['gc.stwP99Ms']} ms but the longest pause ${fmtNs(s.maxNs)} > ${thr['gc.stwMaxMs']} ms`, where };
        return { status: 'pass', measured, values, reason: `P99 pause ${fmtNs(s.p99Ns)} ≤ ${thr['gc.stwP99Ms']} ms`, where };
      },
      'needs a Go execution trace (runtime/trace.Start, or /debug/pprof/trace?seconds=5)',
    );
  },
};
