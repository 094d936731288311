// The decoded `perf script` dump: one StackProfile per event (never summed across events),
// plus the process/thread/exec facts the dump reveals. Built straight from scan.ts's
// records (frame ids, no record objects), from the whole text (decodePerfScript) or from
// chunks as they arrive (PerfDecoder).

import { ProfileBuilder, type LabelInput, type LabelSet } from '../../model/builder';
import { FuncKind, type StackProfile, type ValueType } from '../../model/profile';
import type { ProgressFn } from '../errors';
import { parseTracepointFields, type HeaderParse, type PerfFrame, type PerfHeaderInfo } from './grammar';
import { PART_BLOCK, PartScanner, perfBlocks, perfSplitPoint, type PerfPart, type PerfPartJob, type PerfPartRunner } from './part';
import { PerfScanner, type ScannedRecord } from './scan';

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
  /** false: no remembered frame lines, the grammar on every line (tests compare both). */
  lineCache?: boolean;
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
  /** Function ids by kind, then name. */
  readonly funcs: Map<string, number>[] = [];
  /** Mapping and kind of each dso seen. */
  readonly dsos = new Map<string, { mapping: number; kind: number }>();
  /** Locations of inline groups (and of frames without a dso), by printed fields. */
  readonly locs = new Map<string, number>();
  /** Locations of plain frames with a dso, by address; plainFrames[loc] is the frame. */
  private readonly byAddr = new Map<string, number[]>();
  private readonly plainFrames: PerfFrame[] = [];
  /** Frame id (scan.ts) → location of that frame standing alone (-1: not made yet). */
  locOfFrame = new Int32Array(1024).fill(-1);
  /** Interned label lists by tid * 65536 + cpu, with the comm and pid they were made for. */
  readonly labelSets = new Map<number, { comm: string; pid: number | undefined; set: LabelSet }>();
  constructor(readonly event: string) {
    // Replaced when it grows: replacing it once now keeps V8 from treating it as a constant
    // and throwing away the optimized record path the first time it does (see scan.ts).
    this.locOfFrame = new Int32Array(this.locOfFrame.length).fill(-1);
  }

  /** The location of a frame that is not part of an inline group. */
  plainLocation(fid: number, f0: PerfFrame): number {
    if (fid < this.locOfFrame.length) {
      const known = this.locOfFrame[fid];
      if (known >= 0) return known;
    } else {
      let n = this.locOfFrame.length;
      while (n <= fid) n *= 2;
      const next = new Int32Array(n).fill(-1);
      next.set(this.locOfFrame);
      this.locOfFrame = next;
    }
    // Frames printed alike but for whitespace are one location. Equal frames have equal
    // addresses, so the candidates are found by address and compared field by field.
    // Frames without a dso share inlineGroups' keyed table: a lone `(inlined)` frame's key
    // there has the same form, and the two must meet (as they always have).
    let loc: number | undefined;
    if (f0.dso === '') {
      const key = `${f0.addr}\u0000\u0000${f0.symbol}\u0001${f0.offset}`;
      loc = this.locs.get(key);
      if (loc === undefined) this.locs.set(key, (loc = this.newLocation(f0)));
    } else {
      const same = this.byAddr.get(f0.addr);
      if (same !== undefined) {
        for (const c of same) {
          const g = this.plainFrames[c];
          if (g.dso === f0.dso && g.symbol === f0.symbol && g.offset === f0.offset) {
            loc = c;
            break;
          }
        }
      }
      if (loc === undefined) {
        loc = this.newLocation(f0);
        this.plainFrames[loc] = f0;
        if (same === undefined) this.byAddr.set(f0.addr, [loc]);
        else same.push(loc);
      }
    }
    this.locOfFrame[fid] = loc;
    return loc;
  }

  private newLocation(f0: PerfFrame): number {
    let d = this.dsos.get(f0.dso);
    if (d === undefined) {
      d = { mapping: this.mapping(f0.dso), kind: dsoKind(f0.dso) };
      this.dsos.set(f0.dso, d);
    }
    return this.b.location(BigInt('0x' + (f0.addr || '0')), d.mapping, [{ func: this.func(f0, d.kind) }]);
  }

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
    const byName = this.funcs[kind] ?? (this.funcs[kind] = new Map());
    let id = byName.get(name);
    if (id === undefined) {
      // systemName '' keeps perf's demangled name verbatim (no pprof C++ simplification).
      id = this.b.func(name, { systemName: '', kind });
      byName.set(name, id);
    }
    return id;
  }
}

function labelsOf(r: HeaderParse): LabelInput[] {
  const l: LabelInput[] = [{ key: 'comm', str: r.comm }];
  if (r.pid !== undefined) l.push({ key: 'pid', num: r.pid });
  l.push({ key: 'tid', num: r.tid });
  if (r.cpu !== undefined) l.push({ key: 'cpu', num: r.cpu });
  return l;
}

/** The sample's labels, interned once per (tid, cpu, comm, pid) in the event's builder. */
function labelsFor(st: EventState, r: HeaderParse): LabelInput[] | LabelSet {
  const cpu = r.cpu ?? 65535;
  if (r.tid < -1 || r.tid >= 2 ** 31 || cpu > 65535) return labelsOf(r);
  const key = r.tid * 65536 + cpu;
  const c = st.labelSets.get(key);
  if (c !== undefined && c.comm === r.comm && c.pid === r.pid) return c.set;
  const set = st.b.labelSet(labelsOf(r));
  st.labelSets.set(key, { comm: r.comm, pid: r.pid, set });
  return set;
}

function num(v: string | undefined): number {
  if (v === undefined) return NaN;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : NaN;
}

/** 1e9 read from a Float64Array: the multiply is then compiled for doubles from the first
 * record on; with a small-integer literal it deoptimizes the whole record path once the
 * times pass 2^31 ns (~2 s into the dump) and runs unoptimized until recompiled. */
const NS_PER_SEC = new Float64Array([1e9]);

/** What decode keeps per event name (looked up once per record). */
interface EventInfo {
  name: string;
  records: number;
  /** Counted in `tracepoints` even without a payload. */
  tracepointName: boolean;
  /** `PERF_RECORD_*` side-band records: counted, not sampled. */
  sideband: boolean;
  /** The name after its first `:` (`sched_process_exec` of `sched:sched_process_exec`). */
  base: string;
  state: EventState | null;
}

/**
 * Decodes `perf script` text pushed in chunks (decodePerfScript pushes one): records go
 * straight from the scanner into one ProfileBuilder per event, no record objects between.
 */
export class PerfDecoder {
  private readonly scanner: PerfScanner;
  private readonly infos = new Map<string, EventInfo>();
  private lastInfo: EventInfo | null = null;
  private readonly processes = new Map<number, string[]>();
  private readonly threads = new Map<number, { pid: number | undefined; comm: string }>();
  private readonly execs: PerfExec[] = [];
  private readonly forks: PerfFork[] = [];
  private readonly tracepoints = new Map<string, number>();
  private t0: { sec: number; nsec: number } | null = null;
  private lastTid = NaN;
  private lastComm = '';
  private lastPid: number | undefined;
  private fixedPeriods: Record<string, number> = {};
  // Reused per sample (the builder copies what it is given): locations, their views by
  // length, the values.
  private locBuf = new Int32Array(256);
  private locViews: Int32Array[] = [];
  private readonly values = [1, 1];

  constructor(opts: DecodePerfOptions & { total?: number } = {}) {
    this.locBuf = new Int32Array(this.locBuf.length); // replaced when it grows (see EventState)
    this.locViews = [];
    this.scanner = new PerfScanner((r) => this.record(r), {
      onProgress: opts.onProgress,
      total: opts.total,
      onHeader: (h) => {
        if (h) this.fixedPeriods = h.fixedPeriods;
      },
      lineCache: opts.lineCache,
      timeText: false,
    });
  }

  push(chunk: Uint8Array): void {
    this.scanner.push(chunk);
  }

  /** Records so far. */
  get records(): number {
    return this.scanner.records;
  }

  /**
   * Takes parts scanned elsewhere as the next input: `scanned` is one scan's parts in the
   * order it made them (their frame tables chain), `inOrder` the same parts in input order.
   */
  absorb(scanned: PerfPart[], inOrder: PerfPart[] = scanned): void {
    if (scanned.length === 0) return;
    const fidBase = this.scanner.frames.length;
    for (const part of scanned) {
      if (this.scanner.frames.length !== fidBase + part.frameBase) throw new Error('PerfDecoder.absorb: parts of one scan, in scan order');
      this.scanner.absorbFrames(part);
    }
    for (const part of inOrder) this.scanner.absorbRecords(part, fidBase);
  }

  /** How many lines the scanner's byte shortcuts took, and how many the grammar. */
  get stats(): { shortcutLines: number; grammarLines: number } {
    return this.scanner.stats;
  }

  private info(event: string): EventInfo {
    const last = this.lastInfo;
    if (last !== null && last.name === event) return last;
    let i = this.infos.get(event);
    if (i === undefined) {
      i = { name: event, records: 0, tracepointName: isTracepointName(event), sideband: event.startsWith('PERF_RECORD_'), base: event.slice(event.indexOf(':') + 1), state: null };
      this.infos.set(event, i);
    }
    this.lastInfo = i;
    return i;
  }

  private record(rec: ScannedRecord): void {
    const r = rec.head;
    const info = this.info(r.event);
    info.records++;
    // processes / threads (nothing to update when the previous record was the same thread
    // under the same name: consecutive samples mostly are)
    if (r.tid !== this.lastTid || r.comm !== this.lastComm || r.pid !== this.lastPid) {
      this.lastTid = r.tid;
      this.lastComm = r.comm;
      this.lastPid = r.pid;
      const pidKey = r.pid ?? r.tid;
      if (pidKey !== -1) {
        let comms = this.processes.get(pidKey);
        if (!comms) this.processes.set(pidKey, (comms = []));
        if (comms[comms.length - 1] !== r.comm && !comms.includes(r.comm)) comms.push(r.comm);
      }
      if (r.tid !== -1) {
        const t = this.threads.get(r.tid);
        if (!t) this.threads.set(r.tid, { pid: r.pid, comm: r.comm });
        else {
          t.comm = r.comm;
          if (r.pid !== undefined) t.pid = r.pid;
        }
      }
    }
    const payload = rec.payload;
    if (payload !== '' || info.tracepointName) this.tracepoints.set(r.event, (this.tracepoints.get(r.event) ?? 0) + 1);
    if (payload !== '') this.lifecycle(r, info.base, payload);

    // Side-band records (PERF_RECORD_COMM, _MMAP2, _FORK, …) are not samples.
    if (info.sideband) return;

    // the sample
    let st = info.state;
    if (st === null) st = info.state = new EventState(r.event);
    let timeNs: number | undefined;
    if (r.time) {
      if (this.t0 === null) this.t0 = { sec: r.time.sec, nsec: r.time.nsec };
      timeNs = (r.time.sec - this.t0.sec) * NS_PER_SEC[0] + (r.time.nsec - this.t0.nsec);
      if (timeNs < st.firstNs) st.firstNs = timeNs;
      if (timeNs > st.lastNs) st.lastNs = timeNs;
    }
    if (r.period !== undefined) {
      st.periodsSeen++;
      if (st.firstPeriod === undefined) st.firstPeriod = r.period;
      else if (st.firstPeriod !== r.period) st.periodsEqual = false;
    }
    const n = rec.frameCount;
    if (this.locBuf.length < n) {
      this.locBuf = new Int32Array(Math.max(n, this.locBuf.length * 2));
      this.locViews = [];
    }
    const locs = this.locBuf;
    const fids = rec.frames;
    const table = this.scanner.frames;
    const inlined = this.scanner.inlined;
    let count = 0;
    let k = 0;
    for (; k < n; k++) {
      const fid = fids[k];
      if (inlined[fid] === 1) break;
      const known = fid < st.locOfFrame.length ? st.locOfFrame[fid] : -1;
      locs[count++] = known >= 0 ? known : st.plainLocation(fid, table[fid]);
    }
    if (k < n) count = this.inlineGroups(st, rec);
    st.samples++;
    let period = r.period;
    if (period === undefined) {
      const fixed = this.fixedPeriods[r.event];
      if (fixed !== undefined) {
        period = fixed;
        st.periodsSeen++;
        st.fromHeader = true;
        if (st.firstPeriod === undefined) st.firstPeriod = fixed;
        else if (st.firstPeriod !== fixed) st.periodsEqual = false;
      }
    }
    const view = this.locViews[count] ?? (this.locViews[count] = this.locBuf.subarray(0, count));
    this.values[1] = period ?? 1;
    st.b.sample(view, this.values, labelsFor(st, r), timeNs);
  }

  /**
   * Locations of a record with `(inlined)` frames into locBuf; returns their number.
   * perf prints inlined callees first, then the containing frame, all at one address.
   */
  private inlineGroups(st: EventState, rec: ScannedRecord): number {
    const fr: PerfFrame[] = [];
    for (let k = 0; k < rec.frameCount; k++) fr.push(this.scanner.frames[rec.frames[k]]);
    let count = 0;
    let i = 0;
    while (i < fr.length) {
      const f0 = fr[i];
      if (!f0.inlined) {
        this.locBuf[count++] = st.plainLocation(rec.frames[i], f0);
        i++;
        continue;
      }
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
        const fs = group.map((g) => ({ func: st.func(g.inlined && !outer ? { ...g, dso } : g, kind) }));
        loc = st.b.location(BigInt('0x' + (group[0].addr || '0')), m, fs);
        st.locs.set(key, loc);
      }
      this.locBuf[count++] = loc;
      i += group.length;
    }
    return count;
  }

  /** Exec and fork tracepoints (the process-replacement evidence). */
  private lifecycle(r: HeaderParse, base: string, payload: string): void {
    const timeSec = r.time ? r.time.sec + r.time.nsec / 1e9 : NaN;
    if (base === 'sys_enter_execve' || base === 'sched_process_exec' || base === 'sys_enter_execveat') {
      const f = parseTracepointFields(payload);
      const pid = r.pid ?? r.tid;
      this.execs.push({
        pid: base === 'sched_process_exec' && f.pid !== undefined ? num(f.pid) : pid,
        oldPid: base === 'sched_process_exec' && f.old_pid !== undefined ? num(f.old_pid) : pid,
        comm: r.comm,
        timeSec,
        filename: f.filename ?? '',
        event: r.event,
      });
    } else if (base === 'sched_process_fork') {
      const f = parseTracepointFields(payload);
      this.forks.push({
        parentPid: num(f.pid),
        childPid: num(f.child_pid),
        parentComm: f.comm ?? '',
        childComm: f.child_comm ?? '',
        timeSec,
      });
    }
  }

  /** Ends the input; the per-event profiles and the process facts. */
  finish(): PerfDump {
    const res = this.scanner.end();
    const recordCounts = new Map<string, number>();
    for (const i of this.infos.values()) recordCounts.set(i.name, i.records);
    const profiles: PerfEventProfile[] = [];
    for (const info of this.infos.values()) {
      const st = info.state;
      if (st === null) continue;
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
      processes: this.processes,
      threads: this.threads,
      execs: this.execs,
      forks: this.forks,
      tracepoints: this.tracepoints,
      recordCounts,
      unparsedLines: res.unparsedLines,
      unparsedExamples: res.unparsedExamples,
      header: res.header,
    };
  }
}

export function decodePerfScript(bytes: Uint8Array, opts: DecodePerfOptions = {}): PerfDump {
  const d = new PerfDecoder({ ...opts, total: bytes.length });
  d.push(bytes);
  return d.finish();
}

export interface ParallelDecodeOptions extends DecodePerfOptions {
  /** Scans blocks of the second part elsewhere; without it the decode is serial. */
  runPart?: PerfPartRunner;
  /** Split here instead of at perfSplitPoint's choice (tests: splits of small inputs). */
  splitAt?: number;
  /** Block size of the second part (tests: many blocks in small inputs). */
  block?: number;
}

/**
 * decodePerfScript on two threads (see part.ts): the same dump, sooner. Serial when the
 * input is small, has no blank line near its middle, or no runner is given. Once done
 * with its own part, this thread scans blocks of the second part from the end until it
 * meets the other thread (all of them when the runner fails).
 */
export async function decodePerfScriptParallel(bytes: Uint8Array, opts: ParallelDecodeOptions = {}): Promise<PerfDump> {
  const at = opts.runPart === undefined ? -1 : (opts.splitAt ?? perfSplitPoint(bytes));
  if (at < 0) return decodePerfScript(bytes, opts);
  const rest = bytes.subarray(at);
  const block = opts.block ?? PART_BLOCK;
  let job: PerfPartJob;
  try {
    job = opts.runPart!(rest, block);
  } catch {
    return decodePerfScript(bytes, opts);
  }
  const onProgress = opts.onProgress;
  // Never backwards: what is reported while the first part is scanned is an estimate.
  let shown = 0;
  const report = (done: number) => {
    shown = Math.max(shown, Math.min(done, bytes.length));
    onProgress?.(shown, bytes.length);
  };
  const d = new PerfDecoder({
    ...opts,
    total: bytes.length,
    // The other part is scanned meanwhile, at about the same pace: counted as done alike.
    onProgress: onProgress && ((done) => report(done + Math.min(done, rest.length))),
  });
  d.push(bytes.subarray(0, at));
  // A first part without a record may end inside the header block: then the rest is
  // scanned here, in order.
  if (d.records === 0) {
    job.limit(0);
    d.push(rest);
    return d.finish();
  }
  const grid = perfBlocks(rest, block);
  const blocks = grid.length - 1;
  // Blocks [claimed, blocks) are this thread's, scanned from the last one back.
  let claimed = blocks;
  const mine: PerfPart[] = [];
  const tail = new PartScanner();
  for (;;) {
    const p = await job.progress();
    if (onProgress) report(at + grid[Math.min(p.blocks, claimed)] + (rest.length - grid[claimed]));
    if (p.stopped || p.blocks >= claimed) break;
    claimed--;
    job.limit(claimed);
    mine.push(tail.scan(rest.subarray(grid[claimed], grid[claimed + 1]), claimed === blocks - 1));
  }
  let theirs: PerfPart[] = [];
  try {
    theirs = (await job.parts()).slice(0, claimed);
  } catch {
    theirs = [];
  }
  d.absorb(theirs);
  // Blocks neither thread has scanned (the other thread failed or stopped early).
  if (theirs.length < claimed) d.push(rest.subarray(grid[theirs.length], grid[claimed]));
  d.absorb(mine, [...mine].reverse());
  return d.finish();
}
