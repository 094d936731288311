// The trace view's extended data (src/analysis/trace/view.ts) on real traces written by
// tools/gen/tracescenarios: user tasks / regions / logs with nesting, mark assists per
// goroutine, the stack of the event that began each span, the CPU samples with their
// stacks (folded, they equal the CLI's `collapse`), and the function highlight
// (src/views/traceModel.ts) against an independent computation from the raw API events
// and the decoded CPU profile.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldedStacks } from '../../src/analysis/collapse.ts';
import { stackOf, traceEvents, type TraceEvent } from '../../src/analysis/trace/states.ts';
import { traceTimeline } from '../../src/analysis/trace/timeline.ts';
import { OPEN_START, ST_RUNNABLE, ST_WAITING, spanReasonOf, spanStackOf, spanStateOf, traceViewData, type TraceViewData } from '../../src/analysis/trace/view.ts';
import { spanStart } from '../../src/analysis/trace/spans.ts';
import { traceGenerations, traceSummary } from '../../src/cli/trace.ts';
import { decodeAny } from '../../src/formats/index.ts';
import { pprofDisplayName } from '../../src/model/names.ts';
import { functionHighlight, stackLines } from '../../src/views/traceModel.ts';

const file = (n: string) => new Uint8Array(readFileSync(path.join('testdata', 'gotrace', `${n}.trace`)));

function frames(d: TraceViewData, s: number): string[] {
  const out: string[] = [];
  for (let j = d.stackOffsets[s]; j < d.stackOffsets[s + 1]; j++) out.push(d.frameFunc[d.stackFrames[j]]);
  return out;
}

function load(n: string) {
  const bytes = file(n);
  const { gens } = traceGenerations(bytes);
  return { bytes, gens, d: traceViewData(gens) };
}

describe('user annotations (user.trace)', () => {
  const { bytes, gens, d } = load('user');
  const sum = traceSummary(bytes);
  const name = (i: number) => d.userStrings[d.taskName[i]];

  it('has every task, region and log of the trace', () => {
    expect(d.taskStart.length).toBe(sum.userTasks);
    expect(d.regionStart.length).toBe(sum.userRegions);
    expect(d.logT.length).toBe(sum.userLogs);
    expect(sum.userTasks).toBeGreaterThan(40);
  });

  it('tasks nest: request under batch, audit under request, children in lower lanes', () => {
    const byName = new Map<string, number[]>();
    for (let i = 0; i < d.taskStart.length; i++) byName.set(name(i), [...(byName.get(name(i)) ?? []), i]);
    expect([...byName.keys()].sort()).toEqual(['audit', 'batch', 'request']);
    for (const i of byName.get('request')!) {
      expect(name(d.taskParent[i])).toBe('batch');
      expect(d.taskLane[i]).toBeGreaterThan(d.taskLane[d.taskParent[i]]);
      expect(d.taskStart[i]).toBeGreaterThanOrEqual(d.taskStart[d.taskParent[i]]);
      expect(d.taskEnd[i]).toBeLessThanOrEqual(d.taskEnd[d.taskParent[i]]);
    }
    for (const i of byName.get('audit')!) expect(name(d.taskParent[i])).toBe('request');
    expect(byName.get('batch')!.map((i) => d.taskParent[i])).toEqual([-1]);
    // Overlapping tasks never share a lane (below the lane cap).
    for (let a = 0; a < d.taskStart.length; a++)
      for (let b = a + 1; b < d.taskStart.length; b++)
        if (d.taskLane[a] === d.taskLane[b] && d.taskLane[a] < d.taskLanes - 1) expect(d.taskEnd[a] <= d.taskStart[b] || d.taskEnd[b] <= d.taskStart[a]).toBe(true);
  });

  it('regions sit on their goroutine rows with their nesting depth and task', () => {
    const seen = new Set<string>();
    for (let i = 0; i < d.gIds.length; i++) {
      for (let k = d.regionOffsets[i]; k < d.regionOffsets[i + 1]; k++) {
        const rn = d.userStrings[d.regionName[k]];
        seen.add(`${rn}:${d.regionDepth[k]}`);
        expect(d.gNames[i]).toBe('main.handleRequest');
        expect(d.regionEnd[k]).toBeGreaterThanOrEqual(d.regionStart[k]);
        if (k > d.regionOffsets[i]) expect(d.regionStart[k]).toBeGreaterThanOrEqual(d.regionStart[k - 1]);
        expect(name(d.regionTask[k])).toBe('request');
        if (!(d.regionFlags[k] & OPEN_START)) expect(d.regionStart[k]).toBeGreaterThanOrEqual(spanStart(d.spanTimes, d.gOffsets[i]));
      }
    }
    // fetch and render directly in the task, layout inside render.
    expect(seen).toEqual(new Set(['fetch:0', 'render:0', 'layout:1']));
  });

  it('logs keep category, message, goroutine and task, in time order', () => {
    const tl = traceTimeline(gens);
    expect(d.logT.length).toBe(tl.logs.length);
    for (let k = 0; k < d.logT.length; k++) {
      expect(d.userStrings[d.logMessage[k]]).toBe(tl.logs[k].message);
      expect(d.userStrings[d.logCategory[k]]).toBe(tl.logs[k].category);
      if (k > 0) expect(d.logT[k]).toBeGreaterThanOrEqual(d.logT[k - 1]);
    }
    const requests = [...d.logT.keys()].filter((k) => d.userStrings[d.logCategory[k]] === 'request');
    expect(requests.length).toBe(24);
    for (const k of requests) {
      expect(d.userStrings[d.logMessage[k]]).toMatch(/^id=\d+ path=\/page\/\d$/);
      expect(d.gNames[d.logG[k]]).toBe('main.handleRequest');
      expect(name(d.logTask[k])).toBe('request');
    }
  });

  it('GOMAXPROCS changes 2 -> 4 -> 1 -> 2 are in the series', () => {
    const changes: number[] = [];
    d.gomaxprocsV.forEach((v) => {
      if (changes[changes.length - 1] !== v) changes.push(v);
    });
    expect(changes).toEqual([2, 4, 1, 2]);
  });
});

describe('span stacks (chan.trace, mutex.trace)', () => {
  for (const n of ['chan', 'mutex']) {
    it(`${n}: each span's stack is the stack of the event that began it`, () => {
      const { gens, d } = load(n);
      // Independent: the API events, keyed by goroutine id and relative time.
      const want = new Map<string, string[]>();
      traceEvents(gens, (e: TraceEvent) => {
        if (e.kind !== 'go' || e.from === e.to) return;
        const st = e.eventStack ?? e.stack;
        want.set(`${e.id}@${e.t - d.originNs}`, stackOf(st).map((f) => pprofDisplayName(f.func, f.func)));
      });
      let checked = 0;
      let blocked = 0;
      for (let i = 0; i < d.gIds.length; i++) {
        for (let k = d.gOffsets[i]; k < d.gOffsets[i + 1]; k++) {
          const w = want.get(`${d.gIds[i]}@${spanStart(d.spanTimes, k)}`);
          if (w === undefined) continue; // a span from the start of the trace / a generation
          expect(frames(d, spanStackOf(d, k))).toEqual(w);
          checked++;
          if (spanStateOf(d.spanKind[k]) === ST_WAITING && w.length > 0) blocked++;
        }
      }
      expect(checked).toBeGreaterThan(100);
      expect(blocked).toBeGreaterThan(10);
    });
  }

  it('chan: blocked workers show the receive inside main.chanWorker, unblocks the sender', () => {
    const { d } = load('chan');
    let recv = 0;
    let unblockedBySender = 0;
    for (let i = 0; i < d.gIds.length; i++) {
      if (d.gNames[i] !== 'main.chanWorker') continue;
      for (let k = d.gOffsets[i]; k < d.gOffsets[i + 1]; k++) {
        const f = frames(d, spanStackOf(d, k));
        if (spanStateOf(d.spanKind[k]) === ST_WAITING && d.reasons[spanReasonOf(d.spanKind[k])] === 'chan receive') {
          expect(f).toContain('main.chanWorker');
          expect(f[0]).toMatch(/^runtime\./);
          recv++;
        }
        if (spanStateOf(d.spanKind[k]) === ST_RUNNABLE && k > d.gOffsets[i] && spanStateOf(d.spanKind[k - 1]) === ST_WAITING && f.includes('main.chanWorkers')) unblockedBySender++;
      }
    }
    expect(recv).toBeGreaterThan(20);
    expect(unblockedBySender).toBeGreaterThan(20);
    const lines = stackLines(d, spanStackOf(d, d.gOffsets[d.gNames.indexOf('main.chanWorker')] + 1));
    for (const l of lines) expect(l).toMatch(/^\S+( {2}\S+:\d+)?$|^… \d+ more$/);
  });
});

describe('CPU samples and mark assists', () => {
  it('sample stacks folded equal the CLI collapse of the trace (cpu.trace)', async () => {
    const { bytes, d } = load('cpu');
    const fold = new Map<string, number>();
    for (let k = 0; k < d.sampleT.length; k++) {
      const key = frames(d, d.sampleStack[k]).reverse().join(';');
      expect(d.sampleG[k]).toBeGreaterThanOrEqual(-1);
      fold.set(key, (fold.get(key) ?? 0) + 1);
    }
    const dec = await decodeAny(bytes);
    const want = new Map<string, number>();
    for (const line of foldedStacks(dec.profile, 0).trim().split('\n')) {
      const sp = line.lastIndexOf(' ');
      want.set(line.slice(0, sp), Number(line.slice(sp + 1)));
    }
    expect(d.sampleT.length).toBe(dec.profile.samples.length);
    expect(fold).toEqual(want);
    for (let k = 1; k < d.sampleT.length; k++) expect(d.sampleT[k]).toBeGreaterThanOrEqual(d.sampleT[k - 1]);
  });

  it('mark assists are on the assisting goroutines (gc.trace)', () => {
    const { gens, d } = load('gc');
    const tl = traceTimeline(gens);
    const withG = tl.markAssists.filter((a) => a.id !== null);
    expect(d.assistStart.length).toBe(withG.length);
    expect(d.assistStart.length).toBeGreaterThan(20);
    const perName = new Map<string, number>();
    for (let i = 0; i < d.gIds.length; i++) {
      for (let k = d.assistOffsets[i]; k < d.assistOffsets[i + 1]; k++) {
        expect(d.assistEnd[k]).toBeGreaterThanOrEqual(d.assistStart[k]);
        perName.set(d.gNames[i], (perName.get(d.gNames[i]) ?? 0) + 1);
      }
    }
    // The allocating goroutines do most of the assisting.
    expect(perName.get('main.allocate') ?? 0).toBeGreaterThan(d.assistStart.length / 2);
  });
});

describe('function highlight (user.trace)', () => {
  it('matches goroutines by CPU samples and event stacks, as computed independently', async () => {
    const { bytes, gens, d } = load('user');
    const fn = 'main.renderPage';
    const h = functionHighlight(d, fn)!;
    expect(h).not.toBeNull();
    // Independent: event stacks from the API events, samples from the decoded profile.
    const byStacks = new Set<string>();
    traceEvents(gens, (e) => {
      if (e.kind === 'go' && e.from !== e.to && e.to !== 'NotExist' && stackOf(e.eventStack ?? e.stack).some((x) => x.func === fn)) byStacks.add(String(e.id));
    });
    const bySamples = new Set<string>();
    const p = (await decodeAny(bytes)).profile;
    for (let i = 0; i < p.samples.length; i++) {
      const names: string[] = [];
      for (let st = p.samples.stack[i]; st >= 0; st = p.stacks.prefix[st]) names.push(p.strings[p.funcs.name[p.stacks.func[st]]]);
      for (let l = p.samples.labelStart[i]; l < p.samples.labelStart[i + 1]; l++) {
        if (p.strings[p.labels.key[l]] === 'goroutine' && names.includes(fn)) bySamples.add(p.strings[p.labels.str[l]]);
      }
    }
    const got = (bit: number) => new Set(d.gIds.filter((_, i) => h.rows[i] & bit));
    expect(got(1)).toEqual(bySamples);
    expect(got(2)).toEqual(byStacks);
    expect(h.count).toBe(new Set([...bySamples, ...byStacks]).size);
    expect(h.count).toBeGreaterThan(10);
    expect(functionHighlight(d, 'no.such.function')).toBeNull();
  });
});
