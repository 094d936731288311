// The span stacks of the trace view are sparse (spans.ts SpanStacks: presence bits, a rank
// directory and the non-zero stacks in span order; view.ts SpanStackColumn builds them while
// reading). Checked against dense references, one stack per span:
//  - the accessors (stackAt, stackRank, forEachSpanStack) on random columns;
//  - the builder's column through batches and the final block layout, with more than 2^20
//    spans and 2^20 stacked spans (its chunk boundaries) and values widened past 65535 midway,
//    against a plain stable grouping of the spans by goroutine;
//  - every span of every repository trace (tools/gen programs), at the default batch and at
//    small batches (many regroupings), against the stack of the API event that began it;
//  - coro.trace with most go transitions given a stack of their own (a distinct made-up
//    frame on top of the event's real stack), so that there are more than 65535 stacks and
//    the values widen to 32 bits while reading.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forEachSpanStack, sparseSpanStacks, spanEnd, spanStart, stackAt, stackRank, type SpanStacks } from '../../src/analysis/trace/spans.ts';
import { stackOf, traceEvents, type StackRef, type TraceEvent } from '../../src/analysis/trace/states.ts';
import { ST_SYSCALL, ST_SYSCALL_BLOCKED, SpanBlocks, SpanStackColumn, spanStackOf, spanStateOf, traceViewBuilder, traceViewData, type TraceViewData } from '../../src/analysis/trace/view.ts';
import type { Generation } from '../../src/formats/gotrace/model.ts';
import { readGenerations } from '../../src/formats/gotrace/reader.ts';
import { pprofDisplayName } from '../../src/model/names.ts';
import { rng } from '../helpers/rng';

const TRACES = ['chan', 'coro', 'cpu', 'gc', 'mutex', 'short', 'syscall', 'user'];

function generations(name: string): Generation[] {
  const bytes = new Uint8Array(readFileSync(path.join(import.meta.dirname, '../../testdata/gotrace', `${name}.trace`)));
  return [...readGenerations(bytes)];
}

/** First index where two arrays differ (-1: equal, including lengths). */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return k;
  return a.length === b.length ? -1 : n;
}

function expectSameStacks(got: SpanStacks, want: SpanStacks): void {
  expect(got.values.constructor).toBe(want.values.constructor);
  expect(firstDiff(got.bits, want.bits)).toBe(-1);
  expect(firstDiff(got.rank, want.rank)).toBe(-1);
  expect(firstDiff(got.values, want.values)).toBe(-1);
}

describe('sparse span stacks: accessors', () => {
  for (const [n, density, max] of [
    [1, 1, 10],
    [31, 0.5, 10],
    [32, 1, 10],
    [33, 0.3, 10],
    [129, 0.9, 1000],
    [5000, 0.25, 1000],
    [5000, 0, 1000],
    [20_000, 0.05, 200_000],
  ] as const) {
    it(`${n} spans, ${density * 100}% with a stack, stacks below ${max}`, () => {
      const random = rng(n * 7 + max);
      const dense = Uint32Array.from({ length: n }, () => (random() < density ? 1 + Math.floor(random() * (max - 1)) : 0));
      const s = sparseSpanStacks(dense);
      expect(s.values).toBeInstanceOf(dense.some((v) => v > 0xffff) ? Uint32Array : Uint16Array);
      let before = 0;
      for (let k = 0; k < n; k++) {
        expect(stackAt(s, k)).toBe(dense[k]);
        expect(stackRank(s, k)).toBe(before);
        if (dense[k] !== 0) before++;
      }
      expect(s.values.length).toBe(before);
      for (let q = 0; q < 200; q++) {
        const lo = Math.floor(random() * (n + 1));
        const hi = lo + Math.floor(random() * (n + 1 - lo));
        const want: number[] = [];
        for (let k = lo; k < hi; k++) if (dense[k] !== 0) want.push(k, dense[k]);
        const got: number[] = [];
        forEachSpanStack(s, lo, hi, (k, v) => void got.push(k, v));
        expect(got).toEqual(want);
        // Stopping early: the first stacked span only.
        const first: number[] = [];
        forEachSpanStack(s, lo, hi, (k, v) => (first.push(k, v), false));
        expect(first).toEqual(want.slice(0, 2));
      }
    });
  }
});

describe('sparse span stacks: the builder column through batches and the final layout', () => {
  for (const [what, n, batch, wideFrom] of [
    ['2^20-span batches, values widened midway', 2_600_000, 1 << 20, 1_700_000],
    ['odd batches across chunk boundaries, 16-bit values', 2_300_000, 300_007, Infinity],
    ['small batches', 40_000, 1000, 20_000],
  ] as const) {
    it(what, () => {
      const random = rng(n + batch);
      const nG = 5000;
      // Arrival order: goroutine (skewed: a few have most spans) and stack of each span.
      const g = Uint32Array.from({ length: n }, () => Math.floor(nG * random() ** 3));
      const stack = Uint32Array.from({ length: n }, (_, k) => (random() < 0.55 ? 0 : k >= wideFrom ? 1 + Math.floor(random() * 100_000) : 1 + Math.floor(random() * 900)));
      // What the builder does at each batch end: a stable regrouping by goroutine.
      const column = new SpanStackColumn();
      const blocks = new SpanBlocks();
      const spansOf = new Uint32Array(nG);
      for (let b0 = 0; b0 < n; b0 += batch) {
        const len = Math.min(batch, n - b0);
        const at = new Uint32Array(nG);
        for (let j = 0; j < len; j++) at[g[b0 + j]]++;
        let pos = 0;
        for (let i = 0; i < nG; i++) {
          const c = at[i];
          if (c === 0) continue;
          blocks.add(b0 + pos, c, i);
          spansOf[i] += c;
          at[i] = pos;
          pos += c;
        }
        const byPos = new Uint32Array(len);
        for (let j = 0; j < len; j++) byPos[at[g[b0 + j]]++] = stack[b0 + j];
        column.append(byPos, len);
      }
      // Display order: a random permutation of the goroutines.
      const display = Uint32Array.from({ length: nG }, (_, i) => i);
      for (let i = nG - 1; i > 0; i--) {
        const r = Math.floor(random() * (i + 1));
        [display[i], display[r]] = [display[r], display[i]];
      }
      const gOffsets = new Uint32Array(nG + 1);
      for (let i = 0; i < nG; i++) gOffsets[display[i] + 1] = spansOf[i];
      for (let i = 0; i < nG; i++) gOffsets[i + 1] += gOffsets[i];
      blocks.place(gOffsets, display);
      const got = column.layout(blocks);
      // Reference: each goroutine's spans in arrival order at its display row.
      const fill = gOffsets.slice(0, nG);
      const dense = new Uint32Array(n);
      for (let k = 0; k < n; k++) dense[fill[display[g[k]]]++] = stack[k];
      expect(dense.filter((v) => v !== 0).length).toBeGreaterThan(Math.min(n / 3, 1 << 20));
      expectSameStacks(got, sparseSpanStacks(dense));
    });
  }
});

/** A stack's frames as one string ('' for none): function as the view names it, file:line. */
function refKey(r: StackRef | null): string {
  return stackOf(r)
    .map((f) => `${pprofDisplayName(f.func, f.func)} ${f.file === '' ? '' : `${f.file}:${String(f.line)}`}`)
    .join('|');
}

function viewKey(d: TraceViewData, s: number): string {
  const out: string[] = [];
  for (let j = d.stackOffsets[s]; j < d.stackOffsets[s + 1]; j++) out.push(`${d.frameFunc[d.stackFrames[j]]} ${d.frameLoc[d.stackFrames[j]]}`);
  return out.join('|');
}

const SPAN_STATES = new Set(['Running', 'Runnable', 'Waiting', 'Syscall']);

/** Records, per goroutine id and relative time, the stack of the last transition that began a span then. */
function beganAt(began: Map<string, string>, origin: number) {
  return (e: TraceEvent): void => {
    if (e.kind !== 'go' || e.from === e.to || !SPAN_STATES.has(e.to)) return;
    began.set(`${e.id}@${e.t - origin}`, refKey(e.eventStack ?? e.stack));
  };
}

/**
 * Checks every span's stack against the events: the stack of the transition that began it,
 * or for a syscall whose P was retaken the syscall's, or none (a goroutine first seen
 * mid-trace, in its state since the sync).
 */
function expectStacksOfEvents(d: TraceViewData, began: Map<string, string>): { fromEvent: number; retaken: number; none: number } {
  const want: string[] = [];
  let fromEvent = 0;
  let retaken = 0;
  let none = 0;
  let bad = 0;
  for (let i = 0; i < d.gIds.length; i++) {
    for (let k = d.gOffsets[i]; k < d.gOffsets[i + 1]; k++) {
      const t = spanStart(d.spanTimes, k);
      let w = began.get(`${d.gIds[i]}@${t}`);
      if (w !== undefined) fromEvent++;
      else if (spanStateOf(d.spanKind[k]) === ST_SYSCALL_BLOCKED && k > d.gOffsets[i] && spanStateOf(d.spanKind[k - 1]) === ST_SYSCALL && spanEnd(d.spanTimes, k - 1) === t) {
        w = want[k - 1];
        retaken++;
      } else {
        w = '';
        none++;
      }
      want[k] = w;
      if (viewKey(d, spanStackOf(d, k)) !== w && bad++ < 5) expect(`span ${k} of ${d.gIds[i]}: ${viewKey(d, spanStackOf(d, k))}`).toBe(`span ${k} of ${d.gIds[i]}: ${w}`);
    }
  }
  expect(bad).toBe(0);
  expect(want.length).toBe(d.spanKind.length);
  return { fromEvent, retaken, none };
}

describe('sparse span stacks: every span of the repository traces', () => {
  for (const name of TRACES) {
    it(name, () => {
      const gens = generations(name);
      const d = traceViewData(gens);
      const began = new Map<string, string>();
      traceEvents(gens, beganAt(began, d.originNs));
      const n = expectStacksOfEvents(d, began);
      expect(n.fromEvent).toBeGreaterThan(d.spanKind.length / 3);
      expect(d.spanStack.values.length).toBeGreaterThan(0);
      expect(d.spanStack.values).toBeInstanceOf(Uint16Array);
      if (name === 'syscall') expect(n.retaken).toBeGreaterThan(3);
      // Regrouped in small batches the result is the same.
      for (const batch of [997, 4096]) {
        const small = traceViewData(gens, { batch });
        expect(small.gIds).toEqual(d.gIds);
        expectSameStacks(small.spanStack, d.spanStack);
      }
    });
  }
});

describe('sparse span stacks: more than 65535 stacks (coro.trace, made-up frames)', () => {
  /**
   * The view of coro.trace where go transition r (in stream order) begins its span with a
   * stack of its own — a frame `made.up<r>` on top of the event's stack — unless r % 20 == 0;
   * `began` gets the stacks as the events carry them.
   */
  function withManyStacks(batch: number | undefined, began: Map<string, string>): TraceViewData {
    const gens = generations('coro');
    const origin = Math.min(...gens.map((g) => g.syncTimeNs));
    const b = traceViewBuilder(origin, { batch });
    let cur: Generation | null = null;
    const each = function* (): Generator<Generation> {
      for (const g of gens) {
        cur = g;
        b.generation(g);
        yield g;
      }
    };
    const record = beganAt(began, origin);
    let r = 0;
    traceEvents(
      each(),
      (e: TraceEvent) => {
        if (e.kind === 'go' && e.from !== e.to && SPAN_STATES.has(e.to) && r++ % 20 !== 0) {
          const g = cur!;
          const id = 2 ** 45 + r;
          const real = e.eventStack ?? e.stack;
          const pcs = real === null ? [] : (real.gen.stacks.get(real.id) ?? []);
          g.frames.set(id, { pc: id, func: `made.up${r}`, file: 'made/up.go', line: r, funcId: 0, fileId: 0 });
          g.stacks.set(id, [id, ...pcs]);
          e.eventStack = { gen: g, id };
        }
        record(e);
        b.event(e);
      },
      { reuse: true },
    );
    return b.finish();
  }

  it('widens the values to 32 bits and keeps every span its stack, at any batch size', () => {
    const began = new Map<string, string>();
    const d = withManyStacks(undefined, began);
    expect(d.stackOffsets.length - 1).toBeGreaterThan(0x10000);
    expect(d.spanStack.values).toBeInstanceOf(Uint32Array);
    let big = 0;
    forEachSpanStack(d.spanStack, 0, d.spanKind.length, (_k, s) => void (s > 0xffff && big++));
    expect(big).toBeGreaterThan(1000);
    const n = expectStacksOfEvents(d, began);
    expect(n.fromEvent).toBeGreaterThan(60_000);
    // Some spans keep no stack (transitions left as they were, mostly without one).
    expect(d.spanStack.values.length).toBeLessThan(d.spanKind.length);
    const small = withManyStacks(3001, new Map());
    expect(small.gIds).toEqual(d.gIds);
    expectSameStacks(small.spanStack, d.spanStack);
  });
});
