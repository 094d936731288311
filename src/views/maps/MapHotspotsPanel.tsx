// "Map growth hotspots" (heap profiles) / map function hotspots (CPU, traces, perf): the
// samples inside the runtime's map code grouped by the function that called into it,
// every sample type as a column, sorted by the one selected; under each caller the
// (entry point → operation) paths, each a link to its explanation. Computed in the worker
// at load (src/analysis/maps/hotspots.ts); function names are profile text, rendered as
// text only.

import { Fragment } from 'react';
import { hotspotsCaveat, type MapHotspots } from '../../analysis/maps/hotspots';
import { fmtPct, fmtValue } from '../format';
import { ExplainMapButton } from './ExplainMapButton';

interface Props {
  hotspots: MapHotspots;
  /** Sample type index to sort by and to show shares of. */
  sampleType: number;
  sourceName: string;
}

/** Shorter display of a map function: the Swiss package prefix and generic shapes dropped. */
export function shortFuncName(name: string): string {
  let n = name.startsWith('internal/runtime/maps.') ? name.slice('internal/runtime/maps.'.length) : name;
  const br = n.indexOf('[');
  if (br > 0 && n.endsWith(']')) n = `${n.slice(0, br)}[...]`;
  return n;
}

export function MapHotspotsPanel({ hotspots: h, sampleType, sourceName }: Props) {
  const t = sampleType >= 0 && sampleType < h.sampleTypes.length ? sampleType : h.sortedBy;
  const type = h.sampleTypes[t];
  const unit = type?.unit ?? '';
  const caveat = hotspotsCaveat(h);
  const rows = [...h.rows].sort((a, b) => Math.abs(b.values[t] ?? 0) - Math.abs(a.values[t] ?? 0) || a.caller.localeCompare(b.caller));
  const total = h.profileTotals[t] ?? 0;
  const inMaps = h.mapTotals[t] ?? 0;
  return (
    <section className="map-hotspots" data-testid="map-hotspots" data-rows={rows.length} data-hidden-runtime={h.runtimeFramesHidden ? 'true' : 'false'}>
      <div className="stat-title">
        {h.heap ? 'Map growth hotspots' : 'Map function hotspots'} <span className="muted">· {sourceName}</span>
      </div>
      <p className="small">
        {h.heap ? 'Allocation inside the runtime’s map code' : 'Samples inside the runtime’s map code'}, grouped by the function that called into it (the first frame above
        the map frames that is not runtime code): <strong data-testid="hotspots-total">{fmtValue(inMaps, unit)}</strong> of {fmtValue(total, unit)} {type?.type} (
        {fmtPct(inMaps, total)}) in {h.mapSamples.toLocaleString()} of {h.totalSamples.toLocaleString()} samples.
      </p>
      {caveat && (
        <p className="map-diagnosis warn small" data-testid="hotspots-caveat">
          {caveat}
        </p>
      )}
      {rows.length === 0 ? (
        <div className="placeholder small">No sample of this profile has a frame in the runtime’s map code.</div>
      ) : (
        <div className="hotspots-scroll">
          <table className="hotspots-table">
            <thead>
              <tr>
                <th scope="col">caller → map entry point → operation</th>
                {h.sampleTypes.map((s, i) => (
                  <th key={s.type} scope="col" className={i === t ? 'num sorted' : 'num'}>
                    {s.type.replace(/_/g, '_\u200b')}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <Fragment key={r.caller}>
                  <tr className="hotspot-row" data-testid="hotspot-row" data-caller={r.caller} data-value={String(r.values[t] ?? 0)} data-values={r.values.join(',')}>
                    <th scope="row" className="mono" title={r.callerFile}>
                      {r.caller}
                      {r.reachedFrom && <span className="muted"> (from {r.reachedFrom})</span>}
                    </th>
                    {r.values.map((v, i) => (
                      <td key={i} className={i === t ? 'num sorted' : 'num'}>
                        {fmtValue(v, h.sampleTypes[i]!.unit)}
                      </td>
                    ))}
                  </tr>
                  {r.paths.map((p) => (
                    <tr key={`${p.entry}\n${p.site}`} className="hotspot-path" data-entry={p.entry} data-site={p.site}>
                      <td className="mono small">
                        <span className="path-indent">↳ </span>
                        <ExplainMapButton name={p.entry} label={shortFuncName(p.entry)} testId="hotspot-explain" />
                        {p.site !== p.entry && (
                          <>
                            <span className="muted"> → </span>
                            <ExplainMapButton name={p.site} label={shortFuncName(p.site)} testId="hotspot-explain" />
                          </>
                        )}
                      </td>
                      {p.values.map((v, i) => (
                        <td key={i} className={i === t ? 'num sorted small' : 'num small'}>
                          {fmtValue(v, h.sampleTypes[i]!.unit)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted small">
        Sample types: every column is the profile’s own sample type (a heap profile: objects and bytes, allocated and in use). The tag focus does not apply here.
      </p>
    </section>
  );
}
