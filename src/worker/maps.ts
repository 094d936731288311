// Map snapshots and simulations in the worker: sniffing a snapshot JSON (schema
// stacklens.mapsnap/v1) without touching formats/index.ts, and one simulator step.

import { mapStats } from '../analysis/maps/stats';
import { SIM_NOTE, effectiveGoVersion, parseSimScript, simulate } from '../analysis/maps/simulate';
import { MAPSNAP_SCHEMA, type MapSnapshot } from '../formats/mapsnap/schema';
import { parseMapSnapshotLenient } from '../formats/mapsnap/parse';
import type { SimulationResult, SourceSummary } from './protocol';

/** Cheap test: JSON object text whose head names the map-snapshot schema. */
export function looksLikeMapSnapshot(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] !== 0x7b) return false;
  const head = new TextDecoder().decode(bytes.subarray(i, i + 4096));
  return head.includes(MAPSNAP_SCHEMA);
}

function emptySummary(name: string, byteLength: number, decodeMs: number, snapshot: MapSnapshot): SourceSummary {
  return {
    name,
    format: 'map-snapshot',
    encoding: `Go map snapshot (${MAPSNAP_SCHEMA}, ${snapshot.layout})`,
    byteLength,
    sampleTypes: [],
    defaultSampleType: 0,
    periodType: null,
    period: 0,
    timeNanos: '0',
    durationNanos: 0,
    comments: [],
    warnings: [],
    dropFrames: '',
    keepFrames: '',
    docUrl: '',
    counts: { samples: 0, locations: 0, functions: 0, mappings: 0, stacks: 0, labels: 0 },
    totals: [],
    mappings: [],
    labels: [],
    nodeNames: [],
    nodeFullNames: [],
    nodeKinds: new Uint8Array(0),
    nodeFiles: [],
    decodeMs,
  };
}

/**
 * Parses a snapshot (lenient: bad elements are dropped and reported). Returns null when
 * the JSON is not a map snapshot after all (then the bytes go to decodeAny).
 */
export function mapSourceSummary(bytes: Uint8Array) {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null || (json as { schema?: unknown }).schema !== MAPSNAP_SCHEMA) return null;
  const { snapshot, problems } = parseMapSnapshotLenient(json);
  const p = problems.map((e) => e.message);
  return {
    map: { snapshot, problems: p },
    summary: (name: string, byteLength: number, decodeMs: number): SourceSummary => {
      const s = emptySummary(name, byteLength, decodeMs, snapshot);
      if (p.length > 0) s.warnings.push(`${p.length} malformed element(s) dropped: ${p.slice(0, 3).join('; ')}${p.length > 3 ? '; …' : ''}`);
      return s;
    },
  };
}

/** Runs `script` up to `step` (1-based, clamped) and returns that step's snapshot and stats. */
export function simulateStep(script: string, step: number): SimulationResult {
  const out: SimulationResult = { script, error: null, lines: [], step: 0, events: [], counters: null, snapshot: null, stats: null, note: SIM_NOTE };
  try {
    const parsed = parseSimScript(script);
    out.lines = parsed.steps.map((s) => s.line);
    if (parsed.steps.length === 0) {
      out.error = 'the script has no steps';
      return out;
    }
    const want = Math.max(1, Math.min(parsed.steps.length, Math.floor(step) || parsed.steps.length));
    for (const st of simulate(parsed)) {
      if (st.step < want) continue;
      out.step = st.step;
      out.events = st.events;
      out.counters = st.counters;
      out.snapshot = st.snapshot;
      out.stats = mapStats(st.snapshot);
      break;
    }
    out.note = `${SIM_NOTE} (simulating ${effectiveGoVersion(parsed)})`;
  } catch (e) {
    out.error = e instanceof Error ? e.message : String(e);
  }
  return out;
}
