// Go crash / goroutine dumps (src/formats/godump) against real output:
//  - the public dump samples in the shared corpus (corpus/godumps/, skipped loudly when absent);
//  - the fixtures tools/gen/crashdump/run.sh recorded from a real Go program
//    (testdata/godump/: concurrent map fatal errors, SIGQUIT dumps, pprof debug=1/2),
//    and the older testdata/pprof/goroutine.debug{1,2}.txt.
// Oracles are computed independently of the parser: goroutine headers are counted with
// a line regex, the debug=1 total comes from its header line, the fatal error text from
// the `fatal error:` line. Truncated copies of every input must keep the goroutines
// whose header survived the cut and warn with a line number.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpGoroutines, dumpSummary } from '../../src/cli/godump';
import { DecodeError } from '../../src/formats/errors';
import { parseGoDump } from '../../src/formats/godump/parse';
import type { GoDump } from '../../src/formats/godump/model';
import { corpusPath, hasCorpus, repoRoot, warnCorpusMissing } from '../helpers/corpus';

const HEADER = /^goroutine \d+ (?:[a-z]+=\S+ )*\[.*\]:$/;
const HEADER_START = /^goroutine \d+ (?:[a-z]+=\S+ )*\[/;

/** Oracle: goroutine blocks printed (headers), or the debug=1 header total. */
function oracleCount(text: string): number {
  const total = /^goroutine profile: total (\d+)$/m.exec(text);
  if (total) return Number(total[1]);
  return text.split('\n').filter((l) => HEADER_START.test(l)).length;
}

function oracleIds(text: string): number[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => HEADER.test(l))
    .map((l) => Number(/^goroutine (\d+)/.exec(l)![1]));
}

function oracleFatal(text: string): string | null {
  const m = /^fatal error: (.*)$/m.exec(text);
  return m ? m[1] : null;
}

function groupSum(d: GoDump): number {
  return d.groups.reduce((n, g) => n + g.count, 0);
}

/** Profile total weight (goroutine/count). */
function profileTotal(d: GoDump): number {
  let t = 0;
  for (const v of d.profile.samples.values[0]) t += v;
  return t;
}

function checkWhole(name: string, text: string): GoDump {
  const d = parseGoDump(text);
  const s = dumpSummary(d);
  expect(s.format).toBe('go-dump');
  expect(s.goroutines, `${name}: goroutine count`).toBe(oracleCount(text));
  expect(s.fatalError, `${name}: fatal error`).toBe(oracleFatal(text));
  expect(groupSum(d), `${name}: groups sum`).toBe(s.goroutines);
  expect(s.groups).toBe(d.groups.length);
  expect(profileTotal(d), `${name}: profile weight`).toBe(s.goroutines);
  expect(d.warnings, `${name}: warnings`).toEqual([]);
  if (d.kind !== 'debug1') {
    expect(d.goroutines.map((g) => g.id)).toEqual(oracleIds(text));
    expect(d.profile.samples.length).toBe(d.goroutines.length);
    for (const g of d.goroutines) {
      // Every goroutine with frames has them all located (file:line), except cgo frames.
      for (const f of g.frames) if (f.func !== 'non-Go function') expect(f.line, `${name}: goroutine ${g.id} ${f.func}`).toBeGreaterThan(0);
    }
  }
  const json = dumpGoroutines(d);
  expect(json.reduce((n, g) => n + g.count, 0)).toBe(s.goroutines);
  expect(() => JSON.stringify(json)).not.toThrow();
  return d;
}

/** Cut positions: mid-line (never just after a newline), spread after the first header. */
function cutPositions(text: string): number[] {
  const firstBody = Math.max(text.indexOf('\n') + 1, 1);
  const out = new Set<number>();
  for (const frac of [0.2, 0.37, 0.5, 0.63, 0.81, 0.97]) {
    let p = Math.floor(firstBody + (text.length - firstBody) * frac);
    while (p < text.length && (text[p - 1] === '\n' || text[p] === '\n')) p++;
    if (p > firstBody && p < text.length - 1) out.add(p);
  }
  return [...out];
}

function checkTruncated(name: string, text: string): number {
  let checks = 0;
  const bytes = new TextEncoder().encode(text);
  for (const p of cutPositions(text)) {
    // Cut the bytes (what a truncated upload holds); the fixtures are ASCII, so byte and
    // character positions agree and the oracle can read the same prefix as text.
    const cutBytes = bytes.subarray(0, p);
    const cut = new TextDecoder().decode(cutBytes);
    const d = parseGoDump(cutBytes);
    const where = `${name} cut at ${p}`;
    expect(d.warnings.length, `${where}: warns`).toBeGreaterThan(0);
    expect(d.warnings.some((w) => /^line \d+: /.test(w)), `${where}: names a line`).toBe(true);
    const lastLine = cut.split('\n').length;
    for (const w of d.warnings) {
      const n = Number(/^line (\d+)/.exec(w)?.[1] ?? '1');
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(lastLine);
    }
    if (d.kind === 'debug1') {
      expect(d.total).toBe(oracleCount(text));
      expect(groupSum(d)).toBeLessThanOrEqual(d.total!);
    } else {
      expect(d.goroutines.map((g) => g.id), `${where}: goroutines before the cut`).toEqual(oracleIds(cut));
      expect(groupSum(d)).toBe(d.goroutines.length);
    }
    checks++;
  }
  return checks;
}

const fixtureDir = path.join(repoRoot, 'testdata', 'godump');
const fixtures = existsSync(fixtureDir) ? readdirSync(fixtureDir).filter((f) => f.endsWith('.txt')).sort() : [];
const pprofTexts = ['goroutine.debug1.txt', 'goroutine.debug2.txt'].filter((f) => existsSync(path.join(repoRoot, 'testdata', 'pprof', f)));

const MAP_FATAL: Record<string, string> = {
  'concurrent-map-writes': 'concurrent map writes',
  'concurrent-map-read-write': 'concurrent map read and map write',
  'concurrent-map-iterate-write': 'concurrent map iteration and map write',
};

describe('godump: real fixtures from tools/gen/crashdump', () => {
  it('has the fixtures run.sh writes', () => {
    expect(fixtures.length, `no fixtures in ${fixtureDir}; run tools/gen/crashdump/run.sh`).toBeGreaterThanOrEqual(10);
  });

  for (const f of fixtures) {
    const file = path.join(fixtureDir, f);
    const text = readFileSync(file, 'utf8');
    const base = f.replace(/\.txt$/, '');
    const mode = base.split('.')[0];

    it(`${f}: parses with the oracle goroutine count and fatal error`, () => {
      const d = checkWhole(f, text);
      expect(text.length).toBeLessThan(200_000);
      const side = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { exitStatus: number; signal: string | null; generator: string };
      expect(side.generator).toBe('tools/gen/crashdump');
      if (mode in MAP_FATAL) {
        expect(d.kind).toBe('fatal');
        expect(d.fatalError).toBe(MAP_FATAL[mode]);
        expect(side.exitStatus).toBe(2);
      } else if (mode === 'leak-sigquit') {
        expect(d.kind).toBe('sigquit');
        expect(d.signal?.name).toBe('SIGQUIT');
        expect(d.goroutines.length).toBeGreaterThanOrEqual(100);
        // SIGQUIT dumps at system level: goroutine 0, gp= m= headers, registers.
        expect(d.goroutines.some((g) => g.id === 0 && g.state === 'idle')).toBe(true);
        expect(d.goroutines.every((g) => g.gp !== null && g.m !== null)).toBe(true);
        expect(d.registers.length).toBeGreaterThanOrEqual(1);
        expect(d.registers[0].rip ?? d.registers[0].pc).toMatch(/^0x/);
        expect(d.goroutines.filter((g) => g.lockedToThread && g.frames.some((fr) => fr.func === 'main.pinned'))).toHaveLength(1);
        if (base === 'leak-sigquit.crash') {
          expect(side.signal).toBe('SIGABRT');
          expect(side.exitStatus).toBe(134);
        } else {
          expect(side.exitStatus).toBe(2);
        }
      } else if (base === 'leak-pprof.debug1') {
        expect(d.kind).toBe('debug1');
        expect(d.groups.some((g) => g.labels.op === 'fetch' && g.labels.tenant === 'a')).toBe(true);
        expect(d.groups.some((g) => g.frames.some((fr) => fr.func === 'main.subscribe') && g.count === 30)).toBe(true);
      } else if (base === 'leak-pprof.debug2') {
        expect(d.kind).toBe('debug2');
        expect(d.goroutines.filter((g) => g.labels.op === 'fetch')).toHaveLength(40);
        expect(d.goroutines.filter((g) => g.state === 'sync.Mutex.Lock')).toHaveLength(20);
        const fetch = d.groups.find((g) => g.frames.some((fr) => fr.func === 'main.awaitReply'))!;
        expect(fetch.count).toBe(40);
        expect(fetch.labels).toEqual({ op: 'fetch' });
      }
    });

    if (mode in MAP_FATAL) {
      it(`${f}: finds the goroutine in a map function and its main.* caller`, () => {
        const d = parseGoDump(text);
        expect(d.mapGoroutines.length).toBeGreaterThanOrEqual(1);
        // The crashing goroutine (first block after the fatal error) is one of them.
        expect(d.mapGoroutines).toContain(d.goroutines[0].id);
        for (const c of d.mapCalls) {
          expect(c.mapFunc).toMatch(/^(internal\/runtime\/maps\.|runtime\.map)/);
          expect(c.caller?.func).toMatch(/^main\./);
        }
        expect(dumpSummary(d).mapGoroutines).toEqual(d.mapGoroutines);
        const grouped = dumpGoroutines(d).filter((g) => g.mapCall !== null);
        expect(grouped.length).toBeGreaterThanOrEqual(1);
      });
    }

    it(`${f}: truncated copies keep the goroutines before the cut and warn`, () => {
      expect(checkTruncated(f, text)).toBeGreaterThanOrEqual(3);
    });
  }

  for (const f of pprofTexts) {
    const text = readFileSync(path.join(repoRoot, 'testdata', 'pprof', f), 'utf8');
    it(`testdata/pprof/${f}: parses as a goroutine profile`, () => {
      const d = checkWhole(f, text);
      expect(d.kind).toBe(f.includes('debug1') ? 'debug1' : 'debug2');
      expect(checkTruncated(f, text)).toBeGreaterThanOrEqual(3);
    });
  }
});

const CORPUS = 'godumps';
const corpusFiles = hasCorpus(CORPUS) ? readdirSync(corpusPath(CORPUS)).filter((f) => f.endsWith('.txt')).sort() : [];
if (!hasCorpus(CORPUS)) warnCorpusMissing(corpusPath(CORPUS));

describe.skipIf(!hasCorpus(CORPUS))('godump: public dump samples (corpus/godumps)', () => {
  const dumps = corpusFiles.filter((f) => f.startsWith('ext_'));
  it('has the samples listed in MANIFEST.md', () => {
    expect(dumps.length).toBeGreaterThanOrEqual(9);
  });

  for (const f of dumps) {
    const text = readFileSync(corpusPath(CORPUS, f), 'utf8');
    it(`${f}: parses with the oracle goroutine count and fatal error`, () => {
      checkWhole(f, text);
    });
    it(`${f}: truncated copies keep the goroutines before the cut and warn`, () => {
      expect(checkTruncated(f, text)).toBeGreaterThanOrEqual(3);
    });
  }

  const read = (f: string) => parseGoDump(readFileSync(corpusPath(CORPUS, f), 'utf8'));

  it('concurrent map samples: map goroutine and calling user frame (classic and Swiss)', () => {
    const old = read('ext_go19_concurrent_map_writes_hashmap_fast_ibenchmark.txt');
    expect(old.mapGoroutines).toEqual([122]);
    expect(old.mapCalls[0].mapFunc).toBe('runtime.mapassign_faststr');
    expect(old.mapCalls[0].caller?.func).toBe('main.handle_request');
    const win = read('ext_go1x_concurrent_map_read_write_windows_grtm4.txt');
    expect(win.mapGoroutines).toEqual([133]);
    expect(win.mapCalls[0].caller?.file).toBe('C:/Users/Administrator/go/pkg/mod/github.com/scottkiss/grtm@v0.0.0-20151009105840-1c69ec29e5b2/grmanager.go');
    const swiss = read('ext_go124plus_swissmap_concurrent_iteration_write_gogram254_EXCERPT.txt');
    expect(swiss.mapGoroutines).toEqual([338]);
    expect(swiss.mapCalls[0].mapFunc).toBe('internal/runtime/maps.(*Iter).Next');
    expect(swiss.mapCalls[0].caller?.func).toBe('github.com/amarnathcjd/gogram/telegram.removeHandleFromMap[...]');
    expect(swiss.goroutines[0].frames.at(-1)).toMatchObject({ func: 'github.com/amarnathcjd/gogram/telegram.(*Conversation).Close', inlined: true, offset: null, line: 282 });
  });

  it('header and frame features of the samples', () => {
    const emp = read('ext_blocked_minutes_emp3r0r34.txt');
    expect(emp.goroutines.map((g) => [g.id, g.state, g.waitMinutes])).toEqual([
      [2447, 'chan send', 12],
      [2446, 'chan receive', 12],
      [2465, 'chan receive', 12],
    ]);
    expect(emp.groups.every((g) => g.maxWaitMinutes === 12)).toBe(true);
    expect(emp.goroutines[0].frames[0]).toMatchObject({ file: 'lib/cc/rshell.go', line: 53, offset: 0x6d });

    const c121 = read('ext_go121_created_by_in_goroutine_gostackparse.txt');
    expect(c121.goroutines[0].createdBy).toMatchObject({ func: 'main.main', goroutine: 1, line: 14, offset: 0x70 });
    expect(c121.goroutines[1].createdBy).toBeNull();

    const wails = read('ext_go122_sigabrt_cgo_gp_m_headers_wails.txt');
    expect(wails.kind).toBe('signal');
    expect(wails.signal).toMatchObject({ name: 'SIGABRT', description: 'abort', pc: '0x180c320dc', m: '8', sigcode: '0' });
    expect(wails.goroutines[0]).toMatchObject({ id: 1171, gp: '0x140001c6fc0', m: '8', mp: '0x14000099b08', state: 'syscall' });
    expect(wails.goroutines[0].createdBy?.goroutine).toBe(1170);
    expect(wails.goroutines[1]).toMatchObject({ id: 1, state: 'syscall', lockedToThread: true });
    expect(wails.goroutines[2]).toMatchObject({ m: 'nil', mp: null, state: 'force gc (idle)' });
    expect(wails.goroutines[0].frames[0]).toMatchObject({ func: 'runtime.cgocall', fp: '0x140002a5770', sp: '0x140002a5730', pc: '0x104652604' });
    expect(wails.goroutines[0].frames.at(-1)).toMatchObject({ func: 'runtime.goexit', args: '{}' });

    const so = read('ext_go122_stack_overflow_frames_elided_TRIMMED.txt');
    expect(so.kind).toBe('fatal');
    expect(so.fatalError).toBe('stack overflow');
    expect(so.runtimeStack.map((f) => f.func)).toEqual(['runtime.throw', 'runtime.newstack', 'runtime.morestack']);
    expect(so.goroutines[0]).toMatchObject({ id: 21, elided: true, elidedFrames: 16777040, m: '4' });

    const gops = read('ext_go1243_pprof_debug2_mutex_deadlock_gops.txt');
    expect(gops.kind).toBe('debug2');
    expect(gops.goroutines.map((g) => g.state)).toEqual(['running', 'sleep', 'sync.Mutex.Lock', 'sync.Mutex.Lock', 'sync.WaitGroup.Wait']);
    expect(gops.goroutines[2].waitMinutes).toBe(34);

    const anc = read('ext_tracebackancestors_originating_from_gostackparse_TRIMMED.txt');
    const g29 = anc.goroutines.find((g) => g.id === 29)!;
    expect(g29.createdBy?.func).toBe('main.d1');
    expect(g29.ancestors.map((a) => [a.goroutine, a.frames.length, a.createdBy?.func ?? null])).toEqual([
      [28, 4, 'main.d1'],
      [26, 2, 'main.main'],
      [1, 1, null],
    ]);
    // Ancestor frames print `(...)` but keep their pc offset: not inlined.
    expect(g29.ancestors[0].frames[0]).toMatchObject({ args: '...', offset: 0x34, inlined: false });
  });

  it('the traceback_test.go argument renderings are kept verbatim', () => {
    const ref = readFileSync(corpusPath(CORPUS, 'ref_go124_traceback_arg_formats_from_traceback_test.txt'), 'utf8');
    // Not a dump by itself.
    expect(() => parseGoDump(ref)).toThrow(DecodeError);
    const calls = ref.split('\n').filter((l) => /^testTracebackArgs/.test(l));
    expect(calls.length).toBeGreaterThanOrEqual(8);
    const dump = `goroutine 1 [running]:\n${calls.map((c, i) => `main.${c}\n\t/src/x_test.go:${i + 1} +0x${(i + 16).toString(16)}\n`).join('')}`;
    const d = parseGoDump(dump);
    expect(d.warnings).toEqual([]);
    expect(d.goroutines[0].frames.map((f) => `${f.func.slice(5)}(${f.args})`)).toEqual(calls);
  });
});
