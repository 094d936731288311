// The workspace sidebar: every loaded source (click to show it, × to close it), the loads
// still queued, and an "add" button. Names are untrusted text (file names, URLs).

import { actions, MAX_SOURCES, useStore, type Source } from '../state/store';
import { fmtBytes } from './format';

/** A short human label of what a source is. */
export function sourceKindLabel(src: Source): string {
  const s = src.summary;
  if (s.map) return 'map snapshot';
  if (s.dump) return `Go dump · ${s.dump.kind}`;
  if (s.trace) return 'Go execution trace';
  if (s.format === 'perf-script') return 'perf script';
  const types = s.sampleTypes.map((t) => t.type);
  if (types.includes('cpu') || types.includes('samples')) return 'pprof · CPU';
  if (types.includes('inuse_space')) return 'pprof · heap';
  if (types.includes('contentions')) return 'pprof · contention';
  if (types.includes('goroutine')) return 'pprof · goroutines';
  return s.format === 'pprof-legacy' ? 'pprof (legacy)' : 'pprof';
}

export function SourcesPanel({ onAdd }: { onAdd: () => void }) {
  const order = useStore((s) => s.order);
  const sources = useStore((s) => s.sources);
  const active = useStore((s) => s.activeSourceId);
  const queued = useStore((s) => s.queued);
  const loading = useStore((s) => s.loading);
  return (
    <nav className="sources-panel" aria-label="Sources in this workspace">
      <div className="sources-head">
        <span>Sources</span>
        <span className="muted">
          {order.length}/{MAX_SOURCES}
        </span>
      </div>
      <ul className="sources-list" data-testid="sources">
        {order.map((id, i) => {
          const src = sources[id];
          return (
            <li key={id} className={id === active ? 'source-row active' : 'source-row'} data-format={src.summary.format} data-source-id={id} data-index={i}>
              <button type="button" className="source-open" onClick={() => actions.activateSource(id)} aria-current={id === active ? 'true' : undefined} title={src.name}>
                <span className="source-name">{src.name}</span>
                <span className="source-kind">
                  {sourceKindLabel(src)} · {fmtBytes(src.summary.byteLength)}
                </span>
              </button>
              <button type="button" className="source-close" onClick={() => actions.closeSource(id)} aria-label={`Close ${src.name}`} title="Close this source">
                ×
              </button>
            </li>
          );
        })}
        {loading && (
          <li className="source-row pending" aria-live="polite">
            <span className="source-name">{loading.name}</span>
            <span className="source-kind">loading…</span>
          </li>
        )}
        {queued.map((name, i) => (
          <li key={`q${i}`} className="source-row pending">
            <span className="source-name">{name}</span>
            <span className="source-kind">queued</span>
          </li>
        ))}
      </ul>
      <button type="button" className="button button-small sources-add" onClick={onAdd} disabled={order.length >= MAX_SOURCES}>
        Add files…
      </button>
    </nav>
  );
}
