// Map view: a Go map snapshot (stacklens.mapsnap/v1) as a heatmap of buckets (classic)
// or groups (Swiss, tables laid out under the directory), its statistics with every
// figure marked exact or approximate, and the simulator (script in the URL, step slider).
// The heatmap is a canvas; labels are drawn with fillText and the tooltip is React text,
// so keys (hostile text) are never parsed as HTML.

import { useEffect, useMemo, useRef, useState, type MouseEvent as ReactMouseEvent } from 'react';
import { mapFunctionEntry, type MapCounter } from '../analysis/maps/functions';
import type { MapHotspots } from '../analysis/maps/hotspots';
import type { Figure, MapStats } from '../analysis/maps/stats';
import {
  CTRL_DELETED,
  CTRL_EMPTY,
  TOPHASH_EMPTY_ONE,
  TOPHASH_EMPTY_REST,
  TOPHASH_MIN,
  ctrlBytes,
  type ClassicBucket,
  type MapSlot,
  type MapSnapshot,
  type SwissGroup,
} from '../formats/mapsnap/schema';
import type { ViewSettings } from '../state/settings';
import { actions, sampleTypeIndex, useStore, type Source } from '../state/store';
import { MapExplainer, MapFunctionIndex } from './maps/MapExplainer';
import { MapHotspotsPanel } from './maps/MapHotspotsPanel';
import './maps/maps.css';

/** The example of docs/map-snapshot.md §6 (one snapshot per line). */
export const DEFAULT_SIM_SCRIPT = `layout classic      # or swiss (default)
seed 42             # stand-in hash seed (default 1)
make 1000           # make(map, hint) — before any insert
insert 1..1000      # int-like keys; k1..k10 = "k1".."k10"; lists: 1, 5, 9..12
delete 1..900
clear`;

// ---------------------------------------------------------------------------------
// Heatmap model (pure; unit-tested)

export interface HeatCell {
  /** Row (table / bucket array) this cell is drawn in. */
  row: number;
  kind: 'swiss' | 'classic';
  used: number;
  tombstones: number;
  empty: number;
  /** Classic: buckets in the chain (1 = no overflow). */
  chain: number;
  /** Classic old bucket: evacuated (true) / not yet (false); undefined otherwise. */
  evacuated?: boolean;
  label: string;
  keys: string[];
}

export interface HeatRow {
  label: string;
  cells: HeatCell[];
}

function slotKeys(slots: MapSlot[] | undefined): string[] {
  return (slots ?? []).map((s) => s.key ?? '').filter((k) => k !== '');
}

function swissCell(g: SwissGroup, row: number, label: string): HeatCell {
  let used = 0;
  let tomb = 0;
  let empty = 0;
  for (const b of ctrlBytes(g.ctrl)) {
    if (b === CTRL_EMPTY) empty++;
    else if (b === CTRL_DELETED) tomb++;
    else if (b < 0x80) used++;
  }
  return { row, kind: 'swiss', used, tombstones: tomb, empty, chain: 1, label, keys: slotKeys(g.slots) };
}

function classicCell(b: ClassicBucket, row: number, label: string, old: boolean): HeatCell {
  let used = 0;
  let emptyOne = 0;
  let empty = 0;
  const keys: string[] = [];
  for (const cb of b.chain) {
    for (const t of cb.tophash) {
      if (t >= TOPHASH_MIN) used++;
      else if (t === TOPHASH_EMPTY_ONE) emptyOne++;
      else if (t === TOPHASH_EMPTY_REST) empty++;
    }
    keys.push(...slotKeys(cb.slots));
  }
  const cell: HeatCell = { row, kind: 'classic', used, tombstones: emptyOne, empty, chain: Math.max(1, b.chain.length), label, keys };
  if (old) cell.evacuated = b.evacuated ?? (b.chain[0] ? b.chain[0].tophash[0]! >= 2 && b.chain[0].tophash[0]! <= 4 : false);
  return cell;
}

export function heatRows(s: MapSnapshot): HeatRow[] {
  const rows: HeatRow[] = [];
  if (s.layout === 'swiss' && s.swiss) {
    const w = s.swiss;
    if (w.dirLen === 0 || !w.tables || w.tables.length === 0) {
      if (w.small) rows.push({ label: 'small map: one group, no table', cells: [swissCell(w.small, 0, 'small group')] });
      return rows;
    }
    const tables = [...w.tables].sort((a, b) => a.index - b.index);
    for (const t of tables) {
      const slots = 2 ** Math.max(0, w.globalDepth - t.localDepth);
      const r = rows.length;
      rows.push({
        label: `table ${t.id} · local depth ${t.localDepth} · directory ${t.index}${slots > 1 ? `..${t.index + slots - 1}` : ''} · ${t.used}/${t.capacity} used`,
        cells: t.groups.map((g, i) => swissCell(g, r, `table ${t.id} · group ${i}`)),
      });
    }
    return rows;
  }
  if (s.classic) {
    const c = s.classic;
    rows.push({ label: `buckets: B=${c.B} (${c.buckets.length})`, cells: c.buckets.map((b, i) => classicCell(b, 0, `bucket ${i}`, false)) });
    if (c.oldBuckets && c.oldBuckets.length > 0) {
      rows.push({
        label: `old buckets (growing; ${c.nevacuate} evacuated in order so far)`,
        cells: c.oldBuckets.map((b, i) => classicCell(b, 1, `old bucket ${i}`, true)),
      });
    }
  }
  return rows;
}

export function cellTooltip(c: HeatCell): string {
  const parts = [c.label];
  if (c.kind === 'swiss') parts.push(`${c.used} used · ${c.tombstones} tombstones · ${c.empty} empty (of 8 slots)`);
  else {
    parts.push(`${c.used} full · ${c.tombstones} emptyOne · chain of ${c.chain} bucket${c.chain === 1 ? '' : 's'} (${c.chain - 1} overflow)`);
    if (c.evacuated !== undefined) parts.push(c.evacuated ? 'evacuated' : 'not yet evacuated');
  }
  if (c.keys.length > 0) parts.push(`keys: ${c.keys.slice(0, 16).join(', ')}${c.keys.length > 16 ? `, … (${c.keys.length})` : ''}`);
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------
// Heatmap canvas

const OCC = ['#eef1f5', '#dbe8f7', '#c2d8f0', '#a4c4e8', '#82addd', '#5f94d0', '#3f7bc1', '#2663ae', '#0f4c94'];
const TOMB = '#d6453d';
const OVERFLOW = '#e8900c';
const EVACUATED = '#b8bec7';
const LABEL_H = 16;

interface Placed {
  x: number;
  y: number;
  size: number;
  cell: HeatCell;
}

function layout(rows: HeatRow[], width: number) {
  const total = rows.reduce((a, r) => a + r.cells.length, 0);
  const size = total <= 600 ? 16 : total <= 3000 ? 10 : total <= 12000 ? 6 : 4;
  const gap = size >= 10 ? 2 : 1;
  const cols = Math.max(1, Math.floor((width - 4) / (size + gap)));
  const labels: { text: string; y: number }[] = [];
  const placed: Placed[] = [];
  let y = 0;
  for (const r of rows) {
    labels.push({ text: r.label, y: y + 12 });
    y += LABEL_H;
    r.cells.forEach((cell, i) => placed.push({ x: 2 + (i % cols) * (size + gap), y: y + Math.floor(i / cols) * (size + gap), size, cell }));
    y += Math.ceil(r.cells.length / cols) * (size + gap) + 6;
  }
  return { labels, placed, height: Math.max(y, 20) };
}

function drawCell(ctx: CanvasRenderingContext2D, p: Placed): void {
  const { x, y, size, cell } = p;
  if (cell.evacuated) {
    ctx.fillStyle = EVACUATED;
    ctx.fillRect(x, y, size, size);
    ctx.strokeStyle = '#ffffff';
    ctx.beginPath();
    ctx.moveTo(x, y + size);
    ctx.lineTo(x + size, y);
    ctx.stroke();
    return;
  }
  const cap = cell.kind === 'swiss' ? 8 : 8 * cell.chain;
  const level = Math.round((Math.min(cell.used, cap) / cap) * 8);
  ctx.fillStyle = OCC[level]!;
  ctx.fillRect(x, y, size, size);
  if (cell.kind === 'swiss' && cell.tombstones > 0) {
    const h = Math.max(1, Math.round((cell.tombstones / 8) * size));
    ctx.fillStyle = TOMB;
    ctx.fillRect(x, y + size - h, size, h);
  }
  if (cell.kind === 'classic' && cell.chain > 1) {
    const h = Math.max(1, Math.round((Math.min(cell.chain - 1, 4) / 4) * size * 0.5));
    ctx.fillStyle = OVERFLOW;
    ctx.fillRect(x, y, size, h);
  }
  if (cell.evacuated === false) {
    ctx.strokeStyle = OVERFLOW;
    ctx.strokeRect(x + 0.5, y + 0.5, size - 1, size - 1);
  }
}

export function Heatmap({ snapshot }: { snapshot: MapSnapshot }) {
  const rows = useMemo(() => heatRows(snapshot), [snapshot]);
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(600);
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  const lay = useMemo(() => layout(rows, width), [rows, width]);
  const cells = lay.placed.length;

  useEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(200, Math.floor(el.clientWidth))));
    ro.observe(el);
    setWidth(Math.max(200, Math.floor(el.clientWidth)));
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const c = canvasRef.current;
    if (!c) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(width * dpr);
    c.height = Math.round(lay.height * dpr);
    c.style.width = `${width}px`;
    c.style.height = `${lay.height}px`;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, lay.height);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = getComputedStyle(c).color || '#444';
    for (const l of lay.labels) ctx.fillText(l.text, 2, l.y);
    ctx.lineWidth = 1;
    for (const p of lay.placed) drawCell(ctx, p);
  }, [lay, width]);

  const onMove = (e: ReactMouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    const hit = lay.placed.find((p) => x >= p.x && x < p.x + p.size + 1 && y >= p.y && y < p.y + p.size + 1);
    setTip(hit ? { x: x + 14, y: y + 14, text: cellTooltip(hit.cell) } : null);
  };

  const swiss = snapshot.layout === 'swiss';
  return (
    <div className="heatmap-wrap">
      <div className="heatmap-legend" data-testid="map-legend">
        <span className="legend-item">
          <span className="swatch" style={{ background: OCC[0] }} /> empty
        </span>
        <span className="legend-item">
          <span className="swatch" style={{ background: OCC[4] }} /> half full
        </span>
        <span className="legend-item">
          <span className="swatch" style={{ background: OCC[8] }} /> full ({swiss ? '8 slots' : '8 per bucket in the chain'})
        </span>
        {swiss ? (
          <span className="legend-item">
            <span className="swatch swatch-bottom" style={{ borderBottomColor: TOMB }} /> tombstones (red, bottom; height = share of slots)
          </span>
        ) : (
          <>
            <span className="legend-item">
              <span className="swatch swatch-top" style={{ borderTopColor: OVERFLOW }} /> overflow chain (orange, top; taller = longer)
            </span>
            <span className="legend-item">
              <span className="swatch" style={{ background: EVACUATED }} /> evacuated old bucket
            </span>
            <span className="legend-item">
              <span className="swatch" style={{ outline: `1px solid ${OVERFLOW}` }} /> not yet evacuated
            </span>
          </>
        )}
        <span className="muted">
          · {cells.toLocaleString()} {swiss ? 'groups' : 'buckets'}
        </span>
      </div>
      <div className="heatmap" ref={wrapRef} data-testid="map-heatmap" data-cells={cells} data-layout={snapshot.layout}>
        <canvas ref={canvasRef} onMouseMove={onMove} onMouseLeave={() => setTip(null)} aria-label={`Heatmap of ${cells} ${swiss ? 'groups' : 'buckets'}`} role="img" />
        {tip && (
          <div className="heat-tip" data-testid="map-tooltip" style={{ left: tip.x, top: tip.y }}>
            {tip.text}
          </div>
        )}
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------
// Statistics

function fmtBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

function Exact({ f }: { f: { exact: boolean; note?: string } }) {
  return (
    <span className={f.exact ? 'badge badge-exact' : 'badge badge-approx'} title={f.note ?? (f.exact ? 'read from the snapshot structure' : 'estimated')}>
      {f.exact ? 'exact' : 'approx'}
    </span>
  );
}

interface RowProps {
  label: string;
  f: Figure;
  fmt?: (n: number) => string;
  extra?: string;
  /** The counter this row shows, highlighted while an explained function reads or changes it. */
  counter?: MapCounter;
  highlight?: ReadonlySet<MapCounter>;
}

function Row({ label, f, fmt, extra, counter, highlight }: RowProps) {
  const lit = counter !== undefined && highlight !== undefined && highlight.has(counter);
  return (
    <tr data-stat={label} data-counter={counter} data-highlight={lit ? 'true' : undefined} className={lit ? 'stat-highlight' : undefined}>
      <th scope="row">{label}</th>
      <td className="num">
        {fmt ? fmt(f.value) : f.value.toLocaleString()}
        {extra ? <span className="muted"> {extra}</span> : null}
      </td>
      <td>
        <Exact f={f} />
      </td>
    </tr>
  );
}

function HashBits({ bits }: { bits: NonNullable<MapStats['hashBits']> }) {
  const w = 4;
  const h = 40;
  return (
    <div className="hash-bits" data-testid="hash-bits">
      <div className="stat-title">
        Hash bits set (bit 0 … 63, {bits.samples.toLocaleString()} keys) <Exact f={{ exact: bits.exact, note: bits.note }} />
      </div>
      <svg width={64 * w} height={h + 2} role="img" aria-label="Fraction of keys with each hash bit set">
        <line x1={0} x2={64 * w} y1={h / 2 + 1} y2={h / 2 + 1} className="hash-mid" />
        {bits.setFraction.map((v, i) => (
          <rect key={i} x={i * w} y={h + 1 - v * h} width={w - 1} height={v * h} className="hash-bar">
            <title>{`bit ${i}: ${(v * 100).toFixed(1)}% set`}</title>
          </rect>
        ))}
      </svg>
      <div className="muted small">{bits.note}; a good hash sets each bit for about half the keys.</div>
    </div>
  );
}

export function MapStatsPanel({ stats, highlight }: { stats: MapStats; highlight?: ReadonlySet<MapCounter> }) {
  const m = stats.memory;
  const exactCount = { value: stats.count, exact: true };
  const hl = highlight;
  return (
    <div className="map-stats" data-testid="map-stats">
      <div className="stat-title">
        {stats.label ?? 'map'} · {stats.layout} · {stats.goVersion} · {stats.method}
      </div>
      <table className="stat-table">
        <tbody>
          <Row label="count (len)" counter="count" highlight={hl} f={exactCount} extra={stats.countMatches ? '' : `(${stats.countedEntries} full slots found)`} />
          {stats.swiss && (
            <>
              <Row label="tables" counter="tables" highlight={hl} f={{ value: stats.swiss.tables, exact: true }} extra={`(directory ${stats.swiss.dirLen}, global depth ${stats.swiss.globalDepth})`} />
              <Row label="capacity (slots)" counter="capacity" highlight={hl} f={stats.swiss.capacity} />
              <Row label="used" counter="used" highlight={hl} f={stats.swiss.used} />
              <Row label="tombstones" counter="tombstones" highlight={hl} f={stats.swiss.tombstones} />
              <Row label="load" counter="load" highlight={hl} f={stats.swiss.load} fmt={(v) => v.toFixed(3)} extra={`vs growth at ${stats.swiss.maxLoad.toFixed(3)}`} />
              <Row label="growth left" counter="growthLeft" highlight={hl} f={stats.swiss.growthLeft} />
            </>
          )}
          {stats.classic && (
            <>
              <Row label="buckets" counter="B" highlight={hl} f={{ value: stats.classic.buckets, exact: true }} extra={`(B=${stats.classic.B})`} />
              <Row label="load (entries/bucket)" counter="load" highlight={hl} f={stats.classic.load} fmt={(v) => v.toFixed(3)} extra="vs growth at 6.5" />
              <Row label="grows at count" counter="growThreshold" highlight={hl} f={{ value: stats.classic.growThreshold, exact: true }} />
              <Row label="inserts before grow" counter="growThreshold" highlight={hl} f={stats.classic.insertsBeforeGrow} />
              <Row label="overflow buckets" counter="overflow" highlight={hl} f={stats.classic.overflowBuckets} />
              <Row label="noverflow" counter="noverflow" highlight={hl} f={stats.classic.noverflow} extra={`vs same-size grow at ${stats.classic.sameSizeGrowThreshold}`} />
              <Row label="emptyOne cells" counter="emptyOne" highlight={hl} f={stats.classic.emptyOne} />
              {stats.classic.growing && (
                <>
                  <Row label="evacuated" counter="evacuation" highlight={hl} f={stats.classic.evacuated} extra={`of ${stats.classic.oldBuckets}${stats.classic.sameSizeGrow ? ' (same-size grow)' : ''}`} />
                  <Row label="not yet evacuated" counter="evacuation" highlight={hl} f={stats.classic.notYetEvacuated} />
                </>
              )}
            </>
          )}
          <Row label="bytes held" counter="memory" highlight={hl} f={m.bytesHeld} fmt={fmtBytes} />
          <Row label="bytes needed" counter="memory" highlight={hl} f={m.bytesNeeded} fmt={fmtBytes} extra="(fresh make)" />
          <Row label="held / needed" counter="memory" highlight={hl} f={m.ratio} fmt={(v) => `${v}×`} />
        </tbody>
      </table>
      <div className={m.neverShrinks ? 'map-diagnosis warn' : 'map-diagnosis'} data-testid="map-diagnosis" data-never-shrinks={m.neverShrinks}>
        {m.diagnosis}
        {m.remedy && (
          <div className="map-remedy" data-testid="map-remedy">
            <strong>Remedy:</strong> {m.remedy}
          </div>
        )}
      </div>
      {stats.hashBits && <HashBits bits={stats.hashBits} />}
      {stats.notes.length > 0 && (
        <ul className="map-notes muted small">
          {stats.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------
// Simulator

function SimulatePanel({ settings }: { settings: ViewSettings }) {
  const sim = useStore((s) => s.simulation);
  const busy = useStore((s) => s.simulating);
  const [text, setText] = useState(settings.sim ?? DEFAULT_SIM_SCRIPT);
  useEffect(() => {
    if (settings.sim !== null) setText(settings.sim);
  }, [settings.sim]);
  const current = sim && settings.sim !== null && sim.script === settings.sim ? sim : null;
  const n = current?.lines.length ?? 0;
  return (
    <div className="sim-panel" data-testid="sim-panel">
      <div className="stat-title">Simulate</div>
      <textarea data-testid="sim-script" value={text} spellCheck={false} rows={7} onChange={(e) => setText(e.target.value)} aria-label="Simulator script" />
      <div className="sim-controls">
        <button type="button" className="button button-small" data-testid="sim-run" onClick={() => actions.setSimulation(text)}>
          Run
        </button>
        {settings.sim !== null && (
          <button type="button" className="button button-small" onClick={() => actions.setSimulation(null)}>
            Stop
          </button>
        )}
        {busy && <span className="muted">simulating…</span>}
      </div>
      {current?.error && (
        <div className="sim-error" role="alert" data-testid="sim-error">
          {current.error}
        </div>
      )}
      {current && !current.error && n > 0 && (
        <div className="sim-step">
          <label className="field">
            <span className="field-label">
              Step {current.step} / {n}
            </span>
            <input type="range" data-testid="sim-step" min={1} max={n} value={current.step} onChange={(e) => actions.setSimStep(Number(e.target.value))} />
          </label>
          <div className="mono small" data-testid="sim-line">
            {current.lines[current.step - 1]}
          </div>
          {current.events.length > 0 && (
            <ul className="small" data-testid="sim-events">
              {current.events.map((ev, i) => (
                <li key={i}>{Object.entries(ev).map(([k, v]) => (k === 'kind' ? String(v) : `${k}=${String(v)}`)).join(' ')}</li>
              ))}
            </ul>
          )}
          {current.counters && (
            <div className="muted small">
              inserted {current.counters.inserted} · deleted {current.counters.deleted} · tombstones +{current.counters.tombstonesCreated} · overflow buckets +
              {current.counters.overflowBucketsAllocated}
            </div>
          )}
          <div className="muted small">{current.note}</div>
        </div>
      )}
    </div>
  );
}

// The worker computes a source's map hotspots when the Map view first asks (a pass over
// every stack node: too dear to pay on every load); asked once per source.
const hotspotsRequests = new WeakMap<Source, Promise<MapHotspots | null>>();

function useMapHotspots(source: Source | null): { hotspots: MapHotspots | null; pending: boolean } {
  const wanted = source !== null && !source.summary.map && !source.summary.dump;
  const [got, setGot] = useState<{ source: Source; hotspots: MapHotspots | null } | null>(null);
  useEffect(() => {
    if (!wanted || !source) return;
    let req = hotspotsRequests.get(source);
    if (!req) {
      req = source.worker.mapHotspots().catch(() => null);
      hotspotsRequests.set(source, req);
    }
    let live = true;
    void req.then((hotspots) => {
      if (live) setGot({ source, hotspots });
    });
    return () => {
      live = false;
    };
  }, [source, wanted]);
  if (!wanted) return { hotspots: null, pending: false };
  if (got && got.source === source) return { hotspots: got.hotspots && (got.hotspots.heap || got.hotspots.mapSamples > 0) ? got.hotspots : null, pending: false };
  return { hotspots: null, pending: true };
}

export function MapView({ source, settings }: { source: Source | null; settings: ViewSettings }) {
  const sim = useStore((s) => s.simulation);
  const info = source?.summary.map ?? null;
  const simShown = settings.sim !== null && sim && sim.script === settings.sim && sim.snapshot && sim.stats ? sim : null;
  const snapshot = simShown ? simShown.snapshot! : (info?.snapshot ?? null);
  const stats = simShown ? simShown.stats! : (info?.stats ?? null);
  const { hotspots, pending: hotspotsPending } = useMapHotspots(source);
  const dump = source?.summary.dump ?? null;
  const explained = settings.mapfn !== null ? mapFunctionEntry(settings.mapfn) : null;
  const highlight = useMemo(() => new Set<MapCounter>(explained?.counters.map((c) => c.id) ?? []), [explained]);
  const sampleType = source && hotspots ? sampleTypeIndex(source.summary, settings.sampleType) : 0;
  return (
    <div className="map-view" data-testid="map-view">
      <div className="map-left">
        {settings.mapfn !== null && (
          <MapExplainer name={settings.mapfn} snapshot={snapshot} stats={stats} simulating={simShown !== null} dump={dump} hotspots={hotspots} />
        )}
        {snapshot ? (
          <>
            <div className="map-source muted small">{simShown ? `simulation, step ${simShown.step}` : `snapshot ${source?.name ?? ''}`}</div>
            <Heatmap snapshot={snapshot} />
          </>
        ) : (
          settings.mapfn === null &&
          !hotspots &&
          !hotspotsPending && <div className="placeholder">Open a map snapshot (JSON, schema stacklens.mapsnap/v1), a heap profile (map growth hotspots) or run a simulation.</div>
        )}
        {hotspotsPending && <div className="muted small" data-testid="hotspots-pending">Looking for map frames in {source?.name}…</div>}
        {hotspots && source && <MapHotspotsPanel hotspots={hotspots} sampleType={sampleType} sourceName={source.name} />}
      </div>
      <div className="map-right">
        {stats && <MapStatsPanel stats={stats} highlight={highlight} />}
        <SimulatePanel settings={settings} />
        <MapFunctionIndex current={settings.mapfn} />
      </div>
    </div>
  );
}
