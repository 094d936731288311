// The workbench's perf script decoder (src/formats/perf/parse.ts + model.ts): every perf
// dump in the shared corpora parses with zero unparsed lines; events are separate,
// period-weighted profiles; hostile header shapes observed with real perf 6.1 output
// (docs/pprof-perf-flamegraph.md §2.1 — not in any corpus, so hand-made here) parse into
// the right fields; non-perf input is a DecodeError naming the line.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { perfSummary } from '../../src/cli/perf';
import { DecodeError } from '../../src/formats/errors';
import { gunzip } from '../../src/formats/gzip';
import { forEachLine } from '../../src/formats/perf/lines';
import { decodePerfScript, type PerfDump } from '../../src/formats/perf/model';
import { parseHeaderLine, parsePerfScript, parseTracepointFields, type PerfRecord } from '../../src/formats/perf/parse';
import { FuncKind, type StackProfile } from '../../src/model/profile';
import { corpusPath, hasCorpus, warnCorpusMissing } from '../helpers/corpus';

const enc = (s: string) => new TextEncoder().encode(s);

function load(...parts: string[]): Uint8Array {
  const b = new Uint8Array(readFileSync(corpusPath(...parts)));
  return parts[parts.length - 1].endsWith('.gz') ? gunzip(b) : b;
}

function records(text: string | Uint8Array): PerfRecord[] {
  const out: PerfRecord[] = [];
  parsePerfScript(typeof text === 'string' ? enc(text) : text, (r) => out.push(r));
  return out;
}

function funcNames(p: StackProfile): string[] {
  const out: string[] = [];
  for (let i = 0; i < p.funcs.length; i++) out.push(p.strings[p.funcs.name[i]]);
  return out;
}

/** Leaf-first function names of sample i. */
function stackNames(p: StackProfile, i: number): string[] {
  const out: string[] = [];
  for (let s = p.samples.stack[i]; s >= 0; s = p.stacks.prefix[s]) out.push(p.strings[p.funcs.name[p.stacks.func[s]]]);
  return out;
}

function total(p: StackProfile, col: number): number {
  let t = 0;
  for (const v of p.samples.values[col]) t += v;
  return t;
}

function labels(p: StackProfile, i: number): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (let k = p.samples.labelStart[i]; k < p.samples.labelStart[i + 1]; k++) {
    out[p.strings[p.labels.key[k]]] = p.labels.str[k] >= 0 ? p.strings[p.labels.str[k]] : p.labels.num[k];
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// (b) every perf dump in the corpora

const CORPUS_DUMPS: string[][] = [];
if (hasCorpus('flamegraph', 'test')) {
  for (const f of readdirSync(corpusPath('flamegraph', 'test'))) if (f.endsWith('.txt')) CORPUS_DUMPS.push(['flamegraph', 'test', f]);
  CORPUS_DUMPS.push(['flamegraph', 'example-perf-stacks.txt.gz']);
} else warnCorpusMissing(corpusPath('flamegraph', 'test'));
if (hasCorpus('speedscope', 'linux-perf')) {
  for (const f of readdirSync(corpusPath('speedscope', 'linux-perf'))) CORPUS_DUMPS.push(['speedscope', 'linux-perf', f]);
} else warnCorpusMissing(corpusPath('speedscope', 'linux-perf'));
if (hasCorpus('firefox-profiler')) {
  for (const f of readdirSync(corpusPath('firefox-profiler'))) if (f.endsWith('.gz')) CORPUS_DUMPS.push(['firefox-profiler', f]);
} else warnCorpusMissing(corpusPath('firefox-profiler'));

/** Record headers counted independently: non-blank, non-#, non-frame lines right after a blank line or at the start. */
function countHeaders(bytes: Uint8Array): number {
  let n = 0;
  let prevBlank = true;
  forEachLine(bytes, (l) => {
    const blank = l.trim() === '';
    if (!blank && !l.startsWith('#') && prevBlank) n++;
    prevBlank = blank || l.startsWith('#');
  });
  return n;
}

describe('corpus perf dumps parse with zero unparsed lines', () => {
  it.skipIf(CORPUS_DUMPS.length === 0)('found the corpus dumps', () => {
    expect(CORPUS_DUMPS.length).toBe(13 + 1 + 7 + 4);
  });
  for (const parts of CORPUS_DUMPS) {
    it(parts.join('/'), () => {
      const bytes = load(...parts);
      const d = decodePerfScript(bytes);
      expect(d.unparsedExamples).toEqual([]);
      expect(d.unparsedLines).toBe(0);
      const recs = [...d.recordCounts.values()].reduce((a, b) => a + b, 0);
      expect(recs).toBe(countHeaders(bytes));
      let samples = 0;
      for (const p of d.profiles) {
        samples += p.profile.samples.length;
        expect(p.profile.format).toBe('perf-script');
        expect(p.profile.sampleTypes[0]).toEqual({ type: 'samples', unit: 'count' });
        if (p.weighting === 'period') expect(p.profile.defaultSampleType).toBe(1);
        for (let i = 0; i < p.profile.samples.length; i++) expect(p.profile.samples.stack[i]).toBeGreaterThanOrEqual(0);
      }
      expect(samples).toBe(recs);
    });
  }
});

describe.skipIf(!hasCorpus('flamegraph', 'test'))('corpus details', () => {
  it('perf-cycles-instructions-01: cycles and instructions are separate profiles, weighted by the header period', () => {
    const d = decodePerfScript(load('flamegraph', 'test', 'perf-cycles-instructions-01.txt'));
    expect(d.profiles.map((p) => p.event).sort()).toEqual(['cycles', 'instructions']);
    expect(Object.fromEntries(d.recordCounts)).toEqual({ instructions: 333, cycles: 111 });
    expect(d.header?.fixedPeriods).toEqual({ cycles: 100000000, instructions: 100000000 });
    expect(d.header?.cmdline).toContain('perf record -e cycles -e instructions -c 100000000');
    expect(d.header?.perfVersion).toBe('4.13.0-rc1');
    expect(d.header?.hostname).toBe('bgregg-lgud2');
    for (const p of d.profiles) {
      const n = d.recordCounts.get(p.event)!;
      expect(p.weighting).toBe('period');
      expect(p.profile.sampleTypes[1]).toEqual({ type: 'period', unit: 'events' });
      expect(total(p.profile, 0)).toBe(n);
      expect(total(p.profile, 1)).toBe(n * 100000000);
    }
    const cyc = d.profiles.find((p) => p.event === 'cycles')!.profile;
    expect(labels(cyc, 0)).toEqual({ comm: 'cksum', tid: 21804, cpu: 0 });
  });

  it('per-event totals equal the sum of that event\'s printed periods (test.perf: cycles:uppp + cycles:ppp)', () => {
    if (!hasCorpus('firefox-profiler', 'test.perf.gz')) return warnCorpusMissing(corpusPath('firefox-profiler', 'test.perf.gz'));
    const bytes = load('firefox-profiler', 'test.perf.gz');
    const want = new Map<string, number>();
    forEachLine(bytes, (l) => {
      const m = /\s(\d+) (\S+):\s*$/.exec(l);
      if (m && !/^\s/.test(l)) want.set(m[2], (want.get(m[2]) ?? 0) + Number(m[1]));
    });
    const d = decodePerfScript(bytes);
    expect(d.profiles.length).toBe(2);
    for (const p of d.profiles) expect(total(p.profile, 1)).toBe(want.get(p.event));
    // `FS Broker 5906  7564/7598 …` (the one cycles:ppp record): comm with a space and digits, pid/tid
    const ppp = d.profiles.find((p) => p.event === 'cycles:ppp')!.profile;
    expect(ppp.samples.length).toBe(1);
    expect(labels(ppp, 0)).toEqual({ comm: 'FS Broker 5906', pid: 7564, tid: 7598 });
  });

  it('frame kinds and names: kernel, JIT map, [unknown], empty symbols, stripped offsets', () => {
    const vertx = decodePerfScript(load('flamegraph', 'test', 'perf-vertx-stacks-01.txt')).profiles[0].profile;
    const names = funcNames(vertx);
    expect(names).toContain('[libc-2.15.so]'); // empty symbol
    const kinds = new Map<string, number>();
    for (let i = 0; i < vertx.funcs.length; i++) kinds.set(vertx.strings[vertx.funcs.name[i]], vertx.funcs.kind[i]);
    expect(kinds.get('tcp_sendmsg')).toBe(FuncKind.Kernel);
    expect([...kinds].some(([n, k]) => n.startsWith('Lio/netty/') && k === FuncKind.Jit)).toBe(true);
    const rust = decodePerfScript(load('flamegraph', 'test', 'perf-rust-Yamakaky-dcpu.txt')).profiles[0].profile;
    expect(funcNames(rust)).toContain('_start');
    expect(funcNames(rust).some((n) => n.includes('+0x'))).toBe(false);
    const dd = decodePerfScript(load('flamegraph', 'test', 'perf-dd-stacks-01.txt')).profiles[0];
    expect(funcNames(dd.profile)).toContain('[unknown] (dd)');
    expect(dd.profile.sampleTypes[1]).toEqual({ type: 'period', unit: 'nanoseconds' });
    expect(total(dd.profile, 1)).toBe(11 * 10101010);
  });

  it('time-less records (perf-funcab-pid-01) and unindented frames (perf-java-stacks-02)', () => {
    const fa = decodePerfScript(load('flamegraph', 'test', 'perf-funcab-pid-01.txt')).profiles[0];
    expect(fa.profile.samples.length).toBe(228);
    expect(fa.profile.samples.time).toBeNull();
    expect(fa.weighting).toBe('count');
    expect(fa.profile.sampleTypes.length).toBe(1);
    const j = decodePerfScript(load('flamegraph', 'test', 'perf-java-stacks-02.txt')).profiles[0].profile;
    expect(j.samples.length).toBe(2);
    expect(stackNames(j, 0).length).toBeGreaterThan(5);
  });
});

// ---------------------------------------------------------------------------------------
// (d) hostile shapes (hand-made from real perf 6.1 output shapes)

const HEADER_BLOCK = `# ========
# captured on    : Sat Nov 21 10:00:00 2026
# hostname : testbox
# os release : 6.1.0-13-amd64
# perf version : 6.1.76
# arch : x86_64
# cmdline : /usr/bin/perf record -e cpu-clock -e sched:sched_switch -F 999 -g ./spaces
# event : name = cpu-clock, , id = { 5 }, type = 1 (PERF_TYPE_SOFTWARE), size = 136, config = 0 (PERF_COUNT_SW_CPU_CLOCK), { sample_period, sample_freq } = 999, sample_type = IP|TID|TIME|CALLCHAIN|PERIOD, read_format = ID, disabled = 1, inherit = 1, freq = 1
# event : name = sched:sched_switch, , id = { 6 }, type = 2 (PERF_TYPE_TRACEPOINT), size = 136, { sample_period, sample_freq } = 1, sample_type = IP|TID|TIME|CALLCHAIN|CPU|PERIOD|RAW
# ========
#
`;

const HOSTILE =
  HEADER_BLOCK +
  `my worker 2 11385 [001]   323.707752:    1001001 cpu-clock: 
\t    55d0c0a01224 inl+0x4 (inlined)
\t    55d0c0a01224 mid+0x4 (/home/u/spaces dir/busy)
\t    55d0c0a01300 std::function<long (int)>::operator()+0x64 (/home/u/spaces dir/busy)
\t    7f1e2215d058  (/lib/x86_64-linux-gnu/libc-2.36.so)
\t    7f0000001000 int Hot.work(java.util.List)+0x13a (/tmp/perf-12106.map)
\t    7f0000002000 main.(*T).m (/home/u/app (deleted))
\t    7f0000003000 main.Sum[go.shape.float64_0]+0x10 (/home/u/app)
\t    7f0000004000 runtime.goexit.abi0+0x1 (/home/u/app)
\t    ffffffffc0a01000 nf_hook+0x10 (/lib/modules/6.1.0/kernel/net/nf.ko)
\t    ffffffff8103ce3b native_safe_halt+0xb ([kernel.kallsyms])
\t    7f0000005000 [unknown] (/usr/bin/perf)
\t    6ce258d4c544155 [unknown] ([unknown])

a;b (x) 12 11386 [000]   323.708000:    1001001 cpu-clock: 
\t    55d0c0a01224 mid+0x4 (/home/u/spaces dir/busy)

x 7 [002]   323.709000:     500000 cpu-clock: 
\t    55d0c0a01224 mid+0x4 (/home/u/spaces dir/busy)

:-1    -1 [003]   323.709500:    1001001 cpu-clock: 
\t    ffffffff8103ce3b native_safe_halt+0xb ([kernel.kallsyms])

my worker 2 11385 [001]   323.710000:          1 sched:sched_switch: prev_comm=my worker 2 prev_pid=11385 prev_prio=120 prev_state=S ==> next_comm=a;b (x) 12 next_pid=11386 next_prio=120
\t    ffffffff81a00000 __schedule+0x2f0 ([kernel.kallsyms])

spaces 11383 [000]   323.500000:          1 syscalls:sys_enter_execve: filename: 0x7ffd45afcace, argv: 0x7ffd45afb0e8, envp: 0x5563a4c0e2a0

spaces 11383 [000]   323.600000:          1 sched:sched_process_exec: filename=./spaces pid=11383 old_pid=11383

spaces 11383 [000]   323.650000:          1 sched:sched_process_fork: comm=spaces pid=11383 child_comm=spaces child_pid=11385

`;

describe('hostile perf script shapes', () => {
  const d = decodePerfScript(enc(HOSTILE));
  const cpu = d.profiles.find((p) => p.event === 'cpu-clock')!;
  it('parses every line', () => {
    expect(d.unparsedExamples).toEqual([]);
    expect(d.unparsedLines).toBe(0);
  });
  it('header fields', () => {
    expect(d.header?.hostname).toBe('testbox');
    expect(d.header?.perfVersion).toBe('6.1.76');
    expect(d.header?.cmdline).toBe('/usr/bin/perf record -e cpu-clock -e sched:sched_switch -F 999 -g ./spaces');
    expect(d.header?.events).toEqual(['cpu-clock', 'sched:sched_switch']);
    expect(d.header?.fixedPeriods).toEqual({});
    expect(d.header?.fields['captured on']).toBe('Sat Nov 21 10:00:00 2026');
  });
  it('comms with spaces, digits, ";", parentheses, one char, and unknown threads', () => {
    const rs = records(HOSTILE);
    expect(rs.slice(0, 4).map((r) => [r.comm, r.pid, r.tid, r.cpu, r.time?.text, r.period, r.event])).toEqual([
      ['my worker 2', undefined, 11385, 1, '323.707752', 1001001, 'cpu-clock'],
      ['a;b (x) 12', undefined, 11386, 0, '323.708000', 1001001, 'cpu-clock'],
      ['x', undefined, 7, 2, '323.709000', 500000, 'cpu-clock'],
      [':-1', undefined, -1, 3, '323.709500', 1001001, 'cpu-clock'],
    ]);
    expect(labels(cpu.profile, 0)).toEqual({ comm: 'my worker 2', tid: 11385, cpu: 1 });
    expect([...cpu.profile.samples.time!]).toEqual([0, 248000, 1248000, 1748000]);
  });
  it('one profile per event, tracepoints never summed into cpu-clock', () => {
    expect(d.profiles.map((p) => p.event)).toEqual([
      'cpu-clock',
      'sched:sched_switch',
      'syscalls:sys_enter_execve',
      'sched:sched_process_exec',
      'sched:sched_process_fork',
    ]);
    expect(total(cpu.profile, 1)).toBe(1001001 * 3 + 500000);
    expect(cpu.profile.sampleTypes).toEqual([
      { type: 'samples', unit: 'count' },
      { type: 'period', unit: 'nanoseconds' },
    ]);
    expect(Object.fromEntries(d.tracepoints)).toEqual({
      'sched:sched_switch': 1,
      'syscalls:sys_enter_execve': 1,
      'sched:sched_process_exec': 1,
      'sched:sched_process_fork': 1,
    });
    const sw = d.profiles.find((p) => p.event === 'sched:sched_switch')!.profile;
    expect(stackNames(sw, 0)).toEqual(['__schedule']);
  });
  it('frames: inline flag, dso = last balanced group, kinds, names', () => {
    const p = cpu.profile;
    expect(stackNames(p, 0)).toEqual([
      'inl',
      'mid',
      'std::function<long (int)>::operator()',
      '[libc-2.36.so]',
      'int Hot.work(java.util.List)',
      'main.(*T).m',
      'main.Sum[go.shape.float64_0]',
      'runtime.goexit.abi0',
      'nf_hook',
      'native_safe_halt',
      '[unknown] (perf)',
      '[unknown]',
    ]);
    const kind = (n: string) => p.funcs.kind[funcNames(p).indexOf(n)];
    expect(kind('int Hot.work(java.util.List)')).toBe(FuncKind.Jit);
    expect(kind('nf_hook')).toBe(FuncKind.Kernel);
    expect(kind('native_safe_halt')).toBe(FuncKind.Kernel);
    expect(kind('main.(*T).m')).toBe(FuncKind.User);
    // inl and mid share one location at 0x55d0c0a01224, inl marked inlined
    const loc0 = p.samples.location[p.samples.locationStart[0]];
    expect(p.locations.address[loc0]).toBe(0x55d0c0a01224n);
    const f0 = p.locations.frameStart[loc0];
    expect(p.locations.frameStart[loc0 + 1] - f0).toBe(2);
    expect(p.frames.inlined[f0]).toBe(1);
    expect(p.frames.inlined[f0 + 1]).toBe(0);
    const mapFiles = [...p.mappings.fileName].map((i) => p.strings[i]);
    expect(mapFiles).toContain('/home/u/spaces dir/busy');
    expect(mapFiles).toContain('/home/u/app (deleted)');
  });
  it('tracepoint payloads, execs, forks, processes, threads', () => {
    const sw = records(HOSTILE).find((r) => r.event === 'sched:sched_switch')!;
    expect(parseTracepointFields(sw.payload)).toEqual({
      prev_comm: 'my worker 2',
      prev_pid: '11385',
      prev_prio: '120',
      prev_state: 'S',
      next_comm: 'a;b (x) 12',
      next_pid: '11386',
      next_prio: '120',
    });
    expect(d.execs).toEqual([
      { pid: 11383, oldPid: 11383, comm: 'spaces', timeSec: 323.5, filename: '0x7ffd45afcace', event: 'syscalls:sys_enter_execve' },
      { pid: 11383, oldPid: 11383, comm: 'spaces', timeSec: 323.6, filename: './spaces', event: 'sched:sched_process_exec' },
    ]);
    expect(d.forks).toEqual([{ parentPid: 11383, childPid: 11385, parentComm: 'spaces', childComm: 'spaces', timeSec: 323.65 }]);
    expect(perfSummary(d)).toEqual({
      format: 'perf-script',
      events: {
        'cpu-clock': 4,
        'sched:sched_switch': 1,
        'syscalls:sys_enter_execve': 1,
        'sched:sched_process_exec': 1,
        'sched:sched_process_fork': 1,
      },
      processes: 4,
      threads: 4,
      execs: [
        { pid: 11383, oldPid: 11383, comm: 'spaces', timeSec: 323.5, filename: '0x7ffd45afcace' },
        { pid: 11383, oldPid: 11383, comm: 'spaces', timeSec: 323.6, filename: './spaces' },
      ],
      unparsedLines: 0,
    });
  });

  it('-F +pid, --ns times, -G single-line records without blank separators', () => {
    const t =
      '            busy 10522/10523 [000]   323.707752123:    1001001 cpu-clock:      55d0c0a01224 main+0x4 (/path/busy)\n' +
      '     my worker 2 10522/10524 [001]   323.707753123:    1001001 cpu-clock:  ffffffff8103ce3b native_safe_halt+0xb ([kernel.kallsyms])\n' +
      '            cafe 10522/10525 [001]   323.707754123:    1001001 cpu-clock:      55d0c0a01224 main+0x4 (/path/busy)\n';
    const rs = records(t);
    expect(rs.map((r) => [r.comm, r.pid, r.tid, r.time?.nsec, r.frames.map((f) => f.symbol)])).toEqual([
      ['busy', 10522, 10523, 707752123, ['main']],
      ['my worker 2', 10522, 10524, 707753123, ['native_safe_halt']],
      ['cafe', 10522, 10525, 707754123, ['main']],
    ]);
    const dd = decodePerfScript(enc(t));
    expect(dd.unparsedLines).toBe(0);
    expect([...dd.profiles[0].profile.samples.time!]).toEqual([0, 1000, 2000]);
    expect(dd.processes.get(10522)).toEqual(['busy', 'my worker 2', 'cafe']);
    expect(dd.threads.get(10524)).toEqual({ pid: 10522, comm: 'my worker 2' });
  });

  it('time-less and -F shapes', () => {
    const h = (l: string) => {
      const r = parseHeaderLine(l);
      return r && [r.comm, r.pid, r.tid, r.cpu, r.time?.text, r.period, r.event];
    };
    expect(h('java  3244 cpu-clock:')).toEqual(['java', undefined, 3244, undefined, undefined, undefined, 'cpu-clock']);
    expect(h('my worker 2 11385 cpu-clock:')).toEqual(['my worker 2', undefined, 11385, undefined, undefined, undefined, 'cpu-clock']);
    expect(h('java 3244     1001001 cpu-clock:')).toEqual(['java', undefined, 3244, undefined, undefined, 1001001, 'cpu-clock']);
    expect(h('simple-terminat     9/9     198791.127353: cpu-clock:')).toEqual(['simple-terminat', 9, 9, undefined, '198791.127353', undefined, 'cpu-clock']);
    expect(h('Gecko\t25122 [007] 115539.936601:\t\t1000000 task-clock:u:')).toEqual(['Gecko', undefined, 25122, 7, '115539.936601', 1000000, 'task-clock:u']);
    expect(h('kworker/0:1 3 [000] 1.000000: 1 cycles:ppp:')).toEqual(['kworker/0:1', undefined, 3, 0, '1.000000', 1, 'cycles:ppp']);
    expect(h('busy 10522 323.707752:')).toEqual(['busy', undefined, 10522, undefined, '323.707752', undefined, '']);
    expect(h('\t    55d0c0a01224 mid+0x4 (/path/busy)')).toBeNull();
  });

  it('CRLF, BOM, -F +srcline, and a last record without a trailing newline', () => {
    const t = '\ufeffbusy 1 [000] 1.000000: 5 cpu-clock:\r\n\t1224 mid+0x4 (/b)\r\n  busy.c:4\r\n\t1300 main (/b)\r\n\r\nbusy 1 [000] 1.000001: 5 cpu-clock:\r\n\t1224 mid+0x4 (/b)';
    const rs = records(t);
    expect(rs.length).toBe(2);
    expect(rs[0].comm).toBe('busy');
    expect(rs[0].frames.map((f) => [f.symbol, f.dso, f.srcline])).toEqual([
      ['mid', '/b', 'busy.c:4'],
      ['main', '/b', undefined],
    ]);
    expect(decodePerfScript(enc(t)).unparsedLines).toBe(0);
  });

  it('counts (never drops, never throws on) lines it cannot parse, keeping the first 10', () => {
    let t = 'busy 1 [000] 1.000000: 5 cpu-clock:\n\t1224 mid (/b)\n\n';
    for (let i = 0; i < 12; i++) t += `??? garbage ${i}\n`;
    t += 'busy 1 [000] 1.000001: 5 cpu-clock:\n\t1224 mid (/b)\n\n';
    const d2 = decodePerfScript(enc(t));
    expect(d2.unparsedLines).toBe(12);
    expect(d2.unparsedExamples.length).toBe(10);
    expect(d2.unparsedExamples[0]).toEqual({ line: 4, text: '??? garbage 0' });
    expect(d2.profiles[0].profile.samples.length).toBe(2);
  });

  it('side-band PERF_RECORD_* lines are counted, not sampled', () => {
    const t =
      'busy 10522 [000] 1.000000: PERF_RECORD_COMM exec: busy:10522/10522\n' +
      'busy 10522 [000] 1.000001: PERF_RECORD_MMAP2 10522/10522: [0x55d0c0a01000(0x1000) @ 0x1000 08:01 123 0]: r-xp /path/busy\n' +
      'busy 10522 [000] 1.000002: 5 cpu-clock:\n\t1224 mid (/b)\n\n';
    const d4 = decodePerfScript(enc(t));
    expect(d4.unparsedLines).toBe(0);
    expect(d4.profiles.map((p) => p.event)).toEqual(['cpu-clock']);
    expect(Object.fromEntries(d4.recordCounts)).toEqual({ PERF_RECORD_COMM: 1, PERF_RECORD_MMAP2: 1, 'cpu-clock': 1 });
  });

  it('streams: multi-byte characters across chunk boundaries, UTF-16 with BOM, long lines', () => {
    const pad = 'x'.repeat((1 << 20) - 3);
    const text = `${pad}\ncaf\u00e9 \u4e16\n`; // "é" straddles the 1 MiB chunk boundary
    const got: string[] = [];
    forEachLine(enc(text), (l) => void got.push(l));
    expect(got).toEqual([pad, 'caf\u00e9 \u4e16']);
    const s16 = 'busy 1 [000] 1.000000: 5 cpu-clock:\n\t1224 mid (/b)\n\n';
    const u16 = new Uint8Array(2 + s16.length * 2);
    u16[0] = 0xff;
    u16[1] = 0xfe;
    for (let i = 0; i < s16.length; i++) u16[2 + 2 * i] = s16.charCodeAt(i);
    expect(decodePerfScript(u16).profiles[0].profile.samples.length).toBe(1);
    const longLine = 'y'.repeat(3 * (1 << 20) + 17);
    const lens: number[] = [];
    forEachLine(enc(`a\n${longLine}\nb`), (l) => void lens.push(l.length));
    expect(lens).toEqual([1, longLine.length, 1]);
  });

  it('a header-only dump (the -F pitfall) is an empty dump, not an error', () => {
    const e = decodePerfScript(enc(HEADER_BLOCK));
    expect(e.profiles).toEqual([]);
    expect(e.header?.hostname).toBe('testbox');
  });
});

// ---------------------------------------------------------------------------------------
// (e) not perf script

describe('non-perf input is a DecodeError naming the line', () => {
  const fails = (b: Uint8Array): DecodeError => {
    try {
      decodePerfScript(b);
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      return e as DecodeError;
    }
    throw new Error('expected a DecodeError');
  };
  it('binary garbage', () => {
    let seed = 7;
    const b = new Uint8Array(100000).map(() => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    });
    const e = fails(b);
    expect(e.where.line).toBe(1);
    expect(e.message).toMatch(/not perf script.*\(line 1\)/);
  });
  it('JSON, folded stacks, empty input, comments then garbage', () => {
    expect(fails(enc('{"traceEvents": []}\n')).where.line).toBe(1);
    expect(fails(enc('main;foo;bar 12\nmain;foo 3\n')).where.line).toBe(1);
    expect(fails(new Uint8Array(0)).where.line).toBe(1);
    expect(fails(enc('# hello\n\nnot a perf line\n')).where.line).toBe(3);
  });
  it('pathological lines stay fast (no catastrophic backtracking)', () => {
    const long = `${'1 '.repeat(50000)}${'9'.repeat(50000)}x: y ( (`;
    const t0 = performance.now();
    const d3 = decodePerfScript(enc(`busy 1 [000] 1.000000: 5 cpu-clock:\n${long}\n\t${'a'.repeat(100000)} ${' ('.repeat(50000)})\n\n`));
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(d3.unparsedLines).toBe(1);
  });
});

describe.skipIf(!hasCorpus('flamegraph', 'test'))('mutated corpus input never throws anything but DecodeError', () => {
  it('200 deterministic byte mutations of a real dump', () => {
    const base = load('flamegraph', 'test', 'perf-iperf-stacks-pidtid-01.txt');
    let seed = 99;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pool = [0x20, 0x09, 0x0a, 0x3a, 0x28, 0x29, 0x2f, 0x2e, 0x30, 0x39, 0x5b, 0x5d, 0x2b, 0x78, 0x3b, 0xff, 0x00, 0x0d];
    for (let it = 0; it < 200; it++) {
      const b = base.slice(0, 2000 + rnd(20000));
      const muts = 1 + rnd(100);
      for (let m = 0; m < muts; m++) b[rnd(b.length)] = rnd(3) === 0 ? rnd(256) : pool[rnd(pool.length)];
      try {
        const d = decodePerfScript(b);
        expect(d.unparsedExamples.length).toBeLessThanOrEqual(10);
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
      }
    }
  });
});

// keep the type import used
export type { PerfDump };

describe('one-line tracepoint records with the sample ip (perf script -F +ip,+sym, no call graph)', () => {
  it('keeps the frame out of the last field (real recording, testdata/perf/multi-event.perf.txt)', async () => {
    const { readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const { parsePerfScript, parseTracepointFields } = await import('../../src/formats/perf/parse');
    const file = path.resolve(__dirname, '../../testdata/perf/multi-event.perf.txt');
    let switches = 0;
    parsePerfScript(new Uint8Array(readFileSync(file)), (r) => {
      if (r.event !== 'sched:sched_switch') return;
      switches++;
      const f = parseTracepointFields(r.payload);
      expect(f.next_prio).toMatch(/^\d+$/);
      expect(f.prev_state).toMatch(/^[A-Z+]+$/);
      expect(r.frames).toHaveLength(1);
    });
    expect(switches).toBeGreaterThan(100);
  });
});
