// The one entry point from bytes to a model: sniff, inflate, dispatch to a decoder.
// Called by the worker (browser) and the CLI (Node); nothing here touches the DOM.

import type { StackProfile } from '../model/profile';
import { parseGoDump, type GoDump } from './godump';
import { decodePerfScriptParallel, isTracepointName, type PerfDump } from './perf/model';
import type { PerfPartRunner } from './perf/part';
import { blobChunks, readGenerations, readGenerationsAsync, readGoTrace, type ReadEnd, type ReadResult } from './gotrace/reader';
import { TraceCpuProfileBuilder, traceCpuProfile } from './gotrace/cpuProfile';
import { releaseGenerationColumns, type Generation } from './gotrace/model';
import { DecodeError } from './errors';
import { gunzip, isGzip, MAX_INFLATED_BYTES, type InflatedSoFar } from './gzip';
import { decodeLegacyPprof } from './pprof/legacy';
import { decodePprof, LeadingSamples } from './pprof/proto';
import { hexPreview, sniff } from './sniff';

export type DecodePhase = 'inflate' | 'decode';
export type PhaseProgressFn = (phase: DecodePhase, done: number, total: number) => void;

export interface DecodeOptions {
  onProgress?: PhaseProgressFn;
  /** perf script: scans the second part of a big dump on another thread (perf/part.ts). */
  perfPart?: PerfPartRunner;
  /** Inflater; the worker passes the native one where it is faster. One that calls
   * `soFar` lets a pprof decode start on the samples while the rest inflates. */
  gunzip?: (input: Uint8Array, onProgress?: (done: number, total: number) => void, maxBytes?: number, soFar?: InflatedSoFar) => Uint8Array | Promise<Uint8Array>;
  /**
   * Go execution traces: each generation is handed here as soon as it is read (the partial
   * one last, `complete` false) and not kept, so memory holds one generation at a time; the
   * result's `trace.list` is then empty and `trace.partial` null. The worker's load path.
   * A generation's event and CPU-sample columns are freed when the sink returns
   * (releaseGenerationColumns): a sink reads what it needs during its call.
   */
  traceSink?: (g: Generation, complete: boolean) => void;
}

/** Every decoded source carries a StackProfile (the flame graph and top table work on
 * all of them); formats with more to show carry their own model beside it. */
export type Decoded =
  | { kind: 'profile'; profile: StackProfile }
  | { kind: 'go-dump'; profile: StackProfile; dump: GoDump }
  /** `profile` is the default event's (defaultPerfEvent: what the CLI shows without --event); `text` is the
   * (inflated) script text, for the views' second pass over lifecycle records. */
  | { kind: 'perf'; profile: StackProfile; perf: PerfDump; text: Uint8Array }
  | { kind: 'go-trace'; profile: StackProfile; trace: ReadResult };

const SUPPORTED = 'a Go pprof profile (gzip or raw profile.proto, or the legacy text/binary formats), a Go execution trace (Go 1.11+), a Go goroutine/crash dump or `perf script` text';

/**
 * The event a perf dump opens with: the sampling event (cpu-clock, cycles, … — not a
 * tracepoint) with the most records, else the tracepoint with the most records. A dump
 * recorded with sched tracepoints next to cpu-clock opens on its CPU profile.
 */
export function defaultPerfEvent(perf: PerfDump): number {
  let best = 0;
  const rank = (i: number) => {
    const e = perf.profiles[i].event;
    return [isTracepointName(e) ? 0 : 1, perf.recordCounts.get(e) ?? 0];
  };
  for (let i = 1; i < perf.profiles.length; i++) {
    const [a, b] = [rank(i), rank(best)];
    if (a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])) best = i;
  }
  return best;
}

export async function decodeAny(input: Uint8Array, opts: DecodeOptions = {}): Promise<Decoded> {
  const progress = opts.onProgress ?? (() => {});
  let bytes = input;
  let gz = false;
  let leading: LeadingSamples | undefined;
  if (isGzip(bytes)) {
    const inflate = opts.gunzip ?? gunzip;
    const head = (leading = new LeadingSamples());
    bytes = await inflate(bytes, (d, t) => progress('inflate', d, t), MAX_INFLATED_BYTES, (out, filled) => head.feed(out, filled));
    gz = true;
    if (bytes.length === 0) throw new DecodeError('gzip', 'the gzip stream holds no data; expected a compressed profile');
  }
  const s = sniff(bytes);
  const suffix = gz ? ' (gzip)' : '';
  const onProgress = (d: number, t: number) => progress('decode', d, t);
  switch (s.format) {
    case 'pprof-proto':
      return { kind: 'profile', profile: decodePprof(bytes, { onProgress, encoding: `pprof protobuf${suffix}`, leading }) };
    case 'pprof-legacy-text':
    case 'pprof-legacy-binary': {
      const p = decodeLegacyPprof(bytes, { onProgress });
      if (p) return { kind: 'profile', profile: { ...p, encoding: p.encoding + suffix } };
      throw new DecodeError('pprof', `looks like a ${s.what} but no legacy parser recognised it; expected ${SUPPORTED}`, { offset: 0 });
    }
    case 'go-dump': {
      const dump = parseGoDump(bytes, { onProgress });
      return { kind: 'go-dump', profile: dump.profile, dump };
    }
    case 'perf-script': {
      const perf = await decodePerfScriptParallel(bytes, { onProgress, runPart: opts.perfPart });
      if (perf.profiles.length === 0) throw new DecodeError('perf-script', 'no samples: the perf script output has no records; expected `perf script` text with at least one sample', { line: 1 });
      // One event stands for the dump where one profile is wanted (CLI without --event,
      // the workbench's first view); the event picker offers every event.
      return { kind: 'perf', profile: perf.profiles[defaultPerfEvent(perf)].profile, perf, text: bytes };
    }
    case 'go-trace': {
      if (opts.traceSink) return streamedTrace(streamGoTrace(bytes, onProgress, opts.traceSink));
      const trace = readGoTrace(bytes, { onProgress });
      const warnings = traceWarnings(trace, trace.list.length);
      return { kind: 'go-trace', profile: traceCpuProfile(trace.list, warnings), trace };
    }
    default:
      if (s.what === 'an empty file') throw new DecodeError('input', `empty file; expected ${SUPPORTED}`, { offset: 0 });
      throw new DecodeError('input', `unknown format: ${s.what} starting with bytes ${hexPreview(bytes)}${suffix}; expected ${SUPPORTED}`, { offset: 0 });
  }
}

/** The load's warnings; throws where nothing of the trace can be shown. */
function traceWarnings(trace: ReadEnd, complete: number): string[] {
  // A legacy (1.11–1.21) trace is converted whole or not at all, like Go does.
  if (trace.header.kind === 'legacy' && complete === 0 && trace.warning) throw trace.warning;
  return trace.warning ? [`The trace is cut short or damaged: ${trace.warning.message}; showing the ${complete} complete generation(s) before it.`] : [];
}

interface StreamedTrace {
  trace: ReadResult;
  cpu: TraceCpuProfileBuilder;
}

function streamedTrace(s: StreamedTrace): Decoded {
  return { kind: 'go-trace', profile: s.cpu.finish(traceWarnings(s.trace, s.trace.generations)), trace: s.trace };
}

type TraceSink = NonNullable<DecodeOptions['traceSink']>;

/** Reads a trace handing each generation to `sink` (see DecodeOptions.traceSink); the CPU-sample profile is built on the way. */
function streamGoTrace(bytes: Uint8Array, onProgress: (d: number, t: number) => void, sink: TraceSink): StreamedTrace {
  const cpu = new TraceCpuProfileBuilder();
  const it = readGenerations(bytes, { onProgress });
  for (;;) {
    const r = it.next();
    if (r.done) return endStream(r.value, cpu, sink);
    handOver(r.value, cpu, sink);
  }
}

/** A complete generation to the CPU profile and the sink, then its columns freed (DecodeOptions.traceSink). */
function handOver(g: Generation, cpu: TraceCpuProfileBuilder, sink: TraceSink): void {
  cpu.add(g);
  sink(g, true);
  releaseGenerationColumns(g);
}

function endStream(end: ReadEnd, cpu: TraceCpuProfileBuilder, sink: TraceSink): StreamedTrace {
  // Like the worker's tables before: the partial generation is shown, not in the CPU profile.
  if (end.partial) {
    sink(end.partial, false);
    releaseGenerationColumns(end.partial);
  }
  return { trace: { ...end, partial: null, list: [] }, cpu };
}

/** Whether a source whose first bytes are `head` (16 are enough) is an uncompressed Go execution trace. */
export function isGoTraceHead(head: Uint8Array): boolean {
  return sniff(head).format === 'go-trace';
}

/**
 * A Go execution trace read from a Blob (a picked File) `chunkSize` bytes at a time, each
 * generation handed to `traceSink` as decodeAny does: the file is never held whole, only the
 * generation being read. Gives exactly what decodeAny(bytes, { traceSink }) gives; progress
 * is bytes read. The caller checks isGoTraceHead first (other sources are read whole).
 */
export async function decodeGoTraceBlob(blob: Blob, opts: { traceSink: TraceSink; onProgress?: PhaseProgressFn; chunkSize?: number }): Promise<Decoded> {
  const progress = opts.onProgress ?? (() => {});
  const cpu = new TraceCpuProfileBuilder();
  const it = readGenerationsAsync(blobChunks(blob, opts.chunkSize), blob.size, { onProgress: (d, t) => progress('decode', d, t) });
  for (;;) {
    const r = await it.next();
    if (r.done) {
      progress('decode', blob.size, blob.size);
      return streamedTrace(endStream(r.value, cpu, opts.traceSink));
    }
    handOver(r.value, cpu, opts.traceSink);
  }
}
