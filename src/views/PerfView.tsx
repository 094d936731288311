// The perf view of a `perf script` dump: the process/thread timeline (sample density of the
// chosen event, lifecycle markers, range selection), the "Process replacement" panel and
// the PID lineage, then the flame graph (with the top table) of the chosen event, filtered
// to the selected process / thread and time range. Event, weight and process pickers live
// in the toolbar (perf/PerfControls.tsx) so the other views share them; all of it is in
// the URL.

import { perfEventIndex } from '../analysis/perf/selection';
import type { PerfViewData } from '../analysis/perf/viewData';
import type { ViewSettings } from '../state/settings';
import { actions, type Source } from '../state/store';
import type { AnalysisResult } from '../worker/protocol';
import { FlameView } from './FlameView';
import { fmtValue } from './format';
import { ExecPanel } from './perf/ExecPanel';
import { LineagePanel } from './perf/LineagePanel';
import { DENSITY_COLOR, MARKER_COLORS, ProcessTimeline } from './perf/ProcessTimeline';
import { MarkerKind } from '../analysis/perf/markers';
import { fmtNs } from './traceModel';
import './perf/perf.css';

interface Props {
  source: Source;
  perf: PerfViewData;
  result: AnalysisResult;
  settings: ViewSettings;
  unit: string;
  keyMatch: Uint8Array | null;
}

const MARKER_LEGEND: [number, string][] = [
  [MarkerKind.Execve, 'execve'],
  [MarkerKind.Exec, 'exec'],
  [MarkerKind.Fork, 'fork'],
  [MarkerKind.Exit, 'exit'],
  [MarkerKind.Switch, 'sched_switch'],
];

function Legend() {
  return (
    <div className="trace-legend perf-legend" data-testid="perf-legend">
      <span className="legend-item">
        <span className="swatch" style={{ background: DENSITY_COLOR }} />
        samples
      </span>
      {MARKER_LEGEND.map(([k, name]) => (
        <span key={k} className="legend-item">
          <span className="swatch marker-swatch" style={{ background: MARKER_COLORS[k] }} />
          {name}
        </span>
      ))}
      <span className="legend-item muted">frames:</span>
      <span className="legend-item">
        <span className="swatch" style={{ background: 'hsl(25, 75%, 62%)' }} />
        user
      </span>
      <span className="legend-item">
        <span className="swatch" style={{ background: 'hsl(212, 55%, 66%)' }} />
        kernel
      </span>
      <span className="legend-item">
        <span className="swatch" style={{ background: 'hsl(115, 45%, 62%)' }} />
        JIT
      </span>
    </div>
  );
}

export function PerfView({ source, perf, result, settings, unit, keyMatch }: Props) {
  const ev = result.query.perfEvent ?? perfEventIndex(perf, settings.perfEvent);
  const event = perf.events[ev];
  const range = settings.timeRange;
  const pid = settings.perfPid;
  const tid = settings.perfTid;
  const proc = pid !== null ? perf.processes.find((p) => p.pid === pid) : undefined;
  const thread = tid !== null ? perf.threads.find((t) => t.tid === tid) : undefined;
  const total = event?.samples ?? 0;
  const weighted = result.query.perfWeight === 'period' ? 'period' : 'count';
  return (
    <div className="trace-view perf-view" data-testid="perf-view" data-event={event?.name ?? ''}>
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
          ) : perf.hasTime ? (
            <span className="muted">drag on the time axis (or shift-drag) to select a range</span>
          ) : (
            <span className="muted">the records carry no times: no time range</span>
          )}
        </span>
        {(pid !== null || tid !== null) && (
          <span className="perf-task" data-testid="selected-task" data-pid={pid ?? ''} data-tid={tid ?? ''}>
            {thread ? `thread ${thread.tid} (${thread.comm}) of ${thread.pid}` : proc ? `process ${proc.pid} (${proc.comms.join(' → ')})` : `pid ${pid ?? tid}`}{' '}
            <button type="button" className="link-button" data-testid="clear-task" onClick={() => actions.setPerfTask(null, null)}>
              clear
            </button>
          </span>
        )}
      </div>
      <ProcessTimeline perf={perf} settings={settings} event={ev} />
      <div className="perf-panels">
        <ExecPanel perf={perf} selectedPid={pid} />
        <LineagePanel perf={perf} selectedPid={pid} />
      </div>
      <div className="trace-flame-title">
        <strong>{event?.name || '(no event)'}</strong>{' '}
        <span className="muted" data-testid="perf-samples" data-kept={result.keptSamples} data-total={total} data-weight={weighted}>
          {result.keptSamples.toLocaleString('en-US')} of {total.toLocaleString('en-US')} samples
          {range ? ' in the range' : ''}
          {thread ? ` of thread ${thread.tid}` : proc ? ` of process ${proc.pid}` : ''} · weighted by {weighted}
          {weighted === 'period' && event ? ` (total ${fmtValue(event.totalPeriod, unit)})` : ''}
        </span>
      </div>
      <div className="trace-flame">
        <FlameView source={source} result={result} settings={settings} unit={unit} keyMatch={keyMatch} />
      </div>
    </div>
  );
}
