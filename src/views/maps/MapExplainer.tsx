// The Map view's explanation of one runtime map function (settings.mapfn, `#mapfn=` in
// the URL): what it does to the layout drawn beside it, in which Go versions it exists,
// the counters it reads or changes (with their values in the map shown, and highlighted
// in the statistics), what it can crash with, where it shows up in profiles, and — when
// the loaded source is a dump or a profile — where this source met it. The function name
// comes from a URL, a dump or a profile: it is rendered as text only.

import { COUNTER_LABELS, MAP_FUNCTIONS, mapFunctionEntry, variantNote, type MapCounter, type MapFunctionEntry } from '../../analysis/maps/functions';
import type { MapHotspots } from '../../analysis/maps/hotspots';
import type { MapStats } from '../../analysis/maps/stats';
import type { MapSnapshot } from '../../formats/mapsnap/schema';
import { actions } from '../../state/store';
import type { DumpSummary } from '../../worker/protocol';
import { fmtValue } from '../format';

function fmtBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** A counter's value in the map shown, or null when the drawn layout has no such counter. */
export function counterValue(id: MapCounter, snap: MapSnapshot | null, stats: MapStats | null): string | null {
  if (!snap || !stats) return null;
  const sw = stats.swiss;
  const cl = stats.classic;
  switch (id) {
    case 'count':
      return stats.count.toLocaleString();
    case 'used':
      return sw ? sw.used.value.toLocaleString() : null;
    case 'capacity':
      return sw ? sw.capacity.value.toLocaleString() : null;
    case 'growthLeft':
      return sw ? sw.growthLeft.value.toLocaleString() : null;
    case 'tombstones':
      return sw ? sw.tombstones.value.toLocaleString() : null;
    case 'load':
      return sw ? `${sw.load.value.toFixed(3)} (grows at ${sw.maxLoad.toFixed(3)})` : cl ? `${cl.load.value.toFixed(3)} per bucket (grows past 6.5)` : null;
    case 'tables':
      return sw ? (sw.small ? 'small map: no table, no directory' : `${sw.tables} table${sw.tables === 1 ? '' : 's'}, directory ${sw.dirLen}, global depth ${sw.globalDepth}`) : null;
    case 'writing':
      return snap.swiss ? String(snap.swiss.writing) : snap.classic ? `hashWriting ${snap.classic.flags & 4 ? 'set' : 'clear'}` : null;
    case 'seed':
      return snap.swiss?.seed ?? snap.classic?.hash0 ?? null;
    case 'clearSeq':
      return snap.swiss ? String(snap.swiss.clearSeq) : null;
    case 'B':
      return cl ? `${cl.B} (${cl.buckets.toLocaleString()} buckets)` : null;
    case 'growThreshold':
      return cl ? `${cl.growThreshold.toLocaleString()} (${cl.insertsBeforeGrow.value.toLocaleString()} more inserts)` : null;
    case 'overflow':
      return cl ? cl.overflowBuckets.value.toLocaleString() : null;
    case 'noverflow':
      return cl ? `${cl.noverflow.value.toLocaleString()} (same-size grow at ${cl.sameSizeGrowThreshold.toLocaleString()})` : null;
    case 'emptyOne':
      return cl ? cl.emptyOne.value.toLocaleString() : null;
    case 'evacuation':
      return cl ? (cl.growing ? `${cl.evacuated.value} of ${cl.oldBuckets} evacuated` : 'not growing') : null;
    case 'flags':
      return snap.classic ? `0x${snap.classic.flags.toString(16)}` : null;
    case 'memory':
      return `${fmtBytes(stats.memory.bytesHeld.value)} held, ${fmtBytes(stats.memory.bytesNeeded.value)} needed`;
  }
}

/** Catalogue text with `code` spans (backticks), as React text nodes. */
export function Prose({ text }: { text: string }) {
  const parts = text.split('`');
  return (
    <>
      {parts.map((p, i) =>
        i % 2 === 1 ? (
          <code key={i} className="mono">
            {p}
          </code>
        ) : (
          p
        ),
      )}
    </>
  );
}

function LayoutSection({ title, lines, drawn }: { title: string; lines: string[]; drawn: boolean }) {
  return (
    <section className={drawn ? 'explain-layout drawn' : 'explain-layout'} data-layout-section={title}>
      <h4>
        {title}
        {drawn && <span className="explain-drawn"> — the layout drawn here</span>}
      </h4>
      <ol>
        {lines.map((l, i) => (
          <li key={i}>
            <Prose text={l} />
          </li>
        ))}
      </ol>
    </section>
  );
}

function DumpContext({ entry, dump }: { entry: MapFunctionEntry; dump: DumpSummary }) {
  const calls = dump.mapCalls.filter((c) => mapFunctionEntry(c.mapFunc)?.id === entry.id);
  const fatal = dump.fatalError !== null && /map/.test(dump.fatalError) ? dump.fatalError : null;
  if (calls.length === 0 && !fatal) return null;
  return (
    <div className="explain-context" data-testid="explain-dump-context">
      <h4>In this dump</h4>
      {fatal && (
        <p>
          <span className="crash-label">fatal error:</span> {fatal}
        </p>
      )}
      {calls.length > 0 && (
        <ul>
          {calls.map((c, i) => (
            <li key={i}>
              <span className="mono">{c.goroutine !== null ? `goroutine ${c.goroutine}` : `${c.count} goroutines`}</span> in <span className="mono">{c.mapFunc}</span>
              {c.caller ? (
                <>
                  {' '}
                  called from <span className="mono">{c.caller.func}</span>{' '}
                  <span className="muted mono">
                    {c.caller.file}:{c.caller.line}
                  </span>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function HotspotContext({ entry, hotspots }: { entry: MapFunctionEntry; hotspots: MapHotspots }) {
  const t = hotspots.sortedBy;
  const unit = hotspots.sampleTypes[t]?.unit ?? '';
  const hits: { caller: string; value: number }[] = [];
  for (const r of hotspots.rows) {
    let v = 0;
    for (const p of r.paths) if (mapFunctionEntry(p.entry)?.id === entry.id || mapFunctionEntry(p.site)?.id === entry.id) v += p.values[t] ?? 0;
    if (v !== 0) hits.push({ caller: r.caller, value: v });
  }
  if (hits.length === 0) return null;
  return (
    <div className="explain-context" data-testid="explain-profile-context">
      <h4>In this profile ({hotspots.sampleTypes[t]?.type})</h4>
      <ul>
        {hits.slice(0, 8).map((h, i) => (
          <li key={i}>
            <span className="mono">{h.caller}</span>: {fmtValue(h.value, unit)}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function MapFunctionIndex({ current }: { current: string | null }) {
  const currentId = current !== null ? (mapFunctionEntry(current)?.id ?? null) : null;
  const groups: { title: string; layout: MapFunctionEntry['layout'] }[] = [
    { title: 'Swiss tables (Go 1.24+)', layout: 'swiss' },
    { title: 'Both implementations', layout: 'both' },
    { title: 'Classic (Go ≤ 1.23, noswissmap)', layout: 'classic' },
  ];
  return (
    <nav className="map-fn-index" data-testid="map-fn-index" aria-label="Runtime map functions">
      <div className="stat-title">Runtime map functions</div>
      {groups.map((g) => (
        <div key={g.layout} className="map-fn-group">
          <div className="muted small">{g.title}</div>
          <ul>
            {MAP_FUNCTIONS.filter((e) => e.layout === g.layout).map((e) => (
              <li key={e.id}>
                <button
                  type="button"
                  className={e.id === currentId ? 'link-button current' : 'link-button'}
                  aria-current={e.id === currentId ? 'true' : undefined}
                  data-entry={e.id}
                  onClick={() => actions.explainMapFunction(e.names[0]!)}
                >
                  {e.title}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}

/** After "Run in the simulator": bring the heatmap (drawn once the worker answers) into view. */
function scrollToHeatmapWhenShown(): void {
  const until = performance.now() + 3000;
  const tick = () => {
    const heat = document.querySelector('.map-view .heatmap-wrap');
    if (heat) heat.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
    else if (performance.now() < until) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

interface Props {
  name: string;
  snapshot: MapSnapshot | null;
  stats: MapStats | null;
  /** A simulation is what the heatmap shows (its script is in the URL). */
  simulating: boolean;
  dump: DumpSummary | null;
  hotspots: MapHotspots | null;
}

export function MapExplainer({ name, snapshot, stats, simulating, dump, hotspots }: Props) {
  const entry = mapFunctionEntry(name);
  if (!entry) {
    return (
      <div className="map-explainer" data-testid="map-explainer" data-entry="">
        <div className="explain-head">
          <h3 className="mono">{name}</h3>
          <button type="button" className="link-button" data-testid="explain-close" onClick={() => actions.explainMapFunction(null)}>
            close
          </button>
        </div>
        <p>This is not one of the runtime’s map functions (runtime.map*, internal/runtime/maps.*, reflect.map*, maps.clone). Pick one from the list.</p>
      </div>
    );
  }
  const drawn = snapshot?.layout ?? null;
  const variant = variantNote(name);
  const sections: { title: string; lines: string[]; layout: 'swiss' | 'classic' }[] = [];
  if (entry.swiss) sections.push({ title: 'Swiss tables (Go 1.24+)', lines: entry.swiss, layout: 'swiss' });
  if (entry.classic) sections.push({ title: 'Classic buckets (Go ≤ 1.23)', lines: entry.classic, layout: 'classic' });
  // The drawn layout's paragraph first.
  if (drawn === 'classic') sections.reverse();
  const mismatch = drawn !== null && entry.layout !== 'both' && entry.layout !== drawn;
  return (
    <article className="map-explainer" data-testid="map-explainer" data-entry={entry.id} data-fn={name}>
      <div className="explain-head">
        <h3>
          <span className="mono" data-testid="explain-name">
            {name}
          </span>
        </h3>
        <button type="button" className="link-button" data-testid="explain-close" title="Close the explanation" onClick={() => actions.explainMapFunction(null)}>
          close
        </button>
      </div>
      <div className="explain-title">{entry.title}</div>
      {variant && <div className="muted small">This name: {variant}.</div>}
      <p className="explain-versions" data-testid="explain-versions">
        <strong>Go versions:</strong> <Prose text={entry.versions} />
      </p>
      <p className="muted small">
        <strong>Source:</strong> <span className="mono">{entry.source}</span>
      </p>
      <p>
        <Prose text={entry.summary} />
      </p>
      {mismatch && (
        <p className="explain-mismatch">
          The map drawn here is {drawn === 'swiss' ? 'a Swiss table' : 'a classic map'}; this function belongs to the {entry.layout} implementation only.
        </p>
      )}
      {sections.map((s) => (
        <LayoutSection key={s.layout} title={s.title} lines={s.lines} drawn={s.layout === drawn} />
      ))}
      <section className="explain-counters" data-testid="explain-counters">
        <h4>Counters {snapshot ? <span className="muted small">(values in the map {simulating ? 'simulated' : 'shown'}; highlighted in the statistics)</span> : null}</h4>
        <table className="stat-table">
          <tbody>
            {entry.counters.map((c) => {
              const v = counterValue(c.id, snapshot, stats);
              return (
                <tr key={c.id} data-counter={c.id}>
                  <th scope="row">{COUNTER_LABELS[c.id]}</th>
                  <td>
                    <Prose text={c.why} />
                  </td>
                  {snapshot && <td className="num mono">{v ?? '—'}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      {entry.fatal && (
        <section className="explain-fatal">
          <h4>Crashes</h4>
          <p>
            <Prose text={entry.fatal} />
          </p>
        </section>
      )}
      {entry.profiles && (
        <section>
          <h4>In profiles and dumps</h4>
          <p>
            <Prose text={entry.profiles} />
          </p>
        </section>
      )}
      {dump && <DumpContext entry={entry} dump={dump} />}
      {hotspots && <HotspotContext entry={entry} hotspots={hotspots} />}
      {entry.demo && (
        <section className="explain-demo">
          <h4>See it happen</h4>
          <p>
            <button type="button" className="button button-small" data-testid="explain-demo" onClick={() => {
                actions.setSimulation(entry.demo!.script);
                scrollToHeatmapWhenShown();
              }}
            >
              Run in the simulator
            </button>{' '}
            <span className="muted small">then look at {entry.demo.look}.</span>
          </p>
          <pre className="mono small explain-script">{entry.demo.script}</pre>
        </section>
      )}
    </article>
  );
}
