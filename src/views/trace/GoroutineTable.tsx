// The goroutine analysis table of the trace view, per goroutine or per start function.
// Per-goroutine mode is a windowed list: only the rows in view (plus a margin) are in the
// DOM, between two spacer rows, so 10k+ goroutines scroll like 10. The rows stay columns
// (typed arrays, ids and names read from the trace's gIds / gNames) and the sort order is a
// permutation of them: 231k row objects were ~30 MB of page heap for as long as a big
// trace was shown.

import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { GoroutineTableColumns, TraceViewData } from '../../analysis/trace/view';
import { actions } from '../../state/store';
import { fmtNs, groupStats, tableOrder, type TableSortKey } from '../traceModel';

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
  /** The rows: goroutine (display index into trace.gIds / gNames) and times per row. */
  table: GoroutineTableColumns;
  trace: Pick<TraceViewData, 'gIds' | 'gNames'>;
  selected: string | null;
  windowed: boolean;
  /** Per goroutine (display index): 1 (CPU samples) | 2 (event stacks) | 3 for the selected function, or null. */
  matches: Uint8Array | null;
  fn: string | null;
}

export function GoroutineTable({ table, trace, selected, windowed, matches, fn }: Props) {
  const [mode, setMode] = useState<'goroutines' | 'groups'>('goroutines');
  const [sort, setSort] = useState<TableSortKey>('execNs');
  const [scrollTop, setScrollTop] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const sortMatch = sort === 'match' ? matches : null;
  const order = useMemo(() => tableOrder(table, trace, sort, sortMatch), [table, trace, sort, sortMatch]);
  const groups = useMemo(() => (mode === 'groups' ? groupStats(table, trace.gNames) : []), [table, trace, mode]);
  // A new row set starts at the top.
  useLayoutEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    setScrollTop(0);
  }, [table, sort, mode]);
  const count = order.length;
  const [first, last] = tableWindow(count, scrollTop, VIEW_H);
  const matchCount = useMemo(() => {
    if (!matches) return 0;
    let n = 0;
    for (let k = 0; k < table.g.length; k++) if (matches[table.g[k]]) n++;
    return n;
  }, [table, matches]);
  const shown: number[] = [];
  for (let j = first; j < last; j++) shown.push(order[j]);
  const th = (k: TableSortKey, text: string, num = true, title?: string) => (
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
        <span className="muted">{count} goroutines</span>
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
      <div className="goroutine-table-scroll" ref={scrollRef} style={{ height: mode === 'goroutines' ? Math.min(VIEW_H, (count + 1) * TABLE_ROW_H + 4) : undefined }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        {mode === 'goroutines' ? (
          <table data-testid="goroutine-table" data-mode="goroutines" data-count={count} className="data-table windowed">
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
              {shown.map((k) => {
                const gi = table.g[k];
                const id = trace.gIds[gi];
                const name = trace.gNames[gi];
                const m = matches?.[gi] ?? 0;
                const cls = [id === selected ? 'selected' : '', m ? 'fn-match' : ''].filter(Boolean).join(' ');
                return (
                  <tr
                    key={id}
                    data-goid={id}
                    data-exec-ns={table.execNs[k]}
                    data-sched-wait-ns={table.schedWaitNs[k]}
                    data-fn-match={m || undefined}
                    className={cls || undefined}
                    aria-selected={id === selected}
                    onClick={() => actions.selectGoroutine(id === selected ? null : id)}
                  >
                    <td className="num mono">{id}</td>
                    <td className="mono name-cell" title={name}>
                      {name || '(unknown)'}
                    </td>
                    <td className="num">{fmtNs(table.execNs[k])}</td>
                    <td className="num">{fmtNs(table.schedWaitNs[k])}</td>
                    <td className="num">{fmtNs(table.blockNs[k])}</td>
                    <td className="num">{fmtNs(table.syscallNs[k])}</td>
                    <td className="num">{fmtNs(table.totalNs[k])}</td>
                    {matches && <td className="fn-cell">{m ? `${m & 1 ? 'S' : ''}${m & 2 ? 'E' : ''}` : ''}</td>}
                  </tr>
                );
              })}
              {last < count && <tr aria-hidden="true" className="spacer" style={{ height: (count - last) * TABLE_ROW_H }} />}
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
