// Samples decoded while the profile is still being inflated (LeadingSamples, fed chunk by
// chunk) must give exactly what the two-pass decode of the whole message gives — the
// same profile, or the same error at the same byte offset — wherever the chunks end.
// Inputs are real profiles from testdata/ (Go runtime heap profiles interleave locations
// with samples; google/pprof-encoded ones write one or two values unpacked), damaged or
// re-arranged here where a test needs it.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeAny } from '../../src/formats';
import { DecodeError } from '../../src/formats/errors';
import { gunzipNode } from '../../src/cli/inflate';
import { gunzip, gunzipNative } from '../../src/formats/gzip';
import { encodePprof } from '../../src/formats/pprof/encode';
import { decodePprof, LeadingSamples } from '../../src/formats/pprof/proto';
import { ProfileBuilder } from '../../src/model/builder';
import { repoRoot } from '../helpers/corpus';

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(repoRoot, 'testdata', name)));
/** The inflaters that feed the decoder as they go: the worker's (the browser's
 * DecompressionStream, Node's here) and the CLI's (node:zlib, 1 MiB pieces). */
const streaming = [
  ['DecompressionStream', gunzipNative],
  ['node:zlib', gunzipNode],
] as const;
const files = ['pprof/bigservice-small.pb.gz', 'pprof/mapgrowth.heap.pb.gz', 'pprof/hostile-names.pb.gz', 'lessons/goroutine-leak.goroutine.pb.gz'];

/** Top-level fields of a profile.proto message: [key offset, end) and field number. */
function topFields(b: Uint8Array): { at: number; body: number; end: number; field: number }[] {
  const out = [];
  let pos = 0;
  const varint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const x = b[pos++];
      v += (x & 0x7f) * 2 ** shift;
      if (x < 0x80) return v;
    }
  };
  while (pos < b.length) {
    const at = pos;
    const key = varint();
    const wire = key & 7;
    let end: number;
    if (wire === 0) {
      varint();
      end = pos;
    } else if (wire === 2) {
      const n = varint();
      end = pos + n;
    } else throw new Error(`wire type ${wire} in a fixture`);
    out.push({ at, body: pos, end, field: key >>> 3 });
    pos = end;
  }
  return out;
}

/** Feeds `raw` to a LeadingSamples in chunks of `chunk` bytes, as the inflater does. */
function fedInChunks(raw: Uint8Array, chunk: number): LeadingSamples {
  const l = new LeadingSamples();
  for (let filled = Math.min(chunk, raw.length); ; filled = Math.min(raw.length, filled + chunk)) {
    l.feed(raw, filled);
    if (filled === raw.length) return l;
  }
}

/** Deep equality that compares typed arrays by their bytes (toEqual is slow on big ones);
 * returns the path of the first difference, or null. */
function differs(a: unknown, b: unknown, at = '$'): string | null {
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor || a.byteLength !== b.byteLength) return at;
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)) ? null : at;
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b) ? null : at;
  if (Array.isArray(a) !== Array.isArray(b)) return at;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.join() !== kb.join()) return `${at} keys`;
  for (const k of ka) {
    const d = differs((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    if (d) return d;
  }
  return null;
}

function errorOf(f: () => unknown): { message: string; offset: number | undefined } {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { message: e.message, offset: e.where.offset };
  }
  throw new Error('expected a DecodeError, but the input decoded');
}

async function asyncErrorOf(f: () => Promise<unknown>): Promise<{ message: string; offset: number | undefined }> {
  try {
    await f();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { message: e.message, offset: e.where.offset };
  }
  throw new Error('expected a DecodeError, but the input decoded');
}

describe('samples decoded while inflating', () => {
  for (const name of files) {
    it(`${name}: any chunking gives the two-pass profile`, () => {
      const raw = new Uint8Array(gunzipSync(fixture(name)));
      const twoPass = decodePprof(raw, { leading: null });
      expect(twoPass.samples.length).toBeGreaterThan(0);
      for (const chunk of [1, 7, 4096, raw.length]) {
        const l = fedInChunks(raw, chunk);
        expect(l.usable()).toBe(true);
        expect(differs(decodePprof(raw, { leading: l }), twoPass), `chunks of ${chunk}`).toBeNull();
      }
    });
  }

  for (const [via, inflate] of streaming) {
    it(`the streaming inflater feeds the decoder and gets the same profile as pako (${via})`, async () => {
      for (const name of files) {
        const gz = fixture(name);
        let calls = 0;
        const streamed = await decodeAny(gz, {
          gunzip: (b, onProgress, maxBytes, soFar) =>
            inflate(b, onProgress, maxBytes, (out, filled) => {
              calls++;
              soFar!(out, filled);
            }),
        });
        expect(calls).toBeGreaterThan(0);
        expect(differs(streamed, await decodeAny(gz, { gunzip: (b) => gunzip(b) })), name).toBeNull();
      }
    });
  }

  for (const [via, inflate] of streaming) {
    it(`sized from the trailer: a last member smaller than the whole grows the buffer; a lying trailer is the gzip error (${via})`, async () => {
      const gz = fixture('pprof/bigservice-small.pb.gz');
      const raw = new Uint8Array(gunzipSync(gz));
      const want = await decodeAny(gz, { gunzip: (b) => gunzip(b) });
      // Two gzip members: the trailer read first names only the last member's size.
      const cut = Math.floor(raw.length * 0.9);
      const twoMembers = new Uint8Array(Buffer.concat([gzipSync(raw.subarray(0, cut)), gzipSync(raw.subarray(cut))]));
      expect(differs(await decodeAny(twoMembers, { gunzip: inflate }), want)).toBeNull();
      const lying = gz.slice();
      new DataView(lying.buffer).setUint32(lying.length - 4, Math.min(gz.length * 1000, 2 ** 31 - 1), true);
      const e = await asyncErrorOf(() => decodeAny(lying, { gunzip: inflate }));
      expect(e.message).toMatch(/incorrect length check/);
      expect(e).toEqual(await asyncErrorOf(() => decodeAny(lying)));
    });
  }

  for (const [via, inflate] of streaming) {
    it(`bytes after the last member and output beyond maxBytes: pako's verdict (${via})`, async () => {
      const gz = fixture('pprof/bigservice-small.pb.gz');
      const junk = new Uint8Array(Buffer.concat([gz, Buffer.from('not a gzip member')]));
      const want = await asyncErrorOf(() => decodeAny(junk));
      expect(want.message).toMatch(/bytes after the gzip stream are not another gzip member/);
      expect(await asyncErrorOf(() => decodeAny(junk, { gunzip: inflate }))).toEqual(want);
      const e = await asyncErrorOf(() => decodeAny(gz, { gunzip: (b, p, _m, soFar) => inflate(b, p, 100_000, soFar) }));
      expect(e.message).toMatch(/decompressed data exceeds 100000 bytes/);
    });
  }

  it('sample types after the samples: two passes, same profile', () => {
    const raw = new Uint8Array(gunzipSync(fixture('pprof/bigservice-small.pb.gz')));
    const fields = topFields(raw);
    const types = fields.filter((f) => f.field === 1);
    expect(types.length).toBe(2);
    const moved = new Uint8Array(raw.length);
    let o = 0;
    for (const f of [...fields.filter((f) => f.field !== 1), ...types]) {
      moved.set(raw.subarray(f.at, f.end), o);
      o += f.end - f.at;
    }
    const l = fedInChunks(moved, 4096);
    expect(l.usable()).toBe(false);
    expect(differs(decodePprof(moved, { leading: l }), decodePprof(raw))).toBeNull();
  });
});

describe('errors found after some chunks were decoded', () => {
  const gz = fixture('pprof/bigservice-small.pb.gz');
  const raw = new Uint8Array(gunzipSync(gz));
  const samples = topFields(raw).filter((f) => f.field === 2);
  /** Sample 2500 (of 3000: far past the first chunks) with its first location id set to `id` (a one-byte varint). */
  const withLocationId = (id: number) => {
    const s = samples[2500];
    const b = raw.slice();
    // Sample.location_id: packed (0x0a len ids…) or one unpacked id (0x08 id).
    let p = s.body;
    expect([0x0a, 0x08]).toContain(b[p]);
    const at = p;
    p += b[p] === 0x0a ? 2 : 1;
    expect(b[p]).toBeLessThan(0x80);
    b[p] = id;
    return { bytes: b, at };
  };

  for (const [via, inflate] of streaming) {
    it(`a location id 0 in a late sample: the two-pass error and offset, streamed or not (${via})`, async () => {
      const { bytes, at } = withLocationId(0);
      const want = { message: expect.stringMatching(/^pprof: sample 2500 refers to location 0, which is not defined/), offset: at };
      expect(errorOf(() => decodePprof(bytes, { leading: null }))).toEqual(want);
      expect(errorOf(() => decodePprof(bytes, { leading: fedInChunks(bytes, 4096) }))).toEqual(want);
      expect(await asyncErrorOf(() => decodeAny(new Uint8Array(gzipSync(bytes)), { gunzip: inflate }))).toEqual(want);
    });
  }

  for (const [via, inflate] of streaming) {
    it(`a location the table lacks (known only once the table is read): same error (${via})`, async () => {
      // Drop the Location whose id (its first field, 0x08 id) is 127, used by some samples.
      const fields = topFields(raw);
      const gone = fields.find((f) => f.field === 4 && raw[f.body] === 0x08 && raw[f.body + 1] === 127)!;
      const bytes = new Uint8Array(raw.length - (gone.end - gone.at));
      bytes.set(raw.subarray(0, gone.at));
      bytes.set(raw.subarray(gone.end), gone.at);
      const l = fedInChunks(bytes, 4096);
      expect(l.usable()).toBe(true); // every id is well-formed: only the table can tell
      const want = errorOf(() => decodePprof(bytes, { leading: null }));
      expect(want.message).toMatch(/^pprof: sample \d+ refers to location 127, which is not defined/);
      expect(errorOf(() => decodePprof(bytes, { leading: l }))).toEqual(want);
      expect(await asyncErrorOf(() => decodeAny(new Uint8Array(gzipSync(bytes)), { gunzip: inflate }))).toEqual(want);
    });
  }

  for (const [via, inflate] of streaming) {
    it(`truncated gzip: the inflater error (pako offset), not a decode error of the part inflated (${via})`, async () => {
      const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
      let fed = 0;
      const e = await asyncErrorOf(() => decodeAny(cut, { gunzip: (b, p, m, soFar) => inflate(b, p, m, (out, n) => ((fed = n), soFar!(out, n))) }));
      expect(fed).toBeGreaterThan(raw.length / 3); // samples were decoded before the end was found
      expect(e).toEqual({ message: expect.stringMatching(/gzip stream is truncated/), offset: cut.length });
      expect(e).toEqual(await asyncErrorOf(() => decodeAny(cut)));
    });
  }

  for (const [via, inflate] of streaming) {
    it(`truncated inside a sample: names the sample field where the input ends (${via})`, async () => {
      const s = samples[2000];
      const cutRaw = raw.subarray(0, s.body + 3);
      const want = errorOf(() => decodePprof(cutRaw, { leading: null }));
      expect(want).toEqual({ message: expect.stringMatching(/Sample claims \d+ bytes but only 3 remain/), offset: s.at + 1 });
      expect(errorOf(() => decodePprof(cutRaw, { leading: fedInChunks(cutRaw, 4096) }))).toEqual(want);
      expect(await asyncErrorOf(() => decodeAny(new Uint8Array(gzipSync(cutRaw)), { gunzip: inflate }))).toEqual(want);
    });
  }

  for (const [via, inflate] of streaming) {
    it(`two profiles in one gzip member, and in two members: rejected as concatenated (${via})`, async () => {
      const two = new Uint8Array(raw.length * 2);
      two.set(raw);
      two.set(raw, raw.length);
      const want = errorOf(() => decodePprof(two, { leading: null }));
      expect(want.message).toMatch(/concatenated/);
      expect(await asyncErrorOf(() => decodeAny(new Uint8Array(gzipSync(two)), { gunzip: inflate }))).toEqual(want);
      expect(await asyncErrorOf(() => decodeAny(new Uint8Array(Buffer.concat([gz, gz])), { gunzip: inflate }))).toEqual(want);
    });
  }

  it('random damage: the streamed decode fails or succeeds exactly as the two-pass one', () => {
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    let failed = 0;
    for (let i = 0; i < 150; i++) {
      const m = raw.slice();
      // Damage in the samples (the first ~70% of this file), where LeadingSamples reads.
      for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) m[Math.floor(rnd() * m.length * 0.7)] = Math.floor(rnd() * 256);
      let want: unknown;
      try {
        want = decodePprof(m, { leading: null });
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        want = { message: e.message, offset: e.where.offset };
        failed++;
      }
      let got: unknown;
      try {
        got = decodePprof(m, { leading: fedInChunks(m, 1 + Math.floor(rnd() * 8192)) });
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        got = { message: e.message, offset: e.where.offset };
      }
      expect(differs(got, want), `mutation ${i}`).toBeNull();
    }
    expect(failed).toBeGreaterThan(10);
  });
});

// A sample's location ids that end with the same bytes as the previous sample's are copied
// from it rather than decoded (LeadingSamples.sharedStart): only whole ids may be shared, so
// a byte match that starts inside a multi-byte id (in either sample) must not count. The
// id sequences are chosen for their varint bytes; the profile is written by our encoder.
describe('root-most ids shared with the previous sample', () => {
  it('counts whole ids only, wherever a byte match starts', () => {
    const b = new ProfileBuilder(1);
    const rows = 6000;
    for (let i = 0; i < rows; i++) b.location(BigInt(0x1000 + i), -1, [{ func: b.func(`main.f${i}`) }]);
    // Location ids (row + 1), leaf first, and their packed bytes.
    const stacks = [
      [1, 300], // 01 ac02
      [44, 2], // 2c 02: "02" matches the end of 300's bytes (a continuation before it)
      [200, 300], // c801 ac02: "02" matches the end of 2c 02 but starts inside 300 here
      [7, 200, 300], // 07 c801 ac02: two ids shared
      [2, 44], // 02 2c
      [5633], // 812c: "2c" matches 44, but starts inside this sample's id
      [129, 5633], // 8101 812c: one id shared
      [1, 129, 5633], // 01 8101 812c: two ids shared
      [3], // 03
      [3], // all shared
      [],
      [3],
    ];
    for (const ids of stacks) b.sample(ids.map((id) => id - 1), [1]);
    const raw = encodePprof(b.finish({ format: 'pprof', encoding: 'pprof protobuf', sampleTypes: [{ type: 'samples', unit: 'count' }] }));
    const rowsOf = (p: ReturnType<typeof decodePprof>) =>
      Array.from({ length: p.samples.length }, (_, s) => Array.from(p.samples.location.subarray(p.samples.locationStart[s], p.samples.locationStart[s + 1]), (r) => r + 1));
    const twoPass = decodePprof(raw, { leading: null });
    expect(rowsOf(twoPass)).toEqual(stacks);
    for (const chunk of [1, 3, raw.length]) {
      const streamed = decodePprof(raw, { leading: fedInChunks(raw, chunk) });
      expect(rowsOf(streamed), `chunks of ${chunk}`).toEqual(stacks);
      expect(differs(streamed, twoPass), `chunks of ${chunk}`).toBeNull();
    }
  });
});
