// Toolbar "Export" menu: the flame graph on screen as SVG or PNG, and the view's samples
// (the same tag focus / time range / goroutine / process filters) as folded stacks or as a
// gzip'd pprof profile that opens in `go tool pprof`. Everything is made in the tab — the
// profile files by the source's worker, the images from the rendered SVG — and handed to
// the browser as a blob: download; nothing goes over the network.

import { downloadBlob } from './download';
import { useEffect, useRef, useState } from 'react';
import { perfUnit } from '../analysis/perf/selection';
import { activeSource, desiredQuery, showError, useStore, type AppState, type Source } from '../state/store';
import type { AnalysisQuery } from '../worker/protocol';
import { LABEL_FONT, flameGraphSvg, svgSize } from './exportSvg';
import { fmtValue } from './format';

type ExportItem = 'svg' | 'png' | 'folded' | 'pprof';

/** "cpu.pb.gz" → "cpu": the file name stem the exports are named after. */
export function exportBaseName(sourceName: string): string {
  let s = sourceName.slice(sourceName.lastIndexOf('/') + 1);
  for (let i = 0; i < 3; i++) s = s.replace(/\.(gz|pb|pprof|prof|proto|txt|trace|out|data|json|perf)$/i, '');
  s = s.replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '').slice(0, 80);
  return s || 'profile';
}

/** The flame graph on screen: the main view's, else another view's (trace, dump). */
function renderedFlameSvg(): SVGSVGElement | null {
  for (const sel of ['[data-testid=flamegraph] svg', '.flame-host svg']) {
    const svg = document.querySelector<SVGSVGElement>(sel);
    if (svg && svg.querySelector('g.frame')) return svg;
  }
  return null;
}

function isFiltered(q: AnalysisQuery): boolean {
  return q.tagFocus.some((t) => t.values.length > 0) || !!q.timeRange || (q.goroutine ?? null) !== null || (q.perfPid ?? null) !== null || (q.perfTid ?? null) !== null;
}

function sampleLabel(src: Source, q: AnalysisQuery): { text: string; unit: string } {
  const s = src.summary;
  if (s.perf) {
    const ev = s.perf.events[q.perfEvent ?? s.perf.defaultEvent];
    const unit = perfUnit(s.perf, q);
    return { text: `${ev?.name || '(no event)'} · ${q.perfWeight === 'count' ? 'samples' : 'period'} (${unit})`, unit };
  }
  const st = s.sampleTypes[q.sampleType];
  return { text: st ? `${st.type} (${st.unit})` : '', unit: st?.unit ?? '' };
}

/** The second line of the image: what the view is restricted to, and its total. */
function viewDescription(state: AppState, q: AnalysisQuery, unit: string): string {
  const parts: string[] = [];
  for (const t of q.tagFocus) if (t.values.length > 0) parts.push(`tag ${t.key}=${t.values.join('|')}`);
  if (q.timeRange) parts.push(`time ${(q.timeRange[0] / 1e9).toFixed(3)}–${(q.timeRange[1] / 1e9).toFixed(3)} s`);
  if (q.goroutine !== undefined && q.goroutine !== null) parts.push(`goroutine ${q.goroutine}`);
  if (q.perfTid !== undefined && q.perfTid !== null) parts.push(`thread ${q.perfTid}`);
  else if (q.perfPid !== undefined && q.perfPid !== null) parts.push(`process ${q.perfPid}`);
  const zoom = state.settings.zoomPath;
  if (zoom.length > 0) parts.push(`zoom ${zoom.length > 3 ? '… › ' : ''}${zoom.slice(-3).join(' › ')}`);
  if (q.inverted) parts.push('inverted');
  const r = state.result;
  if (r && r.tree.length > 0) parts.push(`total ${fmtValue(r.tree.total[0], unit)}`);
  return parts.join(' · ');
}

let measureCtx: CanvasRenderingContext2D | null | undefined;
function measureLabel(text: string): number {
  if (measureCtx === undefined) {
    measureCtx = document.createElement('canvas').getContext('2d');
    if (measureCtx) measureCtx.font = LABEL_FONT;
  }
  return measureCtx ? measureCtx.measureText(text).width : text.length * 6.6;
}

/** Draws the SVG (through an <img> of a blob: URL) onto a canvas at the device pixel ratio. */
async function svgToPng(svgText: string): Promise<Blob> {
  const { width, height } = svgSize(svgText);
  const scale = Math.min(3, Math.max(1, Math.round(window.devicePixelRatio || 1)));
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = width * scale;
    canvas.height = height * scale;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser gives no 2D canvas');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error(`the image is too large for a canvas (${width}×${height})`))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

async function runExport(item: ExportItem): Promise<void> {
  const state = useStore.getState();
  const src = activeSource(state);
  const q = desiredQuery(state);
  if (!src || !q) return;
  const base = `${exportBaseName(src.name)}${isFiltered(q) ? '.filtered' : ''}`;
  if (item === 'folded' || item === 'pprof') {
    const r = await src.worker.exportView(item, q);
    if (r.what === 'folded') downloadBlob(`${base}.folded.txt`, new Blob([r.text], { type: 'text/plain' }));
    else downloadBlob(`${base}.pb.gz`, new Blob([r.bytes], { type: 'application/gzip' }));
    return;
  }
  const svg = renderedFlameSvg();
  if (!svg) throw new Error('there is no flame graph on screen; open the flame graph view first');
  const label = sampleLabel(src, q);
  const text = flameGraphSvg(svg, {
    title: `${src.name} — ${label.text}`,
    subtitle: viewDescription(state, q, label.unit),
    measureText: measureLabel,
  });
  if (item === 'svg') downloadBlob(`${base}.flame.svg`, new Blob([text], { type: 'image/svg+xml' }));
  else downloadBlob(`${base}.flame.png`, await svgToPng(text));
}

const ITEMS: { id: ExportItem; title: string; desc: string; needsFlame: boolean }[] = [
  { id: 'svg', title: 'Flame graph (SVG)', desc: 'The flame graph as shown, as a standalone vector image', needsFlame: true },
  { id: 'png', title: 'Flame graph (PNG)', desc: 'The same image as pixels', needsFlame: true },
  { id: 'folded', title: 'Folded stacks (.txt)', desc: 'root;…;leaf value per line, for flamegraph.pl, speedscope, inferno', needsFlame: false },
  { id: 'pprof', title: 'Profile (.pb.gz, filtered)', desc: 'The samples this view keeps, as pprof: opens in go tool pprof', needsFlame: false },
];

export function ExportMenu() {
  const ref = useRef<HTMLDetailsElement>(null);
  const available = useStore((s) => {
    const src = s.activeSourceId ? s.sources[s.activeSourceId] : null;
    return !!src && !src.summary.map;
  });
  const [hasFlame, setHasFlame] = useState(false);
  const [busy, setBusy] = useState<ExportItem | null>(null);
  useEffect(() => {
    const close = (e: MouseEvent) => {
      const d = ref.current;
      if (d && d.open && !d.contains(e.target as Node)) d.open = false;
    };
    document.addEventListener('click', close);
    return () => document.removeEventListener('click', close);
  }, []);
  const pick = (item: ExportItem) => {
    if (ref.current) ref.current.open = false;
    setBusy(item);
    runExport(item)
      .catch((e: unknown) => showError(`Export failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => setBusy(null));
  };
  return (
    <details
      className="menu export-menu"
      ref={ref}
      data-testid="export-menu"
      data-busy={busy ?? undefined}
      onToggle={(e) => {
        if (e.currentTarget.open) setHasFlame(renderedFlameSvg() !== null);
      }}
    >
      <summary className={available ? 'button button-small' : 'button button-small disabled'} aria-disabled={!available} title="Export the flame graph or this view's samples" onClick={(e) => !available && e.preventDefault()}>
        {busy ? 'Exporting…' : 'Export ▾'}
      </summary>
      <ul className="menu-list" role="menu">
        {ITEMS.map((it) => {
          const disabled = !available || busy !== null || (it.needsFlame && !hasFlame);
          return (
            <li key={it.id} role="none">
              <button type="button" role="menuitem" data-export={it.id} disabled={disabled} title={it.needsFlame && !hasFlame ? 'Open a view with a flame graph first' : undefined} onClick={() => pick(it.id)}>
                <span className="menu-title">{it.title}</span>
                <span className="menu-desc">{it.desc}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </details>
  );
}
