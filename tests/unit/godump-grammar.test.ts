// Go crash / goroutine dump grammar (src/formats/godump) on hand-written inputs: the
// forms the recorded fixtures do not show (panics, re-panics, signal lines, header
// suffixes and labels, stack unavailable, exit status), garbage input, pathological
// lines, the StackProfile built from a dump and the CLI summary shape.

import { describe, expect, it } from 'vitest';
import { dumpGoroutines, dumpSummary } from '../../src/cli/godump';
import { DecodeError } from '../../src/formats/errors';
import { isMapFunc, parseGoDump, parseLabelSet } from '../../src/formats/godump/parse';
import type { StackProfile } from '../../src/model/profile';

const PANIC = `panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x48f4b6]

goroutine 1 [running]:
main.(*T).Get(...)
\t/home/u/app/main.go:12
main.main()
\t/home/u/app/main.go:20 +0x16
exit status 2
`;

/** Root-first function names of every sample's stack. */
function stacks(p: StackProfile): string[] {
  const out: string[] = [];
  for (let i = 0; i < p.samples.length; i++) {
    const names: string[] = [];
    for (let s = p.samples.stack[i]; s !== -1; s = p.stacks.prefix[s]) names.unshift(p.strings[p.funcs.name[p.stacks.func[s]]]);
    out.push(names.join(';'));
  }
  return out;
}

function sampleLabels(p: StackProfile, i: number): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (let k = p.samples.labelStart[i]; k < p.samples.labelStart[i + 1]; k++) {
    const key = p.strings[p.labels.key[k]];
    out[key] = p.labels.str[k] >= 0 ? p.strings[p.labels.str[k]] : p.labels.num[k];
  }
  return out;
}

describe('godump grammar', () => {
  it('panic with a signal line, inlined frame and exit status', () => {
    const d = parseGoDump(PANIC);
    expect(d.kind).toBe('panic');
    expect(d.panicMessage).toBe('runtime error: invalid memory address or nil pointer dereference');
    expect(d.fatalError).toBeNull();
    expect(d.signal).toMatchObject({ name: 'SIGSEGV', description: 'segmentation violation code=0x1 addr=0x0 pc=0x48f4b6' });
    expect(d.exitStatus).toBe(2);
    expect(d.goroutines[0].frames).toEqual([
      { func: 'main.(*T).Get', args: '...', file: '/home/u/app/main.go', line: 12, offset: null, inlined: true },
      { func: 'main.main', args: '', file: '/home/u/app/main.go', line: 20, offset: 0x16, inlined: false },
    ]);
    expect(d.warnings).toEqual([]);
    expect(dumpSummary(d)).toEqual({ format: 'go-dump', kind: 'panic', fatalError: null, goroutines: 1, groups: 1, mapGoroutines: [] });
    // The inlined frame shares its caller's location, as pprof records inlining.
    const p = d.profile;
    expect(stacks(p)).toEqual(['main.main;main.(*T).Get']);
    expect(p.locations.length).toBe(1);
    expect(Array.from(p.frames.inlined)).toEqual([1, 0]);
    expect(Array.from(p.frames.line)).toEqual([12, 20]);
  });

  it('re-panic chains and program output before the dump', () => {
    const d = parseGoDump(`starting server\nlistening on :8080\npanic: first [recovered]\n\tpanic: second\n\ngoroutine 7 [running]:\nmain.f()\n\tmain.go:3 +0x1\n`);
    expect(d.panicChain).toEqual(['first [recovered]', 'second']);
    expect(d.panicMessage).toBe('first [recovered]');
    expect(d.preamble).toEqual(['starting server', 'listening on :8080']);
    const again = parseGoDump('panic: boom [recovered, repanicked]\n\ngoroutine 1 [running]:\nmain.main()\n\tmain.go:9 +0x2\n');
    expect(again.panicMessage).toBe('boom [recovered, repanicked]');
  });

  it('fatal error without tracebacks (GOTRACEBACK=none) is a dump with no goroutines', () => {
    const d = parseGoDump('fatal error: all goroutines are asleep - deadlock!\n');
    expect(d.kind).toBe('fatal');
    expect(d.fatalError).toBe('all goroutines are asleep - deadlock!');
    expect(dumpSummary(d).goroutines).toBe(0);
  });

  it('header variants: suffixes, minutes, locked, synctest, Go 1.26 labels and the {k: v} form', () => {
    const text = [
      'goroutine 5 gp=0xc000007a40 m=nil [chan receive (leaked), 7 minutes, locked to thread]:',
      'main.a()',
      '\tmain.go:1 +0x1',
      '',
      'goroutine 6 [select (no cases) (scan)]:',
      'main.b()',
      '\tmain.go:2 +0x1',
      '',
      'goroutine 7 [sleep, synctest bubble 3]:',
      'main.c()',
      '\tmain.go:3 +0x1',
      '',
      'goroutine 8 [chan receive labels:{"k\\"]: ": "a, b]", "tab": "x\\ty", "u": "\\u03a3\\U0001f600\\x1b"}]:',
      'main.d()',
      '\tmain.go:4 +0x1',
      '',
      'goroutine 9 [IO wait, 2 minutes] {handler: checkout, "tenant id": "acme"}:',
      'main.e()',
      '\tmain.go:5 +0x1',
      '',
      'goroutine 10 [running]:',
      '\tgoroutine running on other thread; stack unavailable',
      '',
    ].join('\n');
    const d = parseGoDump(text);
    expect(d.warnings).toEqual([]);
    const [g5, g6, g7, g8, g9, g10] = d.goroutines;
    expect(g5).toMatchObject({ id: 5, state: 'chan receive', stateFlags: ['leaked'], waitMinutes: 7, lockedToThread: true, gp: '0xc000007a40', m: 'nil', mp: null });
    expect(g6).toMatchObject({ state: 'select (no cases)', stateFlags: ['scan'] });
    expect(g7).toMatchObject({ state: 'sleep', synctest: 'bubble 3' });
    expect(g8.state).toBe('chan receive');
    expect(g8.labels).toEqual({ 'k"]: ': 'a, b]', tab: 'x\ty', u: 'Σ😀\x1b' });
    expect(g9).toMatchObject({ state: 'IO wait', waitMinutes: 2, labels: { handler: 'checkout', 'tenant id': 'acme' } });
    expect(g10).toMatchObject({ state: 'running', stackUnavailable: true, frames: [] });
    expect(d.kind).toBe('debug2');
    expect(parseLabelSet('{}', 0)).toEqual({ labels: {}, end: 2 });
    expect(parseLabelSet('{"a": "b"', 0)).toBeNull();
  });

  it('old elision sentence, created by without parent, non-Go frames', () => {
    const d = parseGoDump(
      'goroutine 3 [running]:\nmain.r(0x1)\n\tr.go:1 +0x5\n...additional frames elided...\ncreated by main.main\n\tr.go:9 +0x3\n\ngoroutine 4 [syscall]:\nnon-Go function at pc=0x7f00aa\nmain.c()\n\tc.go:2 +0x1\n',
    );
    expect(d.warnings).toEqual([]);
    expect(d.goroutines[0]).toMatchObject({ elided: true, elidedFrames: null, createdBy: { func: 'main.main', file: 'r.go', line: 9, offset: 3, goroutine: null } });
    expect(d.goroutines[1].frames.map((f) => f.func)).toEqual(['non-Go function', 'main.c']);
  });

  it('the profile: one sample per goroutine, created by as the root, state/wait/labels as labels', () => {
    const d = parseGoDump(
      'goroutine 12 [chan send, 3 minutes labels:{"op": "put"}]:\nmain.send(0x1)\n\tm.go:5 +0x10\nmain.worker()\n\tm.go:9 +0x20\ncreated by main.start in goroutine 1\n\tm.go:2 +0x30\n\ngoroutine 13 [chan send, 4 minutes]:\nmain.send(0x2)\n\tm.go:5 +0x10\nmain.worker()\n\tm.go:9 +0x20\ncreated by main.start in goroutine 1\n\tm.go:2 +0x30\n',
    );
    const p = d.profile;
    expect(p.format).toBe('go-dump');
    expect(p.sampleTypes).toEqual([{ type: 'goroutine', unit: 'count' }]);
    expect(stacks(p)).toEqual(['created by main.start;main.worker;main.send', 'created by main.start;main.worker;main.send']);
    expect(sampleLabels(p, 0)).toEqual({ goroutine: 12, state: 'chan send', wait: 3, op: 'put' });
    expect(d.groups).toHaveLength(1);
    expect(d.groups[0]).toMatchObject({ count: 2, state: 'chan send', maxWaitMinutes: 4, goroutineIds: [12, 13], labels: {} });
    const json = dumpGoroutines(d);
    expect(json[0]).toMatchObject({ count: 2, goroutineIds: [12, 13], createdBy: { func: 'main.start', goroutine: 1 }, mapCall: null });
  });

  it('mixed states in a group are summarised', () => {
    const block = (id: number, st: string) => `goroutine ${id} [${st}]:\nmain.w()\n\tw.go:1 +0x1\n\n`;
    const d = parseGoDump(block(1, 'select') + block(2, 'select') + block(3, 'chan receive'));
    expect(d.groups[0]).toMatchObject({ count: 3, state: 'select ×2, chan receive ×1' });
  });

  it('debug=1: records, labels with escapes, map frames, total mismatch warning', () => {
    const text = [
      'goroutine profile: total 5',
      '3 @ 0x1 0x2 0x3',
      '# labels: {"op":"get\\n", "t":"a"}',
      '#\t0x40\tmain.handle+0x1f\t\t/src/main.go:20',
      '#\t0x50\tmain.serve+0x2\t\t/src/main.go:30',
      '',
      '1 @ 0x4 0x5',
      '#\t0x60\truntime.mapassign_faststr+0x10\tC:/Program Files/Go/src/runtime/map_faststr.go:200',
      '#\t0x70\tmain.put+0x3\t\t\t/src/main.go:40',
      '',
    ].join('\n');
    const d = parseGoDump(text);
    expect(d.kind).toBe('debug1');
    expect(d.total).toBe(5);
    expect(d.groups.map((g) => g.count)).toEqual([3, 1]);
    expect(d.groups[0].labels).toEqual({ op: 'get\n', t: 'a' });
    expect(d.groups[0].frames[0]).toMatchObject({ func: 'main.handle', offset: 0x1f, file: '/src/main.go', line: 20, pc: '0x40' });
    expect(d.groups[1].frames[0].file).toBe('C:/Program Files/Go/src/runtime/map_faststr.go');
    expect(d.mapCalls).toEqual([expect.objectContaining({ goroutine: null, count: 1, mapFunc: 'runtime.mapassign_faststr' })]);
    expect(d.mapCalls[0].caller?.func).toBe('main.put');
    expect(dumpSummary(d)).toEqual({ format: 'go-dump', kind: 'debug1', fatalError: null, goroutines: 4, groups: 2, mapGoroutines: [] });
    expect(d.warnings).toEqual([expect.stringMatching(/^line 9: the header says total 5 but the records add up to 4/)]);
    expect(stacks(d.profile)).toEqual(['main.serve;main.handle', 'main.put;runtime.mapassign_faststr']);
    expect(Array.from(d.profile.samples.values[0])).toEqual([3, 1]);
  });

  it('map function recognition: classic and Swiss', () => {
    for (const f of ['runtime.mapassign', 'runtime.mapassign_fast64', 'runtime.mapaccess1_faststr', 'runtime.mapaccess2', 'runtime.mapdelete_fast32', 'runtime.mapiternext', 'internal/runtime/maps.(*Map).putSlotSmall', 'internal/runtime/maps.(*Iter).Next', 'internal/runtime/maps.fatal'])
      expect(isMapFunc(f), f).toBe(true);
    for (const f of ['runtime.gopark', 'main.mapassign', 'maps.Clone', 'runtime.makeslice']) expect(isMapFunc(f), f).toBe(false);
  });

  it('damage in the middle is a warning naming the line; parsing goes on', () => {
    const d = parseGoDump('goroutine 1 [running]:\nmain.a()\n\ta.go:1 +0x1\n\ngoroutine 2 [sel\n\nwhat is this\ngoroutine 3 [select]:\nmain.b(\n\tb.go:zz\nmain.c()\n\tc.go:3 +0x1\n');
    expect(d.goroutines.map((g) => g.id)).toEqual([1, 3]);
    expect(d.warnings).toEqual([
      expect.stringMatching(/^line 5: malformed goroutine header/),
      expect.stringMatching(/^line 7: unexpected text/),
      expect.stringMatching(/^line 9: unexpected line in goroutine 3/),
      expect.stringMatching(/^line 10: unexpected indented line/),
    ]);
    expect(d.goroutines[1].frames.map((f) => f.func)).toEqual(['main.c']);
  });

  it('a dump cut inside a frame keeps the frame and warns with its line', () => {
    const d = parseGoDump('fatal error: x\n\ngoroutine 1 [running]:\nmain.a()\n\ta.go:1 +0x1\nmain.b()');
    expect(d.goroutines[0].frames.map((f) => [f.func, f.line])).toEqual([
      ['main.a', 1],
      ['main.b', 0],
    ]);
    expect(d.warnings).toEqual([
      'line 6: the block ends after main.b without its file:line (cut off?)',
      'line 6: the input ends in the middle of this line (cut off?)',
    ]);
    const mid = parseGoDump('goroutine 1 [running]:\nmain.a()\nmain.b()\n\tb.go:2 +0x1\n');
    expect(mid.warnings).toEqual(['line 2: function line without its file:line (main.a)']);
    expect(mid.goroutines[0].frames.map((f) => f.func)).toEqual(['main.a', 'main.b']);
  });

  it('input that is not a dump throws DecodeError naming the line', () => {
    const cases: [string, number][] = [
      ['hello world\nthis is not a dump\n', 1],
      ['\n\n  \nsome log line\ngoroutine soon\n', 4],
      ['{"format":"pprof"}', 1],
      ['goroutine 12 [chan rec', 1],
      ['', 1],
    ];
    for (const [text, line] of cases) {
      let err: unknown;
      try {
        parseGoDump(text);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(text)).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).where.line, JSON.stringify(text)).toBe(line);
      expect((err as DecodeError).message).toMatch(/\(line \d+\)$/);
    }
    // Bytes in, too (what the worker passes).
    expect(() => parseGoDump(new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00]))).toThrow(DecodeError);
  });

  it('pathological lines finish (no catastrophic backtracking)', () => {
    const long = 'x'.repeat(200_000);
    const inputs = [
      `goroutine 1 [running]:\nmain.f(${'0x1, '.repeat(50_000)}\n\tf.go:1 +0x1\n`,
      `goroutine 1 ${'gp=0x1 '.repeat(30_000)}[running\n`,
      `goroutine 1 [running labels:{${'"a": "b", '.repeat(20_000)}\n`,
      `goroutine profile: total 1\n1 @${' 0x1'.repeat(50_000)} z\n#\t0x1\t${long}\t${'a:'.repeat(50_000)}\n`,
      `goroutine 1 [running]:\nmain.f()\n\t${'a:1 '.repeat(50_000)}+0xzz\n`,
      `fatal error: ${long}\n${'rax    0x'.repeat(10_000)}\n`,
    ];
    for (const t of inputs) {
      try {
        parseGoDump(t);
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
      }
    }
  });
});

describe('godump sniffing helper', () => {
  it('looksLikeGoDump recognises every dump form and not plain text', async () => {
    const { looksLikeGoDump } = await import('../../src/formats/godump');
    for (const t of [
      PANIC,
      'log line\nfatal error: concurrent map writes\n',
      'SIGQUIT: quit\nPC=0x1 m=0 sigcode=0\n',
      'SIGABRT: abort\n',
      'goroutine 0 gp=0x1 m=0 mp=0x2 [idle]:\n',
      'goroutine profile: total 3\n',
    ])
      expect(looksLikeGoDump(t), t).toBe(true);
    for (const t of ['hello\n', 'goroutines are great\n', '# comment\npanic attack\n']) expect(looksLikeGoDump(t), t).toBe(false);
  });
});
