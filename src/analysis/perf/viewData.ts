// What the perf views need of a decoded `perf script` dump, built once in the worker and
// sent with the source summary: the events (record counts, units, whether periods were
// printed), processes and threads with their names and per-event sample counts, sample
// density per process and per thread over the dump's time span (typed arrays, transferred),
// the lifecycle markers, the PID lineage and the hot-upgrade ("process replacement") report,
// with each exec record placed under a process name.

import { defaultPerfEvent } from '../../formats';
import type { PerfDump } from '../../formats/perf/model';
import { isTracepointName, periodUnit } from '../../formats/perf/model';
import type { StackProfile } from '../../model/profile';
import { markerTransferables, type PerfMarkers, type PerfScan } from './markers';
import { analyzeUpgrades, type Replacement, type ReplacementKind, type UpgradeReport, type UpgradeVerdict } from './upgrade';

export interface PerfEventInfo {
  /** As printed, without the trailing colon ('' when the records name none). */
  name: string;
  /** Records printed for the event. */
  records: number;
  /** Records that became samples (all of them, unless side-band). */
  samples: number;
  /** Periods were printed (or fixed in the header): 'period' weighting is possible. */
  hasPeriod: boolean;
  /** Unit of the period ('nanoseconds' for cpu-clock/task-clock, else 'events'). */
  periodUnit: string;
  /** Σ period over the event's samples (0 without periods). */
  totalPeriod: number;
  tracepoint: boolean;
}

export interface PerfProcessInfo {
  /** Process id (the tid when perf printed no pid). */
  pid: number;
  /** Names over time (fork, exec, renames), oldest first. */
  comms: string[];
  /** The process that forked it, when the fork was recorded. */
  parentPid: number | null;
  /** Depth in the lineage tree (0 = no recorded parent). */
  depth: number;
  /** Indices into PerfViewData.threads. */
  threads: number[];
  /** Samples per event (index = event). */
  samples: number[];
  /** First / last record of the process (any event, markers included); NaN when untimed. */
  firstNs: number;
  lastNs: number;
}

export interface PerfThreadInfo {
  tid: number;
  pid: number;
  comm: string;
  samples: number[];
  firstNs: number;
  lastNs: number;
}

export type ExecRowKind = ReplacementKind | 'failed' | 'other';

export interface PerfExecRow {
  /** Event as printed: syscalls:sys_enter_execve(at) or sched:sched_process_exec. */
  event: string;
  /** As perf printed it (seconds, monotonic clock); NaN when the record had no time. */
  timeSec: number;
  /** ns since the dump's first sample (the timeline's time base); NaN when unknown. */
  timeNs: number;
  pid: number;
  /** The tid that called execve: sched_process_exec's old_pid, the execve record's tid. */
  oldPid: number;
  /** Comm printed on the record (the caller's on sys_enter_execve, the new image's on exec). */
  comm: string;
  /** Path (sched_process_exec) or the user pointer perf prints (sys_enter_execve). */
  filename: string;
  /** fork+exec (new PID), in-place (same PID), unobserved-fork, failed (execve without exec), other. */
  kind: ExecRowKind;
  /** The image replaced itself (same comm before and after): what an upgrade looks like. */
  selfReplacement: boolean;
  /** fork+exec: the process that forked the new PID. */
  parentPid: number | null;
}

export interface PerfExecGroup {
  /** Process name the rows belong to (the new image's name for a paired execve + exec). */
  comm: string;
  verdict: UpgradeVerdict;
  /** The seed's reading for this name, one line. */
  reading: string;
  /** sys_enter_execve records whose caller had this comm (the seed article's count). */
  execveByName: number;
  pids: number[];
  rows: PerfExecRow[];
}

export interface PerfViewData {
  events: PerfEventInfo[];
  /** The event shown first (formats/index.ts defaultPerfEvent: the busiest sampling event). */
  defaultEvent: number;
  /** Records carry times (a time range can be selected). */
  hasTime: boolean;
  /** Last sample time, ns since the first (the timeline spans [0, spanNs]). */
  spanNs: number;
  /** perf's printed time (seconds) of ns 0; NaN when unknown. */
  originSec: number;
  processes: PerfProcessInfo[];
  threads: PerfThreadInfo[];
  /** Histogram bins over [0, spanNs]. */
  bins: number;
  /** Per event: samples per (process, bin), processes.length × bins, row-major. */
  processDensity: Uint32Array[];
  /** Per event: samples per (thread, bin), threads.length × bins. */
  threadDensity: Uint32Array[];
  markers: PerfMarkers | null;
  upgrade: UpgradeReport;
  /** Names with exec records first (in time order of their first record), then the rest. */
  execGroups: PerfExecGroup[];
  unparsedLines: number;
}

/** Most histogram cells (events × lanes × bins) kept; bins shrink for very wide dumps. */
const MAX_CELLS = 4_000_000;
const MAX_BINS = 2000;
const MIN_BINS = 200;

export interface SampleTasks {
  /** Process of each sample: its pid label, else its tid (as PerfDump keys processes). */
  pid: Int32Array;
  /** Thread of each sample (-1 when perf printed none). */
  tid: Int32Array;
}

/** Process and thread of every sample of one event's profile, from its pid/tid labels. */
export function sampleTasks(p: StackProfile): SampleTasks {
  const n = p.samples.length;
  const pid = new Int32Array(n).fill(-1);
  const tid = new Int32Array(n).fill(-1);
  const pidKey = p.strings.indexOf('pid');
  const tidKey = p.strings.indexOf('tid');
  const { labelStart } = p.samples;
  const { key, num } = p.labels;
  for (let s = 0; s < n; s++) {
    for (let r = labelStart[s]; r < labelStart[s + 1]; r++) {
      if (key[r] === pidKey) pid[s] = num[r];
      else if (key[r] === tidKey) tid[s] = num[r];
    }
    if (pid[s] === -1) pid[s] = tid[s];
  }
  return { pid, tid };
}

function totalOf(col: Float64Array | undefined): number {
  let t = 0;
  if (col) for (let i = 0; i < col.length; i++) t += col[i];
  return t;
}

export function buildPerfViewData(dump: PerfDump, scan: PerfScan | null, tasks: SampleTasks[]): PerfViewData {
  const report = analyzeUpgrades(dump, scan?.events);
  const lineage = report.lineage;
  const events: PerfEventInfo[] = dump.profiles.map((e) => ({
    name: e.event,
    records: dump.recordCounts.get(e.event) ?? e.profile.samples.length,
    samples: e.profile.samples.length,
    hasPeriod: e.weighting === 'period',
    periodUnit: periodUnit(e.event),
    totalPeriod: e.weighting === 'period' ? totalOf(e.profile.samples.values[1]) : 0,
    tracepoint: isTracepointName(e.event),
  }));
  const nEv = events.length;

  // Time span over every event's samples.
  let spanNs = 0;
  let hasTime = false;
  for (const e of dump.profiles) {
    const t = e.profile.samples.time;
    if (!t) continue;
    for (let i = 0; i < t.length; i++) {
      if (Number.isNaN(t[i])) continue;
      hasTime = true;
      if (t[i] > spanNs) spanNs = t[i];
    }
  }
  const markers = scan?.markers ?? null;
  if (markers) {
    for (let i = 0; i < markers.length; i++) {
      if (Number.isNaN(markers.timeNs[i])) continue;
      hasTime = true;
      if (markers.timeNs[i] > spanNs) spanNs = markers.timeNs[i];
    }
  }

  // Threads and processes.
  const threads: PerfThreadInfo[] = [];
  const threadIndex = new Map<number, number>();
  for (const [tid, t] of dump.threads) {
    if (tid === -1) continue;
    threadIndex.set(tid, threads.length);
    threads.push({ tid, pid: t.pid ?? tid, comm: t.comm, samples: new Array<number>(nEv).fill(0), firstNs: NaN, lastNs: NaN });
  }
  const pids = new Set<number>([...dump.processes.keys(), ...lineage.nodes.keys()]);
  for (const t of threads) pids.add(t.pid);
  pids.delete(-1);

  // Lineage order: roots, each followed by the processes it forked (depth-first).
  const order: { pid: number; depth: number }[] = [];
  const placed = new Set<number>();
  const walk = (pid: number, depth: number) => {
    if (placed.has(pid) || !pids.has(pid)) return;
    placed.add(pid);
    order.push({ pid, depth });
    for (const c of lineage.nodes.get(pid)?.children ?? []) walk(c, depth + 1);
  };
  for (const r of lineage.roots) walk(r, 0);
  for (const pid of [...pids].sort((a, b) => a - b)) walk(pid, 0);

  const processes: PerfProcessInfo[] = [];
  const processIndex = new Map<number, number>();
  for (const { pid, depth } of order) {
    const node = lineage.nodes.get(pid);
    const comms: string[] = [];
    for (const c of node?.comms ?? []) if (comms[comms.length - 1] !== c.comm) comms.push(c.comm);
    if (comms.length === 0) comms.push(...(dump.processes.get(pid) ?? []));
    processIndex.set(pid, processes.length);
    processes.push({
      pid,
      comms,
      parentPid: node?.parentPid ?? null,
      depth,
      threads: [],
      samples: new Array<number>(nEv).fill(0),
      firstNs: NaN,
      lastNs: NaN,
    });
  }
  threads.forEach((t, i) => {
    const pi = processIndex.get(t.pid);
    if (pi !== undefined) processes[pi].threads.push(i);
  });
  for (const p of processes) p.threads.sort((a, b) => threads[a].tid - threads[b].tid);

  const lanes = processes.length + threads.length;
  const bins = Math.max(MIN_BINS, Math.min(MAX_BINS, Math.floor(MAX_CELLS / Math.max(1, nEv * lanes))));
  const seen = (o: { firstNs: number; lastNs: number }, t: number) => {
    if (Number.isNaN(t)) return;
    if (!(o.firstNs <= t)) o.firstNs = t;
    if (!(o.lastNs >= t)) o.lastNs = t;
  };
  const processDensity: Uint32Array[] = [];
  const threadDensity: Uint32Array[] = [];
  const binOf = (t: number) => (spanNs > 0 ? Math.min(bins - 1, Math.floor((t / spanNs) * bins)) : 0);
  dump.profiles.forEach((e, ev) => {
    const pd = new Uint32Array(processes.length * bins);
    const td = new Uint32Array(threads.length * bins);
    const time = e.profile.samples.time;
    const { pid, tid } = tasks[ev];
    for (let s = 0; s < pid.length; s++) {
      const pi = processIndex.get(pid[s]);
      const ti = tid[s] >= 0 ? threadIndex.get(tid[s]) : undefined;
      const t = time ? time[s] : NaN;
      const has = !Number.isNaN(t);
      const b = has ? binOf(t) : 0;
      if (pi !== undefined) {
        const p = processes[pi];
        p.samples[ev]++;
        if (has) {
          pd[pi * bins + b]++;
          seen(p, t);
        }
      }
      if (ti !== undefined) {
        const th = threads[ti];
        th.samples[ev]++;
        if (has) {
          td[ti * bins + b]++;
          seen(th, t);
        }
      }
    }
    processDensity.push(pd);
    threadDensity.push(td);
  });
  if (markers) {
    for (let i = 0; i < markers.length; i++) {
      const t = markers.timeNs[i];
      const pi = processIndex.get(markers.pid[i]);
      if (pi !== undefined) seen(processes[pi], t);
      const ti = threadIndex.get(markers.tid[i]);
      if (ti !== undefined) seen(threads[ti], t);
    }
  }

  const originSec = scan?.origin ? scan.origin.sec + scan.origin.nsec / 1e9 : NaN;
  return {
    events,
    defaultEvent: defaultPerfEvent(dump),
    hasTime,
    spanNs,
    originSec,
    processes,
    threads,
    bins,
    processDensity,
    threadDensity,
    markers,
    upgrade: report,
    execGroups: execGroups(dump, report, scan, originSec),
    unparsedLines: dump.unparsedLines,
  };
}

function baseName(event: string): string {
  return event.slice(event.indexOf(':') + 1);
}

/** Every exec record of the dump, placed under a process name, with the seed's reading per name. */
function execGroups(dump: PerfDump, report: UpgradeReport, scan: PerfScan | null, originSec: number): PerfExecGroup[] {
  const relNs = (sec: number) => (Number.isNaN(sec) || Number.isNaN(originSec) ? NaN : Math.round((sec - originSec) * 1e9));
  const haveExec = dump.execs.some((e) => baseName(e.event) === 'sched_process_exec');
  // The calling thread of each execve (PerfDump keeps only the pid).
  // Records are matched by (pid, printed time): a Map, since a busy recording holds many execs.
  const at = (pid: number, sec: number) => `${pid}@${sec}`;
  const callerTid = new Map<string, number>();
  for (const c of scan?.events.execveCalls ?? []) callerTid.set(at(c.pid ?? c.tid, c.timeSec), c.tid);
  const byExec = new Map<string, Replacement>();
  const byEnter = new Map<string, Replacement>();
  for (const x of report.replacements) {
    if (x.confirmed) byExec.set(at(x.pid, x.timeSec), x);
    if (!Number.isNaN(x.enterTimeSec)) byEnter.set(at(x.pid, x.enterTimeSec), x);
  }
  const rows: { name: string; row: PerfExecRow }[] = [];
  const execs = [...dump.execs].sort((a, b) => a.timeSec - b.timeSec);
  for (const e of execs) {
    const isExec = baseName(e.event) === 'sched_process_exec';
    const r = isExec ? byExec.get(at(e.pid, e.timeSec)) : byEnter.get(at(e.pid, e.timeSec));
    const oldPid = isExec ? e.oldPid : (callerTid.get(at(e.pid, e.timeSec)) ?? r?.oldPid ?? e.oldPid);
    const kind: ExecRowKind = r ? r.kind : !isExec && haveExec ? 'failed' : 'other';
    const name = r && r.commAfter !== '' ? r.commAfter : e.comm;
    rows.push({
      name,
      row: {
        event: e.event,
        timeSec: e.timeSec,
        timeNs: relNs(e.timeSec),
        pid: e.pid,
        oldPid,
        comm: e.comm,
        filename: e.filename,
        kind,
        selfReplacement: r?.selfReplacement ?? false,
        parentPid: r?.parentPid ?? null,
      },
    });
  }
  const groups = new Map<string, PerfExecGroup>();
  const readings = new Map(report.byName.map((n) => [n.comm, n]));
  const group = (comm: string): PerfExecGroup => {
    let g = groups.get(comm);
    if (!g) {
      const n = readings.get(comm);
      g = {
        comm,
        verdict: n?.verdict ?? 'no-exec',
        reading: n?.reading ?? `${comm}: no exec recorded`,
        execveByName: n?.execveByName ?? 0,
        pids: n?.pids ?? [],
        rows: [],
      };
      groups.set(comm, g);
    }
    return g;
  };
  for (const { name, row } of rows) group(name).rows.push(row);
  for (const n of report.byName) group(n.comm);
  return [...groups.values()];
}

export function perfViewTransferables(d: PerfViewData): ArrayBuffer[] {
  const out: ArrayBuffer[] = [...d.processDensity, ...d.threadDensity].map((a) => a.buffer as ArrayBuffer);
  if (d.markers) out.push(...markerTransferables(d.markers));
  return out;
}
