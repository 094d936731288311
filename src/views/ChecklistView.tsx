// The four-dimension tuning checklist over every source in the workspace: per rule its
// status, the measured numbers, the threshold in force (editable; it travels in the URL as
// `thr=`) with where the default comes from, and a link to the view that shows the evidence.
// Rules run here on the UI thread: they read only the small evidence summaries the source
// workers computed at load time.

import { useMemo, useState } from 'react';
import { DIMENSIONS, allThresholds, checklistCounts, checklistMarkdown, evaluateChecklist, type Dimension, type RuleResult, type SourceEvidence, type Status } from '../analysis/checklist';
import { actions, useStore } from '../state/store';
import { downloadBlob } from './download';

const DIMENSION_TITLE: Record<Dimension, string> = {
  resource: 'Resource — CPU, memory, goroutines',
  'call-chain': 'Call chain — GC pauses, scheduler latency, blocking, syscalls',
  configuration: 'Configuration — GOMAXPROCS, GOGC / GOMEMLIMIT, GODEBUG effects',
  capacity: 'Capacity — headroom and growth',
};

const STATUS_LABEL: Record<Status, string> = { pass: 'pass', warn: 'warn', fail: 'fail', 'cannot-evaluate': 'cannot evaluate' };

/** The evidence of the workspace's sources, with the source id each entry came from, and
 * how many sources are still computing theirs. */
export function useWorkspaceEvidence(): { evidence: SourceEvidence[]; ids: string[]; pending: number } {
  const order = useStore((s) => s.order);
  const all = useStore((s) => s.evidence);
  return useMemo(() => {
    const evidence: SourceEvidence[] = [];
    const ids: string[] = [];
    let pending = 0;
    for (const id of order) {
      const ev = all[id];
      if (ev === undefined) pending++;
      else if (ev) {
        evidence.push(ev);
        ids.push(id);
      }
    }
    return { evidence, ids, pending };
  }, [order, all]);
}

const THRESHOLD_LABELS = new Map([...allThresholds()].map(([id, t]) => [id, t.label]));

function ThresholdInput({ t }: { t: RuleResult['thresholds'][number] }) {
  const [text, setText] = useState(String(t.value));
  const [focused, setFocused] = useState(false);
  const shown = focused ? text : String(t.value);
  const commit = () => {
    const v = Number(text);
    if (text.trim() !== '' && Number.isFinite(v)) actions.setThreshold(t.id, v);
    else setText(String(t.value));
  };
  return (
    <label className={t.isDefault ? 'threshold' : 'threshold changed'} title={`${t.id} — default from: ${t.source}`}>
      <span className="threshold-label">{THRESHOLD_LABELS.get(t.id) ?? t.id}</span>
      <input
        type="text"
        inputMode="decimal"
        value={shown}
        data-threshold={t.id}
        aria-label={`Threshold ${t.id} (${t.unit})`}
        onFocus={() => {
          setText(String(t.value));
          setFocused(true);
        }}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          setFocused(false);
          commit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
        }}
      />
      <span className="threshold-unit">{t.unit}</span>
      {!t.isDefault && (
        <button type="button" className="link-button" onClick={() => actions.setThreshold(t.id, null)} title="Back to the default">
          reset
        </button>
      )}
    </label>
  );
}

function RuleRow({ r, ids }: { r: RuleResult; ids: string[] }) {
  const [open, setOpen] = useState(false);
  const target = r.link ? ids[r.link.source] : undefined;
  return (
    <li className={`check-row status-${r.status}`} data-rule={r.rule} data-dimension={r.dimension} data-status={r.status}>
      <span className={`check-status status-${r.status}`}>{STATUS_LABEL[r.status]}</span>
      <div className="check-body">
        <div className="check-title">
          <strong>{r.title}</strong>
          {target && r.link && (
            <button type="button" className="link-button check-link" data-testid="checklist-link" onClick={() => actions.openEvidence(target, r.link!.settings)}>
              show the evidence →
            </button>
          )}
        </div>
        {r.measured && <div className="check-measured">{r.measured}</div>}
        <div className="check-reason">{r.status === 'cannot-evaluate' ? `${r.reason} Needs ${r.needs}.` : r.reason}</div>
        <div className="check-thresholds">
          {r.thresholds.map((t) => (
            <ThresholdInput key={`${t.id}:${t.value}`} t={t} />
          ))}
          {r.thresholds.length > 0 && (
            <button type="button" className="link-button" onClick={() => setOpen(!open)} aria-expanded={open}>
              {open ? 'hide sources' : 'where do these defaults come from?'}
            </button>
          )}
        </div>
        {open && (
          <ul className="check-sources">
            {r.thresholds.map((t) => (
              <li key={t.id}>
                <code>{t.id}</code> = {t.value} {t.unit}
                {t.isDefault ? '' : ' (changed)'} — {t.source}
              </li>
            ))}
          </ul>
        )}
      </div>
    </li>
  );
}

export function ChecklistView() {
  const thresholds = useStore((s) => s.settings.thresholds);
  const { evidence, ids, pending } = useWorkspaceEvidence();
  const results = useMemo(() => evaluateChecklist(evidence, thresholds), [evidence, thresholds]);
  const counts = checklistCounts(results);
  const changed = Object.keys(thresholds).length;
  return (
    <div className="checklist-view">
      <div className="checklist-head">
        <div>
          <h2>Tuning checklist</h2>
          <p className="muted">
            {counts.fail} fail · {counts.warn} warn · {counts.pass} pass · {counts['cannot-evaluate']} cannot evaluate — over {evidence.length} source{evidence.length === 1 ? '' : 's'}
            {evidence.length > 0 ? `: ${evidence.map((e) => e.name).join(', ')}` : ''}. Thresholds are defaults a team can change{changed > 0 ? ` (${changed} changed; they travel in the link)` : ''}.
          </p>
        </div>
        <div className="checklist-actions">
          {changed > 0 && (
            <button type="button" className="button button-small" onClick={() => Object.keys(thresholds).forEach((id) => actions.setThreshold(id, null))}>
              Reset thresholds
            </button>
          )}
          <button type="button" className="button button-small" data-testid="checklist-markdown" onClick={() => downloadBlob('stacklens-checklist.md', new Blob([checklistMarkdown(results, { sources: evidence })], { type: 'text/markdown' }))}>
            Markdown
          </button>
        </div>
      </div>
      {pending > 0 && (
        <p className="muted" data-testid="checklist-pending">
          Collecting the evidence of {pending} source{pending === 1 ? '' : 's'}…
        </p>
      )}
      <div data-testid="checklist" className="checklist" data-pending={pending}>
        {DIMENSIONS.map((d) => (
          <section key={d} className="check-dimension">
            <h3>{DIMENSION_TITLE[d]}</h3>
            <ul>
              {results
                .filter((r) => r.dimension === d)
                .map((r) => (
                  <RuleRow key={r.rule} r={r} ids={ids} />
                ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}
