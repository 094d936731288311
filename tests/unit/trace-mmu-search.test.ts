// The checklist's MMU window search (minUtilSeries in src/analysis/checklist/traceEvidence.ts)
// skips window starts that cannot beat the best so far; it must give exactly what evaluating
// every candidate start gives: the same minimum (bit for bit) and the same earliest start.
import { describe, expect, it } from 'vitest';
import { rng } from '../helpers/rng';
import { minUtilSeries, UtilSeries, utilIntegral } from '../../src/analysis/checklist/traceEvidence.ts';

/**
 * Every candidate start (t_i and t_i − w), in increasing order, with the same formula and
 * cursors as the search: the earliest start of the minimum mean.
 */
function everyCandidate(s: UtilSeries, windowNs: number): { mmu: number; t0: number | null } {
  const n = s.length;
  const steps = s.steps();
  const T = steps.t;
  const U = Float64Array.from(steps.code, (c) => steps.values[c]);
  const w = Math.min(windowNs, T[n - 1] - T[0]);
  if (n < 2 || w <= 0) return { mmu: 1, t0: null };
  const F = utilIntegral(s);
  const last = T[n - 1] - w;
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(T[i], T[i] - w);
  xs.push(last);
  xs.sort((a, b) => a - b);
  const lastStepAtOrBefore = (y: number): number => {
    let j = 0;
    while (j + 1 < n && T[j + 1] <= y) j++;
    return j;
  };
  let best = Infinity;
  let at: number | null = null;
  for (const x of xs) {
    if (x < T[0] || x > last) continue;
    const a = lastStepAtOrBefore(x);
    const b = lastStepAtOrBefore(x + w);
    const m = x === last ? (F[n - 1] - F[a] - U[a] * (last - T[a])) / w : (F[b] + U[b] * (x + w - T[b]) - F[a] - U[a] * (x - T[a])) / w;
    if (m < best) {
      best = m;
      at = x;
    }
  }
  return { mmu: Math.max(0, Math.min(1, best)), t0: at };
}

/** A utilization step function like a trace's: long stretches at 1, GC phases toggling between levels. */
function series(seed: number, n: number, procs: number): UtilSeries {
  const r = rng(seed);
  const s = new UtilSeries();
  let t = 22_178_892_710_464 + Math.floor(r() * 1e9); // absolute ns, as in real traces
  let gc = false;
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (r() < 0.02) gc = !gc;
    let u = 1;
    if (gc) u = r() < 0.05 ? 0 : 1 - Math.floor(r() * (procs + 1)) / procs;
    if (u === last) u = u === 1 ? 1 - 1 / procs : 1;
    s.push(t, u);
    last = u;
    t += gc ? 1 + Math.floor(r() * 20_000) : 1 + Math.floor(r() * 2_000_000);
  }
  s.push(t, 1);
  return s;
}

describe('minUtilSeries', () => {
  it('gives the minimum and the earliest worst start of a search over every candidate', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const s = series(seed, 300 + seed * 40, [1, 2, 4, 8][seed % 4]);
      const span = s.t(s.length - 1) - s.t(0);
      for (const w of [1, 1e3, 50e3, 1e6, 5e6, 20e6, span / 3, span, 2 * span]) {
        const got = minUtilSeries(s, w);
        const want = everyCandidate(s, w);
        expect(got.mmu, `seed ${seed}, window ${w}`).toBe(want.mmu);
        expect(got.t0, `seed ${seed}, window ${w}`).toBe(want.t0);
      }
    }
  });

  it('finds a single dip anywhere (no start skipped past it)', () => {
    for (const dipAt of [0, 1, 17, 98, 99]) {
      const s = new UtilSeries();
      for (let i = 0; i < 100; i++) s.push(1e12 + i * 1000, i === dipAt ? 0.5 : 1);
      s.push(1e12 + 100 * 1000, 1);
      for (const w of [10, 999, 1000, 1001, 5000, 100_000]) {
        const got = minUtilSeries(s, w);
        const want = everyCandidate(s, w);
        expect(got.mmu, `dip ${dipAt}, window ${w}`).toBe(want.mmu);
        expect(got.t0, `dip ${dipAt}, window ${w}`).toBe(want.t0);
      }
    }
  });

  it('is 1 without a window to place', () => {
    const s = new UtilSeries();
    s.push(5, 0.5);
    expect(minUtilSeries(s, 10)).toEqual({ mmu: 1, t0: null });
  });
});

describe('UtilSeries storage', () => {
  it('gives back every time and utilization exactly, across chunks and past 65536 distinct values', () => {
    const s = new UtilSeries();
    const t: number[] = [];
    const u: number[] = [];
    for (let i = 0; i < 140_000; i++) {
      // Distinct values for the first 70k points (the codes widen to 32 bits), then repeats.
      const ui = i < 70_000 ? i / 70_001 : ((i * 7) % 13) / 13;
      t.push(22_178_892_710_464 + i * 1_003);
      u.push(ui);
      s.push(t[i], ui);
    }
    // As the collector's pushUtil does: a point's value replaced, the last point dropped.
    s.setUtil(5, 0.25);
    u[5] = 0.25;
    s.length--;
    t.pop();
    u.pop();
    expect(s.util(5)).toBe(0.25);
    expect(s.t(139_998)).toBe(t[139_998]);
    const st = s.steps();
    expect(st.length).toBe(t.length);
    expect(st.code).toBeInstanceOf(Uint32Array);
    expect(Array.from(st.t)).toEqual(t);
    expect(Array.from(st.code, (c) => st.values[c])).toEqual(u);
    expect(() => s.push(0, 1)).toThrow(/after steps/);
  });

  it('keeps 16-bit codes for a trace-like series', () => {
    const st = series(7, 5000, 8).steps();
    expect(st.code).toBeInstanceOf(Uint16Array);
    expect(st.values.length).toBeLessThanOrEqual(10);
  });
});
