// Sandwich view: the selected function in the middle, who calls it above (a flame
// graph growing upwards from the function) and what it calls below (an icicle growing
// downwards) — pprof's peek / speedscope's sandwich.

import { useState } from 'react';
import type { Source } from '../state/store';
import type { CallTree } from '../analysis/callTree';
import type { AnalysisResult } from '../worker/protocol';
import { FlameGraph } from './FlameGraph';
import { fmtPct, fmtValue } from './format';

interface Props {
  result: AnalysisResult;
  source: Source;
  unit: string;
  selected: string | null;
  onSelect: (name: string | null) => void;
  keyMatch: Uint8Array | null;
}

export function Sandwich(props: Props) {
  const { result, source, selected, onSelect } = props;
  const summary = source.summary;
  const top = result.top;
  if (selected === null) {
    const picks = Array.from(top.keys.keys())
      .sort((a, b) => Math.abs(top.cum[b]) - Math.abs(top.cum[a]))
      .slice(0, 12);
    return (
      <section className="sandwich sandwich-empty" data-testid="sandwich">
        <p>
          Pick a function to see its callers and callees: alt-click a frame in the flame graph, click a row of the Top table, or choose one of the heaviest
          functions here.
        </p>
        <ul className="pick-list">
          {picks.map((i) => {
            const name = summary.nodeNames[top.keys[i]] ?? '';
            return (
              <li key={i}>
                <button type="button" onClick={() => onSelect(name)} title={name}>
                  <span className="pick-name">{name}</span>
                  <span className="pick-val">{fmtPct(top.cum[i], top.total)} cum</span>
                </button>
              </li>
            );
          })}
        </ul>
      </section>
    );
  }
  const key = source.nameIndex.get(selected);
  if (key === undefined) {
    return (
      <section className="sandwich sandwich-empty" data-testid="sandwich">
        <p>
          The selected function <code>{selected}</code> is not in this profile.
        </p>
        <button type="button" onClick={() => onSelect(null)}>
          Clear the selection
        </button>
      </section>
    );
  }
  if (result.query.focusKey !== key || !result.callers || !result.callees) {
    return (
      <section className="sandwich sandwich-empty" data-testid="sandwich" aria-busy="true">
        <p>Computing callers and callees of {selected}…</p>
      </section>
    );
  }
  let row = -1;
  for (let i = 0; i < top.keys.length; i++) if (top.keys[i] === key) row = i;
  const flat = row >= 0 ? top.flat[row] : 0;
  const cum = row >= 0 ? top.cum[row] : 0;
  return <SandwichPanels key={`${selected}\u0000${result.query.sampleType}`} {...props} selected={selected} flat={flat} cum={cum} />;
}

/** One half of the sandwich: a flame graph of the callers or the callees, with its own zoom. */
function SandwichPane(props: Props & { tree: CallTree; side: 'callers' | 'callees'; total: number }) {
  const { tree, side, total, source, unit, selected, onSelect, keyMatch } = props;
  const [zoom, setZoom] = useState<string[]>([]);
  const callers = side === 'callers';
  return (
    <div className="sandwich-pane">
      <h3 className="pane-title">
        {callers ? 'Callers' : 'Callees'} <span className="pane-sub">{callers ? '(who calls it — read upwards)' : '(what it calls — read downwards)'}</span>
      </h3>
      <FlameGraph
        tree={tree}
        summary={source.summary}
        nameIndex={source.nameIndex}
        unit={unit}
        profileTotal={total}
        zoomPath={zoom}
        onZoom={setZoom}
        selected={selected}
        onSelect={onSelect}
        keyMatch={keyMatch}
        icicle={!callers}
        rootName={callers ? 'all callers' : 'all callees'}
        testId={`sandwich-${side}`}
        maxFrames={1500}
      />
    </div>
  );
}

function SandwichPanels(props: Props & { selected: string; flat: number; cum: number }) {
  const { result, unit, selected, onSelect, flat, cum } = props;
  const total = result.top.total;
  return (
    <section className="sandwich" data-testid="sandwich" data-function={selected}>
      <SandwichPane {...props} tree={result.callers!} side="callers" total={total} />
      <div className="sandwich-fn" data-testid="sandwich-function">
        <span className="fn-name" title={selected}>
          {selected}
        </span>
        <span className="fn-stats">
          flat {fmtValue(flat, unit)} ({fmtPct(flat, total)}) · cum {fmtValue(cum, unit)} ({fmtPct(cum, total)})
        </span>
        <button type="button" className="link-button" onClick={() => onSelect(null)}>
          clear
        </button>
      </div>
      {result.focusLabels.length > 0 && (
        <div className="sandwich-labels" data-testid="focus-labels">
          <span className="labels-title">Labels of its samples:</span>
          {result.focusLabels.map((l) => (
            <span key={`${l.key}\u0000${l.value}`} className="label-chip" data-key={l.key} data-value={l.value} title={`${l.samples} samples`}>
              {l.key}={l.value} <span className="label-share">{fmtPct(l.weight, cum)}</span>
            </span>
          ))}
        </div>
      )}
      <SandwichPane {...props} tree={result.callees!} side="callees" total={total} />
    </section>
  );
}
