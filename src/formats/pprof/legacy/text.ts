// Text legacy formats: heap/growth/fragmentation, threadz and contention/mutex/block,
// after pprof's parseHeap, parseThread and parseContention (profile/legacy_profile.go).

import { i64mul, isSpaceOrComment, parseInt64, quote, trimSpace, u64 } from './goutil';
import { CommentSymbols } from './comments';
import { LineScanner } from './lines';
import { isMemoryMapSentinel, parseAdditionalSections } from './mappings';
import { cleanupDuplicateLocations } from './cpu';
import { scaleHeapSample } from './java';
import { LocationTable, Unrecognized, lineError, newProfile, parseHexAddresses, type LLocation, type ParseResult } from './types';

const heapHeaderRE = /heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] *@ *(heap[_a-z0-9]*)\/?(\d*)/;
const heapSampleRE = /(-?\d+): *(-?\d+) *\[ *(\d+): *(\d+) *\] @([ x0-9a-f]*)/;
const growthHeaderRE = /heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ growthz?/;
const fragmentationHeaderRE = /heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ fragmentationz?/;
const contentionSampleRE = /(\d+) *(\d+) @([ x0-9a-f]*)/;
const threadzStartRE = /--- threadz \d+ ---/;
const threadStartRE = /--- Thread ([0-9A-Fa-f]+) \(name: ([^\n]*)\/(\d+)\) stack: ---/;

/** Go's int64(float64) on amd64: truncation, out-of-range values become MinInt64. */
function floatToInt64(x: number): number {
  const t = Math.trunc(x);
  return Number.isFinite(t) && Math.abs(t) < 2 ** 63 ? t : -(2 ** 63);
}

const HEAP_ROW = '"INUSE_OBJECTS: INUSE_BYTES [ALLOC_OBJECTS: ALLOC_BYTES] @ 0xADDR ..."';

export function parseHeap(b: Uint8Array): ParseResult {
  const s = new LineScanner(b);
  if (!s.scan()) return new Unrecognized();
  const header = s.text;
  let sampling = '';
  let period = 0n;
  let hasAlloc = false;
  let what = 'heap';
  const h = heapHeaderRE.exec(header);
  if (h) {
    if (h[6].length > 0) {
      const v = parseInt64(h[6], 10);
      if (v === null) return new Unrecognized(lineError(1, `heap profile sampling rate ${quote(h[6])} does not fit in 64 bits; expected an integer`));
      period = v;
    }
    hasAlloc = (h[3] !== h[1] && h[3] !== '0') || (h[4] !== h[2] && h[4] !== '0');
    switch (h[5]) {
      case 'heapz_v2':
      case 'heap_v2':
        sampling = 'v2';
        break;
      case 'heapprofile':
        period = 1n;
        break;
      case 'heap':
        // Go writes 2*MemProfileRate after "heap/".
        sampling = 'v2';
        period = period / 2n;
        break;
      default:
        return new Unrecognized(
          lineError(1, `heap profile header names sampling ${quote(h[5])}; expected heapz_v2, heap_v2, heapprofile or heap (or "@ growthz" / "@ fragmentationz")`),
        );
    }
  } else if (growthHeaderRE.test(header)) {
    period = 1n;
    what = 'growth';
  } else if (fragmentationHeaderRE.test(header)) {
    period = 1n;
    what = 'fragmentation';
  } else {
    return new Unrecognized();
  }

  const p = newProfile(
    `legacy ${what} profile (text)`,
    hasAlloc
      ? [
          // alloc before inuse so the default (last) type is inuse_space.
          { type: 'alloc_objects', unit: 'count' },
          { type: 'alloc_space', unit: 'bytes' },
          { type: 'inuse_objects', unit: 'count' },
          { type: 'inuse_space', unit: 'bytes' },
        ]
      : [
          { type: 'objects', unit: 'count' },
          { type: 'space', unit: 'bytes' },
        ],
    { type: 'space', unit: 'bytes' },
    Number(period),
  );
  const locs = new LocationTable(p);
  const symbols = new CommentSymbols();
  while (s.scan()) {
    const line = trimSpace(s.text);
    if (isSpaceOrComment(line)) {
      symbols.comment(line);
      continue;
    }
    if (isMemoryMapSentinel(line)) break;
    const m = heapSampleRE.exec(line);
    if (!m) throw lineError(s.line, `malformed heap sample ${quote(line)}; expected ${HEAP_ROW}`);
    const values: number[] = [];
    let blocksize = 0n;
    const addValues = (countS: string, sizeS: string, label: string) => {
      const count = parseInt64(countS, 10);
      const size = parseInt64(sizeS, 10);
      if (count === null || size === null) throw lineError(s.line, `malformed sample ${quote(line)}: expected ${label} counts that fit in 64 bits`);
      if (count === 0n && size !== 0n) {
        throw lineError(s.line, `${label} count was 0 but ${label} bytes was ${size}; expected no bytes without objects`);
      }
      if (count !== 0n) {
        blocksize = size / count;
        if (sampling === 'v2') {
          const [c, z] = scaleHeapSample(count, size, period);
          values.push(c, z);
          return;
        }
      }
      values.push(Number(count), Number(size));
    };
    if (hasAlloc) addValues(m[3], m[4], 'allocation');
    addValues(m[1], m[2], 'inuse');
    const addrs = parseHexAddresses(m[5]);
    if (typeof addrs === 'string') throw lineError(s.line, `malformed sample ${quote(line)}: failed to parse as hex 64-bit number: ${addrs}`);
    // Return addresses: step back by one onto the call instruction.
    const adjusted = addrs.map((a) => u64(a - 1n));
    const sloc: LLocation[] = adjusted.map((a) => locs.get(a));
    symbols.row(adjusted);
    p.samples.push({ locs: sloc, values, bytes: Number(blocksize) });
  }
  parseAdditionalSections(s, p);
  symbols.apply(locs);
  return p;
}

export function parseThread(b: Uint8Array): ParseResult {
  const s = new LineScanner(b);
  while (s.scan() && isSpaceOrComment(s.text)) {
    /* skip */
  }
  let line = s.text;
  let lineNo = s.line;
  if (threadzStartRE.test(line)) {
    // Advance over comments to the first stack trace.
    while (s.scan()) {
      line = s.text;
      lineNo = s.line;
      if (isMemoryMapSentinel(line) || line.startsWith('-')) break;
    }
  } else if (!threadStartRE.test(line)) {
    return new Unrecognized();
  }

  const p = newProfile('legacy threadz profile (text)', [{ type: 'thread', unit: 'count' }], { type: 'thread', unit: 'count' }, 1);
  const locs = new LocationTable(p);
  while (!isMemoryMapSentinel(line)) {
    if (line.startsWith('---- no stack trace for')) break;
    if (!threadStartRE.test(line)) {
      return new Unrecognized(
        lineError(lineNo, `${quote(line)} in a threadz profile; expected "--- Thread <hex> (name: NAME/TID) stack: ---" or "--- Memory map: ---"`),
      );
    }
    // parseThreadSample: every hex number up to the next "---" line.
    let addrs: bigint[] = [];
    let same = false;
    let next = '';
    let nextNo = lineNo;
    while (s.scan()) {
      next = trimSpace(s.text);
      nextNo = s.line;
      if (next === '') continue;
      if (next.startsWith('---')) break;
      if (next.includes('same as previous thread')) {
        same = true;
        continue;
      }
      const a = parseHexAddresses(next);
      if (typeof a === 'string') throw lineError(s.line, `malformed sample: ${next}: failed to parse as hex 64-bit number: ${a}`);
      addrs.push(...a);
    }
    line = next;
    lineNo = nextNo;
    if (same) addrs = [];
    if (addrs.length === 0) {
      // "[same as previous thread]": one more thread with the previous stack.
      if (p.samples.length > 0) p.samples[p.samples.length - 1].values[0]++;
      continue;
    }
    // The leaf is the PC itself; callers are return addresses.
    const sloc = addrs.map((a, i) => locs.get(i > 0 ? u64(a - 1n) : a));
    p.samples.push({ locs: sloc, values: [1] });
  }
  parseAdditionalSections(s, p);
  cleanupDuplicateLocations(p);
  return p;
}

export function parseContention(b: Uint8Array): ParseResult {
  const s = new LineScanner(b);
  if (!s.scan()) return new Unrecognized();
  const first = s.text;
  if (!first.startsWith('--- contentionz ') && !first.startsWith('--- mutex:') && !first.startsWith('--- contention:')) {
    return new Unrecognized();
  }
  const kind = first.startsWith('--- mutex:') ? 'mutex' : 'contention';
  const p = newProfile(
    `legacy ${kind} profile (text)`,
    [
      { type: 'contentions', unit: 'count' },
      { type: 'delay', unit: 'nanoseconds' },
    ],
    { type: 'contentions', unit: 'count' },
    1,
  );
  let cpuHz = 0n;
  let period = 1n;
  // "attribute = value" lines before the samples.
  while (s.scan()) {
    const line = trimSpace(s.text);
    if (isSpaceOrComment(line)) continue;
    if (line.startsWith('---')) break;
    const eq = line.indexOf('=');
    if (eq < 0) break;
    const key = trimSpace(line.slice(0, eq));
    const val = trimSpace(line.slice(eq + 1));
    const num = () => {
      const v = parseInt64(val, 0);
      if (v === null) throw new Unrecognized(lineError(s.line, `attribute ${quote(key)} has value ${quote(val)}; expected an integer`));
      return v;
    };
    try {
      switch (key) {
        case 'cycles/second':
          cpuHz = num();
          break;
        case 'sampling period':
          period = num();
          p.period = Number(period);
          break;
        case 'ms since reset':
          p.durationNanos = Number(BigInt.asIntN(64, num() * 1000000n));
          break;
        case 'format':
        case 'resolution':
          // Java contentionz; the Java parser takes it.
          return new Unrecognized();
        case 'discarded samples':
          break;
        default:
          return new Unrecognized(
            lineError(s.line, `unknown attribute ${quote(key)} in a contention profile; expected cycles/second, sampling period, ms since reset or discarded samples`),
          );
      }
    } catch (e) {
      if (e instanceof Unrecognized) return e;
      throw e;
    }
  }

  const locs = new LocationTable(p);
  const symbols = new CommentSymbols();
  for (;;) {
    const line = trimSpace(s.text);
    if (line.startsWith('---')) break;
    if (isSpaceOrComment(line)) symbols.comment(line);
    else {
      const m = contentionSampleRE.exec(line);
      if (!m) {
        return new Unrecognized(lineError(s.line, `malformed contention sample ${quote(line)}; expected "DELAY_CYCLES COUNT @ 0xADDR ..."`));
      }
      const c1 = parseInt64(m[1], 10);
      const c2 = parseInt64(m[2], 10);
      if (c1 === null || c2 === null) throw lineError(s.line, `malformed sample ${quote(line)}: expected integers that fit in 64 bits`);
      let v1 = Number(c1);
      let v2 = Number(c2);
      // Unsample: delays from cycles to nanoseconds, both scaled by the sampling period.
      if (period > 0n) {
        if (cpuHz > 0n) {
          const cpuGHz = Number(cpuHz) / 1e9;
          v1 = floatToInt64((v1 * Number(period)) / cpuGHz);
        }
        v2 = i64mul(c2, period);
      }
      const addrs = parseHexAddresses(m[3]);
      if (typeof addrs === 'string') throw lineError(s.line, `malformed sample ${quote(line)}: failed to parse as hex 64-bit number: ${addrs}`);
      const adjusted = addrs.map((a) => u64(a - 1n));
      symbols.row(adjusted);
      p.samples.push({ locs: adjusted.map((a) => locs.get(a)), values: [v2, v1] });
    }
    if (!s.scan()) break;
  }
  parseAdditionalSections(s, p);
  symbols.apply(locs);
  return p;
}
