// From the perf settings (event NAME, weight, pid/tid, as the URL carries them) to what
// a perf analysis query asks for (event INDEX, the weight the event can give). Pure; used
// by the store and the views.

import type { AnalysisQuery } from '../../worker/protocol';
import type { PerfViewData } from './viewData';

export interface PerfSettings {
  perfEvent: string | null;
  perfWeight: 'period' | 'count';
  perfPid: number | null;
  perfTid: number | null;
}

/** Index of the event named `name` (as printed), else the default event (formats/index.ts defaultPerfEvent). */
export function perfEventIndex(perf: Pick<PerfViewData, 'events' | 'defaultEvent'>, name: string | null): number {
  if (name !== null) {
    const i = perf.events.findIndex((e) => e.name === name);
    if (i >= 0) return i;
  }
  return perf.defaultEvent;
}

/** The weight actually used: period only where the event printed periods. */
export function effectiveWeight(perf: Pick<PerfViewData, 'events'>, event: number, want: 'period' | 'count'): 'period' | 'count' {
  return want === 'period' && perf.events[event]?.hasPeriod ? 'period' : 'count';
}

/** Unit of the values a perf result carries ('count', or the event's period unit). */
export function perfUnit(perf: Pick<PerfViewData, 'events' | 'defaultEvent'>, query: Pick<AnalysisQuery, 'perfEvent' | 'perfWeight'> | null | undefined): string {
  const ev = query?.perfEvent ?? perf.defaultEvent;
  const e = perf.events[ev];
  return e && query?.perfWeight !== 'count' && e.hasPeriod ? e.periodUnit : 'count';
}

/** The perf fields of an analysis query (sampleType = the profile column: 0 count, 1 period). */
export function perfQueryFields(perf: Pick<PerfViewData, 'events' | 'defaultEvent'>, s: PerfSettings): Pick<AnalysisQuery, 'sampleType' | 'perfEvent' | 'perfWeight' | 'perfPid' | 'perfTid'> {
  const ev = perfEventIndex(perf, s.perfEvent);
  const weight = effectiveWeight(perf, ev, s.perfWeight);
  return {
    sampleType: weight === 'period' ? 1 : 0,
    perfEvent: ev,
    perfWeight: weight,
    perfPid: s.perfTid !== null ? null : s.perfPid,
    perfTid: s.perfTid,
  };
}
