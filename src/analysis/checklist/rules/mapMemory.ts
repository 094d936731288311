import type { Rule } from '../types';
import { fmtBytes } from '../stats';
import { perSource } from './common';

export const mapMemory: Rule = {
  id: 'map-memory',
  title: 'Map memory held vs needed (maps never shrink)',
  dimension: 'capacity',
  needs: 'a Go map snapshot (go/mapsnap)',
  thresholds: [
    {
      id: 'maps.heldRatio',
      label: 'fail when the map holds this many times what a fresh map would',
      default: 4,
      unit: '×',
      source: "stacklens criterion (analysis/maps/stats.ts); maps never release buckets/tables after deletes (golang/go#20135); seed 004 ch. 3 reads map structure from hmap's B and buckets",
    },
    { id: 'maps.minExcessKiB', label: 'and the excess is at least', default: 16, unit: 'KiB', source: 'stacklens criterion (analysis/maps/stats.ts): small maps are not worth copying' },
  ],
  evaluate(evidence, thr) {
    return perSource(
      evidence,
      (e) => e.map,
      (m) => {
        const ratio = m.bytesNeeded > 0 ? m.bytesHeld / m.bytesNeeded : 0;
        const excess = m.bytesHeld - m.bytesNeeded;
        const measured = `${m.label ? `${m.label}: ` : ''}${m.count} live entries in a ${m.layout} map holding ${fmtBytes(m.bytesHeld)}; a fresh map needs ~${fmtBytes(m.bytesNeeded)} (${ratio.toFixed(1)}×)`;
        const values = { count: m.count, bytesHeld: m.bytesHeld, bytesNeeded: m.bytesNeeded, ratio };
        if (ratio >= thr['maps.heldRatio'] && excess >= thr['maps.minExcessKiB'] * 1024)
          return { status: 'fail', measured, values, reason: `${ratio.toFixed(1)}× ≥ ${thr['maps.heldRatio']}× and ${fmtBytes(excess)} ≥ ${thr['maps.minExcessKiB']} KiB: ${m.remedy ?? 'copy the live entries into a new map'}`, where: m.where };
        return { status: 'pass', measured, values, reason: `${ratio.toFixed(1)}× < ${thr['maps.heldRatio']}× or less than ${thr['maps.minExcessKiB']} KiB to win`, where: m.where };
      },
      'needs a map snapshot (stacklens.mapsnap/v1 JSON written by go/mapsnap)',
    );
  },
};
