// View settings: everything the location hash carries, so a reload or a shared link
// reproduces the view. Pure data, no DOM.

import type { TagFilter } from '../analysis/labels';

export type ViewName = 'flame' | 'top' | 'sandwich' | 'goroutines' | 'map' | 'timeline';
export const VIEWS: readonly ViewName[] = ['flame', 'top', 'sandwich', 'goroutines', 'map', 'timeline'];

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
  /** Go traces: selected time range [t0, t1) in ns since the trace start, or null. */
  timeRange: [number, number] | null;
}

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
    sameRange(a.timeRange, b.timeRange)
  );
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
