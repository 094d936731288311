// The UI store. Views read from here only; data enters only through SourceWorker
// (one worker per loaded source, which decodes and answers analysis queries).
//
//   file / ?url= / ?example= -> bytes -> SourceWorker.take().load() -> summary
//   -> analyze(query) whenever sample type / inverted / tag focus / sandwich focus change
//   -> AnalysisResult -> views
//
// A new load always runs in a NEW worker; the current source is replaced only when
// that load succeeds, so a failed or cancelled load leaves the previous profile on
// screen. Stale analysis responses (older request, or another source) are dropped.

import { create } from 'zustand';
import type { TagFilter } from '../analysis/labels';
import { CancelledLoad, SourceWorker, type LoadProgress } from '../worker/client';
import type { AnalysisQuery, AnalysisResult, SimulationResult, SourceSummary } from '../worker/protocol';
import type { GoroutineRow } from '../analysis/trace/view';
import { exampleUrl } from './examples';
import { DEFAULT_SETTINGS, sameRange, sameTagFocus, type ViewName, type ViewSettings } from './settings';
import { sourceSearch, type HistoryMode, type SourceParam } from './url';

export interface Source {
  id: string;
  name: string;
  summary: SourceSummary;
  worker: SourceWorker;
  /** Function name -> node key (index into summary.nodeNames). */
  nameIndex: Map<string, number>;
  origin: SourceParam;
}

export type LoadPhase = 'read' | 'download' | 'inflate' | 'decode';

export interface LoadingState {
  name: string;
  phase: LoadPhase;
  done: number;
  total: number;
}

export type StatusState = 'idle' | 'loading' | 'ready' | 'error';

export interface AppState {
  sources: Record<string, Source>;
  activeSourceId: string | null;
  loading: LoadingState | null;
  error: string | null;
  notice: string | null;
  settings: ViewSettings;
  /** How the URL sync records the latest settings change. */
  historyMode: HistoryMode;
  result: AnalysisResult | null;
  analyzing: boolean;
  shortcutsOpen: boolean;
  infoOpen: boolean;
  /** Map simulator: the latest result for settings.sim / simStep. */
  simulation: SimulationResult | null;
  simulating: boolean;
  /** Go traces: the goroutine table for settings.timeRange (null = none yet / no range). */
  traceWindow: { sourceId: string; range: [number, number]; rows: GoroutineRow[] } | null;
}

export const useStore = create<AppState>()(() => ({
  sources: {},
  activeSourceId: null,
  loading: null,
  error: null,
  notice: null,
  settings: { ...DEFAULT_SETTINGS },
  historyMode: 'none',
  result: null,
  analyzing: false,
  shortcutsOpen: false,
  infoOpen: false,
  simulation: null,
  simulating: false,
  traceWindow: null,
}));

const get = useStore.getState;
const set = useStore.setState;

// ---------------------------------------------------------------------------------
// Selectors

export function activeSource(s: AppState = get()): Source | null {
  return s.activeSourceId ? (s.sources[s.activeSourceId] ?? null) : null;
}

export function statusState(s: AppState): StatusState {
  if (s.loading) return 'loading';
  if (s.error) return 'error';
  return s.activeSourceId ? 'ready' : 'idle';
}

/** Index of a sample type by name, else the profile's default. */
export function sampleTypeIndex(summary: SourceSummary, name: string | null): number {
  if (name !== null) {
    const i = summary.sampleTypes.findIndex((t) => t.type === name);
    if (i >= 0) return i;
  }
  const d = summary.defaultSampleType;
  return d >= 0 && d < summary.sampleTypes.length ? d : Math.max(0, summary.sampleTypes.length - 1);
}

// ---------------------------------------------------------------------------------
// Settings actions

function updateSettings(patch: Partial<ViewSettings>, mode: HistoryMode): void {
  set((s) => ({ settings: { ...s.settings, ...patch }, historyMode: mode }));
}

export const actions = {
  setView(view: ViewName): void {
    if (get().settings.view !== view) updateSettings({ view }, 'push');
  },
  setSampleType(sampleType: string): void {
    if (get().settings.sampleType !== sampleType) updateSettings({ sampleType }, 'push');
  },
  setInverted(inverted: boolean): void {
    // A zoom path names a top-down (or bottom-up) chain; it means nothing in the other tree.
    if (get().settings.inverted !== inverted) updateSettings({ inverted, zoomPath: [] }, 'push');
  },
  toggleInverted(): void {
    actions.setInverted(!get().settings.inverted);
  },
  setSearch(search: string): void {
    if (get().settings.search !== search) updateSettings({ search }, 'replace');
  },
  setSearchRegex(searchRegex: boolean): void {
    if (get().settings.searchRegex !== searchRegex) updateSettings({ searchRegex }, 'replace');
  },
  setZoomPath(zoomPath: string[]): void {
    updateSettings({ zoomPath }, 'push');
  },
  selectFunction(selectedFunction: string | null): void {
    if (get().settings.selectedFunction !== selectedFunction) updateSettings({ selectedFunction }, 'push');
  },
  /** Select a function and show its callers and callees (one history entry). */
  openInSandwich(selectedFunction: string): void {
    updateSettings({ selectedFunction, view: 'sandwich' }, 'push');
  },
  setTagFocus(tagFocus: TagFilter[]): void {
    const clean = tagFocus.filter((t) => t.values.length > 0);
    if (!sameTagFocus(get().settings.tagFocus, clean)) updateSettings({ tagFocus: clean }, 'push');
  },
  /** Goroutines view: select a group (or none). */
  selectGroup(group: number | null): void {
    if (get().settings.group !== group) updateSettings({ group }, 'push');
  },
  /** Goroutines view: select a group and zoom the flame graph to its stack (one history entry). */
  showGroupInFlame(group: number, zoomPath: string[]): void {
    updateSettings({ group, zoomPath, inverted: false }, 'push');
  },
  /** Map view: run a simulator script (from its first step to the last). */
  setSimulation(sim: string | null): void {
    updateSettings({ sim, simStep: null, view: 'map' }, 'push');
  },
  setSimStep(simStep: number): void {
    if (get().settings.simStep !== simStep) updateSettings({ simStep }, 'replace');
  },
  /** Trace timeline: select a goroutine (its samples only in the flame graph), or none. */
  selectGoroutine(goroutine: string | null): void {
    if (get().settings.goroutine !== goroutine) updateSettings({ goroutine }, 'push');
  },
  /** Trace timeline: select a time range [t0, t1) in ns since the trace start, or none. */
  setTimeRange(timeRange: [number, number] | null): void {
    if (timeRange !== null) {
      const a = Math.max(0, Math.round(Math.min(timeRange[0], timeRange[1])));
      const b = Math.round(Math.max(timeRange[0], timeRange[1]));
      timeRange = b > a ? [a, b] : null;
    }
    if (!sameRange(get().settings.timeRange, timeRange)) updateSettings({ timeRange }, 'push');
  },
  /** Settings restored from the URL (reload, back/forward): no history entry. */
  applyFromUrl(settings: ViewSettings): void {
    set({ settings, historyMode: 'none' });
  },
  dismissError(): void {
    set({ error: null });
  },
  dismissNotice(): void {
    set({ notice: null });
  },
  setShortcutsOpen(open: boolean): void {
    set({ shortcutsOpen: open });
  },
  setInfoOpen(open: boolean): void {
    set({ infoOpen: open });
  },
};

// ---------------------------------------------------------------------------------
// Loading

let loadToken = 0;
let sourceSeq = 0;
let pending: { token: number; worker: SourceWorker | null; abort: AbortController } | null = null;

class LoadCancelled extends Error {}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reads a byte stream into one exact-size ArrayBuffer, reporting bytes done. */
async function readStream(
  stream: ReadableStream<Uint8Array>,
  total: number,
  signal: AbortSignal,
  onProgress: (done: number, total: number) => void,
): Promise<ArrayBuffer> {
  const reader = stream.getReader();
  let buf = new Uint8Array(total > 0 ? total : 1 << 20);
  let len = 0;
  try {
    for (;;) {
      if (signal.aborted) throw new LoadCancelled();
      const { done, value } = await reader.read();
      if (done) break;
      if (len + value.length > buf.length) {
        const next = new Uint8Array(Math.max(buf.length * 2, len + value.length));
        next.set(buf.subarray(0, len));
        buf = next;
      }
      buf.set(value, len);
      len += value.length;
      onProgress(len, Math.max(total, len));
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    throw e;
  }
  return len === buf.length ? buf.buffer : buf.slice(0, len).buffer;
}

function beginLoad(name: string, phase: LoadPhase): { token: number; abort: AbortController } {
  // Starting a new load cancels one still in flight.
  if (pending) {
    pending.abort.abort();
    pending.worker?.terminate();
  }
  const token = ++loadToken;
  const abort = new AbortController();
  pending = { token, worker: null, abort };
  set({ loading: { name, phase, done: 0, total: 0 }, notice: null });
  return { token, abort };
}

function isCurrent(token: number): boolean {
  return pending !== null && pending.token === token;
}

function progress(token: number, phase: LoadPhase, done: number, total: number): void {
  if (!isCurrent(token)) return;
  const l = get().loading;
  if (!l) return;
  set({ loading: { ...l, phase, done, total } });
}

function failLoad(token: number, e: unknown): void {
  if (!isCurrent(token)) return;
  pending = null;
  if (e instanceof LoadCancelled || e instanceof CancelledLoad) {
    set({ loading: null });
    return;
  }
  set({ loading: null, error: errorText(e) });
}

async function decodeInWorker(name: string, bytes: ArrayBuffer, token: number, origin: SourceParam): Promise<void> {
  const worker = SourceWorker.take();
  if (!isCurrent(token)) {
    worker.terminate();
    return;
  }
  pending!.worker = worker;
  try {
    const summary = await worker.load(name, bytes, (p: LoadProgress) => progress(token, p.phase, p.done, p.total));
    if (!isCurrent(token)) {
      worker.terminate();
      return;
    }
    pending = null;
    installSource(name, summary, worker, origin);
  } catch (e) {
    worker.terminate();
    failLoad(token, e);
  }
}

function installSource(name: string, summary: SourceSummary, worker: SourceWorker, origin: SourceParam): void {
  const s = get();
  const first = s.activeSourceId === null;
  const id = `s${++sourceSeq}`;
  const nameIndex = new Map<string, number>();
  summary.nodeNames.forEach((n, i) => {
    if (!nameIndex.has(n)) nameIndex.set(n, i);
  });
  const source: Source = { id, name, summary, worker, nameIndex, origin };
  // One source at a time for now: the previous one's worker (and model) goes away.
  for (const old of Object.values(s.sources)) old.worker.terminate();
  const st = sampleTypeIndex(summary, s.settings.sampleType);
  const labelKeys = new Set(summary.labels.map((l) => l.key));
  const settings: ViewSettings = first
    ? { ...s.settings, sampleType: summary.sampleTypes[st]?.type ?? null, tagFocus: s.settings.tagFocus.filter((t) => labelKeys.has(t.key)) }
    : { ...s.settings, sampleType: summary.sampleTypes[st]?.type ?? null, zoomPath: [], selectedFunction: null, tagFocus: [], group: null, goroutine: null, timeRange: null };
  if (!summary.trace) {
    settings.goroutine = null;
    settings.timeRange = null;
  }
  settings.view = defaultView(summary, settings, first && typeof location !== 'undefined' && /(^#|&)view=/.test(location.hash));
  set({
    sources: { [id]: source },
    activeSourceId: id,
    loading: null,
    error: null,
    result: null,
    traceWindow: null,
    settings,
    // First load: the URL already describes the view (or is empty = defaults); later
    // loads reset zoom/selection/tags in place of the old profile's state.
    historyMode: first ? 'none' : 'replace',
  });
  if (typeof window !== 'undefined' && typeof history !== 'undefined') {
    history.replaceState(history.state, '', `${location.pathname}${sourceSearch(origin)}${location.hash}`);
  }
}

/**
 * The view for a freshly loaded source: a map snapshot always opens the map view; a Go
 * dump opens Goroutines unless the URL named a view; other sources cannot show the
 * dump view (nor the map view, unless a simulation is in the URL).
 */
export function defaultView(summary: SourceSummary, settings: ViewSettings, urlNamedView: boolean): ViewName {
  if (summary.map) return 'map';
  if (summary.dump) return urlNamedView ? settings.view : 'goroutines';
  if (summary.trace) return urlNamedView && settings.view !== 'goroutines' && settings.view !== 'map' ? settings.view : 'timeline';
  if (settings.view === 'timeline') return 'flame';
  if (settings.view === 'goroutines') return 'flame';
  if (settings.view === 'map' && settings.sim === null) return 'flame';
  return settings.view;
}

export async function openFile(file: File): Promise<void> {
  const { token, abort } = beginLoad(file.name, 'read');
  try {
    let bytes: ArrayBuffer;
    if (typeof file.stream === 'function') bytes = await readStream(file.stream(), file.size, abort.signal, (d, t) => progress(token, 'read', d, t));
    else bytes = await file.arrayBuffer();
    if (!isCurrent(token)) return;
    await decodeInWorker(file.name, bytes, token, null);
  } catch (e) {
    failLoad(token, e);
  }
}

export function corsMessage(url: string): string {
  let origin = url;
  try {
    origin = new URL(url, typeof location !== 'undefined' ? location.href : undefined).origin;
  } catch {
    /* keep the raw text */
  }
  return `The server at ${origin} refused the request or did not allow cross-origin reads (CORS). Download the file and drop it here instead.`;
}

async function fetchBytes(url: string, token: number, signal: AbortSignal, expectBinary: boolean): Promise<ArrayBuffer> {
  let res: Response;
  try {
    res = await fetch(url, { mode: 'cors', credentials: 'omit', signal, referrerPolicy: 'no-referrer' });
  } catch (e) {
    if (signal.aborted) throw new LoadCancelled();
    if (e instanceof TypeError) throw new Error(corsMessage(url));
    throw e;
  }
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
  // A dev server answers unknown paths with index.html; that is a missing example, not a profile.
  if (expectBinary && (res.headers.get('content-type') ?? '').startsWith('text/html')) throw new Error(`HTTP 404 from ${url}`);
  const total = Number(res.headers.get('content-length')) || 0;
  if (!res.body) return res.arrayBuffer();
  return readStream(res.body, total, signal, (d, t) => progress(token, 'download', d, t));
}

function nameFromUrl(url: string): string {
  try {
    const u = new URL(url, typeof location !== 'undefined' ? location.href : undefined);
    const last = u.pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : u.host;
  } catch {
    return url;
  }
}

export async function openUrl(url: string): Promise<void> {
  const name = nameFromUrl(url);
  const { token, abort } = beginLoad(name, 'download');
  try {
    let parsed: URL;
    try {
      parsed = new URL(url, location.href);
    } catch {
      throw new Error(`Not a valid address: ${url}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`Only http and https addresses can be loaded, not ${parsed.protocol}`);
    const bytes = await fetchBytes(parsed.href, token, abort.signal, false);
    if (!isCurrent(token)) return;
    await decodeInWorker(name, bytes, token, { kind: 'url', value: url });
  } catch (e) {
    failLoad(token, e);
  }
}

export async function openExample(example: string): Promise<void> {
  const url = exampleUrl(example);
  const { token, abort } = beginLoad(`${example}.pb.gz`, 'download');
  try {
    const bytes = await fetchBytes(url, token, abort.signal, true);
    if (!isCurrent(token)) return;
    await decodeInWorker(`${example}.pb.gz`, bytes, token, { kind: 'example', value: example });
  } catch (e) {
    failLoad(token, e);
  }
}

/** Stops the load in flight (terminating its worker); the previous source stays. */
export function cancelLoad(): void {
  if (!pending) return;
  const p = pending;
  pending = null;
  p.abort.abort();
  p.worker?.terminate();
  set({ loading: null, notice: 'Loading cancelled.' });
}

// ---------------------------------------------------------------------------------
// Analysis

let requested: { sourceId: string; query: AnalysisQuery } | null = null;
let analysisSeq = 0;

export function desiredQuery(s: AppState): AnalysisQuery | null {
  const src = activeSource(s);
  if (!src) return null;
  const sel = s.settings.selectedFunction;
  const focusKey = s.settings.view === 'sandwich' && sel !== null ? (src.nameIndex.get(sel) ?? null) : null;
  return {
    sampleType: sampleTypeIndex(src.summary, s.settings.sampleType),
    inverted: s.settings.inverted,
    tagFocus: s.settings.tagFocus.map((t) => ({ key: t.key, values: [...t.values] })),
    focusKey,
    timeRange: src.summary.trace && s.settings.timeRange ? [s.settings.timeRange[0], s.settings.timeRange[1]] : null,
    goroutine: src.summary.trace ? s.settings.goroutine : null,
  };
}

/** Whether a result for `have` serves a view that wants `want` (a missing focus is fine). */
export function querySatisfies(have: AnalysisQuery, want: AnalysisQuery): boolean {
  return (
    have.sampleType === want.sampleType &&
    have.inverted === want.inverted &&
    sameTagFocus(have.tagFocus, want.tagFocus) &&
    (want.focusKey === null || want.focusKey === have.focusKey) &&
    sameRange(have.timeRange ?? null, want.timeRange ?? null) &&
    (have.goroutine ?? null) === (want.goroutine ?? null)
  );
}

async function runAnalysis(src: Source, query: AnalysisQuery): Promise<void> {
  const seq = ++analysisSeq;
  set({ analyzing: true });
  try {
    const result = await src.worker.analyze(query);
    if (seq !== analysisSeq || get().activeSourceId !== src.id) return;
    if (typeof performance !== 'undefined' && performance.mark) performance.mark('stacklens:result');
    set({ result, analyzing: false });
  } catch (e) {
    if (seq !== analysisSeq || get().activeSourceId !== src.id) return;
    set({ analyzing: false, error: e instanceof CancelledLoad ? null : `Analysis failed: ${errorText(e)}` });
  }
}

function maybeAnalyze(s: AppState): void {
  const src = activeSource(s);
  const q = desiredQuery(s);
  if (!src || !q || src.summary.map) return;
  if (requested && requested.sourceId === src.id && querySatisfies(requested.query, q)) return;
  requested = { sourceId: src.id, query: q };
  void runAnalysis(src, q);
}

useStore.subscribe((s, prev) => {
  if (s.settings !== prev.settings || s.activeSourceId !== prev.activeSourceId) {
    maybeAnalyze(s);
    maybeSimulate(s);
    maybeTraceWindow(s);
  }
});

// ---------------------------------------------------------------------------------
// Trace: the goroutine table of the selected time range

let windowRequested: { sourceId: string; range: [number, number] } | null = null;
let windowSeq = 0;

function maybeTraceWindow(s: AppState): void {
  const src = activeSource(s);
  const range = s.settings.timeRange;
  if (!src || !src.summary.trace || range === null) {
    windowRequested = null;
    return;
  }
  if (windowRequested && windowRequested.sourceId === src.id && sameRange(windowRequested.range, range)) return;
  windowRequested = { sourceId: src.id, range };
  const seq = ++windowSeq;
  src.worker
    .traceWindow(range[0], range[1])
    .then((rows) => {
      if (seq === windowSeq && get().activeSourceId === src.id) set({ traceWindow: { sourceId: src.id, range, rows } });
    })
    .catch((e) => {
      if (seq !== windowSeq || e instanceof CancelledLoad) return;
      windowRequested = null;
      set({ error: `Goroutine table for the range failed: ${errorText(e)}` });
    });
}

// ---------------------------------------------------------------------------------
// Map simulation (its own worker, independent of the loaded source)

let simWorker: SourceWorker | null = null;
let simSeq = 0;
let simRequested: { script: string; step: number | null } | null = null;

function maybeSimulate(s: AppState): void {
  const script = s.settings.sim;
  if (script === null || s.settings.view !== 'map') return;
  const step = s.settings.simStep;
  if (simRequested && simRequested.script === script && simRequested.step === step) return;
  simRequested = { script, step };
  if (!simWorker) simWorker = new SourceWorker();
  const seq = ++simSeq;
  set({ simulating: true });
  simWorker
    .simulate(script, step ?? 0)
    .then((simulation) => {
      if (seq === simSeq) set({ simulation, simulating: false });
    })
    .catch((e) => {
      if (seq !== simSeq) return;
      simRequested = null;
      set({ simulating: false, simulation: { script, error: errorText(e), lines: [], step: 0, events: [], counters: null, snapshot: null, stats: null, note: '' } });
    });
}

/** Starts the simulation the URL asks for (call once at startup, after the URL sync). */
export function startSimulationFromUrl(): void {
  maybeSimulate(get());
}

/** For tests and the page-level perf probe. */
export const storeInternals = { pendingToken: () => pending?.token ?? null };
