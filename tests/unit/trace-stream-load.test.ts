// The worker's streaming load of a Go trace (analysis/trace/load.ts: decodeAny hands each
// generation to TraceLoader and keeps none) gives exactly what the whole-list functions give
// on the generations kept in memory: the Timeline view data (traceViewData), the checklist's
// trace evidence (traceEvidence) and the CPU-sample profile (decodeAny without a sink) — on
// every repository trace, truncated copies (a partial generation, a torn batch), a legacy
// trace and the corpus' v2 traces.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectEvidence } from '../../src/analysis/checklist/index.ts';
import { traceEvidence } from '../../src/analysis/checklist/traceEvidence.ts';
import { TraceLoader } from '../../src/analysis/trace/load.ts';
import { traceViewData } from '../../src/analysis/trace/view.ts';
import { decodeAny, decodeGoTraceBlob, isGoTraceHead } from '../../src/formats/index.ts';
import { corpusPath, hasCorpus } from '../helpers/corpus.ts';

async function both(bytes: Uint8Array) {
  const whole = await decodeAny(bytes);
  if (whole.kind !== 'go-trace') throw new Error('not a trace');
  const gens = whole.trace.partial ? [...whole.trace.list, whole.trace.partial] : whole.trace.list;
  const load = new TraceLoader();
  let kept = 0;
  const streamed = await decodeAny(bytes, { traceSink: (g) => (kept++, load.generation(g)) });
  if (streamed.kind !== 'go-trace') throw new Error('not a trace');
  return { whole, gens, streamed, r: load.finish(), kept };
}

async function expectSame(bytes: Uint8Array): Promise<void> {
  const { whole, gens, streamed, r, kept } = await both(bytes);
  expect(kept).toBe(gens.length);
  expect(streamed.trace.list).toEqual([]);
  expect(streamed.trace.warning?.message).toBe(whole.trace.warning?.message);
  expect(streamed.profile).toEqual(whole.profile);
  let view: unknown = null;
  let viewError: string | null = null;
  try {
    view = traceViewData(gens);
  } catch (e) {
    viewError = (e as Error).message;
  }
  expect(r.error).toBe(viewError);
  expect(r.view).toEqual(view);
  if (viewError === null) {
    expect(r.evidence).toEqual(traceEvidence(gens));
    expect(collectEvidence({ ...streamed, traceEvidence: r.evidence! }, 'x')).toEqual(collectEvidence(whole, 'x'));
  }
}

const dir = path.join('testdata', 'gotrace');
const traces = readdirSync(dir).filter((f) => f.endsWith('.trace'));

describe('streamed trace load = whole-list analysis', () => {
  for (const f of traces) {
    const bytes = new Uint8Array(readFileSync(path.join(dir, f)));
    it(f, async () => {
      await expectSame(bytes);
    });
    it(`${f} cut at 60% (torn batch, partial generation)`, async () => {
      await expectSame(bytes.slice(0, Math.floor(bytes.length * 0.6)));
    });
  }

  // The span columns are regrouped by goroutine a batch at a time (view.ts SpanBlocks): the
  // layout must not depend on where the batches end (one span per batch: a block per span).
  it('the span layout does not depend on the regrouping batch size', async () => {
    for (const f of traces) {
      const whole = await decodeAny(new Uint8Array(readFileSync(path.join(dir, f))));
      if (whole.kind !== 'go-trace') throw new Error('not a trace');
      const one = traceViewData(whole.trace.list);
      expect(one.spanKind.length, f).toBeGreaterThan(0);
      for (const batch of [1, 7, 1000]) expect(traceViewData(whole.trace.list, { batch }), `${f} batch ${batch}`).toEqual(one);
    }
  });

  it('the stream keeps spans, stacks and evidence non-trivial (cpu.trace)', async () => {
    const { r } = await both(new Uint8Array(readFileSync(path.join(dir, 'cpu.trace'))));
    expect(r.view!.spanKind.length).toBeGreaterThan(1000);
    expect(r.view!.sampleT.length).toBeGreaterThan(0);
    expect(r.evidence!.gcCycles).toBeGreaterThan(0);
  });
});

const corpus = hasCorpus('gotrace', 'manifest.json') ? (JSON.parse(readFileSync(corpusPath('gotrace', 'manifest.json'), 'utf8')) as { path: string; format: string; framing_error?: string }[]) : [];
const picked = [
  ...corpus.filter((e) => e.format === 'binary v2 (generational)' && !e.framing_error && !e.path.includes('fuzz')).slice(0, 12),
  ...corpus.filter((e) => e.format === 'binary v1 (legacy)' && e.path.endsWith('_good')).slice(0, 3),
];
describe.skipIf(picked.length === 0)('streamed trace load = whole-list analysis (corpus)', () => {
  for (const e of picked) {
    it(e.path, async () => {
      await expectSame(new Uint8Array(readFileSync(corpusPath('gotrace', e.path))));
    });
  }
});

// A picked file reaches the worker as a Blob and a Go trace is read from it a chunk at a time
// (decodeGoTraceBlob): the load must equal the in-memory one whatever the chunk size, on whole,
// cut and legacy traces, and bad input must fail the same way.
async function fromBlob(bytes: Uint8Array, chunkSize: number) {
  const load = new TraceLoader();
  const seen: boolean[] = [];
  const progress: [string, number, number][] = [];
  const decoded = await decodeGoTraceBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
    traceSink: (g, complete) => (seen.push(complete), load.generation(g)),
    onProgress: (phase, d, t) => progress.push([phase, d, t]),
    chunkSize,
  });
  return { decoded, r: load.finish(), seen, progress };
}

async function fromBytes(bytes: Uint8Array) {
  const load = new TraceLoader();
  const seen: boolean[] = [];
  const decoded = await decodeAny(bytes, { traceSink: (g, complete) => (seen.push(complete), load.generation(g)) });
  return { decoded, r: load.finish(), seen };
}

async function expectBlobSame(bytes: Uint8Array, chunkSizes: number[]): Promise<void> {
  const want = await fromBytes(bytes);
  for (const chunkSize of chunkSizes) {
    const got = await fromBlob(bytes, chunkSize);
    expect(got.seen, `chunk ${chunkSize}`).toEqual(want.seen);
    expect(got.decoded, `chunk ${chunkSize}`).toEqual(want.decoded);
    expect(got.r, `chunk ${chunkSize}`).toEqual(want.r);
    // Progress counts bytes read, ends at the file's size and never goes back.
    expect(got.progress.at(-1)).toEqual(['decode', bytes.length, bytes.length]);
    for (let i = 1; i < got.progress.length; i++) expect(got.progress[i][1]).toBeGreaterThanOrEqual(got.progress[i - 1][1]);
  }
}

describe('a trace read from a Blob in chunks = the in-memory streamed load', () => {
  const small = traces.map((f) => ({ f, bytes: new Uint8Array(readFileSync(path.join(dir, f))) })).sort((a, b) => a.bytes.length - b.bytes.length);
  for (const { f, bytes } of small) {
    it(f, async () => {
      expect(isGoTraceHead(bytes.subarray(0, 16)), f).toBe(true);
      // Odd sizes: chunks shorter than the header, than a batch header, ending mid-varint.
      const sizes = bytes.length < 200_000 ? [1, 7, 4093, 65_536, 4 << 20] : [4093, 65_536, 4 << 20];
      await expectBlobSame(bytes, sizes);
    });
    it(`${f} cut at 60% (torn batch, partial generation)`, async () => {
      const cut = bytes.slice(0, Math.floor(bytes.length * 0.6));
      await expectBlobSame(cut, [997, 1 << 20]);
      expect((await fromBlob(cut, 997)).decoded.profile.warnings.join(' ')).toMatch(/cut short or damaged/);
    });
  }

  it('a header only fails as from bytes; a cut header or a non-trace is not streamed', async () => {
    const bytes = new Uint8Array(readFileSync(path.join(dir, traces[0])));
    // The worker streams only what isGoTraceHead accepts; the rest goes through decodeAny whole.
    expect(isGoTraceHead(bytes.slice(0, 10))).toBe(false);
    for (const bad of [bytes.slice(0, 16), bytes.slice(0, 17)]) {
      let want: string | null = null;
      try {
        await fromBytes(bad);
      } catch (e) {
        want = (e as Error).message;
      }
      let got: string | null = null;
      try {
        await fromBlob(bad, 3);
      } catch (e) {
        got = (e as Error).message;
      }
      expect(got).toBe(want);
    }
    expect(isGoTraceHead(new TextEncoder().encode('--- goroutine profile'))).toBe(false);
    expect(isGoTraceHead(new Uint8Array([0x1f, 0x8b, 8, 0]))).toBe(false);
  });
});

describe.skipIf(picked.length === 0)('a trace read from a Blob in chunks (corpus)', () => {
  for (const e of picked) {
    it(e.path, async () => {
      await expectBlobSame(new Uint8Array(readFileSync(corpusPath('gotrace', e.path))), [4093, 1 << 20]);
    });
  }
});
