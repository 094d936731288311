import type { Rule } from '../types';
import { fmtPct } from '../stats';
import { grade, perSource, type SourceOutcome } from './common';

export const cpuMemoryShare: Rule = {
  id: 'cpu-gc-malloc-share',
  title: 'CPU in the runtime: GC (scanobject, mark workers) and mallocgc',
  dimension: 'resource',
  needs: 'CPU samples: a pprof CPU profile, a perf cpu-clock/cycles recording, or a trace recorded with the CPU profiler on',
  thresholds: [
    {
      id: 'cpu.memoryPct',
      label: 'share of CPU samples in GC or mallocgc at most',
      default: 25,
      unit: '%',
      source: "the Go GC pacer's 25% CPU goal (runtime/mgcpacer.go); seed 003 §2.5 (GC jitter found with pprof) gives no number",
    },
    { id: 'cpu.memoryWarnPct', label: 'warn above', default: 10, unit: '%', source: 'stacklens default' },
    { id: 'cpu.minSamples', label: 'needs at least', default: 20, unit: 'samples', source: 'stacklens default (a share of fewer samples is noise)' },
  ],
  evaluate(evidence, thr) {
    return perSource(
      evidence,
      (e) => e.cpu,
      (c): SourceOutcome => {
        if (c.samples < thr['cpu.minSamples']) return { status: 'cannot-evaluate', measured: '', values: {}, reason: `only ${c.samples} CPU samples (< ${thr['cpu.minSamples']})`, where: null };
        const share = (id: string) => c.classes.find((x) => x.id === id)?.share ?? 0;
        const mem = share('memory') * 100;
        const measured = `${fmtPct(share('memory'))} of ${c.samples} ${c.origin} samples in GC or allocation: GC ${fmtPct(share('gc'))} (marking ${fmtPct(share('scanobject'))}), mallocgc outside GC ${fmtPct(share('malloc'))}; runtime.* at the leaf ${fmtPct(share('runtime-leaf'))}; top: ${c.top
          .slice(0, 3)
          .map((r) => `${r.name} ${fmtPct(r.flatShare)}`)
          .join(', ')}`;
        const status = grade(mem, thr['cpu.memoryPct'], thr['cpu.memoryWarnPct']);
        return {
          status,
          measured,
          values: { memoryPct: mem, gcPct: share('gc') * 100, mallocPct: share('malloc') * 100, markPct: share('scanobject') * 100, samples: c.samples },
          reason: status === 'pass' ? `${mem.toFixed(1)}% ≤ ${thr['cpu.memoryWarnPct']}%` : `${mem.toFixed(1)}% > ${status === 'fail' ? thr['cpu.memoryPct'] : thr['cpu.memoryWarnPct']}%: allocation rate drives CPU into the runtime`,
          where: c.classes.find((x) => x.id === 'memory')?.where ?? { view: 'flame' },
        };
      },
      'needs CPU samples (pprof CPU profile, perf record -e cpu-clock, or a trace taken with the CPU profiler on)',
    );
  },
};
