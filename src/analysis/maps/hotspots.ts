// Map hotspots: the samples of a profile whose stack passes through the runtime's map
// code (see functions.ts), grouped by the user function that called into it — the
// nearest frame above the outermost map frame that is neither runtime code nor a map
// entry point. For a heap profile this is "map growth hotspots": bytes and objects
// allocated inside map internals per calling function; for a CPU profile, time spent
// in map code per caller.
//
// What Go heap profiles really contain (tools/gen/mapgrowth): runtime/pprof's writer
// (runtime/pprof/protomem.go) drops every leading frame named runtime.* or
// internal/runtime/* from each allocation stack, so growth under `m[k] = v` has no map
// frame at all there — it is charged to the user line. Only map entry points that are
// not runtime-named survive (reflect.mapassign_faststr0 & co. under encoding/json,
// maps.clone under maps.Clone). `runtimeFramesHidden` says when a heap profile looks
// written that way (its leaves are almost never runtime frames), so the view can say
// what it cannot see instead of showing an empty table as "no map growth".
//
// One pass over the stack prefix tree marks the nodes under a map frame (a byte each);
// only the samples there walk their stack, leaf to root.

import type { StackProfile, ValueType } from '../../model/profile';
import { isMapInternal, isRuntimeName, mapFunctionEntry } from './functions';

export interface MapHotspotPath {
  /** Outermost map frame (the entry point the caller used), e.g. runtime.mapassign_fast64. */
  entry: string;
  /** Innermost map frame that names an operation (allocation and control-word helpers such as
   * newarray, newTable, matchH2 skipped unless nothing else is there), e.g. (*table).split. */
  site: string;
  values: number[];
  samples: number;
}

export interface MapHotspotRow {
  /** The calling function; NO_CALLER when the stack has no frame outside the runtime. */
  caller: string;
  callerFile: string;
  /** When the caller is a standard-library function (e.g. encoding/json), the nearest frame
   * further up whose package path does not look like the standard library; else null. */
  reachedFrom: string | null;
  values: number[];
  samples: number;
  /** (entry, site) pairs, heaviest first by the default sample type. */
  paths: MapHotspotPath[];
}

export interface MapHotspots {
  sampleTypes: ValueType[];
  /** Index of the sample type rows are sorted by (the profile's default). */
  sortedBy: number;
  /** A Go heap / allocs profile (alloc_space or inuse_space in bytes). */
  heap: boolean;
  rows: MapHotspotRow[];
  /** Σ over samples with a map frame, per sample type. */
  mapTotals: number[];
  profileTotals: number[];
  mapSamples: number;
  totalSamples: number;
  /** Heap profile whose leading runtime frames were dropped by its writer (runtime/pprof). */
  runtimeFramesHidden: boolean;
  /** Share of the heap profile's allocated bytes whose leaf frame is runtime code (0..1). */
  runtimeLeafShare: number;
}

export const NO_CALLER = '(no frame outside the runtime)';

/** A heap profile counts as runtime/pprof-written (leading runtime frames dropped) below this share of runtime leaves. */
export const HIDDEN_RUNTIME_LEAF_SHARE = 0.5;

const MAX_PATHS = 12;

/** Catalogue entries of helpers below the operation that called them (see `site`). */
const HELPER_ENTRIES = new Set(['newTable', 'group', 'copy', 'maps-package', 'directory']);

/** Package path of a Go function name: `encoding/json.(*decodeState).object` → `encoding/json`. */
export function packagePath(fn: string): string {
  const slash = fn.lastIndexOf('/');
  const dot = fn.indexOf('.', slash + 1);
  return dot < 0 ? fn : fn.slice(0, dot);
}

/** Standard-library-looking package: no dot in the first path element, and not `main`. */
export function looksStandardLibrary(fn: string): boolean {
  const pkg = packagePath(fn);
  if (pkg === 'main' || pkg === '' || pkg.startsWith('main.')) return false;
  const first = pkg.split('/')[0]!;
  return !first.includes('.');
}

export function isHeapProfile(types: readonly ValueType[]): boolean {
  return types.some((t) => (t.type === 'alloc_space' || t.type === 'inuse_space') && t.unit === 'bytes');
}

export function mapHotspots(p: StackProfile): MapHotspots {
  const nf = p.funcs.length;
  const names: string[] = new Array(nf);
  const isMap = new Uint8Array(nf);
  const isRt = new Uint8Array(nf);
  const isStd = new Uint8Array(nf);
  const isSite = new Uint8Array(nf);
  for (let f = 0; f < nf; f++) {
    const n = p.strings[p.funcs.name[f]!]!;
    names[f] = n;
    // Match on the recorded name too: pprof's display name may shorten generics (maps.Clone[...]).
    const rec = p.strings[p.funcs.recordedName[f]!] ?? n;
    isMap[f] = isMapInternal(n) || isMapInternal(rec) ? 1 : 0;
    // Allocation and control-word helpers say little about which operation it was.
    const e = isMap[f] ? (mapFunctionEntry(n) ?? mapFunctionEntry(rec)) : null;
    isSite[f] = e !== null && !HELPER_ENTRIES.has(e.id) ? 1 : 0;
    isRt[f] = isRuntimeName(n) ? 1 : 0;
    isStd[f] = looksStandardLibrary(n) ? 1 : 0;
  }

  const st = p.stacks;
  const types = p.sampleTypes;
  const nt = types.length;
  const heap = isHeapProfile(types);
  const sortedBy = p.defaultSampleType >= 0 && p.defaultSampleType < nt ? p.defaultSampleType : Math.max(0, nt - 1);
  const cols = p.samples.values;
  const profileTotals = cols.map((c) => c.reduce((a, b) => a + b, 0));
  const mapTotals = new Array<number>(nt).fill(0);

  // Which stack nodes have a map frame at or above them: one byte per node, parents
  // first (prefix[i] < i). Big profiles have millions of nodes and few map samples, so
  // only the samples under a map frame walk their stack.
  const n = st.length;
  let anyMapFunc = false;
  for (let f = 0; f < nf; f++) if (isMap[f]) anyMapFunc = true;
  const underMap = anyMapFunc ? new Uint8Array(n) : null;
  if (underMap) {
    for (let i = 0; i < n; i++) {
      const par = st.prefix[i]!;
      underMap[i] = isMap[st.func[i]!]! | (par >= 0 ? underMap[par]! : 0);
    }
  }

  interface Acc {
    row: MapHotspotRow;
    paths: Map<number, MapHotspotPath>;
  }
  const rows = new Map<number, Acc>();
  let mapSamples = 0;
  // Heap: how much of the allocated bytes has a runtime leaf (all of it, when frames are kept).
  const spaceCol = heap ? types.findIndex((t) => t.type === 'alloc_space') : -1;
  const space = spaceCol >= 0 ? cols[spaceCol]! : heap ? cols[types.findIndex((t) => t.type === 'inuse_space')]! : null;
  let spaceAll = 0;
  let spaceRtLeaf = 0;

  const ns = p.samples.length;
  for (let s = 0; s < ns; s++) {
    const leaf = p.samples.stack[s]!;
    if (leaf < 0) continue;
    if (space) {
      const v = Math.abs(space[s]!);
      spaceAll += v;
      if (isRt[st.func[leaf]!]) spaceRtLeaf += v;
    }
    if (!underMap || !underMap[leaf]) continue;
    mapSamples++;
    // Leaf to root: the deepest operation frame, the outermost map frame, and the first
    // frame above it that is neither runtime code nor map code (the caller).
    let site = -1;
    let deepestMap = -1;
    let entry = -1;
    let cNode = -1;
    for (let node = leaf; node >= 0; node = st.prefix[node]!) {
      const f = st.func[node]!;
      if (isMap[f]) {
        if (deepestMap < 0) deepestMap = f;
        if (site < 0 && isSite[f]) site = f;
        entry = f;
        cNode = -1;
      } else if (cNode < 0 && entry >= 0 && !isRt[f]) cNode = node;
    }
    if (site < 0) site = deepestMap;
    const cFunc = cNode >= 0 ? st.func[cNode]! : -1;
    let acc = rows.get(cFunc);
    if (!acc) {
      let reach = -1;
      if (cNode >= 0 && isStd[cFunc]) {
        for (let node = st.prefix[cNode]!; node >= 0 && reach < 0; node = st.prefix[node]!) {
          const f = st.func[node]!;
          if (!isMap[f] && !isRt[f] && !isStd[f]) reach = f;
        }
      }
      acc = {
        row: {
          caller: cFunc >= 0 ? names[cFunc]! : NO_CALLER,
          callerFile: cFunc >= 0 ? (p.strings[p.funcs.fileName[cFunc]!] ?? '') : '',
          reachedFrom: reach >= 0 ? names[reach]! : null,
          values: new Array<number>(nt).fill(0),
          samples: 0,
          paths: [],
        },
        paths: new Map(),
      };
      rows.set(cFunc, acc);
    }
    const key = entry * nf + site;
    let path = acc.paths.get(key);
    if (!path) {
      path = { entry: names[entry]!, site: names[site]!, values: new Array<number>(nt).fill(0), samples: 0 };
      acc.paths.set(key, path);
    }
    acc.row.samples++;
    path.samples++;
    for (let t = 0; t < nt; t++) {
      const v = cols[t]![s]!;
      acc.row.values[t]! += v;
      path.values[t]! += v;
      mapTotals[t]! += v;
    }
  }

  const weight = (v: number[]) => Math.abs(v[sortedBy] ?? 0);
  const out: MapHotspotRow[] = [];
  for (const { row, paths } of rows.values()) {
    row.paths = [...paths.values()].sort((a, b) => weight(b.values) - weight(a.values) || a.entry.localeCompare(b.entry) || a.site.localeCompare(b.site)).slice(0, MAX_PATHS);
    out.push(row);
  }
  out.sort((a, b) => weight(b.values) - weight(a.values) || a.caller.localeCompare(b.caller));
  const runtimeLeafShare = spaceAll > 0 ? spaceRtLeaf / spaceAll : 0;
  return {
    sampleTypes: types.map((t) => ({ type: t.type, unit: t.unit })),
    sortedBy,
    heap,
    rows: out,
    mapTotals,
    profileTotals,
    mapSamples,
    totalSamples: ns,
    runtimeFramesHidden: heap && spaceAll > 0 && runtimeLeafShare < HIDDEN_RUNTIME_LEAF_SHARE,
    runtimeLeafShare,
  };
}

/**
 * What the table cannot show, in words: a runtime/pprof heap profile has no frames inside
 * the map code for ordinary `m[k] = v` growth. Null when the profile keeps those frames.
 */
export function hotspotsCaveat(h: MapHotspots): string | null {
  if (!h.runtimeFramesHidden) return null;
  return (
    'This heap profile was written the way runtime/pprof writes heap profiles: every frame named runtime.* or ' +
    'internal/runtime/* at the top of an allocation stack is dropped (runtime/pprof/protomem.go), so map growth ' +
    'under m[k] = v or make(map…) has no map frame here — it is charged to the line doing the assignment, together ' +
    'with that line’s other allocations. Only map entry points that are not runtime-named remain visible ' +
    '(reflect.mapassign*, e.g. under encoding/json, and maps.clone under maps.Clone); the rows below are those. ' +
    'To see the growth path itself, look at a CPU profile or trace (their stacks keep the runtime frames), or ' +
    'write the allocation records with every frame kept (tools/gen/mapgrowth shows how).'
  );
}
