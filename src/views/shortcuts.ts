// Keyboard shortcuts (single source of truth for the handler, the `?` overlay and README).

export type ShortcutAction = 'search' | 'escape' | 'flame' | 'top' | 'sandwich' | 'goroutines' | 'map' | 'timeline' | 'perf' | 'checklist' | 'invert' | 'open' | 'help';

export interface Shortcut {
  /** KeyboardEvent.key value. */
  key: string;
  /** How the key is written in the UI and README. */
  label: string;
  action: ShortcutAction;
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { key: '/', label: '/', action: 'search', description: 'Focus the search box' },
  { key: 'Escape', label: 'Esc', action: 'escape', description: 'Close this overlay or the error, else clear the search, else reset the zoom, else clear the trace / perf time range, then the goroutine / process filter' },
  { key: 'f', label: 'f', action: 'flame', description: 'Flame graph view' },
  { key: 't', label: 't', action: 'top', description: 'Top table view' },
  { key: 's', label: 's', action: 'sandwich', description: 'Sandwich view (callers and callees of the selected function)' },
  { key: 'g', label: 'g', action: 'goroutines', description: 'Goroutines view (Go crash / goroutine dumps: groups, map goroutines, leaks)' },
  { key: 'l', label: 'l', action: 'timeline', description: 'Timeline view (Go execution traces: goroutine and processor timelines)' },
  { key: 'p', label: 'p', action: 'perf', description: 'Processes view (perf script dumps: process timeline, exec panel, lineage)' },
  { key: 'c', label: 'c', action: 'checklist', description: 'Checklist (four-dimension tuning rules over every loaded source)' },
  { key: 'm', label: 'm', action: 'map', description: 'Map view (Go map snapshot heatmap and simulator)' },
  { key: 'i', label: 'i', action: 'invert', description: 'Toggle inverted (bottom-up icicle)' },
  { key: 'o', label: 'o', action: 'open', description: 'Open a profile file' },
  { key: '?', label: '?', action: 'help', description: 'Show these shortcuts' },
];

/** Mouse gestures worth listing next to the keys. */
export const MOUSE_HINTS: readonly { label: string; description: string }[] = [
  { label: 'Click frame', description: 'Zoom into that frame (re-root the graph)' },
  { label: 'Alt+click frame', description: 'Select the function (highlights all its frames, scrolls the Top table)' },
  { label: 'Timeline: wheel / drag, W A S D', description: 'Zoom and pan the trace or process timeline; drag on the time axis (or shift-drag) selects a time range' },
  { label: 'Process timeline: click a lane', description: 'Only that process (or thread) in the flame graph; ▸ shows its threads' },
  { label: 'Click breadcrumb', description: 'Zoom back out to that frame; "all" resets' },
];

export function shortcutFor(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const s = SHORTCUTS.find((x) => x.key === e.key);
  return s ? s.action : null;
}
