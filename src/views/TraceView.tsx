// Timeline view of a Go execution trace: a processor timeline (time axis, GC/STW track,
// heap track, one lane per P showing which goroutine ran, GOMAXPROCS changes), a user
// annotations track (tasks as nested bars, logs as markers), a goroutine timeline (one row
// per goroutine, grouped and collapsible by start function, spans coloured by state, user
// regions, GC mark assists and STW overlays), the goroutine table (per goroutine or per
// start function) and the CPU-sample flame graph. A selected time range (drag on the axis,
// or shift-drag) and a selected goroutine live in the URL and restrict the table and the
// flame graph; the flame graph's selected function (also in the URL) highlights the
// goroutines whose CPU samples or event stacks contain it. Everything is drawn on canvases
// or as React text: names come from the trace and are hostile text.

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { OPEN_END, OPEN_START, STATE_NAMES, ST_RUNNABLE, ST_RUNNING, ST_SYSCALL, ST_SYSCALL_BLOCKED, ST_WAITING, spanGoroutine, spanReasonOf, spanStackOf, spanStateOf, type TraceViewData } from '../analysis/trace/view';
import { indexedSpanRow, spanDur, spanRow } from '../analysis/trace/spans';
import type { ViewSettings } from '../state/settings';
import { actions, type Source } from '../state/store';
import type { AnalysisResult } from '../worker/protocol';
import { FlameView } from './FlameView';
import { fmtBytes } from './format';
import { drawIntervals, drawPairs, drawSeries, drawSpans, goColor, label, labelHead, nameColor, setupCanvas } from './trace/draw';
import { GoroutineTable } from './trace/GoroutineTable';
import './trace/trace.css';
import {
  axisTicks,
  clampView,
  displayGroups,
  firstEndingAfter,
  fmtNs,
  functionHighlight,
  gomaxprocsAt,
  gomaxprocsChanges,
  intervalsAt,
  keyedView,
  spanAt,
  spanBeginning,
  spanWindowTable,
  stackLines,
  timelineRowAt,
  timelineRows,
  type FunctionHighlight,
  type TimelineRow,
} from './traceModel';

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
const TASK_H = 13;
const LOG_H = 12;
/** Goroutine rows: state spans on top, user regions in a strip at the bottom. */
const SPAN_Y = 1;
const SPAN_H = 10;
const REGION_Y = 12;
const REGION_H = 3;

const STATE_COLORS = ['#2f9e44', '#f2b705', '#d5dae1', '#8b5cf6', '#c4b5fd'];
const STATE_LABELS = ['running', 'runnable', 'waiting (blocked)', 'syscall', 'syscall, P retaken'];
const GC_COLOR = '#f59f00';
const STW_COLOR = '#e03131';
const ASSIST_COLOR = '#e8590c';
const SEL_FILL = 'rgba(51, 102, 204, 0.16)';
const SEL_EDGE = 'rgba(51, 102, 204, 0.8)';
const MATCH_BG = '#fff3bf';

type Canvas = 'p' | 'u' | 'g';

type Drag = { mode: 'pan'; x0: number; v: [number, number]; moved: boolean } | { mode: 'select'; x0: number; t0: number; t1: number };

interface Hover {
  x: number;
  y: number;
  text: string;
}

function Timelines({ trace, settings, highlight }: { trace: TraceViewData; settings: ViewSettings; highlight: FunctionHighlight | null }) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const pRef = useRef<HTMLCanvasElement>(null);
  const uRef = useRef<HTMLCanvasElement>(null);
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
  // Span times are compact (analysis/trace/spans.ts): goroutine rows and P rows read them through these.
  const gRow = useMemo(() => spanRow(trace.spanTimes), [trace]);
  const pRow = useMemo(() => indexedSpanRow(trace.spanTimes, trace.pSpan), [trace]);
  const procs = useMemo(() => gomaxprocsChanges(trace.gomaxprocsT, trace.gomaxprocsV), [trace]);
  // Looked up when the selection changes (a scan of the ids takes ~1 ms for 231k goroutines,
  // where an id -> row Map held ~20 MB for the whole time the trace is shown).
  const selected = useMemo(() => (settings.goroutine !== null ? trace.gIds.indexOf(settings.goroutine) : -1), [trace, settings.goroutine]);
  const range = settings.timeRange;
  const heapMax = useMemo(() => {
    let m = 0;
    for (const v of trace.heapV) m = Math.max(m, v);
    for (const v of trace.goalV) m = Math.max(m, v);
    return m;
  }, [trace]);
  const hasRegions = trace.regionStart.length > 0;
  const taskColors = useMemo(() => trace.userStrings.map((n) => nameColor(n)), [trace]);
  const hasUser = trace.taskStart.length > 0 || trace.logT.length > 0;

  const setView = useCallback((v0: number, v1: number) => setViewState(clampView(v0, v1, end)), [end]);

  useLayoutEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(400, Math.floor(el.clientWidth))));
    ro.observe(el);
    setWidth(Math.max(400, Math.floor(el.clientWidth)));
    return () => ro.disconnect();
  }, []);

  const pTop = AXIS_H + GC_H + HEAP_H + 8;
  const pHeight = pTop + trace.pIds.length * P_H + 4;
  const taskLanes = trace.taskStart.length > 0 ? trace.taskLanes : 0;
  const logY = 2 + taskLanes * TASK_H;
  const uHeight = hasUser ? logY + (trace.logT.length > 0 ? LOG_H : 0) + 3 : 0;
  const gTotal = rows.length * ROW_H;
  const gHeight = Math.min(G_MAX_H, Math.max(ROW_H, gTotal));
  const [v0, v1] = view;
  const xOf = useCallback((t: number) => LABEL_W + ((t - v0) / (v1 - v0)) * (width - LABEL_W), [v0, v1, width]);
  const tOf = useCallback((x: number) => v0 + ((x - LABEL_W) / (width - LABEL_W)) * (v1 - v0), [v0, v1, width]);
  const selBand = drag?.mode === 'select' ? ([Math.min(drag.t0, drag.t1), Math.max(drag.t0, drag.t1)] as [number, number]) : range;

  const drawSelection = useCallback(
    (ctx: CanvasRenderingContext2D, h: number, edges: boolean) => {
      if (!selBand) return;
      const xa = Math.max(LABEL_W, xOf(selBand[0]));
      const xb = Math.min(width, xOf(selBand[1]));
      if (xb <= xa) return;
      ctx.fillStyle = SEL_FILL;
      ctx.fillRect(xa, 0, xb - xa, h);
      if (edges) {
        ctx.fillStyle = SEL_EDGE;
        ctx.fillRect(xa, 0, 1, h);
        ctx.fillRect(xb - 1, 0, 1, h);
      }
    },
    [selBand, xOf, width],
  );

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
    drawSeries(ctx, trace.heapT, trace.heapV, heapMax, end, xOf, y, HEAP_H, true, v0, v1);
    ctx.strokeStyle = '#c92a2a';
    ctx.setLineDash([4, 3]);
    drawSeries(ctx, trace.goalT, trace.goalV, heapMax, end, xOf, y, HEAP_H, false, v0, v1);
    ctx.setLineDash([]);
    ctx.restore();
    // P lanes.
    y = pTop;
    for (let i = 0; i < trace.pIds.length; i++) {
      ctx.fillStyle = i % 2 ? '#fafbfc' : '#f1f3f5';
      ctx.fillRect(LABEL_W, y, width - LABEL_W, P_H);
      ctx.fillStyle = '#333';
      ctx.fillText(`Proc ${trace.pIds[i]}`, 6, y + P_H / 2);
      drawSpans(ctx, pRow, trace.pOffsets[i], trace.pOffsets[i + 1], v0, v1, y + 1, P_H - 2, (k) => {
        const g = spanGoroutine(trace, trace.pSpan[k]);
        return selected >= 0 && g !== selected ? '#c8cdd3' : goColor(g);
      }, LABEL_W, width);
      y += P_H;
    }
    // Ps beyond GOMAXPROCS are not in use: shaded while the limit is below their id.
    if (procs.length > 0) {
      ctx.fillStyle = 'rgba(134, 142, 150, 0.28)';
      for (let j = 0; j < procs.length; j++) {
        const ta = j === 0 ? 0 : procs[j].t;
        const tb = j + 1 < procs.length ? procs[j + 1].t : end;
        if (tb < v0 || ta > v1) continue;
        const xa = Math.max(LABEL_W, xOf(ta));
        const xb = Math.min(width, xOf(tb));
        for (let i = 0; i < trace.pIds.length; i++) if (Number(trace.pIds[i]) >= procs[j].v) ctx.fillRect(xa, pTop + i * P_H, Math.max(1, xb - xa), P_H);
      }
      // A marker at every change, then the labels over them (a later marker must not cross an
      // earlier label); labels that would overlap the previous one are left out (the hover says it).
      ctx.strokeStyle = '#1c7ed6';
      ctx.setLineDash([3, 2]);
      ctx.beginPath();
      for (let j = 1; j < procs.length; j++) {
        const t = procs[j].t;
        if (t < v0 || t > v1) continue;
        const x = Math.round(xOf(t)) + 0.5;
        ctx.moveTo(x, pTop - 6);
        ctx.lineTo(x, pHeight);
      }
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = '10px system-ui, sans-serif';
      let labelEnd = -Infinity;
      for (let j = 1; j < procs.length; j++) {
        const t = procs[j].t;
        if (t < v0 || t > v1) continue;
        const x = Math.round(xOf(t)) + 0.5;
        if (x + 2 < labelEnd) continue;
        const text = `GOMAXPROCS ${procs[j - 1].v}→${procs[j].v}`;
        const w = ctx.measureText(text).width + 6;
        labelEnd = x + 2 + w;
        ctx.fillStyle = 'rgba(255, 255, 255, 0.9)';
        ctx.fillRect(x + 2, pTop - 8, w, 11);
        ctx.fillStyle = '#1c7ed6';
        ctx.fillText(text, x + 5, pTop - 2.5);
      }
      ctx.font = '11px system-ui, sans-serif';
    }
    // STW pauses over the P lanes.
    ctx.fillStyle = 'rgba(224, 49, 49, 0.18)';
    drawPairs(ctx, trace.stw, v0, v1, xOf, pTop, pHeight - pTop, LABEL_W, width);
    drawSelection(ctx, pHeight, true);
  }, [trace, width, pHeight, pTop, v0, v1, xOf, heapMax, end, selected, procs, drawSelection]);

  // User annotations: tasks in nesting lanes, logs as markers.
  useEffect(() => {
    const c = uRef.current;
    if (!c || !hasUser) return;
    const ctx = setupCanvas(c, width, uHeight);
    if (!ctx) return;
    ctx.font = '10px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#555';
    if (taskLanes > 0) ctx.fillText(`tasks (${trace.taskStart.length})`, 6, 2 + TASK_H / 2);
    if (trace.logT.length > 0) ctx.fillText(`logs (${trace.logT.length})`, 6, logY + LOG_H / 2);
    for (let l = 0; l < taskLanes; l++) {
      ctx.fillStyle = l % 2 ? '#fafbfc' : '#f4f6f8';
      ctx.fillRect(LABEL_W, 2 + l * TASK_H, width - LABEL_W, TASK_H);
    }
    for (let i = 0; i < trace.taskStart.length; i++) {
      const s = trace.taskStart[i];
      const e = trace.taskEnd[i];
      if (e < v0 || s > v1) continue;
      const xa = Math.max(LABEL_W, xOf(s));
      const xb = Math.min(width, xOf(e));
      const y = 2 + trace.taskLane[i] * TASK_H;
      const name = trace.userStrings[trace.taskName[i]];
      ctx.fillStyle = taskColors[trace.taskName[i]];
      ctx.fillRect(xa, y + 1, Math.max(1, xb - xa - 1), TASK_H - 2);
      if (xb - xa > 24) {
        ctx.fillStyle = '#111';
        labelHead(ctx, name, xa + 3, y + TASK_H / 2, xb - xa - 6);
      }
    }
    if (trace.logT.length > 0) {
      ctx.fillStyle = '#343a40';
      let lastPx = -1;
      const lo = firstEndingAfter(trace.logT, 0, trace.logT.length, v0 - 1);
      for (let k = lo; k < trace.logT.length && trace.logT[k] <= v1; k++) {
        const x = Math.round(xOf(trace.logT[k]));
        if (x === lastPx || x < LABEL_W) continue;
        lastPx = x;
        ctx.beginPath();
        ctx.moveTo(x - 3.5, logY + 2);
        ctx.lineTo(x + 3.5, logY + 2);
        ctx.lineTo(x, logY + LOG_H - 2);
        ctx.closePath();
        ctx.fill();
      }
    }
    drawSelection(ctx, uHeight, false);
  }, [trace, width, uHeight, hasUser, taskLanes, logY, v0, v1, xOf, drawSelection, taskColors]);

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
    const spanY = hasRegions ? SPAN_Y : 2;
    const spanH = hasRegions ? SPAN_H : ROW_H - 4;
    for (let r = first; r < last; r++) {
      const i = rows[r];
      const y = r * ROW_H - scrollTop;
      if (i < 0) {
        const group = groups[~i];
        ctx.fillStyle = '#e7ebf0';
        ctx.fillRect(0, y, width, ROW_H);
        ctx.fillStyle = '#222';
        label(ctx, `${collapsed.has(~i) ? '▸' : '▾'} ${group.name || '(unknown)'} ×${group.count}`, 4, y + ROW_H / 2, width - 8);
        continue;
      }
      const match = highlight !== null && highlight.rows[i] !== 0;
      ctx.fillStyle = i === selected ? '#dbe8ff' : match ? MATCH_BG : '#fff';
      ctx.fillRect(0, y, width, ROW_H);
      ctx.fillStyle = match ? '#8a6d00' : '#333';
      label(ctx, `${match ? '● ' : '  '}G${trace.gIds[i]}`, 4, y + ROW_H / 2, LABEL_W - 8);
      drawSpans(ctx, gRow, trace.gOffsets[i], trace.gOffsets[i + 1], v0, v1, y + spanY, spanH, (k) => STATE_COLORS[spanStateOf(trace.spanKind[k])], LABEL_W, width);
      // GC mark assists: a band over the top of the spans.
      const a0 = trace.assistOffsets[i];
      const a1 = trace.assistOffsets[i + 1];
      if (a1 > a0) {
        ctx.fillStyle = ASSIST_COLOR;
        drawIntervals(ctx, trace.assistStart, trace.assistEnd, a0, a1, v0, v1, xOf, y + spanY, 3, LABEL_W, width);
      }
      // User regions: nested ones drawn over their parents, darker.
      const r0 = trace.regionOffsets[i];
      const r1 = trace.regionOffsets[i + 1];
      for (let k = r0; k < r1; k++) {
        if (trace.regionEnd[k] < v0 || trace.regionStart[k] > v1) continue;
        const xa = Math.max(LABEL_W, xOf(trace.regionStart[k]));
        const xb = Math.min(width, xOf(trace.regionEnd[k]));
        ctx.fillStyle = nameColor(trace.userStrings[trace.regionName[k]], Math.max(30, 58 - 10 * trace.regionDepth[k]));
        ctx.fillRect(xa, y + REGION_Y, Math.max(1, xb - xa), REGION_H);
      }
    }
    // STW overlay.
    ctx.fillStyle = 'rgba(224, 49, 49, 0.18)';
    drawPairs(ctx, trace.stw, v0, v1, xOf, 0, gHeight, LABEL_W, width);
    drawSelection(ctx, gHeight, false);
    ctx.strokeStyle = '#c5ccd4';
    ctx.beginPath();
    ctx.moveTo(LABEL_W - 0.5, 0);
    ctx.lineTo(LABEL_W - 0.5, gHeight);
    ctx.stroke();
  }, [trace, width, gHeight, rows, groups, collapsed, scrollTop, v0, v1, xOf, selected, highlight, hasRegions, drawSelection]);

  // Wheel: zoom around the pointer (processor and user tracks always; goroutine rows with
  // Ctrl / Alt, else the wheel scrolls the rows); horizontal wheel pans.
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

  const rowAt = (canvas: Canvas, y: number): { kind: 'p'; index: number } | TimelineRow | null => {
    if (canvas === 'g') {
      return timelineRowAt(rows, groups, collapsed, Math.floor((y + scrollTop) / ROW_H));
    }
    if (canvas !== 'p') return null;
    const py = y - pTop;
    if (py < 0) return null;
    const i = Math.floor(py / P_H);
    return i < trace.pIds.length ? { kind: 'p', index: i } : null;
  };

  const taskText = (i: number): string => {
    const name = trace.userStrings[trace.taskName[i]];
    const f = trace.taskFlags[i];
    const parent = trace.taskParent[i] >= 0 ? `\nparent: ${trace.userStrings[trace.taskName[trace.taskParent[i]]]} (task ${trace.taskIds[trace.taskParent[i]]})` : '';
    return `task ${name} (id ${trace.taskIds[i]})\n${fmtNs(trace.taskEnd[i] - trace.taskStart[i])}${f & OPEN_START ? ' (began before the trace)' : ` from ${fmtNs(trace.taskStart[i])}`}${f & OPEN_END ? ', still open at the end' : ''}${parent}`;
  };

  const logText = (k: number): string => {
    const task = trace.logTask[k] >= 0 ? `, task ${trace.userStrings[trace.taskName[trace.logTask[k]]]} (${trace.taskIds[trace.logTask[k]]})` : '';
    const g = trace.logG[k] >= 0 ? `G${trace.gIds[trace.logG[k]]}` : 'no goroutine';
    const cat = trace.userStrings[trace.logCategory[k]];
    return `log${cat ? ` [${cat}]` : ''} ${trace.userStrings[trace.logMessage[k]]}\n  at ${fmtNs(trace.logT[k])}, ${g}${task}`;
  };

  const describe = (canvas: Canvas, x: number, y: number): string | null => {
    const t = tOf(x);
    const tol = (3 * (v1 - v0)) / (width - LABEL_W);
    if (canvas === 'u') {
      if (x < LABEL_W) return y < logY ? `${trace.taskStart.length} user tasks (trace.NewTask), nested lanes` : `${trace.logT.length} user logs (trace.Log)`;
      if (y < logY) {
        const lane = Math.floor((y - 2) / TASK_H);
        let best = -1;
        for (let i = 0; i < trace.taskStart.length; i++) {
          if (trace.taskLane[i] !== lane || trace.taskStart[i] - tol > t || trace.taskEnd[i] + tol < t) continue;
          if (best < 0 || trace.taskStart[i] > trace.taskStart[best]) best = i;
        }
        return best < 0 ? null : taskText(best);
      }
      const lo = firstEndingAfter(trace.logT, 0, trace.logT.length, t - tol - 1);
      const near: number[] = [];
      for (let k = lo; k < trace.logT.length && trace.logT[k] <= t + tol; k++) near.push(k);
      if (near.length === 0) return null;
      const shown = near.slice(0, 6).map(logText);
      if (near.length > 6) shown.push(`… ${near.length - 6} more logs here (zoom in)`);
      return shown.join('\n');
    }
    if (x < LABEL_W) {
      const row = rowAt(canvas, y);
      if (row?.kind === 'g') return `G${trace.gIds[row.index]} ${trace.gNames[row.index] || '(unknown start function)'}${highlight && highlight.rows[row.index] ? `\ncontains ${settings.selectedFunction} (${highlight.rows[row.index] & 1 ? 'CPU samples' : ''}${highlight.rows[row.index] === 3 ? ' and ' : ''}${highlight.rows[row.index] & 2 ? 'event stacks' : ''})` : ''}`;
      if (row?.kind === 'group') return `${row.name || '(unknown)'}: ${row.count} goroutine${row.count === 1 ? '' : 's'} (click to ${row.collapsed ? 'expand' : 'collapse'})`;
      if (row?.kind === 'p' && procs.length > 0) return `Proc ${trace.pIds[row.index]}\nGOMAXPROCS: ${procs.map((p) => `${p.v} from ${fmtNs(p.t)}`).join(', ')}`;
      return null;
    }
    if (canvas === 'p' && y < AXIS_H) return `${fmtNs(t)} — drag to select a time range`;
    if (canvas === 'p' && y < AXIS_H + GC_H + 2) {
      for (let i = 0; i + 1 < trace.stw.length; i += 2) if (trace.stw[i] - tol <= t && t <= trace.stw[i + 1] + tol) return `stop-the-world (${trace.stwKinds[i / 2]})\n${fmtNs(trace.stw[i + 1] - trace.stw[i])} at ${fmtNs(trace.stw[i])}`;
      for (let i = 0; i + 1 < trace.gc.length; i += 2) if (trace.gc[i] - tol <= t && t <= trace.gc[i + 1] + tol) return `GC concurrent mark phase\n${fmtNs(trace.gc[i + 1] - trace.gc[i])} at ${fmtNs(trace.gc[i])}`;
      return null;
    }
    if (canvas === 'p' && y < pTop) {
      const k = firstEndingAfter(trace.heapT, 0, trace.heapT.length, t) - 1;
      const g = firstEndingAfter(trace.goalT, 0, trace.goalT.length, t) - 1;
      for (let j = 1; j < procs.length; j++) if (Math.abs(procs[j].t - t) <= tol) return `GOMAXPROCS ${procs[j - 1].v} → ${procs[j].v} at ${fmtNs(procs[j].t)}`;
      if (k < 0) return null;
      return `at ${fmtNs(t)}\nheap: ${fmtBytes(trace.heapV[k])}${g >= 0 ? `\nheap goal: ${fmtBytes(trace.goalV[g])}` : ''}`;
    }
    const row = rowAt(canvas, y);
    if (!row) return null;
    if (row.kind === 'p') {
      for (let j = 1; j < procs.length; j++) if (Math.abs(procs[j].t - t) <= tol) return `GOMAXPROCS ${procs[j - 1].v} → ${procs[j].v} at ${fmtNs(procs[j].t)}`;
      const k = spanAt(pRow, trace.pOffsets[row.index], trace.pOffsets[row.index + 1], t, tol);
      if (k < 0) {
        const limit = gomaxprocsAt(procs, t);
        return Number(trace.pIds[row.index]) >= limit ? `Proc ${trace.pIds[row.index]}: not in use at ${fmtNs(t)} (GOMAXPROCS ${limit})` : `Proc ${trace.pIds[row.index]}: idle at ${fmtNs(t)}`;
      }
      const gi = spanGoroutine(trace, trace.pSpan[k]);
      return `Proc ${trace.pIds[row.index]} ran G${trace.gIds[gi]} ${trace.gNames[gi]}\n${fmtNs(spanDur(trace.spanTimes, trace.pSpan[k]))} from ${fmtNs(pRow.start(k))}`;
    }
    if (row.kind !== 'g') return null;
    const i = row.index;
    const lo = trace.gOffsets[i];
    const k = spanAt(gRow, lo, trace.gOffsets[i + 1], t, tol);
    if (k < 0) return `G${trace.gIds[i]}: not in the trace at ${fmtNs(t)}`;
    const st = spanStateOf(trace.spanKind[k]);
    const r = spanReasonOf(trace.spanKind[k]);
    const reason = st === ST_WAITING && r > 0 ? ` (${trace.reasons[r]})` : '';
    const lines = [`G${trace.gIds[i]} ${trace.gNames[i]}`, `${STATE_NAMES[st]}${reason}`, `${fmtNs(spanDur(trace.spanTimes, k))} from ${fmtNs(gRow.start(k))}`];
    const assists = intervalsAt(trace.assistStart, trace.assistEnd, trace.assistOffsets[i], trace.assistOffsets[i + 1], t, tol);
    for (const a of assists) lines.push(`GC mark assist ${fmtNs(trace.assistEnd[a] - trace.assistStart[a])} from ${fmtNs(trace.assistStart[a])}`);
    const regions = intervalsAt(trace.regionStart, trace.regionEnd, trace.regionOffsets[i], trace.regionOffsets[i + 1], t);
    if (regions.length > 0) {
      lines.push(
        `regions: ${regions
          .map((r) => {
            const task = trace.regionTask[r] >= 0 ? ` [task ${trace.userStrings[trace.taskName[trace.regionTask[r]]]}]` : '';
            const open = trace.regionFlags[r] & OPEN_START ? ', began before the trace' : '';
            return `${trace.userStrings[trace.regionName[r]]} ${fmtNs(trace.regionEnd[r] - trace.regionStart[r])}${open}${task}`;
          })
          .join(' › ')}`,
      );
    }
    const stack = stackLines(trace, spanStackOf(trace, k));
    const began = spanBeginning(trace.spanKind, lo, k);
    if (stack.length > 0) lines.push(`${began}:`, ...stack.map((s) => `  ${s}`));
    else lines.push(`${began} (no stack recorded)`);
    // A running span's end is where the goroutine stopped: the next span's stack.
    if (st === ST_RUNNING && k + 1 < trace.gOffsets[i + 1]) {
      const next = stackLines(trace, spanStackOf(trace, k + 1), 6);
      if (next.length > 0) lines.push(`stopped running — ${spanBeginning(trace.spanKind, lo, k + 1)}:`, ...next.map((s) => `  ${s}`));
    }
    return lines.join('\n');
  };

  const localXY = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const onDown = (canvas: Canvas) => (e: ReactPointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    const { x, y } = localXY(e);
    e.currentTarget.setPointerCapture(e.pointerId);
    wrapRef.current?.focus({ preventScroll: true });
    if (x >= LABEL_W && (e.shiftKey || (canvas === 'p' && y < AXIS_H))) {
      const t = tOf(x);
      setDrag({ mode: 'select', x0: x, t0: t, t1: t });
    } else setDrag({ mode: 'pan', x0: x, v: [v0, v1], moved: false });
  };

  const onMove = (canvas: Canvas) => (e: ReactPointerEvent<HTMLCanvasElement>) => {
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

  const onUp = (canvas: Canvas) => (e: ReactPointerEvent<HTMLCanvasElement>) => {
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
      const k = spanAt(pRow, trace.pOffsets[row.index], trace.pOffsets[row.index + 1], tOf(x), tol);
      if (k >= 0) actions.selectGoroutine(trace.gIds[spanGoroutine(trace, trace.pSpan[k])]);
    }
  };

  const onKey = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const next = keyedView(e.key, v0, v1, end);
    if (!next) return;
    setView(next[0], next[1]);
    e.preventDefault();
  };

  const handlers = (canvas: Canvas) => ({
    onPointerDown: onDown(canvas),
    onPointerMove: onMove(canvas),
    onPointerUp: onUp(canvas),
    onPointerCancel: () => setDrag(null),
  });

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
        <span data-testid="trace-visible" data-v0={v0} data-v1={v1}>
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
      <div data-testid="proc-timeline" data-rows={trace.pIds.length} data-gomaxprocs-changes={Math.max(0, procs.length - 1)} className="proc-timeline">
        <canvas ref={pRef} {...handlers('p')} />
      </div>
      {hasUser && (
        <div data-testid="user-timeline" data-tasks={trace.taskStart.length} data-regions={trace.regionStart.length} data-logs={trace.logT.length} className="user-timeline">
          <canvas ref={uRef} {...handlers('u')} />
        </div>
      )}
      <div
        data-testid="goroutine-timeline"
        data-rows={trace.gIds.length}
        data-visible-rows={rows.length}
        data-spans={trace.spanKind.length}
        data-regions={trace.regionStart.length}
        data-assists={trace.assistStart.length}
        className="goroutine-timeline"
        ref={gScrollRef}
        style={{ height: gHeight }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div style={{ height: gTotal, position: 'relative' }}>
          <canvas ref={gRef} style={{ position: 'sticky', top: 0, display: 'block' }} {...handlers('g')} />
        </div>
      </div>
      {hover && !drag && (
        <div className="trace-tooltip" data-testid="trace-tooltip" role="tooltip" style={{ left: Math.max(0, Math.min(hover.x + 14, width - 480)), top: hover.y + 14 }}>
          {hover.text}
        </div>
      )}
    </div>
  );
}

function Legend({ trace }: { trace: TraceViewData }) {
  return (
    <div className="trace-legend" data-testid="trace-legend">
      {[ST_RUNNING, ST_RUNNABLE, ST_WAITING, ST_SYSCALL, ST_SYSCALL_BLOCKED].map((s) => (
        <span key={s} className="legend-item">
          <span className="swatch" style={{ background: STATE_COLORS[s] }} />
          {STATE_LABELS[s]}
        </span>
      ))}
      <span className="legend-item">
        <span className="swatch" style={{ background: GC_COLOR }} />
        GC mark
      </span>
      {trace.assistStart.length > 0 && (
        <span className="legend-item">
          <span className="swatch" style={{ background: ASSIST_COLOR }} />
          mark assist
        </span>
      )}
      <span className="legend-item">
        <span className="swatch" style={{ background: STW_COLOR }} />
        stop-the-world
      </span>
      <span className="legend-item">
        <span className="swatch" style={{ background: 'rgba(51, 102, 204, 0.35)' }} />
        heap / <span className="swatch dashed" /> goal
      </span>
      {trace.regionStart.length > 0 && (
        <span className="legend-item">
          <span className="swatch" style={{ background: nameColor('region'), height: 4 }} />
          user regions (row bottom)
        </span>
      )}
    </div>
  );
}

export function TraceView({ source, trace, result, settings, unit, keyMatch }: Props) {
  const range = settings.timeRange;
  // The range's table from the spans: same numbers as Go's summarizer over the window
  // (tests/unit/trace-window-spans.test.ts), computed in a pass over the spans.
  const windowTable = useMemo(() => (range ? spanWindowTable(trace, range[0], range[1]) : null), [trace, range]);
  // The whole trace's table arrives as columns (transferable) and is shown as it is.
  const table = windowTable ?? trace.table;
  const total = source.summary.counts.samples;
  const fn = settings.selectedFunction;
  const highlight = useMemo(() => (fn !== null ? functionHighlight(trace, fn) : null), [trace, fn]);
  return (
    <div className="trace-view" data-testid="trace-view">
      <div className="trace-bar">
        <Legend trace={trace} />
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
        {fn !== null && (
          <span className="trace-fn" data-testid="fn-highlight" data-count={highlight?.count ?? 0} data-samples={highlight?.bySamples ?? 0} data-stacks={highlight?.byStacks ?? 0}>
            <span className="mono">{fn}</span>:{' '}
            {highlight
              ? `${highlight.count} goroutine${highlight.count === 1 ? '' : 's'} (${highlight.bySamples} by CPU samples, ${highlight.byStacks} by event stacks)`
              : 'in no goroutine stack or sample'}{' '}
            <button type="button" className="link-button" onClick={() => actions.selectFunction(null)}>
              clear
            </button>
          </span>
        )}
      </div>
      <Timelines trace={trace} settings={settings} highlight={highlight} />
      <GoroutineTable table={table} trace={trace} selected={settings.goroutine} windowed={windowTable !== null} matches={highlight?.rows ?? null} fn={fn} />
      <div className="trace-flame-title">
        <strong>CPU samples</strong>{' '}
        <span className="muted" data-testid="trace-samples" data-kept={result.keptSamples} data-total={total}>
          {result.keptSamples} of {total}
          {range ? ' in the range' : ''}
          {settings.goroutine !== null ? ` of G${settings.goroutine}` : ''}
        </span>{' '}
        <span className="muted">— Alt+click a frame to highlight the goroutines that run it</span>
      </div>
      <div className="trace-flame">
        <FlameView source={source} result={result} settings={settings} unit={unit} keyMatch={keyMatch} />
      </div>
    </div>
  );
}
