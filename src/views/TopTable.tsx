// The `go tool pprof -top` table: flat, flat%, sum%, cum, cum%, name — same numbers,
// same formatting (one unit per table). Sortable, filterable, virtualised (the first
// 50 rows are always in the DOM), linked to the selected function.

import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { AnalysisResult, SourceSummary } from '../worker/protocol';
import { scaledLabel } from '../analysis/units';
import { isMapInternal } from '../analysis/maps/functions';
import { ExplainMapButton } from './maps/ExplainMapButton';
import { DEFAULT_SORT, formatRow, nextSort, runningSums, tableUnit, topOrder, visibleRange, type TopColumn, type TopSort } from './topModel';
import { fmtCount } from './format';

export const ROW_HEIGHT = 22;
const HEADER_HEIGHT = 26;

interface Props {
  result: AnalysisResult;
  summary: SourceSummary;
  unit: string;
  selected: string | null;
  onSelect: (name: string | null) => void;
  onOpen: (name: string) => void;
  /** Docked under the flame graph: a slimmer toolbar. */
  compact?: boolean;
}

const COLUMNS: { id: TopColumn; label: string; title: string }[] = [
  { id: 'flat', label: 'flat', title: 'Value of samples whose leaf frame is this function' },
  { id: 'flatPct', label: 'flat%', title: 'flat as a percentage of the total' },
  { id: 'sumPct', label: 'sum%', title: 'Running sum of flat% in the current order (click for the default order)' },
  { id: 'cum', label: 'cum', title: 'Value of samples with this function anywhere on the stack (recursion counted once)' },
  { id: 'cumPct', label: 'cum%', title: 'cum as a percentage of the total' },
  { id: 'name', label: 'name', title: 'Function' },
];

export function TopTable({ result, summary, unit, selected, onSelect, onOpen, compact }: Props) {
  const top = result.top;
  const names = summary.nodeNames;
  const [sort, setSort] = useState<TopSort>(DEFAULT_SORT);
  const [filter, setFilter] = useState('');
  const scrollRef = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 800 });

  const order = useMemo(() => topOrder(top, names, sort, filter), [top, names, sort, filter]);
  const sums = useMemo(() => runningSums(top, order), [top, order]);
  const outUnit = useMemo(() => tableUnit(top, unit), [top, unit]);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    let raf = 0;
    const update = () => {
      raf = 0;
      setViewport({ top: el.scrollTop, height: el.clientHeight });
    };
    const onScroll = () => {
      if (!raf) raf = requestAnimationFrame(update);
    };
    update();
    el.addEventListener('scroll', onScroll, { passive: true });
    const ro = new ResizeObserver(onScroll);
    ro.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      ro.disconnect();
      if (raf) cancelAnimationFrame(raf);
    };
  }, []);

  // A selection made elsewhere (flame graph) scrolls its row into view.
  const selectedRow = useMemo(() => {
    if (selected === null) return -1;
    for (let j = 0; j < order.length; j++) if (names[top.keys[order[j]]] === selected) return j;
    return -1;
  }, [selected, order, names, top]);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || selectedRow < 0) return;
    const y = HEADER_HEIGHT + selectedRow * ROW_HEIGHT;
    if (y < el.scrollTop + HEADER_HEIGHT || y + ROW_HEIGHT > el.scrollTop + el.clientHeight) {
      el.scrollTop = Math.max(0, y - el.clientHeight / 2);
    }
  }, [selectedRow]);

  const range = visibleRange(order.length, Math.max(0, viewport.top - HEADER_HEIGHT), viewport.height, ROW_HEIGHT);

  const renderRow = (j: number) => {
    const i = order[j];
    const key = top.keys[i];
    const name = names[key] ?? '';
    const cells = formatRow(top, i, sums[j], unit, outUnit);
    const isSel = name === selected;
    return (
      <tr
        key={key}
        data-name={name}
        data-flat={String(top.flat[i])}
        data-cum={String(top.cum[i])}
        aria-selected={isSel}
        className={isSel ? 'selected' : undefined}
        onClick={() => onSelect(isSel ? null : name)}
        onDoubleClick={() => onOpen(name)}
      >
        <td className="num">{cells.flat}</td>
        <td className="num">{cells.flatPct}</td>
        <td className="num">{cells.sumPct}</td>
        <td className="num">{cells.cum}</td>
        <td className="num">{cells.cumPct}</td>
        <td className="name" title={summary.nodeFullNames?.[key] ?? name}>
          {name}
          {isMapInternal(name) && <ExplainMapButton name={name} label="explain" testId="top-explain-map" />}
        </td>
      </tr>
    );
  };

  const rows = [];
  for (let j = 0; j < range.headEnd; j++) rows.push(renderRow(j));
  if (range.start > range.headEnd) rows.push(<tr key="gap-a" className="spacer" aria-hidden="true" style={{ height: (range.start - range.headEnd) * ROW_HEIGHT }} />);
  for (let j = range.start; j < range.end; j++) rows.push(renderRow(j));
  if (order.length > range.end) rows.push(<tr key="gap-b" className="spacer" aria-hidden="true" style={{ height: (order.length - range.end) * ROW_HEIGHT }} />);

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Enter') return;
    e.preventDefault();
    if (e.key === 'Enter') {
      if (selected !== null) onOpen(selected);
      return;
    }
    if (order.length === 0) return;
    const j = selectedRow < 0 ? 0 : Math.max(0, Math.min(order.length - 1, selectedRow + (e.key === 'ArrowDown' ? 1 : -1)));
    onSelect(names[top.keys[order[j]]] ?? null);
  };

  return (
    <section className={compact ? 'top-view compact' : 'top-view'}>
      <div className="top-toolbar">
        <input
          type="search"
          className="top-filter"
          placeholder="Filter functions…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter functions"
          data-testid="top-filter"
        />
        <span className="top-stats">
          {order.length === top.keys.length ? fmtCount(top.keys.length, 'function') : `${order.length.toLocaleString()} of ${top.keys.length.toLocaleString()} functions`}
          {' · total '}
          {scaledLabel(top.total, unit)}
          {' · '}double-click or Enter opens the sandwich
        </span>
      </div>
      <div className="top-scroll" ref={scrollRef} tabIndex={0} onKeyDown={onKey}>
        <table className="top-table" data-testid="top-table" data-rows={order.length}>
          <colgroup>
            <col className="c-num" />
            <col className="c-pct" />
            <col className="c-pct" />
            <col className="c-num" />
            <col className="c-pct" />
            <col />
          </colgroup>
          <thead>
            <tr>
              {COLUMNS.map((c) => {
                const active = sort.column === c.id;
                return (
                  <th
                    key={c.id}
                    className={c.id === 'name' ? 'name' : 'num'}
                    aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                    title={c.title}
                  >
                    <button type="button" data-column={c.id} onClick={() => setSort((s) => nextSort(s, c.id))}>
                      {c.label}
                      {active && <span className="sort-arrow">{sort.dir === 'asc' ? ' ▲' : ' ▼'}</span>}
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>{rows}</tbody>
        </table>
        {order.length === 0 && <div className="top-empty">{filter ? 'No function matches the filter.' : 'No samples.'}</div>}
      </div>
    </section>
  );
}
