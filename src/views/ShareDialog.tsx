// Share: (a) a link to the same view when every source has an address, (b) a link whose
// fragment (never sent to any server) carries the local files, (c) "Export report": one
// HTML file with the app and the evidence, opening offline at this view. Limits are shown.

import { downloadBlob } from './download';
import { useEffect, useRef, useState } from 'react';
import { actions, useStore } from '../state/store';
import { appAssets } from '../share/assets';
import { gzipAsync } from '../share/compress';
import { fragmentLink, linkWorkspace, mib, plainLink, readWorkspace, reportWorkspace, type ShareSource } from '../share/links';
import { LINK_PAYLOAD_LIMIT, REPORT_PAYLOAD_LIMIT, packWorkspaceRaw, toBase64Url } from '../share/payload';
import { buildReportHtml } from '../share/report';

function pageBase(): string {
  return location.protocol === 'file:' ? location.href.replace(/[?#].*$/, '') : `${location.origin}${location.pathname}`;
}

function LinkField({ testId, url }: { testId: string; url: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="share-link">
      <input type="text" readOnly value={url} data-testid={testId} onFocus={(e) => e.currentTarget.select()} aria-label="Link" />
      <button
        type="button"
        className="button button-small"
        onClick={() => {
          navigator.clipboard?.writeText(url).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

export function ShareDialog() {
  const settings = useStore((s) => s.settings);
  const order = useStore((s) => s.order);
  const all = useStore((s) => s.sources);
  const sources: ShareSource[] = order.map((id) => ({ name: all[id].name, origin: all[id].origin, evidence: all[id].evidence }));
  const plain = plainLink(pageBase(), sources, settings);
  const [fragment, setFragment] = useState<{ url: string | null; note: string } | null>(null);
  const [report, setReport] = useState<{ busy: boolean; note: string }>({ busy: false, note: '' });
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);

  const hasLocal = sources.some((s) => s.origin.kind === 'file');
  // The fragment link, packed whenever the workspace or the view changes.
  useEffect(() => {
    if (!hasLocal) {
      setFragment(null);
      return;
    }
    const ws = linkWorkspace(sources, settings);
    if ('error' in ws) {
      setFragment({ url: null, note: ws.error });
      return;
    }
    let live = true;
    void readWorkspace(ws)
      .then((w) => gzipAsync(packWorkspaceRaw(w)))
      .then(
        (packed) => {
          if (!live) return;
          if (packed.length > LINK_PAYLOAD_LIMIT) setFragment({ url: null, note: `The evidence compresses to ${mib(packed.length)}; a link carries at most ${mib(LINK_PAYLOAD_LIMIT)}. Use Export report.` });
          else setFragment({ url: fragmentLink(pageBase(), settings, toBase64Url(packed)), note: `${mib(packed.length)} of evidence in the link's fragment.` });
        },
        (e: unknown) => {
          if (live) setFragment({ url: null, note: e instanceof Error ? e.message : String(e) });
        },
      );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [order, settings, hasLocal]);

  const exportReport = async () => {
    const ws = reportWorkspace(sources, settings);
    if ('error' in ws) {
      setReport({ busy: false, note: ws.error });
      return;
    }
    setReport({ busy: true, note: 'Packing…' });
    try {
      const [assets, packed] = await Promise.all([appAssets(), readWorkspace(ws).then((w) => gzipAsync(packWorkspaceRaw(w)))]);
      const title = `stacklens report — ${sources.map((s) => s.name).join(', ')}`;
      const html = await buildReportHtml(assets, toBase64Url(packed), title);
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      downloadBlob(`stacklens-report-${stamp}.html`, new Blob([html], { type: 'text/html' }));
      setReport({ busy: false, note: `Saved (${mib(html.length)}): opens offline in any browser at this view.` });
    } catch (e) {
      setReport({ busy: false, note: `Export failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  };

  const close = () => actions.setShareOpen(false);
  return (
    <div className="modal-backdrop" onClick={close}>
      <div className="modal share-dialog" role="dialog" aria-modal="true" aria-labelledby="share-title" data-testid="share-dialog" tabIndex={-1} ref={ref} onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.key === 'Escape' && close()}>
        <div className="modal-head">
          <h2 id="share-title">Share this view</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={close}>
            ×
          </button>
        </div>
        {sources.length === 0 ? (
          <p>Open something first: there is nothing to share yet.</p>
        ) : (
          <>
            <section>
              <h3>Link</h3>
              {plain.url ? (
                <LinkField testId="share-link" url={plain.url} />
              ) : (
                <p className="muted">Not available: {plain.missing.join(', ')} {plain.missing.length === 1 ? 'is a local file' : 'are local files'} with no address. Use the evidence link or the report.</p>
              )}
              <p className="muted">Reopens every source from its address (?url= / ?example=) at this view.</p>
            </section>
            {hasLocal && (
              <section>
                <h3>Link with the evidence</h3>
                {fragment === null ? <p className="muted">Packing…</p> : fragment.url ? <LinkField testId="share-fragment-link" url={fragment.url} /> : null}
                {fragment && <p className="muted" data-testid="share-fragment-note">{fragment.note}</p>}
                <p className="muted">
                  The local files travel compressed in the part after <code>#</code>, which browsers never send to any server. Up to {mib(LINK_PAYLOAD_LIMIT)} compressed.
                </p>
              </section>
            )}
            <section>
              <h3>Export report</h3>
              <button type="button" className="button" data-testid="export-report" disabled={report.busy} onClick={() => void exportReport()}>
                Export report (.html)
              </button>
              {report.note && <p className="muted" data-testid="export-report-note">{report.note}</p>}
              <p className="muted">One self-contained HTML file — the app and all {sources.length} source{sources.length === 1 ? '' : 's'} (up to {mib(REPORT_PAYLOAD_LIMIT)}) — that opens offline at this view: the postmortem attachment.</p>
            </section>
          </>
        )}
      </div>
    </div>
  );
}
