// Latency spikes after seed 002 §2.1: "P99 in a sliding window above the window's historical
// median + 3σ, lasting at most 3 sampling periods". On a trace:
//  - latency = durations of the trace's most common runtime/trace task (a request, when the
//    program annotates requests), else the runnable → running waits of application goroutines;
//  - the trace is cut into windows of latency.windowMs (one of the lengths the evidence keeps);
//    each window's P99 is the nearest-rank 99th percentile of the latencies ending in it;
//  - a window is elevated when its P99 exceeds the median of the OTHER windows' P99 by more
//    than latency.sigma × σ and by at least latency.minSpikeMs. σ is estimated robustly
//    (1.4826 × the median absolute deviation), so that several spikes in one trace do not
//    inflate σ and hide each other (with a plain standard deviation, four 60 ms spikes among
//    ten 0.2 ms windows are not "3σ" away);
//  - a run of at most latency.maxSpikeWindows elevated windows is a spike (fail); a longer
//    run is a sustained shift, not a spike (warn).
import type { Rule } from '../types';
import { fmtNs, median } from '../stats';
import { perSource } from './common';

const MIN_WINDOWS = 5;

export const latencySpike: Rule = {
  id: 'latency-spike',
  title: 'Latency spikes: window P99 above median + 3σ',
  dimension: 'call-chain',
  needs: 'a Go execution trace (request tasks from runtime/trace.NewTask give request latency)',
  thresholds: [
    { id: 'latency.windowMs', label: 'window length (50, 100, 200, 500 or 1000)', default: 200, unit: 'ms', source: 'stacklens default (seed 002 §2.1 leaves the window to the service)' },
    { id: 'latency.sigma', label: 'spike when window P99 > median + k·σ, k =', default: 3, unit: 'σ', source: 'seed 002 §2.1: "历史中位数 + 3σ"' },
    { id: 'latency.maxSpikeWindows', label: 'a spike lasts at most', default: 3, unit: 'windows', source: 'seed 002 §2.1: "持续不超过 3 个采样周期"' },
    { id: 'latency.minSpikeMs', label: 'and exceeds the median by at least', default: 5, unit: 'ms', source: 'stacklens default: ignore scheduling jitter of a few ms (not in the seed)' },
  ],
  evaluate(evidence, thr) {
    const want = thr['latency.windowMs'];
    const k = thr['latency.sigma'];
    const maxRun = thr['latency.maxSpikeWindows'];
    const minSpike = thr['latency.minSpikeMs'] * 1e6;
    return perSource(
      evidence,
      (e) => e.trace,
      (t) => {
        // The longest kept window not above the wanted length (else the shortest kept).
        const kept = t.latency.windows.filter((w) => w.windowNs <= want * 1e6);
        const win = kept.length > 0 ? kept[kept.length - 1] : t.latency.windows[0];
        const wms = win ? win.windowNs / 1e6 : want;
        const what = t.latency.source === 'tasks' ? `"${t.latency.taskName}" task durations` : 'scheduler waits (no runtime/trace tasks in the trace)';
        if (!win) return { status: 'cannot-evaluate', measured: '', values: {}, reason: 'no latency windows in the evidence', where: null };
        const idx: number[] = [];
        win.p99Ns.forEach((v, i) => {
          if (v !== null) idx.push(i);
        });
        if (idx.length < MIN_WINDOWS)
          return { status: 'cannot-evaluate', measured: '', values: {}, reason: `only ${idx.length} window(s) of ${wms} ms hold ${what}; at least ${MIN_WINDOWS} are needed (shorter windows or a longer trace)`, where: null };
        const p99 = idx.map((i) => win.p99Ns[i] as number);
        const elevated = new Array<boolean>(win.p99Ns.length).fill(false);
        const limits: number[] = new Array<number>(win.p99Ns.length).fill(NaN);
        idx.forEach((i, j) => {
          const others = p99.filter((_, x) => x !== j);
          const m = median(others);
          const mad = median(others.map((v) => Math.abs(v - m)));
          const limit = m + Math.max(k * 1.4826 * mad, minSpike);
          limits[i] = limit;
          elevated[i] = p99[j] > limit;
        });
        const runs: { from: number; to: number }[] = [];
        for (let i = 0; i < elevated.length; i++) {
          if (!elevated[i]) continue;
          let j = i;
          while (j + 1 < elevated.length && elevated[j + 1]) j++;
          runs.push({ from: i, to: j });
          i = j;
        }
        const spikes = runs.filter((r) => r.to - r.from + 1 <= maxRun);
        const sustained = runs.filter((r) => r.to - r.from + 1 > maxRun);
        const overall = median(p99);
        const worstIn = (rs: { from: number; to: number }[]) => {
          let best = -1;
          for (const r of rs) for (let i = r.from; i <= r.to; i++) if (best < 0 || (win.p99Ns[i] ?? 0) > (win.p99Ns[best] ?? 0)) best = i;
          return best;
        };
        const w = win.windowNs;
        const at = (i: number) => ({ view: 'timeline' as const, timeRange: [i * w, Math.min((i + 1) * w, Math.max(t.durationNs, i * w + 1))] as [number, number] });
        const values = { windows: idx.length, windowMs: wms, medianP99Ms: overall / 1e6, spikes: spikes.length, sustained: sustained.length, samples: t.latency.stats.samples };
        const base = `${what}: ${t.latency.stats.samples} samples, P99 per ${wms} ms window median ${fmtNs(overall)} over ${idx.length} windows`;
        if (spikes.length > 0) {
          const i = worstIn(spikes);
          const lim = limits[i];
          return {
            status: 'fail',
            measured: `${base}; ${spikes.length} spike(s), worst P99 ${fmtNs(win.p99Ns[i] ?? NaN)} at ${fmtNs(i * w)}–${fmtNs((i + 1) * w)} (limit ${fmtNs(lim)})`,
            values: { ...values, worstP99Ms: (win.p99Ns[i] ?? 0) / 1e6 },
            reason: `window P99 above median + ${k}σ (and + ${thr['latency.minSpikeMs']} ms) for at most ${maxRun} window(s)`,
            where: at(i),
          };
        }
        if (sustained.length > 0) {
          const i = worstIn(sustained);
          return {
            status: 'warn',
            measured: `${base}; elevated for ${sustained[0].to - sustained[0].from + 1} windows in a row from ${fmtNs(sustained[0].from * w)} (worst P99 ${fmtNs(win.p99Ns[i] ?? NaN)})`,
            values: { ...values, worstP99Ms: (win.p99Ns[i] ?? 0) / 1e6 },
            reason: `latency stays elevated longer than ${maxRun} windows: a sustained shift, not a spike`,
            where: at(i),
          };
        }
        let hi = idx[0];
        for (const i of idx) if ((win.p99Ns[i] ?? 0) > (win.p99Ns[hi] ?? 0)) hi = i;
        return {
          status: 'pass',
          measured: `${base}; highest window P99 ${fmtNs(win.p99Ns[hi] ?? NaN)}`,
          values: { ...values, worstP99Ms: (win.p99Ns[hi] ?? 0) / 1e6 },
          reason: `no window P99 above median + ${k}σ and + ${thr['latency.minSpikeMs']} ms`,
          where: at(hi),
        };
      },
      'needs a Go execution trace (runtime/trace.Start, or /debug/pprof/trace?seconds=5)',
    );
  },
};
