// One measurement of the Go-trace pipeline in a fresh process (peak RSS belongs to this
// run alone), printed as one JSON line. bench/trace.bench.ts bundles this file the way the
// app is bundled (esbuild, no keep-names helpers) and runs it with plain node.
//   node trace-one.mjs <file> read       read + validate every generation (reader only)
//   node trace-one.mjs <file> analysis   decode + goroutine analysis, streamed generation by
//                                        generation (what `stacklens goroutines` computes)
//   node trace-one.mjs <file> timeline   what the app's worker does: every generation kept,
//                                        the CPU-sample profile and the Timeline view's data

import { readFileSync } from 'node:fs';
import { summarizeGoroutines } from '../src/analysis/trace/goroutines';
import { traceViewData } from '../src/analysis/trace/view';
import { traceCpuProfile } from '../src/formats/gotrace/cpuProfile';
import type { Generation } from '../src/formats/gotrace/model';
import { readGenerations, readGoTrace } from '../src/formats/gotrace/reader';

const [file, mode] = process.argv.slice(2);
const bytes = new Uint8Array(readFileSync(file));
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let events = 0;
let generations = 0;
let goroutines = 0;
let spans = 0;
let warning: string | null = null;

/** The generations of the trace, streamed: each is dropped once the consumer moves on. */
function* stream(): Generator<Generation> {
  const it = readGenerations(bytes);
  for (;;) {
    const r = it.next();
    if (r.done) {
      if (r.value.partial) {
        events += r.value.partial.events.count;
        generations++;
        yield r.value.partial;
      }
      warning = r.value.warning?.message ?? null;
      return;
    }
    events += r.value.events.count;
    generations++;
    yield r.value;
  }
}

if (mode === 'read') {
  for (const g of stream()) void g;
} else if (mode === 'analysis') {
  goroutines = summarizeGoroutines(stream()).goroutines.length;
} else if (mode === 'timeline') {
  const r = readGoTrace(bytes);
  const gens = r.partial ? [...r.list, r.partial] : r.list;
  for (const g of gens) events += g.events.count;
  generations = gens.length;
  traceCpuProfile(gens, []);
  const d = traceViewData(gens);
  goroutines = d.gIds.length;
  spans = d.spanStart.length;
} else {
  console.error('mode: read | analysis | timeline');
  process.exit(2);
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    file,
    mode,
    bytes: bytes.length,
    generations,
    events,
    goroutines,
    spans,
    warning,
    ms,
    /** CPU time of all threads (user + system): steadier than wall time on a busy machine. */
    cpuMs: (cpu.user + cpu.system) / 1000,
    MBps: bytes.length / 1e6 / (ms / 1000),
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
