// stackcollapse-perf.pl conformance (src/formats/perf/collapse.ts): every FlameGraph test
// input × every option (pid, tid, kernel, jit, all, addrs) against the HEAD script's
// outputs in corpus/flamegraph/test/results-head/ (see corpus/flamegraph/MANIFEST.md for
// why results-head and not the stale results/), compared after sorting lines. Hand-made
// inputs pin the reproduced quirks, and the scanners that replace the Perl regexes are
// checked against those regexes (run by JS) on shapes where JS backtracking is still cheap.

import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collapseCommand } from '../../src/cli/perf';
import { collapsePerfBytes, matchEvent, matchFrame, matchHeader, stackcollapsePerf } from '../../src/formats/perf/collapse';
import { corpusPath, describeCorpus } from '../helpers/corpus';

const enc = (s: string) => new TextEncoder().encode(s);
const sortLines = (t: string) =>
  t
    .split('\n')
    .filter((l) => l !== '')
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .join('\n');
const OPTIONS = ['pid', 'tid', 'kernel', 'jit', 'all', 'addrs'] as const;

describeCorpus('flamegraph', 'stackcollapse-perf.pl conformance (results-head)', () => {
  const dir = corpusPath('flamegraph', 'test');
  const inputs = readdirSync(dir).filter((f) => f.endsWith('.txt'));
  it('has the 13 inputs and 78 expected outputs', () => {
    expect(inputs.length).toBe(13);
    expect(readdirSync(corpusPath('flamegraph', 'test', 'results-head')).length).toBe(78);
  });
  for (const name of inputs) {
    const base = name.replace(/\.txt$/, '');
    for (const opt of OPTIONS) {
      it(`${base} --${opt}`, () => {
        const bytes = new Uint8Array(readFileSync(corpusPath('flamegraph', 'test', name)));
        const expected = readFileSync(corpusPath('flamegraph', 'test', 'results-head', `${base}-collapsed-${opt}.txt`), 'utf8');
        expect(sortLines(collapseCommand(bytes, { [opt]: true }))).toBe(sortLines(expected));
      });
    }
  }
  it('names the dropped event on stderr and honours --event-filter', () => {
    const bytes = new Uint8Array(readFileSync(corpusPath('flamegraph', 'test', 'perf-cycles-instructions-01.txt')));
    const r = collapsePerfBytes(bytes);
    expect(r.stderr).toEqual(['Filtering for events of type: cycles']);
    const cycles = collapseCommand(bytes, { event: 'cycles' });
    const total = (t: string) => t.split('\n').filter(Boolean).reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(total(r.text)).toBe(333);
    expect(total(cycles)).toBe(111);
  });
});

describe('stackcollapse-perf.pl quirks (hand-made input)', () => {
  const run = (s: string, o = {}) => collapseCommand(enc(s), o);
  it('lazy comm regex: "my worker 2 11385" becomes comm my_worker, tid 2', () => {
    const t = 'my worker 2 11385 [001] 10.000001:    1000 cpu-clock: \n\t1 f (/x)\n\n';
    expect(run(t, { tid: true })).toBe('my_worker-?/2;f 1000\n');
  });
  it('";" in a comm splits the root frame; single-char comm pads into the comm', () => {
    expect(run('a;b (x) 12 10.000001: 1 cpu-clock:\n\t1 f (/x)\n\n')).toBe('a;b_(x);f 1\n');
    expect(run('a  12 10.000001: 1 cpu-clock:\n\t1 f (/x)\n\n')).toBe('a_;f 1\n');
  });
  it('a last sample without a trailing blank line is lost', () => {
    expect(run('p 1 1.0: 5 cpu-clock:\n\t1 f (/x)\n')).toBe('');
  });
  it('tracepoint lines bypass the event filter with period 1', () => {
    const t = 'pp 1 1.0: 7 cpu-clock:\n\t1 f (/x)\n\npp 1 1.1: sched:sched_switch: prev_comm=p prev_pid=1 ==> next_comm=q\n\t1 g (/x)\n\n';
    expect(run(t)).toBe('pp;f 7\npp;g 1\n');
    // a one-char comm is not recognised as such: the lazy comm swallows tid and time
    expect(run('p 1 1.0: 7 cpu-clock:\n\t1 f (/x)\n\n')).toBe('p_1_1.0:;f 7\n');
  });
  it('-G single-line records give no output', () => {
    expect(run('            p 1 [000] 1.0:     7 cpu-clock:  4005d6 main+0x1 (/x)\n            p 1 [000] 1.1:     7 cpu-clock:  4005d6 main+0x1 (/x)\n')).toBe('');
  });
  // `(anonymous namespace)::f(int)` starts with "(" and is skipped as a "process name".
  it('tidy rules, annotations, [unknown], --addrs, java L, -> inline chains, empty symbol', () => {
    const t =
      'java 9 1.0: 1 cpu-clock:\n' +
      '\tffffffff81 do_sys+0x1a ([kernel.kallsyms])\n' +
      '\t7f01 Lfoo/Bar;::baz (/tmp/perf-9.map)\n' +
      '\t7f02 a->b->c (/tmp/perf-9.map)\n' +
      '\t7f03 std::function<long (int)>::operator()+0x64 (/bin/x)\n' +
      '\t7f04 main.(*T).m (/bin/x)\n' +
      '\t7f05 (anonymous namespace)::f(int) (/bin/x)\n' +
      '\t7f06 [unknown] (/usr/lib/libz.so)\n' +
      '\t7f07 [unknown] ([unknown])\n' +
      '\t7f08  (/lib/libc.so)\n' +
      '\t7f09 RegExp:[&<>"\'] (/tmp/perf-9.map)\n\n';
    expect(run(t, { all: true })).toBe(
      'java;RegExp:[&<>]_[j]; ;[unknown];[libz.so];main.(*T).m;std::function<long ;a_[j];b_[i];c_[i];foo/Bar:::baz_[j];do_sys_[k] 1\n',
    );
    expect(run(t, { addrs: true })).toContain(';[libz.so <7f06>];');
    expect(run(t, { addrs: true })).toContain(';[unknown <7f07>];');
  });
  it('accepts an iterable of lines; CRLF input loses its samples as in Perl; gzip input is inflated', () => {
    expect(stackcollapsePerf(['pp 1 1.0: 7 cpu-clock:', '\t1 f (/x)', '']).text).toBe('pp;f 7\n');
    expect(run('pp 1 1.0: 7 cpu-clock:\r\n\t1 f (/x)\r\n\r\n')).toBe('');
    expect(collapseCommand(new Uint8Array(gzipSync('pp 1 1.0: 7 cpu-clock:\n\t1 f (/x)\n\n')))).toBe('pp;f 7\n');
  });
  it('keeps bytes exact for non-UTF-8-safe names and sums periods exactly', () => {
    const t = 'pp 1 1.0: 9007199254740993 cpu-clock:\n\t1 caf\u00e9 (/x)\n\npp 1 1.1: 9007199254740993 cpu-clock:\n\t1 caf\u00e9 (/x)\n\n';
    expect(run(t)).toBe('pp;caf\u00e9 18014398509481986\n');
  });
});

describe('regex replacements agree with the Perl regexes (run as JS regexes)', () => {
  const HEADER = /^(\S.+?)\s+(\d+)\/*(\d+)*\s+/;
  const EVENT = /:\s*(\d+)*\s+(\S+):\s*$/;
  const FRAME = /^\s*(\w+)\s*(.+) \((.*)\)/;
  const samples = [
    'java 25607 4794564.109216: 1 cycles:',
    'V8 WorkerThread 24636/25607 [000] 94564.109216: 100 cycles:',
    'my worker 2 11385 [001] 10.1: 1 cpu-clock: ',
    'a  12 1.0: cpu-clock:',
    'a 12/ 1.0: x:',
    'swapper     0 [000] 1.0:  1 cycles:u:',
    ':-1    -1 [000] 1.0: 1 cpu-clock:',
    'x 1 2: 5cycles:',
    'x:5 y:',
    'p 1 1.1: sched:sched_switch: prev_comm=p ==> next_comm=q',
    'func_ab 15294 cpu-clock:',
    '\t7f1e2215d058  (/lib/libc.so)',
    '\t7f1e2215d058 (/lib/libc.so)',
    '  abc (x)',
    '\t1224 std::function<long (int)>::operator()+0x64 (inlined)',
    '\t7f0 a (b) c (d (e)) f',
    '\tffffffff8103ce3b native_safe_halt ([kernel.kallsyms])',
    'x',
    '12 34 ',
    '\t',
    '',
  ];
  it('header', () => {
    for (const s of samples) {
      const m = HEADER.exec(s);
      const got = matchHeader(s);
      expect(got === null ? null : [got.comm, got.pid, got.tid], s).toEqual(m === null ? null : [m[1], m[2], m[3]]);
    }
  });
  it('event', () => {
    for (const s of samples) {
      const m = EVENT.exec(s);
      const got = matchEvent(s);
      expect(got === null ? null : [got.period, got.event], s).toEqual(m === null ? null : [m[1], m[2]]);
    }
  });
  it('frame', () => {
    for (const s of samples) {
      const m = FRAME.exec(s);
      const got = matchFrame(s);
      expect(got === null ? null : [got.pc, got.func, got.mod], s).toEqual(m === null ? null : [m[1], m[2], m[3]]);
    }
  });
  it('random lines over a small alphabet', () => {
    const alphabet = ['a', '1', '2', ' ', '\t', ':', '/', '(', ')', '.', 'x', '_'];
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let k = 0; k < 20000; k++) {
      let s = '';
      const len = rnd(14);
      for (let i = 0; i < len; i++) s += alphabet[rnd(alphabet.length)];
      const h = HEADER.exec(s);
      const gh = matchHeader(s);
      expect(gh === null ? null : [gh.comm, gh.pid, gh.tid], JSON.stringify(s)).toEqual(h === null ? null : [h[1], h[2], h[3]]);
      const e = EVENT.exec(s);
      const ge = matchEvent(s);
      expect(ge === null ? null : [ge.period, ge.event], JSON.stringify(s)).toEqual(e === null ? null : [e[1], e[2]]);
      const f = FRAME.exec(s);
      const gf = matchFrame(s);
      expect(gf === null ? null : [gf.pc, gf.func, gf.mod], JSON.stringify(s)).toEqual(f === null ? null : [f[1], f[2], f[3]]);
    }
  });
  it('stays linear on inputs that make the Perl regexes backtrack exponentially in JS', () => {
    const digits = '1'.repeat(200000);
    const t0 = performance.now();
    matchHeader(`ab ${digits}x y`);
    matchEvent(`a: ${digits}x y:`);
    matchFrame(`\t${'a'.repeat(100000)} ${' ('.repeat(100000)}`);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
