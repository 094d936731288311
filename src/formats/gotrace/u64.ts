// Exact unsigned 64-bit values without paying for a BigInt on every number.
//
// A U64 is a JS number when the value is at most 2^53-1 and a bigint otherwise, so equal
// values always have the same representation (usable as Map keys). The all-ones value
// 2^64-1 is Go's "none" sentinel (NoThread, NoProc, NoTask) and is a bigint.
//
// Inside typed arrays the reader stores U64s as float64 "codes": a code >= 0 is the value
// itself, -1 stands for 2^64-1, and a code <= -2 is an index into a side table of bigints
// (-2 - code). See decodeU64Code().

export type U64 = number | bigint;

export const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** Normalises a bigint to the canonical U64 representation. */
export function u64FromBig(v: bigint): U64 {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** True for Go's none sentinel (2^64-1). */
export function isNone(v: U64): boolean {
  return v === U64_MAX;
}

/** The value as a bigint. */
export function u64ToBig(v: U64): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** Decimal string, e.g. for messages and comparison with Go's output. */
export function u64String(v: U64): string {
  return v.toString();
}

/** Decodes a float64 code (see the file comment) against its side table. */
export function decodeU64Code(code: number, bigs: readonly bigint[]): U64 {
  if (code >= 0) return code;
  if (code === -1) return U64_MAX;
  const b = bigs[-2 - code];
  if (b === undefined) throw new RangeError(`bad U64 code ${code}`);
  return b;
}
