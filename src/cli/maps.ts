// `stacklens map <snapshot.json> --json` and `stacklens map --simulate <script> --json`:
// derived statistics of a Go map snapshot (stacklens.mapsnap/v1), or of every step of
// a simulation script; `stacklens map --hotspots <profile>`: samples inside the runtime's
// map code grouped by the calling function (src/analysis/maps/hotspots.ts).

import { parseMapSnapshot } from '../formats/mapsnap/parse';
import { mapStats, type MapStats } from '../analysis/maps/stats';
import { SIM_NOTE, effectiveGoVersion, parseSimScript, simulate, type SimCounters, type SimEvent } from '../analysis/maps/simulate';
import { hotspotsCaveat, mapHotspots, type MapHotspots } from '../analysis/maps/hotspots';
import { percentage, scaledLabel } from '../analysis/units';
import type { StackProfile } from '../model/profile';

export interface MapCommandInput {
  /** Text of a snapshot JSON file. */
  snapshotJson?: string;
  /** Text of a simulation script (see src/analysis/maps/simulate.ts). */
  simulateScript?: string;
}

export interface MapSimulationStepJson {
  step: number;
  line: string;
  events: SimEvent[];
  counters: SimCounters;
  stats: MapStats;
}

export interface MapSimulationJson {
  format: 'map-simulation';
  layout: 'swiss' | 'classic';
  seed: number;
  goVersion: string;
  note: string;
  steps: MapSimulationStepJson[];
}

/** Statistics JSON for a snapshot, or per-step statistics for a simulation script. */
export function mapCommand(input: MapCommandInput): MapStats | MapSimulationJson {
  if ((input.snapshotJson === undefined) === (input.simulateScript === undefined)) {
    throw new Error('map: give exactly one of a snapshot file or --simulate <script>');
  }
  if (input.snapshotJson !== undefined) return mapStats(parseMapSnapshot(input.snapshotJson));
  const script = parseSimScript(input.simulateScript!);
  const steps: MapSimulationStepJson[] = [];
  for (const st of simulate(script, { slots: true })) {
    steps.push({ step: st.step, line: st.line, events: st.events, counters: st.counters, stats: mapStats(st.snapshot) });
  }
  return {
    format: 'map-simulation',
    layout: script.layout,
    seed: script.seed,
    goVersion: effectiveGoVersion(script),
    note: `${SIM_NOTE} (seed ${script.seed}; change it with "seed N")`,
    steps,
  };
}

// ---------------------------------------------------------------------------------
// `stacklens map --hotspots <profile> [--json] [--sample <type>]`

export interface MapHotspotsJson extends MapHotspots {
  format: 'map-hotspots';
  caveat: string | null;
}

/** Map hotspots of a decoded profile: JSON (every sample type) or a table of one sample type. */
export function mapHotspotsCommand(p: StackProfile, name: string, json: boolean, sampleType: number): string {
  const h = mapHotspots(p);
  const caveat = hotspotsCaveat(h);
  if (json) {
    const out: MapHotspotsJson = { format: 'map-hotspots', ...h, caveat };
    return JSON.stringify(out);
  }
  const t = h.sampleTypes[sampleType] ?? { type: '', unit: '' };
  const lines: string[] = [];
  const total = h.profileTotals[sampleType] ?? 0;
  const inMaps = h.mapTotals[sampleType] ?? 0;
  lines.push(`${h.heap ? 'Map growth hotspots' : 'Map function hotspots'} in ${name} (${t.type}): ${scaledLabel(inMaps, t.unit)} of ${scaledLabel(total, t.unit)} (${percentage(inMaps, total).trim()}) in ${h.mapSamples} of ${h.totalSamples} samples pass through map code`);
  if (caveat) lines.push(`note: ${caveat}`);
  if (h.rows.length === 0) {
    lines.push('no sample has a map frame');
    return lines.join('\n');
  }
  const header = h.sampleTypes.map((s) => s.type);
  lines.push(['caller', ...header].join('\t'));
  for (const r of h.rows) {
    lines.push([r.caller + (r.reachedFrom ? ` (from ${r.reachedFrom})` : ''), ...r.values.map((v, i) => scaledLabel(v, h.sampleTypes[i]!.unit))].join('\t'));
    for (const path of r.paths) {
      lines.push([`  ${path.entry}${path.site !== path.entry ? ` → ${path.site}` : ''}`, ...path.values.map((v, i) => scaledLabel(v, h.sampleTypes[i]!.unit))].join('\t'));
    }
  }
  return lines.join('\n');
}
