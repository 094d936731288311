// The Go 1.22+ generation reader: corpus traces against the manifest, Go's own text
// renderings (txtar golden files) and `go tool trace -d=wire`; synthetic edge cases.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  dumpWire,
  Ev,
  eventArg,
  eventObject,
  GenerationStream,
  readGenerations,
  readGenerationsAsync,
  readGoTrace,
  stackFrames,
  U64_MAX,
  batchEventTimesNs,
  type Generation,
} from '../../src/formats/gotrace/index.ts';
import { corpusPath, describeCorpus } from '../helpers/corpus.ts';
import { describeGo, runGo } from '../helpers/go.ts';
import { uv } from '../helpers/tracebytes';

// ---------------------------------------------------------------------------------------
// A tiny encoder for synthetic traces.


function hdr(version: number): number[] {
  const s = `go 1.${version} trace`;
  const b = new Array<number>(16).fill(0);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

function batch(gen: number | bigint, m: number | bigint, time: number | bigint, data: number[], opts: { padSize?: boolean; exp?: number } = {}): number[] {
  const head = opts.exp !== undefined ? [Ev.ExperimentalBatch, opts.exp] : [Ev.EventBatch];
  return [...head, ...uv(gen), ...uv(m), ...uv(time), ...uv(data.length, opts.padSize ? 10 : 0), ...data];
}

function ev(type: number, ...args: (number | bigint)[]): number[] {
  return [type, ...args.flatMap((a) => uv(a))];
}

function str(id: number, s: string): number[] {
  const b = Array.from(new TextEncoder().encode(s));
  return [Ev.String, ...uv(id), ...uv(b.length), ...b];
}

const NONE = U64_MAX;

/** Frequency sync batch for <1.25, Sync+Frequency+ClockSnapshot for >=1.25. */
function syncBatch(version: number, gen: number, time: number, freq = 15_625_000): number[] {
  if (version >= 25) return batch(gen, NONE, time, [Ev.Sync, ...ev(Ev.Frequency, freq), ...ev(Ev.ClockSnapshot, 1, 1000, 1_700_000_000, 5)]);
  return batch(gen, NONE, time, ev(Ev.Frequency, freq));
}

/** A minimal valid generation: sync + strings + stacks + one event batch. */
function simpleGen(version: number, gen: number, t: number): number[] {
  return [
    ...batch(gen, 7, t + 5, [...ev(Ev.ProcStatus, 1, 0, 1), ...ev(Ev.GoStatus, 2, 1, 7, 2), ...ev(Ev.GoBlock, 3, 1, 1)]),
    ...syncBatch(version, gen, t),
    ...batch(gen, NONE, t + 1, [Ev.Stacks, Ev.Stack, ...uv(1), ...uv(1), ...uv(0x401000), ...uv(2), ...uv(3), ...uv(42)]),
    ...batch(gen, NONE, t + 2, [Ev.Strings, ...str(1, 'chan receive'), ...str(2, 'main.main'), ...str(3, '/src/main.go')]),
    ...(version >= 26 ? [Ev.EndOfGeneration] : []),
  ];
}

function read(bytes: number[]) {
  return readGoTrace(new Uint8Array(bytes));
}

describe('gotrace reader (synthetic)', () => {
  it('reads a minimal generation for every supported version', () => {
    for (const v of [22, 23, 25, 26]) {
      const r = read([...hdr(v), ...simpleGen(v, 1, 100), ...simpleGen(v, 2, 200)]);
      expect(r.warning, `go 1.${v}`).toBeNull();
      expect(r.list.map((g) => g.gen)).toEqual([1, 2]);
      const g = r.list[0];
      expect(g.version).toBe(v);
      expect(g.events.count).toBe(3);
      expect(g.ms).toEqual([7]);
      expect(g.ticksPerSec).toBe(15_625_000);
      expect(g.nsPerTick).toBe(64);
      expect(g.minTicks).toBe(100);
      expect(g.syncTimeNs).toBe(6400);
      expect(g.endMarker).toBe(v >= 26);
      expect(g.clock === null).toBe(v < 25);
      if (v >= 25) expect(g.clock).toEqual({ ticks: 101, mono: 1000, sec: 1_700_000_000, nsec: 5 });
      expect(eventObject(g, 1)).toEqual({ name: 'GoStatus', type: Ev.GoStatus, ticks: 108, args: { g: 1, m: 7, gstatus: 2 } });
      expect(eventObject(g, 2).args).toEqual({ reason_string: 1, stack: 1 });
      expect(g.strings.get(1)).toBe('chan receive');
      expect(stackFrames(g, 1)).toEqual([{ pc: 0x401000, func: 'main.main', file: '/src/main.go', line: 42, funcId: 2, fileId: 3 }]);
      expect(stackFrames(g, 0)).toEqual([]);
      expect(stackFrames(g, 99)).toBeUndefined();
      expect(Array.from(batchEventTimesNs(g, 0))).toEqual([106 * 64, 108 * 64, 111 * 64]);
    }
  });

  it('accepts padded 10-byte batch sizes, keeps 64-bit values exact', () => {
    const bigPc = 0xffff_ffff_ffff_0000n;
    const bigTask = 2n ** 60n + 3n;
    const bytes = [
      ...hdr(22),
      ...batch(1, NONE, 10, ev(Ev.Frequency, 15_625_000), { padSize: true }),
      ...batch(
        1,
        2n ** 62n,
        11,
        [...ev(Ev.GoStatus, 1, 5, NONE, 4), ...ev(Ev.UserTaskBegin, 1, bigTask, 0, 1, 1), ...ev(Ev.ProcSteal, 1, 3, 9, NONE)],
        { padSize: true },
      ),
      ...batch(1, NONE, 12, [Ev.Stacks, Ev.Stack, ...uv(1), ...uv(1), ...uv(bigPc), ...uv(1), ...uv(0), ...uv(7)], { padSize: true }),
      ...batch(1, NONE, 13, [Ev.Strings, ...str(1, 'task')], { padSize: true }),
      ...batch(1, NONE, 14, [Ev.CPUSamples, ...ev(Ev.CPUSample, 99, 2n ** 62n, NONE, 0, 1)], { padSize: true }),
    ];
    const r = read(bytes);
    expect(r.warning).toBeNull();
    const g = r.list[0];
    expect(g.ms).toEqual([2n ** 62n]);
    expect(eventArg(g, 0, 1)).toBe(U64_MAX);
    expect(eventArg(g, 1, 0)).toBe(bigTask);
    expect(eventArg(g, 2, 2)).toBe(U64_MAX);
    expect(g.stacks.get(1)).toEqual([bigPc]);
    expect(stackFrames(g, 1)![0]).toMatchObject({ pc: bigPc, func: 'task', file: '', line: 7 });
    expect(g.cpuSamples.count).toBe(1);
    expect(g.cpuSamples.ticks[0]).toBe(99);
    // Round trip through the dump.
    expect(dumpWire(r.list).join('\n')).toContain(`GoStatus dt=1 g=5 m=${U64_MAX} gstatus=4`);
    expect(dumpWire(r.list).join('\n')).toContain(`CPUSample time=99 m=${2n ** 62n} p=${U64_MAX} g=0 stack=1`);
  });

  it('frames experimental batches and experimental events', () => {
    const bytes = [
      ...hdr(23),
      ...syncBatch(23, 1, 10),
      ...batch(1, NONE, 11, [0, 1, 0xff, 0x80, 0x02, 9], { exp: 1 }),
      ...batch(1, 3, 12, [...ev(Ev.SpanAlloc, 1, 100, 2, 5), ...ev(Ev.HeapObjectFree, 1, 77)]),
    ];
    const r = read(bytes);
    expect(r.warning).toBeNull();
    const g = r.list[0];
    expect(g.experimental).toHaveLength(1);
    expect(Array.from(g.experimental[0].data)).toEqual([0, 1, 0xff, 0x80, 0x02, 9]);
    expect(g.experimental[0].experiment).toBe(1);
    expect(g.events.count).toBe(2);
    expect(eventObject(g, 0).args).toEqual({ id: 100, npages_value: 2, kindclass: 5 });
  });

  const cases: [string, number, number[], RegExp, number][] = [
    ['overlong varint', 22, [...hdr(22), Ev.EventBatch, ...new Array(11).fill(0x80), 0], /overflows/, 16],
    ['oversized batch', 22, [...hdr(22), ...batch(1, 1, 1, []).slice(0, -1), ...uv(65537)], /invalid batch size 65537/, 16],
    ['generation 0', 22, [...hdr(22), ...batch(0, 1, 1, [])], /invalid generation number 0/, 16],
    ['not a batch', 22, [...hdr(22), 0x07], /expected batch event, got event 7/, 16],
    ['EndOfGeneration before 1.26', 25, [...hdr(25), ...simpleGen(25, 1, 10), Ev.EndOfGeneration], /unexpected EndOfGeneration/, -1],
    ['string too long', 22, [...hdr(22), ...batch(1, NONE, 1, [Ev.Strings, Ev.String, 1, ...uv(1025)])], /invalid string size 1025/, 31],
    ['too many frames', 22, [...hdr(22), ...batch(1, NONE, 1, [Ev.Stacks, Ev.Stack, 1, ...uv(129)])], /invalid stack size 129/, 31],
    ['table byte in event batch', 22, [...hdr(22), ...batch(1, 1, 1, ev(Ev.String, 1))], /without a timestamp/, 21],
    ['unknown event type', 22, [...hdr(22), ...batch(1, 1, 1, [99, 1])], /invalid event type 99/, 21],
    ['event cut by batch end', 22, [...hdr(22), ...batch(1, 1, 1, [Ev.GoStart, 1, 0x80])], /invalid uvarint/, 21],
  ];
  it.each(cases)('%s: warning with the byte offset', (_n, _v, bytes, re, offset) => {
    const r = read(bytes);
    expect(r.warning).not.toBeNull();
    expect(r.warning!.message).toMatch(re);
    if (offset >= 0) expect(r.warning!.where.offset).toBe(offset);
    expect(r.warning!.where.offset).toBeLessThanOrEqual(bytes.length);
  });

  it('keeps earlier generations when a later one is broken', () => {
    const g1 = simpleGen(22, 1, 10);
    const g2 = simpleGen(22, 2, 20);
    // Generation 3 refers to a stack that does not exist.
    const g3 = [...syncBatch(22, 3, 30), ...batch(3, 1, 31, ev(Ev.GoBlock, 1, 0, 5))];
    const r = read([...hdr(22), ...g1, ...g2, ...g3]);
    expect(r.list.map((g) => g.gen)).toEqual([1, 2]);
    expect(r.warning!.message).toMatch(/generation 3 .*found invalid stack ID 5 for event GoBlock/);
    expect(r.warning!.where.offset).toBe(16 + g1.length + g2.length + syncBatch(22, 3, 30).length);
  });

  it('reports missing tables and clock snapshots like Go', () => {
    expect(read([...hdr(22), ...batch(1, 1, 1, ev(Ev.ProcStop, 1))]).warning!.message).toMatch(/no frequency event found/);
    expect(read([...hdr(25), ...batch(1, NONE, 1, [Ev.Sync, ...ev(Ev.Frequency, 100)])]).warning!.message).toMatch(/no clock snapshot event found/);
    expect(read([...hdr(22), ...syncBatch(22, 1, 1), ...syncBatch(22, 1, 2)]).warning!.message).toMatch(/multiple frequency events/);
    expect(read([...hdr(22), ...batch(1, NONE, 1, [Ev.Strings, ...str(1, 'a'), ...str(1, 'b')])]).warning!.message).toMatch(/multiple strings with the same ID: id=1/);
    // Header only: Go says "no frequency event found" before 1.26, nothing in 1.26.
    expect(read(hdr(22)).warning!.message).toMatch(/no frequency event found/);
    expect(read(hdr(26)).warning).toBeNull();
  });

  it('generation boundaries: out of order, interleaved, missing end marker', () => {
    const r1 = read([...hdr(22), ...simpleGen(22, 1, 10), ...simpleGen(22, 3, 20)]);
    expect(r1.list.map((g) => g.gen)).toEqual([1]);
    expect(r1.warning!.message).toMatch(/generations out of order/);
    const g1 = simpleGen(26, 1, 10);
    const r2 = read([...hdr(26), ...g1.slice(0, -1), ...simpleGen(26, 2, 20)]);
    expect(r2.list).toHaveLength(0);
    expect(r2.warning!.message).toMatch(/missing end-of-generation event/);
    const r3 = read([...hdr(26), ...g1, ...simpleGen(26, 2, 20).slice(0, -1)]);
    expect(r3.list.map((g) => g.gen)).toEqual([1]);
    expect(r3.warning!.message).toMatch(/incomplete generation/);
    expect(r3.warning!.where.offset).toBe(16 + 2 * g1.length - 1);
    expect(r3.partial?.gen).toBe(2);
    // Go 1.26 does not require consecutive generation numbers.
    expect(read([...hdr(26), ...g1, ...simpleGen(26, 5, 20)]).list.map((g) => g.gen)).toEqual([1, 5]);
  });

  it('a torn first batch of the next generation completes the current one (pre-1.26)', () => {
    const g1 = simpleGen(22, 1, 10);
    const g2 = simpleGen(22, 2, 20);
    const r = read([...hdr(22), ...g1, ...g2.slice(0, 12)]);
    expect(r.list.map((g) => g.gen)).toEqual([1]);
    expect(r.warning!.message).toMatch(/truncated batch/);
    expect(r.warning!.where.offset).toBe(16 + g1.length);
    // Torn inside generation 1 itself: nothing complete.
    const r2 = read([...hdr(22), ...g1.slice(0, g1.length - 3)]);
    expect(r2.list).toHaveLength(0);
    expect(r2.warning!.message).toMatch(/truncated/);
  });

  it('streams: any chunking gives the same generations, progress is reported', async () => {
    const bytes = new Uint8Array([...hdr(26), ...simpleGen(26, 1, 10), ...simpleGen(26, 2, 20), ...simpleGen(26, 3, 30)]);
    const whole = dumpWire(readGoTrace(bytes).list);
    for (const chunk of [1, 2, 3, 7, 16, 17, 1000]) {
      const prog: number[] = [];
      const r = readGoTrace(bytes, { chunkSize: chunk, onProgress: (d, t) => (expect(t).toBe(bytes.length), prog.push(d)) });
      expect(dumpWire(r.list)).toEqual(whole);
      expect(prog[prog.length - 1]).toBe(bytes.length);
      for (let i = 1; i < prog.length; i++) expect(prog[i]).toBeGreaterThanOrEqual(prog[i - 1]);
      async function* chunks() {
        for (let p = 0; p < bytes.length; p += chunk) yield bytes.slice(p, p + chunk);
      }
      const got: Generation[] = [];
      const it = readGenerationsAsync(chunks(), bytes.length);
      for (;;) {
        const n = await it.next();
        if (n.done) {
          expect(n.value.warning).toBeNull();
          expect(n.value.generations).toBe(3);
          break;
        }
        got.push(n.value);
      }
      expect(dumpWire(got)).toEqual(whole);
    }
    // Generations come out one at a time, before the input ends.
    const s = new GenerationStream(26);
    const g1 = simpleGen(26, 1, 10);
    expect(s.push(new Uint8Array(g1.slice(0, -1)))).toHaveLength(0);
    expect(s.push(new Uint8Array(g1.slice(-1)))).toHaveLength(1);
    expect(s.finish()).toHaveLength(0);
    expect(s.warning).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------
// Corpus.

interface ManifestEntry {
  path: string;
  version?: string;
  format: string;
  expect?: string;
  generations?: number;
  batches?: number;
  events?: number;
  cpu_samples?: number;
  freq?: number;
  framing_error?: string;
}

/** The trace section of a txtar golden file, as lines without comments/blank lines. */
function txtarTrace(text: string): { expect: string; lines: string[] } {
  const m = /-- expect --\n([\s\S]*?)-- trace --\n([\s\S]*)$/.exec(text);
  if (!m) throw new Error('not a txtar test');
  return { expect: m[1].trim(), lines: textLines(m[2]) };
}

function textLines(t: string): string[] {
  return t
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim().replace(/\s+/g, ' '))
    .filter((l) => l !== '' && !l.startsWith('Trace Go1.'));
}

function dumpLines(gens: Generation[]): string[] {
  return textLines(dumpWire(gens).join('\n'));
}

/** Index of the first differing line, or -1. */
function firstDiff(a: string[], b: string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describeCorpus('gotrace', 'gotrace reader (corpus)', () => {
  const manifest = JSON.parse(readFileSync(corpusPath('gotrace', 'manifest.json'), 'utf8')) as ManifestEntry[];
  const v2 = manifest.filter((m) => m.format.startsWith('binary v2'));
  const load = (p: string) => new Uint8Array(readFileSync(corpusPath('gotrace', p)));

  it('finds the binary v2 traces', () => {
    expect(v2.length).toBe(39);
  });

  const clean = v2.filter((m) => m.framing_error === undefined);
  it.each(clean.map((m) => [m.path, m] as const))('reads %s to the end with the manifest counts', (_p, m) => {
    const r = readGoTrace(load(m.path));
    expect(r.warning).toBeNull();
    expect(r.bytesRead).toBe(load(m.path).length);
    expect(r.list.length).toBe(m.generations);
    expect(r.list.reduce((s, g) => s + g.batches.length, 0)).toBe(m.batches);
    expect(r.list.reduce((s, g) => s + g.events.count, 0)).toBe(m.events);
    expect(r.list.reduce((s, g) => s + g.cpuSamples.count, 0)).toBe(m.cpu_samples);
    expect(r.list.some((g) => g.ticksPerSec === m.freq)).toBe(true);
  });

  const broken = v2.filter((m) => m.framing_error !== undefined);
  it.each(broken.map((m) => [m.path, m] as const))('reports %s as broken without throwing', (_p, m) => {
    const bytes = load(m.path);
    const r = readGoTrace(bytes);
    expect(r.warning).not.toBeNull();
    expect(r.warning!.where.offset).toBeGreaterThanOrEqual(16);
    expect(r.warning!.where.offset).toBeLessThanOrEqual(bytes.length);
  });

  // Every txtar golden test: decoding its binary rendering reproduces the text form line for line.
  const tests = manifest.filter((m) => m.path.endsWith('.test'));
  it.each(tests.map((m) => [m.path] as const))('%s: binary rendering decodes to the text trace', (p) => {
    const { expect: want, lines } = txtarOrBare(readFileSync(corpusPath('gotrace', p), 'utf8'));
    const bin = path.join('derived', p.replace(/\.test$/, '.trace'));
    const r = readGoTrace(load(bin));
    const got = dumpLines(r.list);
    if (path.basename(p) === 'go122-fail-first-gen-first.test') {
      // Generation 1 is complete; the batch of generation 2 is torn (and gen 1 itself is
      // invalid for the ordering layer, which is why Go expects a failure).
      expect(r.list.map((g) => g.gen)).toEqual([1]);
      expect(r.warning!.message).toMatch(/truncated batch/);
      expect(got).toEqual(lines.slice(0, got.length));
      expect(lines.length).toBe(got.length + 1);
      return;
    }
    expect(r.warning).toBeNull();
    const d = firstDiff(got, lines);
    expect(d === -1 ? null : { line: d, got: got[d], want: lines[d] }).toBeNull();
    // FAILURE expectations in the remaining tests are ordering errors (next layer).
    if (want !== 'SUCCESS') expect(want).toMatch(/FAILURE/);
  });

  function txtarOrBare(text: string) {
    return text.startsWith('-- expect --') ? txtarTrace(text) : { expect: 'SUCCESS', lines: textLines(text) };
  }

  it('sync times match Go reader_test.go (go123-sync, go125-sync)', () => {
    const r123 = readGoTrace(load('derived/src/internal/trace/testdata/tests/go123-sync.trace'));
    expect(r123.list.map((g) => g.syncTimeNs)).toEqual([10, 40, 60]);
    const r125 = readGoTrace(load('derived/src/internal/trace/testdata/tests/go125-sync.trace'));
    expect(r125.list.map((g) => g.syncTimeNs)).toEqual([9, 38, 58]);
    // Clock snapshots: trace time in ns = ticks * nsPerTick; mono and wall as written.
    expect(r125.list.map((g) => Math.trunc(Number(g.clock!.ticks) * g.nsPerTick))).toEqual([10, 40, 60]);
    expect(r125.list.map((g) => g.clock!.mono)).toEqual([99, 199, 299]);
    expect(r125.list.map((g) => new Date(Number(g.clock!.sec) * 1000).toISOString())).toEqual([
      '2025-02-28T15:04:09.000Z',
      '2025-02-28T15:04:10.000Z',
      '2025-02-28T15:04:11.000Z',
    ]);
    expect(r125.list.map((g) => g.clock!.nsec)).toEqual([123, 123, 123]);
  });

  it('byte-by-byte and odd-sized chunks give the same result as one read', () => {
    const bytes = load('derived/src/internal/trace/testdata/tests/go122-gc-stress.trace');
    const whole = dumpWire(readGoTrace(bytes).list);
    for (const chunkSize of [1, 3, 333, 4097]) {
      const r = readGoTrace(bytes, { chunkSize });
      expect(r.warning).toBeNull();
      expect(dumpWire(r.list)).toEqual(whole);
    }
  });

  it('go122-gc-stress starts at generation 3; go122.trace has a full stack table', () => {
    const gc = readGoTrace(load('derived/src/internal/trace/testdata/tests/go122-gc-stress.trace'));
    expect(gc.list[0].gen).toBe(3);
    const g = readGoTrace(load('derived/src/cmd/trace/testdata/go122.trace')).list[0];
    // Every stack resolves to frames with function names.
    for (const id of g.stacks.keys()) {
      const fr = stackFrames(g, id)!;
      expect(fr.length).toBe(g.stacks.get(id)!.length);
      for (const f of fr) expect(f.func).not.toBe('');
    }
  });

  describeGo('against go tool trace -d=wire', () => {
    it.each(clean.map((m) => [m.path] as const))('%s', (p) => {
      const want = textLines(runGo(['tool', 'trace', '-d=wire', corpusPath('gotrace', p)]));
      const got = dumpLines(readGoTrace(load(p)).list);
      const d = firstDiff(got, want);
      expect(d === -1 ? null : { line: d, got: got[d], want: want[d] }).toBeNull();
    });
  });

  it('the generator yields generations one by one with a summary', () => {
    const it = readGenerations(load('derived/src/internal/trace/testdata/tests/go125-sync.trace'));
    const gens: number[] = [];
    for (;;) {
      const n = it.next();
      if (n.done) {
        expect(n.value.generations).toBe(3);
        expect(n.value.warning).toBeNull();
        break;
      }
      gens.push(Number(n.value.gen));
    }
    expect(gens).toEqual([1, 2, 3]);
  });
});
