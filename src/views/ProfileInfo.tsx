// Profile info side panel: what the file is (encoding, sample types with totals,
// period, duration, counts, comments, drop/keep frames, warnings, mappings, doc link)
// and the tag-focus picker over sample labels. All profile strings render as text.

import type { TagFilter } from '../analysis/labels';
import { scaledLabel } from '../analysis/units';
import type { Source } from '../state/store';
import { toggleTagValue } from '../state/settings';
import type { AnalysisResult } from '../worker/protocol';
import { fmtBytes, safeHttpUrl } from './format';

interface Props {
  source: Source;
  result: AnalysisResult | null;
  sampleType: number;
  tagFocus: TagFilter[];
  onTagFocus: (t: TagFilter[]) => void;
  onClose: () => void;
}

const MAX_MAPPINGS = 40;

export function ProfileInfo({ source, result, sampleType, tagFocus, onTagFocus, onClose }: Props) {
  const s = source.summary;
  const doc = s.docUrl ? safeHttpUrl(s.docUrl) : null;
  const kept = result ? result.keptSamples : s.counts.samples;
  return (
    <aside className="info-panel" data-testid="profile-info" aria-label="Profile information">
      <div className="info-head">
        <h2>Profile</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close profile info" title="Close">
          ×
        </button>
      </div>

      {s.warnings.length > 0 && (
        <section className="info-section info-warnings" data-testid="profile-warnings">
          <h3>Warnings ({s.warnings.length})</h3>
          <ul>
            {s.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </section>
      )}

      <section className="info-section">
        <dl className="kv">
          <dt>File</dt>
          <dd title={s.name}>{s.name}</dd>
          <dt>Size</dt>
          <dd>{fmtBytes(s.byteLength)}</dd>
          <dt>Encoding</dt>
          <dd>{s.encoding}</dd>
          {s.periodType && (
            <>
              <dt>Period</dt>
              <dd>
                {scaledLabel(s.period, s.periodType.unit)} ({s.periodType.type}/{s.periodType.unit})
              </dd>
            </>
          )}
          {s.durationNanos > 0 && (
            <>
              <dt>Duration</dt>
              <dd>{scaledLabel(s.durationNanos, 'nanoseconds')}</dd>
            </>
          )}
          {timeText(s.timeNanos) && (
            <>
              <dt>Time</dt>
              <dd>{timeText(s.timeNanos)}</dd>
            </>
          )}
          <dt>Decoded in</dt>
          <dd>
            {s.decodeMs.toFixed(0)} ms{result ? ` · analysed in ${result.analyzeMs.toFixed(0)} ms` : ''}
          </dd>
          {doc && (
            <>
              <dt>Docs</dt>
              <dd>
                <a href={doc} target="_blank" rel="noopener noreferrer">
                  {doc}
                </a>
              </dd>
            </>
          )}
        </dl>
      </section>

      <section className="info-section">
        <h3>Sample types</h3>
        <table className="info-table">
          <tbody>
            {s.sampleTypes.map((t, i) => (
              <tr key={i} className={i === sampleType ? 'current' : undefined}>
                <td>
                  {t.type}
                  {i === s.defaultSampleType && <span className="badge">default</span>}
                </td>
                <td className="num">{scaledLabel(s.totals[i] ?? 0, t.unit)}</td>
                <td className="unit">{t.unit}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="info-section">
        <h3>Counts</h3>
        <dl className="kv kv-counts">
          {Object.entries(s.counts).map(([k, v]) => (
            <span key={k} className="kv-pair">
              <dt>{k}</dt>
              <dd>{v.toLocaleString()}</dd>
            </span>
          ))}
        </dl>
      </section>

      <section className="info-section" data-testid="tag-focus">
        <h3>Labels · tag focus</h3>
        {s.labels.length === 0 ? (
          <p className="muted">No sample labels in this profile.</p>
        ) : (
          <>
            <p className="tag-kept" data-testid="tag-kept">
              {kept.toLocaleString()} of {s.counts.samples.toLocaleString()} samples kept
              {tagFocus.length > 0 && (
                <button type="button" className="link-button" onClick={() => onTagFocus([])}>
                  clear
                </button>
              )}
            </p>
            {s.labels.map((l) => {
              const active = tagFocus.find((f) => f.key === l.key);
              return (
                <details key={l.key} className="tag-key" open={!!active || s.labels.length <= 3}>
                  <summary>
                    <span className="tag-key-name">{l.key}</span>
                    {l.numeric && <span className="badge">{l.unit || 'numeric'}</span>}
                    <span className="muted">
                      {' '}
                      {l.values.length + l.moreValues} value{l.values.length + l.moreValues === 1 ? '' : 's'}
                    </span>
                    {active && <span className="badge badge-on">{active.values.length} selected</span>}
                  </summary>
                  <ul className="tag-values">
                    {l.values.map((v) => (
                      <li key={v.value}>
                        <label>
                          <input
                            type="checkbox"
                            checked={!!active?.values.includes(v.value)}
                            onChange={() => onTagFocus(toggleTagValue(tagFocus, l.key, v.value))}
                          />
                          <span className="tag-value">{v.value}</span>
                          <span className="muted"> {v.samples.toLocaleString()}</span>
                        </label>
                      </li>
                    ))}
                    {l.moreValues > 0 && <li className="muted">… and {l.moreValues.toLocaleString()} more values</li>}
                  </ul>
                </details>
              );
            })}
          </>
        )}
      </section>

      {s.comments.length > 0 && (
        <section className="info-section">
          <h3>Comments</h3>
          <ul className="plain">
            {s.comments.map((c, i) => (
              <li key={i}>{c}</li>
            ))}
          </ul>
        </section>
      )}

      {(s.dropFrames || s.keepFrames) && (
        <section className="info-section">
          <h3>Frame filters</h3>
          <dl className="kv">
            {s.dropFrames && (
              <>
                <dt>drop_frames</dt>
                <dd>
                  <code>{s.dropFrames}</code>
                </dd>
              </>
            )}
            {s.keepFrames && (
              <>
                <dt>keep_frames</dt>
                <dd>
                  <code>{s.keepFrames}</code>
                </dd>
              </>
            )}
          </dl>
        </section>
      )}

      {s.mappings.length > 0 && (
        <section className="info-section">
          <h3>Mappings ({s.mappings.length})</h3>
          <ul className="mappings">
            {s.mappings.slice(0, MAX_MAPPINGS).map((m, i) => (
              <li key={i}>
                <div className="map-file">{m.file || '(no file name)'}</div>
                <div className="muted mono">
                  {m.start}–{m.limit} +{m.offset}
                  {m.buildId && ` · build ${m.buildId}`}
                </div>
              </li>
            ))}
            {s.mappings.length > MAX_MAPPINGS && <li className="muted">… and {s.mappings.length - MAX_MAPPINGS} more</li>}
          </ul>
        </section>
      )}
    </aside>
  );
}

/** time_nanos arrives as a decimal string (int64); "" / "0" = unknown. */
export function timeText(ns: string | number): string {
  let ms: number;
  try {
    ms = Number(BigInt(ns) / 1000000n);
  } catch {
    return '';
  }
  if (ms === 0) return '';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ns);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}
