// One measurement of a `perf script` dump in a fresh process (so peak RSS belongs to this
// input alone), printed as one JSON line. bench/perf.bench.ts bundles this file the way
// the app is bundled (esbuild) and runs it with plain node.
//   node perf-one.mjs <file> whole    parse + aggregate as the worker does it, the whole
//                                     file in memory: decodeAny (sniff → decodePerfScript:
//                                     one StackProfile per event) → summarize → the default
//                                     flame graph's aggregation (PerfWorkspace.analyze); then,
//                                     timed apart, loadPerf (the perf views' data the worker
//                                     also builds on load: timeline, lineage, exec panel)
//   node perf-one.mjs <file> stream   the same parse + aggregate fed from the file in 1 MiB
//                                     chunks (PerfDecoder: the text is never held whole)

import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { PerfWorkspace } from '../src/analysis/perf/analyze';
import { loadPerf } from '../src/analysis/perf/source';
import { summarize } from '../src/analysis/query';
import { decodeAny, defaultPerfEvent } from '../src/formats';
import { PerfDecoder, type PerfDump } from '../src/formats/perf/model';

const [file, mode] = process.argv.slice(2);
const t0 = performance.now();
const c0 = process.cpuUsage();
let bytes: number;
let dump: PerfDump;
let ws: PerfWorkspace;
let text: Uint8Array | null = null;
let stats: { shortcutLines: number; grammarLines: number } | null = null;
if (mode === 'stream') {
  bytes = statSync(file).size;
  const d = new PerfDecoder({ total: bytes });
  const chunk = new Uint8Array(1 << 20);
  const fd = openSync(file, 'r');
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) d.push(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  dump = d.finish();
  stats = d.stats;
  summarize(dump.profiles[defaultPerfEvent(dump)].profile, file, bytes, performance.now() - t0);
  ws = new PerfWorkspace(dump);
} else {
  // The file's own buffer, not a copy: the input is held once, as in the worker.
  const buf = readFileSync(file);
  const input = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  bytes = input.length;
  const decoded = await decodeAny(input);
  if (decoded.kind !== 'perf') throw new Error(`${file} decoded as ${decoded.kind}, not a perf script dump`);
  dump = decoded.perf;
  text = decoded.text;
  summarize(decoded.profile, file, bytes, performance.now() - t0);
  ws = new PerfWorkspace(dump);
}
const t1 = performance.now();
const result = ws.analyze({ sampleType: 0, inverted: false, tagFocus: [], focusKey: null });
const t2 = performance.now();
const cpu = process.cpuUsage(c0);
let viewsMs = 0;
if (text !== null) {
  const v0 = performance.now();
  loadPerf(dump, text, summarize(dump.profiles[ws.defaultEvent].profile, file, bytes, 0));
  viewsMs = performance.now() - v0;
}
const profile = dump.profiles[ws.defaultEvent].profile;
let records = 0;
for (const n of dump.recordCounts.values()) records += n;
console.log(
  JSON.stringify({
    mode,
    bytes,
    records,
    events: dump.profiles.length,
    samples: profile.samples.length,
    stacks: profile.stacks.length,
    functions: profile.funcs.length,
    locations: profile.locations.length,
    callNodes: result.tree.length,
    unparsedLines: dump.unparsedLines,
    shortcutShare: stats ? stats.shortcutLines / (stats.shortcutLines + stats.grammarLines) : null,
    decodeMs: t1 - t0,
    aggregateMs: t2 - t1,
    viewsMs,
    totalMs: t2 - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
