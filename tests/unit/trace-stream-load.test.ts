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
import { decodeAny } from '../../src/formats/index.ts';
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
      expect(one.spanState.length, f).toBeGreaterThan(0);
      for (const batch of [1, 7, 1000]) expect(traceViewData(whole.trace.list, { batch }), `${f} batch ${batch}`).toEqual(one);
    }
  });

  it('the stream keeps spans, stacks and evidence non-trivial (cpu.trace)', async () => {
    const { r } = await both(new Uint8Array(readFileSync(path.join(dir, 'cpu.trace'))));
    expect(r.view!.spanState.length).toBeGreaterThan(1000);
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
