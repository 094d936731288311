// The worker side of the perf views, on the real hot-upgrade recordings (testdata/perf):
//   * analysis per event equals the CLI's computation on that event's profile alone
//     (stacklens top --event), by period and by count, inverted and sandwich included;
//   * process / thread / time-range filters keep exactly the records a plain count of the
//     text's record headers says;
//   * marker times sit on the profiles' time base (to the nanosecond), markers and exits
//     agree with the text and with scanProcessEvents;
//   * density histograms add up to the per-process / per-thread sample counts;
//   * exec rows carry the PIDs the program printed itself (the .json sidecars).

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callTree, callersTree, invertedCallTree, sampleWeights } from '../../src/analysis/callTree';
import { funcNodes } from '../../src/analysis/nodes';
import { scanProcessEvents } from '../../src/analysis/perf/events';
import { MarkerKind } from '../../src/analysis/perf/markers';
import { loadPerf } from '../../src/analysis/perf/source';
import { perfQueryFields, perfUnit } from '../../src/analysis/perf/selection';
import { summarize } from '../../src/analysis/query';
import { absTotal, topFromTree } from '../../src/analysis/top';
import { decodeAny, defaultPerfEvent } from '../../src/formats';
import type { PerfDump } from '../../src/formats/perf/model';
import type { StackProfile } from '../../src/model/profile';
import type { AnalysisQuery, SourceSummary } from '../../src/worker/protocol';

const dir = resolve(__dirname, '../../testdata/perf');

interface Header {
  pid: number;
  tid: number;
  /** µs as printed, as an integer: sec * 1e6 + usec. */
  us: number;
  event: string;
  payload: string;
}

/** Record headers straight from the text (perf prints µs), independent of the parser. */
function headers(text: string): Header[] {
  const out: Header[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*\S.*?\s(\d+)\/(\d+)\s+(?:\[\d+\]\s+)?(\d+)\.(\d{6}):\s+(?:\d+\s+)?([\w:-]+):(.*)$/.exec(line);
    if (m) out.push({ pid: Number(m[1]), tid: Number(m[2]), us: Number(m[3]) * 1e6 + Number(m[4]), event: m[5], payload: m[6].trim() });
  }
  return out;
}

interface Loaded {
  dump: PerfDump;
  summary: SourceSummary;
  ws: ReturnType<typeof loadPerf>['workspace'];
  hs: Header[];
  bytes: Uint8Array;
  side: { processes: { gen: number; pid: number; ppid: number }[]; execCalls: { pid: number; tid: number }[]; binary: string };
}

const cache = new Map<string, Loaded>();
async function load(name: string): Promise<Loaded> {
  const hit = cache.get(name);
  if (hit) return hit;
  const bytes = new Uint8Array(readFileSync(join(dir, `${name}.perf.txt`)));
  const d = await decodeAny(bytes);
  if (d.kind !== 'perf') throw new Error(`${name}: not decoded as perf`);
  const summary = summarize(d.profile, name, bytes.length, 0);
  const { workspace } = loadPerf(d.perf, d.text, summary);
  const l: Loaded = { dump: d.perf, summary, ws: workspace, hs: headers(new TextDecoder().decode(bytes)), bytes, side: JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) };
  cache.set(name, l);
  return l;
}

function query(l: Loaded, p: Partial<AnalysisQuery> & { event: string; weight?: 'period' | 'count' }): AnalysisQuery {
  const f = perfQueryFields(l.summary.perf!, { perfEvent: p.event, perfWeight: p.weight ?? 'period', perfPid: p.perfPid ?? null, perfTid: p.perfTid ?? null });
  return { inverted: false, tagFocus: [], focusKey: null, timeRange: null, ...p, ...f };
}

/** The CLI's `top --event` rows on one event's profile alone: [name, flat, cum]. */
function cliRows(p: StackProfile, col: number): [string, number, number][] {
  const w = sampleWeights(p, col);
  const n = funcNodes(p);
  const t = topFromTree(callTree(p, w), n.names.length, n.names, absTotal(w));
  return Array.from(t.keys, (k, i) => [n.names[k], t.flat[i], t.cum[i]]);
}

const FILES = ['multi-event', 'forkexec', 'inplace', 'inplace-leader'];

describe('perf analysis per event', () => {
  it.each(FILES)('%s: every event and weight equals its own profile analysed alone', async (name) => {
    const l = await load(name);
    const perf = l.summary.perf!;
    expect(perf.events.map((e) => e.name)).toEqual(l.dump.profiles.map((p) => p.event));
    for (const [i, e] of perf.events.entries()) {
      const p = l.dump.profiles[i].profile;
      expect(e.records).toBe(l.hs.filter((h) => h.event === e.name).length);
      for (const weight of ['period', 'count'] as const) {
        const q = query(l, { event: e.name, weight });
        const r = l.ws.analyze(q);
        const col = weight === 'period' && e.hasPeriod ? 1 : 0;
        expect(q.perfWeight).toBe(col === 1 ? 'period' : 'count');
        expect(perfUnit(perf, q)).toBe(col === 1 ? e.periodUnit : 'count');
        const rows = Array.from(r.top.keys, (k, j) => [l.summary.nodeNames[k], r.top.flat[j], r.top.cum[j]]);
        expect(rows, `${e.name} by ${weight}`).toEqual(cliRows(p, col));
        expect(r.keptSamples).toBe(e.samples);
        expect(r.tree.total[0]).toBe(col === 1 ? e.totalPeriod : e.samples);
      }
    }
  });

  it('multi-event: opens on cpu-clock (the sampling event), period in ns; tracepoints count', async () => {
    const l = await load('multi-event');
    const perf = l.summary.perf!;
    expect(perf.events[perf.defaultEvent].name).toBe('cpu-clock');
    expect(defaultPerfEvent(l.dump)).toBe(perf.defaultEvent);
    const cpu = perf.events[perf.defaultEvent];
    expect(cpu).toMatchObject({ hasPeriod: true, periodUnit: 'nanoseconds', tracepoint: false });
    expect(cpu.totalPeriod).toBe(l.hs.filter((h) => h.event === 'cpu-clock').length * 1_000_000);
    for (const e of perf.events) if (e.name !== 'cpu-clock') expect(e).toMatchObject({ hasPeriod: false, tracepoint: true });
    // The function keys span every event: sched_switch's only frame is among them.
    expect(l.summary.nodeNames).toContain('__schedule');
    expect(l.summary.nodeNames).toContain('main.checksum');
    expect(new Set(l.summary.nodeNames.map((n, i) => `${l.summary.nodeKinds[i]}\u0000${n}`)).size).toBe(l.summary.nodeNames.length);
  });

  it('inverted trees and the sandwich use the source-wide keys', async () => {
    const l = await load('multi-event');
    const ev = l.dump.profiles.findIndex((p) => p.event === 'cpu-clock');
    const p = l.dump.profiles[ev].profile;
    const local = funcNodes(p);
    const w = sampleWeights(p, 1);
    const inv = invertedCallTree(p, w);
    const r = l.ws.analyze(query(l, { event: 'cpu-clock', inverted: true }));
    expect(r.tree.length).toBe(inv.length);
    for (let n = 1; n < inv.length; n++) expect(l.summary.nodeNames[r.tree.key[n]]).toBe(local.names[inv.key[n]]);
    const focusName = 'main.handleRequest';
    const focusKey = l.summary.nodeNames.indexOf(focusName);
    const s = l.ws.analyze(query(l, { event: 'cpu-clock', focusKey }));
    const localCallers = callersTree(callTree(p, w), local.names.indexOf(focusName), local.names.length);
    expect(s.callers!.total[0]).toBe(localCallers.total[0]);
    expect(s.callers!.length).toBe(localCallers.length);
    expect(s.focusLabels.length).toBeGreaterThan(0);
    // An event without the function: empty sandwich, no labels.
    const none = l.ws.analyze(query(l, { event: 'sched:sched_switch', focusKey }));
    expect(none.callers!.total[0]).toBe(0);
    expect(none.focusLabels).toEqual([]);
  });
});

describe('perf filters', () => {
  it('process, thread and time range keep exactly the matching records', async () => {
    const l = await load('multi-event');
    const cpu = l.hs.filter((h) => h.event === 'cpu-clock');
    const origin = l.hs[0].us;
    const g2 = l.side.processes.find((p) => p.gen === 2)!.pid;
    const byPid = l.ws.analyze(query(l, { event: 'cpu-clock', perfPid: g2 }));
    expect(byPid.keptSamples).toBe(cpu.filter((h) => h.pid === g2).length);
    expect(byPid.tree.total[0]).toBe(byPid.keptSamples * 1_000_000);
    // Gen 2's busiest thread.
    const tids = new Map<number, number>();
    for (const h of cpu) if (h.pid === g2) tids.set(h.tid, (tids.get(h.tid) ?? 0) + 1);
    const [tid, n] = [...tids].sort((a, b) => b[1] - a[1])[0];
    const byTid = l.ws.analyze(query(l, { event: 'cpu-clock', perfPid: g2, perfTid: tid }));
    expect(byTid.keptSamples).toBe(n);
    // A time range [t0, t1) in ns since the first record.
    const t0 = 50_000_000;
    const t1 = 150_000_000;
    const inRange = (h: Header) => (h.us - origin) * 1000 >= t0 && (h.us - origin) * 1000 < t1;
    const byRange = l.ws.analyze(query(l, { event: 'cpu-clock', timeRange: [t0, t1] }));
    expect(byRange.keptSamples).toBe(cpu.filter(inRange).length);
    const both = l.ws.analyze(query(l, { event: 'sched:sched_switch', timeRange: [t0, t1], perfPid: g2 }));
    expect(both.keptSamples).toBe(l.hs.filter((h) => h.event === 'sched:sched_switch' && h.pid === g2 && inRange(h)).length);
    expect(both.keptSamples).toBeGreaterThan(0);
  });
});

describe('perf timeline data', () => {
  it.each(FILES)('%s: markers on the samples\' time base, equal to the text and to scanProcessEvents', async (name) => {
    const l = await load(name);
    const perf = l.summary.perf!;
    const m = perf.markers!;
    const origin = l.hs[0].us;
    expect(perf.originSec).toBeCloseTo(origin / 1e6, 9);
    const kinds: Record<string, number[]> = {
      sys_enter_execve: [MarkerKind.Execve],
      sched_process_exec: [MarkerKind.Exec],
      sched_process_fork: [MarkerKind.Fork, MarkerKind.Clone],
      sched_process_exit: [MarkerKind.Exit],
      sched_switch: [MarkerKind.Switch],
    };
    for (const [base, ks] of Object.entries(kinds)) {
      const fromText = l.hs.filter((h) => h.event.endsWith(`:${base}`)).map((h) => (h.us - origin) * 1000);
      const idx = Array.from({ length: m.length }, (_, i) => i).filter((i) => ks.includes(m.kind[i]));
      expect(idx.map((i) => m.timeNs[i]), base).toEqual(fromText);
      // The tracepoint's own profile has the same times.
      const prof = l.dump.profiles.find((p) => p.event.endsWith(`:${base}`))?.profile;
      if (prof) expect(Array.from(prof.samples.time!), base).toEqual(fromText);
    }
    // Exec markers: pid and old_pid from the payload.
    for (const i of Array.from({ length: m.length }, (_, j) => j).filter((j) => m.kind[j] === MarkerKind.Exec)) {
      const h = l.hs.find((x) => x.event === 'sched:sched_process_exec' && (x.us - origin) * 1000 === m.timeNs[i])!;
      expect(`pid=${m.pid[i]} old_pid=${m.other[i]}`).toBe(/pid=\d+ old_pid=\d+/.exec(h.payload)![0]);
      expect(h.payload).toContain(`filename=${m.texts[m.text[i]]}`);
    }
    // The same exits and execve callers as the lead's scanProcessEvents.
    const ev = scanProcessEvents(l.bytes);
    const exits = Array.from({ length: m.length }, (_, i) => i).filter((i) => m.kind[i] === MarkerKind.Exit);
    expect(exits.map((i) => m.tid[i])).toEqual(ev.exits.map((x) => x.tid));
    const calls = Array.from({ length: m.length }, (_, i) => i).filter((i) => m.kind[i] === MarkerKind.Execve);
    expect(calls.map((i) => m.tid[i])).toEqual(ev.execveCalls.map((x) => x.tid));
  });

  it.each(FILES)('%s: density histograms add up to the sample counts', async (name) => {
    const l = await load(name);
    const perf = l.summary.perf!;
    for (let ev = 0; ev < perf.events.length; ev++) {
      const records = l.hs.filter((h) => h.event === perf.events[ev].name);
      let all = 0;
      perf.processes.forEach((p, i) => {
        let s = 0;
        for (let b = 0; b < perf.bins; b++) s += perf.processDensity[ev][i * perf.bins + b];
        expect(s).toBe(p.samples[ev]);
        expect(p.samples[ev]).toBe(records.filter((h) => h.pid === p.pid).length);
        all += s;
      });
      expect(all).toBe(records.length);
      perf.threads.forEach((t, i) => {
        let s = 0;
        for (let b = 0; b < perf.bins; b++) s += perf.threadDensity[ev][i * perf.bins + b];
        expect(s).toBe(records.filter((h) => h.tid === t.tid).length);
      });
    }
    const last = (l.hs[l.hs.length - 1].us - l.hs[0].us) * 1000;
    expect(perf.spanNs).toBe(Math.max(...l.hs.map((h) => (h.us - l.hs[0].us) * 1000)));
    expect(perf.spanNs).toBeGreaterThanOrEqual(last);
  });

  it('multi-event: processes in lineage order, gen 2 under gen 1', async () => {
    const l = await load('multi-event');
    const perf = l.summary.perf!;
    const g1 = l.side.processes.find((p) => p.gen === 1)!;
    const g2 = l.side.processes.find((p) => p.gen === 2)!;
    const i1 = perf.processes.findIndex((p) => p.pid === g1.pid);
    const i2 = perf.processes.findIndex((p) => p.pid === g2.pid);
    expect(i1).toBeGreaterThanOrEqual(0);
    expect(i2).toBeGreaterThan(i1);
    expect(perf.processes[i2]).toMatchObject({ parentPid: g1.pid, depth: perf.processes[i1].depth + 1, comms: ['hotupgrade'] });
    expect(perf.processes[i1].comms).toEqual(['sh', 'hotupgrade']);
    expect(perf.processes[i1].parentPid).toBe(g1.ppid);
    // Threads belong to their process.
    for (const p of perf.processes) for (const t of p.threads) expect(perf.threads[t].pid).toBe(p.pid);
    expect(perf.processes[i2].threads.length).toBeGreaterThan(1);
  });
});

describe('exec rows against the sidecars', () => {
  it('fork+exec: a new PID, called by its only thread, forked by gen 1', async () => {
    const l = await load('forkexec');
    const g1 = l.side.processes.find((p) => p.gen === 1)!;
    const g2 = l.side.processes.find((p) => p.gen === 2)!;
    const groups = l.summary.perf!.execGroups;
    const hu = groups.find((g) => g.comm === 'hotupgrade')!;
    expect(hu.verdict).toBe('upgrade');
    const self = hu.rows.filter((r) => r.selfReplacement);
    expect(self.map((r) => [r.event, r.pid, r.oldPid, r.kind, r.parentPid])).toEqual([
      ['syscalls:sys_enter_execve', g2.pid, g2.pid, 'fork+exec', g1.pid],
      ['sched:sched_process_exec', g2.pid, g2.pid, 'fork+exec', g1.pid],
    ]);
    expect(self[1].filename).toBe(l.side.binary);
    expect(self[0].filename).toMatch(/^0x[0-9a-f]+$/);
    expect(self[0].timeNs).toBeLessThanOrEqual(self[1].timeNs);
    // Rows are on the timeline's time base.
    const m = l.summary.perf!.markers!;
    const execMarker = Array.from({ length: m.length }, (_, i) => i).find((i) => m.kind[i] === MarkerKind.Exec && m.pid[i] === g2.pid)!;
    expect(self[1].timeNs).toBe(m.timeNs[execMarker]);
    // Names without exec are listed with their reading.
    expect(groups.every((g) => g.reading.length > 0)).toBe(true);
  });

  it.each(['inplace', 'inplace-leader'])('%s: same PID, old PID = the calling thread', async (name) => {
    const l = await load(name);
    const [call] = l.side.execCalls;
    const hu = l.summary.perf!.execGroups.find((g) => g.comm === 'hotupgrade')!;
    expect(hu.verdict).toBe('upgrade');
    expect(hu.rows.filter((r) => r.selfReplacement).map((r) => [r.event, r.pid, r.oldPid, r.kind])).toEqual([
      ['syscalls:sys_enter_execve', call.pid, call.tid, 'in-place'],
      ['sched:sched_process_exec', call.pid, call.tid, 'in-place'],
    ]);
  });
});
