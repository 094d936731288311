// App shell: header + toolbar, banners, the active view, the profile-info panel,
// drag-and-drop anywhere, keyboard shortcuts.

import { useEffect, useMemo, useRef, useState } from 'react';
import { actions, activeSource, openFiles, sampleTypeIndex, useStore } from './state/store';
import { FlameView } from './views/FlameView';
import { GoroutinesView } from './views/GoroutinesView';
import { MapView } from './views/MapView';
import { makeMatcher, matchKeys, searchStats } from './views/flameData';
import { AppHeader, Banners, Toolbar } from './views/Header';
import { DropOverlay, EmptyState, ShortcutsOverlay } from './views/Overlays';
import { ProfileInfo } from './views/ProfileInfo';
import { Sandwich } from './views/Sandwich';
import { SourcesPanel } from './views/Sources';
import { ChecklistView } from './views/ChecklistView';
import { LessonPanel } from './views/LessonPanel';
import { ShareDialog } from './views/ShareDialog';
import { shortcutFor } from './views/shortcuts';
import { TopTable } from './views/TopTable';
import { TraceView } from './views/TraceView';
import { PerfView } from './views/PerfView';
import { perfUnit } from './analysis/perf/selection';

function isTextEntry(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes(el.type);
  return false;
}

function hasFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
}

export function App() {
  const source = useStore((s) => activeSource(s));
  const result = useStore((s) => s.result);
  const settings = useStore((s) => s.settings);
  const loading = useStore((s) => s.loading !== null);
  const shortcutsOpen = useStore((s) => s.shortcutsOpen);
  const shareOpen = useStore((s) => s.shareOpen);
  const infoOpen = useStore((s) => s.infoOpen);
  const sourceCount = useStore((s) => s.order.length + s.queued.length + (s.loading ? 1 : 0));
  const fileInputRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  const names = source?.summary.nodeNames;
  const matcher = useMemo(() => makeMatcher(settings.search, settings.searchRegex), [settings.search, settings.searchRegex]);
  const keyMatch = useMemo(() => (names && matcher.ok && matcher.active ? matchKeys(names, matcher) : null), [names, matcher]);
  const stats = useMemo(() => (result && keyMatch ? searchStats(result.tree, keyMatch) : null), [result, keyMatch]);

  // Drag and drop anywhere on the page.
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const files = e.dataTransfer?.files;
      if (files && files.length > 0) openFiles(Array.from(files));
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  // Keyboard shortcuts (see views/shortcuts.ts).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const action = shortcutFor(e);
      if (!action) return;
      const s = useStore.getState();
      if (action === 'escape') {
        if (s.shortcutsOpen) actions.setShortcutsOpen(false);
        else if (s.error) actions.dismissError();
        else if (s.settings.search) actions.setSearch('');
        else if (s.settings.zoomPath.length > 0) actions.setZoomPath([]);
        else if (s.settings.view === 'timeline' && s.settings.timeRange !== null) actions.setTimeRange(null);
        else if (s.settings.view === 'timeline' && s.settings.goroutine !== null) actions.selectGoroutine(null);
        else if (s.settings.view === 'perf' && s.settings.timeRange !== null) actions.setTimeRange(null);
        else if (s.settings.view === 'perf' && (s.settings.perfPid !== null || s.settings.perfTid !== null)) actions.setPerfTask(null, null);
        else return;
        e.preventDefault();
        return;
      }
      if (isTextEntry(e.target)) return;
      if (s.shortcutsOpen && action !== 'help') return;
      e.preventDefault();
      switch (action) {
        case 'search':
          searchRef.current?.focus();
          searchRef.current?.select();
          break;
        case 'flame':
          actions.setView('flame');
          break;
        case 'top':
          actions.setView('top');
          break;
        case 'sandwich':
          actions.setView('sandwich');
          break;
        case 'goroutines':
          if (activeSource(s)?.summary.dump) actions.setView('goroutines');
          break;
        case 'timeline':
          if (activeSource(s)?.summary.trace) actions.setView('timeline');
          break;
        case 'perf':
          if (activeSource(s)?.summary.perf) actions.setView('perf');
          break;
        case 'map':
          actions.setView('map');
          break;
        case 'checklist':
          if (s.order.length > 0) actions.setView('checklist');
          break;
        case 'invert':
          actions.toggleInverted();
          break;
        case 'open':
          fileInputRef.current?.click();
          break;
        case 'help':
          actions.setShortcutsOpen(!s.shortcutsOpen);
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const stIndex = result ? result.query.sampleType : source ? sampleTypeIndex(source.summary, settings.sampleType) : 0;
  const unit = source?.summary.perf ? perfUnit(source.summary.perf, result?.query) : (source?.summary.sampleTypes[stIndex]?.unit ?? '');

  let main;
  if (settings.view === 'checklist' && source) {
    main = <ChecklistView />;
  } else if (settings.view === 'map' || source?.summary.map) {
    main = <MapView source={source} settings={settings} />;
  } else if (!source) {
    main = loading ? <div className="placeholder">Loading…</div> : <EmptyState onOpen={() => fileInputRef.current?.click()} />;
  } else if (!result) {
    main = <div className="placeholder">Analysing…</div>;
  } else if (settings.view === 'goroutines' && source.summary.dump) {
    main = <GoroutinesView source={source} dump={source.summary.dump} result={result} settings={settings} unit={unit} keyMatch={keyMatch} />;
  } else if (settings.view === 'timeline' && source.summary.trace) {
    main = <TraceView source={source} trace={source.summary.trace} result={result} settings={settings} unit={unit} keyMatch={keyMatch} />;
  } else if (settings.view === 'perf' && source.summary.perf) {
    main = <PerfView source={source} perf={source.summary.perf} result={result} settings={settings} unit={unit} keyMatch={keyMatch} />;
  } else if (settings.view === 'flame' || settings.view === 'goroutines' || settings.view === 'timeline' || settings.view === 'perf') {
    main = <FlameView source={source} result={result} settings={settings} unit={unit} keyMatch={keyMatch} />;
  } else if (settings.view === 'top') {
    main = (
      <TopTable
        result={result}
        summary={source.summary}
        unit={unit}
        selected={settings.selectedFunction}
        onSelect={actions.selectFunction}
        onOpen={actions.openInSandwich}
      />
    );
  } else {
    main = <Sandwich result={result} source={source} unit={unit} selected={settings.selectedFunction} onSelect={actions.selectFunction} keyMatch={keyMatch} />;
  }

  return (
    <div className={settings.largeText ? 'app large-text' : 'app'}>
      <AppHeader fileInputRef={fileInputRef} />
      <Toolbar searchRef={searchRef} matcher={matcher} stats={stats} />
      <Banners />
      <div className="workspace">
        {sourceCount > 0 && <SourcesPanel onAdd={() => fileInputRef.current?.click()} />}
        <main className="main" data-view={settings.view}>
          {main}
        </main>
        <LessonPanel />
        {source && infoOpen && (
          <ProfileInfo
            source={source}
            result={result}
            sampleType={stIndex}
            tagFocus={settings.tagFocus}
            onTagFocus={actions.setTagFocus}
            onClose={() => actions.setInfoOpen(false)}
          />
        )}
      </div>
      {dragging && <DropOverlay />}
      {shortcutsOpen && <ShortcutsOverlay />}
      {shareOpen && <ShareDialog />}
    </div>
  );
}
