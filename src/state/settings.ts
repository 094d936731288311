// View settings: everything the location hash carries, so a reload or a shared link
// reproduces the view. Pure data, no DOM.

import type { TagFilter } from '../analysis/labels';

export type ViewName = 'flame' | 'top' | 'sandwich' | 'goroutines' | 'map' | 'timeline' | 'perf' | 'checklist';
export const VIEWS: readonly ViewName[] = ['flame', 'top', 'sandwich', 'goroutines', 'map', 'timeline', 'perf', 'checklist'];

export interface ViewSettings {
  /** Workspace: index of the active source in the sidebar's order (0 = the first loaded). */
  source: number;
  view: ViewName;
  /** Sample type name (e.g. `alloc_space`); null = the profile's default. */
  sampleType: string | null;
  inverted: boolean;
  search: string;
  searchRegex: boolean;
  /** Function names from the root down to the zoomed frame; [] = whole graph. */
  zoomPath: string[];
  selectedFunction: string | null;
  tagFocus: TagFilter[];
  /** Goroutines view: selected group (index into the dump summary's groups, sorted by count). */
  group: number | null;
  /** Map view: simulator script (null = no simulation). */
  sim: string | null;
  /** Map view: simulator step shown (1-based; null = the last). */
  simStep: number | null;
  /** Map view: the runtime map function explained (as profiles / dumps name it), or null. */
  mapfn: string | null;
  /** Go traces: selected goroutine id (its CPU samples only), or null. */
  goroutine: string | null;
  /** Go traces: selected time range [t0, t1) in ns since the trace start, or null.
   * perf dumps: the same, in ns since the dump's first sample. */
  timeRange: [number, number] | null;
  /** perf dumps: event name as printed (null = the event with the most records). */
  perfEvent: string | null;
  /** perf dumps: weight by period (when printed) or count records. */
  perfWeight: 'period' | 'count';
  /** perf dumps: only this process's samples (null = all processes). */
  perfPid: number | null;
  /** perf dumps: only this thread's samples (null = all threads of the selection). */
  perfTid: number | null;
  /** Checklist: threshold overrides by id (workspace-wide: they stay when the active source changes). */
  thresholds: Record<string, number>;
  /** Workshop lesson (the lesson itself is `?lesson=` in the search part): 1-based step, or null. */
  lessonStep: number | null;
  /** Presenting: large text. */
  largeText: boolean;
}

/** Settings that belong to the workspace, not to one source: kept when switching sources. */
export const WORKSPACE_SETTINGS = ['thresholds', 'lessonStep', 'largeText'] as const;

export const DEFAULT_SETTINGS: ViewSettings = {
  source: 0,
  view: 'flame',
  sampleType: null,
  inverted: false,
  search: '',
  searchRegex: false,
  zoomPath: [],
  selectedFunction: null,
  tagFocus: [],
  group: null,
  sim: null,
  simStep: null,
  mapfn: null,
  goroutine: null,
  timeRange: null,
  perfEvent: null,
  perfWeight: 'period',
  perfPid: null,
  perfTid: null,
  thresholds: {},
  lessonStep: null,
  largeText: false,
};

export function sameTagFocus(a: readonly TagFilter[], b: readonly TagFilter[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].key !== b[i].key || a[i].values.length !== b[i].values.length) return false;
    for (let j = 0; j < a[i].values.length; j++) if (a[i].values[j] !== b[i].values[j]) return false;
  }
  return true;
}

export function sameRange(a: readonly [number, number] | null, b: readonly [number, number] | null): boolean {
  if (a === null || b === null) return a === b;
  return a[0] === b[0] && a[1] === b[1];
}

export function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function sameSettings(a: ViewSettings, b: ViewSettings): boolean {
  return (
    a.source === b.source &&
    a.view === b.view &&
    a.sampleType === b.sampleType &&
    a.inverted === b.inverted &&
    a.search === b.search &&
    a.searchRegex === b.searchRegex &&
    samePath(a.zoomPath, b.zoomPath) &&
    a.selectedFunction === b.selectedFunction &&
    sameTagFocus(a.tagFocus, b.tagFocus) &&
    a.group === b.group &&
    a.sim === b.sim &&
    a.simStep === b.simStep &&
    a.mapfn === b.mapfn &&
    a.goroutine === b.goroutine &&
    sameRange(a.timeRange, b.timeRange) &&
    a.perfEvent === b.perfEvent &&
    a.perfWeight === b.perfWeight &&
    a.perfPid === b.perfPid &&
    a.perfTid === b.perfTid &&
    sameNumbers(a.thresholds, b.thresholds) &&
    a.lessonStep === b.lessonStep &&
    a.largeText === b.largeText
  );
}

export function sameNumbers(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** True when a and b differ only in the search fields (typing replaces history). */
export function onlySearchDiffers(a: ViewSettings, b: ViewSettings): boolean {
  return !sameSettings(a, b) && sameSettings({ ...a, search: b.search, searchRegex: b.searchRegex }, b);
}

/** Adds or removes one value of a tag-focus key (a key with no values left is dropped). */
export function toggleTagValue(focus: readonly TagFilter[], key: string, value: string): TagFilter[] {
  const out: TagFilter[] = [];
  let found = false;
  for (const f of focus) {
    if (f.key !== key) {
      out.push(f);
      continue;
    }
    found = true;
    const values = f.values.includes(value) ? f.values.filter((v) => v !== value) : [...f.values, value];
    if (values.length > 0) out.push({ key, values });
  }
  if (!found) out.push({ key, values: [value] });
  return out;
}
