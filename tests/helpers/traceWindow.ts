// The oracle for a time range's goroutine table: Go's summarizer (goroutines.ts, checked
// against an independent reference in trace-goroutines.test.ts) run over the window on the
// trace's generations. The app computes the same table from the timeline's spans
// (views/traceModel.ts spanWindowTable); the tests compare the two as rows (tableRows).

import { blockedNs, GoroutineSummarizer } from '../../src/analysis/trace/goroutines';
import { traceEvents } from '../../src/analysis/trace/states';
import type { TraceViewData } from '../../src/analysis/trace/view';
import type { Generation } from '../../src/formats/gotrace/model';

/** A goroutine table row, as the tests compare them. */
export interface GoroutineRow {
  /** Goroutine id as text (ids may exceed 2^53). */
  id: string;
  name: string;
  execNs: number;
  schedWaitNs: number;
  blockNs: number;
  syscallNs: number;
  totalNs: number;
}

/** The rows of a goroutine table (the worker's columns, or a range's), in its order. */
export function tableRows(d: Pick<TraceViewData, 'table' | 'gIds' | 'gNames'>): GoroutineRow[] {
  const t = d.table;
  return Array.from(t.g, (g, k) => ({
    id: d.gIds[g],
    name: d.gNames[g],
    execNs: t.execNs[k],
    schedWaitNs: t.schedWaitNs[k],
    blockNs: t.blockNs[k],
    syscallNs: t.syscallNs[k],
    totalNs: t.totalNs[k],
  }));
}

/** Goroutine table for [t0, t1) (ns relative to originNs). */
export function windowTable(gens: Iterable<Generation>, originNs: number, t0: number, t1: number): GoroutineRow[] {
  const s = new GoroutineSummarizer({ window: { t0: t0 + originNs, t1: t1 + originNs } });
  traceEvents(gens, (e) => s.event(e), { reuse: true });
  return s.finish().goroutines.map((g) => ({
    id: String(g.id),
    name: g.name,
    execNs: g.execNs,
    schedWaitNs: g.schedWaitNs,
    blockNs: blockedNs(g),
    syscallNs: g.syscallNs,
    totalNs: g.totalNs,
  }));
}
