// IdIndex (formats/gotrace/idIndex.ts) must behave as a Map from goroutine id to number for
// every kind of id a trace has: Go's small sequential numbers (array), numbers far past the
// count (a Map, and still found there once the array has grown past them), 64-bit ids kept
// as bigints, and values replaced when a goroutine is seen again.
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../src/formats/gotrace/idIndex';
import type { U64 } from '../../src/formats/gotrace/u64';
import { rng } from '../helpers/rng';

function check(ix: IdIndex, oracle: Map<U64, number>, probes: U64[]): void {
  for (const id of probes) expect(ix.get(id), `id ${String(id)}`).toBe(oracle.get(id) ?? -1);
}

describe('IdIndex', () => {
  it('matches a Map on random operations over every kind of id', () => {
    const random = rng(7);
    const ix = new IdIndex();
    const oracle = new Map<U64, number>();
    const ids: U64[] = [];
    const pick = (): U64 => {
      const r = random();
      if (r < 0.7) return 1 + Math.floor(random() * 5000); // Go's numbering
      if (r < 0.8) return 50_000 + Math.floor(random() * 200_000); // past the bound at first
      if (r < 0.9) return 2n ** 63n + BigInt(Math.floor(random() * 100)); // above 2^53
      return Math.floor(random() * 3); // 0, 1, 2
    };
    for (let op = 0; op < 60_000; op++) {
      const id = ids.length > 0 && random() < 0.3 ? ids[Math.floor(random() * ids.length)] : pick();
      const v = Math.floor(random() * 1e6);
      ix.set(id, v);
      oracle.set(id, v);
      ids.push(id);
      if (op % 5000 === 0) check(ix, oracle, [...oracle.keys(), 3.5, -1, 10 ** 9, 2n ** 64n - 1n]);
    }
    check(ix, oracle, [...oracle.keys()]);
    // Numbers first placed past the bound and later under the grown array are still found.
    expect([...oracle.keys()].some((id) => typeof id === 'number' && id > 50_000)).toBe(true);
  });

  it('an id set past the bound is found after the array grows over it', () => {
    const ix = new IdIndex();
    ix.set(9000, 1); // past 8 × (1 + 1024) = 8200: kept in the Map
    for (let id = 1; id <= 2000; id++) ix.set(id, id + 10); // the bound is now 8 × 3025
    ix.set(9500, 3); // in the array, which grows past 9000
    expect(ix.get(9500)).toBe(3);
    expect(ix.get(9000)).toBe(1);
    ix.set(9000, 2);
    expect(ix.get(9000)).toBe(2);
    expect(ix.get(1500)).toBe(1510);
    expect(ix.get(2001)).toBe(-1);
    ix.release();
    expect(ix.get(1500)).toBe(-1);
  });
});
