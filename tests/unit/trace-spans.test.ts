// Compact span times (src/analysis/trace/spans.ts): durations + jumps + marks give back
// exactly the Float64 start/end of every span — rows that tile, rows with gaps, durations at
// and around the 16-bit limit and of 2^32 ns and more, times beyond 2^32 — and the searches
// agree with a plain binary search.
import { describe, expect, it } from 'vitest';
import { rng } from '../helpers/rng';
import { finishSpanTimes, firstSpanEndingAfter, forEachSpan, indexedSpanRow, LONG, MARK, spanDur, spanEnd, spanRow, spanStart, spanTimesF64 } from '../../src/analysis/trace/spans.ts';

/** Rows of spans as Float64 columns plus their compact form. */
function rows(seed: number, nRows: number) {
  const r = rng(seed);
  const start: number[] = [];
  const end: number[] = [];
  const offsets = [0];
  for (let i = 0; i < nRows; i++) {
    let t = Math.floor(r() * 1e12);
    const n = Math.floor(r() * 3 * MARK);
    for (let k = 0; k < n; k++) {
      if (k > 0 && r() < 0.05) t += 1 + Math.floor(r() * 1e6); // a gap
      const x = r();
      const d = x < 0.03 ? 2 ** 32 - 1 + Math.floor(r() * 1e10) : x < 0.06 ? LONG - 2 + Math.floor(r() * 5) : x < 0.1 ? LONG + Math.floor(r() * 1e6) : 1 + Math.floor(r() * 5000);
      start.push(t);
      end.push(t + d);
      t += d;
    }
    offsets.push(start.length);
  }
  const n = start.length;
  const dur = new Uint16Array(n);
  const jumps: [number, number][] = [];
  const longs: [number, number][] = [];
  for (let k = 0; k < n; k++) {
    const d = end[k] - start[k];
    dur[k] = Math.min(d, LONG);
    if (d >= LONG) longs.push([k, d]);
    if (k === 0 || offsets.includes(k) || start[k] !== end[k - 1]) jumps.push([k, start[k]]);
  }
  // The sparse tables may come in any order.
  jumps.reverse();
  const s = finishSpanTimes(
    dur,
    Uint32Array.from(jumps, (j) => j[0]),
    Float64Array.from(jumps, (j) => j[1]),
    Uint32Array.from(longs, (j) => j[0]),
    Float64Array.from(longs, (j) => j[1]),
  );
  return { start, end, offsets, s, n };
}

describe('compact span times', () => {
  for (const seed of [1, 7, 42]) {
    const { start, end, offsets, s, n } = rows(seed, 60);

    it(`seed ${seed}: every start, end and duration is exact`, () => {
      expect(n).toBeGreaterThan(500);
      expect(s.longIdx.length).toBeGreaterThan(0);
      for (let k = 0; k < n; k++) {
        expect(spanStart(s, k)).toBe(start[k]);
        expect(spanEnd(s, k)).toBe(end[k]);
        expect(spanDur(s, k)).toBe(end[k] - start[k]);
      }
      const f = spanTimesF64(s, n);
      expect(Array.from(f.start)).toEqual(start);
      expect(Array.from(f.end)).toEqual(end);
    });

    it(`seed ${seed}: searches and windowed walks agree with the Float64 columns`, () => {
      const r = rng(seed + 100);
      for (let i = 0; i + 1 < offsets.length; i++) {
        const lo = offsets[i];
        const hi = offsets[i + 1];
        if (hi === lo) continue;
        for (let q = 0; q < 20; q++) {
          const t = start[lo] - 10 + r() * (end[hi - 1] - start[lo] + 20);
          let want = lo;
          while (want < hi && end[want] <= t) want++;
          expect(firstSpanEndingAfter(s, lo, hi, t)).toBe(want);
          expect(spanRow(s).firstEndingAfter(lo, hi, t)).toBe(want);
          const t1 = t + r() * 1e7;
          const got: number[][] = [];
          forEachSpan(s, lo, hi, t, t1, (k, a, b) => void got.push([k, a, b]));
          const exp: number[][] = [];
          for (let k = want; k < hi && start[k] < t1; k++) exp.push([k, start[k], end[k]]);
          expect(got).toEqual(exp);
        }
      }
    });
  }

  it('rows indexing goroutine spans (P rows) read their times and search by end', () => {
    const { start, end, offsets, s } = rows(3, 10);
    // Every other span of the longest row (a P runs spans of many goroutines, in time order).
    let best = 0;
    for (let i = 1; i + 1 < offsets.length; i++) if (offsets[i + 1] - offsets[i] > offsets[best + 1] - offsets[best]) best = i;
    const index = Uint32Array.from({ length: (offsets[best + 1] - offsets[best]) >> 1 }, (_, j) => offsets[best] + 2 * j);
    expect(index.length).toBeGreaterThan(4);
    const row = indexedSpanRow(s, index);
    for (let j = 0; j < index.length; j++) {
      expect(row.start(j)).toBe(start[index[j]]);
      expect(row.end(j)).toBe(end[index[j]]);
    }
    expect(row.firstEndingAfter(0, index.length, end[index[2]])).toBe(3);
    expect(row.firstEndingAfter(0, index.length, end[index[2]] - 1)).toBe(2);
  });
});
