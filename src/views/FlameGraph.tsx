// Flame graph (or icicle) of one CallTree, rendered by d3-flame-graph from a PRUNED,
// re-rooted copy of the tree (flameData.ts): zooming re-roots and rebuilds instead of
// using the library's own zoom, so detail reappears as you zoom in, and the DOM never
// holds more than ~maxFrames g.frame elements. Frame names are hostile text: they only
// ever reach the DOM through textContent / setAttribute (library labels, our React
// tooltip and breadcrumb); the library's HTML tooltip is not used.

import { select } from 'd3';
import flamegraph, { type FlameFrame, type FlameTooltip } from 'd3-flame-graph';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { CallTree } from '../analysis/callTree';
import type { SourceSummary } from '../worker/protocol';
import {
  DEFAULT_MAX_FRAMES,
  ROOT_COLOR,
  SEARCH_DIM_COLOR,
  SEARCH_MATCH_COLOR,
  SELECTED_COLOR,
  buildFlameData,
  frameColor,
  namePath,
  resolveZoom,
  type FlameDatum,
} from './flameData';
import { fmtPct, fmtValue, kindLabel } from './format';
import { isMapInternal } from '../analysis/maps/functions';
import { ExplainMapButton } from './maps/ExplainMapButton';

export const CELL_HEIGHT = 18;
/** Above this many frames the (tiny) transition is skipped altogether. */
const TRANSITION_LIMIT = 600;

export interface FlameGraphProps {
  tree: CallTree;
  summary: SourceSummary;
  nameIndex: ReadonlyMap<string, number>;
  /** Unit of the sample type shown (e.g. "nanoseconds"). */
  unit: string;
  /** Denominator for "% of profile" (pprof's total). */
  profileTotal: number;
  zoomPath: string[];
  onZoom: (path: string[]) => void;
  selected: string | null;
  onSelect: (name: string | null) => void;
  /** Per function key: 1 = matches the search; null = no search active. */
  keyMatch: Uint8Array | null;
  /** Root at the top (icicle) instead of the bottom. */
  icicle: boolean;
  testId: string;
  breadcrumbTestId?: string;
  rootName?: string;
  maxFrames?: number;
  /** Fixed pixel height of the scroll area; default fills the parent. */
  height?: number;
  className?: string;
}

interface Hover {
  node: number;
  name: string;
  ancestor: boolean;
}

export function FlameGraph(props: FlameGraphProps) {
  const { tree, summary, nameIndex, zoomPath, icicle, keyMatch, selected, testId, maxFrames = DEFAULT_MAX_FRAMES } = props;
  const names = summary.nodeNames;
  const hostRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<HTMLDivElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<Hover | null>(null);
  const [renderMs, setRenderMs] = useState<number | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const mouse = useRef({ x: 0, y: 0 });

  const placeTip = () => {
    const tip = tipRef.current;
    if (!tip) return;
    const pad = 14;
    const { x: mx, y: my } = mouse.current;
    const w = tip.offsetWidth;
    const h = tip.offsetHeight;
    let x = mx + pad;
    let y = my + pad;
    if (x + w > window.innerWidth - 4) x = Math.max(4, mx - w - pad);
    if (y + h > window.innerHeight - 4) y = Math.max(4, my - h - pad);
    tip.style.transform = `translate(${x}px, ${y}px)`;
  };

  // Width of the scroll area (re-layout on resize).
  useLayoutEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let raf = 0;
    const measure = () => {
      raf = 0;
      const w = Math.floor(host.clientWidth);
      setWidth((old) => (Math.abs(old - w) >= 1 ? w : old));
    };
    measure();
    const ro = new ResizeObserver(() => {
      if (!raf) raf = requestAnimationFrame(measure);
    });
    ro.observe(host);
    return () => {
      ro.disconnect();
      if (raf) cancelAnimationFrame(raf);
    };
  }, []);

  const zoom = useMemo(() => resolveZoom(tree, nameIndex, zoomPath), [tree, nameIndex, zoomPath]);
  const data = useMemo(() => {
    if (width <= 0) return null;
    const t0 = performance.now();
    const d = buildFlameData(tree, names, zoom.chain, width, maxFrames, props.rootName);
    return { ...d, buildMs: performance.now() - t0 };
  }, [tree, names, zoom, width, maxFrames, props.rootName]);

  const fill = (d: FlameFrame<FlameDatum>): string => {
    const k = d.data.key;
    const sel = latest.current.selected;
    if (sel !== null && k >= 0 && d.data.name === sel) return SELECTED_COLOR;
    const km = latest.current.keyMatch;
    if (km) return k >= 0 && km[k] === 1 ? SEARCH_MATCH_COLOR : SEARCH_DIM_COLOR;
    if (k < 0) return ROOT_COLOR;
    return frameColor(d.data.name, latest.current.summary.nodeKinds[k] ?? 0);
  };

  const decorate = () => {
    const el = chartRef.current;
    if (!el) return;
    const sel = latest.current.selected;
    select(el)
      .selectAll<SVGGElement, FlameFrame<FlameDatum>>('g.frame')
      .classed('selected', (d) => sel !== null && d.data.key >= 0 && d.data.name === sel)
      .classed('match', (d) => latest.current.keyMatch !== null && d.data.key >= 0 && latest.current.keyMatch[d.data.key] === 1)
      .select('rect')
      .attr('fill', fill);
  };

  // Build the chart whenever the pruned data or the orientation changes.
  useLayoutEffect(() => {
    const el = chartRef.current;
    if (!el || !data) return;
    const t0 = performance.now();
    setHover(null);
    const root = select(el);
    root.selectAll('*').remove();
    const tip: FlameTooltip<FlameDatum> = Object.assign(() => {}, {
      show: (event: MouseEvent, d: FlameFrame<FlameDatum>) => {
        mouse.current = { x: event.clientX, y: event.clientY };
        setHover({ node: d.data.node, name: d.data.name, ancestor: d.data.fade === true });
      },
      hide: () => setHover(null),
    });
    const chart = flamegraph<FlameDatum>()
      .width(width)
      .cellHeight(CELL_HEIGHT)
      .minFrameSize(0)
      .transitionDuration(data.count > TRANSITION_LIMIT ? 0 : 100)
      .sort(false)
      .inverted(icicle)
      .selfValue(false)
      .getName((d) => d.data.name)
      .getValue((d) => d.value)
      .getChildren((d) => d.children)
      .getLibtype(() => '')
      .setColorMapper((d) => fill(d))
      // The default matcher builds a RegExp from raw input and throws; we search ourselves.
      .setSearchMatch(() => false)
      .setSearchHandler(() => {})
      .setDetailsHandler(() => {})
      .tooltip(tip);
    // Always a raw datum (never a hierarchy node) — see the doc's §3.7.
    (root as unknown as Parameters<typeof chart>[0]).datum(data.root).call(chart);
    const frames = root.selectAll<SVGGElement, FlameFrame<FlameDatum>>('g.frame');
    frames.each(function (d) {
      // Widths and labels arrive via (zero-length) transitions; set them now so the
      // first painted frame is complete. textContent only.
      const w = this.getAttribute('width');
      const rect = this.querySelector('rect');
      if (rect && w) rect.setAttribute('width', w);
      const label = this.querySelector('div');
      if (label) label.textContent = d.data.name;
    });
    // Clicks re-root through the store instead of the library's zoom.
    frames.on('click', (event: MouseEvent, d) => {
      const p = latest.current;
      if (event.altKey || event.shiftKey) {
        event.preventDefault();
        p.onSelect(d.data.key >= 0 ? p.summary.nodeNames[d.data.key] : null);
        return;
      }
      p.onZoom(namePath(p.tree, p.summary.nodeNames, d.data.node));
    });
    decorate();
    const host = hostRef.current;
    if (host && !icicle) host.scrollTop = host.scrollHeight;
    if (host && icicle) host.scrollTop = 0;
    setRenderMs(performance.now() - t0 + data.buildMs);
    performance.mark(`stacklens:flame-rendered:${testId}`);
    return () => {
      root.selectAll('*').remove();
    };
    // fill/decorate read props through `latest`; only data/orientation rebuild.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, icicle]);

  // Search / selection only recolour.
  useLayoutEffect(() => {
    decorate();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [keyMatch, selected]);

  // Place the tooltip as soon as it has content (a frame can appear under a still pointer).
  useLayoutEffect(() => {
    if (hover) placeTip();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hover]);

  // The tooltip follows the pointer without re-rendering React.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const move = (e: MouseEvent) => {
      mouse.current = { x: e.clientX, y: e.clientY };
      placeTip();
    };
    const leave = () => setHover(null);
    host.addEventListener('mousemove', move);
    host.addEventListener('mouseleave', leave);
    return () => {
      host.removeEventListener('mousemove', move);
      host.removeEventListener('mouseleave', leave);
    };
  }, []);

  const zoomNode = zoom.chain[zoom.chain.length - 1];
  const zoomTotal = tree.total[zoomNode];
  const empty = tree.length <= 1 || tree.total[0] === 0;

  return (
    <div className={`flame ${props.className ?? ''}`}>
      {props.breadcrumbTestId && (
        <div className="flame-bar">
          <nav className="breadcrumb" data-testid={props.breadcrumbTestId} aria-label="Zoom path">
            <button type="button" className="crumb crumb-all" onClick={() => props.onZoom([])} aria-current={zoom.chain.length === 1 ? 'page' : undefined} title="Show the whole graph (Esc)">
              all
            </button>
            {crumbIndices(zoom.chain.length - 1).map((i) =>
              i < 0 ? (
                <span key={`gap${i}`} className="crumb-wrap">
                  <span className="crumb-sep" aria-hidden="true">
                    ›
                  </span>
                  <span className="crumb-gap" title={`${-i} more frames`}>
                    …
                  </span>
                </span>
              ) : (
                <span key={`${i}`} className="crumb-wrap">
                  <span className="crumb-sep" aria-hidden="true">
                    ›
                  </span>
                  <button
                    type="button"
                    className="crumb"
                    title={names[tree.key[zoom.chain[i + 1]]] ?? ''}
                    data-name={names[tree.key[zoom.chain[i + 1]]] ?? ''}
                    aria-current={i === zoom.chain.length - 2 ? 'page' : undefined}
                    onClick={() => props.onZoom(zoomPath.slice(0, i + 1))}
                  >
                    {names[tree.key[zoom.chain[i + 1]]] ?? ''}
                  </button>
                </span>
              ),
            )}
            {!zoom.complete && <span className="crumb-note">(the rest of the zoom path is not in this tree)</span>}
          </nav>
          {selected !== null && isMapInternal(selected) && (
            <span className="flame-explain" data-testid="flame-explain" title={selected}>
              <span className="mono">{selected}</span>
              <ExplainMapButton name={selected} />
            </span>
          )}
          {data && (
            <span className="crumb-stats" data-testid="flame-stats">
              {zoom.chain.length > 1 && `${fmtValue(zoomTotal, props.unit)} · ${fmtPct(zoomTotal, props.profileTotal)} of total · `}
              {data.count.toLocaleString()} frames{data.pruned ? ' (narrower than 1 px hidden)' : ''}
            </span>
          )}
        </div>
      )}
      <div
        ref={hostRef}
        className="flame-host"
        style={props.height ? { height: props.height } : undefined}
        data-testid={testId}
        data-nodes={data ? data.count : 0}
        data-render-ms={renderMs !== null ? renderMs.toFixed(1) : undefined}
        data-build-ms={data ? data.buildMs.toFixed(1) : undefined}
        data-zoom-depth={zoom.chain.length - 1}
        data-icicle={icicle ? '1' : '0'}
      >
        {empty && <div className="flame-empty">No samples with a non-zero value for this sample type{summary.labels.length ? ' and tag focus' : ''}.</div>}
        <div ref={chartRef} className={icicle ? 'flame-chart' : 'flame-chart flame-chart-bottom'} />
      </div>
      <div ref={tipRef} className="flame-tip" role="tooltip" hidden={hover === null}>
        {hover && <TipBody hover={hover} {...props} zoomTotal={zoomTotal} />}
      </div>
    </div>
  );
}

function TipBody(props: FlameGraphProps & { hover: Hover; zoomTotal: number }) {
  const { hover, tree, summary, unit, profileTotal, zoomTotal } = props;
  const n = hover.node;
  const key = tree.key[n];
  const total = tree.total[n];
  const self = tree.self[n];
  const file = key >= 0 ? summary.nodeFiles[key] : '';
  // The name as recorded in the profile, where pprof's display name simplifies it.
  const full = key >= 0 ? summary.nodeFullNames?.[key] : undefined;
  const kind = key >= 0 ? kindLabel(summary.nodeKinds[key] ?? 0) : '';
  return (
    <>
      <div className="tip-name">{hover.name}</div>
      {full !== undefined && full !== hover.name && <div className="tip-full">{full}</div>}
      <table className="tip-table">
        <tbody>
          <tr>
            <th>Total</th>
            <td>{fmtValue(total, unit)}</td>
            <td>{fmtPct(total, zoomTotal)} of zoom</td>
            <td>{fmtPct(total, profileTotal)} of profile</td>
          </tr>
          <tr>
            <th>Self</th>
            <td>{fmtValue(self, unit)}</td>
            <td>{fmtPct(self, zoomTotal)} of zoom</td>
            <td>{fmtPct(self, profileTotal)} of profile</td>
          </tr>
        </tbody>
      </table>
      {file && <div className="tip-file">{file}</div>}
      {kind && <div className="tip-kind">{kind} frame</div>}
      {isMapInternal(hover.name) && <div className="tip-map">Runtime map internals: Alt+click to select, then “Explain in map view”</div>}
      <div className="tip-hint">{hover.ancestor ? 'Click to zoom out to here' : 'Click to zoom'} · Alt+click to select</div>
    </>
  );
}

/**
 * Which zoom-path entries get a crumb: all of a short path; for a long one the first
 * two and the last eight, with one negative entry (-hidden count) for the gap.
 */
export function crumbIndices(n: number, head = 2, tail = 8): number[] {
  if (n <= head + tail + 1) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < head; i++) out.push(i);
  out.push(-(n - head - tail));
  for (let i = n - tail; i < n; i++) out.push(i);
  return out;
}
