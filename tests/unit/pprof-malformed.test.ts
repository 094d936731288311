// Bad input gets a DecodeError that says what was expected and where — never another
// exception type, never a hang. Inputs are real profiles cut, corrupted or
// concatenated here (hand-made damage, as the brief allows for malformed-input tests).

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeAny } from '../../src/formats';
import { DecodeError } from '../../src/formats/errors';
import { decodePprof } from '../../src/formats/pprof/proto';

const corpus = process.env.STACKLENS_CORPUS ?? path.resolve(__dirname, '../../../shared/corpus');
const sampleFile = path.join(corpus, 'pprof/internal__report__testdata__sample.cpu');
const largeFile = path.join(corpus, 'pprof/internal__proftest__testdata__large.cpu');
const have = existsSync(sampleFile) && existsSync(largeFile);
if (!have) console.warn(`skipped: corpus not found at ${corpus} — see shared/corpus/README.md`);

const raw = (f: string) => new Uint8Array(gunzipSync(readFileSync(f)));

async function decodeError(bytes: Uint8Array): Promise<DecodeError> {
  try {
    await decodeAny(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error('expected a DecodeError, but the input decoded');
}

/** Deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('inputs that are not profiles', () => {
  it('empty file', async () => {
    const e = await decodeError(new Uint8Array(0));
    expect(e.message).toMatch(/empty file; expected a Go pprof profile/);
  });
  it('text of no known format names its first bytes', async () => {
    const e = await decodeError(new TextEncoder().encode('hello, world\nthis is not a profile\n'));
    expect(e.message).toMatch(/unknown format.*68 65 6c 6c 6f.*expected a Go pprof profile/);
    expect(e.where.offset).toBe(0);
  });
  it('random binary', async () => {
    const r = rng(7);
    const b = Uint8Array.from({ length: 200 }, () => Math.floor(r() * 256));
    b[0] = 0xff; // not a protobuf tag of profile.proto
    const e = await decodeError(b);
    expect(e.message).toMatch(/unknown format: binary data/);
  });
  it('gzip of nothing', async () => {
    const e = await decodeError(new Uint8Array(gzipSync(Buffer.alloc(0))));
    expect(e.message).toMatch(/holds no data/);
  });
});

describe.skipIf(!have)('damaged real profiles', () => {
  it('truncated raw proto names the byte offset where it ended', async () => {
    const b = raw(largeFile);
    for (const frac of [0.1, 0.5, 0.999]) {
      const cut = b.subarray(0, Math.floor(b.length * frac));
      const e = await decodeError(cut);
      expect(e.message).toMatch(/truncated|input ends inside|claims \d+ bytes/);
      expect(e.where.offset).toBeGreaterThanOrEqual(0);
      expect(e.where.offset).toBeLessThanOrEqual(cut.length);
      expect(e.message).toMatch(/at byte offset \d+/);
    }
  });
  it('truncated gzip', async () => {
    const gz = readFileSync(largeFile);
    const e = await decodeError(new Uint8Array(gz.subarray(0, gz.length >> 1)));
    expect(e.message).toMatch(/gzip stream is truncated/);
  });
  it('corrupt gzip', async () => {
    const gz = new Uint8Array(readFileSync(sampleFile));
    gz[gz.length >> 1] ^= 0x55;
    const e = await decodeError(gz);
    expect(e.message).toMatch(/gzip/);
  });
  it('two concatenated raw protos are rejected like pprof does', async () => {
    const b = raw(sampleFile);
    const two = new Uint8Array(b.length * 2);
    two.set(b);
    two.set(b, b.length);
    const e = await decodeError(two);
    expect(e.message).toMatch(/concatenated|duplicate/);
  });
  it('two concatenated gzip members of profiles are rejected too', async () => {
    const gz = readFileSync(sampleFile);
    const e = await decodeError(new Uint8Array(Buffer.concat([gz, gz])));
    expect(e.message).toMatch(/concatenated|duplicate/);
  });
  it('garbage after a gzip member', async () => {
    const gz = readFileSync(sampleFile);
    const e = await decodeError(new Uint8Array(Buffer.concat([gz, Buffer.from('trailing junk')])));
    expect(e.message).toMatch(/bytes after the gzip stream/);
    expect(Math.abs((e.where.offset ?? 0) - gz.length)).toBeLessThan(16);
  });
  it('500 random byte mutations either decode or fail with a DecodeError', () => {
    const b = raw(sampleFile);
    const r = rng(42);
    let failed = 0;
    for (let i = 0; i < 500; i++) {
      const m = b.slice();
      const flips = 1 + Math.floor(r() * 4);
      for (let k = 0; k < flips; k++) m[Math.floor(r() * m.length)] = Math.floor(r() * 256);
      try {
        const p = decodePprof(m);
        // Whatever decodes must still be internally consistent.
        for (let s = 0; s < p.stacks.length; s++) expect(p.stacks.prefix[s]).toBeLessThan(s);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw new Error(`mutation ${i} threw ${String(e)}`);
        failed++;
      }
    }
    expect(failed).toBeGreaterThan(0);
  });
});
