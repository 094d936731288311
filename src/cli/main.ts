// `stacklens` CLI: the browser's decoders and analysis for scripts, CI and tests.
// Every failure is one line on stderr and a non-zero exit code.

import { readFileSync } from 'node:fs';
import { callTree, sampleWeights } from '../analysis/callTree';
import { funcNodes } from '../analysis/nodes';
import { summarize } from '../analysis/query';
import { absTotal, topFromTree } from '../analysis/top';
import { percentage, scaledLabel, selectOutputUnit } from '../analysis/units';
import { decodeAny, type Decoded } from '../formats';
import { dumpGoroutines, dumpSummary } from './godump';
import { collapseCommand, perfSummary } from './perf';
import { mapCommand, mapHotspotsCommand } from './maps';
import { traceGoroutines, traceSummary } from './trace';
import { gunzip, isGzip } from '../formats/gzip';
import { gunzipNode } from './inflate';
import { sniff } from '../formats/sniff';
import type { StackProfile } from '../model/profile';
import type { PerfDump } from '../formats/perf/model';
import { foldedStacks } from '../analysis/collapse';
import { CheckUsageError, checkCommand } from './check';

const USAGE = `usage: stacklens <command> <file> [options]

commands:
  top <file> [--sample <type>] [--json]   flat/cum per function, as go tool pprof -top
                                          (perf dumps: [--event <name>], default the busiest
                                          non-tracepoint event)
  collapse <file> [--sample <type>]       folded stacks: root;...;leaf <value>
  collapse <perf.txt> [--pid] [--tid] [--kernel] [--jit] [--all] [--addrs] [--event <name>]
                                          perf script dumps: as FlameGraph's stackcollapse-perf.pl
  summary <file> [--json]                 format, sample types, totals, counts
  goroutines <dump|trace> [--json]        a dump's goroutines grouped by stack, or a trace's
                                          per-goroutine analysis (as go tool trace computes it)
  map <snapshot.json> [--json]            statistics of a Go map snapshot (docs/map-snapshot.md)
  map --simulate <script> [--json]        simulate a classic or Swiss map step by step
  map --hotspots <profile> [--json] [--sample <type>]
                                          samples inside the runtime's map code, by calling function
  check <file>… [--json|--markdown] [--threshold <id>=<value>]…
                                          the tuning checklist over all files; exit 1 when a rule fails
`;

class UsageError extends Error {}

interface Args {
  command: string;
  file: string;
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['--sample', '--event', '--simulate']);

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(0, eq), a.slice(eq + 1));
      else if (VALUE_FLAGS.has(a)) {
        if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
        flags.set(a, argv[++i]);
      } else flags.set(a, true);
    } else positional.push(a);
  }
  const fileOptional = positional[0] === 'map' && flags.has('--simulate');
  if (positional.length < 2 && !fileOptional) throw new UsageError(positional.length === 0 ? 'missing command' : 'missing input file');
  return { command: positional[0], file: positional[1] ?? '', flags };
}

/** Sample type by name (pprof also accepts "space" for "inuse_space") or index. */
export function pickSampleType(p: StackProfile, want: string | true | undefined): number {
  if (want === undefined || want === true) return p.defaultSampleType;
  const byName = p.sampleTypes.findIndex((t) => t.type === want);
  if (byName >= 0) return byName;
  const inuse = p.sampleTypes.findIndex((t) => t.type === `inuse_${want}`);
  if (inuse >= 0) return inuse;
  if (/^\d+$/.test(want) && Number(want) < p.sampleTypes.length) return Number(want);
  throw new UsageError(`no sample type ${JSON.stringify(want)}; this profile has ${p.sampleTypes.map((t) => t.type).join(', ')}`);
}

/** perf dumps: the profile of `--event` (as printed, without the colon), else the default event's. */
function perfEventProfile(dump: PerfDump, want: string | true | undefined, fallback: StackProfile): StackProfile {
  if (want === undefined || want === true) return fallback;
  const e = dump.profiles.find((p) => p.event === want);
  if (!e) throw new UsageError(`no event ${JSON.stringify(want)}; this dump has ${dump.profiles.map((p) => p.event || '(no event)').join(', ')}`);
  return e.profile;
}

function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The raw bytes of a trace file (inflated when it was gzip'd). */
function traceBytes(file: string): Uint8Array {
  const raw = new Uint8Array(readInput(file));
  return isGzip(raw) ? gunzip(raw) : raw;
}

async function load(file: string): Promise<{ decoded: Decoded; profile: StackProfile; bytes: number; ms: number }> {
  const buf = readInput(file);
  const t0 = performance.now();
  // node:zlib off-thread, with a pprof profile's samples decoded while the rest inflates.
  const d = await decodeAny(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), { gunzip: gunzipNode });
  return { decoded: d, profile: d.profile, bytes: buf.byteLength, ms: performance.now() - t0 };
}

function topCommand(p: StackProfile, args: Args): string {
  const st = pickSampleType(p, args.flags.get('--sample'));
  const weights = sampleWeights(p, st);
  const nodes = funcNodes(p);
  const top = topFromTree(callTree(p, weights), nodes.names.length, nodes.names, absTotal(weights));
  const type = p.sampleTypes[st];
  const rows: number[] = [];
  for (let i = 0; i < top.keys.length; i++) if (top.cum[i] !== 0 || top.flat[i] !== 0) rows.push(i);
  if (args.flags.has('--json')) {
    return JSON.stringify({
      sampleType: { type: type.type, unit: type.unit },
      total: top.total,
      rows: rows.map((i) => ({ name: nodes.names[top.keys[i]], flat: top.flat[i], cum: top.cum[i] })),
    });
  }
  const unit = type.unit.toLowerCase();
  const out = selectOutputUnit(rows.map((i) => top.flat[i]), rows.map((i) => top.cum[i]), top.total, unit);
  const lines = [
    `Type: ${type.type}`,
    `Showing nodes accounting for ${scaledLabel(top.total, unit, out)}, 100% of ${scaledLabel(top.total, unit, out)} total`,
    `${'flat'.padStart(10)} ${'flat%'.padStart(6)} ${'sum%'.padStart(6)} ${'cum'.padStart(10)} ${'cum%'.padStart(6)}`,
  ];
  let sum = 0;
  for (const i of rows) {
    sum += top.flat[i];
    lines.push(
      `${scaledLabel(top.flat[i], unit, out).padStart(10)} ${percentage(top.flat[i], top.total)} ${percentage(sum, top.total)} ${scaledLabel(top.cum[i], unit, out).padStart(10)} ${percentage(top.cum[i], top.total)}  ${nodes.names[top.keys[i]]}`,
    );
  }
  return lines.join('\n');
}

function summaryCommand(p: StackProfile, args: Args, bytes: number, ms: number): string {
  const s = summarize(p, args.file, bytes, ms);
  const json = {
    format: s.format,
    encoding: s.encoding,
    sampleTypes: s.sampleTypes,
    defaultSampleType: s.sampleTypes[s.defaultSampleType]?.type ?? null,
    totals: Object.fromEntries(s.sampleTypes.map((t, i) => [t.type, s.totals[i]])),
    samples: s.counts.samples,
    locations: s.counts.locations,
    functions: s.counts.functions,
    mappings: s.counts.mappings,
    periodType: s.periodType,
    period: s.period,
    durationNanos: s.durationNanos,
    timeNanos: s.timeNanos,
    comments: s.comments,
    labelKeys: s.labels.map((l) => l.key),
    warnings: s.warnings,
  };
  if (args.flags.has('--json')) return JSON.stringify(json);
  return [
    `format:       ${s.encoding}`,
    `sample types: ${s.sampleTypes.map((t, i) => `${t.type}/${t.unit}${i === s.defaultSampleType ? ' (default)' : ''}`).join(', ')}`,
    ...s.sampleTypes.map((t, i) => `total ${t.type}: ${scaledLabel(s.totals[i], t.unit)}`),
    `samples:      ${s.counts.samples}`,
    `locations:    ${s.counts.locations}`,
    `functions:    ${s.counts.functions}`,
    `period:       ${s.period} ${s.periodType ? `${s.periodType.type}/${s.periodType.unit}` : ''}`,
    `duration:     ${scaledLabel(s.durationNanos, 'nanoseconds')}`,
    ...s.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  try {
    if (argv[0] === 'check') {
      const r = await checkCommand(argv.slice(1));
      process.stdout.write(r.stdout);
      return r.code;
    }
    const args = parseArgs(argv);
    if (!['top', 'collapse', 'summary', 'goroutines', 'map'].includes(args.command)) throw new UsageError(`unknown command ${JSON.stringify(args.command)}`);
    if (args.command === 'map' && args.flags.has('--hotspots')) {
      const { profile } = await load(args.file);
      const st = args.flags.has('--sample') ? pickSampleType(profile, args.flags.get('--sample')) : profile.defaultSampleType;
      process.stdout.write(`${mapHotspotsCommand(profile, args.file, args.flags.has('--json'), st)}\n`);
      return 0;
    }
    if (args.command === 'map') {
      const script = args.flags.get('--simulate');
      const input = typeof script === 'string' ? { simulateScript: readInput(script).toString('utf8') } : { snapshotJson: readInput(args.file).toString('utf8') };
      process.stdout.write(`${JSON.stringify(mapCommand(input), null, args.flags.has('--json') ? undefined : 2)}\n`);
      return 0;
    }
    if (args.command === 'collapse') {
      // perf script input folds exactly as stackcollapse-perf.pl does (its own code path).
      const raw = new Uint8Array(readInput(args.file));
      const plain = isGzip(raw) ? gunzip(raw) : raw;
      if (sniff(plain).format === 'perf-script') {
        const f = args.flags;
        const ev = f.get('--event');
        process.stdout.write(
          collapseCommand(plain, { pid: f.has('--pid'), tid: f.has('--tid'), kernel: f.has('--kernel'), jit: f.has('--jit'), all: f.has('--all'), addrs: f.has('--addrs'), event: typeof ev === 'string' ? ev : undefined }),
        );
        return 0;
      }
    }
    const { decoded, profile, bytes, ms } = await load(args.file);
    let out: string;
    if (args.command === 'top') out = topCommand(decoded.kind === 'perf' ? perfEventProfile(decoded.perf, args.flags.get('--event'), profile) : profile, args);
    else if (args.command === 'collapse') out = foldedStacks(profile, pickSampleType(profile, args.flags.get('--sample')));
    else if (args.command === 'goroutines') {
      const indent = args.flags.has('--json') ? undefined : 2;
      if (decoded.kind === 'go-dump') out = JSON.stringify(dumpGoroutines(decoded.dump), null, indent);
      else if (decoded.kind === 'go-trace') out = JSON.stringify(traceGoroutines(traceBytes(args.file)), null, indent);
      else throw new Error(`${args.file} is a ${profile.encoding}, not a goroutine dump or an execution trace`);
    } else if (decoded.kind === 'go-trace' && args.flags.has('--json')) out = JSON.stringify(traceSummary(traceBytes(args.file)));
    else if (decoded.kind === 'go-dump' && args.flags.has('--json')) out = JSON.stringify(dumpSummary(decoded.dump));
    else if (decoded.kind === 'perf' && args.flags.has('--json')) out = JSON.stringify(perfSummary(decoded.perf));
    else out = summaryCommand(profile, args, bytes, ms);
    process.stdout.write(out.endsWith('\n') || out === '' ? out : `${out}\n`);
    return 0;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`stacklens: ${msg.split('\n')[0]}${e instanceof UsageError || e instanceof CheckUsageError ? ' (see stacklens --help)' : ''}\n`);
    return e instanceof UsageError || e instanceof CheckUsageError ? 2 : 1;
  }
}
