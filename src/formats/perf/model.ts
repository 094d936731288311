// The decoded `perf script` dump: one StackProfile per event (never summed across events),
// plus the process/thread/exec facts the dump reveals. Built from parse.ts's record stream.

import { ProfileBuilder, type LabelInput } from '../../model/builder';
import { FuncKind, type StackProfile, type ValueType } from '../../model/profile';
import type { ProgressFn } from '../errors';
import { parsePerfScript, parseTracepointFields, type PerfFrame, type PerfHeaderInfo, type PerfRecord } from './parse';

export interface PerfEventProfile {
  /** Event name as printed, without the trailing colon ('' shown as "(no event)" by views). */
  event: string;
  /** 'period' when the records carry a period column (the default sample type), else 'count'. */
  weighting: 'period' | 'count';
  profile: StackProfile;
}

export interface PerfExec {
  pid: number;
  oldPid: number;
  comm: string;
  /** Seconds as printed by perf (monotonic clock), NaN when the record had no time. */
  timeSec: number;
  /** sched_process_exec: the path; sys_enter_execve: the user pointer perf prints. */
  filename: string;
  event: string;
}

export interface PerfFork {
  parentPid: number;
  childPid: number;
  parentComm: string;
  childComm: string;
  timeSec: number;
}

export interface PerfDump {
  profiles: PerfEventProfile[];
  /** pid → comms seen over time (first-seen order). Without `-F +pid`, perf prints only tids:
   * those records count under their tid. */
  processes: Map<number, string[]>;
  /** tid → pid (undefined when never printed) and the last comm seen. */
  threads: Map<number, { pid: number | undefined; comm: string }>;
  execs: PerfExec[];
  /** Lineage from sched_process_fork: parent pid → child pid. */
  forks: PerfFork[];
  /** Tracepoint event name → record count. */
  tracepoints: Map<string, number>;
  /** Event name as printed (without trailing colon) → record count. */
  recordCounts: Map<string, number>;
  unparsedLines: number;
  unparsedExamples: { line: number; text: string }[];
  header: PerfHeaderInfo | null;
}

export interface DecodePerfOptions {
  onProgress?: ProgressFn;
}

const MODIFIERS = /^[ukhIGHpPSDWeb]+$/;

/** Tracepoint-like event names (`sched:sched_switch`, `probe_libc:malloc`), not modifiers (`cycles:ppp`). */
export function isTracepointName(event: string): boolean {
  const c = event.indexOf(':');
  if (c <= 0) return false;
  const rest = event.slice(c + 1).split(':');
  return !MODIFIERS.test(rest[0]);
}

/** Unit of an event's period: nanoseconds for the clock events, else events. */
export function periodUnit(event: string): string {
  const base = event.split(':')[0];
  return base === 'cpu-clock' || base === 'task-clock' ? 'nanoseconds' : 'events';
}

const USER_BRACKETS = new Set(['[unknown]', '[vdso]', '[vvar]', '[heap]', '[stack]', '[vectors]', '[sigpage]', '[uprobes]']);

export function dsoKind(dso: string): number {
  if (/(^|\/)perf-\d+\.map$/.test(dso) || /(^|\/)jitted-\d+-\d+\.so$/.test(dso) || dso.startsWith('[JIT') || dso.startsWith('//anon')) {
    return FuncKind.Jit;
  }
  if (dso.startsWith('[')) {
    if (USER_BRACKETS.has(dso) || dso.startsWith('[anon')) return FuncKind.User;
    return FuncKind.Kernel; // [kernel.kallsyms], [guest.kernel.kallsyms], [module] names
  }
  if (dso.endsWith('vmlinux') || /\.ko(\.(xz|gz|zst))?$/.test(dso)) return FuncKind.Kernel;
  return FuncKind.User;
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Function name for a frame (§2.6): symbol without offset; `[unknown] (dso)`; `[dso]` when empty. */
export function frameName(f: PerfFrame): string {
  const dsoBase = f.dso === '' || f.dso === '[unknown]' ? '' : basename(f.dso);
  if (f.symbol === '[unknown]') return dsoBase ? `[unknown] (${dsoBase})` : '[unknown]';
  if (f.symbol === '') return dsoBase ? (dsoBase.startsWith('[') ? dsoBase : `[${dsoBase}]`) : '[unknown]';
  return f.symbol;
}

class EventState {
  readonly b = new ProfileBuilder(2);
  samples = 0;
  periodsSeen = 0;
  firstPeriod: number | undefined;
  periodsEqual = true;
  /** Periods came from the header's fixed sample_period, not from the records. */
  fromHeader = false;
  firstNs = Infinity;
  lastNs = -Infinity;
  readonly mappings = new Map<string, number>();
  readonly funcs = new Map<string, number>();
  readonly locs = new Map<string, number>();
  constructor(readonly event: string) {}

  mapping(dso: string): number {
    let m = this.mappings.get(dso);
    if (m === undefined) {
      m = this.b.mapping({ fileName: dso });
      this.mappings.set(dso, m);
    }
    return m;
  }
  func(f: PerfFrame, kind: number): number {
    const name = frameName(f);
    const key = `${kind}\u0000${name}`;
    let id = this.funcs.get(key);
    if (id === undefined) {
      // systemName '' keeps perf's demangled name verbatim (no pprof C++ simplification).
      id = this.b.func(name, { systemName: '', kind });
      this.funcs.set(key, id);
    }
    return id;
  }
}

function labelsOf(r: PerfRecord): LabelInput[] {
  const l: LabelInput[] = [{ key: 'comm', str: r.comm }];
  if (r.pid !== undefined) l.push({ key: 'pid', num: r.pid });
  l.push({ key: 'tid', num: r.tid });
  if (r.cpu !== undefined) l.push({ key: 'cpu', num: r.cpu });
  return l;
}

function num(v: string | undefined): number {
  if (v === undefined) return NaN;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : NaN;
}

export function decodePerfScript(bytes: Uint8Array, opts: DecodePerfOptions = {}): PerfDump {
  const events = new Map<string, EventState>();
  const processes = new Map<number, string[]>();
  const threads = new Map<number, { pid: number | undefined; comm: string }>();
  const execs: PerfExec[] = [];
  const forks: PerfFork[] = [];
  const tracepoints = new Map<string, number>();
  const recordCounts = new Map<string, number>();
  let t0: { sec: number; nsec: number } | null = null;
  const locIds: number[] = [];

  const onRecord = (r: PerfRecord) => {
    recordCounts.set(r.event, (recordCounts.get(r.event) ?? 0) + 1);
    // processes / threads
    const pidKey = r.pid ?? r.tid;
    if (pidKey !== -1) {
      let comms = processes.get(pidKey);
      if (!comms) processes.set(pidKey, (comms = []));
      if (comms[comms.length - 1] !== r.comm && !comms.includes(r.comm)) comms.push(r.comm);
    }
    if (r.tid !== -1) {
      const t = threads.get(r.tid);
      if (!t) threads.set(r.tid, { pid: r.pid, comm: r.comm });
      else {
        t.comm = r.comm;
        if (r.pid !== undefined) t.pid = r.pid;
      }
    }
    const timeSec = r.time ? r.time.sec + r.time.nsec / 1e9 : NaN;
    const tracepoint = r.payload !== '' || isTracepointName(r.event);
    if (tracepoint) tracepoints.set(r.event, (tracepoints.get(r.event) ?? 0) + 1);
    if (r.payload !== '') {
      const base = r.event.slice(r.event.indexOf(':') + 1);
      if (base === 'sys_enter_execve' || base === 'sched_process_exec' || base === 'sys_enter_execveat') {
        const f = parseTracepointFields(r.payload);
        const pid = r.pid ?? r.tid;
        execs.push({
          pid: base === 'sched_process_exec' && f.pid !== undefined ? num(f.pid) : pid,
          oldPid: base === 'sched_process_exec' && f.old_pid !== undefined ? num(f.old_pid) : pid,
          comm: r.comm,
          timeSec,
          filename: f.filename ?? '',
          event: r.event,
        });
      } else if (base === 'sched_process_fork') {
        const f = parseTracepointFields(r.payload);
        forks.push({
          parentPid: num(f.pid),
          childPid: num(f.child_pid),
          parentComm: f.comm ?? '',
          childComm: f.child_comm ?? '',
          timeSec,
        });
      }
    }

    // Side-band records (PERF_RECORD_COMM, _MMAP2, _FORK, …) are not samples.
    if (r.event.startsWith('PERF_RECORD_')) return;

    // the sample
    let st = events.get(r.event);
    if (!st) events.set(r.event, (st = new EventState(r.event)));
    let timeNs: number | undefined;
    if (r.time) {
      if (t0 === null) t0 = r.time;
      timeNs = (r.time.sec - t0.sec) * 1e9 + (r.time.nsec - t0.nsec);
      if (timeNs < st.firstNs) st.firstNs = timeNs;
      if (timeNs > st.lastNs) st.lastNs = timeNs;
    }
    if (r.period !== undefined) {
      st.periodsSeen++;
      if (st.firstPeriod === undefined) st.firstPeriod = r.period;
      else if (st.firstPeriod !== r.period) st.periodsEqual = false;
    }
    locIds.length = 0;
    const fr = r.frames;
    let i = 0;
    while (i < fr.length) {
      const f0 = fr[i];
      if (!f0.inlined) {
        // common case: a plain frame
        const key = `${f0.addr}\u0000${f0.dso}\u0000${f0.symbol}\u0001${f0.offset}`;
        let loc = st.locs.get(key);
        if (loc === undefined) {
          const m = st.mapping(f0.dso);
          loc = st.b.location(BigInt('0x' + (f0.addr || '0')), m, [{ func: st.func(f0, dsoKind(f0.dso)) }]);
          st.locs.set(key, loc);
        }
        locIds.push(loc);
        i++;
        continue;
      }
      // perf prints inlined callees first, then the containing frame, all at one address.
      let j = i;
      while (j < fr.length && fr[j].inlined && fr[j].addr === fr[i].addr) j++;
      const outer = j < fr.length && fr[j].addr === fr[i].addr && !fr[j].inlined ? fr[j] : null;
      const group = outer ? fr.slice(i, j + 1) : fr.slice(i, Math.max(j, i + 1));
      const dso = outer ? outer.dso : group[0].dso;
      let key = `${group[0].addr}\u0000${dso}`;
      for (const g of group) key += `\u0000${g.symbol}\u0001${g.offset}`;
      let loc = st.locs.get(key);
      if (loc === undefined) {
        const kind = dsoKind(dso);
        const m = st.mapping(dso);
        const frames = group.map((g) => ({ func: st!.func(g.inlined && !outer ? { ...g, dso } : g, kind) }));
        loc = st.b.location(BigInt('0x' + (group[0].addr || '0')), m, frames);
        st.locs.set(key, loc);
      }
      locIds.push(loc);
      i += group.length;
    }
    st.samples++;
    let period = r.period;
    if (period === undefined) {
      const fixed = fixedPeriods[r.event];
      if (fixed !== undefined) {
        period = fixed;
        st.periodsSeen++;
        st.fromHeader = true;
        if (st.firstPeriod === undefined) st.firstPeriod = fixed;
        else if (st.firstPeriod !== fixed) st.periodsEqual = false;
      }
    }
    st.b.sample(locIds, [1, period ?? 1], labelsOf(r), timeNs);
  };

  let fixedPeriods: Record<string, number> = {};
  const onHeaderDone = (h: PerfHeaderInfo | null) => {
    if (h) fixedPeriods = h.fixedPeriods;
  };
  const res = parsePerfScript(bytes, onRecord, { onProgress: opts.onProgress, onHeader: onHeaderDone });

  const profiles: PerfEventProfile[] = [];
  for (const st of events.values()) {
    const hasPeriod = st.periodsSeen > 0;
    const unit = periodUnit(st.event);
    const sampleTypes: ValueType[] = [{ type: 'samples', unit: 'count' }];
    if (hasPeriod) sampleTypes.push({ type: 'period', unit });
    const comments: string[] = [];
    if (res.header?.cmdline) comments.push(`cmdline: ${res.header.cmdline}`);
    if (res.header?.perfVersion) comments.push(`perf version: ${res.header.perfVersion}`);
    if (res.header?.hostname) comments.push(`hostname: ${res.header.hostname}`);
    if (st.fromHeader) comments.push(`period: fixed sample_period ${st.firstPeriod} from the perf header (records print none)`);
    if (st.periodsSeen > 0 && st.periodsSeen < st.samples) {
      st.b.warnings.push(`${st.samples - st.periodsSeen} of ${st.samples} records of ${st.event || '(no event)'} had no period; weighted 1`);
    }
    const profile = st.b.finish({
      format: 'perf-script',
      encoding: 'perf script text',
      sampleTypes,
      defaultSampleType: hasPeriod ? 1 : 0,
      periodType: { type: st.event, unit: hasPeriod ? unit : 'count' },
      period: hasPeriod && st.periodsEqual ? (st.firstPeriod ?? 0) : 0,
      durationNanos: Number.isFinite(st.firstNs) ? st.lastNs - st.firstNs : 0,
      comments,
    });
    if (!hasPeriod) profile.samples.values = profile.samples.values.slice(0, 1);
    profiles.push({ event: st.event, weighting: hasPeriod ? 'period' : 'count', profile });
  }

  return {
    profiles,
    processes,
    threads,
    execs,
    forks,
    tracepoints,
    recordCounts,
    unparsedLines: res.unparsedLines,
    unparsedExamples: res.unparsedExamples,
    header: res.header,
  };
}
