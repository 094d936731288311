// Compact trace-wide timelines from Go's API events (states.ts): GC cycles, stop-the-world
// pauses with their kinds, mark assists and sweeps as ranges, heap/GOMAXPROCS metrics as
// columns, user tasks/regions/logs — what overview charts and linked views need, without
// keeping the event stream.

import type { Generation } from '../../formats/gotrace/model.ts';
import { U64_MAX, type U64 } from '../../formats/gotrace/u64.ts';
import { traceEvents, type TraceEvent } from './states.ts';

/** A closed or open range; startNs null = already active when the trace began, endNs null = still open at the end. */
export interface TimeRange {
  startNs: number | null;
  endNs: number | null;
}

export interface StwRange extends TimeRange {
  /** Kind as the runtime names it, e.g. "GC sweep termination", "start trace". */
  kind: string;
}

export interface ScopedRange extends TimeRange {
  /** Goroutine (mark assist) or proc (sweep) id. */
  id: U64 | null;
}

/** Growable pair of float64 columns. */
export class Series {
  t = new Float64Array(64);
  v = new Float64Array(64);
  length = 0;
  push(t: number, v: number): void {
    if (this.length === this.t.length) {
      const t2 = new Float64Array(this.length * 2);
      const v2 = new Float64Array(this.length * 2);
      t2.set(this.t);
      v2.set(this.v);
      this.t = t2;
      this.v = v2;
    }
    this.t[this.length] = t;
    this.v[this.length] = v;
    this.length++;
  }
}

export interface UserTaskRange extends TimeRange {
  id: U64;
  parent: U64 | null;
  name: string;
}

export interface UserRegionRange extends TimeRange {
  goroutine: U64 | null;
  task: U64;
  name: string;
}

export interface UserLogEntry {
  t: number;
  goroutine: U64 | null;
  task: U64;
  category: string;
  message: string;
}

export interface TraceTimeline {
  startNs: number;
  endNs: number;
  /** "GC concurrent mark phase" ranges, one per cycle. */
  gc: TimeRange[];
  stw: StwRange[];
  markAssists: ScopedRange[];
  sweeps: ScopedRange[];
  heapAlloc: Series;
  heapGoal: Series;
  gomaxprocs: Series;
  tasks: UserTaskRange[];
  regions: UserRegionRange[];
  logs: UserLogEntry[];
  cpuSamples: number;
}

const keyOf = (id: U64 | null): string => (id === null ? '-' : id.toString());

/** Collector: feed API events with `event`, then `finish`. */
export class TimelineCollector {
  private readonly tl: TraceTimeline = {
    startNs: 0,
    endNs: 0,
    gc: [],
    stw: [],
    markAssists: [],
    sweeps: [],
    heapAlloc: new Series(),
    heapGoal: new Series(),
    gomaxprocs: new Series(),
    tasks: [],
    regions: [],
    logs: [],
    cpuSamples: 0,
  };
  private first = true;
  private openGc: TimeRange | null = null;
  private readonly openStw = new Map<string, StwRange>();
  private readonly openAssist = new Map<string, ScopedRange>();
  private readonly openSweep = new Map<string, ScopedRange>();
  private readonly openTasks = new Map<U64, UserTaskRange>();
  private readonly openRegions = new Map<string, UserRegionRange[]>();

  event(e: TraceEvent): void {
    const tl = this.tl;
    if (this.first) {
      tl.startNs = e.t;
      this.first = false;
    }
    tl.endNs = e.t;
    switch (e.kind) {
      case 'sample':
        tl.cpuSamples++;
        return;
      case 'metric': {
        const v = Number(e.value);
        if (e.name === '/memory/classes/heap/objects:bytes') tl.heapAlloc.push(e.t, v);
        else if (e.name === '/gc/heap/goal:bytes') tl.heapGoal.push(e.t, v);
        else tl.gomaxprocs.push(e.t, v);
        return;
      }
      case 'rangeBegin':
      case 'rangeActive': {
        const start = e.kind === 'rangeBegin' ? e.t : null;
        if (e.name === 'GC concurrent mark phase') {
          if (this.openGc === null) {
            this.openGc = { startNs: start, endNs: null };
            tl.gc.push(this.openGc);
          }
        } else if (e.name.startsWith('stop-the-world (')) {
          const id = e.scope.kind === 'goroutine' ? e.scope.id : null;
          const r: StwRange = { startNs: start, endNs: null, kind: e.name.slice('stop-the-world ('.length, -1) };
          this.openStw.set(keyOf(id), r);
          tl.stw.push(r);
        } else {
          const id = e.scope.kind === 'none' ? null : e.scope.id;
          const open = e.name === 'GC mark assist' ? this.openAssist : this.openSweep;
          if (open.has(keyOf(id))) return; // Active repeated each generation
          const r: ScopedRange = { startNs: start, endNs: null, id };
          open.set(keyOf(id), r);
          (e.name === 'GC mark assist' ? tl.markAssists : tl.sweeps).push(r);
        }
        return;
      }
      case 'rangeEnd': {
        if (e.name === 'GC concurrent mark phase') {
          if (this.openGc === null) tl.gc.push({ startNs: null, endNs: e.t });
          else this.openGc.endNs = e.t;
          this.openGc = null;
        } else if (e.name.startsWith('stop-the-world (')) {
          const k = keyOf(e.scope.kind === 'goroutine' ? e.scope.id : null);
          const r = this.openStw.get(k);
          if (r !== undefined) r.endNs = e.t;
          this.openStw.delete(k);
        } else {
          const id = e.scope.kind === 'none' ? null : e.scope.id;
          const open = e.name === 'GC mark assist' ? this.openAssist : this.openSweep;
          const r = open.get(keyOf(id));
          if (r !== undefined) r.endNs = e.t;
          open.delete(keyOf(id));
        }
        return;
      }
      case 'taskBegin': {
        const r: UserTaskRange = { startNs: e.t, endNs: null, id: e.id, parent: e.parent === U64_MAX ? null : e.parent, name: e.name };
        this.openTasks.set(e.id, r);
        tl.tasks.push(r);
        return;
      }
      case 'taskEnd': {
        const r = this.openTasks.get(e.id);
        if (r !== undefined) r.endNs = e.t;
        else tl.tasks.push({ startNs: null, endNs: e.t, id: e.id, parent: e.parent === U64_MAX ? null : e.parent, name: e.name });
        this.openTasks.delete(e.id);
        return;
      }
      case 'regionBegin': {
        const r: UserRegionRange = { startNs: e.t, endNs: null, goroutine: e.ctx.g, task: e.task, name: e.name };
        const k = keyOf(e.ctx.g);
        let stack = this.openRegions.get(k);
        if (stack === undefined) this.openRegions.set(k, (stack = []));
        stack.push(r);
        tl.regions.push(r);
        return;
      }
      case 'regionEnd': {
        const stack = this.openRegions.get(keyOf(e.ctx.g));
        const r = stack?.pop();
        if (r !== undefined) r.endNs = e.t;
        else tl.regions.push({ startNs: null, endNs: e.t, goroutine: e.ctx.g, task: e.task, name: e.name });
        return;
      }
      case 'log':
        tl.logs.push({ t: e.t, goroutine: e.ctx.g, task: e.task, category: e.category, message: e.message });
        return;
      default:
        return;
    }
  }

  finish(): TraceTimeline {
    return this.tl;
  }
}

export function traceTimeline(gens: Iterable<Generation>): TraceTimeline {
  const c = new TimelineCollector();
  traceEvents(gens, (e) => c.event(e), { reuse: true });
  return c.finish();
}
