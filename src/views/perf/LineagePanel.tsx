// PID lineage: who forked whom (sched_process_fork), who exec'd what (sched_process_exec,
// else sys_enter_execve) and how each process's name changed, as a nested list. Times are
// shown on the timeline's base (since the first sample). Text nodes only.

import type { CommSpan, LineageNode } from '../../analysis/perf/lineage';
import type { PerfViewData } from '../../analysis/perf/viewData';
import { actions } from '../../state/store';
import { fmtNs } from '../traceModel';

/** ns since the first sample of a perf printed time (seconds); NaN when unknown. */
export function sinceStart(perf: Pick<PerfViewData, 'originSec'>, sec: number | undefined): number {
  if (sec === undefined || Number.isNaN(sec) || Number.isNaN(perf.originSec)) return NaN;
  return Math.round((sec - perf.originSec) * 1e9);
}

function when(perf: PerfViewData, sec: number | undefined): string {
  const ns = sinceStart(perf, sec);
  return Number.isNaN(ns) ? '' : ` at ${fmtNs(ns)}`;
}

function commText(perf: PerfViewData, c: CommSpan): string {
  switch (c.via) {
    case 'fork':
      return `${c.comm} (forked${when(perf, c.sinceSec)})`;
    case 'exec':
      return `${c.comm} (exec ${c.filename ?? ''}${when(perf, c.sinceSec)})`;
    case 'renamed':
      return `${c.comm} (renamed)`;
    default:
      return c.comm;
  }
}

function Node({ perf, pid, depth, seen, selectedPid }: { perf: PerfViewData; pid: number; depth: number; seen: Set<number>; selectedPid: number | null }) {
  const n: LineageNode | undefined = perf.upgrade.lineage.nodes.get(pid);
  if (!n || seen.has(pid)) return null;
  seen.add(pid);
  const execs = n.execs.filter((e) => e.commAfter === '');
  return (
    <li data-pid={pid} data-testid="lineage-node">
      <button
        type="button"
        className={selectedPid === pid ? 'link-button lineage-pid selected' : 'link-button lineage-pid'}
        title="Only this process in the flame graph"
        onClick={() => actions.setPerfTask(selectedPid === pid ? null : pid, null)}
      >
        {pid}
      </button>{' '}
      <span className="lineage-comms">{n.comms.map((c) => commText(perf, c)).join(' → ') || '?'}</span>
      {execs.map((e, i) => (
        <span key={i} className="muted">
          {' '}
          · execve {e.filename}
          {when(perf, e.timeSec)}
        </span>
      ))}
      <span className="muted">
        {n.threads.length > 0 ? ` · ${n.threads.length} thread${n.threads.length === 1 ? '' : 's'}` : ''}
        {n.exitTimeSec !== undefined ? ` · exited${when(perf, n.exitTimeSec)}` : ''}
      </span>
      {n.children.length > 0 && (
        <ul>
          {n.children.map((c) => (
            <Node key={c} perf={perf} pid={c} depth={depth + 1} seen={seen} selectedPid={selectedPid} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function LineagePanel({ perf, selectedPid }: { perf: PerfViewData; selectedPid: number | null }) {
  const l = perf.upgrade.lineage;
  const seen = new Set<number>();
  return (
    <section className="perf-panel lineage-panel" data-testid="lineage-panel" aria-label="PID lineage">
      <header className="perf-panel-head">
        <strong>PID lineage</strong>
        <span className="muted">
          who forked / exec'd whom{l.threadClones > 0 ? ` · ${l.threadClones} thread creation${l.threadClones === 1 ? '' : 's'} not shown` : ''}
        </span>
      </header>
      <ul className="lineage-tree">
        {l.roots.map((r) => (
          <Node key={r} perf={perf} pid={r} depth={0} seen={seen} selectedPid={selectedPid} />
        ))}
      </ul>
    </section>
  );
}
