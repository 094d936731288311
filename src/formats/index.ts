// The one entry point from bytes to a model: sniff, inflate, dispatch to a decoder.
// Called by the worker (browser) and the CLI (Node); nothing here touches the DOM.

import type { StackProfile } from '../model/profile';
import { parseGoDump, type GoDump } from './godump';
import { decodePerfScript, type PerfDump } from './perf/model';
import { readGoTrace, type ReadResult } from './gotrace/reader';
import { traceCpuProfile } from './gotrace/cpuProfile';
import { DecodeError } from './errors';
import { gunzip, isGzip } from './gzip';
import { decodeLegacyPprof } from './pprof/legacy';
import { decodePprof } from './pprof/proto';
import { hexPreview, sniff } from './sniff';

export type DecodePhase = 'inflate' | 'decode';
export type PhaseProgressFn = (phase: DecodePhase, done: number, total: number) => void;

export interface DecodeOptions {
  onProgress?: PhaseProgressFn;
  /** Inflater; the worker passes the native one where it is faster. */
  gunzip?: (input: Uint8Array, onProgress?: (done: number, total: number) => void) => Uint8Array | Promise<Uint8Array>;
}

/** Every decoded source carries a StackProfile (the flame graph and top table work on
 * all of them); formats with more to show carry their own model beside it. */
export type Decoded =
  | { kind: 'profile'; profile: StackProfile }
  | { kind: 'go-dump'; profile: StackProfile; dump: GoDump }
  | { kind: 'perf'; profile: StackProfile; perf: PerfDump }
  | { kind: 'go-trace'; profile: StackProfile; trace: ReadResult };

const SUPPORTED = 'a Go pprof profile (gzip or raw profile.proto, or the legacy text/binary formats), a Go 1.22+ execution trace, a Go goroutine/crash dump or `perf script` text';

export async function decodeAny(input: Uint8Array, opts: DecodeOptions = {}): Promise<Decoded> {
  const progress = opts.onProgress ?? (() => {});
  let bytes = input;
  let gz = false;
  if (isGzip(bytes)) {
    const inflate = opts.gunzip ?? gunzip;
    bytes = await inflate(bytes, (d, t) => progress('inflate', d, t));
    gz = true;
    if (bytes.length === 0) throw new DecodeError('gzip', 'the gzip stream holds no data; expected a compressed profile');
  }
  const s = sniff(bytes);
  const suffix = gz ? ' (gzip)' : '';
  const onProgress = (d: number, t: number) => progress('decode', d, t);
  switch (s.format) {
    case 'pprof-proto':
      return { kind: 'profile', profile: decodePprof(bytes, { onProgress, encoding: `pprof protobuf${suffix}` }) };
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
      const perf = decodePerfScript(bytes, { onProgress });
      if (perf.profiles.length === 0) throw new DecodeError('perf-script', 'no samples: the perf script output has no records; expected `perf script` text with at least one sample', { line: 1 });
      // Until the views have an event picker, show the event with the most records.
      const count = (e: string) => perf.recordCounts.get(e) ?? 0;
      const shown = perf.profiles.reduce((a, b) => (count(b.event) > count(a.event) ? b : a));
      const profile = shown.profile;
      if (perf.profiles.length > 1) {
        const others = perf.profiles.filter((e) => e !== shown).map((e) => `${e.event || '(no event)'} (${count(e.event)} records)`);
        profile.warnings.push(`This dump has ${perf.profiles.length} events; showing ${shown.event} (${count(shown.event)} records). Not shown: ${others.join(', ')}.`);
      }
      return { kind: 'perf', profile, perf };
    }
    case 'go-trace': {
      const trace = readGoTrace(bytes, { onProgress });
      if (trace.header.kind === 'legacy') throw new DecodeError('gotrace', trace.header.message, { offset: 0 });
      const warnings = trace.warning ? [`The trace is cut short or damaged: ${trace.warning.message}; showing the ${trace.list.length} complete generation(s) before it.`] : [];
      return { kind: 'go-trace', profile: traceCpuProfile(trace.list, warnings), trace };
    }
    default:
      if (s.what === 'an empty file') throw new DecodeError('input', `empty file; expected ${SUPPORTED}`, { offset: 0 });
      throw new DecodeError('input', `unknown format: ${s.what} starting with bytes ${hexPreview(bytes)}${suffix}; expected ${SUPPORTED}`, { offset: 0 });
  }
}
