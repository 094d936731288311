// Sample labels: what keys and values a profile carries (for the tag-focus picker) and
// which samples a tag focus keeps — pprof's -tagfocus, with exact value matching.

import type { StackProfile } from '../model/profile';

export interface LabelValueCount {
  value: string;
  samples: number;
}

export interface LabelKeySummary {
  key: string;
  numeric: boolean;
  unit: string;
  values: LabelValueCount[];
  /** Values beyond the cap are counted here, not listed. */
  moreValues: number;
}

export interface TagFilter {
  key: string;
  values: string[];
}

/** The text a label value shows as; numeric labels print with their unit ("1024 bytes"). */
export function labelValueText(p: StackProfile, row: number): string {
  const l = p.labels;
  if (l.str[row] >= 0) return p.strings[l.str[row]];
  const unit = l.unit[row] >= 0 ? p.strings[l.unit[row]] : '';
  return unit ? `${l.num[row]} ${unit}` : String(l.num[row]);
}

export function labelSummary(p: StackProfile, maxValues = 200): LabelKeySummary[] {
  const byKey = new Map<string, { numeric: boolean; unit: string; counts: Map<string, number> }>();
  const l = p.labels;
  for (let i = 0; i < l.length; i++) {
    const key = p.strings[l.key[i]];
    let e = byKey.get(key);
    if (!e) {
      e = { numeric: l.str[i] < 0, unit: l.unit[i] >= 0 ? p.strings[l.unit[i]] : '', counts: new Map() };
      byKey.set(key, e);
    }
    const v = labelValueText(p, i);
    e.counts.set(v, (e.counts.get(v) ?? 0) + 1);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, e]) => {
      const values = [...e.counts.entries()].map(([value, samples]) => ({ value, samples })).sort((a, b) => b.samples - a.samples);
      return { key, numeric: e.numeric, unit: e.unit, values: values.slice(0, maxValues), moreValues: Math.max(0, values.length - maxValues) };
    });
}

/**
 * 1 for samples that pass every filter: for each filtered key the sample must carry
 * that key with one of the listed values. null when there is nothing to filter.
 */
export function tagFocusMask(p: StackProfile, filters: TagFilter[]): Uint8Array | null {
  const active = filters.filter((f) => f.values.length > 0);
  if (active.length === 0) return null;
  const wanted = active.map((f) => ({ key: f.key, values: new Set(f.values) }));
  const n = p.samples.length;
  const mask = new Uint8Array(n);
  const starts = p.samples.labelStart;
  const hit = new Uint8Array(wanted.length);
  for (let s = 0; s < n; s++) {
    hit.fill(0);
    for (let r = starts[s]; r < starts[s + 1]; r++) {
      const key = p.strings[p.labels.key[r]];
      for (let w = 0; w < wanted.length; w++) {
        if (wanted[w].key === key && wanted[w].values.has(labelValueText(p, r))) hit[w] = 1;
      }
    }
    mask[s] = hit.every((h) => h === 1) ? 1 : 0;
  }
  return mask;
}

export interface LabelShare {
  key: string;
  value: string;
  /** Σ sample weight of the function's samples that carry this label value. */
  weight: number;
  samples: number;
}

/**
 * The labels on the samples that run through function `func` (anywhere on the stack, as
 * cum counts them), heaviest first: which handler, tenant or object size a frame's time
 * belongs to.
 */
export function labelsOfFunction(p: StackProfile, weights: Float64Array, func: number, max = 40): LabelShare[] {
  const keys = new Map<string, Map<string, { weight: number; samples: number }>>();
  const { stack: sampleStack, labelStart } = p.samples;
  const { prefix, func: stackFunc } = p.stacks;
  // A stack contains `func` if it is `func` or its prefix contains it; prefixes come first.
  const has = new Uint8Array(p.stacks.length);
  for (let st = 0; st < has.length; st++) has[st] = stackFunc[st] === func || (prefix[st] >= 0 && has[prefix[st]] === 1) ? 1 : 0;
  for (let s = 0; s < sampleStack.length; s++) {
    const w = weights[s];
    const top = sampleStack[s];
    if (w === 0 || top < 0 || has[top] === 0) continue;
    for (let r = labelStart[s]; r < labelStart[s + 1]; r++) {
      const key = p.strings[p.labels.key[r]];
      let byValue = keys.get(key);
      if (!byValue) keys.set(key, (byValue = new Map()));
      const value = labelValueText(p, r);
      const e = byValue.get(value) ?? { weight: 0, samples: 0 };
      e.weight += w;
      e.samples++;
      byValue.set(value, e);
    }
  }
  const out: LabelShare[] = [];
  for (const [key, byValue] of keys) for (const [value, e] of byValue) out.push({ key, value, ...e });
  out.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.key < b.key ? -1 : 1));
  return out.slice(0, max);
}
