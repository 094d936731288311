// Empty state (what to drop, the gallery, the privacy promise), the drag-and-drop
// overlay and the keyboard-shortcut overlay.

import { useEffect, useRef } from 'react';
import { EXAMPLES } from '../state/examples';
import { actions, openExample } from '../state/store';
import { MOUSE_HINTS, SHORTCUTS } from './shortcuts';

export function EmptyState({ onOpen }: { onOpen: () => void }) {
  return (
    <section className="empty" data-testid="empty-state">
      <div className="empty-inner">
        <h1>Open a Go profile</h1>
        <p className="lead">
          Drop a <code>pprof</code> file anywhere on this page — a CPU, heap, allocs, mutex, block or goroutine profile as written by <code>runtime/pprof</code>,{' '}
          <code>net/http/pprof</code> or <code>go test -cpuprofile</code> (<code>.pb.gz</code>, raw <code>profile.proto</code> or the legacy text formats).
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
