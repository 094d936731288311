// The goroutine analysis table of the trace view, per goroutine or per start function.
// Per-goroutine mode is a windowed list: only the rows in view (plus a margin) are in the
// DOM, between two spacer rows, so 10k+ goroutines scroll like 10.

import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { GoroutineRow } from '../../analysis/trace/view';
import { actions } from '../../state/store';
import { fmtNs, groupStats } from '../traceModel';

type SortKey = 'id' | 'name' | 'execNs' | 'schedWaitNs' | 'blockNs' | 'syscallNs' | 'totalNs' | 'match';

/** Height of one body row in px (fixed: the window is computed from it). */
export const TABLE_ROW_H = 21;
const VIEW_H = 260;
const OVERSCAN = 12;

/** The rows [first, last) to render for a scroll offset (pure, unit-tested). */
export function tableWindow(count: number, scrollTop: number, viewH: number, rowH = TABLE_ROW_H, overscan = OVERSCAN): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / rowH) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewH) / rowH) + overscan);
  return [first, Math.max(first, last)];
}

interface Props {
  rows: GoroutineRow[];
  selected: string | null;
  windowed: boolean;
  /** Goroutine id -> 1 (CPU samples) | 2 (event stacks) | 3 for the selected function, or null. */
  matches: Map<string, number> | null;
  fn: string | null;
}

export function GoroutineTable({ rows, selected, windowed, matches, fn }: Props) {
  const [mode, setMode] = useState<'goroutines' | 'groups'>('goroutines');
  const [sort, setSort] = useState<SortKey>('execNs');
  const [scrollTop, setScrollTop] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const sorted = useMemo(() => {
    const a = rows.slice();
    if (sort === 'id') a.sort((x, y) => x.id.length - y.id.length || (x.id < y.id ? -1 : 1));
    else if (sort === 'name') a.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    else if (sort === 'match') a.sort((x, y) => (matches?.get(y.id) ?? 0) - (matches?.get(x.id) ?? 0) || y.execNs - x.execNs);
    else a.sort((x, y) => y[sort] - x[sort]);
    return a;
  }, [rows, sort, matches]);
  const groups = useMemo(() => (mode === 'groups' ? groupStats(rows) : []), [rows, mode]);
  // A new row set starts at the top.
  useLayoutEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    setScrollTop(0);
  }, [rows, sort, mode]);
  const [first, last] = tableWindow(sorted.length, scrollTop, VIEW_H);
  const matchCount = matches ? rows.reduce((n, r) => n + (matches.get(r.id) ? 1 : 0), 0) : 0;
  const th = (k: SortKey, text: string, num = true, title?: string) => (
    <th className={num ? 'num' : undefined} aria-sort={sort === k ? (k === 'id' || k === 'name' ? 'ascending' : 'descending') : 'none'} title={title}>
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
        {matches && fn !== null && (
          <span className="fn-match-count" data-testid="table-fn-matches" data-count={matchCount}>
            {matchCount} with <span className="mono">{fn}</span>
          </span>
        )}
        <label className="field check">
          <input type="checkbox" data-testid="group-by-start" checked={mode === 'groups'} onChange={(e) => setMode(e.target.checked ? 'groups' : 'goroutines')} />
          group by start function
        </label>
      </div>
      <div className="goroutine-table-scroll" ref={scrollRef} style={{ height: mode === 'goroutines' ? Math.min(VIEW_H, (sorted.length + 1) * TABLE_ROW_H + 4) : undefined }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        {mode === 'goroutines' ? (
          <table data-testid="goroutine-table" data-mode="goroutines" data-count={sorted.length} className="data-table windowed">
            <thead>
              <tr>
                {th('id', 'G')}
                {th('name', 'start function', false)}
                {th('execNs', 'execution')}
                {th('schedWaitNs', 'sched wait')}
                {th('blockNs', 'blocked')}
                {th('syscallNs', 'syscall')}
                {th('totalNs', 'total')}
                {matches && th('match', 'fn', false, 'Contains the selected function: S = in its CPU samples, E = in its event stacks (sort: matches first)')}
              </tr>
            </thead>
            <tbody>
              {first > 0 && <tr aria-hidden="true" className="spacer" style={{ height: first * TABLE_ROW_H }} />}
              {sorted.slice(first, last).map((r) => {
                const m = matches?.get(r.id) ?? 0;
                const cls = [r.id === selected ? 'selected' : '', m ? 'fn-match' : ''].filter(Boolean).join(' ');
                return (
                  <tr
                    key={r.id}
                    data-goid={r.id}
                    data-exec-ns={r.execNs}
                    data-sched-wait-ns={r.schedWaitNs}
                    data-fn-match={m || undefined}
                    className={cls || undefined}
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
                    {matches && <td className="fn-cell">{m ? `${m & 1 ? 'S' : ''}${m & 2 ? 'E' : ''}` : ''}</td>}
                  </tr>
                );
              })}
              {last < sorted.length && <tr aria-hidden="true" className="spacer" style={{ height: (sorted.length - last) * TABLE_ROW_H }} />}
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
      </div>
    </div>
  );
}
