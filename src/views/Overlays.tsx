// Empty state (what to drop, the gallery, the privacy promise), the drag-and-drop
// overlay and the keyboard-shortcut overlay.

import { useEffect, useRef } from 'react';
import { LESSONS } from '../lessons/lessons';
import { EXAMPLES } from '../state/examples';
import { actions, openExample } from '../state/store';
import { MOUSE_HINTS, SHORTCUTS } from './shortcuts';

export function EmptyState({ onOpen }: { onOpen: () => void }) {
  return (
    <section className="empty" data-testid="empty-state">
      <div className="empty-inner">
        <h1>Open Go performance evidence</h1>
        <p className="lead">
          Drop files anywhere on this page — several at once: <code>pprof</code> profiles (CPU, heap, allocs, mutex, block, goroutine; <code>.pb.gz</code>, raw{' '}
          <code>profile.proto</code> or the legacy text formats), Go execution traces, <code>perf script</code> dumps, goroutine / crash dumps and map snapshots.
        </p>
        <p>
          <button type="button" className="button button-primary" onClick={onOpen}>
            Choose a file…
          </button>{' '}
          <span className="muted">
            or press <kbd>o</kbd>, or add <code>?url=https://…</code> to this page's address.
          </span>
        </p>
        <p className="privacy" data-testid="privacy">
          <strong>Nothing leaves your browser.</strong> Profiles are decoded and analysed in a worker inside this tab; there is no upload, no analytics and no
          third-party request.
        </p>
        <h2>Or try an example</h2>
        <ul className="gallery" data-testid="gallery">
          {EXAMPLES.map((ex) => (
            <li key={ex.name}>
              <button type="button" className="gallery-card" data-example={ex.name} onClick={() => void openExample(ex.name)}>
                <span className="gallery-title">{ex.title}</span>
                <span className="gallery-desc">{ex.description}</span>
              </button>
            </li>
          ))}
        </ul>
        <h2>Workshop lessons</h2>
        <ul className="gallery" data-testid="lessons">
          {LESSONS.map((l) => (
            <li key={l.id}>
              <a className="gallery-card" data-lesson={l.id} href={`?lesson=${encodeURIComponent(l.id)}`}>
                <span className="gallery-title">{l.title}</span>
                <span className="gallery-desc">{l.summary}</span>
              </a>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

export function DropOverlay() {
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-box">
        <div className="drop-title">Drop to open</div>
        <div className="drop-sub">The file is read locally; nothing is uploaded.</div>
      </div>
    </div>
  );
}

export function ShortcutsOverlay() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div className="modal-backdrop" onClick={() => actions.setShortcutsOpen(false)}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        data-testid="shortcuts"
        tabIndex={-1}
        ref={ref}
        onClick={(e) => e.stopPropagation()}
      >
        <div className="modal-head">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={() => actions.setShortcutsOpen(false)}>
            ×
          </button>
        </div>
        <table className="shortcut-table">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.key}>
                <td>
                  <kbd>{s.label}</kbd>
                </td>
                <td>{s.description}</td>
              </tr>
            ))}
            {MOUSE_HINTS.map((m) => (
              <tr key={m.label}>
                <td className="mouse">{m.label}</td>
                <td>{m.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
