// One measurement of a `perf script` dump in a fresh process (so peak RSS belongs to this
// input alone), printed as one JSON line. bench/perf.bench.ts bundles this file the way
// the app is bundled (esbuild) and runs it with plain node.
//   node perf-one.mjs <file> whole    parse + aggregate as the worker does it, the whole
//                                     file in memory: decodeAny (sniff →
//                                     decodePerfScriptParallel: given >= 3 cores, the second
//                                     half of a big dump scanned on a worker thread
//                                     (perf-part.mjs), as the app's source worker has a
//                                     nested worker scan it; one StackProfile per event) →
//                                     summarize → the default
//                                     flame graph's aggregation (PerfWorkspace.analyze); then,
//                                     timed apart, loadPerf (the perf views' data the worker
//                                     also builds on load: timeline, lineage, exec panel)
//   node perf-one.mjs <file> serial   the same on this thread alone, whatever the cores
//   node perf-one.mjs <file> two      the same with the worker thread, whatever the cores
//   node perf-one.mjs <file> stream   the same parse + aggregate fed from the file in 1 MiB
//                                     chunks (PerfDecoder: the text is never held whole)
// cpuMs is the process's CPU time: every thread's (main, worker, JIT compiler, GC);
// mainThreadCpuMs the main thread's alone.

import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PerfWorkspace } from '../src/analysis/perf/analyze';
import { loadPerf } from '../src/analysis/perf/source';
import { summarize } from '../src/analysis/query';
import { decodeAny, defaultPerfEvent } from '../src/formats';
import { PerfDecoder, type PerfDump } from '../src/formats/perf/model';
import { MIN_CORES_FOR_SPLIT, partJob, type PartMessage, type PerfPartRunner } from '../src/formats/perf/part';

/**
 * A worker thread started now (it boots while the file is read), running perf-part.mjs
 * (bench/perf-part.ts, bundled next to this file). The
 * input lives in a SharedArrayBuffer, so the part crosses without a copy (the app's
 * nested worker gets a copy of its half instead).
 */
function partThread(): { run: PerfPartRunner; started: () => boolean; partBytes: () => number; close: () => Promise<number> } {
  const w = new Worker(new URL('./perf-part.mjs', import.meta.url));
  let started = false;
  let partBytes = 0;
  const run: PerfPartRunner = (bytes, block) => {
    started = true;
    const { job, receive, fail } = partJob(
      (block) => w.postMessage(block),
      () => new Promise<void>((resolve) => setImmediate(resolve)),
    );
    w.on('message', (msg: PartMessage) => {
      if (msg.type === 'part') partBytes += msg.part.bytes;
      receive(msg);
      // Ended once it has answered, as the app's nested worker is: its heap is not kept
      // for the rest of the load.
      if (msg.type !== 'part') void w.terminate();
    });
    w.once('error', fail);
    if (bytes.buffer instanceof SharedArrayBuffer) w.postMessage({ bytes, block });
    else {
      const copy = bytes.slice();
      w.postMessage({ bytes: copy, block }, [copy.buffer]);
    }
    return job;
  };
  return { run, started: () => started, partBytes: () => partBytes, close: () => w.terminate() };
}

/** The file in a SharedArrayBuffer (read once; no other copy). */
function readShared(file: string): Uint8Array {
  const size = statSync(file).size;
  const out = new Uint8Array(new SharedArrayBuffer(size));
  const fd = openSync(file, 'r');
  try {
    for (let at = 0; at < size; ) {
      const n = readSync(fd, out, at, size - at, at);
      if (n <= 0) throw new Error(`${file}: short read at ${at}`);
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** CPU time of the calling thread (Linux: /proc/thread-self), null elsewhere: the main
 * thread's share, which the wall clock follows when the second core is busy elsewhere. */
function threadCpuMs(): number | null {
  if (!existsSync('/proc/thread-self/stat')) return null;
  const st = readFileSync('/proc/thread-self/stat', 'utf8');
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks: USER_HZ is 100 on Linux
}

await main();

async function main(): Promise<void> {
  const [file, mode] = process.argv.slice(2);
  let threads = 1;
  let workerBytes = 0;
  let closeThread = async (): Promise<unknown> => 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const m0 = threadCpuMs();
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
    const split = mode === 'two' || (mode === 'whole' && availableParallelism() >= MIN_CORES_FOR_SPLIT);
    const second = split ? partThread() : null;
    // One thread: the file's own buffer (readFileSync), as before the split existed.
    const input = split ? readShared(file) : ((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength))(readFileSync(file));
    bytes = input.length;
    const decoded = await decodeAny(input, { perfPart: second?.run });
    if (second?.started()) threads = 2;
    workerBytes = second?.partBytes() ?? 0;
    if (second) closeThread = second.close;
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
  const m1 = threadCpuMs();
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
      threads,
      workerBytes,
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
      mainThreadCpuMs: m0 === null || m1 === null ? null : m1 - m0,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    }),
  );
  await closeThread();
}
