// One measurement of a `perf script` dump in a fresh process (so peak RSS belongs to this
// input alone), printed as one JSON line. bench/perf.bench.ts bundles this file the way
// the app is bundled (esbuild) and runs it with plain node.
//   node perf-one.mjs <file> whole    what the worker does on load: the whole file in
//                                     memory → decodeAny (sniff → decodePerfScript: one
//                                     StackProfile per event) → summarize → the default
//                                     flame-graph aggregation (analyze, top-down)
//   node perf-one.mjs <file> stream   the same decode fed from the file in 1 MiB chunks
//                                     (PerfDecoder): the text is never held whole

import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { analyze, summarize } from '../src/analysis/query';
import { decodeAny } from '../src/formats';
import { PerfDecoder, type PerfDump } from '../src/formats/perf/model';
import type { StackProfile } from '../src/model/profile';

const [file, mode] = process.argv.slice(2);
const t0 = performance.now();
const c0 = process.cpuUsage();
let bytes: number;
let dump: PerfDump;
let profile: StackProfile;
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
  const count = (e: string) => dump.recordCounts.get(e) ?? 0;
  profile = dump.profiles.reduce((a, b) => (count(b.event) > count(a.event) ? b : a)).profile;
} else {
  // The file's own buffer, not a copy: the input is held once, as in the worker.
  const buf = readFileSync(file);
  const input = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  bytes = input.length;
  const decoded = await decodeAny(input);
  if (decoded.kind !== 'perf') throw new Error(`${file} decoded as ${decoded.kind}, not a perf script dump`);
  dump = decoded.perf;
  profile = decoded.profile;
}
const t1 = performance.now();
summarize(profile, file, bytes, t1 - t0);
const result = analyze(profile, { sampleType: profile.defaultSampleType, inverted: false, tagFocus: [], focusKey: null });
const t2 = performance.now();
const cpu = process.cpuUsage(c0);
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
    decodeMs: t1 - t0,
    aggregateMs: t2 - t1,
    totalMs: t2 - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
