import type { Rule } from '../types';
import { perSource } from './common';

export const blockedLong: Rule = {
  id: 'goroutines-blocked-long',
  title: 'Goroutines blocked for minutes on one stack',
  dimension: 'call-chain',
  needs: 'a goroutine dump that prints wait times (SIGQUIT / GOTRACEBACK crash output, or /debug/pprof/goroutine?debug=2)',
  thresholds: [
    {
      id: 'goroutines.blockedMinutes',
      label: 'waiting at least',
      default: 1,
      unit: 'minutes',
      source: 'seed 001 §3.3 (a silent pile-up of blocked goroutines); Go prints wait times only from 1 minute on (runtime/traceback.go)',
    },
    {
      id: 'goroutines.blockedCount',
      label: 'fail when this many goroutines on one stack wait that long',
      default: 10,
      unit: 'goroutines',
      source: 'stacklens leak heuristic (analysis/query.ts LEAK_MIN_COUNT); seed 002 §3.2 compares debug=2 snapshots',
    },
  ],
  evaluate(evidence, thr) {
    const minutes = thr['goroutines.blockedMinutes'];
    const count = thr['goroutines.blockedCount'];
    return perSource(
      evidence,
      (e) => e.dump,
      (d) => {
        if (!d.allGoroutines) return { status: 'cannot-evaluate', measured: '', values: {}, reason: 'the crash shows only the goroutine that crashed (GOTRACEBACK=single); crash with GOTRACEBACK=all', where: null };
        if (!d.waitTimesPrinted) return { status: 'cannot-evaluate', measured: '', values: {}, reason: 'a debug=1 goroutine profile prints no wait times; load a debug=2 dump', where: null };
        const long = d.groups.filter((g) => g.maxWaitMinutes !== null && g.maxWaitMinutes >= minutes).sort((a, b) => b.blocked - a.blocked);
        const bad = long.filter((g) => g.blocked >= count);
        const top = bad[0] ?? long[0];
        const describe = (g: (typeof long)[number]) => `${g.blocked} goroutine(s) in ${g.state} at ${g.caller || g.leaf}, waiting up to ${g.maxWaitMinutes} min`;
        const values = { groupsWaitingLong: long.length, worstBlocked: top?.blocked ?? 0, worstWaitMinutes: top?.maxWaitMinutes ?? 0, goroutines: d.goroutines };
        if (bad.length > 0)
          return { status: 'fail', measured: `${describe(bad[0])}${bad.length > 1 ? `; ${bad.length - 1} more such group(s)` : ''}`, values, reason: `≥ ${count} goroutines on one stack blocked ≥ ${minutes} min`, where: bad[0].where };
        if (long.length > 0)
          return { status: 'pass', measured: describe(long[0]), values, reason: `fewer than ${count} goroutines per stack wait ≥ ${minutes} min (a few long waiters, e.g. a signal or accept loop, are normal)`, where: long[0].where };
        return { status: 'pass', measured: `${d.goroutines} goroutines; none has waited ${minutes} min or more`, values, reason: `no goroutine waits ≥ ${minutes} min`, where: d.where };
      },
      'needs a goroutine dump with wait times (kill -QUIT, a crash, or /debug/pprof/goroutine?debug=2)',
    );
  },
};
