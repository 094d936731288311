// The checklist's numbers from a Go execution trace, in one pass over Go's API events
// (analysis/trace/states.ts): stop-the-world pauses, GC CPU (background mark workers, mark
// assists, STW) and the mutator utilization it leaves, heap goal vs live heap after each GC,
// request latency (runtime/trace tasks), scheduler wait (runnable → running) per goroutine
// group, lock waits, processor busy time, GOMAXPROCS and the live goroutine count over time.
//
// GC utilization is computed here rather than with mmu.ts: Go's MutatorUtilizationV2 (which
// mmu.ts reproduces exactly) counts a background mark worker as GC once per label and once
// per start, so after the first worker runs its utilization can stay low for the rest of the
// trace (see analysis/trace/README.md). For a threshold the utilization must mean what it
// says: a P does GC work while it runs a dedicated or fractional mark worker, or a goroutine
// inside a mark assist, and every P does during a GC stop-the-world. Idle-priority mark
// workers only use otherwise idle Ps and are reported apart, as Go does.
//
// Times in the result are ns RELATIVE to the trace origin (the first generation's sync), the
// origin the Timeline view and its `timeRange` use.

import type { Generation } from '../../formats/gotrace/model';
import type { U64 } from '../../formats/gotrace/u64';
import { GoroutineSummarizer, isSystemGoroutine } from '../trace/goroutines';
import { stackOf, stackRootFunc, traceEvents, type GoState, type TraceEvent } from '../trace/states';
import { TimelineCollector } from '../trace/timeline';
import type { Where } from './types';
import { quantileSorted, round, sortedCopy } from './stats';

export interface PauseStats {
  count: number;
  totalNs: number;
  p50Ns: number | null;
  p99Ns: number | null;
  maxNs: number | null;
  /** The longest pause. */
  worst: { t0: number; t1: number; kind: string; where: Where } | null;
}

export interface WaitStats {
  samples: number;
  /** Sum of all the waits (ns). */
  totalNs: number;
  p50Ns: number | null;
  p99Ns: number | null;
  maxNs: number | null;
  /** The longest wait: which goroutine, when (relative ns), and its stack (leaf first). */
  worst: { goroutine: string; t0: number; t1: number; stack: string[]; where: Where } | null;
}

export interface SchedWaitGroup extends WaitStats {
  /** Start function of the goroutines. */
  name: string;
  goroutines: number;
}

export interface LatencyWindows {
  windowNs: number;
  /** Per window from the trace origin: nearest-rank p99 (null for an empty window) and sample count. */
  p99Ns: (number | null)[];
  counts: number[];
}

export interface HeapAfterGc {
  /** When the new goal was set (relative ns). */
  t: number;
  /** Heap live (marked) at the end of the cycle, bytes. */
  liveBytes: number;
  goalBytes: number;
}

export interface TraceEvidence {
  durationNs: number;
  gomaxprocs: { values: number[]; changes: { t: number; from: number; to: number; where: Where }[] };
  gcCycles: number;
  stw: { gc: PauseStats; other: PauseStats };
  gcCpu: {
    /** Shares of GOMAXPROCS × duration (0..1). share = background + assist + stw. */
    share: number;
    backgroundShare: number;
    assistShare: number;
    stwShare: number;
    idleMarkShare: number;
  };
  assist: {
    /** Execution time of application (non-runtime) goroutines, and the time goroutines ran mark assists. */
    appExecNs: number;
    assistNs: number;
    /** assistNs / appExecNs. */
    share: number;
    assists: number;
    worst: { goroutine: string; t0: number; t1: number; where: Where } | null;
  };
  /** Minimum mutator utilization per window (see the header comment for the definition). */
  mmu: { windowNs: number; mmu: number; where: Where | null }[];
  heapAfterGc: HeapAfterGc[];
  latency: {
    /** 'tasks': durations of the most common runtime/trace task; 'sched-wait': runnable → running waits. */
    source: 'tasks' | 'sched-wait';
    taskName: string | null;
    stats: WaitStats;
    windows: LatencyWindows[];
  };
  schedWait: { groups: SchedWaitGroup[]; all: WaitStats };
  lockWait: WaitStats;
  procs: {
    /** Running goroutines / (GOMAXPROCS × time), whole trace. */
    busyShare: number;
    binNs: number;
    /** Per bin: running share of capacity and runnable time / running time (null without running). */
    busy: number[];
    runnableToRunning: (number | null)[];
  };
  goroutines: {
    start: number;
    end: number;
    max: number;
    created: number;
    ended: number;
    series: { t: number; live: number }[];
    /** Goroutines created during the trace and still alive at its end, by start function and state. */
    survivors: { name: string; state: string; count: number }[];
  };
  where: Where;
}

/** MMU windows the evidence keeps (ms); a threshold window between them uses the next smaller one. */
export const MMU_WINDOWS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] as const;
/** Latency window lengths the evidence keeps (ms; the shorter ones only while a trace has at
 * most MAX_BINS windows of them). */
export const LATENCY_WINDOWS_MS = [50, 100, 200, 500, 1000] as const;

const MAX_BINS = 2000;
const SERIES_POINTS = 100;
const MAX_GROUPS = 20;
const MAX_HEAP_CYCLES = 500;

const LOCK_FRAME = /sync\.\(\*(RW)?Mutex\)\.(Lock|RLock|lockSlow|rLock)\b/;

interface G {
  id: string;
  state: GoState;
  name: string;
  created: number;
  ended: number;
  runnableSince: number;
  blockSince: number;
  blockReason: string;
  blockIsLock: boolean;
  blockStack: string[];
  inAssist: boolean;
  assistSince: number;
  workerMode: '' | 'dedicated' | 'fractional' | 'idle';
  gcBusy: boolean;
  assistBusy: boolean;
  idleBusy: boolean;
}

interface Point {
  t: number;
  util: number;
}

class Samples {
  g: number[] = [];
  t: number[] = [];
  d: number[] = [];
  push(g: number, t: number, d: number): void {
    this.g.push(g);
    this.t.push(t);
    this.d.push(d);
  }
}

const key = (id: U64): string => (typeof id === 'bigint' ? id.toString() : String(id));

function window(t0: number, t1: number, end: number): Where {
  // Show the interval with as much context on each side as it is long (at least 1 ms).
  const pad = Math.max(t1 - t0, 1e6);
  const a = Math.max(0, Math.floor(t0 - pad));
  const b = Math.min(Math.max(end, t1), Math.ceil(t1 + pad));
  return { view: 'timeline', timeRange: [a, b > a ? b : a + 1] };
}

class Collector {
  readonly timeline = new TimelineCollector();
  readonly summarizer = new GoroutineSummarizer();
  private readonly gs = new Map<string, G>();
  private readonly gList: G[] = [];
  private readonly gIndex = new Map<G, number>();
  private readonly waits = new Samples();
  private readonly locks = new Samples();
  private readonly tasks = new Map<string, { t: number; name: string }>();
  private readonly taskDone = new Map<string, { t: number[]; d: number[] }>();
  private readonly openStw = new Map<string, { t: number; kind: string; gc: boolean }>();
  readonly pauses: { t0: number; t1: number; kind: string; gc: boolean }[] = [];
  private readonly assistSpans: { g: string; t0: number; t1: number }[] = [];
  private procs = 0;
  readonly procChanges: { t: number; from: number; to: number }[] = [];
  readonly procValues: number[] = [];
  private stwGC = 0;
  private gcBusy = 0;
  private assistBusy = 0;
  private idleMark = 0;
  private running = 0;
  private runnable = 0;
  private lastT = NaN;
  private lastSync = NaN;
  readonly util: Point[] = [];
  private capacityNs = 0;
  private gcBusyNs = 0;
  private assistBusyNs = 0;
  private stwNs = 0;
  private idleMarkNs = 0;
  private runningNs = 0;
  private assistCount = 0;
  private readonly lockStacks: string[][] = [];
  private binNs = 100e6;
  private binCap: number[] = [];
  private binRun: number[] = [];
  private binRunnable: number[] = [];
  private lastHeap = NaN;
  private pendingGoal: { live: number } | null = null;
  readonly heap: HeapAfterGc[] = [];

  constructor(readonly origin: number) {}

  private g(id: U64, t: number, from: GoState | null): G {
    const k = key(id);
    let g = this.gs.get(k);
    if (g === undefined) {
      const existed = from === null || from === 'Undetermined';
      g = {
        id: k,
        state: 'NotExist',
        name: '',
        created: existed ? (Number.isNaN(this.lastSync) ? t : this.lastSync) : t,
        ended: NaN,
        runnableSince: NaN,
        blockSince: NaN,
        blockReason: '',
        blockIsLock: false,
        blockStack: [],
        inAssist: false,
        assistSince: NaN,
        workerMode: '',
        gcBusy: false,
        assistBusy: false,
        idleBusy: false,
      };
      this.gs.set(k, g);
      this.gIndex.set(g, this.gList.length);
      this.gList.push(g);
    }
    return g;
  }

  /** Integrates the current counts from lastT to t (whole trace and per bin). */
  private advance(t: number): void {
    if (Number.isNaN(this.lastT)) {
      this.lastT = t;
      return;
    }
    let a = this.lastT;
    if (t <= a) return;
    this.lastT = t;
    const procs = this.procs;
    if (procs <= 0) return;
    const dt = t - a;
    const run = Math.min(this.running, procs);
    this.capacityNs += procs * dt;
    this.runningNs += run * dt;
    if (this.stwGC > 0) this.stwNs += procs * dt;
    else {
      this.gcBusyNs += Math.min(this.gcBusy, procs) * dt;
      this.assistBusyNs += Math.min(this.assistBusy, procs) * dt;
      this.idleMarkNs += Math.min(this.idleMark, procs) * dt;
    }
    while (a < t) {
      const b = Math.floor((a - this.origin) / this.binNs);
      const e = Math.min(t, this.origin + (b + 1) * this.binNs);
      while (this.binCap.length <= b) {
        this.binCap.push(0);
        this.binRun.push(0);
        this.binRunnable.push(0);
      }
      this.binCap[b] += procs * (e - a);
      this.binRun[b] += run * (e - a);
      this.binRunnable[b] += this.runnable * (e - a);
      a = e;
    }
  }

  private pushUtil(t: number): void {
    if (this.procs <= 0) return;
    const util = this.stwGC > 0 ? 0 : 1 - Math.min(this.gcBusy, this.procs) / this.procs;
    const s = this.util;
    const n = s.length;
    if (n > 0 && s[n - 1].t === t) {
      // Only the state after the last event at a time lasts.
      s[n - 1] = { t, util };
      if (n > 1 && s[n - 2].util === util) s.pop();
      return;
    }
    if (n > 0 && s[n - 1].util === util) return;
    s.push({ t, util });
  }

  /** Re-derives whether g does GC work on a P now (and which kind). */
  private refresh(g: G): void {
    const runs = g.state === 'Running';
    const assist = runs && g.inAssist;
    const busy = assist || (runs && (g.workerMode === 'dedicated' || g.workerMode === 'fractional'));
    const idle = runs && !g.inAssist && g.workerMode === 'idle';
    if (busy !== g.gcBusy) {
      this.gcBusy += busy ? 1 : -1;
      g.gcBusy = busy;
    }
    if (assist !== g.assistBusy) {
      this.assistBusy += assist ? 1 : -1;
      g.assistBusy = assist;
    }
    if (idle !== g.idleBusy) {
      this.idleMark += idle ? 1 : -1;
      g.idleBusy = idle;
    }
  }

  event(e: TraceEvent): void {
    this.timeline.event(e);
    this.summarizer.event(e);
    const t = e.t;
    this.advance(t);
    switch (e.kind) {
      case 'sync':
        this.lastSync = t;
        break;
      case 'metric': {
        const v = Number(e.value);
        if (e.name === '/sched/gomaxprocs:threads') {
          if (this.procs !== v) {
            if (this.procs > 0) this.procChanges.push({ t, from: this.procs, to: v });
            if (!this.procValues.includes(v)) this.procValues.push(v);
            this.procs = v;
          }
        } else if (e.name === '/memory/classes/heap/objects:bytes') this.lastHeap = v;
        else if (e.name === '/gc/heap/goal:bytes' && this.pendingGoal !== null) {
          if (this.heap.length < MAX_HEAP_CYCLES) this.heap.push({ t: t - this.origin, liveBytes: this.pendingGoal.live, goalBytes: v });
          this.pendingGoal = null;
        }
        break;
      }
      case 'rangeBegin':
      case 'rangeActive': {
        if (e.name.startsWith('stop-the-world')) {
          const k = e.scope.kind === 'goroutine' && e.scope.id !== null ? key(e.scope.id) : '-';
          if (!this.openStw.has(k)) {
            const gc = e.name.includes('GC');
            this.openStw.set(k, { t: e.kind === 'rangeBegin' ? t : NaN, kind: e.name.slice('stop-the-world ('.length, -1), gc });
            if (gc) this.stwGC++;
          }
        } else if (e.name === 'GC mark assist' && e.scope.kind === 'goroutine' && e.scope.id !== null) {
          const g = this.g(e.scope.id, t, null);
          if (!g.inAssist) {
            if (e.kind === 'rangeBegin') this.assistCount++;
            g.inAssist = true;
            g.assistSince = e.kind === 'rangeBegin' ? t : NaN;
            this.refresh(g);
          }
        }
        break;
      }
      case 'rangeEnd': {
        if (e.name.startsWith('stop-the-world')) {
          const k = e.scope.kind === 'goroutine' && e.scope.id !== null ? key(e.scope.id) : '-';
          const open = this.openStw.get(k);
          if (open !== undefined) {
            this.openStw.delete(k);
            if (open.gc) this.stwGC--;
            if (!Number.isNaN(open.t)) this.pauses.push({ t0: open.t - this.origin, t1: t - this.origin, kind: open.kind, gc: open.gc });
          }
        } else if (e.name === 'GC mark assist' && e.scope.kind === 'goroutine' && e.scope.id !== null) {
          const g = this.g(e.scope.id, t, null);
          if (g.inAssist) {
            if (!Number.isNaN(g.assistSince)) this.assistSpans.push({ g: g.id, t0: g.assistSince - this.origin, t1: t - this.origin });
            g.inAssist = false;
            this.refresh(g);
          }
        } else if (e.name === 'GC concurrent mark phase') {
          this.pendingGoal = Number.isNaN(this.lastHeap) ? null : { live: this.lastHeap };
        }
        break;
      }
      case 'label':
        if (e.ctx.g !== null && e.label.startsWith('GC (')) {
          const g = this.g(e.ctx.g, t, null);
          g.workerMode = e.label === 'GC (dedicated)' ? 'dedicated' : e.label === 'GC (fractional)' ? 'fractional' : e.label === 'GC (idle)' ? 'idle' : '';
          this.refresh(g);
        }
        break;
      case 'taskBegin':
        this.tasks.set(key(e.id), { t, name: e.name });
        break;
      case 'taskEnd': {
        const open = this.tasks.get(key(e.id));
        if (open !== undefined) {
          this.tasks.delete(key(e.id));
          let d = this.taskDone.get(open.name);
          if (d === undefined) this.taskDone.set(open.name, (d = { t: [], d: [] }));
          d.t.push(t - this.origin);
          d.d.push(t - open.t);
        }
        break;
      }
      case 'go': {
        const g = this.g(e.id, t, e.from);
        if (g.name === '' && e.stack !== null) g.name = stackRootFunc(e.stack);
        const from = g.state;
        const to = e.to;
        if (from === to && from !== 'NotExist') break;
        if (from === 'Running') this.running--;
        if (from === 'Runnable') {
          this.runnable--;
          if (to === 'Running' && !Number.isNaN(g.runnableSince)) this.waits.push(this.gIndex.get(g)!, t - this.origin, t - g.runnableSince);
        }
        if (from === 'Waiting' && !Number.isNaN(g.blockSince) && g.blockIsLock) {
          this.locks.push(this.gIndex.get(g)!, t - this.origin, t - g.blockSince);
          this.lockStacks.push(g.blockStack);
        }
        g.state = to;
        g.runnableSince = NaN;
        g.blockSince = NaN;
        // First sight of a goroutine that already existed: like Go's summary, it has been in
        // this state since the generation's sync (the runtime emits its status lazily).
        const since = e.from === 'Undetermined' && from === 'NotExist' && !Number.isNaN(this.lastSync) ? this.lastSync : t;
        if (to === 'Running') this.running++;
        else if (to === 'Runnable') {
          this.runnable++;
          g.runnableSince = since;
        } else if (to === 'Waiting') {
          g.blockSince = since;
          g.blockReason = e.reason;
          g.blockIsLock = false;
          if (e.reason === 'sync') {
            const frames = stackOf(e.stack).map((f) => f.func);
            if (frames.some((f) => LOCK_FRAME.test(f))) {
              g.blockIsLock = true;
              g.blockStack = frames.slice(0, 8);
            }
          }
        } else if (to === 'NotExist') g.ended = t;
        this.refresh(g);
        break;
      }
      default:
        break;
    }
    this.pushUtil(t);
  }

  finish(): TraceEvidence {
    const origin = this.origin;
    const endAbs = Number.isNaN(this.lastT) ? origin : this.lastT;
    const end = endAbs - origin;
    if (this.procs > 0) this.util.push({ t: endAbs, util: this.util.length > 0 ? this.util[this.util.length - 1].util : 1 });
    const summary = this.summarizer.finish();
    const nameOf = new Map<string, string>();
    for (const s of summary.goroutines) nameOf.set(key(s.id), s.name);
    const name = (g: G) => nameOf.get(g.id) ?? g.name;
    const isApp = (g: G) => !isSystemGoroutine(name(g));

    // Stop-the-world pauses.
    const pauseStats = (ps: { t0: number; t1: number; kind: string }[]): PauseStats => {
      if (ps.length === 0) return { count: 0, totalNs: 0, p50Ns: null, p99Ns: null, maxNs: null, worst: null };
      const d = sortedCopy(ps.map((p) => p.t1 - p.t0));
      let worst = ps[0];
      let total = 0;
      for (const p of ps) {
        total += p.t1 - p.t0;
        if (p.t1 - p.t0 > worst.t1 - worst.t0) worst = p;
      }
      return {
        count: ps.length,
        totalNs: total,
        p50Ns: quantileSorted(d, 0.5),
        p99Ns: quantileSorted(d, 0.99),
        maxNs: d[d.length - 1],
        worst: { t0: worst.t0, t1: worst.t1, kind: worst.kind, where: window(worst.t0, worst.t1, end) },
      };
    };

    // Waits (runnable → running) per goroutine group.
    const waitStats = (s: Samples, idx: number[], stackOfG?: (i: number) => string[]): WaitStats => {
      if (idx.length === 0) return { samples: 0, totalNs: 0, p50Ns: null, p99Ns: null, maxNs: null, worst: null };
      const d = sortedCopy(idx.map((i) => s.d[i]));
      let total = 0;
      for (const x of d) total += x;
      let w = idx[0];
      for (const i of idx) if (s.d[i] > s.d[w]) w = i;
      const g = this.gList[s.g[w]];
      const t1 = s.t[w];
      const t0 = t1 - s.d[w];
      const where = window(t0, t1, end);
      where.goroutine = g.id;
      return {
        samples: idx.length,
        totalNs: total,
        p50Ns: quantileSorted(d, 0.5),
        p99Ns: quantileSorted(d, 0.99),
        maxNs: d[d.length - 1],
        worst: { goroutine: g.id, t0, t1, stack: stackOfG ? stackOfG(w) : [], where },
      };
    };
    const appWaits: number[] = [];
    const byGroup = new Map<string, number[]>();
    for (let i = 0; i < this.waits.d.length; i++) {
      const g = this.gList[this.waits.g[i]];
      if (!isApp(g)) continue;
      appWaits.push(i);
      const n = name(g);
      let a = byGroup.get(n);
      if (a === undefined) byGroup.set(n, (a = []));
      a.push(i);
    }
    const groupCount = new Map<string, number>();
    for (const g of this.gList) if (isApp(g)) groupCount.set(name(g), (groupCount.get(name(g)) ?? 0) + 1);
    const groups: SchedWaitGroup[] = [...byGroup].map(([n, idx]) => ({ name: n, goroutines: groupCount.get(n) ?? 0, ...waitStats(this.waits, idx) }));
    groups.sort((a, b) => (b.p99Ns ?? 0) - (a.p99Ns ?? 0) || b.samples - a.samples);

    // Lock waits (sync.Mutex / RWMutex), with the blocked stack.
    const lockWait = waitStats(
      this.locks,
      this.locks.d.map((_, i) => i),
      (i) => this.lockStacks[i],
    );

    // Latency: the most common completed task, else scheduler waits of application goroutines.
    let taskName: string | null = null;
    let lt: number[] = [];
    let ld: number[] = [];
    for (const [n, d] of this.taskDone) {
      if (d.d.length > ld.length) {
        taskName = n;
        lt = d.t;
        ld = d.d;
      }
    }
    let latencyStats: WaitStats;
    if (taskName !== null) {
      const s = new Samples();
      for (let i = 0; i < ld.length; i++) s.push(0, lt[i], ld[i]);
      const st = waitStats(s, ld.map((_, i) => i));
      if (st.worst) {
        st.worst.goroutine = '';
        delete st.worst.where.goroutine;
      }
      latencyStats = st;
    } else {
      lt = appWaits.map((i) => this.waits.t[i]);
      ld = appWaits.map((i) => this.waits.d[i]);
      latencyStats = waitStats(this.waits, appWaits);
    }
    // Window lengths that cut the trace into at most MAX_BINS windows (the evidence stays small).
    const lengths = LATENCY_WINDOWS_MS.filter((ms, i) => i === LATENCY_WINDOWS_MS.length - 1 || Math.ceil(end / (ms * 1e6)) <= MAX_BINS);
    const windows: LatencyWindows[] = lengths.map((ms) => {
      const w = ms * 1e6;
      const n = Math.max(1, Math.ceil(end / w));
      const per: number[][] = Array.from({ length: n }, () => []);
      for (let i = 0; i < lt.length; i++) per[Math.min(n - 1, Math.max(0, Math.floor(lt[i] / w)))].push(ld[i]);
      return {
        windowNs: w,
        p99Ns: per.map((a) => (a.length === 0 ? null : quantileSorted(sortedCopy(a), 0.99))),
        counts: per.map((a) => a.length),
      };
    });

    // Mark assists: time goroutines ran inside an assist (waiting for mark work inside the
    // assist range is not CPU) against the execution time of application goroutines.
    let appExec = 0;
    for (const s of summary.goroutines) if (!isSystemGoroutine(s.name)) appExec += s.execNs;
    const assistApp = this.assistBusyNs;
    let worstAssist: TraceEvidence['assist']['worst'] = null;
    for (const a of this.assistSpans) {
      if (worstAssist === null || a.t1 - a.t0 > worstAssist.t1 - worstAssist.t0) {
        const where = window(a.t0, a.t1, end);
        where.goroutine = a.g;
        worstAssist = { goroutine: a.g, t0: a.t0, t1: a.t1, where };
      }
    }

    // Live goroutines over time (application goroutines; created/ended inside the trace).
    const deltas: { t: number; d: number }[] = [];
    let created = 0;
    let ended = 0;
    for (const g of this.gList) {
      if (!isApp(g)) continue;
      const c = Math.max(0, g.created - origin);
      deltas.push({ t: c, d: 1 });
      if (g.created > origin) created++;
      if (!Number.isNaN(g.ended)) {
        deltas.push({ t: g.ended - origin, d: -1 });
        ended++;
      }
    }
    deltas.sort((a, b) => a.t - b.t || b.d - a.d);
    let live = 0;
    let max = 0;
    let startLive = 0;
    const series: { t: number; live: number }[] = [];
    let k = 0;
    for (let i = 0; i <= SERIES_POINTS; i++) {
      const at = (end * i) / SERIES_POINTS;
      while (k < deltas.length && deltas[k].t <= at) {
        live += deltas[k].d;
        if (live > max) max = live;
        k++;
      }
      if (i === 0) startLive = live;
      series.push({ t: Math.round(at), live });
    }
    while (k < deltas.length) {
      live += deltas[k].d;
      if (live > max) max = live;
      k++;
    }
    const survivorCount = new Map<string, { name: string; state: string; count: number }>();
    for (const g of this.gList) {
      if (!isApp(g) || g.created <= origin || !Number.isNaN(g.ended)) continue;
      const state = g.state === 'Waiting' ? g.blockReason || 'waiting' : g.state.toLowerCase();
      const k2 = `${name(g)}\u0000${state}`;
      const s = survivorCount.get(k2) ?? { name: name(g), state, count: 0 };
      s.count++;
      survivorCount.set(k2, s);
    }
    const survivors = [...survivorCount.values()].sort((a, b) => b.count - a.count).slice(0, 5);

    // MMU per window, with the worst window's position.
    const mmuList = MMU_WINDOWS_MS.map((ms) => {
      const r = minUtil(this.util, ms * 1e6);
      return { windowNs: ms * 1e6, mmu: round(r.mmu, 4), where: r.t0 === null ? null : window(r.t0 - origin, r.t0 - origin + ms * 1e6, end) };
    });

    // Processor bins, merged so that there are at most MAX_BINS.
    let binNs = this.binNs;
    let cap = this.binCap;
    let run = this.binRun;
    let rbl = this.binRunnable;
    while (cap.length > MAX_BINS) {
      const m = (a: number[]) => Array.from({ length: Math.ceil(a.length / 2) }, (_, i) => a[2 * i] + (a[2 * i + 1] ?? 0));
      cap = m(cap);
      run = m(run);
      rbl = m(rbl);
      binNs *= 2;
    }

    const cap0 = this.capacityNs;
    const share = (x: number) => (cap0 > 0 ? round(x / cap0, 4) : 0);
    const gcShare = share(this.gcBusyNs + this.stwNs);
    return {
      durationNs: end,
      gomaxprocs: {
        values: this.procValues,
        changes: this.procChanges.map((c) => ({ t: c.t - origin, from: c.from, to: c.to, where: window(c.t - origin, c.t - origin, end) })),
      },
      gcCycles: this.timeline.finish().gc.length,
      stw: { gc: pauseStats(this.pauses.filter((p) => p.gc)), other: pauseStats(this.pauses.filter((p) => !p.gc)) },
      gcCpu: {
        share: gcShare,
        backgroundShare: share(this.gcBusyNs - this.assistBusyNs),
        assistShare: share(this.assistBusyNs),
        stwShare: share(this.stwNs),
        idleMarkShare: share(this.idleMarkNs),
      },
      assist: { appExecNs: appExec, assistNs: assistApp, share: appExec > 0 ? round(Math.min(1, assistApp / appExec), 4) : 0, assists: this.assistCount, worst: worstAssist },
      mmu: mmuList,
      heapAfterGc: this.heap,
      latency: { source: taskName !== null ? 'tasks' : 'sched-wait', taskName, stats: latencyStats, windows },
      schedWait: { groups: groups.slice(0, MAX_GROUPS), all: waitStats(this.waits, appWaits) },
      lockWait,
      procs: {
        busyShare: share(this.runningNs),
        binNs,
        busy: cap.map((c, i) => (c > 0 ? round(run[i] / c, 4) : 0)),
        runnableToRunning: run.map((r, i) => (r > 0 ? round(rbl[i] / r, 3) : null)),
      },
      goroutines: { start: startLive, end: live, max, created, ended, series, survivors },
      where: { view: 'timeline' },
    };
  }
}

/**
 * Minimum mean utilization over windows of windowNs, and where the worst window starts
 * (absolute ns). The mean over a window is piecewise linear in its start, so the minimum is
 * at a start or end meeting a step of the function.
 */
export function minUtil(s: readonly Point[], windowNs: number): { mmu: number; t0: number | null } {
  if (s.length < 2) return { mmu: 1, t0: null };
  const start = s[0].t;
  const end = s[s.length - 1].t;
  const w = Math.min(windowNs, end - start);
  if (w <= 0) return { mmu: 1, t0: null };
  const F = new Float64Array(s.length);
  for (let i = 1; i < s.length; i++) F[i] = F[i - 1] + s[i - 1].util * (s[i].t - s[i - 1].t);
  const integral = (t: number): number => {
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid].t <= t) lo = mid;
      else hi = mid - 1;
    }
    return F[lo] + s[lo].util * (t - s[lo].t);
  };
  let best = Infinity;
  let at: number | null = null;
  const last = end - w;
  const tryAt = (x: number) => {
    if (x < start || x > last) return;
    const m = (integral(x + w) - integral(x)) / w;
    if (m < best) {
      best = m;
      at = x;
    }
  };
  tryAt(start);
  tryAt(last);
  for (const p of s) {
    tryAt(p.t);
    tryAt(p.t - w);
  }
  return { mmu: Math.max(0, Math.min(1, best)), t0: at };
}

/** The checklist's numbers of one trace (the generations as decoded, the partial one included). */
export function traceEvidence(gens: Generation[]): TraceEvidence {
  let origin = Infinity;
  for (const g of gens) origin = Math.min(origin, g.syncTimeNs);
  if (!Number.isFinite(origin)) origin = 0;
  const c = new Collector(origin);
  traceEvents(gens, (e) => c.event(e));
  return c.finish();
}
