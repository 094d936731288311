// Robustness of the Go 1.22+ trace reader: Go's fuzz inputs, random mutations of real
// traces, and truncation at (nearly) every byte position. The reader must never throw
// anything but a DecodeError for a bad header, must terminate, must never lose complete
// generations, and must name the byte offset where the input stopped making sense.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/formats/errors.ts';
import { readGoTrace, type ReadResult } from '../../src/formats/gotrace/index.ts';
import { orderGenerations } from '../../src/formats/gotrace/order.ts';
import { corpusPath, describeCorpus } from '../helpers/corpus.ts';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Reads without letting anything but a header DecodeError escape. */
function safeRead(bytes: Uint8Array): ReadResult | DecodeError {
  try {
    const r = readGoTrace(bytes, { chunkSize: 4096 });
    // Invariants of any result.
    expect(r.bytesRead).toBeLessThanOrEqual(bytes.length);
    if (r.warning) {
      expect(r.warning).toBeInstanceOf(DecodeError);
      expect(r.warning.where.offset).toBeGreaterThanOrEqual(0);
      expect(r.warning.where.offset).toBeLessThanOrEqual(bytes.length);
    }
    for (const g of r.list) {
      expect(g.end).toBeLessThanOrEqual(bytes.length);
      expect(g.events.type.length).toBe(g.events.count);
    }
    return r;
  } catch (e) {
    if (e instanceof DecodeError) {
      expect(e.where.offset).toBeDefined();
      return e;
    }
    throw e;
  }
}

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  let b = Uint8Array.from(src);
  const n = 1 + Math.floor(rnd() * 6);
  for (let k = 0; k < n; k++) {
    // Mostly after the header; sometimes the header too.
    const lo = rnd() < 0.05 ? 0 : 16;
    const at = lo + Math.floor(rnd() * Math.max(1, b.length - lo));
    switch (Math.floor(rnd() * 7)) {
      case 0:
        if (at < b.length) b[at] = Math.floor(rnd() * 256);
        break;
      case 1:
        if (at < b.length) b[at] ^= 1 << Math.floor(rnd() * 8);
        break;
      case 2:
        b = b.slice(0, at);
        break;
      case 3: {
        const len = Math.floor(rnd() * 64);
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at, at + len), ...b.subarray(at)]);
        break;
      }
      case 4: {
        const len = Math.floor(rnd() * 32);
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + len)]);
        break;
      }
      case 5: {
        const junk = Array.from({ length: 1 + Math.floor(rnd() * 16) }, () => (rnd() < 0.5 ? 0xff : Math.floor(rnd() * 256)));
        b = Uint8Array.from([...b.subarray(0, at), ...junk, ...b.subarray(at)]);
        break;
      }
      default:
        // Interesting values: event/batch codes.
        if (at < b.length) b[at] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 0x31, 0x32, 0x33, 0x34, 0x80, 0xff][Math.floor(rnd() * 15)];
    }
  }
  return b;
}

/**
 * Checks reading every given prefix of `bytes` against the full read: complete generations
 * survive unchanged, the rest is reported with the offset of the torn batch.
 */
function checkTruncations(bytes: Uint8Array, positions: Iterable<number>): number {
  const full = readGoTrace(bytes);
  expect(full.warning).toBeNull();
  const v = full.header.version;
  const boundaries = new Set<number>([16, bytes.length]);
  for (const g of full.list) {
    for (const b of g.batches) boundaries.add(b.offset);
    boundaries.add(g.end);
    if (g.endMarker) boundaries.add(g.end - 1);
  }
  const sorted = [...boundaries].sort((a, b) => a - b);
  let checked = 0;
  for (const p of positions) {
    if (p < 16 || p >= bytes.length) continue;
    checked++;
    const r = readGoTrace(bytes.subarray(0, p));
    // Before 1.26 a generation is known complete at a clean EOF right after it, or once the
    // whole header of the next generation's first batch has been seen.
    const complete = full.list.filter((g, i) => {
      if (v >= 26 || g.end === p || i === full.list.length - 1) return g.end <= p;
      const next = full.list[i + 1].batches[0];
      return next.offset + next.headerSize <= p;
    }).length;
    if (v >= 26) expect(r.list.length, `cut at ${p}`).toBe(complete);
    else expect([complete, complete + 1], `cut at ${p}`).toContain(r.list.length);
    for (let i = 0; i < Math.min(complete, r.list.length); i++) {
      const a = r.list[i];
      const b = full.list[i];
      expect([a.gen, a.batches.length, a.events.count, a.strings.size, a.stacks.size, a.cpuSamples.count, a.end]).toEqual([
        b.gen,
        b.batches.length,
        b.events.count,
        b.strings.size,
        b.stacks.size,
        b.cpuSamples.count,
        b.end,
      ]);
    }
    if (r.list.length > complete) {
      // Pre-1.26 only: a clean EOF at a batch boundary looks like a complete generation.
      expect(boundaries.has(p)).toBe(true);
      const extra = r.list[complete];
      const ref = full.list[complete];
      expect(extra.batches.map((b) => b.offset)).toEqual(ref.batches.slice(0, extra.batches.length).map((b) => b.offset));
    }
    // A generation cut short is offered as `partial` when its tables validate.
    if (r.partial !== null) {
      expect(r.partial.gen).toBe(full.list[r.list.length]?.gen);
    }
    if (!boundaries.has(p)) {
      expect(r.warning, `cut at ${p}`).not.toBeNull();
      let torn = 16;
      for (const b of sorted) if (b <= p) torn = b;
      expect(r.warning!.where.offset, `cut at ${p}: ${r.warning!.message}`).toBe(torn);
      expect(r.warning!.message).toMatch(/truncated/);
    } else if (v >= 26) {
      const atGenEnd = p === 16 || full.list.some((g) => g.end === p);
      if (atGenEnd) expect(r.warning, `cut at ${p}`).toBeNull();
      else {
        expect(r.warning!.message).toMatch(/incomplete generation/);
        expect(r.warning!.where.offset).toBe(p);
      }
    }
  }
  return checked;
}

describeCorpus('gotrace', 'gotrace robustness (corpus)', () => {
  const load = (p: string) => new Uint8Array(readFileSync(corpusPath('gotrace', p)));
  const fuzzDir = 'derived/src/internal/trace/testdata/fuzz/FuzzReader/';
  const fuzz = [
    '0cb1786dee0f090b',
    '1e45307d5b2ec36d',
    '2b05796f9b2fc48d',
    '2b9be9aebe08d511',
    '344331b314da0b08',
    '365d7b5b633b3f97',
    '4055b17cae1a3443',
    '4d9ddc909984e871',
    '56f073e57903588c',
    '9d6ee7d3ddf8d566',
    'aeb749b6bc317b66',
    'closing-unknown-region',
    'd478e18d2d6756b7',
    'd91203cd397aa0bc',
    'invalid-proc-state',
    'large-id',
    'malformed-timestamp',
  ];

  it.each(fuzz)('fuzz input %s fails cleanly (or reads)', (name) => {
    const bytes = load(fuzzDir + name + '.bin');
    // The .bin matches the Go fuzz file's []byte literal length (sanity on the derived copy).
    expect(readFileSync(corpusPath('gotrace', 'src/internal/trace/testdata/fuzz/FuzzReader', name), 'utf8')).toMatch(/^go test fuzz v1\n\[\]byte\(/);
    const r = safeRead(bytes);
    expect(r).not.toBeInstanceOf(DecodeError);
  });

  const tests = 'derived/src/internal/trace/testdata/tests/';
  const small = [
    'go123-sync.trace',
    'go125-sync.trace',
    'go122-confuse-seq-across-generations.trace',
    'go122-task-across-generations.trace',
    'go122-syscall-steal-proc-simple.trace',
    'go122-annotations.trace',
  ];
  it.each(small)('truncating %s at every byte keeps complete generations', (name) => {
    const bytes = load(tests + name);
    const n = checkTruncations(
      bytes,
      Array.from({ length: bytes.length }, (_, i) => i),
    );
    expect(n).toBe(bytes.length - 16);
  });

  it('truncating go122-gc-stress (real 1.22 trace) at every 5th byte', () => {
    const bytes = load(tests + 'go122-gc-stress.trace');
    const pos = Array.from({ length: Math.ceil(bytes.length / 5) }, (_, i) => i * 5);
    expect(checkTruncations(bytes, pos)).toBeGreaterThan(4000);
  });

  it('random mutations of corpus traces never throw or hang', () => {
    const bases = ['go122-annotations.trace', 'go125-sync.trace', 'go123-sync.trace', 'go122-gc-stress.trace', 'go122-task-across-generations.trace'].map((n) =>
      load(tests + n),
    );
    const rnd = mulberry32(0x5eed);
    let warned = 0;
    let headerErrors = 0;
    const N = 1500;
    for (let i = 0; i < N; i++) {
      const base = bases[i % bases.length];
      const r = safeRead(mutate(base, rnd));
      if (r instanceof DecodeError) headerErrors++;
      else {
        if (r.warning) warned++;
        // The ordering layer also fails only with DecodeErrors on whatever was decoded.
        for (const gens of [r.list, r.partial ? [r.partial] : []]) {
          try {
            orderGenerations(gens, () => {});
          } catch (e) {
            if (!(e instanceof DecodeError)) throw e;
          }
        }
      }
    }
    // Most mutations are detected; none escaped as a non-DecodeError exception.
    expect(warned + headerErrors).toBeGreaterThan(N / 2);
  });

  it('random bytes after a valid header never throw', () => {
    const rnd = mulberry32(42);
    for (const v of [22, 23, 25, 26]) {
      for (let i = 0; i < 300; i++) {
        const len = Math.floor(rnd() * 200);
        const b = new Uint8Array(16 + len);
        b.set(new TextEncoder().encode(`go 1.${v} trace`));
        for (let k = 16; k < b.length; k++) b[k] = rnd() < 0.3 ? [1, 0x31, 0x34, 0x80, 0xff, 0][Math.floor(rnd() * 6)] : Math.floor(rnd() * 256);
        const r = safeRead(b);
        expect(r).not.toBeInstanceOf(DecodeError);
      }
    }
  });
});

describe('gotrace robustness (synthetic)', () => {
  it('a batch claiming 64 KiB of data that never arrives is a truncation, not a hang', () => {
    const b = new Uint8Array(16 + 20);
    b.set(new TextEncoder().encode('go 1.22 trace'));
    b.set([1, 1, 1, 1, 0x80, 0x80, 0x04], 16); // size = 65536
    const r = readGoTrace(b);
    expect(r.list).toHaveLength(0);
    expect(r.warning!.message).toMatch(/truncated batch: header announces 65536 bytes/);
    expect(r.warning!.where.offset).toBe(16);
  });
});
