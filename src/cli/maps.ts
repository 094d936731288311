// `stacklens map <snapshot.json> --json` and `stacklens map --simulate <script> --json`:
// derived statistics of a Go map snapshot (stacklens.mapsnap/v1), or of every step of
// a simulation script. Plain JSON-able data; the lead wires it into src/cli/main.ts.

import { parseMapSnapshot } from '../formats/mapsnap/parse';
import { mapStats, type MapStats } from '../analysis/maps/stats';
import { SIM_NOTE, effectiveGoVersion, parseSimScript, simulate, type SimCounters, type SimEvent } from '../analysis/maps/simulate';

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
