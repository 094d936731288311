// "Process replacement" panel for hot-upgrade verification: per process name, every
// sys_enter_execve / sched_process_exec record with its time, PID, old PID (the thread that
// called execve), filename, whether it was a fork+exec (new PID) or an in-place exec (same
// PID), and the reading of the seed article (one self-replacing exec: a normal upgrade;
// several: a restart loop; none: the exec never happened). Text nodes only.

import type { ExecRowKind, PerfExecGroup, PerfExecRow, PerfViewData } from '../../analysis/perf/viewData';
import type { UpgradeVerdict } from '../../analysis/perf/upgrade';
import { actions } from '../../state/store';
import { fmtNs } from '../traceModel';

const VERDICT_LABEL: Record<UpgradeVerdict, string> = {
  upgrade: 'one exec — normal upgrade',
  'restart-loop': 'several execs — restart loop',
  'no-exec': 'no exec — never happened',
};

export function kindText(r: PerfExecRow): string {
  const k: ExecRowKind = r.kind;
  switch (k) {
    case 'fork+exec':
      return `fork+exec: new PID${r.parentPid !== null ? ` (forked by ${r.parentPid})` : ''}`;
    case 'in-place':
      return `in-place: same PID${r.oldPid !== r.pid ? `, called from thread ${r.oldPid}` : ''}`;
    case 'unobserved-fork':
      return 'first seen at this exec (fork not recorded)';
    case 'failed':
      return 'execve without a following exec (failed?)';
    default:
      return '';
  }
}

function ExecRows({ group, selectedPid }: { group: PerfExecGroup; selectedPid: number | null }) {
  return (
    <table className="data-table exec-table">
      <thead>
        <tr>
          <th className="num" title="Since the first sample; hover a time for perf's own timestamp">time</th>
          <th>event</th>
          <th className="num">PID</th>
          <th className="num" title="The thread that called execve (sched_process_exec's old_pid)">old PID</th>
          <th>filename</th>
          <th>replacement</th>
        </tr>
      </thead>
      <tbody>
        {group.rows.map((r, i) => (
          <tr
            key={i}
            data-testid="exec-events"
            data-pid={r.pid}
            data-old-pid={r.oldPid}
            data-event={r.event}
            data-kind={r.kind}
            data-self={r.selfReplacement ? '1' : '0'}
            data-comm={group.comm}
            data-time-ns={Number.isNaN(r.timeNs) ? '' : r.timeNs}
            className={[r.selfReplacement ? 'self' : '', selectedPid === r.pid ? 'selected' : ''].join(' ').trim() || undefined}
            title="Click: only this process in the flame graph"
            onClick={() => actions.setPerfTask(selectedPid === r.pid ? null : r.pid, null)}
          >
            <td className="num" title={Number.isNaN(r.timeSec) ? undefined : `perf time ${r.timeSec.toFixed(6)} s`}>
              {Number.isNaN(r.timeNs) ? '?' : fmtNs(r.timeNs)}
            </td>
            <td className="mono">{r.event.slice(r.event.indexOf(':') + 1)}</td>
            <td className="num mono">{r.pid}</td>
            <td className="num mono">{r.oldPid}</td>
            <td className="mono name-cell" title={r.filename}>
              {r.filename || '—'}
            </td>
            <td className="exec-kind">
              {kindText(r)}
              {r.selfReplacement && <span className="badge badge-upgrade">{r.comm} replaced itself</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ExecPanel({ perf, selectedPid }: { perf: PerfViewData; selectedPid: number | null }) {
  const withRows = perf.execGroups.filter((g) => g.rows.length > 0);
  const without = perf.execGroups.filter((g) => g.rows.length === 0);
  const { notes, failedExecves } = perf.upgrade;
  // Without exec tracepoints the recording cannot say whether anything was replaced.
  const recorded = perf.events.some((e) => /:(sys_enter_execve|sys_enter_execveat|sched_process_exec)$/.test(e.name));
  return (
    <section className="perf-panel exec-panel" data-testid="exec-panel" aria-label="Process replacement">
      <header className="perf-panel-head">
        <strong>Process replacement</strong>
        <span className="muted">every execve / exec, per process name</span>
      </header>
      {notes.length > 0 && (
        <ul className="perf-notes">
          {notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      {!recorded && (
        <div className="muted perf-empty" data-testid="exec-not-recorded">
          The recording has no exec tracepoints, so it cannot show process replacement. Record with{' '}
          <code>-e syscalls:sys_enter_execve -e sched:sched_process_exec -e sched:sched_process_fork</code> and print with <code>perf script -F +pid</code>.
        </div>
      )}
      {recorded && withRows.length === 0 && <div className="muted perf-empty">No sys_enter_execve or sched_process_exec records: no process was replaced during the recording.</div>}
      {withRows.map((g) => (
        <div key={g.comm} className="exec-group" data-testid="exec-group" data-comm={g.comm} data-verdict={g.verdict}>
          <div className="exec-group-head">
            <span className="mono exec-comm">{g.comm || '(no name)'}</span>
            <span className={`verdict verdict-${g.verdict}`}>{VERDICT_LABEL[g.verdict]}</span>
            <span className="exec-reading" data-testid="exec-reading">
              {g.reading}
            </span>
          </div>
          <ExecRows group={g} selectedPid={selectedPid} />
        </div>
      ))}
      {recorded && without.length > 0 && (
        <div className="muted exec-none" data-testid="exec-none">
          No exec for {without.map((g) => g.comm || '(no name)').join(', ')} — for these names the exec never happened in the recording.
        </div>
      )}
      {failedExecves.length > 0 && (
        <div className="exec-failed">
          {failedExecves.length} execve call{failedExecves.length === 1 ? '' : 's'} without a following exec (the exec failed, or its record was lost):{' '}
          {failedExecves.map((e) => `${e.comm} ${e.pid}`).join(', ')}
        </div>
      )}
    </section>
  );
}
