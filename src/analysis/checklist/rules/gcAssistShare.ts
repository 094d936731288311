import type { Rule } from '../types';
import { fmtNs, fmtPct } from '../stats';
import { grade, perSource, type SourceOutcome } from './common';

export const gcAssistShare: Rule = {
  id: 'gc-assist-share',
  title: 'Mark assists: share of goroutine run time',
  dimension: 'call-chain',
  needs: 'a Go execution trace',
  thresholds: [
    {
      id: 'gc.assistPct',
      label: 'time in mark assists / application run time at most',
      default: 10,
      unit: '%',
      source: 'stacklens default: seeds 001 §2.2 and 003 §2.5 describe allocation-driven GC work in the request path but give no number',
    },
    { id: 'gc.assistWarnPct', label: 'warn above', default: 5, unit: '%', source: 'stacklens default' },
  ],
  evaluate(evidence, thr) {
    return perSource(
      evidence,
      (e) => e.trace,
      (t): SourceOutcome => {
        const a = t.assist;
        if (a.appExecNs <= 0) return { status: 'cannot-evaluate', measured: '', values: {}, reason: 'no application goroutine ran in the trace', where: null };
        const pct = a.share * 100;
        const measured = `goroutines ran mark assists for ${fmtNs(a.assistNs)} (${a.assists} assists), ${fmtPct(a.share)} of the ${fmtNs(a.appExecNs)} application goroutines ran${a.worst ? `; longest assist ${fmtNs(a.worst.t1 - a.worst.t0)} on goroutine ${a.worst.goroutine}` : ''}`;
        const status = grade(pct, thr['gc.assistPct'], thr['gc.assistWarnPct']);
        return {
          status,
          measured,
          values: { assistPct: pct, assists: a.assists, assistMs: a.assistNs / 1e6, appExecMs: a.appExecNs / 1e6 },
          reason: status === 'pass' ? `${pct.toFixed(2)}% ≤ ${thr['gc.assistWarnPct']}%` : `${pct.toFixed(2)}% > ${status === 'fail' ? thr['gc.assistPct'] : thr['gc.assistWarnPct']}%: allocating goroutines pay for marking in their own latency`,
          where: a.worst?.where ?? t.where,
        };
      },
      'needs a Go execution trace (runtime/trace.Start, or /debug/pprof/trace?seconds=5)',
    );
  },
};
