// Mutator utilization and minimum mutator utilization (MMU) with the semantics of Go's
// internal/trace gc.go (`go tool trace`'s MMU page): a step function of the fraction of
// GOMAXPROCS not doing GC work (STW, background mark workers, mark assists, sweeping),
// system-wide or per P, and MMU(window) = the minimum mean utilization over all windows of
// that length.
//
// The utilization functions match Go's point for point; MMU is computed exactly here (the
// mean over a window is piecewise linear in the window start, so its minimum is at a window
// edge meeting a step) rather than with Go's banded search — same value up to float rounding.

import type { Generation } from '../../formats/gotrace/model.ts';
import type { U64 } from '../../formats/gotrace/u64.ts';
import { traceEvents, type GoState, type RangeEvent, type TraceEvent } from './states.ts';

export const UtilFlags = {
  /** Stop-the-world pauses of the GC. */
  STW: 1,
  /** Background mark workers. */
  Background: 2,
  /** Mark assists. */
  Assist: 4,
  /** Incremental sweeping. */
  Sweep: 8,
  /** One function per P instead of one system-wide function. */
  PerProc: 16,
} as const;

/** `go tool trace`'s default: system-wide, STW + background + assist. */
export const DEFAULT_UTIL_FLAGS = UtilFlags.STW | UtilFlags.Background | UtilFlags.Assist;

/** Utilization `util` (0..1) from time `t` (ns) until the next point. */
export interface MutatorUtil {
  t: number;
  util: number;
}

function addUtil(s: MutatorUtil[], mu: MutatorUtil): void {
  const n = s.length;
  if (n > 0) {
    const last = s[n - 1];
    if (mu.util === last.util) return;
    if (mu.t === last.t) {
      if (mu.util < last.util) s[n - 1] = mu;
      return;
    }
  }
  s.push(mu);
}

const executing = (s: GoState | undefined): boolean => s === 'Running' || s === 'Syscall';
const isGCSTW = (r: RangeEvent): boolean => r.name.startsWith('stop-the-world') && r.name.includes('GC');
const isAssist = (r: RangeEvent): boolean => r.name === 'GC mark assist';
const isSweep = (r: RangeEvent): boolean => r.name === 'GC incremental sweep';

/** Go's MutatorUtilizationV2 over a stream of API events (feed with `event`, then `finish`). */
export class MutatorUtilization {
  private readonly out: MutatorUtil[][] = [];
  private stw = 0;
  private ps: { gc: number; series: number }[] = [];
  private readonly inGC = new Set<U64>();
  private readonly bgMark = new Set<U64>();
  private readonly states = new Map<U64, GoState>();
  private readonly procs: { t: number; n: number }[] = [];
  private nSync = 0;
  private lastT = -1;

  constructor(private readonly flags: number = DEFAULT_UTIL_FLAGS) {}

  /**
   * The P of an event. Go indexes its P list with the event's P unchecked and panics for an
   * event without one (seen for a background mark worker leaving Running on a P-less M);
   * here such an update goes to a scratch counter and is ignored.
   */
  private p(id: U64 | null): { gc: number; series: number } {
    const p = id === null ? undefined : this.ps[Number(id)];
    return p ?? { gc: 0, series: -1 };
  }

  event(e: TraceEvent): void {
    const f = this.flags;
    const perProc = (f & UtilFlags.PerProc) !== 0;
    this.lastT = e.t;
    if (e.kind === 'sync') this.nSync = e.n;
    if (e.kind === 'metric' && e.name === '/sched/gomaxprocs:threads') {
      const n = Number(e.value);
      if (this.ps.length > n) {
        if (perProc) for (const p of this.ps.slice(n)) addUtil(this.out[p.series], { t: e.t, util: 0 });
        this.ps = this.ps.slice(0, n);
      }
      while (this.ps.length < n) {
        let series = 0;
        if (perProc || this.out.length === 0) {
          series = this.out.length;
          this.out.push([{ t: e.t, util: 1 }]);
        }
        this.ps.push({ gc: 0, series });
      }
      if (this.procs.length === 0 || this.procs[this.procs.length - 1].n !== n) this.procs.push({ t: e.t, n });
    }
    if (this.ps.length === 0) return;
    const stwOn = (r: RangeEvent) => (f & UtilFlags.STW) !== 0 && isGCSTW(r);
    const assistOn = (r: RangeEvent) => (f & UtilFlags.Assist) !== 0 && isAssist(r);
    const sweepOn = (r: RangeEvent) => (f & UtilFlags.Sweep) !== 0 && isSweep(r);
    switch (e.kind) {
      case 'rangeActive':
      case 'rangeBegin': {
        if (e.kind === 'rangeActive') {
          if (this.nSync > 1) break;
          // Active since the start of the trace: take 1/GOMAXPROCS off everything so far.
          let fix = false;
          if (assistOn(e)) fix = e.ctx.g !== null && executing(this.states.get(e.ctx.g));
          else if (sweepOn(e)) fix = true;
          if (fix && !perProc) {
            const s = this.out[0];
            const procs = this.procs;
            let mi = 0;
            let pi = 0;
            while (mi < s.length) {
              if (pi < procs.length - 1 && procs[pi + 1].t < s[mi].t) {
                pi++;
                continue;
              }
              // Points are shared objects with nothing else; update in place.
              s[mi].util -= 1 / procs[pi].n;
              if (s[mi].util < 0) s[mi].util = 0;
              mi++;
            }
          }
        }
        if (stwOn(e)) this.stw++;
        else if (sweepOn(e)) this.p(e.ctx.p).gc++;
        else if (assistOn(e)) {
          this.p(e.ctx.p).gc++;
          if (e.scope.kind === 'goroutine' && e.scope.id !== null) this.inGC.add(e.scope.id);
        }
        break;
      }
      case 'rangeEnd':
        if (stwOn(e)) this.stw--;
        else if (sweepOn(e)) this.p(e.ctx.p).gc--;
        else if (assistOn(e)) {
          this.p(e.ctx.p).gc--;
          if (e.scope.kind === 'goroutine' && e.scope.id !== null) this.inGC.delete(e.scope.id);
        }
        break;
      case 'go': {
        const g = e.id;
        if (this.inGC.has(g) || this.bgMark.has(g)) {
          const was = executing(e.from);
          const is = executing(e.to);
          if (!was && is) this.p(e.ctx.p).gc++;
          else if (was && !is) this.p(e.ctx.p).gc--;
        }
        this.states.set(g, e.to);
        break;
      }
      case 'label':
        if ((f & UtilFlags.Background) !== 0 && e.label.startsWith('GC ') && e.label !== 'GC (idle)') {
          if (!(perProc && e.label === 'GC (dedicated)')) {
            if (e.ctx.g !== null) this.bgMark.add(e.ctx.g);
            this.p(e.ctx.p).gc++;
          }
        }
        break;
      default:
        break;
    }
    if (!perProc) {
      let gcPs = 0;
      if (this.stw > 0) gcPs = this.ps.length;
      else for (const p of this.ps) if (p.gc > 0) gcPs++;
      addUtil(this.out[0], { t: e.t, util: 1 - gcPs / this.ps.length });
    } else {
      for (const p of this.ps) addUtil(this.out[p.series], { t: e.t, util: this.stw > 0 || p.gc > 0 ? 0 : 1 });
    }
  }

  /** The utilization functions (each ends with a 0 point at the last event); [] without events. */
  finish(): MutatorUtil[][] {
    if (this.lastT < 0) return [];
    for (const p of this.ps) addUtil(this.out[p.series], { t: this.lastT, util: 0 });
    return this.out;
  }
}

export function mutatorUtilization(gens: Iterable<Generation>, flags: number = DEFAULT_UTIL_FLAGS): MutatorUtil[][] {
  const m = new MutatorUtilization(flags);
  traceEvents(gens, (e) => m.event(e), { reuse: true });
  return m.finish();
}

/** Prefix integrals of a utilization step function: F(t_i). */
function prefix(s: readonly MutatorUtil[]): Float64Array {
  const F = new Float64Array(s.length);
  for (let i = 1; i < s.length; i++) F[i] = F[i - 1] + s[i - 1].util * (s[i].t - s[i - 1].t);
  return F;
}

/** ∫ utilization from the series start to t (t within the series), using a hint index. */
function integral(s: readonly MutatorUtil[], F: Float64Array, t: number): number {
  let lo = 0;
  let hi = s.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s[mid].t <= t) lo = mid;
    else hi = mid - 1;
  }
  return F[lo] + s[lo].util * (t - s[lo].t);
}

/** Minimum mean utilization over windows of `windowNs` (clipped to each series' length). */
export function mmu(series: readonly MutatorUtil[][], windowNs: number): number {
  if (windowNs <= 0) return 0;
  let best = 1;
  for (const s of series) {
    if (s.length === 0) continue;
    const start = s[0].t;
    const end = s[s.length - 1].t;
    const w = Math.min(windowNs, end - start);
    if (w <= 0) continue;
    const F = prefix(s);
    const last = end - w;
    const at = (x: number): void => {
      if (x < start || x > last) return;
      const m = (integral(s, F, x + w) - integral(s, F, x)) / w;
      if (m < best) best = m;
    };
    at(start);
    at(last);
    for (const p of s) {
      at(p.t);
      at(p.t - w);
    }
  }
  return best < 0 ? 0 : best;
}
