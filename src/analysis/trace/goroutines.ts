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
import { stackRootFunc, traceEvents, type TraceEvent } from './states.ts';

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

/** Whatever isn't accounted for in totalNs (Go's UnknownTime). */
export function unknownNs(s: GoroutineExecStats): number {
  let sum = s.execNs + s.schedWaitNs + s.syscallNs + s.syscallBlockNs;
  for (const v of Object.values(s.blockNs)) sum += v;
  return sum < s.totalNs ? s.totalNs - sum : 0;
}

// Memory: traces can hold hundreds of thousands of goroutines, so per-goroutine containers
// that most goroutines never fill (range times, regions, active regions) are shared empty
// ones until first written (copy on write).
const NO_REGIONS: UserRegionSummary[] = Object.freeze([]) as unknown as UserRegionSummary[];
const NO_ACTIVE: ActiveRegion[] = Object.freeze([]) as unknown as ActiveRegion[];
const NO_RANGES: Record<string, number> = Object.freeze({}) as Record<string, number>;

interface Pending {
  lastStart: number;
  lastRunnable: number;
  lastBlock: number;
  lastBlockReason: string;
  lastSyscall: number;
  lastSyscallBlock: number;
  /** Range name -> start (null until the goroutine is first in a range). */
  lastRange: Map<string, number> | null;
  active: ActiveRegion[];
}

interface ActiveRegion {
  task: U64;
  name: string;
  startNs: number;
  base: GoroutineExecStats;
}

interface G extends GoroutineSummary {
  p: Pending | null;
}

function newPending(): Pending {
  return {
    lastStart: 0,
    lastRunnable: 0,
    lastBlock: 0,
    lastBlockReason: '',
    lastSyscall: 0,
    lastSyscallBlock: 0,
    lastRange: null,
    active: NO_ACTIVE,
  };
}

function addRange(g: G, name: string, v: number): void {
  if (g.rangeNs === NO_RANGES) g.rangeNs = {};
  add(g.rangeNs, name, v);
}

function pushRegion(g: G, r: UserRegionSummary): void {
  if (g.regions === NO_REGIONS) g.regions = [];
  g.regions.push(r);
}

function statsOf(g: G): GoroutineExecStats {
  return {
    execNs: g.execNs,
    schedWaitNs: g.schedWaitNs,
    blockNs: { ...g.blockNs },
    syscallNs: g.syscallNs,
    syscallBlockNs: g.syscallBlockNs,
    totalNs: g.totalNs,
    rangeNs: g.rangeNs === NO_RANGES ? NO_RANGES : { ...g.rangeNs },
  };
}

/**
 * The goroutine's statistics as of `now`, including the state it is in. With `goQuirk`
 * (Go's snapshotStat, used for regions and the final numbers) a syscall whose P was taken
 * counts in full as syscall time and its blocked part again as scheduler wait; without it
 * (windows) the split is the one Go makes when the syscall ends.
 */
function snapshot(g: G, now: number, goQuirk = true): GoroutineExecStats {
  const r = statsOf(g);
  const p = g.p;
  if (p === null) return r;
  if (g.totalNs === 0) r.totalNs = now - g.creationNs;
  if (p.lastStart !== 0) r.execNs += now - p.lastStart;
  if (p.lastRunnable !== 0) r.schedWaitNs += now - p.lastRunnable;
  if (p.lastBlock !== 0) add(r.blockNs, p.lastBlockReason, now - p.lastBlock);
  if (goQuirk || p.lastSyscallBlock === 0) {
    if (p.lastSyscall !== 0) r.syscallNs += now - p.lastSyscall;
    if (p.lastSyscallBlock !== 0) r.schedWaitNs += now - p.lastSyscallBlock;
  } else if (p.lastSyscall !== 0) {
    r.syscallNs += p.lastSyscallBlock - p.lastSyscall;
    r.syscallBlockNs += now - p.lastSyscallBlock;
  }
  if (p.lastRange !== null && p.lastRange.size > 0) {
    if (r.rangeNs === NO_RANGES) r.rangeNs = {};
    for (const [name, ts] of p.lastRange) add(r.rangeNs, name, now - ts);
  }
  return r;
}

function assignStats(g: G, s: GoroutineExecStats): void {
  g.execNs = s.execNs;
  g.schedWaitNs = s.schedWaitNs;
  g.blockNs = s.blockNs;
  g.syscallNs = s.syscallNs;
  g.syscallBlockNs = s.syscallBlockNs;
  g.totalNs = s.totalNs;
  g.rangeNs = s.rangeNs;
}

/** Ends the goroutine (exit / blocked forever: endNs = now) or the trace (end = false). */
function finalize(g: G, now: number, end: boolean): void {
  if (g.p === null) return;
  if (end) g.endNs = now;
  const fin = snapshot(g, now);
  assignStats(g, fin);
  if (!isSystemGoroutine(g.name)) {
    for (const a of g.p.active) {
      pushRegion(g, { task: a.task, name: a.name, startNs: a.startNs, endNs: end ? now : 0, ...subStats(fin, a.base) });
    }
  }
  g.p = null;
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

/** Go's Summarizer: feed API events of one stream in order with `event`, then call `finish`. */
export class GoroutineSummarizer {
  private readonly gs = new Map<U64, G>();
  /** gs by the transitions' goroutine slot (what gs.get(id) gives, without the lookup). */
  private readonly bySlot: (G | undefined)[] = [];
  private readonly tasks = new Map<U64, UserTaskSummary>();
  private readonly syscallingP = new Map<U64, U64>();
  private readonly syscallingG = new Map<U64, U64>();
  private readonly rangesP = new Map<string, U64>();
  private lastTs = 0;
  private syncTs = 0;
  private readonly window: { t0: number; t1: number } | undefined;
  private snap0: Map<U64, GoroutineExecStats> | null = null;
  private snap1: Map<U64, GoroutineExecStats> | null = null;

  constructor(opts: SummaryOptions = {}) {
    this.window = opts.window;
  }

  private takeSnapshot(now: number): Map<U64, GoroutineExecStats> {
    const m = new Map<U64, GoroutineExecStats>();
    for (const [id, g] of this.gs) m.set(id, snapshot(g, now, false));
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

  event(e: TraceEvent): void {
    const t = e.t;
    if (this.window !== undefined) {
      if (this.snap0 === null && t >= this.window.t0) this.snap0 = this.takeSnapshot(this.window.t0);
      if (this.snap1 === null && t >= this.window.t1) this.snap1 = this.takeSnapshot(this.window.t1);
    }
    if (this.syncTs === 0) this.syncTs = t;
    this.lastTs = t;
    switch (e.kind) {
      case 'sync':
        this.syncTs = t;
        return;
      case 'go':
        this.goTransition(e);
        return;
      case 'proc': {
        if (e.from !== e.to && e.to === 'Idle') {
          const gid = this.syscallingP.get(e.id);
          if (gid !== undefined) {
            const g = this.gs.get(gid);
            if (g?.p) g.p.lastSyscallBlock = t;
            this.syscallingP.delete(e.id);
          }
        }
        return;
      }
      case 'rangeBegin':
      case 'rangeActive': {
        let g: G | undefined;
        if (e.scope.kind === 'goroutine') g = e.scope.id === null ? undefined : this.gs.get(e.scope.id);
        else if (e.scope.kind === 'proc') {
          g = e.ctx.g === null ? undefined : this.gs.get(e.ctx.g);
          if (g !== undefined) this.rangesP.set(`${e.scope.id ?? NONE}\u0000${e.name}`, e.ctx.g!);
        }
        if (g?.p == null) return;
        if (g.p.lastRange === null) g.p.lastRange = new Map();
        if (e.kind === 'rangeActive') {
          const ts = g.p.lastRange.get(e.name);
          if (ts !== undefined && ts !== 0) addRange(g, e.name, this.syncTs - ts);
          g.p.lastRange.set(e.name, this.syncTs);
        } else {
          g.p.lastRange.set(e.name, t);
        }
        return;
      }
      case 'rangeEnd': {
        let g: G | undefined;
        if (e.scope.kind === 'goroutine') g = e.scope.id === null ? undefined : this.gs.get(e.scope.id);
        else if (e.scope.kind === 'proc') {
          const key = `${e.scope.id ?? NONE}\u0000${e.name}`;
          const gid = this.rangesP.get(key);
          if (gid !== undefined) {
            if (gid === e.ctx.g) g = this.gs.get(gid);
            this.rangesP.delete(key);
          }
        }
        if (g?.p == null || g.p.lastRange === null) return;
        const ts = g.p.lastRange.get(e.name);
        if (ts === undefined || ts === 0) return;
        addRange(g, e.name, t - ts);
        g.p.lastRange.delete(e.name);
        return;
      }
      case 'regionBegin': {
        const g = e.ctx.g === null ? undefined : this.gs.get(e.ctx.g);
        if (g === undefined) return;
        const base = snapshot(g, t);
        if (g.p) {
          if (g.p.active === NO_ACTIVE) g.p.active = [];
          g.p.active.push({ task: e.task, name: e.name, startNs: t, base });
        }
        const task = this.task(e.task);
        task.regions++;
        this.taskGoroutine(task, g.id);
        return;
      }
      case 'regionEnd': {
        const g = e.ctx.g === null ? undefined : this.gs.get(e.ctx.g);
        if (g === undefined) return;
        let a: ActiveRegion | undefined = g.p !== null && g.p.active.length > 0 ? g.p.active.pop() : undefined;
        if (a === undefined) {
          a = { task: e.task, name: e.name, startNs: 0, base: emptyStats() };
          const task = this.task(e.task);
          task.regions++;
          this.taskGoroutine(task, g.id);
        }
        pushRegion(g, { task: a.task, name: a.name, startNs: a.startNs, endNs: t, ...subStats(snapshot(g, t), a.base) });
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

  private goTransition(e: Extract<TraceEvent, { kind: 'go' }>): void {
    const { from, to, id } = e;
    if (from === to) return;
    const t = e.t;
    let g: G | undefined;
    if (e.slot < 0) g = this.gs.get(id);
    else {
      const slots = this.bySlot;
      // Kept dense (a write far past the end would turn the array into a slow dictionary).
      while (slots.length <= e.slot) slots.push(undefined);
      g = slots[e.slot];
      if (g === undefined && (g = this.gs.get(id)) !== undefined) slots[e.slot] = g;
    }
    switch (from) {
      case 'Undetermined': {
        g = this.newG(id, this.syncTs);
        if (e.slot >= 0) this.bySlot[e.slot] = g;
        const dt = t - this.syncTs;
        if (to === 'Running') g.execNs += dt;
        else if (to === 'Waiting') add(g.blockNs, e.reason, dt);
        else if (to === 'Runnable') g.schedWaitNs += dt;
        else if (to === 'Syscall') {
          if (e.ctx.p === null) g.syscallBlockNs += dt;
          else g.syscallNs += dt;
        }
        // Window edges already passed: the goroutine existed since the sync, in state `to`.
        if (this.window !== undefined) {
          if (this.snap0 !== null && this.syncTs < this.window.t0) this.snap0.set(id, retro(to, e.reason, e.ctx.p === null, this.window.t0 - this.syncTs));
          if (this.snap1 !== null && this.syncTs < this.window.t1) this.snap1.set(id, retro(to, e.reason, e.ctx.p === null, this.window.t1 - this.syncTs));
        }
        break;
      }
      case 'NotExist': {
        g = this.newG(id, t);
        if (e.slot >= 0) this.bySlot[e.slot] = g;
        const creator = e.ctx.g === null ? undefined : this.gs.get(e.ctx.g);
        const act = creator?.p?.active;
        if (act !== undefined && act.length > 0) {
          // Inherit the creator's innermost region's task (a synthetic region with no name).
          g.p!.active = [{ task: act[act.length - 1].task, name: '', startNs: t, base: emptyStats() }];
        }
        break;
      }
      case 'Running':
        if (g?.p) {
          g.execNs += t - g.p.lastStart;
          g.p.lastStart = 0;
        }
        break;
      case 'Waiting':
        if (g?.p && g.p.lastBlock !== 0) {
          add(g.blockNs, g.p.lastBlockReason, t - g.p.lastBlock);
          g.p.lastBlock = 0;
        }
        break;
      case 'Runnable':
        if (g?.p && g.p.lastRunnable !== 0) {
          g.schedWaitNs += t - g.p.lastRunnable;
          g.p.lastRunnable = 0;
        }
        break;
      case 'Syscall':
        if (g?.p && g.p.lastSyscall !== 0) {
          if (g.p.lastSyscallBlock !== 0) {
            g.syscallBlockNs += t - g.p.lastSyscallBlock;
            g.syscallNs += g.p.lastSyscallBlock - g.p.lastSyscall;
          } else {
            g.syscallNs += t - g.p.lastSyscall;
          }
          g.p.lastSyscall = 0;
          g.p.lastSyscallBlock = 0;
          const p = this.syscallingG.get(id);
          if (p !== undefined) this.syscallingP.delete(p);
          this.syscallingG.delete(id);
        }
        break;
    }
    if (g === undefined) return;
    if (g.name === '' && e.stack !== null) g.name = stackRootFunc(e.stack);
    switch (to) {
      case 'Running':
        if (g.p) g.p.lastStart = t;
        if (g.startNs === 0) g.startNs = t;
        break;
      case 'Runnable':
        if (g.p) g.p.lastRunnable = t;
        break;
      case 'Waiting':
        if (e.reason !== 'forever') {
          if (g.p) {
            g.p.lastBlock = t;
            g.p.lastBlockReason = e.reason;
          }
          break;
        }
        finalize(g, t, true);
        break;
      case 'NotExist':
        finalize(g, t, true);
        break;
      case 'Syscall': {
        const p = e.ctx.p ?? NONE;
        this.syscallingP.set(p, id);
        this.syscallingG.set(id, p);
        if (g.p) g.p.lastSyscall = t;
        break;
      }
    }
  }

  private newG(id: U64, creationNs: number): G {
    const g: G = {
      id,
      name: '',
      creationNs,
      startNs: 0,
      endNs: 0,
      regions: NO_REGIONS,
      execNs: 0,
      schedWaitNs: 0,
      blockNs: {},
      syscallNs: 0,
      syscallBlockNs: 0,
      totalNs: 0,
      rangeNs: NO_RANGES,
      p: newPending(),
    };
    this.gs.set(id, g);
    return g;
  }

  /** Finalizes every goroutine; goroutines are returned in id order. */
  finish(): TraceSummary {
    const end = this.lastTs;
    if (this.window !== undefined) {
      if (this.snap0 === null) this.snap0 = this.takeSnapshot(this.window.t0);
      if (this.snap1 === null) this.snap1 = this.takeSnapshot(Math.min(this.window.t1, end));
    }
    const out: GoroutineSummary[] = [];
    for (const g of this.gs.values()) {
      finalize(g, end, false);
      if (g.regions.length > 1) g.regions.sort((a, b) => a.startNs - b.startNs);
      // Returned as is (its `p` is null now): a copy per goroutine doubled peak memory.
      out.push(g);
    }
    out.sort((a, b) => cmpU64(a.id, b.id));
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
      return { goroutines: w, tasks: [...this.tasks.values()].sort((a, b) => cmpU64(a.id, b.id)) };
    }
    return { goroutines: out, tasks: [...this.tasks.values()].sort((a, b) => cmpU64(a.id, b.id)) };
  }
}

function cmpU64(a: U64, b: U64): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Summarizes whole generations (the ordered stream of `orderGenerations`). */
export function summarizeGoroutines(gens: Iterable<Generation>, opts: SummaryOptions = {}): TraceSummary {
  const s = new GoroutineSummarizer(opts);
  traceEvents(gens, (e) => s.event(e), { reuse: true });
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
