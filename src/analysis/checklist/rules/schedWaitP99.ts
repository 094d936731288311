import type { Rule } from '../types';
import { fmtNs } from '../stats';
import { perSource } from './common';

export const schedWaitP99: Rule = {
  id: 'sched-wait-p99',
  title: 'Scheduler wait (runnable → running) P99 per goroutine group',
  dimension: 'call-chain',
  needs: 'a Go execution trace',
  thresholds: [
    {
      id: 'sched.waitP99Ms',
      label: 'P99 wait for a P at most',
      default: 25,
      unit: 'ms',
      source: 'seed 003 §3.2, scheduler bottleneck table: runnable time "> 25ms (队列积压)" means a queue backlog (the seed states it for the mean; applied here to the P99)',
    },
    { id: 'sched.waitP99WarnMs', label: 'warn above', default: 5, unit: 'ms', source: 'stacklens default' },
    { id: 'sched.minSamples', label: 'judge groups with at least this many waits', default: 10, unit: 'waits', source: 'stacklens default (fewer waits make a P99 meaningless)' },
  ],
  evaluate(evidence, thr) {
    const fail = thr['sched.waitP99Ms'] * 1e6;
    const warn = thr['sched.waitP99WarnMs'] * 1e6;
    const min = thr['sched.minSamples'];
    return perSource(
      evidence,
      (e) => e.trace,
      (t) => {
        const groups = t.schedWait.groups.filter((g) => g.samples >= min && g.p99Ns !== null);
        if (groups.length === 0) return { status: 'cannot-evaluate', measured: '', values: {}, reason: `no goroutine group with ${min} or more scheduler waits`, where: null };
        const worst = groups[0];
        const rest = groups
          .slice(1, 3)
          .map((g) => `${g.name} ${fmtNs(g.p99Ns ?? NaN)}`)
          .join(', ');
        const p99 = worst.p99Ns as number;
        const measured = `worst group ${worst.name}: P99 wait ${fmtNs(p99)}, max ${fmtNs(worst.maxNs ?? NaN)} over ${worst.samples} waits of ${worst.goroutines} goroutine(s)${rest ? `; next: ${rest}` : ''}; all application goroutines: P99 ${fmtNs(t.schedWait.all.p99Ns ?? NaN)}`;
        const values = { worstP99Ms: p99 / 1e6, worstMaxMs: (worst.maxNs ?? 0) / 1e6, samples: worst.samples, allP99Ms: (t.schedWait.all.p99Ns ?? 0) / 1e6 };
        const where = worst.worst?.where ?? t.where;
        if (p99 > fail) return { status: 'fail', measured, values, reason: `P99 ${fmtNs(p99)} > ${thr['sched.waitP99Ms']} ms: runnable goroutines queue for a P`, where };
        if (p99 > warn) return { status: 'warn', measured, values, reason: `P99 ${fmtNs(p99)} > ${thr['sched.waitP99WarnMs']} ms`, where };
        return { status: 'pass', measured, values, reason: `P99 ${fmtNs(p99)} ≤ ${thr['sched.waitP99WarnMs']} ms`, where };
      },
      'needs a Go execution trace (runtime/trace.Start, or /debug/pprof/trace?seconds=5)',
    );
  },
};
