// The merge skeleton (frontier heap, CPU sample interleaving, Sync items, monotonic times)
// with simple ordering policies; the real ordering state machine plugs in later.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/formats/errors.ts';
import { Ev, GenerationFrontier, mergeGenerations, readGoTrace, type Generation, type MergedItem } from '../../src/formats/gotrace/index.ts';
import { corpusPath, describeCorpus } from '../helpers/corpus.ts';
import { uv } from '../helpers/tracebytes';

const always = () => true;

const NONE = 0xffff_ffff_ffff_ffffn;
function batch(gen: number, m: number | bigint, time: number, data: number[]): number[] {
  return [Ev.EventBatch, ...uv(gen), ...uv(m), ...uv(time), ...uv(data.length), ...data];
}
function ev(type: number, ...args: number[]): number[] {
  return [type, ...args.flatMap((a) => uv(a))];
}
function trace(batches: number[][]): Generation[] {
  const h = Array.from(new TextEncoder().encode('go 1.22 trace\0\0\0'));
  const r = readGoTrace(new Uint8Array([...h, ...batch(1, NONE, 1, ev(Ev.Frequency, 1_000_000_000)), ...batches.flat()]));
  expect(r.warning).toBeNull();
  return r.list;
}

function checkInvariants(items: MergedItem[], gens: Generation[]): void {
  let last = -Infinity;
  for (const it of items) {
    expect(it.timeNs).toBeGreaterThan(last);
    last = it.timeNs;
  }
  for (const g of gens) {
    const evs = items.filter((i): i is Extract<MergedItem, { kind: 'event' }> => i.kind === 'event' && i.gen === g);
    expect(evs.length).toBe(g.events.count);
    expect(new Set(evs.map((e) => e.ev)).size).toBe(g.events.count);
    // Program order per M.
    const lastByM = new Map<unknown, number>();
    for (const e of evs) {
      expect(e.ev).toBeGreaterThan(lastByM.get(e.m) ?? -1);
      lastByM.set(e.m, e.ev);
    }
    expect(items.filter((i) => i.kind === 'cpu' && i.gen === g).length).toBe(g.cpuSamples.count);
  }
  const syncs = items.filter((i) => i.kind === 'sync');
  expect(syncs.map((s) => (s as { n: number }).n)).toEqual(syncs.map((_, k) => k + 1));
  expect(syncs.length).toBe(gens.length + 1);
}

describe('gotrace frontier (synthetic)', () => {
  it('merges Ms by time and converts ticks like Go', () => {
    const gens = trace([batch(1, 1, 100, [...ev(Ev.ProcStop, 5), ...ev(Ev.ProcStop, 20)]), batch(1, 2, 110, [...ev(Ev.ProcStop, 1), ...ev(Ev.ProcStop, 100)])]);
    const items = [...mergeGenerations(gens, always)];
    expect(items.map((i) => [i.kind, i.timeNs, 'm' in i ? i.m : null])).toEqual([
      ['sync', 1, null],
      ['event', 105, 1],
      ['event', 111, 2],
      ['event', 125, 1],
      ['event', 211, 2],
      ['sync', 212, null],
    ]);
    checkInvariants(items, gens);
  });

  it('equal times are bumped to stay strictly increasing', () => {
    const gens = trace([batch(1, 1, 50, [...ev(Ev.ProcStop, 0), ...ev(Ev.ProcStop, 0)]), batch(1, 2, 50, ev(Ev.ProcStop, 0))]);
    const items = [...mergeGenerations(gens, always)];
    expect(items.map((i) => i.timeNs)).toEqual([1, 50, 51, 52, 53]);
    checkInvariants(items, gens);
  });

  it('a waiting heap top lets the others go first (fallback path)', () => {
    // M1's first event must wait until M2's event has happened.
    const gens = trace([batch(1, 1, 10, ev(Ev.ProcStop, 1)), batch(1, 2, 20, ev(Ev.ProcStop, 1)), batch(1, 3, 30, ev(Ev.ProcStop, 1))]);
    const g = gens[0];
    let m2done = false;
    const order: unknown[] = [];
    for (const it of mergeGenerations(gens, (_g, _ev, m) => {
      if (m === 1 && !m2done) return false;
      if (m === 2) m2done = true;
      return true;
    })) {
      if (it.kind === 'event') order.push(it.m);
    }
    expect(order).toEqual([2, 1, 3]);
    expect(g.events.count).toBe(3);
  });

  it('no cursor can advance: DecodeError', () => {
    const gens = trace([batch(1, 1, 10, ev(Ev.ProcStop, 1))]);
    const f = new GenerationFrontier(gens[0]);
    expect(() => f.next(() => false)).toThrow(DecodeError);
    expect(() => f.next(() => false)).toThrow(/failed to advance/);
  });
});

describeCorpus('gotrace', 'gotrace frontier (corpus)', () => {
  const load = (p: string) => readGoTrace(new Uint8Array(readFileSync(corpusPath('gotrace', 'derived/src/internal/trace/testdata/tests', p)))).list;

  it('Sync times match Go reader_test.go: go123-sync 10,40,60,63 and go125-sync 9,38,58,83', () => {
    const s = (p: string) => [...mergeGenerations(load(p), always)].filter((i) => i.kind === 'sync').map((i) => i.timeNs);
    expect(s('go123-sync.trace')).toEqual([10, 40, 60, 63]);
    expect(s('go125-sync.trace')).toEqual([9, 38, 58, 83]);
  });

  it.each(['go122-gc-stress.trace', 'go122-annotations-stress.trace', 'go122-confuse-seq-across-generations.trace', 'go122-task-across-generations.trace'])(
    '%s: every event once, program order per M, increasing times',
    (p) => {
      const gens = load(p);
      checkInvariants([...mergeGenerations(gens, always)], gens);
    },
  );
});
