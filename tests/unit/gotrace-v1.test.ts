// Legacy (Go 1.11–1.21) execution traces without Go: every corpus `*_good` legacy binary
// decodes into one Generation that the analyses consume; hand-made traces pin the
// conversion rules (start-of-trace snapshot, syscalls, labels, reasons, times), 64-bit
// values, errors with byte offsets, cancellation, and the CLI / timeline on old traces.
// Comparisons with Go itself are in gotrace-v1-oracle.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { foldedStacks } from '../../src/analysis/collapse.ts';
import { summarizeGoroutines } from '../../src/analysis/trace/goroutines.ts';
import { stackRootFunc, traceEvents, type TraceEvent } from '../../src/analysis/trace/states.ts';
import { ST_RUNNING, spanStateOf, traceViewData } from '../../src/analysis/trace/view.ts';
import { tableRows } from '../helpers/traceWindow';
import { spanTimesF64 } from '../../src/analysis/trace/spans.ts';
import { traceGenerations, traceGoroutines, traceSummary } from '../../src/cli/trace.ts';
import { CancelledError, DecodeError } from '../../src/formats/errors.ts';
import { blobChunks, readGenerationsAsync, readGoTrace } from '../../src/formats/gotrace/reader.ts';
import { orderGenerations, OrderingError, type OrderedEvent } from '../../src/formats/gotrace/order.ts';
import { Ev, eventName } from '../../src/formats/gotrace/spec.ts';
import type { Generation } from '../../src/formats/gotrace/model.ts';
import { decodeAny } from '../../src/formats/index.ts';
import { corpusPath, describeCorpus, hasCorpus } from '../helpers/corpus.ts';
import { uv } from '../helpers/tracebytes.ts';

const TRACEV1 = 'src/internal/trace/internal/tracev1/testdata';

// --- hand-made legacy traces ------------------------------------------------------------

const header = (v: number): number[] => [...new TextEncoder().encode(`go 1.${v} trace`), 0, 0, 0];
/** An event: type byte (argument count in the top 2 bits, or 3 = length-prefixed) and args. */
const ev = (type: number, ...args: (number | bigint)[]): number[] => {
  if (args.length <= 3) return [type | ((args.length - 1) << 6), ...args.flatMap((a) => uv(a))];
  const body = args.flatMap((a) => uv(a));
  return [type | (3 << 6), ...uv(body.length), ...body];
};
const batch = (p: number | bigint, ticks: number | bigint): number[] => [1 | (1 << 6), ...uv(p), ...uv(ticks)];
const str = (id: number, s: string): number[] => [37, ...uv(id), ...uv(s.length), ...new TextEncoder().encode(s)];
const NOP = 0xffff_ffff_ffff_ffffn;
/** Footer batch: frequency 1e9 (1 tick = 1 ns) and the given tables. */
const footer = (...tables: number[][]): number[] => [...batch(NOP, 0), 2, ...uv(1_000_000_000), ...tables.flat()];

// v1 event codes used below.
const V = {
  Gomaxprocs: 4,
  ProcStart: 5,
  ProcStop: 6,
  GoCreate: 13,
  GoStart: 14,
  GoEnd: 15,
  GoSched: 17,
  GoSysCall: 28,
  GoSysExit: 29,
  GoSysBlock: 30,
  GoWaiting: 31,
  GoStartLabel: 41,
  UserTaskCreate: 45,
  UserTaskEnd: 46,
  Stack: 3,
};

/**
 * One P (thread 5). Before the first Gomaxprocs (the start-of-trace snapshot): goroutines
 * 1, 3 and 2 exist, 2 is waiting, 1 is running. Then 1 creates 10 and yields; 10 starts
 * with a label, makes a quick syscall and a blocking one; 1 runs and exits; 10 returns
 * from the syscall, runs and exits; the P stops.
 */
const SNAPSHOT_TRACE = new Uint8Array([
  ...header(19),
  ...batch(0, 100),
  ...str(1, 'mylabel'),
  ...ev(V.ProcStart, 0, 5), // 100
  ...ev(V.GoCreate, 1, 1, 0, 0), // 101
  ...ev(V.GoCreate, 1, 3, 0, 0), // 102
  ...ev(V.GoCreate, 1, 2, 0, 0), // 103
  ...ev(V.GoWaiting, 1, 2), // 104
  ...ev(V.GoStart, 1, 1, 1), // 105
  ...ev(V.Gomaxprocs, 1, 4, 0), // 106
  ...ev(V.GoCreate, 1, 10, 0, 0), // 107
  ...ev(V.GoSched, 1, 0), // 108
  ...ev(V.GoStartLabel, 1, 10, 1, 1), // 109
  ...ev(V.GoSysCall, 1, 0), // 110: returns at once
  ...ev(V.GoSysCall, 2, 0), // 112: blocks
  ...ev(V.GoSysBlock, 1), // 113
  ...ev(V.GoStart, 1, 1, 2), // 114
  ...ev(V.GoEnd, 1), // 115
  ...ev(V.GoSysExit, 2, 10, 2, 0), // 117
  ...ev(V.GoStart, 1, 10, 3), // 118
  ...ev(V.GoEnd, 1), // 119
  ...ev(V.ProcStop, 1), // 120
  ...footer(),
]);

function ordered(gens: Generation[]): { events: OrderedEvent[]; error: Error | null } {
  const events: OrderedEvent[] = [];
  try {
    orderGenerations(gens, (e) => events.push(e));
    return { events, error: null };
  } catch (e) {
    if (!(e instanceof OrderingError)) throw e;
    return { events, error: e };
  }
}

const id = (v: number | bigint | null): string => (v === null ? '-' : String(v));

describe('legacy traces: conversion rules (hand-made)', () => {
  const r = readGoTrace(SNAPSHOT_TRACE);

  it('reads as one generation of a 1.19 trace', () => {
    expect(r.warning).toBeNull();
    expect(r.header).toMatchObject({ kind: 'legacy', version: 19 });
    expect(r.list).toHaveLength(1);
    expect(r.list[0].legacy).toBeDefined();
    expect(r.list[0].version).toBe(19);
  });

  it("converts like Go's tracev1.go: snapshot, syscalls, label, contexts and +1 ns times", () => {
    const { events, error } = ordered(r.list);
    expect(error).toBeNull();
    const rows = events.map((e) => `${eventName(e.type)} m=${id(e.ctx.m)} p=${id(e.ctx.p)} g=${id(e.ctx.g)} t=${e.timeNs}`);
    expect(rows).toEqual([
      'Sync m=- p=- g=- t=-1', // one ns before the first event
      'ProcStatus m=5 p=0 g=- t=0', // first ProcStart of P 0
      'GoStatus m=5 p=0 g=2 t=4', // GoWaiting (GoCreates before Gomaxprocs are not events)
      'GoStatus m=5 p=0 g=1 t=5', // GoStart in the snapshot
      'GoStatus m=- p=- g=- t=6', // the first Gomaxprocs: goroutine 3 was runnable
      'GoCreate m=5 p=0 g=1 t=7',
      'GoStop m=5 p=0 g=1 t=8',
      'GoStart m=5 p=0 g=10 t=9', // GoStartLabel ...
      'GoLabel m=5 p=0 g=10 t=10', // ... + GoLabel, bumped 1 ns
      'GoSyscallBegin m=5 p=0 g=10 t=11', // quick syscall: Begin ...
      'GoSyscallEnd m=5 p=0 g=10 t=12', // ... End 1 ns later
      'GoSyscallBegin m=5 p=0 g=10 t=13', // blocking syscall (GoSysBlock dropped)
      'GoStart m=5 p=0 g=1 t=14',
      'GoDestroy m=5 p=0 g=1 t=15',
      'GoSyscallEndBlocked m=- p=1000003 g=10 t=17', // on Go's fake SyscallP
      'GoStart m=5 p=0 g=10 t=18',
      'GoDestroy m=5 p=0 g=10 t=19',
      'ProcStop m=5 p=0 g=- t=20',
      'Sync m=- p=- g=- t=21',
    ]);
  });

  it('API events: states, reasons and the label', () => {
    const api: TraceEvent[] = [];
    traceEvents(r.list, (e) => api.push(e));
    const gos = api.flatMap((e) => (e.kind === 'go' ? [`${e.id} ${e.from}->${e.to}${e.reason ? ` (${e.reason})` : ''}`] : []));
    expect(gos).toEqual([
      '2 Undetermined->Waiting',
      '1 Undetermined->Running',
      '3 Undetermined->Runnable',
      '10 NotExist->Runnable',
      '1 Running->Runnable (runtime.Gosched)',
      '10 Runnable->Running',
      '10 Running->Syscall',
      '10 Syscall->Running',
      '10 Running->Syscall',
      '1 Runnable->Running',
      '1 Running->NotExist',
      '10 Syscall->Runnable',
      '10 Runnable->Running',
      '10 Running->NotExist',
    ]);
    expect(api.filter((e) => e.kind === 'label').map((e) => (e as { label: string }).label)).toEqual(['mylabel']);
    expect(api.filter((e) => e.kind === 'proc').map((e) => `${e.kind === 'proc' ? `${e.from}->${e.to}` : ''}`)).toEqual(['Undetermined->Running', 'Running->Idle']);
  });

  it('goroutine analysis on the converted stream', () => {
    const { goroutines } = summarizeGoroutines(r.list);
    const g10 = goroutines.find((g) => g.id === 10)!;
    // Running 9..11 and 12..13 and 18..19; syscall 11..12 and 13..17; runnable 7..9 and 17..18.
    expect(g10).toMatchObject({ execNs: 4, syscallNs: 5, schedWaitNs: 3, creationNs: 7, startNs: 9, endNs: 19 });
  });
});

describe('legacy traces: 64-bit values stay exact', () => {
  const BIG_G = 2n ** 60n + 3n;
  const BIG_M = 2n ** 62n + 5n;
  const BIG_TASK = 2n ** 62n + 9n;
  const BIG_PC = 2n ** 62n + 1n;
  const BIG_LINE = 2n ** 40n;
  const BASE = 2n ** 60n; // batch ticks beyond 2^53
  const bytes = new Uint8Array([
    ...header(21),
    ...batch(0, BASE),
    ...ev(V.ProcStart, 0, BIG_M),
    ...ev(V.Gomaxprocs, 1, 1, 0),
    ...ev(V.GoCreate, 1, BIG_G, 7, 0),
    ...ev(V.GoStart, 1, BIG_G, 1),
    ...ev(V.UserTaskCreate, 1, BIG_TASK, 0, 1, 7),
    ...ev(V.UserTaskEnd, 3, BIG_TASK, 0),
    ...ev(V.GoEnd, 1),
    ...footer(str(1, 'task'), str(2, 'main.f'), str(3, 'f.go'), ev(V.Stack, 7, 1, BIG_PC, 2, 3, BIG_LINE)),
  ]);

  it('goroutine, thread and task ids, PCs, lines and times', () => {
    const r = readGoTrace(bytes);
    expect(r.warning).toBeNull();
    const g = r.list[0];
    expect(g.ticksInexact).toBe(false);
    const { events, error } = ordered(r.list);
    expect(error).toBeNull();
    const create = events.find((e) => e.type === Ev.GoCreate)!;
    expect(create.ctx.m).toBe(BIG_M);
    expect(events.find((e) => e.type === Ev.GoStart)!.ctx.g).toBe(BIG_G);
    // Times: ns since the first event, +1 bumps; exact although the ticks exceed 2^53.
    expect(events.map((e) => e.timeNs)).toEqual([-1, 0, 2, 3, 4, 7, 8, 9]);
    const api: TraceEvent[] = [];
    traceEvents(r.list, (e) => api.push(e));
    const created = api.find((e) => e.kind === 'go' && e.from === 'NotExist');
    expect(created?.kind === 'go' && created.id).toBe(BIG_G);
    expect(created?.kind === 'go' && stackRootFunc(created.stack)).toBe('main.f');
    const tasks = api.filter((e) => e.kind === 'taskBegin' || e.kind === 'taskEnd');
    expect(tasks.map((t) => (t.kind === 'taskBegin' || t.kind === 'taskEnd' ? [t.kind, t.id, t.parent, t.name] : []))).toEqual([
      ['taskBegin', BIG_TASK, 0xffff_ffff_ffff_ffffn, 'task'],
      // Go keeps the raw parent (0) for the end of a root task.
      ['taskEnd', BIG_TASK, 0, 'task'],
    ]);
    expect(g.frames.get(BIG_PC)).toMatchObject({ func: 'main.f', file: 'f.go', line: Number(BIG_LINE) });
    expect(traceGoroutines(bytes).map((x) => x.id)).toEqual([BIG_G.toString()]);
  });
});

describe('legacy traces: bad input', () => {
  const decodeError = async (bytes: Uint8Array): Promise<DecodeError> => {
    try {
      await decodeAny(bytes);
    } catch (e) {
      if (e instanceof DecodeError) return e;
      throw e;
    }
    throw new Error('expected a DecodeError');
  };

  it("Go's TestCorruptedInputs and versions Go no longer reads", async () => {
    const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    for (const s of ['gotrace\x00\x020', 'gotrace\x00Q00\x020', 'gotrace\x00T00\x020', 'gotrace\x00\xc3\x0200']) {
      expect((await decodeError(enc(s))).message).toMatch(/unknown format|not a Go execution trace/);
    }
    for (const s of ['go 1.5 trace\x00\x00\x00\x00\x020', 'go 1.5 trace\x00\x00\x00\x00Q00\x020', 'go 1.5 trace\x00\x00\x00\x00T00\x020', 'go 1.5 trace\x00\x00\x00\x00\xc3\x0200']) {
      expect((await decodeError(enc(s))).message).toMatch(/unsupported trace version 1\.5/);
    }
    for (const v of [12, 18, 20]) expect((await decodeError(new Uint8Array(header(v)))).message).toMatch(new RegExp(`unsupported trace version 1\\.${v}`));
  });

  it('a malformed trace is a DecodeError with the byte offset of the offending event', async () => {
    // ProcStart with one argument too few, at byte offset 16 + 3 (after the batch header).
    const bytes = new Uint8Array([...header(19), ...batch(0, 1), ...ev(V.ProcStart, 1), ...footer()]);
    const e = await decodeError(bytes);
    expect(e.message).toBe('gotrace: ProcStart has wrong number of arguments: want 2, got 1 (at byte offset 19)');
    expect(e.where.offset).toBe(19);
    // The CLI says the same.
    expect(() => traceSummary(bytes)).toThrow(/ProcStart has wrong number of arguments/);
  });

  it('a truncated trace (no footer) names the missing frequency', async () => {
    const bytes = SNAPSHOT_TRACE.subarray(0, SNAPSHOT_TRACE.length - footer().length);
    const e = await decodeError(bytes);
    expect(e.message).toMatch(/no EvFrequency event.*truncated/);
    expect(e.where.offset).toBe(bytes.length);
  });

  it('an event Go cannot convert: the events before it, then the error (fuzz corpus entry)', () => {
    const p = 'derived/src/internal/trace/testdata/fuzz/FuzzReader/4055b17cae1a3443.bin';
    if (!hasCorpus('gotrace', p)) return;
    const r = readGoTrace(new Uint8Array(readFileSync(corpusPath('gotrace', p))));
    expect(r.warning).toBeNull();
    const { events, error } = ordered(r.list);
    // Go: "M=-1 P=-1 G=-1 Sync Time=-1 N=1", then "unexpected event type 36".
    expect(events.map((e) => [e.type, e.timeNs])).toEqual([[Ev.Sync, -1]]);
    expect(error?.message).toBe('gotrace: unexpected event type 36 (at byte offset 21)');
  });

  it('every prefix and random garbage: a generation or a DecodeError, never anything else', () => {
    const full = SNAPSHOT_TRACE;
    let ok = 0;
    let failed = 0;
    const check = (bytes: Uint8Array): void => {
      const r = readGoTrace(bytes);
      if (r.warning !== null) {
        expect(r.warning).toBeInstanceOf(DecodeError);
        expect(r.warning.where.offset).toBeGreaterThanOrEqual(16);
        expect(r.warning.where.offset).toBeLessThanOrEqual(bytes.length);
        expect(r.list).toHaveLength(0);
        failed++;
        return;
      }
      ordered(r.list); // may end in an OrderingError, never another exception
      ok++;
    };
    for (let n = 16; n <= full.length; n++) check(full.subarray(0, n));
    let seed = 12345;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 16;
    };
    for (let k = 0; k < 300; k++) {
      const body = Array.from({ length: 8 + (rnd() % 200) }, () => rnd() & 0xff);
      check(new Uint8Array([...header([11, 19, 21][k % 3]), ...batch(k % 4, k), ...body]));
      // The same garbage inside an otherwise valid trace.
      const b = Uint8Array.from(full);
      for (let j = 0; j < 3; j++) b[16 + (rnd() % (full.length - 16))] = rnd() & 0xff;
      check(b);
    }
    expect(ok).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
  });

  it('a progress callback can cancel the read', () => {
    let calls = 0;
    expect(() =>
      readGoTrace(SNAPSHOT_TRACE, {
        onProgress: () => {
          calls++;
          throw new CancelledError();
        },
      }),
    ).toThrow(CancelledError);
    expect(calls).toBe(1);
  });
});

describeCorpus('gotrace', 'legacy traces: the corpus', () => {
  const manifest = JSON.parse(readFileSync(corpusPath('gotrace', 'manifest.json'), 'utf8')) as { path: string; version?: string; format: string }[];
  const legacy = manifest.filter((m) => m.format.startsWith('binary v1') && /_good$/.test(m.path));
  const readable = legacy.filter((m) => ['1.11', '1.19', '1.21'].includes(m.version ?? ''));

  it('has the legacy *_good binaries', () => {
    expect(readable.length).toBe(26); // 12 tracev1 testdata, 12 in testdata/ (11 copies + http_1_11), 2 gotraceui (1.20)
    expect(legacy.length - readable.length).toBe(12); // 1.5, 1.7, 1.9, 1.10
  });

  it.each(readable.map((m) => m.path))('%s decodes and orders', (p) => {
    const bytes = new Uint8Array(readFileSync(corpusPath('gotrace', p)));
    const r = readGoTrace(bytes);
    expect(r.warning).toBeNull();
    expect(r.list).toHaveLength(1);
    const g = r.list[0];
    expect(`1.${g.version}`).toBe(manifest.find((m) => m.path === p)!.version);
    const { events, error } = ordered(r.list);
    expect(error).toBeNull();
    expect(events.length).toBeGreaterThan(20);
    expect(events[0].type).toBe(Ev.Sync);
    expect(events[events.length - 1].type).toBe(Ev.Sync);
    for (let i = 1; i < events.length; i++) expect(events[i].timeNs).toBeGreaterThan(events[i - 1].timeNs);
  });

  it.each(legacy.filter((m) => !readable.includes(m)).map((m) => m.path))('%s: unsupported, like Go', async (p) => {
    const bytes = new Uint8Array(readFileSync(corpusPath('gotrace', p)));
    await expect(decodeAny(bytes)).rejects.toThrow(/unsupported trace version 1\.(5|7|9|10)/);
  });

  it('streams from a Blob like the in-memory read', async () => {
    const bytes = new Uint8Array(readFileSync(corpusPath('gotrace', TRACEV1, 'http_1_19_good')));
    const gens: Generation[] = [];
    const it = readGenerationsAsync(blobChunks(new Blob([bytes]), 1000), bytes.length);
    for (;;) {
      const x = await it.next();
      if (x.done) {
        expect(x.value.warning).toBeNull();
        expect(x.value.generations).toBe(1);
        break;
      }
      gens.push(x.value);
    }
    const a = ordered(gens).events.map((e) => [e.type, e.timeNs]);
    expect(a).toEqual(ordered(readGoTrace(bytes).list).events.map((e) => [e.type, e.timeNs]));
  });

  it('CLI summary: version and the same fields as for v2 traces', () => {
    // Counts as `go tool trace -d=parsed` shows them (TaskBegin, RegionBegin, Log, NotExist->Runnable
    // GoCreate transitions, first Sync at -1 and last at 126004).
    expect(traceSummary(new Uint8Array(readFileSync(corpusPath('gotrace', TRACEV1, 'user_task_region_1_21_good'))))).toEqual({
      format: 'go-trace',
      version: '1.21',
      generations: 1,
      goroutinesCreated: 2,
      gcCycles: 0,
      stwPauses: 0,
      userTasks: 1,
      userRegions: 3,
      userLogs: 1,
      cpuSamples: 0,
      durationNs: 126005,
    });
    // 334 "GC concurrent mark phase" RangeEnd and 668 stop-the-world RangeEnd in Go's output.
    expect(traceSummary(new Uint8Array(readFileSync(corpusPath('gotrace', TRACEV1, 'stress_1_19_good'))))).toMatchObject({
      version: '1.19',
      gcCycles: 334,
      stwPauses: 668,
      goroutinesCreated: 26,
      durationNs: 146350210,
    });
    expect(traceSummary(new Uint8Array(readFileSync(corpusPath('gotrace', TRACEV1, 'stress_1_11_good'))))).toMatchObject({ version: '1.11' });
  });

  it('CLI goroutines and collapse (the CPU samples of a 1.21 trace)', async () => {
    const bytes = new Uint8Array(readFileSync(corpusPath('gotrace', TRACEV1, 'fmt_1_21_pprof_good')));
    const gs = traceGoroutines(bytes);
    expect(gs.length).toBeGreaterThan(100);
    expect(gs.find((g) => g.id === 1)?.startFunction).toBe('main.main');
    const d = await decodeAny(bytes);
    expect(d.kind).toBe('go-trace');
    const folded = foldedStacks(d.profile, 0).trim().split('\n');
    // The four StackSample events of `go tool trace -d=parsed`, root first.
    expect(folded).toHaveLength(4);
    expect(folded.some((l) => /^runtime\.goexit;testing\.tRunner;fmt_test\.TestIsSpace;unicode\.IsSpace 1$/.test(l))).toBe(true);
    expect(folded.filter((l) => l.endsWith('fmt.(*ss).UnreadRune 1') || l.endsWith('fmt.(*ss).ReadRune 1') || l.endsWith('sync.(*Pool).Get 1'))).toHaveLength(3);
  });

  it('Timeline view data from a 1.21 trace', () => {
    const bytes = new Uint8Array(readFileSync(corpusPath('gotrace', TRACEV1, 'stress_1_21_good')));
    const { gens } = traceGenerations(bytes);
    const d = traceViewData(gens);
    // Origin = the first Sync (1 ns before the first event); real Ps only (no fake P rows).
    expect(d.originNs).toBe(-1);
    expect(d.pIds).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const cli = traceGoroutines(bytes);
    expect(tableRows(d).map((r) => [r.id, r.execNs, r.schedWaitNs])).toEqual(cli.map((g) => [String(g.id), g.execNs, g.schedWaitNs]));
    const { start: spanStart, end: spanEnd } = spanTimesF64(d.spanTimes, d.spanKind.length);
    for (let i = 0; i < d.gIds.length; i++) {
      let run = 0;
      for (let k = d.gOffsets[i]; k < d.gOffsets[i + 1]; k++) {
        expect(spanEnd[k]).toBeGreaterThan(spanStart[k]);
        if (spanStateOf(d.spanKind[k]) === ST_RUNNING) run += spanEnd[k] - spanStart[k];
      }
      const row = tableRows(d).find((r) => r.id === d.gIds[i]);
      if (row && row.execNs > 0) expect(Math.abs(run - row.execNs) / row.execNs).toBeLessThan(0.01);
    }
    expect(d.gc.length).toBe(2 * traceSummary(bytes).gcCycles);
    expect(d.stw.length).toBe(2 * traceSummary(bytes).stwPauses);
    expect(d.heapT.length).toBeGreaterThan(100);
    // Go's output has 699 ProcsChange events with 10 and one with 48.
    expect(Array.from(d.gomaxprocsV).filter((v) => v === 10)).toHaveLength(699);
    expect(Array.from(d.gomaxprocsV).filter((v) => v !== 10)).toEqual([48]);
  });
});
