import type { Rule } from '../types';
import { fmtPct } from '../stats';
import { perSource } from './common';

export const mmu: Rule = {
  id: 'mmu',
  title: 'Minimum mutator utilization (MMU) at a window',
  dimension: 'capacity',
  needs: 'a Go execution trace',
  thresholds: [
    {
      id: 'mmu.windowMs',
      label: 'window (1, 2, 5, 10, 20, 50, 100, 200, 500 or 1000; others use the next smaller)',
      default: 50,
      unit: 'ms',
      source: 'Go 1.4+ GC plan and roadmap (R. Hudson, golang.org/s/go14gc): at most 10 ms of GC in any 50 ms',
    },
    { id: 'mmu.warnPct', label: 'warn below', default: 80, unit: '%', source: 'same plan: the program gets ≥ 40 ms of every 50 ms' },
    { id: 'mmu.failPct', label: 'fail below', default: 50, unit: '%', source: "stacklens default: GC takes over half of some window, twice the pacer's 25% background budget" },
  ],
  evaluate(evidence, thr) {
    const want = thr['mmu.windowMs'] * 1e6;
    return perSource(
      evidence,
      (e) => e.trace,
      (t) => {
        const kept = t.mmu.filter((m) => m.windowNs <= want);
        const m = kept.length > 0 ? kept[kept.length - 1] : t.mmu[0];
        if (!m) return { status: 'cannot-evaluate', measured: '', values: {}, reason: 'no utilization data', where: null };
        const wms = m.windowNs / 1e6;
        const others = t.mmu
          .filter((x) => x.windowNs === 10e6 || x.windowNs === 100e6 || x.windowNs === 1000e6)
          .filter((x) => x.windowNs !== m.windowNs)
          .map((x) => `${x.windowNs / 1e6} ms ${fmtPct(x.mmu)}`)
          .join(', ');
        const measured = `MMU(${wms} ms) ${fmtPct(m.mmu)}${wms * 1e6 !== want ? ` (window ${thr['mmu.windowMs']} ms not kept; using ${wms} ms)` : ''}; ${others}; GC = STW, dedicated/fractional mark workers and mark assists`;
        const pct = m.mmu * 100;
        const values = { windowMs: wms, mmuPct: pct };
        const where = m.where ?? t.where;
        if (pct < thr['mmu.failPct']) return { status: 'fail', measured, values, reason: `${pct.toFixed(1)}% < ${thr['mmu.failPct']}%: in the worst ${wms} ms the program ran less than half the time`, where };
        if (pct < thr['mmu.warnPct']) return { status: 'warn', measured, values, reason: `${pct.toFixed(1)}% < ${thr['mmu.warnPct']}%`, where };
        return { status: 'pass', measured, values, reason: `${pct.toFixed(1)}% ≥ ${thr['mmu.warnPct']}%`, where };
      },
      'needs a Go execution trace (runtime/trace.Start, or /debug/pprof/trace?seconds=5)',
    );
  },
};
