// Toolbar controls of a perf source (in place of the sample-type picker, so every view —
// flame graph, top, sandwich, the perf view — shows the same selection): the event, the
// weight (period / count; period only when the event printed periods), the process or
// thread filter, and the selected time range when the perf view (which shows it) is not on.

import { effectiveWeight, perfEventIndex } from '../../analysis/perf/selection';
import type { PerfViewData } from '../../analysis/perf/viewData';
import type { ViewSettings } from '../../state/settings';
import { actions } from '../../state/store';
import { fmtNs } from '../traceModel';

/** The <select> value of a process / thread filter: '' (all), 'p:<pid>' or 't:<pid>:<tid>'. */
export function taskValue(pid: number | null, tid: number | null): string {
  if (tid !== null) return `t:${pid ?? ''}:${tid}`;
  if (pid !== null) return `p:${pid}`;
  return '';
}

export function parseTaskValue(v: string): { pid: number | null; tid: number | null } {
  const m = /^t:(\d*):(\d+)$/.exec(v);
  if (m) return { pid: m[1] === '' ? null : Number(m[1]), tid: Number(m[2]) };
  const p = /^p:(\d+)$/.exec(v);
  if (p) return { pid: Number(p[1]), tid: null };
  return { pid: null, tid: null };
}

export function PerfControls({ perf, settings }: { perf: PerfViewData; settings: ViewSettings }) {
  const ev = perfEventIndex(perf, settings.perfEvent);
  const event = perf.events[ev];
  const weight = effectiveWeight(perf, ev, settings.perfWeight);
  const current = taskValue(settings.perfPid, settings.perfTid);
  const known = current === '' || perf.processes.some((p) => current === taskValue(p.pid, null) || p.threads.some((t) => current === taskValue(p.pid, perf.threads[t].tid)));
  const range = settings.timeRange;
  return (
    <>
      <label className="field" title="perf records each event separately; the flame graph shows one event at a time">
        <span className="field-label">Event</span>
        <select data-testid="perf-event" value={event?.name ?? ''} onChange={(e) => actions.setPerfEvent(e.target.value)}>
          {perf.events.map((e, i) => (
            <option key={i} value={e.name}>
              {e.name || '(no event)'} ({e.records.toLocaleString('en-US')} record{e.records === 1 ? '' : 's'})
            </option>
          ))}
        </select>
      </label>
      <span className="field perf-weight" role="radiogroup" aria-label="Weight samples by">
        <span className="field-label">Weight</span>
        {event?.hasPeriod && (
          <label className="check small" title={`Sum the printed periods (${event.periodUnit})`}>
            <input type="radio" name="perf-weight" data-testid="perf-weight-period" checked={weight === 'period'} onChange={() => actions.setPerfWeight('period')} />
            period
          </label>
        )}
        <label className="check small" title="Count the records">
          <input type="radio" name="perf-weight" data-testid="perf-weight-count" checked={weight === 'count'} onChange={() => actions.setPerfWeight('count')} />
          count
        </label>
      </span>
      <label className="field">
        <span className="field-label">Process</span>
        <select
          data-testid="perf-process"
          className="perf-process"
          value={known ? current : ''}
          onChange={(e) => {
            const t = parseTaskValue(e.target.value);
            actions.setPerfTask(t.pid, t.tid);
          }}
        >
          <option value="">all processes ({perf.processes.length})</option>
          {perf.processes.flatMap((p) => [
            <option key={`p${p.pid}`} value={taskValue(p.pid, null)}>
              {'\u00a0'.repeat(p.depth * 2)}
              {p.pid} {p.comms.join(' → ') || '?'} — {p.samples[ev].toLocaleString('en-US')} samples
            </option>,
            ...(p.threads.length > 1
              ? p.threads.map((ti) => {
                  const t = perf.threads[ti];
                  return (
                    <option key={`t${t.tid}`} value={taskValue(p.pid, t.tid)}>
                      {'\u00a0'.repeat(p.depth * 2 + 3)}thread {t.tid} {t.comm} — {t.samples[ev].toLocaleString('en-US')}
                    </option>
                  );
                })
              : []),
          ])}
        </select>
      </label>
      {range && settings.view !== 'perf' && (
        <span className="chip" data-testid="perf-range-chip">
          <span className="chip-text">
            {fmtNs(range[0])} – {fmtNs(range[1])}
          </span>
          <button type="button" className="chip-x" aria-label="Clear the time range" onClick={() => actions.setTimeRange(null)}>
            ×
          </button>
        </span>
      )}
    </>
  );
}
