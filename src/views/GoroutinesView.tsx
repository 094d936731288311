// Goroutines view of a Go crash / goroutine dump: a crash banner (fatal error or panic,
// and the goroutines caught inside runtime map functions with the user frame that
// called them), the goroutine groups (one row per identical stack, largest first, with
// leak suspicion), and the goroutine flame graph below. Every dump string is rendered
// as React text: function names and messages come from the dump and are hostile text.

import { Fragment, useEffect, useRef, useState } from 'react';
import { LEAK_LARGE_COUNT, LEAK_MIN_COUNT, LEAK_MIN_WAIT_MINUTES } from '../analysis/query';
import type { ViewSettings } from '../state/settings';
import { actions, type Source } from '../state/store';
import type { AnalysisResult, DumpFrame, DumpGroupSummary, DumpSummary } from '../worker/protocol';
import { FlameView } from './FlameView';
import { isMapInternal } from '../analysis/maps/functions';
import { ExplainMapButton } from './maps/ExplainMapButton';
import { nounFor } from './format';

interface Props {
  source: Source;
  dump: DumpSummary;
  result: AnalysisResult | null;
  settings: ViewSettings;
  unit: string;
  keyMatch: Uint8Array | null;
}

function where(f: DumpFrame): string {
  return f.file ? `${f.file}:${f.line}` : '';
}

function stackText(g: DumpGroupSummary): string {
  const lines: string[] = [];
  for (const f of g.frames) lines.push(`${f.func}\n        ${where(f)}`);
  if (g.createdBy) lines.push(`created by ${g.createdBy.func}\n        ${where(g.createdBy)}`);
  return lines.join('\n');
}

/** The outermost runtime map frame of a group's stack (leaf first), or null. */
export function groupMapFunc(g: DumpGroupSummary): string | null {
  let found: string | null = null;
  for (const f of g.frames) if (isMapInternal(f.func)) found = f.func;
  return found;
}

/** The most telling frame of a group: the first non-runtime frame, else the leaf. */
function topFrame(g: DumpGroupSummary): DumpFrame | null {
  return g.frames.find((f) => !/^(runtime|internal\/runtime|sync|internal\/sync)[./]/.test(f.func)) ?? g.frames[0] ?? null;
}

export function CrashBanner({ dump }: { dump: DumpSummary }) {
  // A crash: a fatal error, a panic, or a dump started by a signal other than SIGQUIT.
  const crash = dump.fatalError !== null || dump.panicMessage !== null || dump.kind === 'signal';
  if (!crash && dump.mapCalls.length === 0) return null;
  return (
    <div className="crash-banner" data-testid={crash ? 'crash-banner' : 'map-goroutines-note'} role={crash ? 'alert' : 'status'} data-kind={dump.kind}>
      {dump.kind === 'signal' && dump.fatalError === null && dump.panicMessage === null && dump.signal && (
        <div className="crash-title">
          <span className="crash-label">signal:</span> <span data-testid="crash-message">{dump.signal}</span>
        </div>
      )}
      {dump.fatalError !== null && (
        <div className="crash-title">
          <span className="crash-label">fatal error:</span> <span data-testid="crash-message">{dump.fatalError}</span>
          {/concurrent map|small map with no empty slot/.test(dump.fatalError) && (
            <ExplainMapButton name="internal/runtime/maps.fatal" label="What does this crash mean?" testId="explain-crash" />
          )}
        </div>
      )}
      {dump.panicMessage !== null && (
        <div className="crash-title">
          <span className="crash-label">panic:</span> <span data-testid={dump.fatalError === null ? 'crash-message' : undefined}>{dump.panicMessage}</span>
        </div>
      )}
      {dump.signal && (dump.fatalError !== null || dump.panicMessage !== null) && <div className="crash-signal muted">{dump.signal}</div>}
      {dump.mapCalls.length > 0 && (
        <div className="crash-maps">
          <div className="crash-maps-title">
            {dump.mapCalls.length === 1 ? 'Goroutine' : 'Goroutines'} inside runtime map functions (the map was used concurrently here):
          </div>
          <ul data-testid="map-goroutines">
            {dump.mapCalls.map((c, i) => (
              <li key={i} data-goroutine={c.goroutine ?? ''}>
                <span className="mono">{c.goroutine !== null ? `goroutine ${c.goroutine}` : `${c.count} goroutines`}</span> in <span className="mono">{c.mapFunc}</span>
                {c.caller ? (
                  <>
                    {' '}
                    called from <span className="mono caller">{c.caller.func}</span> <span className="muted mono">{where(c.caller)}</span>
                  </>
                ) : (
                  <span className="muted"> (no user frame in the stack)</span>
                )}{' '}
                <ExplainMapButton name={c.mapFunc} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

export function DumpGroups({ dump, selected }: { dump: DumpSummary; selected: number | null }) {
  const [open, setOpen] = useState<Set<number>>(() => new Set(selected !== null ? [selected] : []));
  const selRef = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    selRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);
  const toggle = (i: number) =>
    setOpen((o) => {
      const n = new Set(o);
      if (n.has(i)) n.delete(i);
      else n.add(i);
      return n;
    });
  return (
    <table className="dump-groups" data-testid="dump-groups">
      <caption className="sr-only">Goroutines grouped by identical stack</caption>
      <thead>
        <tr>
          <th scope="col">Count</th>
          <th scope="col">State</th>
          <th scope="col">Longest wait</th>
          <th scope="col">Top frame</th>
          <th scope="col">Created by</th>
          <th scope="col" />
        </tr>
      </thead>
      <tbody>
        {dump.groups.map((g, i) => {
          const top = topFrame(g);
          const mapFunc = groupMapFunc(g);
          const isSel = selected === i;
          const isOpen = open.has(i);
          return (
            <Fragment key={i}>
              <tr
                ref={isSel ? selRef : undefined}
                className={isSel ? 'group-row selected' : 'group-row'}
                data-count={g.count}
                data-state={g.state}
                data-index={i}
                data-leak={g.leak ?? ''}
                aria-selected={isSel}
                onClick={() => actions.selectGroup(isSel ? null : i)}
              >
                <td className="num">{g.count.toLocaleString()}</td>
                <td>
                  {g.state}
                  {g.leak && (
                    <span className={`leak-marker leak-${g.leak}`} data-testid="leak-marker" data-level={g.leak} title={g.leakReason}>
                      {g.leak === 'suspected' ? 'leak suspected' : 'possible leak'}
                    </span>
                  )}
                </td>
                <td className="num">{g.maxWaitMinutes !== null ? `${g.maxWaitMinutes} min` : '—'}</td>
                <td className="mono" title={top ? `${top.func} ${where(top)}` : ''}>
                  {top?.func ?? '(no frames)'}
                </td>
                <td className="mono muted">{g.createdBy?.func ?? ''}</td>
                <td className="group-actions">
                  <button
                    type="button"
                    className="link-button"
                    aria-expanded={isOpen}
                    data-testid="group-expand"
                    onClick={(e) => {
                      e.stopPropagation();
                      toggle(i);
                    }}
                  >
                    {isOpen ? 'hide stack' : 'stack'}
                  </button>
                  <button
                    type="button"
                    className="link-button"
                    data-testid="group-flame"
                    title="Zoom the flame graph to this stack"
                    onClick={(e) => {
                      e.stopPropagation();
                      actions.showGroupInFlame(i, g.zoomPath);
                      document.querySelector('[data-testid=flamegraph]')?.scrollIntoView?.({ block: 'nearest' });
                    }}
                  >
                    show in flame graph
                  </button>
                  {mapFunc !== null && <ExplainMapButton name={mapFunc} label="explain map function" testId="group-explain-map" />}
                </td>
              </tr>
              {isOpen && (
                <tr className="group-stack">
                  <td colSpan={6}>
                    <pre data-testid="group-stack">{stackText(g)}</pre>
                    {g.goroutineIds.length > 0 && (
                      <div className="muted small">
                        goroutines {g.goroutineIds.slice(0, 40).join(', ')}
                        {g.goroutineIds.length > 40 ? ', …' : ''}
                      </div>
                    )}
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

export function GoroutinesView({ source, dump, result, settings, unit, keyMatch }: Props) {
  const leaks = dump.groups.filter((g) => g.leak).length;
  return (
    <div className="goroutines-view">
      <div className="dump-panel">
        <CrashBanner dump={dump} />
        <div className="dump-head">
          <strong>{dump.goroutineCount.toLocaleString()}</strong> {nounFor(dump.goroutineCount, 'goroutine')} in <strong>{dump.groups.length.toLocaleString()}</strong> {nounFor(dump.groups.length, 'group')}
          <span className="muted"> · {dump.kind} dump</span>
          {leaks > 0 && <span className="muted"> · {leaks} group(s) look like leaks</span>}
          <span
            className="muted small help-hint"
            title={`Leak suspected: ≥ ${LEAK_MIN_COUNT} goroutines blocked on one stack for ≥ ${LEAK_MIN_WAIT_MINUTES} min, or ≥ ${LEAK_LARGE_COUNT} blocked. Possible: ≥ ${LEAK_MIN_COUNT} blocked with no wait time printed.`}
          >
            {' '}
            (leak rule)
          </span>
        </div>
        <div className="dump-groups-scroll">
          <DumpGroups dump={dump} selected={settings.group} />
        </div>
      </div>
      <div className="dump-flame">{result ? <FlameView source={source} result={result} settings={settings} unit={unit} keyMatch={keyMatch} /> : <div className="placeholder">Analysing…</div>}</div>
    </div>
  );
}
