// App header (product, open file, example gallery, status) and the view toolbar
// (view tabs, sample type, inverted, search).

import { useEffect, useRef, useState, type RefObject } from 'react';
import { EXAMPLES } from '../state/examples';
import { LESSONS } from '../lessons/lessons';
import { actions, cancelLoad, openExample, openFiles, sampleTypeIndex, statusState, useStore, type AppState, type LoadPhase, type Source } from '../state/store';
import type { ViewName } from '../state/settings';
import type { Matcher, SearchStats } from './flameData';
import { fmtCount, fmtPct } from './format';
import { ExportMenu } from './ExportMenu';
import { PerfControls } from './perf/PerfControls';

const PHASE_LABEL: Record<LoadPhase, string> = {
  read: 'Reading…',
  download: 'Downloading…',
  inflate: 'Inflating…',
  decode: 'Decoding…',
};

export function AppHeader({ fileInputRef }: { fileInputRef: RefObject<HTMLInputElement | null> }) {
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ▤
        </span>
        <span className="brand-name">stacklens</span>
        <span className="brand-tag">Go performance evidence, in your browser</span>
      </div>
      <div className="header-actions">
        <label className="button button-primary" title="Open profiles, traces, perf or crash dumps, map snapshots — several at once (o)">
          Open files…
          <input
            ref={fileInputRef}
            type="file"
            multiple
            className="visually-hidden"
            data-testid="open-file"
            onChange={(e) => {
              const files = e.target.files;
              if (files && files.length > 0) openFiles(Array.from(files));
              e.target.value = '';
            }}
          />
        </label>
        <ExamplesMenu />
        <button type="button" className="button" data-testid="share" onClick={() => actions.setShareOpen(true)} title="Share a link or export a report">
          Share
        </button>
        <button type="button" className="button button-ghost" onClick={() => actions.setShortcutsOpen(true)} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
          ?
        </button>
      </div>
      <LoadStatus />
    </header>
  );
}

function ExamplesMenu() {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const close = (e: MouseEvent) => {
      const d = ref.current;
      if (d && d.open && !d.contains(e.target as Node)) d.open = false;
    };
    document.addEventListener('click', close);
    return () => document.removeEventListener('click', close);
  }, []);
  return (
    <details className="menu" ref={ref} data-testid="examples-menu">
      <summary className="button">Examples ▾</summary>
      <ul className="menu-list" role="menu">
        {EXAMPLES.map((ex) => (
          <li key={ex.name} role="none">
            <button
              type="button"
              role="menuitem"
              data-example={ex.name}
              onClick={() => {
                if (ref.current) ref.current.open = false;
                void openExample(ex.name);
              }}
            >
              <span className="menu-title">{ex.title}</span>
              <span className="menu-desc">{ex.description}</span>
            </button>
          </li>
        ))}
        <li role="none" className="menu-section">
          Workshop lessons
        </li>
        {LESSONS.map((l) => (
          <li key={l.id} role="none">
            <a role="menuitem" href={`?lesson=${encodeURIComponent(l.id)}`} data-lesson={l.id}>
              <span className="menu-title">{l.title}</span>
              <span className="menu-desc">{l.summary}</span>
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}

export function LoadStatus() {
  const state = useStore(statusState);
  const loading = useStore((s) => s.loading);
  const source = useStore((s) => (s.activeSourceId ? s.sources[s.activeSourceId] : null));
  const analyzing = useStore((s) => s.analyzing);
  const pct = loading && loading.total > 0 ? Math.min(100, (100 * loading.done) / loading.total) : null;
  return (
    <div className="load-status" data-testid="load-status" data-state={state} aria-live="polite">
      {loading ? (
        <>
          <span className="status-phase" data-testid="load-phase">
            {PHASE_LABEL[loading.phase]}
          </span>
          <span className="status-name" title={loading.name}>
            {loading.name}
          </span>
          <progress max={100} value={pct ?? undefined} aria-label={`${PHASE_LABEL[loading.phase]} ${loading.name}`} />
          <span className="status-pct">{pct !== null ? `${pct.toFixed(0)}%` : ''}</span>
          <button type="button" className="button button-small" data-testid="cancel" onClick={cancelLoad}>
            Cancel
          </button>
        </>
      ) : source ? (
        <SourceLine source={source} analyzing={analyzing} />
      ) : (
        <span className="muted">No profile loaded</span>
      )}
    </div>
  );
}

function SourceLine({ source, analyzing }: { source: Source; analyzing: boolean }) {
  const s = source.summary;
  return (
    <>
      <span className="status-name" title={s.name}>
        {s.name}
      </span>
      <span className="muted">
        {s.map
          ? `${s.map.snapshot.layout} map · ${fmtCount(s.map.snapshot.count, 'entry', 'entries')} · read in ${s.decodeMs.toFixed(0)} ms`
          : `${fmtCount(s.counts.samples, 'sample')} · ${fmtCount(s.nodeNames.length, 'function')} · decoded in ${s.decodeMs.toFixed(0)} ms`}
      </span>
      {analyzing && <span className="status-busy">Analysing…</span>}
    </>
  );
}

const VIEW_TABS: { id: ViewName; label: string; key: string }[] = [
  { id: 'timeline', label: 'Timeline', key: 'l' },
  { id: 'perf', label: 'Processes', key: 'p' },
  { id: 'flame', label: 'Flame graph', key: 'f' },
  { id: 'top', label: 'Top', key: 't' },
  { id: 'sandwich', label: 'Sandwich', key: 's' },
  { id: 'goroutines', label: 'Goroutines', key: 'g' },
  { id: 'map', label: 'Map', key: 'm' },
  { id: 'checklist', label: 'Checklist', key: 'c' },
];

/** Profile tabs need a profile; Goroutines needs a dump; Map is the snapshot view and the simulator. */
function tabApplies(view: ViewName, summary: Source['summary'] | undefined): boolean {
  if (view === 'goroutines') return !!summary?.dump;
  if (view === 'timeline') return !!summary?.trace;
  if (view === 'perf') return !!summary?.perf;
  if (view === 'map') return true;
  if (view === 'checklist') return !!summary;
  return !summary?.map;
}

interface ToolbarProps {
  searchRef: RefObject<HTMLInputElement | null>;
  matcher: Matcher;
  stats: SearchStats | null;
}

export function Toolbar({ searchRef, matcher, stats }: ToolbarProps) {
  const settings = useStore((s) => s.settings);
  const source = useStore((s: AppState) => (s.activeSourceId ? s.sources[s.activeSourceId] : null));
  const infoOpen = useStore((s) => s.infoOpen);
  const summary = source?.summary;
  const [searchText, setSearchText] = useState(settings.search);
  // Keep the box in step with the store (back/forward, Esc) without fighting typing.
  useEffect(() => setSearchText(settings.search), [settings.search]);
  const sampleIdx = summary ? sampleTypeIndex(summary, settings.sampleType) : 0;
  return (
    <div className="toolbar" role="toolbar" aria-label="View settings">
      <div className="tabs" role="tablist" aria-label="View">
        {VIEW_TABS.filter((t) => tabApplies(t.id, summary)).map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            data-testid={`view-${t.id}`}
            aria-selected={settings.view === t.id}
            className={settings.view === t.id ? 'tab active' : 'tab'}
            onClick={() => actions.setView(t.id)}
            title={`${t.label} (${t.key})`}
          >
            {t.label}
          </button>
        ))}
      </div>
      {summary?.perf ? (
        <PerfControls perf={summary.perf} settings={settings} />
      ) : (
        <label className="field">
          <span className="field-label">Sample</span>
          <select
            data-testid="sample-type"
            disabled={!summary}
            value={summary ? (summary.sampleTypes[sampleIdx]?.type ?? '') : ''}
            onChange={(e) => actions.setSampleType(e.target.value)}
          >
            {summary?.sampleTypes.map((t, i) => (
              <option key={i} value={t.type}>
                {t.type} ({t.unit})
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="field check" title="Bottom-up: roots are the functions where samples landed (i)">
        <input type="checkbox" data-testid="inverted" checked={settings.inverted} onChange={(e) => actions.setInverted(e.target.checked)} />
        Inverted
      </label>
      <div className="search">
        <input
          ref={searchRef}
          type="search"
          data-testid="search"
          placeholder={settings.searchRegex ? 'Search (regex)…  /' : 'Search functions…  /'}
          value={searchText}
          spellCheck={false}
          aria-label="Search functions"
          aria-invalid={!matcher.ok}
          onChange={(e) => {
            setSearchText(e.target.value);
            actions.setSearch(e.target.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              if (searchText) {
                setSearchText('');
                actions.setSearch('');
              }
              e.currentTarget.blur();
            }
          }}
        />
        <label className="check small" title="Treat the search as a regular expression (case-insensitive)">
          <input type="checkbox" data-testid="search-regex" checked={settings.searchRegex} onChange={(e) => actions.setSearchRegex(e.target.checked)} />
          regex
        </label>
        {!matcher.ok && (
          <span className="search-error" data-testid="search-error" role="status">
            {matcher.error}
          </span>
        )}
        {matcher.ok && matcher.active && stats && (
          <span className="search-summary" data-testid="search-summary" title={`${stats.functions} distinct functions`}>
            {stats.matches.toLocaleString()} {stats.matches === 1 ? 'match' : 'matches'} · {fmtPct(stats.value, stats.total)} of total
          </span>
        )}
      </div>
      <TagChips />
      <div className="toolbar-end">
        <ExportMenu />
        <button
          type="button"
          className={infoOpen ? 'button button-small active' : 'button button-small'}
          data-testid="toggle-info"
          aria-pressed={infoOpen}
          disabled={!source}
          onClick={() => actions.setInfoOpen(!infoOpen)}
        >
          Profile info{summary && summary.warnings.length > 0 ? ` ⚠ ${summary.warnings.length}` : ''}
        </button>
      </div>
    </div>
  );
}

function TagChips() {
  const tagFocus = useStore((s) => s.settings.tagFocus);
  const kept = useStore((s) => s.result?.keptSamples);
  const total = useStore((s) => (s.activeSourceId ? s.sources[s.activeSourceId]?.summary.counts.samples : undefined));
  if (tagFocus.length === 0) return null;
  return (
    <div className="tag-chips" data-testid="tag-chips">
      {tagFocus.map((t) => (
        <span key={t.key} className="chip">
          <span className="chip-text">
            {t.key}={t.values.join('|')}
          </span>
          <button
            type="button"
            className="chip-x"
            aria-label={`Remove tag focus ${t.key}`}
            onClick={() => actions.setTagFocus(tagFocus.filter((f) => f.key !== t.key))}
          >
            ×
          </button>
        </span>
      ))}
      {kept !== undefined && total !== undefined && (
        <span className="muted small">
          {kept.toLocaleString()} of {total.toLocaleString()} samples
        </span>
      )}
    </div>
  );
}

export function Banners() {
  const error = useStore((s) => s.error);
  const notice = useStore((s) => s.notice);
  const warnings = useStore((s) => (s.activeSourceId ? s.sources[s.activeSourceId]?.summary.warnings : undefined));
  const [warningsHidden, setWarningsHidden] = useState<readonly string[] | undefined>(undefined);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => actions.dismissNotice(), 6000);
    return () => clearTimeout(t);
  }, [notice]);
  return (
    <>
      {error && (
        <div className="banner banner-error" role="alert" data-testid="error">
          <span className="banner-text">{error}</span>
          <button type="button" className="icon-button" aria-label="Dismiss error" data-testid="dismiss-error" onClick={() => actions.dismissError()}>
            ×
          </button>
        </div>
      )}
      {notice && (
        <div className="banner banner-notice" role="status" data-testid="notice">
          <span className="banner-text">{notice}</span>
          <button type="button" className="icon-button" aria-label="Dismiss notice" onClick={() => actions.dismissNotice()}>
            ×
          </button>
        </div>
      )}
      {warnings && warnings.length > 0 && warningsHidden !== warnings && (
        <div className="banner banner-warning" role="status" data-testid="warnings">
          <span className="banner-text">
            ⚠ {warnings[0]}
            {warnings.length > 1 && ` (+${warnings.length - 1} more)`}{' '}
            <button type="button" className="link-button" onClick={() => actions.setInfoOpen(true)}>
              details
            </button>
          </span>
          <button type="button" className="icon-button" aria-label="Hide warnings" onClick={() => setWarningsHidden(warnings)}>
            ×
          </button>
        </div>
      )}
    </>
  );
}
