// GOMAXPROCS against the load and the machine: a window where every P is busy while
// goroutines queue for one means the program needs more Ps (or less work) than it has; a
// GOMAXPROCS change while tracing (each one stops the world; Go 1.25+ also changes it by
// itself when the container's CPU limit changes) or a GOMAXPROCS above the CPUs a perf
// recording of the same workspace saw are configuration smells.
import type { Rule } from '../types';
import { fmtNs, fmtPct } from '../stats';
import { perSource } from './common';

export const gomaxprocs: Rule = {
  id: 'gomaxprocs',
  title: 'GOMAXPROCS vs load and CPUs',
  dimension: 'configuration',
  needs: 'a Go execution trace (a perf dump with --header adds the CPU count)',
  thresholds: [
    { id: 'procs.busyPct', label: 'a window counts as saturated when Ps are busy at least', default: 90, unit: '%', source: 'stacklens default; seed 003 ch. 1: GOMAXPROCS must match the CPUs (and NUMA topology) really available' },
    {
      id: 'procs.runnableRatio',
      label: 'fail when, in a saturated window, goroutines wait runnable this many times as long as they run',
      default: 1,
      unit: '×',
      source: 'stacklens default (seed 003 §3.2 reads long runnable times as a queue backlog)',
    },
  ],
  evaluate(evidence, thr) {
    const busyMin = thr['procs.busyPct'] / 100;
    const ratioMin = thr['procs.runnableRatio'];
    const cpuSources = evidence.filter((e) => e.perf?.cpusOnline != null);
    const cpus = cpuSources.length > 0 ? (cpuSources[0].perf!.cpusOnline as number) : null;
    return perSource(
      evidence,
      (e) => e.trace,
      (t) => {
        const procs = t.gomaxprocs.values;
        if (procs.length === 0) return { status: 'cannot-evaluate', measured: '', values: {}, reason: 'the trace records no GOMAXPROCS', where: null };
        const p = t.procs;
        let worst = -1;
        for (let i = 0; i < p.busy.length; i++) {
          if (p.busy[i] < busyMin) continue;
          const r = p.runnableToRunning[i] ?? 0;
          if (worst < 0 || r > (p.runnableToRunning[worst] ?? 0)) worst = i;
        }
        const saturated = p.busy.filter((b) => b >= busyMin).length;
        const gm = procs[procs.length - 1];
        const binWhere = (i: number) => ({ view: 'timeline' as const, timeRange: [i * p.binNs, Math.min((i + 1) * p.binNs, Math.max(t.durationNs, i * p.binNs + 1))] as [number, number] });
        const base = `GOMAXPROCS ${procs.join(' → ')}${cpus !== null ? ` on ${cpus} CPUs online (perf header of ${cpuSources[0].name})` : ''}; Ps busy ${fmtPct(p.busyShare)} overall, ${saturated} of ${p.busy.length} ${fmtNs(p.binNs)} windows ≥ ${thr['procs.busyPct']}%`;
        const values = { gomaxprocs: gm, changes: t.gomaxprocs.changeCount, busyPct: p.busyShare * 100, saturatedWindows: saturated, cpus: cpus ?? 0 };
        if (worst >= 0 && (p.runnableToRunning[worst] ?? 0) >= ratioMin) {
          const r = p.runnableToRunning[worst] as number;
          const gc = t.gcCpu.share >= 0.25 ? `; GC takes ${fmtPct(t.gcCpu.share)} of the CPU — see the GC rules first` : '';
          return {
            status: 'fail',
            measured: `${base}; at ${fmtNs(worst * p.binNs)} Ps were ${fmtPct(p.busy[worst])} busy and goroutines waited runnable ${r.toFixed(1)}× as long as they ran${gc}`,
            values: { ...values, worstRatio: r },
            reason: `all ${gm} P(s) saturated while goroutines queued (${r.toFixed(1)}× ≥ ${ratioMin}×): too few Ps for the load${cpus !== null && gm < cpus ? ` — ${cpus} CPUs are online` : ''}`,
            where: binWhere(worst),
          };
        }
        if (t.gomaxprocs.changeCount > 0 && t.gomaxprocs.changes.length > 0) {
          const c = t.gomaxprocs.changes[0];
          return { status: 'warn', measured: `${base}; changed ${t.gomaxprocs.changeCount}× (first ${c.from} → ${c.to} at ${fmtNs(c.t)})`, values, reason: 'GOMAXPROCS changed while tracing: each change stops the world', where: c.where };
        }
        if (cpus !== null && gm > cpus) return { status: 'warn', measured: base, values, reason: `GOMAXPROCS ${gm} > ${cpus} CPUs: Ps compete for CPUs (a container CPU limit not honoured?)`, where: t.where };
        return { status: 'pass', measured: base, values, reason: saturated > 0 ? `saturated windows without a queue (< ${ratioMin}×)` : `no window with Ps ≥ ${thr['procs.busyPct']}% busy`, where: worst >= 0 ? binWhere(worst) : t.where };
      },
      'needs a Go execution trace (runtime/trace.Start, or /debug/pprof/trace?seconds=5)',
    );
  },
};
