// The compact storage of the checklist's trace evidence (src/analysis/checklist/traceEvidence.ts)
// on the edges real traces rarely reach: utilization times whose offset from their block's
// base does not fit its bits (gaps, times that are not whole numbers), utilization codes
// that outgrow their bits (16, 256, 65536 distinct values), a
// scheduler wait of 2^32 ns or more, waits of goroutines named only after they waited (kept,
// and counted for the group the later name gives), waits of system goroutines (left out),
// goroutine ids that are bigints or far past the goroutine count, and more goroutines than
// the first columns hold.
import { describe, expect, it } from 'vitest';
import type { Frame, Generation } from '../../src/formats/gotrace/model';
import { minUtilSeries, traceEvidenceCollector, UtilSeries, utilIntegral, MMU_WINDOWS_MS } from '../../src/analysis/checklist/traceEvidence';
import type { GoState, GoTransition, TraceEvent } from '../../src/analysis/trace/states';
import type { U64 } from '../../src/formats/gotrace/u64';
import { rng } from '../helpers/rng';

/** Every candidate window start (t_i, t_i − w and the last), evaluated on the flat steps. */
function everyCandidate(s: UtilSeries, w0: number): { mmu: number; t0: number | null } {
  const { length: n, t: T, code, values } = s.steps();
  const w = Math.min(w0, T[n - 1] - T[0]);
  if (n < 2 || w <= 0) return { mmu: 1, t0: null };
  const F = utilIntegral(s);
  const U = (i: number) => values[code[i]];
  const at = (y: number) => {
    let j = 0;
    while (j + 1 < n && T[j + 1] <= y) j++;
    return j;
  };
  const last = T[n - 1] - w;
  const xs = [...Array.from(T), ...Array.from(T, (x) => x - w), last].filter((x) => x >= T[0] && x <= last).sort((a, b) => a - b);
  let best = Infinity;
  let t0: number | null = null;
  for (const x of xs) {
    const a = at(x);
    const b = at(x + w);
    const m = x === last ? (F[n - 1] - F[a] - U(a) * (last - T[a])) / w : (F[b] + U(b) * (x + w - T[b]) - F[a] - U(a) * (x - T[a])) / w;
    if (m < best) {
      best = m;
      t0 = x;
    }
  }
  return { mmu: Math.max(0, Math.min(1, best)), t0 };
}

describe('UtilSeries storage edges', () => {
  const O = 22_178_892_710_464; // absolute ns, as in real traces
  // Offsets from a block's first point just below and past what 28, 24 and 32 bits hold, a
  // gap of 5 s, points at the usual µs pace, and times that are not whole numbers.
  const times = [O, O + 1000, O + 2 ** 24 - 1, O + 2 ** 24, O + 2 ** 28 - 1, O + 2 ** 28, O + 2 ** 32 - 1, O + 2 ** 32, O + 5e9, O + 5e9 + 700, O + 5e9 + 1400.5, O + 5e9 + 2000, O + 6e9];
  const utils = [1, 0.5, 1, 0.75, 1, 0, 1, 0.5, 1, 0.25, 1, 0.5, 1];

  it('gives back every time and utilization exactly, also after a dropped point is replaced', () => {
    const s = new UtilSeries();
    times.forEach((t, i) => s.push(t, utils[i]));
    for (let i = 0; i < times.length; i++) {
      expect(s.t(i), `point ${i}`).toBe(times[i]);
      expect(s.util(i), `point ${i}`).toBe(utils[i]);
    }
    // A point of a block with its times whole dropped and replaced, then the same past a
    // block's first point.
    s.pop();
    s.push(O + 6e9 + 0.5, 0.5);
    expect(s.t(12)).toBe(O + 6e9 + 0.5);
    for (let i = 13; i < 64; i++) s.push(O + 6e9 + i, 1 - (i % 2) / 2);
    s.push(O + 7e9, 0.25); // point 64: a block of its own
    s.push(O + 7e9 + 1, 1);
    s.pop();
    s.pop();
    s.push(O + 8e9, 1);
    s.push(O + 8e9 + 3, 0.5);
    expect(s.t(64)).toBe(O + 8e9);
    expect(s.t(65)).toBe(O + 8e9 + 3);
    expect(s.util(65)).toBe(0.5);
    expect(Array.from(s.steps().t.subarray(0, 12))).toEqual(times.slice(0, 12));
  });

  it('keeps a time whole when base + (time − base) would round to another double, or is −0', () => {
    // 7.808142506354737 − 0.8081425063547365 computes to 7 exactly, but 0.8081425063547365 + 7
    // is 7.808142506354736: the offset must not stand for the time.
    const s = new UtilSeries();
    s.push(0.8081425063547365, 1);
    s.push(7.808142506354737, 0.5);
    expect(s.t(1)).toBe(7.808142506354737);
    const z = new UtilSeries();
    z.push(-0, 1);
    z.push(1, 0.5);
    expect(Object.is(z.t(0), -0)).toBe(true);
  });

  it('keeps times exact when wider codes leave an offset no room (16 and 256 values)', () => {
    const s = new UtilSeries();
    // Block 0: an offset of 20 ms fits beside 4-bit codes, not beside 8-bit ones.
    s.push(O, 0);
    s.push(O + 20e6, 1);
    for (let k = 2; k < 64; k++) s.push(O + 20e6 + k, (k % 17) / 17); // 17 values: 8-bit codes
    // Block 1: an offset of 2^30 ns fits beside no code, and fits once the codes have a column.
    s.push(O + 1e9, 0.5);
    s.push(O + 1e9 + 2 ** 30, 0.25);
    for (let k = 0; k < 300; k++) s.push(O + 2e9 + k, k / 300); // 300 more values: codes in a column
    expect(s.t(1)).toBe(O + 20e6);
    expect(s.util(1)).toBe(1);
    expect(s.t(65)).toBe(O + 1e9 + 2 ** 30);
    expect(s.util(65)).toBe(0.25);
    for (let k = 0; k < 300; k++) expect(s.t(66 + k)).toBe(O + 2e9 + k);
  });

  it('starts a dropped block afresh (its whole times are not kept for the new points)', () => {
    const s = new UtilSeries();
    for (let k = 0; k < 64; k++) s.push(O + k, 1 - (k % 2) / 2);
    s.push(O + 1000, 1); // point 64 starts block 1
    s.push(O + 1000 + 2 ** 29, 0.5); // too far for 4-bit codes: block 1's times whole
    s.pop();
    s.pop();
    s.push(O + 2000, 1); // block 1 again, with offsets
    s.push(O + 2000 + 2 ** 29, 0.5); // too far again
    s.push(O + 2000 + 2 ** 29 + 1, 1);
    expect([s.t(64), s.t(65), s.t(66)]).toEqual([O + 2000, O + 2000 + 2 ** 29, O + 2000 + 2 ** 29 + 1]);
  });

  it('gives back random series exactly while the codes widen (16, 256, 65536 values) and points are dropped', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = rng(seed);
      const s = new UtilSeries();
      const T: number[] = [];
      const U: number[] = [];
      let t = O + Math.floor(r() * 1e9);
      // Distinct utilizations: a few at first, then more (seed 6: past 65536).
      const distinct = [3, 20, 300, 300, 1000, 70_000][seed - 1];
      const n = seed === 6 ? 140_000 : 20_000;
      for (let i = 0; i < n; i++) {
        const x = r();
        // Mostly µs steps; now and then 20 ms, 300 ms, 5 s, or a fractional step.
        t += x < 0.9 ? 1 + Math.floor(r() * 5000) : x < 0.95 ? 20e6 : x < 0.97 ? 300e6 : x < 0.98 ? 5e9 : 0.25;
        const k = Math.floor((i / n) * distinct * r());
        const u = k / distinct;
        if (r() < 0.05 && s.length > 0) {
          s.pop();
          T.pop();
          U.pop();
        }
        s.push(t, u);
        T.push(t);
        U.push(u);
        if (r() < 0.05) {
          const v = Math.floor(r() * distinct) / distinct;
          s.setUtil(s.length - 1, v);
          U[U.length - 1] = v;
        }
      }
      expect(s.length).toBe(T.length);
      for (let i = 0; i < T.length; i++) {
        if (s.t(i) !== T[i] || s.util(i) !== U[i]) expect({ seed, i, t: s.t(i), u: s.util(i) }).toEqual({ seed, i, t: T[i], u: U[i] });
      }
      const st = s.steps();
      expect(Array.from(st.code, (c) => st.values[c])).toEqual(U);
    }
  });

  it('finds the minimum of a search over every candidate across blocks with whole times', () => {
    for (const w of [1, 500, 1e3, 1e6, 3e7, 3e8, 1e9, 3e9, 5e9, 1e10]) {
      const s = new UtilSeries();
      times.forEach((t, i) => s.push(t, utils[i]));
      const want = everyCandidate(s, w);
      const fresh = new UtilSeries();
      times.forEach((t, i) => fresh.push(t, utils[i]));
      const got = minUtilSeries(fresh, w);
      expect(got.mmu, `window ${w}`).toBe(want.mmu);
      expect(got.t0, `window ${w}`).toBe(want.t0);
    }
  });
});

/** A generation with only what stack lookups read: stacks of named frames. */
function stacks(list: Record<number, string[]>): Generation {
  const frames = new Map<U64, Frame>();
  const st = new Map<U64, U64[]>();
  let pc = 1;
  for (const [id, funcs] of Object.entries(list)) {
    const pcs: U64[] = [];
    for (const func of funcs) {
      frames.set(pc, { pc, func, file: 'x.go', line: 1, funcId: 0, fileId: 0 });
      pcs.push(pc++);
    }
    st.set(Number(id), pcs);
  }
  return { stacks: st, frames } as unknown as Generation;
}

const WORKER = 1;
const HANDLER_LOCK = 2;
const MARK_WORKER = 3;
const TIE = 4;
const SPAWN = 5;
const BLOCKER = 6;
const gen = stacks({
  [WORKER]: ['main.work', 'main.worker'],
  [HANDLER_LOCK]: ['sync.(*Mutex).Lock', 'main.handler'],
  [MARK_WORKER]: ['runtime.gcBgMarkWorker'],
  [TIE]: ['main.tie'],
  [SPAWN]: ['main.spawn'],
  [BLOCKER]: ['main.blocker'],
});

describe('trace evidence storage edges, on a hand-made event stream', () => {
  const O = 1_000_000_000_000;
  const LONG_WAIT = 2 ** 32 + 7; // a scheduler wait that does not fit 32 bits
  const BIG_ID = 2n ** 63n + 5n;
  const ctx = { m: null, p: null, g: null };
  const events: TraceEvent[] = [];
  const slots = new Map<U64, number>();
  const go = (t: number, id: U64, from: GoState, to: GoState, stack: number | null = null, reason = ''): void => {
    if (!slots.has(id)) slots.set(id, slots.size);
    const e: GoTransition = { kind: 'go', t: O + t, ctx, id, slot: slots.get(id)!, from, to, reason, stack: stack === null ? null : { gen, id: stack }, eventStack: null, code: 0 };
    events.push(e);
  };
  events.push({ kind: 'sync', t: O, ctx, n: 0 });
  events.push({ kind: 'metric', t: O, ctx, name: '/sched/gomaxprocs:threads', value: 2 });
  // main.worker: waits LONG_WAIT. Its id is past what the first id index holds (kept apart,
  // then still found once the index has grown past it).
  const W = 9000;
  go(10, W, 'NotExist', 'Runnable', WORKER);
  go(20, 2, 'Undetermined', 'Runnable'); // existed (runnable since the sync), no stack yet: named main.handler only after its wait
  go(30, 3, 'NotExist', 'Runnable', MARK_WORKER); // a system goroutine: its waits are left out
  go(40, 4, 'Undetermined', 'Runnable'); // never named: a system goroutine too ('')
  go(1000, 2, 'Runnable', 'Running'); // wait 1000
  go(1100, 2, 'Running', 'Waiting', HANDLER_LOCK, 'sync'); // named now; blocked on a Mutex
  go(2000, 4, 'Runnable', 'Running'); // wait 2000, left out
  go(3000, 3, 'Runnable', 'Running'); // wait 2970, left out
  go(3100, 3, 'Running', 'Waiting', null, 'GC worker (idle)');
  go(5000, 2, 'Waiting', 'Runnable'); // a lock wait of 3900
  go(5200, 2, 'Runnable', 'Running'); // wait 200
  go(5300, 2, 'Running', 'NotExist');
  // Two goroutines with equal longest waits: the first one's is the group's worst.
  go(6000, BIG_ID, 'NotExist', 'Runnable', TIE);
  go(6100, 7, 'NotExist', 'Runnable', TIE);
  go(6500, BIG_ID, 'Runnable', 'Running'); // wait 500
  go(6550, BIG_ID, 'Running', 'NotExist');
  go(6600, 7, 'Runnable', 'Running'); // wait 500
  go(6650, 7, 'Running', 'NotExist');
  // More goroutines than the first columns hold (and the goroutine slots).
  const SPAWNED = 3000;
  for (let k = 0; k < SPAWNED; k++) {
    const t = 10_000 + 10 * k;
    const id = k < SPAWNED - 1 ? 100 + k : 12_000; // the last one widens the id index past W
    go(t, id, 'NotExist', 'Runnable', SPAWN);
    go(t + 1, id, 'Runnable', 'Running'); // wait 1
    go(t + 2, id, 'Running', 'NotExist');
  }
  // main.worker runs after LONG_WAIT and to the end of the trace.
  const run1 = 10 + LONG_WAIT;
  go(run1, W, 'Runnable', 'Running');
  // A dedicated mark worker after the long gap: 10 ms at utilization 1 − 1/2.
  const dip = run1 + 1_000_000;
  go(dip, 3, 'Waiting', 'Running');
  events.push({ kind: 'label', t: O + dip, ctx: { m: null, p: null, g: 3 }, label: 'GC (dedicated)' });
  go(dip + 10_000_000, 3, 'Running', 'Waiting', null, 'GC worker (idle)');
  go(dip + 20_000_000, 8, 'NotExist', 'Waiting', BLOCKER, 'chan receive'); // survives, blocked
  // A mark assist of main.worker (found by its id), far from the dip.
  const assist = dip + 1_500_000_000;
  events.push({ kind: 'rangeBegin', t: O + assist, ctx, name: 'GC mark assist', scope: { kind: 'goroutine', id: W }, code: 0 });
  events.push({ kind: 'rangeEnd', t: O + assist + 1000, ctx, name: 'GC mark assist', scope: { kind: 'goroutine', id: W }, code: 0 });
  const end = dip + 2_000_000_000;
  events.push({ kind: 'metric', t: O + end, ctx, name: '/sched/gomaxprocs:threads', value: 2 });

  const c = traceEvidenceCollector(O);
  for (const e of events) c.event(e);
  const ev = c.finish();

  it('keeps the long wait whole, and the worst wait is its goroutine', () => {
    expect(ev.durationNs).toBe(end);
    const all = ev.schedWait.all;
    expect(all.samples).toBe(1 + 2 + 2 + SPAWNED);
    expect(all.maxNs).toBe(LONG_WAIT);
    expect(all.totalNs).toBe(LONG_WAIT + 1000 + 200 + 500 + 500 + SPAWNED);
    expect(all.worst).toMatchObject({ goroutine: String(W), t0: 10, t1: run1 });
  });

  it('counts a wait before the goroutine was named for the group its name gives; leaves out system goroutines', () => {
    const byName = Object.fromEntries(ev.schedWait.groups.map((g) => [g.name, g]));
    // (main.blocker never waited to run: no group.)
    expect(Object.keys(byName).sort()).toEqual(['main.handler', 'main.spawn', 'main.tie', 'main.worker']);
    expect(byName['main.handler']).toMatchObject({ goroutines: 1, samples: 2, totalNs: 1000 + 200, maxNs: 1000 });
    expect(byName['main.handler'].worst).toMatchObject({ goroutine: '2', t0: 0, t1: 1000 });
    expect(byName['main.worker']).toMatchObject({ goroutines: 1, samples: 1, maxNs: LONG_WAIT });
    expect(byName['main.spawn']).toMatchObject({ goroutines: SPAWNED, samples: SPAWNED, totalNs: SPAWNED });
    // Equal longest waits: the first one's goroutine, its bigint id in full.
    expect(byName['main.tie'].worst).toMatchObject({ goroutine: BIG_ID.toString(), t0: 6000, t1: 6500 });
    // The latency windows hold the same waits (no tasks in this stream).
    expect(ev.latency.source).toBe('sched-wait');
    for (const w of ev.latency.windows) expect(w.counts.reduce((a, b) => a + b, 0)).toBe(ev.schedWait.all.samples);
  });

  it('keeps the blocked stack of a lock wait and the goroutines state', () => {
    expect(ev.lockWait).toMatchObject({ samples: 1, maxNs: 3900 });
    expect(ev.lockWait.worst).toMatchObject({ goroutine: '2', t0: 1100, t1: 5000, stack: ['sync.(*Mutex).Lock', 'main.handler'] });
    // Execution of application goroutines: main.handler twice 100, the two main.tie 50 each, the
    // spawned 1 each, and main.worker from run1 to the end (still running).
    expect(ev.assist).toMatchObject({ assists: 1, assistNs: 1000, worst: { goroutine: String(W), t0: assist, t1: assist + 1000 } });
    expect(ev.assist.appExecNs).toBe(100 + 100 + 50 + 50 + SPAWNED + (end - run1));
    expect(ev.goroutines).toMatchObject({ created: 1 + 2 + SPAWNED + 1, ended: 1 + 2 + SPAWNED });
    expect(ev.goroutines.survivors).toEqual([
      { name: 'main.worker', state: 'running', count: 1 },
      { name: 'main.blocker', state: 'chan receive', count: 1 },
    ]);
  });

  it('finds the mark worker dip after the long gap: utilization 1/2 for 10 ms', () => {
    const want = (ms: number) => Math.round(1e4 * (ms <= 10 ? 0.5 : (10 * 0.5 + (ms - 10)) / ms)) / 1e4;
    expect(ev.mmu.map((m) => m.mmu)).toEqual(MMU_WINDOWS_MS.map(want));
    expect(ev.gcCpu.backgroundShare).toBeGreaterThan(0);
  });
});
