// The span columns' batch regrouping (view.ts regroupChunks) moves values within fixed-size
// chunks of 2^20 entries: in place when the batch lies in one chunk (the default batch is one
// chunk), across chunks otherwise (other batch sizes). Both must move every value to
// start + dest[j] and touch nothing else.
import { describe, expect, it } from 'vitest';
import { regroupChunks } from '../../src/analysis/trace/view';
import { rng } from '../helpers/rng';

const CHUNK = 1 << 20;

function naive(values: number[], start: number, dest: Uint32Array): number[] {
  const out = values.slice();
  for (let j = 0; j < dest.length; j++) out[start + dest[j]] = values[start + j];
  return out;
}

describe('regroupChunks', () => {
  for (const [what, start, n] of [
    ['inside one chunk', 100, 50],
    ['a whole chunk', CHUNK, CHUNK],
    ['across a chunk boundary', CHUNK - 7, 20],
    ['across two boundaries', CHUNK - 3, CHUNK + 10],
  ] as const) {
    it(what, () => {
      const random = rng(start + n);
      for (const make of [(k: number) => new Uint8Array(k), (k: number) => new Uint16Array(k), (k: number) => new Uint32Array(k)]) {
        const chunks = [make(CHUNK), make(CHUNK), make(CHUNK)];
        const max = chunks[0].BYTES_PER_ELEMENT === 4 ? 2 ** 32 : 2 ** (8 * chunks[0].BYTES_PER_ELEMENT);
        const values: number[] = [];
        for (let k = 0; k < 3 * CHUNK; k++) {
          const v = Math.floor(random() * max);
          chunks[k >>> 20][k & (CHUNK - 1)] = v;
          values.push(v);
        }
        // A random permutation of 0 .. n-1.
        const dest = Uint32Array.from({ length: n }, (_, j) => j);
        for (let j = n - 1; j > 0; j--) {
          const r = Math.floor(random() * (j + 1));
          [dest[j], dest[r]] = [dest[r], dest[j]];
        }
        const want = naive(values, start, dest);
        regroupChunks(chunks, start, dest);
        const got: number[] = [];
        for (let k = 0; k < 3 * CHUNK; k++) got.push(chunks[k >>> 20][k & (CHUNK - 1)]);
        expect(got.length).toBe(want.length);
        let firstDiff = -1;
        for (let k = 0; k < got.length && firstDiff < 0; k++) if (got[k] !== want[k]) firstDiff = k;
        expect(firstDiff).toBe(-1);
      }
    });
  }
});
