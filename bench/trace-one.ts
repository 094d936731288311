// One measurement of the Go-trace pipeline in a fresh process (peak RSS belongs to this
// run alone), printed as one JSON line. bench/trace.bench.ts bundles this file the way the
// app is bundled (esbuild, no keep-names helpers) and runs it with plain node.
//   node trace-one.mjs <file> read       read + validate every generation (reader only)
//   node trace-one.mjs <file> analysis   decode + goroutine analysis, streamed generation by
//                                        generation (what `stacklens goroutines` computes)
//   node trace-one.mjs <file> worker     what the app's worker does on load of a picked file
//                                        (source.worker.ts): decodeGoTraceBlob reading the file
//                                        a chunk at a time (never whole), each generation into the Timeline
//                                        view's data and the checklist's trace evidence (no
//                                        generation kept), the CPU-sample profile, the summary
//                                        and the evidence the checklist asks for

import { openAsBlob, readFileSync, statSync } from 'node:fs';
import { collectEvidence } from '../src/analysis/checklist';
import { summarize } from '../src/analysis/query';
import { summarizeGoroutines } from '../src/analysis/trace/goroutines';
import { TraceLoader } from '../src/analysis/trace/load';
import { decodeGoTraceBlob } from '../src/formats';
import type { Generation } from '../src/formats/gotrace/model';
import { readGenerations } from '../src/formats/gotrace/reader';

const [file, mode] = process.argv.slice(2);
const size = statSync(file).size;
/** The file once, whole (a view of the Buffer, not a copy of it): the read and analysis modes. */
function wholeFile(): Uint8Array {
  const buf = readFileSync(file);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let events = 0;
let generations = 0;
let goroutines = 0;
let spans = 0;
let warning: string | null = null;

/** The generations of the trace, streamed: each is dropped once the consumer moves on. */
function* stream(): Generator<Generation> {
  const it = readGenerations(wholeFile());
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
} else if (mode === 'worker') {
  const load = new TraceLoader();
  // A picked file reaches the worker as a File; Node's disk-backed Blob stands for it.
  const decoded = await decodeGoTraceBlob(await openAsBlob(file), {
    traceSink: (g) => {
      events += g.events.count;
      generations++;
      load.generation(g);
    },
  });
  if (decoded.kind !== 'go-trace') throw new Error(`${file} is not a Go trace`);
  summarize(decoded.profile, file, size, 0);
  const r = load.finish();
  if (!r.view || !r.evidence) throw new Error(`the worker path failed: ${r.error}`);
  collectEvidence({ ...decoded, traceEvidence: r.evidence }, file);
  warning = decoded.trace.warning?.message ?? null;
  goroutines = r.view.gIds.length;
  spans = r.view.spanKind.length;
} else {
  console.error('mode: read | analysis | worker');
  process.exit(2);
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    file,
    mode,
    bytes: size,
    generations,
    events,
    goroutines,
    spans,
    warning,
    ms,
    /** CPU time of all threads (user + system): steadier than wall time on a busy machine. */
    cpuMs: (cpu.user + cpu.system) / 1000,
    MBps: size / 1e6 / (ms / 1000),
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
