// Pure UI logic of the perf views: timeline lanes (lineage order, expandable threads),
// markers per lane, density columns (no sample lost at any zoom), marker lookup and hover
// text (untrusted text passed through verbatim, never interpreted), the process picker's
// values, the perf selection → query mapping, and the store's view / query rules.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MarkerKind, type PerfMarkers } from '../../src/analysis/perf/markers';
import { effectiveWeight, perfEventIndex, perfQueryFields, perfUnit } from '../../src/analysis/perf/selection';
import { loadPerf } from '../../src/analysis/perf/source';
import type { PerfViewData } from '../../src/analysis/perf/viewData';
import { summarize } from '../../src/analysis/query';
import { decodeAny } from '../../src/formats';
import { DEFAULT_SETTINGS } from '../../src/state/settings';
import { defaultView, querySatisfies } from '../../src/state/store';
import { parseTaskValue, taskValue } from '../../src/views/perf/PerfControls';
import { densityColumns, laneMarkers, laneRows, markerAt, markerText } from '../../src/views/perf/timelineModel';
import type { AnalysisQuery, SourceSummary } from '../../src/worker/protocol';

async function multiEvent(): Promise<SourceSummary> {
  const bytes = new Uint8Array(readFileSync(resolve(__dirname, '../../testdata/perf/multi-event.perf.txt')));
  const d = await decodeAny(bytes);
  if (d.kind !== 'perf') throw new Error('not perf');
  const s = summarize(d.profile, 'multi-event.perf.txt', bytes.length, 0);
  loadPerf(d.perf, d.text, s);
  return s;
}

function markers(rows: { kind: number; t: number; pid: number; tid: number; other?: number; text?: string; comm?: string }[]): PerfMarkers {
  const texts = [''];
  const str = (s: string) => {
    const i = texts.indexOf(s);
    if (i >= 0) return i;
    texts.push(s);
    return texts.length - 1;
  };
  return {
    length: rows.length,
    kind: Uint8Array.from(rows.map((r) => r.kind)),
    timeNs: Float64Array.from(rows.map((r) => r.t)),
    pid: Int32Array.from(rows.map((r) => r.pid)),
    tid: Int32Array.from(rows.map((r) => r.tid)),
    other: Int32Array.from(rows.map((r) => r.other ?? -1)),
    text: Int32Array.from(rows.map((r) => str(r.text ?? ''))),
    comm: Int32Array.from(rows.map((r) => str(r.comm ?? 'x'))),
    event: Int32Array.from(rows.map((r) => str(['syscalls:sys_enter_execve', 'sched:sched_process_exec', 'sched:sched_process_fork', 'sched:sched_process_fork', 'sched:sched_process_exit', 'sched:sched_switch'][r.kind]))),
    texts,
    droppedSwitches: 0,
  };
}

describe('timeline lanes', () => {
  it('processes in order, threads only under an expanded process with several threads', async () => {
    const s = await multiEvent();
    const perf = s.perf!;
    const rows = laneRows(perf, new Set());
    expect(rows.map((r) => r.kind)).toEqual(perf.processes.map(() => 'process'));
    const multi = perf.processes.findIndex((p) => p.threads.length > 1);
    const single = perf.processes.findIndex((p) => p.threads.length === 1);
    const open = laneRows(perf, new Set([perf.processes[multi].pid, perf.processes[single].pid]));
    expect(open.length).toBe(rows.length + perf.processes[multi].threads.length);
    const at = open.findIndex((r) => r.kind === 'process' && r.index === multi);
    expect(open.slice(at + 1, at + 1 + perf.processes[multi].threads.length).map((r) => (r.kind === 'thread' ? r.index : -1))).toEqual(perf.processes[multi].threads);
  });

  it('markers sit on their process lane (clones only on the thread lane), in time order', async () => {
    const s = await multiEvent();
    const perf = s.perf!;
    const lm = laneMarkers(perf);
    const m = perf.markers!;
    let onProcesses = 0;
    lm.process.forEach((list, i) => {
      onProcesses += list.length;
      for (let j = 0; j < list.length; j++) {
        expect(m.pid[list[j]]).toBe(perf.processes[i].pid);
        expect(m.kind[list[j]]).not.toBe(MarkerKind.Clone);
        if (j > 0) expect(m.timeNs[list[j]]).toBeGreaterThanOrEqual(m.timeNs[list[j - 1]]);
      }
    });
    let clones = 0;
    for (let i = 0; i < m.length; i++) if (m.kind[i] === MarkerKind.Clone) clones++;
    expect(clones).toBeGreaterThan(0);
    expect(onProcesses).toBe(m.length - clones);
    lm.thread.forEach((list, i) => list.forEach((k) => expect(m.tid[k]).toBe(perf.threads[i].tid)));
  });

  it('density columns keep every sample in the visible window at any zoom', () => {
    const bins = 100;
    const hist = new Uint32Array(2 * bins);
    for (let b = 0; b < bins; b++) hist[bins + b] = (b * 7) % 5; // lane 1
    const span = 1_000_000;
    const sum = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0);
    // Zoomed out: columns are sums over bins.
    expect(sum(densityColumns(hist, 1, bins, span, 0, span, 37))).toBe(sum(hist.subarray(bins)));
    // A window of whole bins (centres inside) keeps exactly those bins.
    expect(sum(densityColumns(hist, 1, bins, span, 200_000, 600_000, 13))).toBe(sum(hist.subarray(bins + 20, bins + 60)));
    // Zoomed in past one bin per 2 px: each column shows its bin's count.
    const wide = densityColumns(hist, 1, bins, span, 500_000, 600_000, 100);
    for (let x = 0; x < 100; x++) expect(wide[x]).toBe(hist[bins + 50 + Math.floor(x / 10)]);
    // Lane 0 is empty.
    expect(sum(densityColumns(hist, 0, bins, span, 0, span, 50))).toBe(0);
    expect(densityColumns(hist, 1, bins, 0, 0, 1, 10).every((v) => v === 0)).toBe(true);
  });

  it('marker lookup prefers lifecycle markers over nearby sched_switch ticks', () => {
    const m = markers([
      { kind: MarkerKind.Switch, t: 1000, pid: 1, tid: 1 },
      { kind: MarkerKind.Exec, t: 1003, pid: 1, tid: 1, other: 2, text: '/bin/x' },
      { kind: MarkerKind.Switch, t: 1004, pid: 1, tid: 1 },
      { kind: MarkerKind.Switch, t: 2000, pid: 1, tid: 1 },
    ]);
    const list = [0, 1, 2, 3];
    expect(markerAt(m, list, 1000, 5)).toBe(1);
    expect(markerAt(m, list, 1000, 1)).toBe(0);
    expect(markerAt(m, list, 1999, 5)).toBe(3);
    expect(markerAt(m, list, 1500, 5)).toBe(-1);
    expect(markerAt(m, [], 1000, 5)).toBe(-1);
  });

  it('hover text passes comms and filenames through verbatim', () => {
    const hostile = '<img src=x onerror="window.__xss=1">';
    const m = markers([
      { kind: MarkerKind.Exec, t: 5_000_000, pid: 10, tid: 10, other: 12, text: hostile, comm: 'a b;c (d)' },
      { kind: MarkerKind.Fork, t: 6_000_000, pid: 10, tid: 11, other: 20, text: hostile },
      { kind: MarkerKind.Exit, t: 7_000_000, pid: 10, tid: 10, text: 'srv' },
    ]);
    const perf = { originSec: 4885.904436 } as Pick<PerfViewData, 'originSec'>;
    const exec = markerText(perf, m, 0);
    expect(exec).toContain(hostile);
    expect(exec).toContain('PID 10 is now a b;c (d)');
    expect(exec).toContain('old_pid 12 — execve was called by another thread');
    expect(exec).toContain('at 5 ms (perf time 4885.909436 s)');
    expect(markerText(perf, m, 1)).toContain('forked process 20');
    expect(markerText(perf, m, 2)).toContain('process 10 (srv) exited');
    expect(markerText({ originSec: NaN }, m, 2)).not.toContain('perf time');
  });
});

describe('perf selection', () => {
  it('process picker values round-trip', () => {
    for (const [pid, tid] of [
      [null, null],
      [12, null],
      [12, 15],
      [null, 15],
    ] as [number | null, number | null][]) {
      expect(parseTaskValue(taskValue(pid, tid))).toEqual({ pid, tid });
    }
    expect(parseTaskValue('p:x')).toEqual({ pid: null, tid: null });
  });

  it('event name → index, weight only where periods exist, unit of the values', async () => {
    const perf = (await multiEvent()).perf!;
    const cpu = perf.events.findIndex((e) => e.name === 'cpu-clock');
    const sw = perf.events.findIndex((e) => e.name === 'sched:sched_switch');
    expect(perfEventIndex(perf, null)).toBe(cpu);
    expect(perfEventIndex(perf, 'no such event')).toBe(cpu);
    expect(perfEventIndex(perf, 'sched:sched_switch')).toBe(sw);
    expect(effectiveWeight(perf, cpu, 'period')).toBe('period');
    expect(effectiveWeight(perf, sw, 'period')).toBe('count');
    const q = perfQueryFields(perf, { perfEvent: 'sched:sched_switch', perfWeight: 'period', perfPid: 3, perfTid: 4 });
    expect(q).toEqual({ sampleType: 0, perfEvent: sw, perfWeight: 'count', perfPid: null, perfTid: 4 });
    expect(perfQueryFields(perf, { perfEvent: null, perfWeight: 'period', perfPid: 3, perfTid: null })).toEqual({ sampleType: 1, perfEvent: cpu, perfWeight: 'period', perfPid: 3, perfTid: null });
    expect(perfUnit(perf, { perfEvent: cpu, perfWeight: 'period' })).toBe('nanoseconds');
    expect(perfUnit(perf, { perfEvent: cpu, perfWeight: 'count' })).toBe('count');
    expect(perfUnit(perf, null)).toBe('nanoseconds');
  });

  it('a perf source opens the perf view unless the link named another that applies', async () => {
    const s = await multiEvent();
    const base = { ...DEFAULT_SETTINGS };
    expect(defaultView(s, base, false)).toBe('perf');
    expect(defaultView(s, { ...base, view: 'top' }, true)).toBe('top');
    expect(defaultView(s, { ...base, view: 'timeline' }, true)).toBe('perf');
    expect(defaultView(s, { ...base, view: 'goroutines' }, true)).toBe('perf');
    // Another profile never opens the perf view.
    const plain = { ...s, perf: undefined };
    expect(defaultView(plain, { ...base, view: 'perf' }, true)).toBe('flame');
  });

  it('an analysis result serves a query only with the same perf selection', () => {
    const q: AnalysisQuery = { sampleType: 1, inverted: false, tagFocus: [], focusKey: null, timeRange: [0, 5], perfEvent: 2, perfWeight: 'period', perfPid: 7, perfTid: null };
    expect(querySatisfies(q, { ...q })).toBe(true);
    expect(querySatisfies(q, { ...q, perfEvent: 3 })).toBe(false);
    expect(querySatisfies(q, { ...q, perfWeight: 'count' })).toBe(false);
    expect(querySatisfies(q, { ...q, perfPid: null })).toBe(false);
    expect(querySatisfies(q, { ...q, perfTid: 8 })).toBe(false);
    expect(querySatisfies(q, { ...q, timeRange: [0, 6] })).toBe(false);
  });
});
