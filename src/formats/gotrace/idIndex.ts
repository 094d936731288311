// Goroutine id -> a number for it (the ordering's slot, a summary index, a timeline row). A
// big trace has hundreds of thousands of goroutines and the ordering and each consumer of its
// events keep such an index while the trace is read, where a Map entry costs ~40 bytes. Go
// numbers goroutines 1, 2, 3… (a few skipped), so whole-number ids below a bound proportional
// to the count index an Int32Array (4 bytes an id); bigints and ids far past the count stay
// in a Map.

import type { U64 } from './u64';
import { releaseArray } from '../../model/release';

/** Whole-number ids below SPREAD × (ids set + SLACK) go to the array. */
const SPREAD = 8;
const SLACK = 1024;

export class IdIndex {
  /** Value + 1 by id (0: not set). */
  private byNumber = new Int32Array(0);
  /** Ids not in byNumber, keyed by the raw id (an id keeps one representation through a trace). */
  private readonly others = new Map<U64, number>();
  /** Ids set (each counted once). */
  private count = 0;

  /** Number of distinct ids set. */
  get size(): number {
    return this.count;
  }

  /** The value set for `id`, -1 if none. */
  get(id: U64): number {
    if (typeof id === 'number' && id < this.byNumber.length) {
      const v = this.byNumber[id];
      if (v > 0) return v - 1;
    }
    return this.others.size === 0 ? -1 : (this.others.get(id) ?? -1);
  }

  /** Sets `id`'s value (>= 0), replacing an earlier one. */
  set(id: U64, value: number): void {
    if (typeof id === 'number' && id < this.byNumber.length && this.byNumber[id] > 0) {
      this.byNumber[id] = value + 1;
      return;
    }
    if (this.others.has(id)) {
      this.others.set(id, value);
      return;
    }
    this.count++;
    const bound = SPREAD * (this.count + SLACK);
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < bound) {
      if (id >= this.byNumber.length) {
        const wider = new Int32Array(Math.min(bound, Math.max(id + 1, 2 * this.byNumber.length)));
        wider.set(this.byNumber);
        releaseArray(this.byNumber);
        this.byNumber = wider;
      }
      this.byNumber[id] = value + 1;
    } else this.others.set(id, value);
  }

  /** Frees the index (nothing can be looked up after). */
  release(): void {
    releaseArray(this.byNumber);
    this.byNumber = new Int32Array(0);
    this.others.clear();
    this.count = 0;
  }
}
