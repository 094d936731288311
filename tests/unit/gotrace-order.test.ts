// The ordering state machine: Go's golden tests (SUCCESS / FAILURE "<regexp>"), event order,
// contexts and times against `go tool trace -d=parsed`, and synthetic coroutine switches.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ev, readGoTrace, type Generation } from '../../src/formats/gotrace/index.ts';
import { orderGenerations, OrderingError, type OrderedEvent } from '../../src/formats/gotrace/order.ts';
import { corpusPath, describeCorpus } from '../helpers/corpus.ts';
import { describeGo, goBinary, goEnv } from '../helpers/go.ts';
import { uv } from '../helpers/tracebytes';

function order(gens: Generation[]): { events: OrderedEvent[]; error: Error | null } {
  const events: OrderedEvent[] = [];
  try {
    orderGenerations(gens, (e) => events.push(e));
    return { events, error: null };
  } catch (e) {
    if (!(e instanceof OrderingError)) throw e;
    return { events, error: e };
  }
}

/** "M=.. P=.. G=.. Time=.." per event, as in the first line of Go's Event.String(). */
function ctxLines(events: OrderedEvent[]): string[] {
  return events.map((e) => `M=${e.ctx.m ?? -1} P=${e.ctx.p ?? -1} G=${e.ctx.g ?? -1} Time=${e.timeNs}`);
}

function goParsedLines(file: string): string[] {
  // Failing traces exit non-zero after printing the events before the error.
  const r = spawnSync(goBinary()!, ['tool', 'trace', '-d=parsed', file], { env: goEnv(), encoding: 'utf8', maxBuffer: 1 << 30, timeout: 110_000 });
  const out = r.stdout;
  const lines: string[] = [];
  for (const l of out.split('\n')) {
    const m = /^M=(-?\d+) P=(-?\d+) G=(-?\d+) \S+ Time=(\d+)/.exec(l);
    if (m) lines.push(`M=${m[1]} P=${m[2]} G=${m[3]} Time=${m[4]}`);
  }
  return lines;
}

function firstDiff(a: string[], b: string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

// Synthetic trace helpers.
const NONE = 0xffff_ffff_ffff_ffffn;
const batch = (m: number | bigint, time: number, data: number[]) => [Ev.EventBatch, 1, ...uv(m), ...uv(time), ...uv(data.length), ...data];
const ev = (type: number, ...args: (number | bigint)[]) => [type, ...args.flatMap((a) => uv(a))];

describe('gotrace ordering (synthetic)', () => {
  it('GoSwitch becomes unblock + block + start, GoSwitchDestroy destroys the current goroutine', () => {
    const h = Array.from(new TextEncoder().encode('go 1.23 trace\0\0\0'));
    const bytes = [
      ...h,
      ...batch(NONE, 1, ev(Ev.Frequency, 1_000_000_000)),
      ...batch(5, 10, [
        ...ev(Ev.ProcStatus, 1, 0, 1),
        ...ev(Ev.GoStatus, 1, 1, 5, 2),
        ...ev(Ev.GoStatus, 1, 2, NONE, 4),
        ...ev(Ev.GoStatus, 1, 3, NONE, 4),
        ...ev(Ev.GoSwitch, 10, 2, 1),
        ...ev(Ev.GoSwitchDestroy, 10, 3, 1),
      ]),
    ];
    const r = readGoTrace(new Uint8Array(bytes));
    expect(r.warning).toBeNull();
    const { events, error } = order(r.list);
    expect(error).toBeNull();
    const seq = events.map((e) => [e.ev === -1 && e.type !== Ev.Sync ? `(${e.type})` : e.type, e.ctx.g ?? -1, e.timeNs]);
    expect(seq).toEqual([
      [Ev.Sync, -1, 1],
      [Ev.ProcStatus, -1, 11],
      [Ev.GoStatus, -1, 12],
      [Ev.GoStatus, 1, 13],
      [Ev.GoStatus, 1, 14],
      [Ev.GoSwitch, 1, 24],
      [`(${Ev.GoBlock})`, 1, 25],
      [`(${Ev.GoStart})`, -1, 26],
      [Ev.GoSwitchDestroy, 2, 34],
      [`(${Ev.GoDestroy})`, 2, 35],
      [`(${Ev.GoStart})`, -1, 36],
      [Ev.Sync, -1, 37],
    ]);
    expect(events[2].from).toBe('Undetermined');
  });

  it('a goroutine start waits for its sequence number', () => {
    const h = Array.from(new TextEncoder().encode('go 1.22 trace\0\0\0'));
    const bytes = [
      ...h,
      ...batch(NONE, 1, ev(Ev.Frequency, 1_000_000_000)),
      // M1 starts G7 at t=20 but G7 is only unblocked by M2 at t=30 (timestamps skewed).
      ...batch(1, 10, [...ev(Ev.ProcStatus, 1, 0, 1), ...ev(Ev.GoStart, 9, 7, 2)]),
      ...batch(2, 10, [...ev(Ev.ProcStatus, 1, 1, 1), ...ev(Ev.GoStatus, 1, 8, 2, 2), ...ev(Ev.GoStatus, 1, 7, NONE, 4), ...ev(Ev.GoUnblock, 17, 7, 1, 0)]),
    ];
    const { events, error } = order(readGoTrace(new Uint8Array(bytes)).list);
    expect(error).toBeNull();
    const kinds = events.map((e) => e.type);
    expect(kinds.indexOf(Ev.GoStart)).toBeGreaterThan(kinds.indexOf(Ev.GoUnblock));
    expect(events[events.length - 2].type).toBe(Ev.GoStart);
  });
});

describeCorpus('gotrace', 'gotrace ordering (corpus)', () => {
  const tests = (JSON.parse(readFileSync(corpusPath('gotrace', 'manifest.json'), 'utf8')) as { path: string }[])
    .map((m) => m.path)
    .filter((p) => p.startsWith('src/internal/trace/testdata/tests/') && p.endsWith('.test'));

  it('has the 22 golden tests', () => expect(tests.length).toBe(22));

  it.each(tests)('%s meets its expectation', (p) => {
    const text = readFileSync(corpusPath('gotrace', p), 'utf8');
    const expectLine = /-- expect --\n(.*)\n/.exec(text)![1].trim();
    const r = readGoTrace(new Uint8Array(readFileSync(corpusPath('gotrace', 'derived', p.replace(/\.test$/, '.trace')))));
    const { error } = order(r.list);
    // Like Go's reader, the first error wins: ordering errors in complete generations come
    // before a read problem (torn batch) after them.
    const first = error ?? r.warning;
    if (expectLine === 'SUCCESS') {
      expect(first).toBeNull();
    } else {
      const m = /^FAILURE (".*")$/.exec(expectLine);
      expect(m).not.toBeNull();
      expect(first).not.toBeNull();
      expect(first!.message).toMatch(new RegExp(JSON.parse(m![1]) as string));
    }
  });

  it('Sync times match Go reader_test.go', () => {
    const syncs = (name: string) =>
      order(readGoTrace(new Uint8Array(readFileSync(corpusPath('gotrace', 'derived/src/internal/trace/testdata/tests', name)))).list)
        .events.filter((e) => e.type === Ev.Sync)
        .map((e) => e.timeNs);
    expect(syncs('go123-sync.trace')).toEqual([10, 40, 60, 63]);
    expect(syncs('go125-sync.trace')).toEqual([9, 38, 58, 83]);
  });

  describeGo('against go tool trace -d=parsed (context and time of every event)', () => {
    const files = [
      ...tests.map((p) => path.join('derived', p.replace(/\.test$/, '.trace'))),
      'derived/src/cmd/trace/testdata/go122.trace',
    ];
    it.each(files)('%s', (p) => {
      const file = corpusPath('gotrace', p);
      const r = readGoTrace(new Uint8Array(readFileSync(file)));
      const got = ctxLines(order(r.list).events);
      const want = goParsedLines(file);
      const d = firstDiff(got, want);
      expect(d === -1 ? null : { line: d, got: got[d], want: want[d] }).toBeNull();
    });
  });
});
