import type { Rule } from '../types';
import { fmtNs } from '../stats';
import { perSource, type SourceOutcome } from './common';

export const lockWait: Rule = {
  id: 'lock-wait',
  title: 'Lock contention: waits on sync.Mutex / RWMutex',
  dimension: 'call-chain',
  needs: 'a Go execution trace, or a mutex profile',
  thresholds: [{ id: 'lock.waitMs', label: 'a lock wait longer than', default: 5, unit: 'ms', source: 'seed 003 §3.2, blocking attribution: "MutexWait 事件持续时间 > 5ms 即标记为潜在争用"' }],
  evaluate(evidence, thr) {
    const lim = thr['lock.waitMs'] * 1e6;
    return perSource(
      evidence,
      (e) => (e.trace ? e : e.contention?.kind === 'mutex' || (e.contention?.lockStacks.length ?? 0) > 0 ? e : null),
      (e): SourceOutcome => {
        if (e.trace) {
          const w = e.trace.lockWait;
          if (w.samples === 0 || w.p99Ns === null || w.maxNs === null) return { status: 'pass', measured: 'no goroutine blocked on a sync.Mutex / RWMutex', values: { waits: 0 }, reason: 'no lock waits', where: e.trace.where };
          const stack = w.worst?.stack.filter((f) => !f.startsWith('sync.') && !f.startsWith('internal/sync.') && !f.startsWith('runtime.'))[0] ?? '';
          const measured = `${w.samples} lock waits: p50 ${fmtNs(w.p50Ns ?? NaN)}, p99 ${fmtNs(w.p99Ns)}, max ${fmtNs(w.maxNs)}${stack ? ` (longest in ${stack}, goroutine ${w.worst?.goroutine})` : ''}`;
          const values = { waits: w.samples, p99Ms: w.p99Ns / 1e6, maxMs: w.maxNs / 1e6 };
          const where = w.worst?.where ?? e.trace.where;
          if (w.p99Ns > lim) return { status: 'fail', measured, values, reason: `P99 lock wait ${fmtNs(w.p99Ns)} > ${thr['lock.waitMs']} ms`, where };
          if (w.maxNs > lim) return { status: 'warn', measured, values, reason: `the longest lock wait ${fmtNs(w.maxNs)} > ${thr['lock.waitMs']} ms (P99 within)`, where };
          return { status: 'pass', measured, values, reason: `every lock wait ≤ ${thr['lock.waitMs']} ms`, where };
        }
        const c = e.contention!;
        const top = c.lockStacks[0];
        if (!top) return { status: 'pass', measured: `${c.contentions} contentions, none on a sync.Mutex / RWMutex`, values: { contentions: c.contentions }, reason: 'no lock contention', where: null };
        const measured = `${c.contentions} contentions, ${fmtNs(c.delayNs)} total delay; worst stack ${top.caller || top.leaf}: ${top.contentions} contentions, mean ${fmtNs(top.meanNs)} each (a profile keeps no per-wait maximum)`;
        const values = { contentions: c.contentions, delayMs: c.delayNs / 1e6, worstMeanMs: top.meanNs / 1e6 };
        if (top.meanNs > lim) return { status: 'fail', measured, values, reason: `mean wait ${fmtNs(top.meanNs)} > ${thr['lock.waitMs']} ms, so some waits were longer`, where: top.where };
        return { status: 'pass', measured, values, reason: `mean wait per contention ≤ ${thr['lock.waitMs']} ms (single waits may still be longer: a trace shows them)`, where: top.where };
      },
      'needs a Go execution trace or a mutex profile (runtime.SetMutexProfileFraction, /debug/pprof/mutex)',
    );
  },
};
