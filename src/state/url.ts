// URL state. The location HASH holds every view setting, e.g.
//   #view=flame&st=alloc_space&zoom=main.main;main.work&q=fib&fn=main.fib&inv=1&tag=worker:hash
// (perf dumps add ev=<event>&w=count&pid=<pid>&tid=<tid>, and t=<t0>-<t1> as traces do)
// Each value (and each element of zoom / tag) is encodeURIComponent-encoded, so names
// containing ; & = # : , or any unicode round-trip exactly. The SEARCH part holds only
// what to load: ?url=<address> or ?example=<name>. The hash never leaves the browser.
//
// encodeHash / decodeHash are pure (unit-tested); installUrlSync wires them to history.

import { decodeThresholds, encodeThresholds } from '../analysis/checklist';
import type { TagFilter } from '../analysis/labels';
import { DEFAULT_SETTINGS, VIEWS, onlySearchDiffers, sameSettings, type ViewName, type ViewSettings } from './settings';

const enc = encodeURIComponent;

function dec(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function encodeHash(s: ViewSettings): string {
  const parts: string[] = s.source > 0 ? [`src=${s.source}`, `view=${s.view}`] : [`view=${s.view}`];
  if (s.sampleType !== null) parts.push(`st=${enc(s.sampleType)}`);
  if (s.inverted) parts.push('inv=1');
  if (s.zoomPath.length > 0) parts.push(`zoom=${s.zoomPath.map(enc).join(';')}`);
  if (s.search !== '') parts.push(`q=${enc(s.search)}`);
  if (s.searchRegex) parts.push('rx=1');
  if (s.selectedFunction !== null) parts.push(`fn=${enc(s.selectedFunction)}`);
  const tags = s.tagFocus.filter((t) => t.values.length > 0);
  if (tags.length > 0) parts.push(`tag=${tags.map((t) => `${enc(t.key)}:${t.values.map(enc).join(',')}`).join(';')}`);
  if (s.group !== null) parts.push(`grp=${s.group}`);
  if (s.sim !== null) parts.push(`sim=${enc(s.sim)}`);
  if (s.simStep !== null) parts.push(`step=${s.simStep}`);
  if (s.mapfn !== null) parts.push(`mapfn=${enc(s.mapfn)}`);
  if (s.goroutine !== null) parts.push(`g=${enc(s.goroutine)}`);
  if (s.timeRange !== null) parts.push(`t=${s.timeRange[0]}-${s.timeRange[1]}`);
  if (s.perfEvent !== null) parts.push(`ev=${enc(s.perfEvent)}`);
  if (s.perfWeight !== 'period') parts.push(`w=${s.perfWeight}`);
  if (s.perfPid !== null) parts.push(`pid=${s.perfPid}`);
  if (s.perfTid !== null) parts.push(`tid=${s.perfTid}`);
  const thr = encodeThresholds(s.thresholds);
  if (thr !== '') parts.push(`thr=${enc(thr)}`);
  if (s.lessonStep !== null) parts.push(`ls=${s.lessonStep}`);
  if (s.largeText) parts.push('big=1');
  return parts.join('&');
}

export function decodeTagFocus(v: string): TagFilter[] {
  const out: TagFilter[] = [];
  for (const item of v.split(';')) {
    const colon = item.indexOf(':');
    if (colon <= 0) continue;
    const key = dec(item.slice(0, colon));
    const values = item
      .slice(colon + 1)
      .split(',')
      .filter((x) => x !== '')
      .map(dec);
    if (values.length > 0) out.push({ key, values });
  }
  return out;
}

/** Settings from a location hash (with or without the leading '#'); unknown keys are ignored. */
export function decodeHash(hash: string): ViewSettings {
  const s: ViewSettings = { ...DEFAULT_SETTINGS, zoomPath: [], tagFocus: [], thresholds: {} };
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  if (h === '') return s;
  for (const part of h.split('&')) {
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    switch (k) {
      case 'src':
        if (/^\d{1,3}$/.test(v)) s.source = Number(v);
        break;
      case 'view':
        if ((VIEWS as readonly string[]).includes(v)) s.view = v as ViewName;
        break;
      case 'st':
        s.sampleType = dec(v);
        break;
      case 'inv':
        s.inverted = v === '1';
        break;
      case 'zoom':
        s.zoomPath = v.split(';').map(dec);
        break;
      case 'q':
        s.search = dec(v);
        break;
      case 'rx':
        s.searchRegex = v === '1';
        break;
      case 'fn':
        s.selectedFunction = dec(v);
        break;
      case 'tag':
        s.tagFocus = decodeTagFocus(v);
        break;
      case 'grp':
        if (/^\d{1,9}$/.test(v)) s.group = Number(v);
        break;
      case 'sim':
        s.sim = dec(v);
        break;
      case 'step':
        if (/^\d{1,9}$/.test(v)) s.simStep = Number(v);
        break;
      case 'mapfn':
        s.mapfn = dec(v);
        break;
      case 'g':
        if (/^\d{1,20}$/.test(v)) s.goroutine = v;
        break;
      case 't': {
        const m = /^(\d{1,16})-(\d{1,16})$/.exec(v);
        if (m && Number(m[1]) < Number(m[2])) s.timeRange = [Number(m[1]), Number(m[2])];
        break;
      }
      case 'ev':
        s.perfEvent = dec(v);
        break;
      case 'w':
        if (v === 'count' || v === 'period') s.perfWeight = v;
        break;
      case 'pid':
        if (/^\d{1,10}$/.test(v)) s.perfPid = Number(v);
        break;
      case 'tid':
        if (/^\d{1,10}$/.test(v)) s.perfTid = Number(v);
        break;
      case 'thr':
        s.thresholds = decodeThresholds(dec(v));
        break;
      case 'ls':
        if (/^\d{1,3}$/.test(v) && Number(v) > 0) s.lessonStep = Number(v);
        break;
      case 'big':
        s.largeText = v === '1';
        break;
    }
  }
  return s;
}

/** Where a source came from: a URL or a gallery example (reloadable), or a local file (not). */
export type SourceOrigin = { kind: 'url'; value: string } | { kind: 'example'; value: string } | { kind: 'file'; value: string };

/**
 * The sources the search part asks to load, in order: `?example=cpu&url=https…&example=heap`.
 * A workspace lists its URL and example sources this way; local files cannot be reloaded
 * from a link (see Share for links that carry them).
 */
export function parseSourceParams(search: string): SourceOrigin[] {
  const out: SourceOrigin[] = [];
  for (const [k, v] of new URLSearchParams(search)) {
    if ((k === 'url' || k === 'example') && v !== '') out.push({ kind: k, value: v });
  }
  return out;
}

/** The search part for a workspace's reloadable sources: '?example=cpu&url=…' or ''. */
export function sourcesSearch(origins: readonly SourceOrigin[]): string {
  const p = new URLSearchParams();
  for (const o of origins) if (o.kind !== 'file') p.append(o.kind, o.value);
  const q = p.toString();
  return q ? `?${q}` : '';
}

// ---------------------------------------------------------------------------------
// Browser binding

export type HistoryMode = 'push' | 'replace' | 'none';

export interface UrlSyncTarget {
  getSettings(): ViewSettings;
  getHistoryMode(): HistoryMode;
  /** Apply settings read from the URL without writing history. */
  applyFromUrl(s: ViewSettings): void;
  /** Extra hash parts kept after the settings (a shared workspace's `ws=` evidence), or ''. */
  carriedHash?(): string;
  subscribe(listener: () => void): () => void;
}

export const SEARCH_REPLACE_DELAY_MS = 300;

/**
 * Keeps location.hash and the settings in step: user actions push a history entry,
 * search typing replaces the current one (debounced), back/forward restore.
 */
export function installUrlSync(target: UrlSyncTarget): () => void {
  let last = target.getSettings();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pendingReplace = false;

  const urlFor = (s: ViewSettings) => {
    const extra = target.carriedHash?.() ?? '';
    const h = extra ? `${encodeHash(s)}&${extra}` : encodeHash(s);
    return `${location.pathname}${location.search}${h ? `#${h}` : ''}`;
  };
  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pendingReplace) {
      pendingReplace = false;
      history.replaceState(history.state, '', urlFor(target.getSettings()));
    }
  };

  const unsubscribe = target.subscribe(() => {
    const s = target.getSettings();
    if (s === last || sameSettings(s, last)) {
      last = s;
      return;
    }
    const prev = last;
    last = s;
    const mode = target.getHistoryMode();
    if (mode === 'none') return;
    const current = decodeHash(location.hash);
    if (sameSettings(current, s)) return;
    if (onlySearchDiffers(prev, s)) {
      // Typing: one replaced entry, written once the user pauses.
      pendingReplace = true;
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(flush, SEARCH_REPLACE_DELAY_MS);
      return;
    }
    if (mode === 'replace') {
      flush();
      history.replaceState(history.state, '', urlFor(s));
      return;
    }
    // A real action: settle the typed search into the current entry, then push. The entry
    // left behind must describe the view left behind: a first load's own view (a dump's
    // Goroutines view, say) is not in the URL until something pushes past it.
    flush();
    if (!sameSettings(decodeHash(location.hash), prev)) history.replaceState(history.state, '', urlFor(prev));
    history.pushState(null, '', urlFor(s));
  });

  const onPop = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    pendingReplace = false;
    const s = decodeHash(location.hash);
    if (!sameSettings(s, target.getSettings())) {
      last = s;
      target.applyFromUrl(s);
    }
  };
  window.addEventListener('popstate', onPop);
  window.addEventListener('hashchange', onPop);
  return () => {
    unsubscribe();
    window.removeEventListener('popstate', onPop);
    window.removeEventListener('hashchange', onPop);
    if (timer !== null) clearTimeout(timer);
  };
}
