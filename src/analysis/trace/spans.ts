// Compact span times for the trace Timeline: a big trace has tens of millions of goroutine
// state spans (29M for a 110 MB trace), so two Float64 times per span (16 B) were most of
// the tab's memory. A goroutine's spans tile its lifetime (each begins where the previous
// one ended), so a span needs only its duration:
//   dur[k]     duration in ns (Uint16); LONG marks one of 65535 ns or more, whose exact
//              duration is in longNs at its position k in longIdx (sorted). Most spans are
//              far shorter (99% of a 25 MB trace's 6.4M spans, 83% under 256 ns), so the
//              sparse table holds ~1% of them
//   jump bit   set for a span that does not begin where span k−1 ended (the first span of
//              every row, and any gap); its start is jumpStart at k's position in jumpIdx
//   mark[m]    the start of span m·MARK (random access walks at most MARK−1 durations)
// Times stay exact: integers (ns relative to the trace origin) below 2^53.
// About 2.7 B per span instead of 16.

/** A mark every 16 spans. */
export const MARK_SHIFT = 4;
export const MARK = 1 << MARK_SHIFT;
/** dur value of a span whose duration is in longNs. */
export const LONG = 0xffff;

export interface SpanTimes {
  dur: Uint16Array;
  longIdx: Uint32Array;
  longNs: Float64Array;
  /** Bit k set: span k starts at jumpStart[position of k in jumpIdx]. */
  jumpBits: Uint8Array;
  jumpIdx: Uint32Array;
  jumpStart: Float64Array;
  mark: Float64Array;
}

/** First index i in [lo, hi) with a[i] >= v (hi if none). */
function lowerBound(a: Uint32Array, v: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m] < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

export function spanDur(s: SpanTimes, k: number): number {
  const d = s.dur[k];
  return d === LONG ? s.longNs[lowerBound(s.longIdx, k)] : d;
}

function isJump(s: SpanTimes, k: number): boolean {
  return (s.jumpBits[k >>> 3] & (1 << (k & 7))) !== 0;
}

export function spanStart(s: SpanTimes, k: number): number {
  let j = (k >>> MARK_SHIFT) << MARK_SHIFT;
  let t = s.mark[k >>> MARK_SHIFT];
  for (; j < k; j++) t = isJump(s, j + 1) ? s.jumpStart[lowerBound(s.jumpIdx, j + 1)] : t + spanDur(s, j);
  return t;
}

export function spanEnd(s: SpanTimes, k: number): number {
  return spanStart(s, k) + spanDur(s, k);
}

/** First span of [lo, hi) ending after t (hi if none); spans of a row end in increasing order. */
export function firstSpanEndingAfter(s: SpanTimes, lo: number, hi: number, t: number): number {
  // Binary search on the marks inside the range, then walk.
  let a = (lo + MARK - 1) >>> MARK_SHIFT;
  let b = hi === 0 ? 0 : ((hi - 1) >>> MARK_SHIFT) + 1;
  // Marks m in [a, b) lie in [lo, hi): find the last one whose span starts at or before t.
  let base = lo;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (s.mark[m] <= t) {
      base = m << MARK_SHIFT;
      a = m + 1;
    } else b = m;
  }
  let start = spanStart(s, base);
  for (let k = base; k < hi; k++) {
    if (k > base) start = isJump(s, k) ? s.jumpStart[lowerBound(s.jumpIdx, k)] : start;
    const end = start + spanDur(s, k);
    if (end > t) return k;
    start = end;
  }
  return hi;
}

/**
 * Calls visit(k, start, end) for the spans of [lo, hi) overlapping [t0, t1) (all of them
 * for t0 = −∞, t1 = +∞), in order, walking the durations: a pass over a row costs what
 * a pass over Float64 columns costs.
 */
export function forEachSpan(s: SpanTimes, lo: number, hi: number, t0: number, t1: number, visit: (k: number, start: number, end: number) => boolean | void): void {
  let k = t0 === -Infinity ? lo : firstSpanEndingAfter(s, lo, hi, t0);
  if (k >= hi) return;
  let start = spanStart(s, k);
  for (; k < hi; k++) {
    if (isJump(s, k)) start = s.jumpStart[lowerBound(s.jumpIdx, k)];
    if (start >= t1) break;
    const end = start + spanDur(s, k);
    if (visit(k, start, end) === false) break;
    start = end;
  }
}

/**
 * Rows of sorted, non-overlapping spans as the views read them: start and end of span k,
 * and the first span of [lo, hi) ending after t.
 */
export interface SpanRow {
  start(k: number): number;
  end(k: number): number;
  firstEndingAfter(lo: number, hi: number, t: number): number;
}

/** Goroutine rows. */
export function spanRow(s: SpanTimes): SpanRow {
  return { start: (k) => spanStart(s, k), end: (k) => spanEnd(s, k), firstEndingAfter: (lo, hi, t) => firstSpanEndingAfter(s, lo, hi, t) };
}

/** Rows whose entries are goroutine spans by index (the per-P running spans). */
export function indexedSpanRow(s: SpanTimes, index: Uint32Array): SpanRow {
  const end = (j: number) => spanEnd(s, index[j]);
  return {
    start: (j) => spanStart(s, index[j]),
    end,
    firstEndingAfter: (lo, hi, t) => {
      while (lo < hi) {
        const m = (lo + hi) >>> 1;
        if (end(m) > t) hi = m;
        else lo = m + 1;
      }
      return lo;
    },
  };
}

/** Float64 columns as a SpanRow (tests; rows that keep plain times). */
export function f64SpanRow(start: Float64Array, end: Float64Array): SpanRow {
  return {
    start: (k) => start[k],
    end: (k) => end[k],
    firstEndingAfter: (lo, hi, t) => {
      while (lo < hi) {
        const m = (lo + hi) >>> 1;
        if (end[m] > t) hi = m;
        else lo = m + 1;
      }
      return lo;
    },
  };
}

/** Span times as Float64 pairs (tests, small exports). */
export function spanTimesF64(s: SpanTimes, n: number): { start: Float64Array; end: Float64Array } {
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  forEachSpan(s, 0, n, -Infinity, Infinity, (k, a, b) => {
    start[k] = a;
    end[k] = b;
  });
  return { start, end };
}

export function spanTimesTransferables(s: SpanTimes): ArrayBuffer[] {
  return [s.dur, s.longIdx, s.longNs, s.jumpBits, s.jumpIdx, s.jumpStart, s.mark].map((a) => a.buffer as ArrayBuffer);
}

/**
 * Span times from durations in final order plus the sparse tables: `jumps` (span index,
 * start) and `longs` (span index, duration) in any order. Fills in the jump bits and marks.
 */
export function finishSpanTimes(dur: Uint16Array, jumpIdx: Uint32Array, jumpStart: Float64Array, longIdx: Uint32Array, longNs: Float64Array): SpanTimes {
  const n = dur.length;
  const sortPairs = (idx: Uint32Array, v: Float64Array): void => {
    const order = Array.from(idx.keys()).sort((a, b) => idx[a] - idx[b]);
    const i2 = Uint32Array.from(order, (o) => idx[o]);
    const v2 = Float64Array.from(order, (o) => v[o]);
    idx.set(i2);
    v.set(v2);
  };
  sortPairs(jumpIdx, jumpStart);
  sortPairs(longIdx, longNs);
  const jumpBits = new Uint8Array((n + 7) >>> 3);
  for (const k of jumpIdx) jumpBits[k >>> 3] |= 1 << (k & 7);
  const mark = new Float64Array((n + MARK - 1) >>> MARK_SHIFT);
  let t = 0;
  let q = 0;
  let l = 0;
  for (let k = 0; k < n; k++) {
    if (q < jumpIdx.length && jumpIdx[q] === k) t = jumpStart[q++];
    if ((k & (MARK - 1)) === 0) mark[k >>> MARK_SHIFT] = t;
    let d = dur[k];
    if (d === LONG) d = longNs[l++];
    t += d;
  }
  return { dur, longIdx, longNs, jumpBits, jumpIdx, jumpStart, mark };
}

// Span stacks, sparse: most spans have no stack (77% of a 110 MB trace's 29M spans, 71% of
// a 25 MB one's: Go writes the events that begin them without one, e.g. a goroutine being
// scheduled to run), so a column of one stack index per span (2 B) was mostly zeros. Instead:
//   bits[w]    bit k set (word k >>> 5, bit k & 31): span k has a stack
//   rank[b]    set bits before word b·RANK_WORDS (a span's value index is this plus the
//              set bits of at most RANK_WORDS words)
//   values     the stacks of the spans that have one, in span order (16 bits while there
//              are at most 65535 stacks, else 32)
// 1.25 bits per span plus 16 per stacked span instead of 16 per span (17.5 MiB instead of
// 55.9 for the 29M spans).

/** A rank entry every RANK_WORDS bit words (128 spans). */
export const RANK_SHIFT = 2;
export const RANK_WORDS = 1 << RANK_SHIFT;

export interface SpanStacks {
  bits: Uint32Array;
  rank: Uint32Array;
  values: Uint16Array | Uint32Array;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** The rank directory of presence bits (SpanStacks.rank). */
export function rankDirectory(bits: Uint32Array): Uint32Array {
  const rank = new Uint32Array((bits.length + RANK_WORDS - 1) >>> RANK_SHIFT);
  let r = 0;
  for (let w = 0; w < bits.length; w++) {
    if ((w & (RANK_WORDS - 1)) === 0) rank[w >>> RANK_SHIFT] = r;
    r += popcount32(bits[w]);
  }
  return rank;
}

/** Spans before span k that have a stack (k's value index when it has one). */
export function stackRank(s: Pick<SpanStacks, 'bits' | 'rank'>, k: number): number {
  const w = k >>> 5;
  let r = s.rank[w >>> RANK_SHIFT];
  for (let j = (w >>> RANK_SHIFT) << RANK_SHIFT; j < w; j++) r += popcount32(s.bits[j]);
  return r + popcount32(s.bits[w] & ((1 << (k & 31)) - 1));
}

/** The stack of span k (0: none). */
export function stackAt(s: SpanStacks, k: number): number {
  const bit = 1 << (k & 31);
  return (s.bits[k >>> 5] & bit) === 0 ? 0 : s.values[stackRank(s, k)];
}

/**
 * Calls visit(k, stack) for the spans of [lo, hi) that have a stack, in order (stops when it
 * returns false): the cost is the words of the range plus the stacked spans, not the spans.
 */
export function forEachSpanStack(s: SpanStacks, lo: number, hi: number, visit: (k: number, stack: number) => boolean | void): void {
  if (lo >= hi) return;
  let r = stackRank(s, lo);
  const last = (hi - 1) >>> 5;
  let w = lo >>> 5;
  let word = s.bits[w] & (-1 << (lo & 31));
  for (;;) {
    if (w === last && (hi & 31) !== 0) word &= (1 << (hi & 31)) - 1;
    while (word !== 0) {
      const low = word & -word;
      if (visit(w * 32 + 31 - Math.clz32(low), s.values[r++]) === false) return;
      word ^= low;
    }
    if (++w > last) return;
    word = s.bits[w];
  }
}

/** Span stacks from one stack per span (tests; small data). */
export function sparseSpanStacks(dense: ArrayLike<number>): SpanStacks {
  const bits = new Uint32Array((dense.length + 31) >>> 5);
  let m = 0;
  let wide = false;
  for (let k = 0; k < dense.length; k++) {
    if (dense[k] === 0) continue;
    bits[k >>> 5] |= 1 << (k & 31);
    m++;
    if (dense[k] > 0xffff) wide = true;
  }
  const values = wide ? new Uint32Array(m) : new Uint16Array(m);
  m = 0;
  for (let k = 0; k < dense.length; k++) if (dense[k] !== 0) values[m++] = dense[k];
  return { bits, rank: rankDirectory(bits), values };
}

export function spanStacksTransferables(s: SpanStacks): ArrayBuffer[] {
  return [s.bits, s.rank, s.values].map((a) => a.buffer as ArrayBuffer);
}
