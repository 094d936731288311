// The filtered-profile export (src/analysis/export.ts → formats/pprof/encode.ts), checked
// with `go tool pprof` as the oracle:
//  - unfiltered, a pprof source re-encoded prints the same `-raw` as the original (every
//    sample, label, location, line and mapping);
//  - every source (pprof, legacy pprof, perf script, Go trace, goroutine dumps) exported and
//    read by `go tool pprof -top -nodefraction=0` gives our top table, every row, for every
//    sample type;
//  - filtered (tag focus, trace time range), the export's `-top` equals our top for the same
//    query, and `go tool pprof -tagfocus=… -relative_percentages` on the unfiltered input;
//  - the folded-stacks export equals `stacklens collapse`, and survives the round trip.
// Without Go the oracle comparisons are skipped loudly; the round trip through our own
// decoder runs regardless.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callTree, sampleWeights } from '../../src/analysis/callTree';
import { exportComments, exportFolded, exportPprof, queryView, type ExportView } from '../../src/analysis/export';
import { foldedStacks } from '../../src/analysis/collapse';
import { labelSummary, labelValueText, tagFocusMask, type TagFilter } from '../../src/analysis/labels';
import { funcNodes } from '../../src/analysis/nodes';
import { absTotal, topFromTree } from '../../src/analysis/top';
import { percentage, scaledLabel, selectOutputUnit } from '../../src/analysis/units';
import { decodeAny } from '../../src/formats';
import { encodePprof } from '../../src/formats/pprof/encode';
import type { StackProfile } from '../../src/model/profile';
import { gunzip } from '../../src/formats/gzip';
import { gzipAsync } from '../../src/share/compress';
import type { AnalysisQuery } from '../../src/worker/protocol';
import { corpusPath, hasCorpus, repoRoot, warnCorpusMissing } from '../helpers/corpus';
import { describeGo, goEnv, hasGo, parsePprofTop, runGo } from '../helpers/go';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'stacklens-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Source {
  label: string;
  file: string;
  /** `go tool pprof` reads the input itself (pprof and its legacy formats). */
  pprofReadable: boolean;
}

const examples = readdirSync(path.join(repoRoot, 'public/examples'))
  .filter((f) => f.endsWith('.pb.gz'))
  .map((f) => path.join(repoRoot, 'public/examples', f));
const testdataPprof = readdirSync(path.join(repoRoot, 'testdata/pprof'))
  .filter((f) => f.endsWith('.pb.gz'))
  .map((f) => path.join(repoRoot, 'testdata/pprof', f));
const others = [
  'testdata/pprof/goroutine.debug1.txt',
  'testdata/perf/multi-event.perf.txt',
  'testdata/perf/forkexec.perf.txt',
  'testdata/gotrace/cpu.trace',
  'testdata/godump/leak-sigquit.txt',
  'testdata/godump/concurrent-map-writes.txt',
].map((f) => path.join(repoRoot, f));
// Legacy formats (C++ names with argument lists, Java) from the google/pprof corpus.
const corpusLegacy = ['profile__testdata__cppbench.cpu', 'profile__testdata__cppbench.heap', 'profile__testdata__cppbench.contention', 'profile__testdata__java.cpu', 'profile__testdata__gobench.cpu'];
if (!hasCorpus('pprof')) warnCorpusMissing(corpusPath('pprof'));
const corpus = hasCorpus('pprof') ? corpusLegacy.map((n) => corpusPath('pprof', n)).filter((f) => existsSync(f)) : [];

const sources: Source[] = [
  ...[...examples, ...testdataPprof].map((file) => ({ label: path.relative(repoRoot, file), file, pprofReadable: true })),
  // go tool pprof reads goroutine debug=1 text too, but without the function names Go
  // prints in its `#` lines (all "<unknown>"); we keep them, so it is no oracle there.
  ...others.map((file) => ({ label: path.relative(repoRoot, file), file, pprofReadable: false })),
  ...corpus.map((file) => ({ label: `corpus ${path.basename(file)}`, file, pprofReadable: true })),
];

/** Every profile a file holds: one, or one per perf event. */
async function profilesOf(file: string): Promise<{ profile: StackProfile; event?: string }[]> {
  const d = await decodeAny(new Uint8Array(readFileSync(file)));
  if (d.kind === 'perf') return d.perf.profiles.map((e) => ({ profile: e.profile, event: e.event }));
  return [{ profile: d.profile }];
}

let tmpSeq = 0;
function writeTmp(name: string, bytes: Uint8Array | string): string {
  const f = path.join(tmp, `${++tmpSeq}-${name.replace(/[^\w.-]+/g, '_')}`);
  writeFileSync(f, bytes);
  return f;
}

function query(p: StackProfile, over: Partial<AnalysisQuery> = {}): AnalysisQuery {
  return { sampleType: p.defaultSampleType, inverted: false, tagFocus: [], focusKey: null, ...over };
}

interface Row {
  flat: string;
  flatPct: string;
  cum: string;
  cumPct: string;
}
interface Top {
  total: string;
  rows: Map<string, Row>;
}

/** Our top table for the samples in `mask`, printed as `go tool pprof -top` prints a profile
 * holding just those samples (percentages of their own total). */
function ourTop(p: StackProfile, sampleType: number, mask: Uint8Array | null): Top {
  const weights = sampleWeights(p, sampleType, mask);
  const names = funcNodes(p).names;
  const top = topFromTree(callTree(p, weights), names.length, names, absTotal(weights));
  const unit = p.sampleTypes[sampleType].unit.toLowerCase();
  const out = selectOutputUnit(top.flat, top.cum, top.total, unit);
  const rows = new Map<string, Row>();
  for (let i = 0; i < top.keys.length; i++) {
    if (top.cum[i] === 0) continue;
    rows.set(names[top.keys[i]], {
      flat: scaledLabel(top.flat[i], unit, out),
      flatPct: percentage(top.flat[i], top.total).trim(),
      cum: scaledLabel(top.cum[i], unit, out),
      cumPct: percentage(top.cum[i], top.total).trim(),
    });
  }
  return { total: scaledLabel(top.total, unit, out), rows };
}

let pprofBinary: string | null | undefined;
/** `go tool pprof ARGS`, run as the cached pprof binary itself where `go tool -n` names
 * one: the go command's own start-up costs a second per call on a busy machine. */
function pprof(args: string[]): string {
  if (pprofBinary === undefined) {
    pprofBinary = null;
    try {
      const bin = runGo(['tool', '-n', 'pprof']).trim();
      if (existsSync(bin)) pprofBinary = bin;
    } catch {
      // fall back to `go tool pprof`
    }
  }
  if (pprofBinary === null) return runGo(['tool', 'pprof', ...args]);
  return execFileSync(pprofBinary, args, { encoding: 'utf8', env: goEnv(), maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'], timeout: 110_000 });
}

function pprofTop(file: string, sampleType: string, extraFlags: string[] = []): Top {
  // Default symbolization, as the app's names are what a plain `go tool pprof` prints.
  const text = pprof(['-top', '-nodefraction=0', '-nodecount=1000000', `-sample_index=${sampleType}`, ...extraFlags, file]);
  const parsed = parsePprofTop(text);
  const total = /of (\S+) total/.exec(parsed.header.join('\n'))?.[1] ?? '';
  const rows = new Map<string, Row>();
  for (const r of parsed.rows) rows.set(r.name.replace(/ \(inline\)$/, ''), { flat: r.flat, flatPct: r.flatPct, cum: r.cum, cumPct: r.cumPct });
  return { total, rows };
}

function expectSameTop(got: Top, want: Top, what: string): void {
  expect(want.rows.size, `${what}: the oracle printed rows`).toBeGreaterThan(0);
  expect({ what, total: got.total }).toEqual({ what, total: want.total });
  const sorted = (t: Top) => [...t.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  expect(sorted(got), what).toEqual(sorted(want));
}

/** A Go regexp matching exactly `s` (pprof's -tagfocus values are regexps). */
function exactRegexp(s: string): string {
  return `^${s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')}$`;
}

/** A tag focus worth testing: the most common value of a string label that leaves some
 * samples out (values pprof's -tagfocus syntax can carry: no ',' or '=' in key or value). */
function pickTagFocus(p: StackProfile): TagFilter | null {
  for (const k of labelSummary(p)) {
    if (k.numeric || /[,=]/.test(k.key)) continue;
    const v = k.values.find((x) => !/[,=]/.test(x.value) && x.samples < p.samples.length);
    if (v) return { key: k.key, values: [v.value] };
  }
  return null;
}

function decodedExport(bytes: Uint8Array): Promise<StackProfile> {
  return decodeAny(bytes).then((d) => d.profile);
}

function rawSections(raw: string): { head: string; samples: string; locations: string[]; mappings: string } {
  const s = raw.indexOf('\nSamples:\n');
  const l = raw.indexOf('\nLocations\n');
  const m = raw.indexOf('\nMappings\n');
  return { head: raw.slice(0, s), samples: raw.slice(s, l), locations: raw.slice(l, m).split('\n'), mappings: raw.slice(m) };
}

// Files where the model cannot give everything back: functions whose names print as
// nothing are frames "named after the mapping", and their file and start line are gone.
const RAW_LOSSY: Record<string, string> = {
  'testdata/pprof/hostile-names.pb.gz': 'functions named only by HTML-looking text print as [hostilenames]; their file/start line are not in the model',
};

describe('export round trip through our own decoder (no Go needed)', () => {
  for (const src of sources) {
    it(src.label, async () => {
      for (const { profile: p, event } of await profilesOf(src.file)) {
        const view: ExportView = { profile: p, mask: null, sampleType: p.defaultSampleType, event };
        const back = await decodedExport(await exportPprof(view, query(p)));
        expect(back.sampleTypes).toEqual(p.sampleTypes);
        expect(back.period).toBe(p.period);
        expect(back.timeNanos).toBe(p.timeNanos);
        expect(back.durationNanos).toBe(p.durationNanos);
        expect(back.samples.length).toBe(p.samples.length);
        expect(back.sampleTypes[back.defaultSampleType]).toEqual(p.sampleTypes[p.defaultSampleType]);
        for (let st = 0; st < p.sampleTypes.length; st++) expect(foldedStacks(back, st)).toBe(foldedStacks(p, st));
        // Every sample keeps its values and labels, in order.
        const labelsOf = (q: StackProfile, i: number) => {
          const out: string[] = [];
          for (let r = q.samples.labelStart[i]; r < q.samples.labelStart[i + 1]; r++) out.push(`${q.strings[q.labels.key[r]]}=${labelValueText(q, r)}`);
          return out;
        };
        for (let i = 0; i < p.samples.length; i++) {
          expect(labelsOf(back, i)).toEqual(labelsOf(p, i));
          for (let c = 0; c < p.sampleTypes.length; c++) expect(back.samples.values[c][i]).toBe(p.samples.values[c][i]);
        }
        // Addresses survive exactly (kernel addresses exceed 2^53).
        expect([...back.locations.address].sort()).toEqual([...p.locations.address].sort());
        // Filtered by a tag focus: exactly the kept samples come back.
        const focus = pickTagFocus(p);
        if (focus) {
          const q = query(p, { tagFocus: [focus] });
          const v = { ...queryView(p, q), event };
          const kept = await decodedExport(await exportPprof(v, q));
          expect(kept.samples.length).toBe(v.mask!.reduce((a, b) => a + b, 0));
          expect(kept.samples.length).toBeLessThan(p.samples.length);
          expect(foldedStacks(kept, q.sampleType)).toBe(exportFolded(v));
          expect(kept.comments.at(-1)).toMatch(/^stacklens: \d+ of \d+ samples kept \(tag /);
        }
      }
    }, 60_000);
  }

  it('writes 64-bit addresses and epoch nanoseconds exactly', async () => {
    const p = (await profilesOf(examples.find((f) => f.endsWith('cpu.pb.gz'))!))[0].profile;
    const q: StackProfile = { ...p, timeNanos: '9223372036854775807', locations: { ...p.locations, address: p.locations.address.map((a, i) => (i === 0 ? 0xffffffffff600123n : a)) } };
    const back = await decodedExport(encodePprof(q));
    expect(back.timeNanos).toBe('9223372036854775807');
    expect(back.locations.address[0]).toBe(0xffffffffff600123n);
  });

  it('gives the same file through the native gzip the worker uses', async () => {
    const p = (await profilesOf(examples.find((f) => f.endsWith('cpu.pb.gz'))!))[0].profile;
    const view: ExportView = { profile: p, mask: null, sampleType: p.defaultSampleType };
    const native = await exportPprof(view, query(p), gzipAsync);
    expect([native[0], native[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzip(native)).toEqual(gunzip(await exportPprof(view, query(p))));
    expect(foldedStacks(await decodedExport(native), p.defaultSampleType)).toBe(foldedStacks(p, p.defaultSampleType));
  });

  it('names the source and the filters in the comments', async () => {
    const trace = (await profilesOf(path.join(repoRoot, 'testdata/gotrace/cpu.trace')))[0].profile;
    const q = query(trace, { timeRange: [0, 5e8], goroutine: '1' });
    expect(exportComments(queryView(trace, q), q)).toEqual([
      'stacklens: converted from Go execution trace (CPU samples)',
      expect.stringMatching(/^stacklens: \d+ of \d+ samples kept \(time 0\.000 s to 0\.500 s from the start; goroutine 1\)$/),
    ]);
  });
});

describeGo('export read back by `go tool pprof`', () => {
  for (const src of sources) {
    it(src.label, async () => {
      for (const { profile: p, event } of await profilesOf(src.file)) {
        const what = `${src.label}${event !== undefined ? ` [${event}]` : ''}`;
        const view: ExportView = { profile: p, mask: null, sampleType: p.defaultSampleType, event };
        const exported = writeTmp(`${path.basename(src.file)}.export.pb.gz`, await exportPprof(view, query(p)));

        // Unfiltered: -raw identical for pprof sources (comments aside for conversions).
        if (p.format === 'pprof') {
          const want = pprof(['-raw', src.file]);
          const got = pprof(['-raw', exported]);
          const lossy = RAW_LOSSY[src.label];
          if (!lossy) expect(got, `${what}: -raw`).toBe(want);
          else {
            const [g, w] = [rawSections(got), rawSections(want)];
            expect(g.head).toBe(w.head);
            expect(g.samples).toBe(w.samples);
            expect(g.mappings).toBe(w.mappings);
            const prefix = (l: string) => /^\s*\d+: 0x[0-9a-f]+ (M=\d+ )?/.exec(l)?.[0] ?? '(line)';
            expect(g.locations.map(prefix)).toEqual(w.locations.map(prefix));
          }
        }

        // -top of the export = our top, for every sample type where -raw did not already
        // show the file to be the original (and = -top of the original where pprof reads it).
        const rawChecked = p.format === 'pprof' && !RAW_LOSSY[src.label];
        for (let st = 0; st < p.sampleTypes.length; st++) {
          if (rawChecked && st !== p.defaultSampleType) continue;
          const type = p.sampleTypes[st].type;
          const got = pprofTop(exported, type);
          expectSameTop(ourTop(p, st, null), got, `${what} ${type}: ours vs export`);
          if (src.pprofReadable && !rawChecked) expectSameTop(got, pprofTop(src.file, type), `${what} ${type}: export vs original`);
        }

        // Filtered by a tag focus: the export holds exactly what -tagfocus keeps.
        const focus = pickTagFocus(p);
        if (focus) {
          const q = query(p, { tagFocus: [focus] });
          const v = { ...queryView(p, q), event };
          const filtered = writeTmp(`${path.basename(src.file)}.tag.pb.gz`, await exportPprof(v, q));
          const type = p.sampleTypes[q.sampleType].type;
          const got = pprofTop(filtered, type);
          expectSameTop(ourTop(p, q.sampleType, v.mask), got, `${what} tag ${focus.key}: ours vs export`);
          const flag = `-tagfocus=${focus.key}=${exactRegexp(focus.values[0])}`;
          const oracle = pprofTop(src.pprofReadable ? src.file : exported, type, [flag, '-relative_percentages']);
          expectSameTop(got, oracle, `${what} ${flag}: export vs go tool pprof`);
        }
      }
    }, 240_000);
  }

  it('testdata/gotrace/cpu.trace restricted to a time range and a goroutine', async () => {
    const p = (await profilesOf(path.join(repoRoot, 'testdata/gotrace/cpu.trace')))[0].profile;
    const time = p.samples.time!;
    const t0 = time.reduce((a, b) => Math.min(a, b));
    const t1 = time.reduce((a, b) => Math.max(a, b));
    const q = query(p, { timeRange: [t0 + (t1 - t0) / 4, t0 + (3 * (t1 - t0)) / 4] });
    const v = queryView(p, q);
    const kept = v.mask!.reduce((a, b) => a + b, 0);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(p.samples.length);
    const file = writeTmp('cpu.trace.range.pb.gz', await exportPprof(v, q));
    expectSameTop(ourTop(p, 0, v.mask), pprofTop(file, 'samples'), 'time range: ours vs export');
    // One goroutine inside the range: the same as -tagfocus on the range's export.
    const g = labelSummary(p).find((k) => k.key === 'goroutine')!.values[0].value;
    const qg = { ...q, goroutine: g };
    const vg = queryView(p, qg);
    const fileG = writeTmp('cpu.trace.range.g.pb.gz', await exportPprof(vg, qg));
    const got = pprofTop(fileG, 'samples');
    expectSameTop(ourTop(p, 0, vg.mask), got, 'goroutine: ours vs export');
    expectSameTop(got, pprofTop(file, 'samples', [`-tagfocus=goroutine=${exactRegexp(g)}`, '-relative_percentages']), 'goroutine: export vs -tagfocus');
  }, 120_000);
});

describe('folded stacks export', () => {
  const cli = path.join(repoRoot, 'bin/stacklens.mjs');
  // One of each input kind (each CLI run costs seconds); perf dumps are not among them:
  // the CLI folds those through its own stackcollapse-perf.pl-compatible path.
  const kinds = ['cpu.pb.gz', 'heap.pb.gz', 'hostile-names.pb.gz', 'goroutine.debug1.txt', 'cpu.trace', 'leak-sigquit.txt'];
  const folded = sources.filter((s) => kinds.includes(path.basename(s.file)));
  for (const src of folded) {
    it(`${src.label}: equals \`stacklens collapse\` unfiltered`, async () => {
      const [{ profile: p }] = await profilesOf(src.file);
      const want = execFileSync(process.execPath, [cli, 'collapse', src.file], { encoding: 'utf8', maxBuffer: 256 << 20 });
      expect(exportFolded({ profile: p, mask: null, sampleType: p.defaultSampleType })).toBe(want);
    }, 60_000);
  }

  it('values lines in the view’s sample type and keeps only the view’s samples', async () => {
    const [{ profile: p }] = await profilesOf(examples.find((f) => f.endsWith('heap.pb.gz'))!);
    const st = p.sampleTypes.findIndex((t) => t.type === 'alloc_objects');
    const text = exportFolded({ profile: p, mask: null, sampleType: st });
    const sum = text.trim().split('\n').reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(sum).toBe(p.samples.values[st].reduce((a, b) => a + b, 0));
    const cpu = (await profilesOf(examples.find((f) => f.endsWith('cpu.pb.gz'))!))[0].profile;
    const mask = tagFocusMask(cpu, [{ key: 'worker', values: ['hash'] }]);
    const lines = exportFolded({ profile: cpu, mask, sampleType: cpu.defaultSampleType }).trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => /^[^\n]+ \d+$/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes(';main.hashWorker;'))).toBe(true);
    expect(lines.some((l) => l.includes(';main.parseWorker;'))).toBe(false);
  });

  it('never lets a line break in a name start another stack', () => {
    const base = { strings: ['', 'main.main', 'evil\nmain.fake 999999'] };
    const p = {
      ...base,
      sampleTypes: [{ type: 'samples', unit: 'count' }],
      funcs: { length: 2, name: Int32Array.of(1, 2), recordedName: Int32Array.of(1, 2), fileName: Int32Array.of(0, 0), startLine: Float64Array.of(0, 0), kind: Uint8Array.of(0, 0) },
      stacks: { length: 2, prefix: Int32Array.of(-1, 0), func: Int32Array.of(0, 1), firstOfFunc: Uint8Array.of(1, 1) },
      samples: { length: 1, stack: Int32Array.of(1), values: [Float64Array.of(3)], time: null, labelStart: Int32Array.of(0, 0), locationStart: Int32Array.of(0, 0), location: new Int32Array(0) },
    } as unknown as StackProfile;
    expect(foldedStacks(p, 0)).toBe('main.main;evil main.fake 999999 3\n');
  });
});

if (!hasGo()) console.warn('skipped: export-pprof oracle comparisons need the Go toolchain');
