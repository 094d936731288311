// `npm run bench -- trace`: Go execution traces. Decode + goroutine-analysis time,
// throughput and peak memory on a ≥ 100 MB real trace, side by side with Go's own parser
// on the same file:
//   - golang.org/x/exp/trace (the exported copy of the runtime's internal/trace) reading
//     every event: bench/tracego, a small Go module of its own;
//   - `go tool trace -pprof=sched` (reads the trace and builds a scheduler-latency profile).
// The trace is written on first run by tools/gen/tracescenarios (`-scenario big`, every
// scenario in a loop until the size is reached) into bench/.data/ (git-ignored).
// Our side runs bench/trace-one.ts bundled the way the app is bundled (esbuild; tsx's
// keep-names helpers would add per-closure costs the browser never pays), one fresh Node
// process per run. Targets (issue #3): no slower than Go's parser; peak ≤ 5× the file.
// Then the issue's own measure: the built app in Chromium loading the trace through the
// file picker, the tab's peak RSS (bench/browser.ts: VmHWM of the tab's renderer process,
// page and workers together).
// Env: BENCH_RUNS (default 3), BENCH_TRACE_MB (default 110), BENCH_GO_TOOL_TRACE=0 skips
// `go tool trace` (it needs many GiB on a big trace), BENCH_BROWSER=0 skips the tab
// (BENCH_BROWSER_RUNS, STACKLENS_BENCH_DIST, STACKLENS_BENCH_PORT: see bench/browser.ts).

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');
const data = path.join(repo, 'bench/.data');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const sizeMB = Number(process.env.BENCH_TRACE_MB ?? 110);
const trace = path.join(data, sizeMB === 110 ? 'big.trace' : `big-${sizeMB}.trace`);
mkdirSync(data, { recursive: true });

function goBinary(): string | null {
  for (const g of ['go', '/usr/local/go/bin/go']) if (spawnSync(g, ['version'], { encoding: 'utf8' }).status === 0) return g;
  return null;
}
const go = goBinary();
const goEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };

if (!existsSync(trace)) {
  if (!go) {
    console.log(`SKIPPED: no Go toolchain to write the benchmark trace (${path.relative(repo, trace)})`);
    process.exit(0);
  }
  console.log(`writing a ${sizeMB} MB trace with tools/gen/tracescenarios -scenario big (first run only, ~1 min)…`);
  execFileSync(go, ['run', './tracescenarios', '-scenario', 'big', '-size', String(sizeMB * 1e6), '-out', trace], { cwd: path.join(repo, 'tools/gen'), stdio: 'inherit', env: goEnv });
}
const bytes = statSync(trace).size;

// Our pipeline, bundled like the app.
const bundle = path.join(data, 'trace-one.mjs');
execFileSync(path.join(repo, 'node_modules/.bin/esbuild'), [path.join(repo, 'bench/trace-one.ts'), '--bundle', '--platform=node', '--format=esm', '--target=node20', `--outfile=${bundle}`, '--log-level=warning'], {
  stdio: 'inherit',
});

interface One {
  ms: number;
  cpuMs: number;
  MBps: number;
  maxRssMiB: number;
  events: number;
  generations: number;
  goroutines: number;
  spans: number;
  warning: string | null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function ours(mode: string, n = runs): One & { all: number[] } {
  const all: One[] = [];
  for (let i = 0; i < n; i++) {
    const out = execFileSync(process.execPath, ['--max-old-space-size=16384', bundle, trace, mode], { encoding: 'utf8', maxBuffer: 1 << 20 });
    all.push(JSON.parse(out.trim().split('\n').pop()!));
  }
  return { ...all[0], ms: median(all.map((a) => a.ms)), cpuMs: median(all.map((a) => a.cpuMs)), MBps: median(all.map((a) => a.MBps)), maxRssMiB: median(all.map((a) => a.maxRssMiB)), all: all.map((a) => a.ms) };
}

interface GoRun {
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
  events: number;
}

function goParser(): (GoRun & { all: number[] }) | null {
  if (!go) return null;
  const bin = path.join(data, 'tracego');
  const b = spawnSync(go, ['build', '-o', bin, '.'], { cwd: path.join(repo, 'bench/tracego'), encoding: 'utf8', env: goEnv });
  if (b.status !== 0) {
    console.log(`  golang.org/x/exp/trace: could not build bench/tracego (module proxy unreachable?):\n${b.stderr.trim()}`);
    return null;
  }
  const all: GoRun[] = [];
  for (let i = 0; i < runs; i++) all.push(JSON.parse(execFileSync(bin, [trace], { encoding: 'utf8' }).trim()));
  return { ...all[0], seconds: median(all.map((a) => a.seconds)), cpuSeconds: median(all.map((a) => a.cpuSeconds)), maxRssMiB: median(all.map((a) => a.maxRssMiB)), all: all.map((a) => a.seconds * 1000) };
}

function goToolTrace(): { seconds: number; maxRssMiB: number } | null {
  if (!go || process.env.BENCH_GO_TOOL_TRACE === '0') return null;
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', go, 'tool', 'trace', '-pprof=sched', trace], { encoding: 'utf8', maxBuffer: 1 << 30, env: goEnv });
  const m = /([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) {
    console.log(`  go tool trace -pprof=sched failed (status ${r.status}): ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
    return null;
  }
  return { seconds: Number(m[1]), maxRssMiB: Number(m[2]) / 1024 };
}

const fmt = (n: number, d = 0) => n.toFixed(d);
const MB = bytes / 1e6;
console.log(`stacklens Go-trace benchmark — node ${process.version}, ${runs} runs each (median), fresh process per run\n`);
const analysis = ours('analysis');
console.log(`trace: ${path.relative(repo, trace)}  ${fmt(MB, 1)} MB, ${analysis.generations} generations, ${analysis.events} raw events, ${analysis.goroutines} goroutines${analysis.warning ? ` (warning: ${analysis.warning})` : ''}`);
const read = ours('read');
console.log(`  stacklens read (framing, tables, events; every generation validated): ${fmt(read.ms)} ms (CPU ${fmt(read.cpuMs)} ms) = ${fmt(read.MBps, 1)} MB/s, peak RSS ${fmt(read.maxRssMiB)} MiB`);
console.log(
  `  stacklens decode + goroutine analysis (streamed by generation): ${fmt(analysis.ms)} ms (CPU ${fmt(analysis.cpuMs)} ms) = ${fmt(analysis.MBps, 1)} MB/s, peak RSS ${fmt(analysis.maxRssMiB)} MiB = ${fmt((analysis.maxRssMiB * 1048576) / bytes, 2)}× the file  [runs: ${analysis.all.map((x) => fmt(x)).join(', ')} ms]`,
);
const timeline = ours('worker', Math.max(1, Math.min(runs, 2)));
console.log(
  `  stacklens worker path (what the tab does on load: streamed decode → timeline data (${timeline.spans} spans) + checklist evidence + CPU profile): ${fmt(timeline.ms)} ms (CPU ${fmt(timeline.cpuMs)} ms) = ${fmt(timeline.MBps, 1)} MB/s, peak RSS ${fmt(timeline.maxRssMiB)} MiB = ${fmt((timeline.maxRssMiB * 1048576) / bytes, 2)}× the file (target ≤ 5× = ${fmt((5 * bytes) / 1048576)} MiB)`,
);
const gp = goParser();
if (gp) {
  console.log(`  golang.org/x/exp/trace reading every event (${gp.events} events): ${fmt(gp.seconds * 1000)} ms (CPU ${fmt(gp.cpuSeconds * 1000)} ms) = ${fmt(MB / gp.seconds, 1)} MB/s, peak RSS ${fmt(gp.maxRssMiB)} MiB  [runs: ${gp.all.map((x) => fmt(x)).join(', ')} ms]`);
}
const gt = goToolTrace();
if (gt) console.log(`  go tool trace -pprof=sched: ${fmt(gt.seconds * 1000)} ms, peak RSS ${fmt(gt.maxRssMiB)} MiB`);

/** The tab's peak RSS (MiB) per browser run, from bench/browser.ts' report lines. */
function tabPeaks(): number[] | null {
  if (process.env.BENCH_BROWSER === '0') return null;
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'bench/browser.ts'), trace], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 24 });
  const out = `${r.stdout}${r.stderr}`.trim();
  const peaks = [...out.matchAll(/tab peak RSS (\d+) MiB/g)].map((m) => Number(m[1]));
  console.log(out.split('\n').map((l) => `  browser: ${l.trim()}`).join('\n'));
  return r.status === 0 && peaks.length > 0 ? peaks : null;
}
const tab = tabPeaks();
console.log('');
if (gp) {
  const ratio = analysis.ms / (gp.seconds * 1000);
  const cpuRatio = analysis.cpuMs / (gp.cpuSeconds * 1000);
  console.log(`  target: decode + goroutine analysis no slower than Go's parser → ${fmt(ratio, 2)}× Go's wall time (${fmt(cpuRatio, 2)}× its CPU time) → ${ratio <= 1 ? 'MET' : 'MISSED'}`);
} else console.log("  target: no slower than Go's parser → not measured (no Go parser)");
const memRatio = (analysis.maxRssMiB * 1048576) / bytes;
console.log(`  target: peak ≤ 5× the file (${fmt((5 * bytes) / 1048576)} MiB) → decode + analysis ${fmt(memRatio, 2)}× → ${memRatio <= 5 ? 'MET' : 'MISSED'}; worker path ${fmt((timeline.maxRssMiB * 1048576) / bytes, 2)}× → ${(timeline.maxRssMiB * 1048576) / bytes <= 5 ? 'MET' : 'MISSED'}`);
if (tab) {
  const peak = median(tab);
  const r = (peak * 1048576) / bytes;
  console.log(`  target: tab peak ≤ 5× the file (the issue's measure, Chromium) → ${fmt(peak)} MiB [runs: ${tab.join(', ')} MiB] = ${fmt(r, 2)}× → ${r <= 5 ? 'MET' : 'MISSED'}`);
} else console.log('  target: tab peak ≤ 5× the file → not measured (BENCH_BROWSER=0, or no Chromium / build)');
