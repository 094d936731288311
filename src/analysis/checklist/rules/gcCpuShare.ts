import type { Rule } from '../types';
import { fmtPct } from '../stats';
import { grade, perSource } from './common';

export const gcCpuShare: Rule = {
  id: 'gc-cpu-share',
  title: 'GC share of CPU (trace)',
  dimension: 'resource',
  needs: 'a Go execution trace',
  thresholds: [
    {
      id: 'gc.cpuSharePct',
      label: 'GC share of GOMAXPROCS × time at most',
      default: 25,
      unit: '%',
      source: "the Go GC pacer's 25% CPU goal for background marking (runtime/mgcpacer.go, gcBackgroundUtilization); the seeds give no number (003 ch. 1 names GODEBUG=gctrace=1 to watch it)",
    },
    { id: 'gc.cpuShareWarnPct', label: 'warn above', default: 10, unit: '%', source: 'stacklens default' },
  ],
  evaluate(evidence, thr) {
    return perSource(
      evidence,
      (e) => e.trace,
      (t) => {
        const c = t.gcCpu;
        const share = c.share * 100;
        const measured = `GC used ${fmtPct(c.share)} of GOMAXPROCS × ${(t.durationNs / 1e9).toFixed(2)} s: mark workers ${fmtPct(c.backgroundShare)}, assists ${fmtPct(c.assistShare)}, stop-the-world ${fmtPct(c.stwShare)} (idle-priority marking on otherwise idle Ps ${fmtPct(c.idleMarkShare)} more, not counted); ${t.gcCycles} GC cycles`;
        const values = { gcPct: share, backgroundPct: c.backgroundShare * 100, assistPct: c.assistShare * 100, stwPct: c.stwShare * 100, idleMarkPct: c.idleMarkShare * 100, cycles: t.gcCycles };
        const status = grade(share, thr['gc.cpuSharePct'], thr['gc.cpuShareWarnPct']);
        const worst = [...t.mmu].reverse().find((m) => m.windowNs <= 100e6 && m.where !== null);
        const reason =
          status === 'fail'
            ? `${share.toFixed(1)}% > ${thr['gc.cpuSharePct']}%: GC takes more than the pacer plans for`
            : status === 'warn'
              ? `${share.toFixed(1)}% > ${thr['gc.cpuShareWarnPct']}%`
              : `${share.toFixed(1)}% ≤ ${thr['gc.cpuShareWarnPct']}%`;
        return { status, measured, values, reason, where: worst?.where ?? t.where };
      },
      'needs a Go execution trace (runtime/trace.Start, or /debug/pprof/trace?seconds=5)',
    );
  },
};
