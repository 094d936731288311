// Counts the header, the top table and the dump view print: the noun is singular for exactly
// one and plural otherwise (including zero), with the count grouped as the page's locale does.
import { describe, expect, it } from 'vitest';
import { fmtCount, nounFor } from '../../src/views/format';

describe('fmtCount / nounFor', () => {
  it('singular only for exactly one', () => {
    expect(nounFor(1, 'goroutine')).toBe('goroutine');
    expect(nounFor(0, 'goroutine')).toBe('goroutines');
    expect(nounFor(2, 'group')).toBe('groups');
    expect(nounFor(1, 'entry', 'entries')).toBe('entry');
    expect(nounFor(3, 'entry', 'entries')).toBe('entries');
  });
  it('the count with its noun', () => {
    expect(fmtCount(1, 'sample')).toBe('1 sample');
    expect(fmtCount(0, 'function')).toBe('0 functions');
    expect(fmtCount(2048, 'sample')).toBe(`${(2048).toLocaleString()} samples`);
    expect(fmtCount(1, 'entry', 'entries')).toBe('1 entry');
    expect(fmtCount(7, 'entry', 'entries')).toBe('7 entries');
  });
});
