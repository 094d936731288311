// Binary CPU "profilez" (gperftools, Go before 1.9, Java agents), after pprof's
// parseCPU / cpuProfile / parseCPUSamples / javaCPUProfile.
//
// Layout: words of 32 or 64 bits in either byte order (all four are tried, in pprof's
// order 32LE, 32BE, 64LE, 64BE). Header `0, 3, 0|1, period_us, 0`; records
// `count, n, addr×n`; end marker `0, 1, 0`; then text (C++: /proc/self/maps, Java: a
// symbol table).

import { LineScanner } from './lines';
import { parseMemoryMapFromScanner } from './mappings';
import { parseJavaLocations } from './java';
import { i64mul, u64 } from './goutil';
import { LocationTable, Unrecognized, newProfile, offsetError, type LLocation, type LProfile, type ParseResult } from './types';

interface Layout {
  size: 4 | 8;
  little: boolean;
}

const LAYOUTS: Layout[] = [
  { size: 4, little: true },
  { size: 4, little: false },
  { size: 8, little: true },
  { size: 8, little: false },
];

/**
 * Word reader with the semantics of pprof's get32l & co.: reading past the end yields 0
 * and a "nil" remainder, and every later read from nil yields 0 too.
 */
class Words {
  pos: number;
  nil = false;
  private readonly view: DataView;
  constructor(
    private readonly b: Uint8Array,
    readonly layout: Layout,
    start: number,
  ) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.pos = start;
  }
  get remaining(): number {
    return this.nil ? 0 : this.b.length - this.pos;
  }
  next(): bigint {
    const w = this.layout.size;
    if (this.nil || this.pos + w > this.b.length) {
      this.nil = true;
      return 0n;
    }
    const v =
      w === 4 ? BigInt(this.view.getUint32(this.pos, this.layout.little)) : this.view.getBigUint64(this.pos, this.layout.little);
    this.pos += w;
    return v;
  }
}

export function describeLayout(l: Layout): string {
  return `${l.size * 8}-bit ${l.little ? 'little' : 'big'}-endian words`;
}

/** Which word layout the 5-word header matches, and whether it is the Java variant. */
export function sniffCpuHeader(b: Uint8Array): { layout: Layout; java: boolean; complete: boolean } | null {
  for (const layout of LAYOUTS) {
    const r = new Words(b, layout, 0);
    const n = [r.next(), r.next(), r.next(), r.next(), r.next()];
    if (!r.nil && n[0] === 0n && n[1] === 3n && (n[2] === 0n || n[2] === 1n) && n[3] > 0n && n[4] === 0n) {
      return { layout, java: n[2] === 1n, complete: true };
    }
  }
  // A file too short for the header but starting like one: recognised, and truncated.
  for (const layout of LAYOUTS) {
    const r = new Words(b, layout, 0);
    if (r.next() === 0n && r.next() === 3n && !r.nil && b.length < 5 * layout.size) return { layout, java: false, complete: false };
  }
  return null;
}

export function parseCPU(b: Uint8Array): ParseResult {
  const h = sniffCpuHeader(b);
  if (!h) return new Unrecognized();
  if (!h.complete) {
    return new Unrecognized(
      offsetError(b.length, `input ends inside the binary CPU profile header (${b.length} bytes); expected 5 header words (0, 3, 0|1, period, 0) of ${describeLayout(h.layout)}`),
    );
  }
  const r = new Words(b, h.layout, 0);
  for (let i = 0; i < 3; i++) r.next();
  const periodUs = BigInt.asIntN(64, r.next());
  r.next();
  const enc = `${h.java ? 'legacy Java' : 'legacy'} binary CPU profile (${describeLayout(h.layout)})`;
  const p = newProfile(enc, [
    { type: 'samples', unit: 'count' },
    { type: 'cpu', unit: 'nanoseconds' },
  ], { type: 'cpu', unit: 'nanoseconds' }, i64mul(periodUs, 1000n));
  const samples = parseCPUSamples(r, !h.java, p, BigInt.asIntN(64, periodUs * 1000n));
  if (samples instanceof Unrecognized) return samples;
  return h.java ? javaCPUProfile(b, r, samples, p) : cpuProfile(b, r, p);
}

/** parseCPUSamples; `adjust` decrements non-leaf addresses to land on the call instruction. */
function parseCPUSamples(r: Words, adjust: boolean, p: LProfile, period: bigint): LocationTable | Unrecognized {
  const locs = new LocationTable(p);
  const w = r.layout.size;
  let sawEnd = false;
  let record = 0;
  while (r.remaining > 0) {
    const at = r.pos;
    const count = r.next();
    const nstk = r.next();
    if (r.nil) {
      return new Unrecognized(
        offsetError(at, `input ends inside the header of sample record ${record}; expected a count word and a stack-size word (${describeLayout(r.layout)}) or the end marker 0, 1, 0`),
      );
    }
    // pprof bounds the stack by remaining/4 even for 64-bit words.
    if (nstk > BigInt(Math.floor(r.remaining / 4))) {
      return new Unrecognized(
        offsetError(at, `sample record ${record} declares ${nstk} stack addresses but only ${r.remaining} bytes remain; expected ${nstk} ${w * 8}-bit addresses (truncated or corrupt binary CPU profile)`),
      );
    }
    const n = Number(nstk);
    const addrs: bigint[] = new Array(n);
    for (let i = 0; i < n; i++) addrs[i] = r.next();
    if (count === 0n && n === 1 && addrs[0] === 0n) {
      sawEnd = true;
      break;
    }
    if (r.nil) {
      p.warnings.push(`Sample record ${record} (byte offset ${at}) is cut short; like pprof, its missing addresses were read as 0.`);
    }
    const sloc: LLocation[] = [];
    for (let i = 0; i < n; i++) sloc.push(locs.get(adjust && i > 0 ? u64(addrs[i] - 1n) : addrs[i]));
    const c = BigInt.asIntN(64, count);
    p.samples.push({ locs: sloc, values: [Number(c), i64mul(c, period)] });
    record++;
  }
  if (!sawEnd) p.warnings.push('The binary CPU profile has no end-of-data marker (0, 1, 0); it may be truncated.');
  return locs;
}

function cpuProfile(b: Uint8Array, r: Words, p: LProfile): LProfile {
  // If most samples share the second-from-leaf frame it is the signal handler's frame
  // (the leaf comes from the signal context): strip it, up to twice.
  const margin = Math.floor(p.samples.length / 32);
  for (let iter = 0; iter < 2; iter++) {
    const counts = new Map<bigint, number>();
    for (const s of p.samples) {
      if (s.locs.length > 1) {
        const a = s.locs[1].address;
        counts.set(a, (counts.get(a) ?? 0) + 1);
      }
    }
    // At most one address can reach the threshold, so Go's map order does not matter.
    for (const [a, count] of counts) {
      if (count >= p.samples.length - margin) {
        for (const s of p.samples) {
          if (s.locs.length > 1 && s.locs[1].address === a) s.locs.splice(1, 1);
        }
        break;
      }
    }
  }
  parseMemoryMapFromScanner(new LineScanner(b, r.nil ? b.length : r.pos), p);
  cleanupDuplicateLocations(p);
  return p;
}

/** The leaf may appear twice (signal context and unwinding, the second adjusted by -1): drop the copy. */
export function cleanupDuplicateLocations(p: LProfile): void {
  for (const s of p.samples) {
    if (s.locs.length > 1 && s.locs[0].address === u64(s.locs[1].address + 1n)) s.locs.splice(1, 1);
  }
}

function javaCPUProfile(b: Uint8Array, r: Words, locs: LocationTable, p: LProfile): ParseResult {
  parseJavaLocations(b, r.nil ? b.length : r.pos, locs, p, true);
  return p;
}
