// Per-goroutine execution statistics with the semantics of Go's internal/trace summary
// (summary.go, used by `go tool trace`'s goroutine analysis pages): execution time,
// scheduler wait, block time by reason, syscall time, syscall-blocked time, total time,
// time inside ranges (GC mark assist, incremental sweep, stop-the-world), user regions and
// tasks. Times are ns; 0 in the *Ns "time of" fields means "unset", exactly like Go's.
//
// Written from the documented semantics (docs/go-execution-trace-format.md) and Go's
// behaviour; verified against Go's own summarizer on real traces (tests/unit/trace-*.test.ts).

import type { Generation } from '../../formats/gotrace/model.ts';
import { U64_MAX, type U64 } from '../../formats/gotrace/u64.ts';
import { stackRootFunc, traceEvents, type GoTransition, type TraceEvent } from './states.ts';
import { IdIndex } from '../../formats/gotrace/idIndex.ts';
import { StringInterner } from '../../model/builder.ts';

export interface GoroutineExecStats {
  execNs: number;
  schedWaitNs: number;
  blockNs: Record<string, number>;
  syscallNs: number;
  syscallBlockNs: number;
  /** Presence in the trace (overlaps the others). */
  totalNs: number;
  /** Time inside named ranges (overlaps the others). */
  rangeNs: Record<string, number>;
}

export interface UserRegionSummary extends GoroutineExecStats {
  task: U64;
  name: string;
  /** Start / end times (0 = unknown: started before the trace / never ended). */
  startNs: number;
  endNs: number;
}

export interface GoroutineSummary extends GoroutineExecStats {
  id: U64;
  /** Start function: root frame of the first stack seen for the goroutine ('' = none). */
  name: string;
  creationNs: number;
  /** First time it ran (0 = never). */
  startNs: number;
  /** Time it exited or blocked forever (0 = never). */
  endNs: number;
  regions: UserRegionSummary[];
}

export interface UserTaskSummary {
  id: U64;
  name: string;
  parent: U64 | null;
  children: U64[];
  startNs: number;
  endNs: number;
  logs: number;
  goroutines: U64[];
  regions: number;
}

/** Go's IsSystemGoroutine. */
export function isSystemGoroutine(entryFn: string): boolean {
  return entryFn === '' || (entryFn !== 'runtime.main' && entryFn.startsWith('runtime.'));
}

function emptyStats(): GoroutineExecStats {
  return { execNs: 0, schedWaitNs: 0, blockNs: {}, syscallNs: 0, syscallBlockNs: 0, totalNs: 0, rangeNs: {} };
}

function cloneStats(s: GoroutineExecStats): GoroutineExecStats {
  return { ...s, blockNs: { ...s.blockNs }, rangeNs: { ...s.rangeNs } };
}

function add(m: Record<string, number>, k: string, v: number): void {
  m[k] = (m[k] ?? 0) + v;
}

/** a − b (keys of a only, like Go's sub). */
export function subStats(a: GoroutineExecStats, b: GoroutineExecStats): GoroutineExecStats {
  const r = cloneStats(a);
  r.execNs -= b.execNs;
  r.schedWaitNs -= b.schedWaitNs;
  for (const k of Object.keys(a.blockNs)) r.blockNs[k] -= b.blockNs[k] ?? 0;
  r.syscallNs -= b.syscallNs;
  r.syscallBlockNs -= b.syscallBlockNs;
  r.totalNs -= b.totalNs;
  for (const k of Object.keys(a.rangeNs)) r.rangeNs[k] -= b.rangeNs[k] ?? 0;
  return r;
}

/** Block time summed over reasons (the goroutine table's column). */
export function blockedNs(s: Pick<GoroutineExecStats, 'blockNs'>): number {
  let sum = 0;
  for (const v of Object.values(s.blockNs)) sum += v;
  return sum;
}

/** Whatever isn't accounted for in totalNs (Go's UnknownTime). */
export function unknownNs(s: GoroutineExecStats): number {
  let sum = s.execNs + s.schedWaitNs + s.syscallNs + s.syscallBlockNs;
  for (const v of Object.values(s.blockNs)) sum += v;
  return sum < s.totalNs ? s.totalNs - sum : 0;
}

// Memory and speed: a big trace has hundreds of thousands of goroutines and tens of millions
// of transitions, so the summarizer keeps each goroutine's numbers in typed arrays indexed by
// a dense number (its summary's index) and what few goroutines have — range times, user
// regions, active regions — in side tables; finish() builds the summary objects. Per-goroutine
// objects updated on every transition were most of the summary's time and of the trace's GC.
const NO_REGIONS: UserRegionSummary[] = Object.freeze([]) as unknown as UserRegionSummary[];
const NO_RANGES: Record<string, number> = Object.freeze({}) as Record<string, number>;

interface ActiveRegion {
  task: U64;
  name: string;
  startNs: number;
  base: GoroutineExecStats;
}

/** Stats for the first `part` ns of a goroutine named from Undetermined (state `to` since the sync). */
function retro(to: string, reason: string, inSyscallWithoutP: boolean, part: number): GoroutineExecStats {
  const r = emptyStats();
  r.totalNs = part;
  if (to === 'Running') r.execNs = part;
  else if (to === 'Waiting') r.blockNs[reason] = part;
  else if (to === 'Runnable') r.schedWaitNs = part;
  else if (to === 'Syscall') {
    if (inSyscallWithoutP) r.syscallBlockNs = part;
    else r.syscallNs = part;
  }
  return r;
}

export interface SummaryOptions {
  /**
   * Statistics restricted to the window [t0, t1) in ns (trace time): each goroutine's
   * stats at t1 minus its stats at t0 (goroutines absent from the window are left out;
   * `regions` is empty and tasks are not restricted). Pending syscall-blocked time is split
   * as Go splits it when the syscall ends (not Go's snapshot quirk).
   */
  window?: { t0: number; t1: number };
}

export interface TraceSummary {
  goroutines: GoroutineSummary[];
  tasks: UserTaskSummary[];
}

const NONE = U64_MAX;
/** P ids below this are array indices (Ps are numbered from 0 up to GOMAXPROCS). */
const SMALL_P = 1024;

function growF64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

function growI32(a: Int32Array, n: number, fill: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

/** Go's Summarizer: feed API events of one stream in order with `event`, then call `finish`. */
export class GoroutineSummarizer {
  /**
   * Goroutine id -> index of its summary. Go starts a new summary when a goroutine is first
   * seen again (from Undetermined / NotExist), which replaces the old one here too.
   */
  private readonly byId = new IdIndex();
  /** byId by the transitions' goroutine slot (-1: not looked up yet). */
  private bySlot = new Int32Array(1024).fill(-1);
  private n = 0;
  // Per summary index (see the file comment): the summary's fields, then Go's pending state.
  private readonly ids: U64[] = [];
  private readonly names: string[] = [];
  private creationNs = new Float64Array(1024);
  private startNs = new Float64Array(1024);
  private endNs = new Float64Array(1024);
  private execNs = new Float64Array(1024);
  private schedWaitNs = new Float64Array(1024);
  private syscallNs = new Float64Array(1024);
  private syscallBlockNs = new Float64Array(1024);
  private totalNs = new Float64Array(1024);
  private lastStart = new Float64Array(1024);
  private lastRunnable = new Float64Array(1024);
  private lastBlock = new Float64Array(1024);
  private lastBlockReason = new Int32Array(1024);
  private lastSyscall = new Float64Array(1024);
  private lastSyscallBlock = new Float64Array(1024);
  /** 1 once finalized (Go drops the pending state: exited, blocked forever, or the trace ended). */
  private done = new Uint8Array(1024);
  /** The P of the goroutine's syscall (Go's syscallingG; a summary is its id's only live one). */
  private readonly syscallP: (U64 | undefined)[] = [];
  /** Block time by reason: a list per goroutine (first node, -1 = none) in first-added order. */
  private blockHead = new Int32Array(1024).fill(-1);
  private bReason = new Int32Array(1024);
  private bNs = new Float64Array(1024);
  private bNext = new Int32Array(1024);
  private nb = 0;
  /** Block reasons by number (and the last one looked up: transitions repeat it). */
  private readonly reasonCodes = new StringInterner();
  private readonly reasons = this.reasonCodes.strings;
  private lastReason: string | null = null;
  private lastReasonI = -1;
  // Rare per goroutine, by summary index.
  private readonly rangeNs = new Map<number, Record<string, number>>();
  /** Range name -> start, for goroutines inside a range. */
  private readonly lastRange = new Map<number, Map<string, number>>();
  private readonly active = new Map<number, ActiveRegion[]>();
  private readonly regions = new Map<number, UserRegionSummary[]>();

  private readonly tasks = new Map<U64, UserTaskSummary>();
  /** Go's syscallingP (P -> goroutine id in a syscall on it): by P number for the usual small ones. */
  private readonly syscallingPSmall: (U64 | undefined)[] = [];
  private readonly syscallingP = new Map<U64, U64>();
  private readonly rangesP = new Map<string, U64>();
  private lastTs = 0;
  private syncTs = 0;
  private readonly window: { t0: number; t1: number } | undefined;
  private snap0: Map<U64, GoroutineExecStats> | null = null;
  private snap1: Map<U64, GoroutineExecStats> | null = null;

  constructor(opts: SummaryOptions = {}) {
    this.window = opts.window;
  }

  private syscallingGet(p: U64): U64 | undefined {
    return typeof p === 'number' && p < SMALL_P ? this.syscallingPSmall[p] : this.syscallingP.get(p);
  }

  private syscallingSet(p: U64, gid: U64): void {
    if (typeof p === 'number' && p < SMALL_P) {
      const a = this.syscallingPSmall;
      while (a.length <= p) a.push(undefined);
      a[p] = gid;
    } else this.syscallingP.set(p, gid);
  }

  private syscallingDelete(p: U64): void {
    if (typeof p === 'number' && p < SMALL_P) {
      if (p < this.syscallingPSmall.length) this.syscallingPSmall[p] = undefined;
    } else this.syscallingP.delete(p);
  }

  private reasonOf(s: string): number {
    if (s === this.lastReason) return this.lastReasonI;
    this.lastReasonI = this.reasonCodes.intern(s);
    this.lastReason = s;
    return this.lastReasonI;
  }

  private addBlock(gi: number, reason: number, v: number): void {
    let k = this.blockHead[gi];
    let last = -1;
    while (k >= 0) {
      if (this.bReason[k] === reason) {
        this.bNs[k] += v;
        return;
      }
      last = k;
      k = this.bNext[k];
    }
    if (this.nb === this.bReason.length) {
      const n = this.nb * 2;
      this.bReason = growI32(this.bReason, n, 0);
      this.bNs = growF64(this.bNs, n);
      this.bNext = growI32(this.bNext, n, 0);
    }
    const node = this.nb++;
    this.bReason[node] = reason;
    this.bNs[node] = v;
    this.bNext[node] = -1;
    if (last < 0) this.blockHead[gi] = node;
    else this.bNext[last] = node;
  }

  private blockRecord(gi: number): Record<string, number> {
    const r: Record<string, number> = {};
    for (let k = this.blockHead[gi]; k >= 0; k = this.bNext[k]) r[this.reasons[this.bReason[k]]] = this.bNs[k];
    return r;
  }

  private addRange(gi: number, name: string, v: number): void {
    let r = this.rangeNs.get(gi);
    if (r === undefined) this.rangeNs.set(gi, (r = {}));
    add(r, name, v);
  }

  private pushRegion(gi: number, r: UserRegionSummary): void {
    let a = this.regions.get(gi);
    if (a === undefined) this.regions.set(gi, (a = []));
    a.push(r);
  }

  /** gi's statistics; `shareRanges`: its range record itself (the final summary) instead of a
   * copy (a snapshot, which later events must not change). */
  private statsOf(gi: number, shareRanges = false): GoroutineExecStats {
    const rg = this.rangeNs.get(gi);
    return {
      execNs: this.execNs[gi],
      schedWaitNs: this.schedWaitNs[gi],
      blockNs: this.blockRecord(gi),
      syscallNs: this.syscallNs[gi],
      syscallBlockNs: this.syscallBlockNs[gi],
      totalNs: this.totalNs[gi],
      rangeNs: rg === undefined ? NO_RANGES : shareRanges ? rg : { ...rg },
    };
  }

  /**
   * The goroutine's statistics as of `now`, including the state it is in. With `goQuirk`
   * (Go's snapshotStat, used for regions and the final numbers) a syscall whose P was taken
   * counts in full as syscall time and its blocked part again as scheduler wait; without it
   * (windows) the split is the one Go makes when the syscall ends.
   */
  private snapshot(gi: number, now: number, goQuirk = true): GoroutineExecStats {
    const r = this.statsOf(gi);
    if (this.done[gi] !== 0) return r;
    if (this.totalNs[gi] === 0) r.totalNs = now - this.creationNs[gi];
    if (this.lastStart[gi] !== 0) r.execNs += now - this.lastStart[gi];
    if (this.lastRunnable[gi] !== 0) r.schedWaitNs += now - this.lastRunnable[gi];
    if (this.lastBlock[gi] !== 0) add(r.blockNs, this.reasons[this.lastBlockReason[gi]], now - this.lastBlock[gi]);
    const sys = this.lastSyscall[gi];
    const sysBlock = this.lastSyscallBlock[gi];
    if (goQuirk || sysBlock === 0) {
      if (sys !== 0) r.syscallNs += now - sys;
      if (sysBlock !== 0) r.schedWaitNs += now - sysBlock;
    } else if (sys !== 0) {
      r.syscallNs += sysBlock - sys;
      r.syscallBlockNs += now - sysBlock;
    }
    const lr = this.lastRange.get(gi);
    if (lr !== undefined && lr.size > 0) {
      if (r.rangeNs === NO_RANGES) r.rangeNs = {};
      for (const [name, ts] of lr) add(r.rangeNs, name, now - ts);
    }
    return r;
  }

  /** Ends the goroutine (exit / blocked forever: endNs = now) or the trace (end = false): Go's snapshot, kept. */
  private finalize(gi: number, now: number, end: boolean): void {
    if (this.done[gi] !== 0) return;
    if (end) this.endNs[gi] = now;
    // snapshot(gi, now) written into the goroutine's own numbers.
    if (this.totalNs[gi] === 0) this.totalNs[gi] = now - this.creationNs[gi];
    if (this.lastStart[gi] !== 0) this.execNs[gi] += now - this.lastStart[gi];
    if (this.lastRunnable[gi] !== 0) this.schedWaitNs[gi] += now - this.lastRunnable[gi];
    if (this.lastBlock[gi] !== 0) this.addBlock(gi, this.lastBlockReason[gi], now - this.lastBlock[gi]);
    if (this.lastSyscall[gi] !== 0) this.syscallNs[gi] += now - this.lastSyscall[gi];
    if (this.lastSyscallBlock[gi] !== 0) this.schedWaitNs[gi] += now - this.lastSyscallBlock[gi];
    const lr = this.lastRange.get(gi);
    if (lr !== undefined) {
      for (const [name, ts] of lr) this.addRange(gi, name, now - ts);
      this.lastRange.delete(gi);
    }
    this.done[gi] = 1;
    const act = this.active.get(gi);
    if (act !== undefined) {
      this.active.delete(gi);
      if (!isSystemGoroutine(this.names[gi]) && act.length > 0) {
        const fin = this.statsOf(gi);
        for (const a of act) this.pushRegion(gi, { task: a.task, name: a.name, startNs: a.startNs, endNs: end ? now : 0, ...subStats(fin, a.base) });
      }
    }
  }

  private takeSnapshot(now: number): Map<U64, GoroutineExecStats> {
    const m = new Map<U64, GoroutineExecStats>();
    for (let gi = 0; gi < this.n; gi++) if (this.isCurrent(gi)) m.set(this.ids[gi], this.snapshot(gi, now, false));
    return m;
  }

  private task(id: U64): UserTaskSummary {
    let t = this.tasks.get(id);
    if (t === undefined) {
      t = { id, name: '', parent: null, children: [], startNs: 0, endNs: 0, logs: 0, goroutines: [], regions: 0 };
      this.tasks.set(id, t);
    }
    return t;
  }

  private taskGoroutine(t: UserTaskSummary, gid: U64 | null): void {
    const id = gid ?? NONE;
    if (!t.goroutines.includes(id)) t.goroutines.push(id);
  }

  private indexOf(id: U64 | null): number {
    return id === null ? -1 : this.byId.get(id);
  }

  /** Whether summary gi is its goroutine's latest (an id seen again starts a new summary). */
  private isCurrent(gi: number): boolean {
    return this.byId.get(this.ids[gi]) === gi;
  }

  /** What every event does first: the window's snapshots when time passes its edges, the times. */
  private at(t: number): void {
    if (this.window !== undefined) {
      if (this.snap0 === null && t >= this.window.t0) this.snap0 = this.takeSnapshot(this.window.t0);
      if (this.snap1 === null && t >= this.window.t1) this.snap1 = this.takeSnapshot(this.window.t1);
    }
    if (this.syncTs === 0) this.syncTs = t;
    this.lastTs = t;
  }

  /** A goroutine transition (= event(e); for streams that deliver them apart, ConvertOptions.onGo). */
  go(e: GoTransition): void {
    this.at(e.t);
    this.goTransition(e);
  }

  event(e: TraceEvent): void {
    const t = e.t;
    this.at(t);
    switch (e.kind) {
      case 'sync':
        this.syncTs = t;
        return;
      case 'go':
        this.goTransition(e);
        return;
      case 'proc': {
        if (e.from !== e.to && e.to === 'Idle') {
          const gid = this.syscallingGet(e.id);
          if (gid !== undefined) {
            const gi = this.indexOf(gid);
            if (gi >= 0 && this.done[gi] === 0) this.lastSyscallBlock[gi] = t;
            this.syscallingDelete(e.id);
          }
        }
        return;
      }
      case 'rangeBegin':
      case 'rangeActive': {
        let gi = -1;
        if (e.scope.kind === 'goroutine') gi = this.indexOf(e.scope.id);
        else if (e.scope.kind === 'proc') {
          gi = this.indexOf(e.ctx.g);
          if (gi >= 0) this.rangesP.set(`${e.scope.id ?? NONE}\u0000${e.name}`, e.ctx.g!);
        }
        if (gi < 0 || this.done[gi] !== 0) return;
        let lr = this.lastRange.get(gi);
        if (lr === undefined) this.lastRange.set(gi, (lr = new Map()));
        if (e.kind === 'rangeActive') {
          const ts = lr.get(e.name);
          if (ts !== undefined && ts !== 0) this.addRange(gi, e.name, this.syncTs - ts);
          lr.set(e.name, this.syncTs);
        } else {
          lr.set(e.name, t);
        }
        return;
      }
      case 'rangeEnd': {
        let gi = -1;
        if (e.scope.kind === 'goroutine') gi = this.indexOf(e.scope.id);
        else if (e.scope.kind === 'proc') {
          const key = `${e.scope.id ?? NONE}\u0000${e.name}`;
          const gid = this.rangesP.get(key);
          if (gid !== undefined) {
            if (gid === e.ctx.g) gi = this.indexOf(gid);
            this.rangesP.delete(key);
          }
        }
        if (gi < 0 || this.done[gi] !== 0) return;
        const lr = this.lastRange.get(gi);
        if (lr === undefined) return;
        const ts = lr.get(e.name);
        if (ts === undefined || ts === 0) return;
        this.addRange(gi, e.name, t - ts);
        lr.delete(e.name);
        return;
      }
      case 'regionBegin': {
        const gi = this.indexOf(e.ctx.g);
        if (gi < 0) return;
        const base = this.snapshot(gi, t);
        if (this.done[gi] === 0) {
          let a = this.active.get(gi);
          if (a === undefined) this.active.set(gi, (a = []));
          a.push({ task: e.task, name: e.name, startNs: t, base });
        }
        const task = this.task(e.task);
        task.regions++;
        this.taskGoroutine(task, this.ids[gi]);
        return;
      }
      case 'regionEnd': {
        const gi = this.indexOf(e.ctx.g);
        if (gi < 0) return;
        let a: ActiveRegion | undefined = this.done[gi] === 0 ? this.active.get(gi)?.pop() : undefined;
        if (a === undefined) {
          a = { task: e.task, name: e.name, startNs: 0, base: emptyStats() };
          const task = this.task(e.task);
          task.regions++;
          this.taskGoroutine(task, this.ids[gi]);
        }
        this.pushRegion(gi, { task: a.task, name: a.name, startNs: a.startNs, endNs: t, ...subStats(this.snapshot(gi, t), a.base) });
        return;
      }
      case 'taskBegin':
      case 'taskEnd': {
        const task = this.task(e.id);
        task.name = e.name;
        this.taskGoroutine(task, e.ctx.g);
        if (e.kind === 'taskBegin') task.startNs = t;
        else task.endNs = t;
        if (e.parent !== NONE && task.parent === null) {
          const parent = this.task(e.parent);
          task.parent = e.parent;
          parent.children.push(e.id);
        }
        return;
      }
      case 'log': {
        const task = this.task(e.task);
        this.taskGoroutine(task, e.ctx.g);
        task.logs++;
        return;
      }
      default:
        return;
    }
  }

  private goTransition(e: GoTransition): void {
    const { from, to, id } = e;
    if (from === to) return;
    const t = e.t;
    const slot = e.slot;
    if (slot >= this.bySlot.length) this.bySlot = growI32(this.bySlot, Math.max(2 * this.bySlot.length, slot + 1), -1);
    let gi = -1;
    // A goroutine appearing (from Undetermined / NotExist) gets a new summary below: no lookup.
    if (from !== 'NotExist' && from !== 'Undetermined') {
      if (slot < 0) gi = this.indexOf(id);
      else if ((gi = this.bySlot[slot]) < 0 && (gi = this.indexOf(id)) >= 0) this.bySlot[slot] = gi;
    }
    switch (from) {
      case 'Undetermined': {
        gi = this.newG(id, this.syncTs);
        if (slot >= 0) this.bySlot[slot] = gi;
        const dt = t - this.syncTs;
        if (to === 'Running') this.execNs[gi] += dt;
        else if (to === 'Waiting') this.addBlock(gi, this.reasonOf(e.reason), dt);
        else if (to === 'Runnable') this.schedWaitNs[gi] += dt;
        else if (to === 'Syscall') {
          if (e.ctx.p === null) this.syscallBlockNs[gi] += dt;
          else this.syscallNs[gi] += dt;
        }
        // Window edges already passed: the goroutine existed since the sync, in state `to`.
        if (this.window !== undefined) {
          if (this.snap0 !== null && this.syncTs < this.window.t0) this.snap0.set(id, retro(to, e.reason, e.ctx.p === null, this.window.t0 - this.syncTs));
          if (this.snap1 !== null && this.syncTs < this.window.t1) this.snap1.set(id, retro(to, e.reason, e.ctx.p === null, this.window.t1 - this.syncTs));
        }
        break;
      }
      case 'NotExist': {
        gi = this.newG(id, t);
        if (slot >= 0) this.bySlot[slot] = gi;
        const creator = this.indexOf(e.ctx.g);
        const act = creator >= 0 && this.done[creator] === 0 ? this.active.get(creator) : undefined;
        if (act !== undefined && act.length > 0) {
          // Inherit the creator's innermost region's task (a synthetic region with no name).
          this.active.set(gi, [{ task: act[act.length - 1].task, name: '', startNs: t, base: emptyStats() }]);
        }
        break;
      }
      case 'Running':
        if (gi >= 0 && this.done[gi] === 0) {
          this.execNs[gi] += t - this.lastStart[gi];
          this.lastStart[gi] = 0;
        }
        break;
      case 'Waiting':
        if (gi >= 0 && this.done[gi] === 0 && this.lastBlock[gi] !== 0) {
          this.addBlock(gi, this.lastBlockReason[gi], t - this.lastBlock[gi]);
          this.lastBlock[gi] = 0;
        }
        break;
      case 'Runnable':
        if (gi >= 0 && this.done[gi] === 0 && this.lastRunnable[gi] !== 0) {
          this.schedWaitNs[gi] += t - this.lastRunnable[gi];
          this.lastRunnable[gi] = 0;
        }
        break;
      case 'Syscall':
        if (gi >= 0 && this.done[gi] === 0 && this.lastSyscall[gi] !== 0) {
          const sys = this.lastSyscall[gi];
          const sysBlock = this.lastSyscallBlock[gi];
          if (sysBlock !== 0) {
            this.syscallBlockNs[gi] += t - sysBlock;
            this.syscallNs[gi] += sysBlock - sys;
          } else {
            this.syscallNs[gi] += t - sys;
          }
          this.lastSyscall[gi] = 0;
          this.lastSyscallBlock[gi] = 0;
          const p = this.syscallP[gi];
          if (p !== undefined) this.syscallingDelete(p);
          this.syscallP[gi] = undefined;
        }
        break;
    }
    if (gi < 0) return;
    if (e.stack !== null && this.names[gi] === '') this.names[gi] = stackRootFunc(e.stack);
    const live = this.done[gi] === 0;
    switch (to) {
      case 'Running':
        if (live) this.lastStart[gi] = t;
        if (this.startNs[gi] === 0) this.startNs[gi] = t;
        break;
      case 'Runnable':
        if (live) this.lastRunnable[gi] = t;
        break;
      case 'Waiting':
        // finalize (rare) is given e.t, not t: passing the local t to that call made V8 box it
        // into a heap number on every transition (~100 MB over a 25 MB trace).
        if (e.reason !== 'forever') {
          if (live) {
            this.lastBlock[gi] = t;
            this.lastBlockReason[gi] = this.reasonOf(e.reason);
          }
          break;
        }
        this.finalize(gi, e.t, true);
        break;
      case 'NotExist':
        this.finalize(gi, e.t, true);
        break;
      case 'Syscall': {
        const p = e.ctx.p ?? NONE;
        this.syscallingSet(p, id);
        this.syscallP[gi] = p;
        if (live) this.lastSyscall[gi] = t;
        break;
      }
    }
  }

  private grow(): void {
    const n = this.creationNs.length * 2;
    this.creationNs = growF64(this.creationNs, n);
    this.startNs = growF64(this.startNs, n);
    this.endNs = growF64(this.endNs, n);
    this.execNs = growF64(this.execNs, n);
    this.schedWaitNs = growF64(this.schedWaitNs, n);
    this.syscallNs = growF64(this.syscallNs, n);
    this.syscallBlockNs = growF64(this.syscallBlockNs, n);
    this.totalNs = growF64(this.totalNs, n);
    this.lastStart = growF64(this.lastStart, n);
    this.lastRunnable = growF64(this.lastRunnable, n);
    this.lastBlock = growF64(this.lastBlock, n);
    this.lastBlockReason = growI32(this.lastBlockReason, n, 0);
    this.lastSyscall = growF64(this.lastSyscall, n);
    this.lastSyscallBlock = growF64(this.lastSyscallBlock, n);
    const done = new Uint8Array(n);
    done.set(this.done);
    this.done = done;
    this.blockHead = growI32(this.blockHead, n, -1);
  }

  private newG(id: U64, creationNs: number): number {
    if (this.n === this.creationNs.length) this.grow();
    const gi = this.n++;
    this.ids.push(id);
    this.names.push('');
    this.syscallP.push(undefined);
    this.creationNs[gi] = creationNs;
    this.byId.set(id, gi);
    return gi;
  }

  /** Finalizes every goroutine; goroutines are returned in id order. */
  finish(): TraceSummary {
    const end = this.lastTs;
    if (this.window !== undefined) {
      if (this.snap0 === null) this.snap0 = this.takeSnapshot(this.window.t0);
      if (this.snap1 === null) this.snap1 = this.takeSnapshot(Math.min(this.window.t1, end));
    }
    const out: GoroutineSummary[] = [];
    for (let gi = 0; gi < this.n; gi++) {
      if (!this.isCurrent(gi)) continue;
      this.finalize(gi, end, false);
      const regions = this.regions.get(gi);
      if (regions !== undefined && regions.length > 1) regions.sort((a, b) => a.startNs - b.startNs);
      out.push({
        id: this.ids[gi],
        name: this.names[gi],
        creationNs: this.creationNs[gi],
        startNs: this.startNs[gi],
        endNs: this.endNs[gi],
        regions: regions ?? NO_REGIONS,
        ...this.statsOf(gi, true),
      });
    }
    out.sort((a, b) => cmpU64(a.id, b.id));
    const tasks = [...this.tasks.values()].sort((a, b) => cmpU64(a.id, b.id));
    if (this.window !== undefined) {
      const s0 = this.snap0!;
      const s1 = this.snap1!;
      const w: GoroutineSummary[] = [];
      for (const g of out) {
        const b = s1.get(g.id);
        if (b === undefined) continue; // created at or after the window's end
        if (g.endNs !== 0 && g.endNs <= this.window.t0) continue; // gone before it began
        const a = s0.get(g.id) ?? emptyStats();
        w.push({ ...g, ...subStats(b, a), regions: [] });
      }
      return { goroutines: w, tasks };
    }
    return { goroutines: out, tasks };
  }
}

function cmpU64(a: U64, b: U64): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Summarizes whole generations (the ordered stream of `orderGenerations`). */
export function summarizeGoroutines(gens: Iterable<Generation>, opts: SummaryOptions = {}): TraceSummary {
  const s = new GoroutineSummarizer(opts);
  traceEvents(gens, (e) => s.event(e), { reuse: true, slots: true, onGo: (e) => s.go(e) });
  return s.finish();
}

export interface GoroutineGroup {
  /** Start function ('' = unknown). */
  name: string;
  count: number;
  totalExecNs: number;
  minExecNs: number;
  medianExecNs: number;
  p99ExecNs: number;
  maxExecNs: number;
}

/** Nearest-rank quantile of sorted values (q in (0, 1]). */
function quantile(sorted: number[], q: number): number {
  const i = Math.max(0, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.min(i, sorted.length - 1)];
}

/**
 * Goroutines grouped by start function, like `go tool trace`'s goroutine analysis page
 * (sorted by total execution time, descending), with exec-time distribution (nearest rank).
 */
export function goroutineGroups(gs: readonly GoroutineSummary[]): GoroutineGroup[] {
  const by = new Map<string, number[]>();
  for (const g of gs) {
    let a = by.get(g.name);
    if (a === undefined) by.set(g.name, (a = []));
    a.push(g.execNs);
  }
  const out: GoroutineGroup[] = [];
  for (const [name, a] of by) {
    a.sort((x, y) => x - y);
    let total = 0;
    for (const v of a) total += v;
    out.push({
      name,
      count: a.length,
      totalExecNs: total,
      minExecNs: a[0],
      medianExecNs: quantile(a, 0.5),
      p99ExecNs: quantile(a, 0.99),
      maxExecNs: a[a.length - 1],
    });
  }
  out.sort((x, y) => y.totalExecNs - x.totalExecNs || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return out;
}
