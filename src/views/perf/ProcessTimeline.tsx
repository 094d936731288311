// The perf process timeline: a time axis, then one lane per process (lineage order,
// indented under the process that forked it; ▸ expands it to its threads) with the chosen
// event's sample density over time and the lifecycle markers (execve, exec, fork, exit,
// sched_switch) with hover text. Drag on the axis (or shift-drag on the lanes) selects a
// time range, click a lane filters to that process / thread; wheel, drag and W/A/S/D/0
// zoom and pan as in the trace timeline. Everything is canvas or React text: comms and
// filenames come from the recording.

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { MarkerKind } from '../../analysis/perf/markers';
import type { PerfViewData } from '../../analysis/perf/viewData';
import type { ViewSettings } from '../../state/settings';
import { actions } from '../../state/store';
import { setupCanvas } from '../trace/draw';
import { axisTicks, clampView, fmtNs, keyedView } from '../traceModel';
import { densityColumns, laneMarkers, laneRows, markerAt, markerText, maxOf, type LaneRow } from './timelineModel';

const LABEL_W = 230;
const ROW_H = 18;
const AXIS_H = 24;
const LANES_MAX_H = 380;
/** Density is drawn in columns this wide: a sample every few pixels reads as a rate, not a barcode. */
const COL_PX = 3;
const SEL_FILL = 'rgba(51, 102, 204, 0.16)';
const SEL_EDGE = 'rgba(51, 102, 204, 0.8)';

export const MARKER_COLORS: Record<number, string> = {
  [MarkerKind.Execve]: '#f08c00',
  [MarkerKind.Exec]: '#e03131',
  [MarkerKind.Fork]: '#2f9e44',
  [MarkerKind.Clone]: '#8ce99a',
  [MarkerKind.Exit]: '#212529',
  [MarkerKind.Switch]: 'rgba(73, 80, 87, 0.45)',
};
export const DENSITY_COLOR = '#4c6ef5';

/** Clipped label text (canvas text: never HTML). */
function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, maxW: number): void {
  let t = text;
  if (ctx.measureText(t).width > maxW) {
    while (t.length > 1 && ctx.measureText(`${t}…`).width > maxW) t = t.slice(0, -1);
    t = `${t}…`;
  }
  ctx.fillText(t, x, y);
}

function drawMarker(ctx: CanvasRenderingContext2D, kind: number, x: number, y: number, h: number): void {
  ctx.fillStyle = MARKER_COLORS[kind] ?? '#000';
  const xi = Math.round(x);
  switch (kind) {
    case MarkerKind.Switch:
      ctx.fillRect(xi, y + 1, 1, Math.max(3, h * 0.3));
      break;
    case MarkerKind.Clone:
      ctx.fillRect(xi, y + h - 5, 1, 5);
      break;
    case MarkerKind.Exec:
    case MarkerKind.Execve:
      ctx.fillRect(xi - (kind === MarkerKind.Exec ? 1 : 0), y, kind === MarkerKind.Exec ? 2 : 1, h);
      ctx.beginPath();
      ctx.moveTo(xi - 4, y);
      ctx.lineTo(xi + 4, y);
      ctx.lineTo(xi, y + 5);
      ctx.closePath();
      ctx.fill();
      break;
    case MarkerKind.Fork:
      ctx.beginPath();
      ctx.moveTo(xi - 4, y + h);
      ctx.lineTo(xi + 4, y + h);
      ctx.lineTo(xi, y + h - 6);
      ctx.closePath();
      ctx.fill();
      break;
    case MarkerKind.Exit:
      ctx.fillRect(xi - 1, y + 2, 2, h - 4);
      ctx.fillRect(xi - 3, y + h / 2 - 1, 6, 2);
      break;
  }
}

type Drag = { mode: 'pan'; x0: number; v: [number, number]; moved: boolean } | { mode: 'select'; t0: number; t1: number };

interface Hover {
  x: number;
  y: number;
  text: string;
}

interface Props {
  perf: PerfViewData;
  settings: ViewSettings;
  /** Index of the event whose density is drawn. */
  event: number;
}

export function ProcessTimeline({ perf, settings, event }: Props) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const axisRef = useRef<HTMLCanvasElement>(null);
  const lanesRef = useRef<HTMLCanvasElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const end = Math.max(1, perf.spanNs);
  const [width, setWidth] = useState(900);
  const [view, setViewState] = useState<[number, number]>([0, end]);
  const [scrollTop, setScrollTop] = useState(0);
  const [expanded, setExpanded] = useState<Set<number>>(() => new Set());
  const [drag, setDrag] = useState<Drag | null>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const rows = useMemo(() => laneRows(perf, expanded), [perf, expanded]);
  const markers = useMemo(() => laneMarkers(perf), [perf]);
  const range = settings.timeRange;
  const canSelect = perf.hasTime;

  const setView = useCallback((v0: number, v1: number) => setViewState(clampView(v0, v1, end)), [end]);
  useEffect(() => setViewState([0, end]), [end]);

  useLayoutEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(480, Math.floor(el.clientWidth))));
    ro.observe(el);
    setWidth(Math.max(480, Math.floor(el.clientWidth)));
    return () => ro.disconnect();
  }, []);

  const lanesTotal = rows.length * ROW_H;
  const lanesHeight = Math.min(LANES_MAX_H, Math.max(ROW_H, lanesTotal));
  const scrollable = lanesTotal > lanesHeight;
  const [v0, v1] = view;
  const plotW = width - LABEL_W;
  const xOf = useCallback((t: number) => LABEL_W + ((t - v0) / (v1 - v0)) * plotW, [v0, v1, plotW]);
  const tOf = useCallback((x: number) => v0 + ((x - LABEL_W) / plotW) * (v1 - v0), [v0, v1, plotW]);
  const selBand = drag?.mode === 'select' ? ([Math.min(drag.t0, drag.t1), Math.max(drag.t0, drag.t1)] as [number, number]) : range;

  const { perfPid, perfTid } = settings;
  const isSelected = useCallback(
    (row: LaneRow) => (row.kind === 'process' ? perfTid === null && perfPid === perf.processes[row.index].pid : perfTid === perf.threads[row.index].tid),
    [perf, perfPid, perfTid],
  );

  // Axis.
  useEffect(() => {
    const c = axisRef.current;
    if (!c) return;
    const ctx = setupCanvas(c, width, AXIS_H);
    if (!ctx) return;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#f4f6f8';
    ctx.fillRect(LABEL_W, 0, plotW, AXIS_H);
    ctx.fillStyle = '#555';
    ctx.fillText(canSelect ? 'time since first sample (drag: select)' : 'records carry no time', 6, AXIS_H / 2);
    if (!canSelect) return;
    ctx.strokeStyle = '#c5ccd4';
    ctx.beginPath();
    for (const tk of axisTicks(v0, v1, LABEL_W, width, Math.floor(plotW / 110))) {
      ctx.moveTo(Math.round(tk.x) + 0.5, AXIS_H - 6);
      ctx.lineTo(Math.round(tk.x) + 0.5, AXIS_H);
      ctx.fillText(tk.label, tk.x + 3, AXIS_H / 2 - 2);
    }
    ctx.stroke();
    if (selBand) {
      const xa = Math.max(LABEL_W, xOf(selBand[0]));
      const xb = Math.min(width, xOf(selBand[1]));
      if (xb > xa) {
        ctx.fillStyle = SEL_FILL;
        ctx.fillRect(xa, 0, xb - xa, AXIS_H);
        ctx.fillStyle = SEL_EDGE;
        ctx.fillRect(xa, 0, 1, AXIS_H);
        ctx.fillRect(xb - 1, 0, 1, AXIS_H);
      }
    }
  }, [width, plotW, v0, v1, xOf, selBand, canSelect]);

  // Lanes (only the visible rows are drawn).
  useEffect(() => {
    const c = lanesRef.current;
    if (!c) return;
    const ctx = setupCanvas(c, width, lanesHeight);
    if (!ctx) return;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const first = Math.floor(scrollTop / ROW_H);
    const last = Math.min(rows.length, Math.ceil((scrollTop + lanesHeight) / ROW_H));
    const pd = perf.processDensity[event];
    const td = perf.threadDensity[event];
    // One density scale for every visible lane, so lanes compare.
    const cols: Float64Array[] = [];
    for (let r = first; r < last; r++) {
      const row = rows[r];
      const n = Math.floor(plotW / COL_PX);
      cols.push(row.kind === 'process' ? densityColumns(pd, row.index, perf.bins, perf.spanNs, v0, v1, n) : densityColumns(td, row.index, perf.bins, perf.spanNs, v0, v1, n));
    }
    const max = maxOf(cols);
    const tol = (4 * (v1 - v0)) / plotW;
    for (let r = first; r < last; r++) {
      const row = rows[r];
      const y = r * ROW_H - scrollTop;
      const sel = isSelected(row);
      ctx.fillStyle = sel ? '#dbe8ff' : row.kind === 'thread' ? '#fbfcfd' : r % 2 ? '#f6f8fa' : '#fff';
      ctx.fillRect(0, y, width, ROW_H);
      const indent = 6 + row.depth * 12;
      ctx.fillStyle = '#222';
      if (row.kind === 'process') {
        const p = perf.processes[row.index];
        const arrow = row.threads > 1 ? (row.expanded ? '▾ ' : '▸ ') : '  ';
        label(ctx, `${arrow}${p.pid} ${p.comms.join(' → ') || '?'}`, indent, y + ROW_H / 2, LABEL_W - indent - 4);
      } else {
        const t = perf.threads[row.index];
        ctx.fillStyle = '#555';
        label(ctx, `${t.tid} ${t.comm}`, indent + 24, y + ROW_H / 2, LABEL_W - indent - 28);
      }
      // Lifetime: first to last record of the lane.
      const o = row.kind === 'process' ? perf.processes[row.index] : perf.threads[row.index];
      if (!Number.isNaN(o.firstNs)) {
        const xa = Math.max(LABEL_W, xOf(o.firstNs));
        const xb = Math.min(width, xOf(o.lastNs));
        if (xb >= xa) {
          ctx.fillStyle = '#ced4da';
          ctx.fillRect(xa, y + ROW_H - 3, Math.max(1, xb - xa), 2);
        }
      }
      // Density.
      const col = cols[r - first];
      if (max > 0) {
        ctx.fillStyle = DENSITY_COLOR;
        const h = ROW_H - 5;
        for (let x = 0; x < col.length; x++) {
          if (col[x] === 0) continue;
          const bh = Math.max(1.5, (col[x] / max) * h);
          ctx.fillRect(LABEL_W + (x * plotW) / col.length, y + ROW_H - 3 - bh, plotW / col.length - 0.5, bh);
        }
      }
      // Markers: sched_switch ticks first, lifecycle markers on top.
      const list = row.kind === 'process' ? markers.process[row.index] : markers.thread[row.index];
      const m = perf.markers;
      if (m && list.length > 0) {
        for (const pass of [0, 1]) {
          let lastPx = -1;
          for (const i of list) {
            const t = m.timeNs[i];
            if (t < v0 - tol || t > v1 + tol) continue;
            const isSwitch = m.kind[i] === MarkerKind.Switch;
            if ((pass === 0) !== isSwitch) continue;
            const x = xOf(t);
            if (isSwitch) {
              const px = Math.round(x);
              if (px === lastPx) continue;
              lastPx = px;
            }
            drawMarker(ctx, m.kind[i], x, y + 1, ROW_H - 2);
          }
        }
      }
    }
    if (selBand) {
      const xa = Math.max(LABEL_W, xOf(selBand[0]));
      const xb = Math.min(width, xOf(selBand[1]));
      if (xb > xa) {
        ctx.fillStyle = SEL_FILL;
        ctx.fillRect(xa, 0, xb - xa, lanesHeight);
        ctx.fillStyle = SEL_EDGE;
        ctx.fillRect(xa, 0, 1, lanesHeight);
        ctx.fillRect(xb - 1, 0, 1, lanesHeight);
      }
    }
    ctx.strokeStyle = '#c5ccd4';
    ctx.beginPath();
    ctx.moveTo(LABEL_W - 0.5, 0);
    ctx.lineTo(LABEL_W - 0.5, lanesHeight);
    ctx.stroke();
  }, [perf, event, width, plotW, lanesHeight, rows, markers, scrollTop, v0, v1, xOf, selBand, isSelected]);

  // Wheel: zoom around the pointer (on the axis always; on the lanes when they do not
  // scroll, else with Ctrl / Alt); a horizontal wheel pans.
  useEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap) return;
    const onWheel = (e: WheelEvent) => {
      const inLanes = scrollRef.current?.contains(e.target as Node) ?? false;
      const rect = wrap.getBoundingClientRect();
      const x = e.clientX - rect.left;
      if (x < LABEL_W) return;
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        e.preventDefault();
        const dt = (e.deltaX / plotW) * (v1 - v0);
        setView(v0 + dt, v1 + dt);
        return;
      }
      if (inLanes && scrollable && !e.ctrlKey && !e.altKey) return;
      e.preventDefault();
      const t = tOf(x);
      const f = Math.exp(e.deltaY * 0.002);
      setView(t - (t - v0) * f, t + (v1 - t) * f);
    };
    wrap.addEventListener('wheel', onWheel, { passive: false });
    return () => wrap.removeEventListener('wheel', onWheel);
  }, [v0, v1, plotW, tOf, setView, scrollable]);

  const rowAt = (y: number): LaneRow | null => rows[Math.floor((y + scrollTop) / ROW_H)] ?? null;

  const describe = (canvas: 'axis' | 'lanes', x: number, y: number): string | null => {
    if (canvas === 'axis') return x >= LABEL_W && canSelect ? `${fmtNs(tOf(x))} — drag to select a time range` : null;
    const row = rowAt(y);
    if (!row) return null;
    if (x < LABEL_W) {
      if (row.kind === 'process') {
        const p = perf.processes[row.index];
        const parent = p.parentPid !== null ? `forked by ${p.parentPid}` : 'fork not recorded';
        return `process ${p.pid}: ${p.comms.join(' → ') || '?'}\n${parent} · ${p.threads.length} thread${p.threads.length === 1 ? '' : 's'} · ${p.samples[event]} samples of ${perf.events[event]?.name || '(no event)'}\nclick: only this process${p.threads.length > 1 ? ' · ▸: show its threads' : ''}`;
      }
      const t = perf.threads[row.index];
      return `thread ${t.tid} (${t.comm}) of process ${t.pid}\n${t.samples[event]} samples of ${perf.events[event]?.name || '(no event)'}\nclick: only this thread`;
    }
    const t = tOf(x);
    const tol = (4 * (v1 - v0)) / plotW;
    const m = perf.markers;
    if (m) {
      const list = row.kind === 'process' ? markers.process[row.index] : markers.thread[row.index];
      const i = markerAt(m, list, t, tol);
      if (i >= 0) return markerText(perf, m, i);
    }
    const name = row.kind === 'process' ? `${perf.processes[row.index].pid} ${perf.processes[row.index].comms.at(-1) ?? ''}` : `${perf.threads[row.index].tid} ${perf.threads[row.index].comm}`;
    const hist = row.kind === 'process' ? perf.processDensity[event] : perf.threadDensity[event];
    const binNs = perf.spanNs / perf.bins;
    const b = Math.max(0, Math.min(perf.bins - 1, Math.floor(t / binNs)));
    const n = binNs > 0 ? hist[row.index * perf.bins + b] : 0;
    return `${name}\n${n} sample${n === 1 ? '' : 's'} of ${perf.events[event]?.name || '(no event)'} in ${fmtNs(b * binNs)} – ${fmtNs((b + 1) * binNs)}`;
  };

  const localXY = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const onDown = (canvas: 'axis' | 'lanes') => (e: ReactPointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    const { x } = localXY(e);
    e.currentTarget.setPointerCapture(e.pointerId);
    wrapRef.current?.focus({ preventScroll: true });
    if (canSelect && x >= LABEL_W && (canvas === 'axis' || e.shiftKey)) {
      const t = tOf(x);
      setDrag({ mode: 'select', t0: t, t1: t });
    } else setDrag({ mode: 'pan', x0: x, v: [v0, v1], moved: false });
  };

  const onMove = (canvas: 'axis' | 'lanes') => (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const { x, y } = localXY(e);
    if (drag?.mode === 'select') {
      setDrag({ ...drag, t1: Math.max(0, Math.min(end, tOf(Math.max(LABEL_W, x)))) });
      return;
    }
    if (drag?.mode === 'pan') {
      const dx = x - drag.x0;
      if (Math.abs(dx) >= 3 || drag.moved) {
        const dt = (-dx / plotW) * (drag.v[1] - drag.v[0]);
        setView(drag.v[0] + dt, drag.v[1] + dt);
        if (!drag.moved) setDrag({ ...drag, moved: true });
      }
      return;
    }
    const text = describe(canvas, x, y);
    const wr = wrapRef.current?.getBoundingClientRect();
    setHover(text && wr ? { x: e.clientX - wr.left, y: e.clientY - wr.top, text } : null);
  };

  const onUp = (canvas: 'axis' | 'lanes') => (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const d = drag;
    setDrag(null);
    if (!d) return;
    if (d.mode === 'select') {
      const a = Math.min(d.t0, d.t1);
      const b = Math.max(d.t0, d.t1);
      if (Math.abs(xOf(b) - xOf(a)) >= 3) actions.setTimeRange([a, b]);
      return;
    }
    if (d.moved || canvas !== 'lanes') return;
    // A click: the arrow expands / collapses, anywhere else filters to the lane (again: all).
    const { x, y } = localXY(e);
    const row = rowAt(y);
    if (!row) return;
    if (row.kind === 'process') {
      const p = perf.processes[row.index];
      const arrowEnd = 6 + row.depth * 12 + 14;
      if (x < arrowEnd && p.threads.length > 1) {
        const next = new Set(expanded);
        if (next.has(p.pid)) next.delete(p.pid);
        else next.add(p.pid);
        setExpanded(next);
        return;
      }
      if (isSelected(row)) actions.setPerfTask(null, null);
      else actions.setPerfTask(p.pid, null);
      return;
    }
    const t = perf.threads[row.index];
    if (isSelected(row)) actions.setPerfTask(t.pid, null);
    else actions.setPerfTask(t.pid, t.tid);
  };

  const onKey = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const next = keyedView(e.key, v0, v1, end);
    if (!next) return;
    setView(next[0], next[1]);
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div
      className="trace-timelines perf-timeline"
      ref={wrapRef}
      tabIndex={0}
      onKeyDown={onKey}
      onPointerLeave={() => setHover(null)}
      data-testid="process-timeline"
      data-rows={rows.length}
      data-processes={perf.processes.length}
      data-markers={perf.markers?.length ?? 0}
      data-lanes={rows.map((r) => (r.kind === 'process' ? `p${perf.processes[r.index].pid}` : `t${perf.threads[r.index].tid}`)).join(',')}
      data-label-width={LABEL_W}
      data-row-height={ROW_H}
      data-view={`${v0}-${v1}`}
      aria-label="Process timeline: wheel or W/S zoom, drag or A/D pan, drag on the time axis to select a range, click a lane to filter to it"
    >
      <div className="trace-viewbar muted">
        <span data-testid="perf-visible">
          showing {fmtNs(v0)} – {fmtNs(v1)} ({fmtNs(v1 - v0)})
        </span>
        <button type="button" className="link-button" onClick={() => setView(0, end)} disabled={v0 === 0 && v1 === end}>
          reset zoom (0)
        </button>
        {range && (
          <button type="button" className="link-button" onClick={() => setView(range[0] - (range[1] - range[0]) * 0.05, range[1] + (range[1] - range[0]) * 0.05)}>
            zoom to range
          </button>
        )}
        <button
          type="button"
          className="link-button"
          data-testid="expand-all"
          onClick={() => setExpanded(expanded.size > 0 ? new Set() : new Set(perf.processes.filter((p) => p.threads.length > 1).map((p) => p.pid)))}
        >
          {expanded.size > 0 ? 'collapse threads' : 'show all threads'}
        </button>
      </div>
      <canvas ref={axisRef} className="perf-axis" onPointerDown={onDown('axis')} onPointerMove={onMove('axis')} onPointerUp={onUp('axis')} onPointerCancel={() => setDrag(null)} />
      <div className="perf-lanes" ref={scrollRef} style={{ height: lanesHeight }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <div style={{ height: lanesTotal, position: 'relative' }}>
          <canvas
            ref={lanesRef}
            style={{ position: 'sticky', top: 0, display: 'block' }}
            onPointerDown={onDown('lanes')}
            onPointerMove={onMove('lanes')}
            onPointerUp={onUp('lanes')}
            onPointerCancel={() => setDrag(null)}
          />
        </div>
      </div>
      {hover && !drag && (
        <div className="trace-tooltip" data-testid="perf-tooltip" role="tooltip" style={{ left: Math.max(0, Math.min(hover.x + 14, width - 330)), top: hover.y + 14 }}>
          {hover.text}
        </div>
      )}
    </div>
  );
}
