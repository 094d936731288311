// Timeline view of a Go execution trace: a processor timeline (time axis, GC/STW track,
// heap track, one lane per P showing which goroutine ran), a goroutine timeline (one row
// per goroutine, grouped and collapsible by start function, spans coloured by state), the
// goroutine table (per goroutine or per start function) and the CPU-sample flame graph.
// A selected time range (drag on the axis, or shift-drag) and a selected goroutine live in
// the URL and restrict the table and the flame graph. Everything is drawn on canvases or as
// React text: names come from the trace and are hostile text.

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { STATE_NAMES, ST_RUNNABLE, ST_RUNNING, ST_SYSCALL, ST_WAITING, type GoroutineRow, type TraceViewData } from '../analysis/trace/view';
import type { ViewSettings } from '../state/settings';
import { actions, useStore, type Source } from '../state/store';
import type { AnalysisResult } from '../worker/protocol';
import { FlameView } from './FlameView';
import { fmtBytes } from './format';
import { axisTicks, clampView, displayGroups, firstEndingAfter, fmtNs, groupStats, spanAt, timelineRows, type TimelineRow } from './traceModel';

interface Props {
  source: Source;
  trace: TraceViewData;
  result: AnalysisResult;
  settings: ViewSettings;
  unit: string;
  keyMatch: Uint8Array | null;
}

const LABEL_W = 190;
const ROW_H = 16;
const AXIS_H = 24;
const GC_H = 14;
const HEAP_H = 40;
const P_H = 16;
const G_MAX_H = 340;

const STATE_COLORS = ['#2f9e44', '#f2b705', '#d5dae1', '#8b5cf6'];
const STATE_LABELS = ['running', 'runnable', 'waiting (blocked)', 'syscall'];
const GC_COLOR = '#f59f00';
const STW_COLOR = '#e03131';
const SEL_FILL = 'rgba(51, 102, 204, 0.16)';
const SEL_EDGE = 'rgba(51, 102, 204, 0.8)';

function goColor(i: number): string {
  return `hsl(${(i * 137.508) % 360}, 55%, 52%)`;
}

function setupCanvas(c: HTMLCanvasElement, w: number, h: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1;
  if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
  }
  c.style.width = `${w}px`;
  c.style.height = `${h}px`;
  const ctx = c.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return ctx;
}

/** Clipped label text (canvas text: never HTML). */
function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, maxW: number): void {
  let t = text;
  if (ctx.measureText(t).width > maxW) {
    while (t.length > 1 && ctx.measureText(`…${t}`).width > maxW) t = t.slice(1);
    t = `…${t}`;
  }
  ctx.fillText(t, x, y);
}

/**
 * Draws spans [lo, hi) clipped to the view; spans narrower than a pixel are merged (one 1-px
 * column per pixel, coloured by the first span in it), so a row costs at most ~width rects.
 */
function drawSpans(
  ctx: CanvasRenderingContext2D,
  start: Float64Array,
  end: Float64Array,
  lo: number,
  hi: number,
  v0: number,
  v1: number,
  x: (t: number) => number,
  y: number,
  h: number,
  color: (k: number) => string,
  xmin: number,
  xmax: number,
): void {
  let lastPx = -1;
  for (let k = firstEndingAfter(end, lo, hi, v0); k < hi; k++) {
    if (start[k] >= v1) break;
    const xa = Math.max(xmin, x(start[k]));
    const xb = Math.min(xmax, x(end[k]));
    if (xb - xa < 1) {
      const px = Math.floor(xa);
      if (px <= lastPx) continue;
      lastPx = px;
      ctx.fillStyle = color(k);
      ctx.fillRect(px, y, 1, h);
    } else {
      ctx.fillStyle = color(k);
      ctx.fillRect(xa, y, xb - xa, h);
      lastPx = Math.floor(xb) - 1;
    }
  }
}

function drawPairs(ctx: CanvasRenderingContext2D, pairs: Float64Array, v0: number, v1: number, x: (t: number) => number, y: number, h: number, xmin: number, xmax: number): void {
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    if (pairs[i + 1] < v0 || pairs[i] > v1) continue;
    const xa = Math.max(xmin, x(pairs[i]));
    const xb = Math.min(xmax, x(pairs[i + 1]));
    ctx.fillRect(xa, y, Math.max(1, xb - xa), h);
  }
}

function drawSeries(ctx: CanvasRenderingContext2D, t: Float64Array, v: Float64Array, max: number, end: number, x: (t: number) => number, y: number, h: number, fill: boolean): void {
  if (t.length === 0 || max <= 0) return;
  const yOf = (val: number) => y + h - (val / max) * (h - 2);
  ctx.beginPath();
  ctx.moveTo(x(t[0]), fill ? y + h : yOf(v[0]));
  for (let i = 0; i < t.length; i++) {
    if (i > 0 || fill) ctx.lineTo(x(t[i]), i > 0 ? yOf(v[i - 1]) : y + h);
    ctx.lineTo(x(t[i]), yOf(v[i]));
  }
  ctx.lineTo(x(end), yOf(v[v.length - 1]));
  if (fill) {
    ctx.lineTo(x(end), y + h);
    ctx.closePath();
    ctx.fill();
  } else ctx.stroke();
}

type Drag = { mode: 'pan'; x0: number; v: [number, number]; moved: boolean; canvas: 'p' | 'g'; y: number } | { mode: 'select'; x0: number; t0: number; t1: number };

interface Hover {
  x: number;
  y: number;
  text: string;
}

function Timelines({ trace, settings }: { trace: TraceViewData; settings: ViewSettings }) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const pRef = useRef<HTMLCanvasElement>(null);
  const gRef = useRef<HTMLCanvasElement>(null);
  const gScrollRef = useRef<HTMLDivElement>(null);
  const end = Math.max(1, trace.endNs);
  const [width, setWidth] = useState(900);
  const [view, setViewState] = useState<[number, number]>([0, end]);
  const [scrollTop, setScrollTop] = useState(0);
  const [collapsed, setCollapsed] = useState<Set<number>>(() => new Set());
  const [drag, setDrag] = useState<Drag | null>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const groups = useMemo(() => displayGroups(trace), [trace]);
  const rows = useMemo(() => timelineRows(groups, collapsed), [groups, collapsed]);
  const gIndexOf = useMemo(() => new Map(trace.gIds.map((id, i) => [id, i])), [trace]);
  const selected = settings.goroutine !== null ? (gIndexOf.get(settings.goroutine) ?? -1) : -1;
  const range = settings.timeRange;
  const heapMax = useMemo(() => {
    let m = 0;
    for (const v of trace.heapV) m = Math.max(m, v);
    for (const v of trace.goalV) m = Math.max(m, v);
    return m;
  }, [trace]);

  const setView = useCallback((v0: number, v1: number) => setViewState(clampView(v0, v1, end)), [end]);

  useLayoutEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(400, Math.floor(el.clientWidth))));
    ro.observe(el);
    setWidth(Math.max(400, Math.floor(el.clientWidth)));
    return () => ro.disconnect();
  }, []);

  const pHeight = AXIS_H + GC_H + HEAP_H + 6 + trace.pIds.length * P_H + 4;
  const gTotal = rows.length * ROW_H;
  const gHeight = Math.min(G_MAX_H, Math.max(ROW_H, gTotal));
  const [v0, v1] = view;
  const xOf = useCallback((t: number) => LABEL_W + ((t - v0) / (v1 - v0)) * (width - LABEL_W), [v0, v1, width]);
  const tOf = useCallback((x: number) => v0 + ((x - LABEL_W) / (width - LABEL_W)) * (v1 - v0), [v0, v1, width]);
  const selBand = drag?.mode === 'select' ? ([Math.min(drag.t0, drag.t1), Math.max(drag.t0, drag.t1)] as [number, number]) : range;

  // Processor timeline.
  useEffect(() => {
    const c = pRef.current;
    if (!c) return;
    const ctx = setupCanvas(c, width, pHeight);
    if (!ctx) return;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    // Axis.
    ctx.fillStyle = '#f4f6f8';
    ctx.fillRect(LABEL_W, 0, width - LABEL_W, AXIS_H);
    ctx.fillStyle = '#555';
    ctx.fillText('time (drag: select)', 6, AXIS_H / 2);
    ctx.strokeStyle = '#c5ccd4';
    ctx.beginPath();
    for (const tk of axisTicks(v0, v1, LABEL_W, width, Math.floor((width - LABEL_W) / 110))) {
      ctx.moveTo(Math.round(tk.x) + 0.5, AXIS_H - 6);
      ctx.lineTo(Math.round(tk.x) + 0.5, pHeight);
      ctx.fillText(tk.label, tk.x + 3, AXIS_H / 2 - 2);
    }
    ctx.stroke();
    // GC / STW track.
    let y = AXIS_H + 2;
    ctx.fillStyle = '#555';
    ctx.fillText('GC / STW', 6, y + GC_H / 2);
    ctx.fillStyle = GC_COLOR;
    drawPairs(ctx, trace.gc, v0, v1, xOf, y + 2, GC_H - 4, LABEL_W, width);
    ctx.fillStyle = STW_COLOR;
    drawPairs(ctx, trace.stw, v0, v1, xOf, y, GC_H, LABEL_W, width);
    y += GC_H + 2;
    // Heap track.
    ctx.fillStyle = '#555';
    ctx.fillText(`heap (max ${fmtBytes(heapMax)})`, 6, y + HEAP_H / 2);
    ctx.save();
    ctx.beginPath();
    ctx.rect(LABEL_W, y, width - LABEL_W, HEAP_H);
    ctx.clip();
    ctx.fillStyle = 'rgba(51, 102, 204, 0.35)';
    drawSeries(ctx, trace.heapT, trace.heapV, heapMax, end, xOf, y, HEAP_H, true);
    ctx.strokeStyle = '#c92a2a';
    ctx.setLineDash([4, 3]);
    drawSeries(ctx, trace.goalT, trace.goalV, heapMax, end, xOf, y, HEAP_H, false);
    ctx.setLineDash([]);
    ctx.restore();
    y += HEAP_H + 6;
    // P lanes.
    for (let i = 0; i < trace.pIds.length; i++) {
      ctx.fillStyle = i % 2 ? '#fafbfc' : '#f1f3f5';
      ctx.fillRect(LABEL_W, y, width - LABEL_W, P_H);
      ctx.fillStyle = '#333';
      ctx.fillText(`Proc ${trace.pIds[i]}`, 6, y + P_H / 2);
      drawSpans(ctx, trace.pSpanStart, trace.pSpanEnd, trace.pOffsets[i], trace.pOffsets[i + 1], v0, v1, xOf, y + 1, P_H - 2, (k) => (selected >= 0 && trace.pSpanG[k] !== selected ? '#c8cdd3' : goColor(trace.pSpanG[k])), LABEL_W, width);
      y += P_H;
    }
    if (selBand) {
      const xa = Math.max(LABEL_W, xOf(selBand[0]));
      const xb = Math.min(width, xOf(selBand[1]));
      if (xb > xa) {
        ctx.fillStyle = SEL_FILL;
        ctx.fillRect(xa, 0, xb - xa, pHeight);
        ctx.fillStyle = SEL_EDGE;
        ctx.fillRect(xa, 0, 1, pHeight);
        ctx.fillRect(xb - 1, 0, 1, pHeight);
      }
    }
  }, [trace, width, pHeight, v0, v1, xOf, heapMax, end, selected, selBand]);

  // Goroutine timeline (only the visible rows are drawn).
  useEffect(() => {
    const c = gRef.current;
    if (!c) return;
    const ctx = setupCanvas(c, width, gHeight);
    if (!ctx) return;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const first = Math.floor(scrollTop / ROW_H);
    const last = Math.min(rows.length, Math.ceil((scrollTop + gHeight) / ROW_H));
    for (let r = first; r < last; r++) {
      const row = rows[r];
      const y = r * ROW_H - scrollTop;
      if (row.kind === 'group') {
        ctx.fillStyle = '#e7ebf0';
        ctx.fillRect(0, y, width, ROW_H);
        ctx.fillStyle = '#222';
        label(ctx, `${row.collapsed ? '▸' : '▾'} ${row.name || '(unknown)'} ×${row.count}`, 4, y + ROW_H / 2, width - 8);
        continue;
      }
      const i = row.index;
      ctx.fillStyle = i === selected ? '#dbe8ff' : '#fff';
      ctx.fillRect(0, y, width, ROW_H);
      ctx.fillStyle = '#333';
      label(ctx, `  G${trace.gIds[i]}`, 4, y + ROW_H / 2, LABEL_W - 8);
      drawSpans(ctx, trace.spanStart, trace.spanEnd, trace.gOffsets[i], trace.gOffsets[i + 1], v0, v1, xOf, y + 2, ROW_H - 4, (k) => STATE_COLORS[trace.spanState[k]], LABEL_W, width);
    }
    // STW overlay.
    ctx.fillStyle = 'rgba(224, 49, 49, 0.18)';
    drawPairs(ctx, trace.stw, v0, v1, xOf, 0, gHeight, LABEL_W, width);
    if (selBand) {
      const xa = Math.max(LABEL_W, xOf(selBand[0]));
      const xb = Math.min(width, xOf(selBand[1]));
      if (xb > xa) {
        ctx.fillStyle = SEL_FILL;
        ctx.fillRect(xa, 0, xb - xa, gHeight);
      }
    }
    ctx.strokeStyle = '#c5ccd4';
    ctx.beginPath();
    ctx.moveTo(LABEL_W - 0.5, 0);
    ctx.lineTo(LABEL_W - 0.5, gHeight);
    ctx.stroke();
  }, [trace, width, gHeight, rows, scrollTop, v0, v1, xOf, selected, selBand]);

  // Wheel: zoom around the pointer (processor timeline always; goroutine rows with Ctrl /
  // Alt, else the wheel scrolls the rows); horizontal wheel pans.
  useEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap) return;
    const onWheel = (e: WheelEvent) => {
      const target = e.target as Node;
      const inG = gScrollRef.current?.contains(target) ?? false;
      const rect = wrap.getBoundingClientRect();
      const x = e.clientX - rect.left;
      if (x < LABEL_W) return;
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        e.preventDefault();
        const dt = (e.deltaX / (width - LABEL_W)) * (v1 - v0);
        setView(v0 + dt, v1 + dt);
        return;
      }
      if (inG && !e.ctrlKey && !e.altKey) return;
      e.preventDefault();
      const t = tOf(x);
      const f = Math.exp(e.deltaY * 0.002);
      setView(t - (t - v0) * f, t + (v1 - t) * f);
    };
    wrap.addEventListener('wheel', onWheel, { passive: false });
    return () => wrap.removeEventListener('wheel', onWheel);
  }, [v0, v1, width, tOf, setView]);

  const rowAt = (canvas: 'p' | 'g', y: number): { kind: 'p'; index: number } | TimelineRow | null => {
    if (canvas === 'g') {
      const r = Math.floor((y + scrollTop) / ROW_H);
      return rows[r] ?? null;
    }
    const py = y - (AXIS_H + GC_H + HEAP_H + 8);
    if (py < 0) return null;
    const i = Math.floor(py / P_H);
    return i < trace.pIds.length ? { kind: 'p', index: i } : null;
  };

  const describe = (canvas: 'p' | 'g', x: number, y: number): string | null => {
    if (x < LABEL_W) {
      const row = rowAt(canvas, y);
      if (row?.kind === 'g') return `G${trace.gIds[row.index]} ${trace.gNames[row.index] || '(unknown start function)'}`;
      if (row?.kind === 'group') return `${row.name || '(unknown)'}: ${row.count} goroutine${row.count === 1 ? '' : 's'} (click to ${row.collapsed ? 'expand' : 'collapse'})`;
      return null;
    }
    const t = tOf(x);
    const tol = (3 * (v1 - v0)) / (width - LABEL_W);
    if (canvas === 'p' && y < AXIS_H) return `${fmtNs(t)} — drag to select a time range`;
    if (canvas === 'p' && y < AXIS_H + GC_H + 2) {
      for (let i = 0; i + 1 < trace.stw.length; i += 2) if (trace.stw[i] - tol <= t && t <= trace.stw[i + 1] + tol) return `stop-the-world (${trace.stwKinds[i / 2]})\n${fmtNs(trace.stw[i + 1] - trace.stw[i])} at ${fmtNs(trace.stw[i])}`;
      for (let i = 0; i + 1 < trace.gc.length; i += 2) if (trace.gc[i] - tol <= t && t <= trace.gc[i + 1] + tol) return `GC concurrent mark phase\n${fmtNs(trace.gc[i + 1] - trace.gc[i])} at ${fmtNs(trace.gc[i])}`;
      return null;
    }
    if (canvas === 'p' && y < AXIS_H + GC_H + HEAP_H + 8) {
      const k = firstEndingAfter(trace.heapT, 0, trace.heapT.length, t) - 1;
      const g = firstEndingAfter(trace.goalT, 0, trace.goalT.length, t) - 1;
      if (k < 0) return null;
      return `at ${fmtNs(t)}\nheap: ${fmtBytes(trace.heapV[k])}${g >= 0 ? `\nheap goal: ${fmtBytes(trace.goalV[g])}` : ''}`;
    }
    const row = rowAt(canvas, y);
    if (!row) return null;
    if (row.kind === 'p') {
      const k = spanAt(trace.pSpanStart, trace.pSpanEnd, trace.pOffsets[row.index], trace.pOffsets[row.index + 1], t, tol);
      if (k < 0) return `Proc ${trace.pIds[row.index]}: idle at ${fmtNs(t)}`;
      const gi = trace.pSpanG[k];
      return `Proc ${trace.pIds[row.index]} ran G${trace.gIds[gi]} ${trace.gNames[gi]}\n${fmtNs(trace.pSpanEnd[k] - trace.pSpanStart[k])} from ${fmtNs(trace.pSpanStart[k])}`;
    }
    if (row.kind !== 'g') return null;
    const k = spanAt(trace.spanStart, trace.spanEnd, trace.gOffsets[row.index], trace.gOffsets[row.index + 1], t, tol);
    if (k < 0) return `G${trace.gIds[row.index]}: not in the trace at ${fmtNs(t)}`;
    const st = trace.spanState[k];
    const reason = st === ST_WAITING && trace.spanReason[k] > 0 ? ` (${trace.reasons[trace.spanReason[k]]})` : '';
    return `G${trace.gIds[row.index]} ${trace.gNames[row.index]}\n${STATE_NAMES[st]}${reason}\n${fmtNs(trace.spanEnd[k] - trace.spanStart[k])} from ${fmtNs(trace.spanStart[k])}`;
  };

  const localXY = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const onDown = (canvas: 'p' | 'g') => (e: ReactPointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    const { x, y } = localXY(e);
    e.currentTarget.setPointerCapture(e.pointerId);
    wrapRef.current?.focus({ preventScroll: true });
    if (x >= LABEL_W && (e.shiftKey || (canvas === 'p' && y < AXIS_H))) {
      const t = tOf(x);
      setDrag({ mode: 'select', x0: x, t0: t, t1: t });
    } else setDrag({ mode: 'pan', x0: x, v: [v0, v1], moved: false, canvas, y });
  };

  const onMove = (canvas: 'p' | 'g') => (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const { x, y } = localXY(e);
    if (drag?.mode === 'select') {
      setDrag({ ...drag, t1: Math.max(0, Math.min(end, tOf(Math.max(LABEL_W, x)))) });
      return;
    }
    if (drag?.mode === 'pan') {
      const dx = x - drag.x0;
      if (Math.abs(dx) >= 3 || drag.moved) {
        const dt = (-dx / (width - LABEL_W)) * (drag.v[1] - drag.v[0]);
        setView(drag.v[0] + dt, drag.v[1] + dt);
        if (!drag.moved) setDrag({ ...drag, moved: true });
      }
      return;
    }
    const text = describe(canvas, x, y);
    const wr = wrapRef.current?.getBoundingClientRect();
    setHover(text && wr ? { x: e.clientX - wr.left, y: e.clientY - wr.top, text } : null);
  };

  const onUp = (canvas: 'p' | 'g') => (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const d = drag;
    setDrag(null);
    if (!d) return;
    if (d.mode === 'select') {
      const a = Math.min(d.t0, d.t1);
      const b = Math.max(d.t0, d.t1);
      const px = Math.abs(xOf(b) - xOf(a));
      if (px >= 3) actions.setTimeRange([a, b]);
      return;
    }
    if (d.moved) return;
    // A click: select the goroutine under the pointer, or toggle a group.
    const { x, y } = localXY(e);
    const row = rowAt(canvas, y);
    if (!row) return;
    if (row.kind === 'group') {
      const next = new Set(collapsed);
      if (next.has(row.group)) next.delete(row.group);
      else next.add(row.group);
      setCollapsed(next);
      return;
    }
    if (row.kind === 'g') {
      const id = trace.gIds[row.index];
      actions.selectGoroutine(settings.goroutine === id ? null : id);
      return;
    }
    if (row.kind === 'p' && x >= LABEL_W) {
      const tol = (3 * (v1 - v0)) / (width - LABEL_W);
      const k = spanAt(trace.pSpanStart, trace.pSpanEnd, trace.pOffsets[row.index], trace.pOffsets[row.index + 1], tOf(x), tol);
      if (k >= 0) actions.selectGoroutine(trace.gIds[trace.pSpanG[k]]);
    }
  };

  const onKey = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const span = v1 - v0;
    const mid = (v0 + v1) / 2;
    switch (e.key) {
      case 'w':
      case 'W':
        setView(mid - span * 0.35, mid + span * 0.35);
        break;
      case 's':
      case 'S':
        setView(mid - span * 0.7, mid + span * 0.7);
        break;
      case 'a':
      case 'A':
        setView(v0 - span * 0.15, v1 - span * 0.15);
        break;
      case 'd':
      case 'D':
        setView(v0 + span * 0.15, v1 + span * 0.15);
        break;
      case '0':
        setView(0, end);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <div
      className="trace-timelines"
      ref={wrapRef}
      tabIndex={0}
      onKeyDown={onKey}
      onPointerLeave={() => setHover(null)}
      aria-label="Trace timeline: wheel or W/S zoom, drag or A/D pan, drag on the time axis to select a range"
    >
      <div className="trace-viewbar muted">
        <span data-testid="trace-visible">
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
      </div>
      <div data-testid="proc-timeline" data-rows={trace.pIds.length} className="proc-timeline">
        <canvas ref={pRef} onPointerDown={onDown('p')} onPointerMove={onMove('p')} onPointerUp={onUp('p')} onPointerCancel={() => setDrag(null)} />
      </div>
      <div
        data-testid="goroutine-timeline"
        data-rows={trace.gIds.length}
        data-visible-rows={rows.length}
        className="goroutine-timeline"
        ref={gScrollRef}
        style={{ height: gHeight }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div style={{ height: gTotal, position: 'relative' }}>
          <canvas
            ref={gRef}
            style={{ position: 'sticky', top: 0, display: 'block' }}
            onPointerDown={onDown('g')}
            onPointerMove={onMove('g')}
            onPointerUp={onUp('g')}
            onPointerCancel={() => setDrag(null)}
          />
        </div>
      </div>
      {hover && !drag && (
        <div className="trace-tooltip" data-testid="trace-tooltip" role="tooltip" style={{ left: Math.min(hover.x + 14, width - 260), top: hover.y + 14 }}>
          {hover.text}
        </div>
      )}
    </div>
  );
}

function Legend() {
  return (
    <div className="trace-legend" data-testid="trace-legend">
      {[ST_RUNNING, ST_RUNNABLE, ST_WAITING, ST_SYSCALL].map((s) => (
        <span key={s} className="legend-item">
          <span className="swatch" style={{ background: STATE_COLORS[s] }} />
          {STATE_LABELS[s]}
        </span>
      ))}
      <span className="legend-item">
        <span className="swatch" style={{ background: GC_COLOR }} />
        GC mark
      </span>
      <span className="legend-item">
        <span className="swatch" style={{ background: STW_COLOR }} />
        stop-the-world
      </span>
      <span className="legend-item">
        <span className="swatch" style={{ background: 'rgba(51, 102, 204, 0.35)' }} />
        heap / <span className="swatch dashed" /> goal
      </span>
    </div>
  );
}

type SortKey = 'id' | 'name' | 'execNs' | 'schedWaitNs' | 'blockNs' | 'syscallNs' | 'totalNs';

function GoroutineTable({ rows, selected, windowed }: { rows: GoroutineRow[]; selected: string | null; windowed: boolean }) {
  const [mode, setMode] = useState<'goroutines' | 'groups'>('goroutines');
  const [sort, setSort] = useState<SortKey>('execNs');
  const sorted = useMemo(() => {
    const a = rows.slice();
    if (sort === 'id') a.sort((x, y) => x.id.length - y.id.length || (x.id < y.id ? -1 : 1));
    else if (sort === 'name') a.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    else a.sort((x, y) => y[sort] - x[sort]);
    return a;
  }, [rows, sort]);
  const groups = useMemo(() => (mode === 'groups' ? groupStats(rows) : []), [rows, mode]);
  const LIMIT = 2000;
  const th = (k: SortKey, text: string, num = true) => (
    <th className={num ? 'num' : undefined} aria-sort={sort === k ? (k === 'id' || k === 'name' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="link-button" onClick={() => setSort(k)}>
        {text}
      </button>
    </th>
  );
  return (
    <div className="goroutine-table-wrap">
      <div className="trace-table-bar">
        <strong>Goroutines{windowed ? ' in the selected range' : ''}</strong>
        <span className="muted">{rows.length} goroutines</span>
        <label className="field check">
          <input type="checkbox" data-testid="group-by-start" checked={mode === 'groups'} onChange={(e) => setMode(e.target.checked ? 'groups' : 'goroutines')} />
          group by start function
        </label>
      </div>
      <div className="goroutine-table-scroll">
        {mode === 'goroutines' ? (
          <table data-testid="goroutine-table" data-mode="goroutines" className="data-table">
            <thead>
              <tr>
                {th('id', 'G')}
                {th('name', 'start function', false)}
                {th('execNs', 'execution')}
                {th('schedWaitNs', 'sched wait')}
                {th('blockNs', 'blocked')}
                {th('syscallNs', 'syscall')}
                {th('totalNs', 'total')}
              </tr>
            </thead>
            <tbody>
              {sorted.slice(0, LIMIT).map((r) => (
                <tr
                  key={r.id}
                  data-goid={r.id}
                  data-exec-ns={r.execNs}
                  data-sched-wait-ns={r.schedWaitNs}
                  className={r.id === selected ? 'selected' : undefined}
                  aria-selected={r.id === selected}
                  onClick={() => actions.selectGoroutine(r.id === selected ? null : r.id)}
                >
                  <td className="num mono">{r.id}</td>
                  <td className="mono name-cell" title={r.name}>
                    {r.name || '(unknown)'}
                  </td>
                  <td className="num">{fmtNs(r.execNs)}</td>
                  <td className="num">{fmtNs(r.schedWaitNs)}</td>
                  <td className="num">{fmtNs(r.blockNs)}</td>
                  <td className="num">{fmtNs(r.syscallNs)}</td>
                  <td className="num">{fmtNs(r.totalNs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <table data-testid="goroutine-table" data-mode="groups" className="data-table">
            <thead>
              <tr>
                <th>start function</th>
                <th className="num">count</th>
                <th className="num">total exec</th>
                <th className="num">min</th>
                <th className="num">median</th>
                <th className="num">p99</th>
                <th className="num">max</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.name} data-group={g.name} data-count={g.count} data-total-exec-ns={g.totalExecNs}>
                  <td className="mono name-cell" title={g.name}>
                    {g.name || '(unknown)'}
                  </td>
                  <td className="num">{g.count}</td>
                  <td className="num">{fmtNs(g.totalExecNs)}</td>
                  <td className="num">{fmtNs(g.minExecNs)}</td>
                  <td className="num">{fmtNs(g.medianExecNs)}</td>
                  <td className="num">{fmtNs(g.p99ExecNs)}</td>
                  <td className="num">{fmtNs(g.maxExecNs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {mode === 'goroutines' && sorted.length > LIMIT && <div className="muted">… {sorted.length - LIMIT} more (sorted by the chosen column)</div>}
      </div>
    </div>
  );
}

export function TraceView({ source, trace, result, settings, unit, keyMatch }: Props) {
  const traceWindow = useStore((s) => s.traceWindow);
  const range = settings.timeRange;
  const windowRows =
    range && traceWindow && traceWindow.sourceId === source.id && traceWindow.range[0] === range[0] && traceWindow.range[1] === range[1] ? traceWindow.rows : null;
  const rows = range ? (windowRows ?? trace.table) : trace.table;
  const total = source.summary.counts.samples;
  return (
    <div className="trace-view" data-testid="trace-view">
      <div className="trace-bar">
        <Legend />
        <span className="trace-range">
          {range ? (
            <>
              <span data-testid="time-range" data-t0={range[0]} data-t1={range[1]}>
                range {fmtNs(range[0])} – {fmtNs(range[1])} ({fmtNs(range[1] - range[0])})
              </span>{' '}
              <button type="button" className="link-button" data-testid="clear-range" onClick={() => actions.setTimeRange(null)}>
                clear
              </button>
            </>
          ) : (
            <span className="muted">drag on the time axis (or shift-drag) to select a range</span>
          )}
        </span>
        {settings.goroutine !== null && (
          <span className="trace-goroutine" data-testid="selected-goroutine">
            G{settings.goroutine}{' '}
            <button type="button" className="link-button" onClick={() => actions.selectGoroutine(null)}>
              clear
            </button>
          </span>
        )}
      </div>
      <Timelines trace={trace} settings={settings} />
      <GoroutineTable rows={rows} selected={settings.goroutine} windowed={range !== null && windowRows !== null} />
      <div className="trace-flame-title">
        <strong>CPU samples</strong>{' '}
        <span className="muted" data-testid="trace-samples" data-kept={result.keptSamples} data-total={total}>
          {result.keptSamples} of {total}
          {range ? ' in the range' : ''}
          {settings.goroutine !== null ? ` of G${settings.goroutine}` : ''}
        </span>
      </div>
      <div className="trace-flame">
        <FlameView source={source} result={result} settings={settings} unit={unit} keyMatch={keyMatch} />
      </div>
    </div>
  );
}
