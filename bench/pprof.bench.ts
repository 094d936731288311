// `npm run bench` (pprof part): decode + aggregate throughput and peak memory on big real-shaped
// profiles, side by side with `go tool pprof -top` on the same files. Each run is a
// fresh process; figures are medians of $BENCH_RUNS (3) runs, with the range of the
// totals. Inputs are generated (not committed) by
// tools/gen/bench.sh into bench/.data/. Then bench/browser.ts times the same files in
// Chromium: decode in the worker and the flame graph's first render.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');
const data = path.join(repo, 'bench/.data');
const corpus = process.env.STACKLENS_CORPUS ?? path.resolve(repo, '../shared/corpus');
const runs = Number(process.env.BENCH_RUNS ?? 3);

if (!existsSync(path.join(data, 'bigservice.pb.gz')) || !existsSync(path.join(data, 'heap4096.pb.gz'))) {
  console.log('generating benchmark inputs with tools/gen/bench.sh (first run only)…');
  execFileSync('bash', [path.join(repo, 'tools/gen/bench.sh'), data], { stdio: 'inherit' });
}

const inputs = [
  { label: '(1) synthetic big Go service CPU profile', file: path.join(data, 'bigservice.pb.gz'), targetMs: 2000, targetMiB: 1024 },
  { label: '(2) real heap profile, MemProfileRate=4096', file: path.join(data, 'heap4096.pb.gz'), targetMs: 400, targetMiB: null },
  { label: 'google/pprof large.cpu (corpus)', file: path.join(corpus, 'pprof/internal__proftest__testdata__large.cpu'), targetMs: null, targetMiB: null },
].filter((i) => existsSync(i.file));

interface One {
  rawBytes: number;
  samples: number;
  stacks: number;
  inflateMs: number;
  decodeMs: number;
  aggregateMs: number;
  totalMs: number;
  /** CPU of both threads (Node inflates on its threadpool while the decode runs). */
  cpuMs: number;
  /** CPU of the main thread alone (Linux), the part a browser worker pays. */
  mainThreadCpuMs: number | null;
  rawMBps: number;
  maxRssMiB: number;
  /** Fastest and slowest total of the runs (the machine is shared: ranges say how noisy). */
  totalMin?: number;
  totalMax?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function ours(file: string, inflater: string): One {
  const all: One[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(repo, 'bench/decode-one.ts'), file, inflater], {
      cwd: repo,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    all.push(JSON.parse(out.trim().split('\n').pop()!));
  }
  const pick = (k: keyof One) => median(all.map((a) => a[k] as number));
  const totals = all.map((a) => a.totalMs);
  return { ...all[0], totalMin: Math.min(...totals), totalMax: Math.max(...totals), inflateMs: pick('inflateMs'), decodeMs: pick('decodeMs'), aggregateMs: pick('aggregateMs'), totalMs: pick('totalMs'), cpuMs: pick('cpuMs'), mainThreadCpuMs: all[0].mainThreadCpuMs === null ? null : pick('mainThreadCpuMs'), rawMBps: pick('rawMBps'), maxRssMiB: pick('maxRssMiB') };
}

function goPprof(file: string): { seconds: number; maxRssMiB: number } | null {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'go', 'tool', 'pprof', '-top', file], { encoding: 'utf8', maxBuffer: 512 << 20 });
  if (r.status !== 0) return null;
  const m = /([\d.]+) (\d+)\s*$/.exec(r.stderr);
  return m ? { seconds: Number(m[1]), maxRssMiB: Number(m[2]) / 1024 } : null;
}

const fmt = (n: number, d = 0) => n.toFixed(d);
console.log(`stacklens pprof decode benchmark — node ${process.version}, ${runs} runs each (median)\n`);
for (const inp of inputs) {
  const pako = ours(inp.file, 'pako');
  const native = ours(inp.file, 'native');
  const cli = ours(inp.file, 'node');
  const go = goPprof(inp.file);
  const cpuOf = (o: One) => `CPU ${fmt(o.cpuMs)} ms${o.mainThreadCpuMs === null ? '' : `, ${fmt(o.mainThreadCpuMs)} ms of it on the main thread`}`;
  const runsOf = (o: One) => `runs ${fmt(o.totalMin ?? o.totalMs)}–${fmt(o.totalMax ?? o.totalMs)}`;
  console.log(inp.label);
  console.log(`  file: ${path.relative(repo, inp.file)}  ${fmt(pako.rawBytes / 1e6, 1)} MB uncompressed, ${pako.samples} samples, ${pako.stacks} frame stacks`);
  console.log(`  stacklens: inflate ${fmt(pako.inflateMs)} ms (pako) / ${fmt(native.inflateMs)} ms (native DecompressionStream) / ${fmt(cli.inflateMs)} ms (node:zlib), decode ${fmt(pako.decodeMs)} ms, aggregate ${fmt(pako.aggregateMs)} ms (the native and node:zlib inflate times include the samples decoded meanwhile)`);
  // The browser worker inflates with DecompressionStream; the CLI with node:zlib; pako is the portable path.
  console.log(`  stacklens total, CLI path (node:zlib, \`stacklens top\`): ${fmt(cli.totalMs)} ms (${runsOf(cli)}; ${cpuOf(cli)}) = ${fmt(cli.rawMBps, 1)} MB/s of uncompressed profile; peak RSS ${fmt(cli.maxRssMiB)} MiB (whole Node process)`);
  console.log(`  stacklens total, worker path in Node (DecompressionStream): ${fmt(native.totalMs)} ms (${runsOf(native)}; ${cpuOf(native)}), peak RSS ${fmt(native.maxRssMiB)} MiB; with pako ${fmt(pako.totalMs)} ms`);
  if (go) console.log(`  go tool pprof -top: ${fmt(go.seconds * 1000)} ms, peak RSS ${fmt(go.maxRssMiB)} MiB  → the stacklens CLI path is ${fmt((go.seconds * 1000) / cli.totalMs, 1)}× faster`);
  if (inp.targetMs) {
    const verdict = (o: One) => (o.totalMs <= inp.targetMs! && (inp.targetMiB === null || o.maxRssMiB <= inp.targetMiB) ? 'MET' : 'MISSED');
    console.log(`  target: ≤ ${inp.targetMs} ms${inp.targetMiB ? ` and ≤ ${inp.targetMiB} MiB` : ''} → CLI path ${verdict(cli)}, worker path in Node ${verdict(native)}`);
  }
  console.log('');
}

console.log('In Chromium (built app, worker decode, flame graph first render):');
execFileSync(process.execPath, ['--import', 'tsx', path.join(repo, 'bench/browser.ts'), ...inputs.map((i) => i.file)], { cwd: repo, stdio: 'inherit' });
