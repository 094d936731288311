// The UI store. Views read from here only; data enters only through SourceWorker
// (one worker per loaded source, which decodes and answers analysis queries).
//
//   file (the File itself) / ?url= / ?example= (bytes) -> SourceWorker.take().load() -> summary
//   -> analyze(query) whenever sample type / inverted / tag focus / sandwich focus change
//   -> AnalysisResult -> views
//
// The workspace holds several sources at once (a sidebar lists them; one is active and
// the views show it; the checklist reads all of them). Each source keeps its own worker
// (and model) and its own view settings while inactive. Loads are queued and each runs
// in a NEW worker; a failed or cancelled load leaves the workspace as it was. Stale
// analysis responses (older request, or another source) are dropped.

import { create } from 'zustand';
import type { SourceEvidence } from '../analysis/checklist';
import type { TagFilter } from '../analysis/labels';
import { CancelledLoad, SourceWorker, type LoadProgress } from '../worker/client';
import type { AnalysisQuery, AnalysisResult, LoadPhase as WorkerLoadPhase, SimulationResult, SourceSummary } from '../worker/protocol';
import { exampleFileName, exampleUrl } from './examples';
import { perfQueryFields } from '../analysis/perf/selection';
import { DEFAULT_SETTINGS, WORKSPACE_SETTINGS, sameRange, sameTagFocus, type ViewName, type ViewSettings } from './settings';
import { isHeapProfile } from '../analysis/maps/hotspots';
import { sourcesSearch, type HistoryMode, type SourceOrigin } from './url';

export interface Source {
  id: string;
  name: string;
  summary: SourceSummary;
  worker: SourceWorker;
  /** Function name -> node key (index into summary.nodeNames). */
  nameIndex: Map<string, number>;
  origin: SourceOrigin;
  /** The bytes for Share / Export report: a picked file is kept as the File itself (on
   * disk: it costs the tab nothing), fetched or unpacked bytes as a Blob when at most
   * KEEP_BYTES_LIMIT, else null. */
  evidence: Blob | null;
}

/** The most sources a workspace holds (each keeps a worker and its model in memory). */
export const MAX_SOURCES = 8;
/** Fetched or unpacked sources up to this size keep their bytes (a Blob) for Share / Export report. */
export const KEEP_BYTES_LIMIT = 64 << 20;

/** The worker's phases, and the page downloading a ?url= / ?example= source. */
export type LoadPhase = 'download' | WorkerLoadPhase;

export interface LoadingState {
  name: string;
  phase: LoadPhase;
  done: number;
  total: number;
}

export type StatusState = 'idle' | 'loading' | 'ready' | 'error';

export interface AppState {
  sources: Record<string, Source>;
  /** Source ids in sidebar order; settings.source is the active one's index here. */
  order: string[];
  activeSourceId: string | null;
  /** View settings of the inactive sources, restored when one becomes active again. */
  savedSettings: Record<string, ViewSettings>;
  /** Loads waiting behind the one in progress (names only, for the status line). */
  queued: string[];
  /** The `ws=` evidence of the link this workspace was opened from; kept in the URL until the workspace changes. */
  linkPayload: string | null;
  shareOpen: boolean;
  /** The workshop lesson this workspace was opened for (`?lesson=`), or null. */
  lesson: string | null;
  /** Checklist evidence per source id (null = could not be collected); absent = not asked yet. */
  evidence: Record<string, SourceEvidence | null>;
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
}

export const useStore = create<AppState>()(() => ({
  sources: {},
  order: [],
  activeSourceId: null,
  savedSettings: {},
  queued: [],
  linkPayload: null,
  shareOpen: false,
  lesson: null,
  evidence: {},
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
  /** Map view: explain a runtime map function, or close the explanation (one history entry). */
  explainMapFunction(mapfn: string | null): void {
    const cur = get().settings;
    if (cur.mapfn !== mapfn || (mapfn !== null && cur.view !== 'map')) updateSettings(mapfn === null ? { mapfn } : { mapfn, view: 'map' }, 'push');
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
  /** perf dumps: show this event's profile (null = the busiest event). */
  setPerfEvent(perfEvent: string | null): void {
    if (get().settings.perfEvent !== perfEvent) updateSettings({ perfEvent, zoomPath: [] }, 'push');
  },
  setPerfWeight(perfWeight: 'period' | 'count'): void {
    if (get().settings.perfWeight !== perfWeight) updateSettings({ perfWeight }, 'push');
  },
  /** perf dumps: only a process's (pid) or a thread's (pid + tid) samples, or all (null). */
  setPerfTask(perfPid: number | null, perfTid: number | null): void {
    const s = get().settings;
    if (s.perfPid !== perfPid || s.perfTid !== perfTid) updateSettings({ perfPid, perfTid }, 'push');
  },
  /** Settings restored from the URL (reload, back/forward): no history entry. */
  applyFromUrl(settings: ViewSettings): void {
    const s = get();
    const id = s.order[settings.source];
    if (id !== undefined && id !== s.activeSourceId) {
      const savedSettings = { ...s.savedSettings };
      if (s.activeSourceId) savedSettings[s.activeSourceId] = s.settings;
      delete savedSettings[id];
      set({ settings, activeSourceId: id, savedSettings, result: null, historyMode: 'none' });
      return;
    }
    if (id === undefined && s.order.length > 0) settings = { ...settings, source: s.order.indexOf(s.activeSourceId ?? '') };
    set({ settings, historyMode: 'none' });
  },
  /** Workspace: show another loaded source (its own settings come back with it). */
  activateSource(id: string): void {
    if (id !== get().activeSourceId) actions.openEvidence(id, {});
  },
  /** Show source `id` with `patch` applied to its settings (the checklist's evidence links, lesson
   * steps, and with an empty patch the sidebar), one history entry. */
  openEvidence(id: string, patch: Partial<ViewSettings>): void {
    const s = get();
    if (!s.sources[id]) return;
    const savedSettings = { ...s.savedSettings };
    if (s.activeSourceId && s.activeSourceId !== id) savedSettings[s.activeSourceId] = s.settings;
    const base = id === s.activeSourceId ? s.settings : (savedSettings[id] ?? freshSettings(s.sources[id].summary, s.settings));
    delete savedSettings[id];
    const settings: ViewSettings = { ...base, ...workspaceSettings(s.settings), ...patch, source: s.order.indexOf(id) };
    set({ activeSourceId: id, savedSettings, settings, result: id === s.activeSourceId ? s.result : null, historyMode: 'push' });
  },
  /** Lessons: go to a step — its view state (a location hash) with the step number; one history entry. */
  goToLessonStep(step: number, hash: Partial<ViewSettings>): void {
    const s = get();
    const target = { ...DEFAULT_SETTINGS, ...hash, thresholds: s.settings.thresholds, largeText: s.settings.largeText, lessonStep: step };
    const id = s.order[target.source] ?? s.activeSourceId;
    if (id && id !== s.activeSourceId) {
      actions.openEvidence(id, target);
      return;
    }
    updateSettings({ ...target, source: id ? s.order.indexOf(id) : 0 }, 'push');
  },
  setLargeText(largeText: boolean): void {
    if (get().settings.largeText !== largeText) updateSettings({ largeText }, 'replace');
  },
  /** Checklist: set (or with null, reset to its default) one threshold. */
  setThreshold(thresholdId: string, value: number | null): void {
    const thresholds = { ...get().settings.thresholds };
    if (value === null || !Number.isFinite(value)) delete thresholds[thresholdId];
    else thresholds[thresholdId] = value;
    updateSettings({ thresholds }, 'replace');
  },
  /** Workspace: close a source (its worker and model go away). */
  closeSource(id: string): void {
    const s = get();
    const src = s.sources[id];
    if (!src) return;
    src.worker.terminate();
    const sources = { ...s.sources };
    delete sources[id];
    const savedSettings = { ...s.savedSettings };
    delete savedSettings[id];
    const at = s.order.indexOf(id);
    const order = s.order.filter((x) => x !== id);
    let activeSourceId = s.activeSourceId;
    let settings = s.settings;
    if (activeSourceId === id) {
      activeSourceId = order[Math.min(at, order.length - 1)] ?? null;
      if (activeSourceId) {
        settings = savedSettings[activeSourceId] ?? freshSettings(sources[activeSourceId].summary, s.settings);
        delete savedSettings[activeSourceId];
      } else settings = { ...DEFAULT_SETTINGS, view: s.settings.view === 'map' && s.settings.sim !== null ? 'map' : 'flame', sim: s.settings.sim, simStep: s.settings.simStep };
    }
    settings = { ...settings, ...workspaceSettings(s.settings), source: activeSourceId ? order.indexOf(activeSourceId) : 0 };
    set({ sources, order, activeSourceId, savedSettings, settings, result: activeSourceId === s.activeSourceId ? s.result : null, historyMode: 'replace', linkPayload: null });
    syncSearch();
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
  setShareOpen(open: boolean): void {
    set({ shareOpen: open });
  },
};

// ---------------------------------------------------------------------------------
// Loading

let loadToken = 0;
let sourceSeq = 0;
let pending: { token: number; worker: SourceWorker | null; abort: AbortController } | null = null;

/** One load: how to get the bytes, and where the source comes from. */
interface LoadJob {
  name: string;
  phase: LoadPhase;
  origin: SourceOrigin;
  /** Loaded from the page's own search part at startup (index among those sources). */
  fromUrl: boolean;
  /** The bytes, or a picked file for the worker to read itself. */
  read(token: number, signal: AbortSignal): Promise<ArrayBuffer | Blob>;
}

const queue: LoadJob[] = [];

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

/** Queues a load; loads run one at a time, in order. */
function enqueue(job: LoadJob): void {
  queue.push(job);
  if (pending) set({ queued: queue.map((j) => j.name) });
  else void runQueue();
}

async function runQueue(): Promise<void> {
  while (!pending && queue.length > 0) {
    const job = queue.shift()!;
    const token = ++loadToken;
    const abort = new AbortController();
    pending = { token, worker: null, abort };
    set({ loading: { name: job.name, phase: job.phase, done: 0, total: 0 }, notice: null, queued: queue.map((j) => j.name) });
    try {
      const bytes = await job.read(token, abort.signal);
      if (isCurrent(token)) await decodeInWorker(job, bytes, token);
    } catch (e) {
      failLoad(token, e);
    }
    if (isCurrent(token)) pending = null;
  }
  if (!pending && queue.length === 0) {
    set({ queued: [] });
    // A startup link whose `src=` index was not loaded (e.g. a local file): show the last one.
    const s = get();
    if (s.activeSourceId === null && s.order.length > 0) actions.activateSource(s.order[s.order.length - 1]);
  }
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

async function decodeInWorker(job: LoadJob, bytes: ArrayBuffer | Blob, token: number): Promise<void> {
  if (get().order.length >= MAX_SOURCES) {
    throw new Error(`The workspace holds at most ${MAX_SOURCES} sources: close one (× in the sources list) before opening ${job.name}.`);
  }
  const worker = SourceWorker.take();
  if (!isCurrent(token)) {
    worker.terminate();
    return;
  }
  pending!.worker = worker;
  // The worker takes the buffer (transferred) or reads the picked file. Share / Export read a
  // picked file again from the File; other small sources keep a copy (the Blob constructor
  // copies before the transfer).
  const kept = bytes instanceof Blob ? bytes : bytes.byteLength <= KEEP_BYTES_LIMIT ? new Blob([bytes]) : null;
  try {
    const summary = await worker.load(job.name, bytes, (p: LoadProgress) => progress(token, p.phase, p.done, p.total));
    if (!isCurrent(token)) {
      worker.terminate();
      return;
    }
    pending = null;
    installSource(job, summary, worker, kept);
  } catch (e) {
    worker.terminate();
    failLoad(token, e);
  }
}

/** The workspace-wide part of settings (kept when the active source changes). */
function workspaceSettings(s: ViewSettings): Pick<ViewSettings, (typeof WORKSPACE_SETTINGS)[number]> {
  return { thresholds: s.thresholds, lessonStep: s.lessonStep, largeText: s.largeText };
}

/** Settings for a source shown for the first time, keeping what still applies (the view). */
function freshSettings(summary: SourceSummary, current: ViewSettings): ViewSettings {
  const st = sampleTypeIndex(summary, null);
  const settings: ViewSettings = {
    ...DEFAULT_SETTINGS,
    ...workspaceSettings(current),
    view: current.view,
    sim: current.sim,
    simStep: current.simStep,
    sampleType: summary.sampleTypes[st]?.type ?? null,
  };
  settings.view = defaultView(summary, settings, false);
  return settings;
}

function installSource(job: LoadJob, summary: SourceSummary, worker: SourceWorker, evidence: Blob | null): void {
  const s = get();
  const id = `s${++sourceSeq}`;
  const index = s.order.length;
  const nameIndex = new Map<string, number>();
  summary.nodeNames.forEach((n, i) => {
    if (!nameIndex.has(n)) nameIndex.set(n, i);
  });
  const source: Source = { id, name: job.name, summary, worker, nameIndex, origin: job.origin, evidence };
  const sources = { ...s.sources, [id]: source };
  const order = [...s.order, id];
  const savedSettings = { ...s.savedSettings };

  // A source from the page's link that the link's `src=` names: the URL describes its view.
  // So does the first source of an empty workspace (e.g. a file dropped on /#view=top).
  const urlTarget = job.fromUrl ? s.settings.source === index : s.order.length === 0;
  if (job.fromUrl && !urlTarget) {
    // Another source of the shared workspace: loaded, waiting in the sidebar.
    savedSettings[id] = { ...freshSettings(summary, DEFAULT_SETTINGS), source: index };
    set({ sources, order, savedSettings, loading: null });
    syncSearch();
    return;
  }
  if (s.activeSourceId) savedSettings[s.activeSourceId] = s.settings;
  let settings: ViewSettings;
  if (urlTarget) {
    const st = sampleTypeIndex(summary, s.settings.sampleType);
    const labelKeys = new Set(summary.labels.map((l) => l.key));
    settings = { ...s.settings, sampleType: summary.sampleTypes[st]?.type ?? null, tagFocus: s.settings.tagFocus.filter((t) => labelKeys.has(t.key)) };
    if (!summary.trace) settings.goroutine = null;
    if (!summary.trace && !summary.perf) settings.timeRange = null;
    if (!summary.perf) settings = { ...settings, perfEvent: null, perfWeight: 'period', perfPid: null, perfTid: null };
    settings.view = defaultView(summary, settings, typeof location !== 'undefined' && /(^#|&)view=/.test(location.hash));
  } else {
    settings = freshSettings(summary, s.settings);
  }
  settings.source = index;
  set({
    sources,
    order,
    savedSettings,
    activeSourceId: id,
    loading: null,
    error: null,
    result: null,
    settings,
    // From the link: the URL already describes the view. A source the user adds is a new
    // history entry (back returns to the previous source).
    historyMode: urlTarget ? 'none' : 'push',
    // The workspace no longer equals the shared one: its link evidence leaves the URL.
    linkPayload: job.fromUrl ? s.linkPayload : null,
  });
  syncSearch();
}

/** Keeps the search part listing the workspace's reloadable sources. */
function syncSearch(): void {
  if (typeof window === 'undefined' || typeof history === 'undefined') return;
  const s = get();
  // A lesson's link names the lesson (its sources come with it).
  const search = s.lesson ? `?lesson=${encodeURIComponent(s.lesson)}` : sourcesSearch(s.order.map((id) => s.sources[id].origin));
  if (search !== location.search) history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
}

/**
 * The view for a freshly loaded source: a map snapshot always opens the map view; a Go
 * dump opens Goroutines unless the URL named a view; other sources cannot show the
 * dump view (nor the map view, unless a simulation is in the URL).
 */
export function defaultView(summary: SourceSummary, settings: ViewSettings, urlNamedView: boolean): ViewName {
  if (summary.map) return 'map';
  // A link to a map-function explanation opens it whatever the source is.
  if (urlNamedView && settings.view === 'map' && settings.mapfn !== null) return 'map';
  if (summary.dump) return urlNamedView ? settings.view : 'goroutines';
  if (summary.trace) return urlNamedView && settings.view !== 'goroutines' && settings.view !== 'map' && settings.view !== 'perf' ? settings.view : 'timeline';
  if (summary.perf) return urlNamedView && settings.view !== 'goroutines' && settings.view !== 'map' && settings.view !== 'timeline' ? settings.view : 'perf';
  if (settings.view === 'timeline' || settings.view === 'perf') return 'flame';
  if (settings.view === 'goroutines') return 'flame';
  if (settings.view === 'map' && settings.sim === null && settings.mapfn === null && !isHeapProfile(summary.sampleTypes)) return 'flame';
  return settings.view;
}

export function openFile(file: File): void {
  enqueue({
    name: file.name,
    phase: 'read',
    origin: { kind: 'file', value: file.name },
    fromUrl: false,
    // The worker reads the file (structured clone passes a File by reference, no copy): the
    // page never holds its bytes, and a Go trace is streamed from it, never held whole.
    read: async () => file,
  });
}

/** Opens bytes already in memory (the embedded sources of a shared workspace). */
export function openBytes(name: string, bytes: Uint8Array, origin: SourceOrigin, fromUrl: boolean): void {
  enqueue({ name, phase: 'read', origin, fromUrl, read: async () => bytes.slice().buffer });
}

export function setLinkPayload(payload: string | null): void {
  set({ linkPayload: payload });
}

export function showError(message: string): void {
  set({ error: message });
}

/** Opens every file (a multi-file drop or pick), in order. */
export function openFiles(files: Iterable<File>): void {
  for (const f of files) openFile(f);
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

export function openUrl(url: string, fromUrl = false): void {
  const name = nameFromUrl(url);
  enqueue({
    name,
    phase: 'download',
    origin: { kind: 'url', value: url },
    fromUrl,
    async read(token, signal) {
      let parsed: URL;
      try {
        parsed = new URL(url, location.href);
      } catch {
        throw new Error(`Not a valid address: ${url}`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`Only http and https addresses can be loaded, not ${parsed.protocol}`);
      return fetchBytes(parsed.href, token, signal, false);
    },
  });
}

export function openExample(example: string, fromUrl = false): void {
  enqueue({
    name: exampleFileName(example),
    phase: 'download',
    origin: { kind: 'example', value: example },
    fromUrl,
    read: async (token, signal) => fetchBytes(exampleUrl(example), token, signal, true),
  });
}

/** Opens a workshop lesson's artifacts (in order; `src=` indexes them). */
export function openLessonSources(lesson: string, artifacts: readonly string[]): void {
  set({ lesson });
  for (const a of artifacts) openExample(a, true);
}

/** Loads the sources a page link lists (?url= / ?example=, in order). */
export function openFromLink(origins: readonly SourceOrigin[]): void {
  for (const o of origins) {
    if (o.kind === 'url') openUrl(o.value, true);
    else if (o.kind === 'example') openExample(o.value, true);
  }
}

/** Stops the load in flight (terminating its worker) and drops the queued ones; the workspace stays. */
export function cancelLoad(): void {
  queue.length = 0;
  if (!pending) {
    set({ queued: [] });
    return;
  }
  const p = pending;
  pending = null;
  p.abort.abort();
  p.worker?.terminate();
  set({ loading: null, queued: [], notice: 'Loading cancelled.' });
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
    timeRange: (src.summary.trace || src.summary.perf) && s.settings.timeRange ? [s.settings.timeRange[0], s.settings.timeRange[1]] : null,
    goroutine: src.summary.trace ? s.settings.goroutine : null,
    ...(src.summary.perf ? perfQueryFields(src.summary.perf, s.settings) : {}),
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
    (have.goroutine ?? null) === (want.goroutine ?? null) &&
    have.perfEvent === want.perfEvent &&
    have.perfWeight === want.perfWeight &&
    (have.perfPid ?? null) === (want.perfPid ?? null) &&
    (have.perfTid ?? null) === (want.perfTid ?? null)
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
  if (s.order !== prev.order || s.lesson !== prev.lesson || s.settings.view !== prev.settings.view) maybeCollectEvidence(s);
  if (s.settings !== prev.settings || s.activeSourceId !== prev.activeSourceId) {
    maybeAnalyze(s);
    maybeSimulate(s);
  }
});

// ---------------------------------------------------------------------------------
// Checklist evidence: asked from each source's worker once the checklist or a lesson is on
// screen (collecting it for a big trace costs seconds, so loads do not pay for it).

const evidenceAsked = new Set<string>();

function maybeCollectEvidence(s: AppState): void {
  if (s.settings.view !== 'checklist' && s.lesson === null) return;
  for (const id of s.order) {
    if (evidenceAsked.has(id)) continue;
    evidenceAsked.add(id);
    const src = s.sources[id];
    src.worker
      .evidence()
      .then((ev) => {
        if (get().sources[id]) set((st) => ({ evidence: { ...st.evidence, [id]: ev } }));
      })
      .catch(() => {
        if (get().sources[id]) set((st) => ({ evidence: { ...st.evidence, [id]: null } }));
      });
  }
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
