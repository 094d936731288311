// Goroutine growth and leaks, from whatever shows goroutines: a trace (live goroutines at the
// start vs the end), a goroutine dump (parked goroutines per stack, Go's own `(leaked)` mark)
// or a goroutine profile (goroutines per stack).
import type { SourceEvidence } from '../evidence';
import type { Rule } from '../types';
import { fmtNs } from '../stats';
import { perSource, type SourceOutcome } from './common';

export const goroutineLeak: Rule = {
  id: 'goroutine-leak',
  title: 'Goroutine growth and leaks',
  dimension: 'capacity',
  needs: 'a Go execution trace, a goroutine dump or a goroutine profile',
  thresholds: [
    {
      id: 'goroutines.growth',
      label: 'live goroutines may grow by at most (trace); warn at this many parked on one stack (dump/profile)',
      default: 10,
      unit: 'goroutines',
      source: 'seed 002 §3.2: baseline delta of runtime.NumGoroutine(), "delta > 10"',
    },
    { id: 'goroutines.sameStack', label: 'fail when this many goroutines are parked on one stack', default: 100, unit: 'goroutines', source: 'stacklens leak heuristic (analysis/query.ts LEAK_LARGE_COUNT)' },
  ],
  evaluate(evidence, thr) {
    const growth = thr['goroutines.growth'];
    const same = thr['goroutines.sameStack'];
    return perSource(
      evidence,
      (e) => (e.trace || e.dump || e.goroutineProfile ? e : null),
      (e: SourceEvidence): SourceOutcome => {
        if (e.trace) {
          const g = e.trace.goroutines;
          const tail = g.series.slice(Math.floor(g.series.length * 0.9));
          const tailMin = Math.min(...tail.map((p) => p.live));
          const delta = g.end - g.start;
          const perSec = e.trace.durationNs > 0 ? delta / (e.trace.durationNs / 1e9) : 0;
          const surv = g.survivors.map((s) => `${s.count} × ${s.name} (${s.state})`).join(', ');
          const measured = `live application goroutines ${g.start} → ${g.end} (max ${g.max}) over ${fmtNs(e.trace.durationNs)}, ${perSec >= 0 ? '+' : ''}${perSec.toFixed(1)}/s; created ${g.created}, ended ${g.ended}${surv ? `; still alive at the end: ${surv}` : ''}`;
          const values = { start: g.start, end: g.end, max: g.max, delta, perSecond: perSec, created: g.created, ended: g.ended };
          const end = e.trace.durationNs;
          const where = { view: 'timeline' as const, timeRange: [Math.max(0, Math.floor(end * 0.9)), Math.max(1, Math.ceil(end))] as [number, number] };
          if (delta > growth && tailMin - g.start > growth)
            return { status: 'fail', measured, values, reason: `grew by ${delta} > ${growth} and stayed up to the end of the trace`, where };
          if (delta > growth) return { status: 'warn', measured, values, reason: `ended ${delta} above the start (> ${growth}) but dipped near the end`, where };
          return { status: 'pass', measured, values, reason: `growth ${delta} ≤ ${growth}`, where };
        }
        if (e.dump) {
          const d = e.dump;
          if (!d.allGoroutines) return { status: 'cannot-evaluate', measured: '', values: {}, reason: 'the crash shows only the goroutine that crashed (GOTRACEBACK=single)', where: null };
          const parked = [...d.groups].sort((a, b) => b.blocked - a.blocked);
          const top = parked[0];
          const values = { goroutines: d.goroutines, worstBlocked: top?.blocked ?? 0, leakedFlagged: d.leakedFlagged };
          const describe =
            top && top.blocked > 0
              ? `${top.blocked} of ${d.goroutines} goroutines parked in ${top.state} at ${top.caller || top.leaf}${top.maxWaitMinutes !== null ? ` for up to ${top.maxWaitMinutes} min` : ''}`
              : `${d.goroutines} goroutines, none parked`;
          if (d.leakedFlagged > 0) return { status: 'fail', measured: `${describe}; Go marked ${d.leakedFlagged} goroutine(s) (leaked)`, values, reason: 'the runtime itself found leaked goroutines', where: d.where };
          if (top && top.blocked >= same) return { status: 'fail', measured: describe, values, reason: `${top.blocked} ≥ ${same} goroutines parked on one stack`, where: top.where };
          if (top && top.blocked >= growth) return { status: 'warn', measured: describe, values, reason: `${top.blocked} ≥ ${growth} goroutines parked on one stack (< ${same}): compare with a later dump`, where: top.where };
          return { status: 'pass', measured: describe, values, reason: `fewer than ${growth} goroutines parked on any one stack`, where: top?.where ?? d.where };
        }
        // At most GOMAXPROCS goroutines run at once: a stack many share is one they wait on.
        const p = e.goroutineProfile!;
        const top = p.groups[0];
        const values = { goroutines: p.total, worstStack: top?.count ?? 0 };
        const describe = top ? `${top.count} of ${p.total} goroutines on one stack at ${top.caller || top.leaf}${top.parked ? ' (parked)' : ''}` : `${p.total} goroutines`;
        if (top && top.count >= same) return { status: 'fail', measured: describe, values, reason: `${top.count} ≥ ${same} goroutines on one stack`, where: top.where };
        if (top && top.count >= growth) return { status: 'warn', measured: describe, values, reason: `${top.count} ≥ ${growth} goroutines on one stack (a profile has no wait times: compare with a later one)`, where: top.where };
        return { status: 'pass', measured: describe, values, reason: `fewer than ${growth} goroutines on any one stack`, where: top?.where ?? null };
      },
      'needs a Go execution trace, a goroutine dump (debug=2, SIGQUIT) or a goroutine profile',
    );
  },
};
