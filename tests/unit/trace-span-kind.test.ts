// A span's state and block reason share one column (view.ts spanKind): 8 bits while a trace
// has at most 31 reasons, widened to 16 and then 32 bits when a later span needs more. Go
// writes about 20 reasons, so the wide paths are driven by the real event streams of
// testdata traces whose waiting transitions get their reason suffixed with a number derived
// from the event's time (the rank of that time among the waiting transitions' times, modulo
// m, also where Go gave no reason; the times themselves are multiples of the trace's tick): every span must keep its state,
// and every waiting span the reason of the transition that began it, exactly as without the
// suffixes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spanStart } from '../../src/analysis/trace/spans.ts';
import { traceEvents, type TraceEvent } from '../../src/analysis/trace/states.ts';
import { ST_WAITING, spanReasonOf, spanStateOf, traceViewBuilder, traceViewData, type TraceViewData } from '../../src/analysis/trace/view.ts';
import type { Generation } from '../../src/formats/gotrace/model.ts';
import { readGenerations } from '../../src/formats/gotrace/reader.ts';

function generations(name: string): Generation[] {
  const bytes = new Uint8Array(readFileSync(path.join(import.meta.dirname, '../../testdata/gotrace', name)));
  return [...readGenerations(bytes)];
}

/** traceViewData with every waiting transition's reason suffixed by `#(rank of t mod m)`;
 * `rank` is filled with the ranks. */
function withManyReasons(gens: Generation[], m: number, rank: Map<number, number>): TraceViewData {
  const origin = Math.min(...gens.map((g) => g.syncTimeNs));
  const b = traceViewBuilder(origin);
  const each = function* (): Generator<Generation> {
    for (const g of gens) {
      b.generation(g);
      yield g;
    }
  };
  traceEvents(
    each(),
    (e: TraceEvent) => {
      if (e.kind === 'go' && e.to === 'Waiting') {
        if (!rank.has(e.t)) rank.set(e.t, rank.size);
        e.reason = `${e.reason}#${rank.get(e.t)! % m}`;
      }
      b.event(e);
    },
    { reuse: true },
  );
  return b.finish();
}

describe('span kinds (state + reason in one column)', () => {
  for (const [trace, m, width] of [
    ['mutex.trace', 40, Uint16Array],
    ['coro.trace', 9000, Uint32Array],
  ] as const) {
    it(`${trace}: ${m} reasons per base reason → ${width.name}`, () => {
      const gens = generations(trace);
      const plain = traceViewData(gens);
      const rank = new Map<number, number>();
      const many = withManyReasons(gens, m, rank);
      expect(plain.spanKind).toBeInstanceOf(Uint8Array);
      expect(many.reasons.length).toBeGreaterThan(width === Uint16Array ? 32 : 8192);
      expect(many.spanKind).toBeInstanceOf(width);
      expect(many.spanKind.length).toBe(plain.spanKind.length);
      expect(many.gIds).toEqual(plain.gIds);
      let waiting = 0;
      for (let k = 0; k < plain.spanKind.length; k++) {
        const st = spanStateOf(plain.spanKind[k]);
        expect(spanStateOf(many.spanKind[k])).toBe(st);
        const base = plain.reasons[spanReasonOf(plain.spanKind[k])];
        const got = many.reasons[spanReasonOf(many.spanKind[k])];
        // A waiting span begun by a transition (not one of a goroutine first seen waiting).
        const r = st === ST_WAITING ? rank.get(spanStart(many.spanTimes, k) + many.originNs) : undefined;
        if (r === undefined) {
          expect(got).toBe(base);
          continue;
        }
        waiting++;
        expect(got).toBe(`${base}#${r % m}`);
      }
      expect(waiting).toBeGreaterThan(100);
    });
  }
});
