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

// ---------------------------------------------------------------------------------------
// Uvarint decoding (LEB128, at most 10 bytes, the 10th byte at most 1 — like Go's
// encoding/binary.Uvarint). Results go to module-level slots to avoid allocating.

/** Status codes of readUvarint. */
export const UV_OK = 0;
export const UV_NEED_MORE = -1;
export const UV_OVERFLOW = -2;

/** Value of the last successful readUvarint (canonical U64). */
export let uvValue: U64 = 0;
/** Position just after the last successfully read uvarint. */
export let uvPos = 0;

/**
 * Reads one uvarint from buf[pos..end). Returns UV_OK (value in uvValue, next position in
 * uvPos), UV_NEED_MORE when the bytes ran out first, or UV_OVERFLOW for a value that does
 * not fit 64 bits or uses more than 10 bytes.
 */
export function readUvarint(buf: Uint8Array, pos: number, end: number): number {
  let num = 0;
  let mul = 1;
  let i = 0;
  // Fast path: up to 7 bytes (49 bits) always fit exactly in a double.
  for (; i < 7; i++) {
    if (pos + i >= end) return UV_NEED_MORE;
    const b = buf[pos + i];
    num += (b & 0x7f) * mul;
    if (b < 0x80) {
      uvValue = num;
      uvPos = pos + i + 1;
      return UV_OK;
    }
    mul *= 128;
  }
  // Bytes 8..10: shifts 49, 56, 63. Only switch to BigInt when payload bits are set
  // (runtime-padded varints have zero payload in these bytes).
  let big: bigint | null = null;
  for (; i < 10; i++) {
    if (pos + i >= end) return UV_NEED_MORE;
    const b = buf[pos + i];
    if (i === 9 && b > 1) return UV_OVERFLOW;
    const payload = b & 0x7f;
    if (payload !== 0) {
      if (big === null) big = BigInt(num);
      big += BigInt(payload) << BigInt(7 * i);
    }
    if (b < 0x80) {
      uvValue = big === null ? num : u64FromBig(big);
      uvPos = pos + i + 1;
      return UV_OK;
    }
  }
  return UV_OVERFLOW;
}
