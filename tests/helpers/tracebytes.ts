// Byte builders for hand-made Go trace inputs (edge cases of the trace reader and the
// ordering state machine that real traces do not reliably contain).

/** Unsigned LEB128 as Go's trace writer encodes it; `padTo` forces a longer encoding. */
export function uv(v: number | bigint, padTo = 0): number[] {
  let x = BigInt(v);
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x !== 0n) b |= 0x80;
    out.push(b);
  } while (x !== 0n);
  while (out.length < padTo) {
    out[out.length - 1] |= 0x80;
    out.push(0);
  }
  return out;
}
