// The four-dimension tuning checklist: the rule registry, evaluation over all loaded
// evidence, thresholds in the URL, and the Markdown for a postmortem document.
// Adding a rule = one file in rules/ + one line in RULES.

import type { SourceEvidence } from './evidence';
import { blockedLong } from './rules/blockedLong';
import { concurrentMap } from './rules/concurrentMap';
import { cpuMemoryShare } from './rules/cpuMemoryShare';
import { gcAssistShare } from './rules/gcAssistShare';
import { gcCpuShare } from './rules/gcCpuShare';
import { gcStwP99 } from './rules/gcStwP99';
import { gomaxprocs } from './rules/gomaxprocs';
import { goroutineLeak } from './rules/goroutineLeak';
import { heapGoal } from './rules/heapGoal';
import { heapGrowth } from './rules/heapGrowth';
import { hotUpgrade } from './rules/hotUpgrade';
import { latencySpike } from './rules/latencySpike';
import { lockWait } from './rules/lockWait';
import { mapMemory } from './rules/mapMemory';
import { mmu } from './rules/mmu';
import { schedWaitP99 } from './rules/schedWaitP99';
import { DIMENSIONS, type Rule, type RuleResult, type Status, type Threshold, type ThresholdValues } from './types';

export { collectEvidence, type EvidenceInput, type SourceEvidence } from './evidence';
export * from './types';

/** Every rule, grouped by dimension in the order reports list them. */
export const RULES: readonly Rule[] = [
  // resource
  gcCpuShare,
  cpuMemoryShare,
  concurrentMap,
  // call chain
  gcStwP99,
  latencySpike,
  gcAssistShare,
  schedWaitP99,
  lockWait,
  blockedLong,
  // configuration
  gomaxprocs,
  heapGoal,
  hotUpgrade,
  // capacity
  goroutineLeak,
  heapGrowth,
  mmu,
  mapMemory,
];

/** Every threshold of every rule, by id. */
export function allThresholds(rules: readonly Rule[] = RULES): Map<string, Threshold> {
  const m = new Map<string, Threshold>();
  for (const r of rules) for (const t of r.thresholds) m.set(t.id, t);
  return m;
}

/** Defaults with the given overrides applied (unknown ids and non-finite values are ignored). */
export function resolveThresholds(overrides: ThresholdValues = {}, rules: readonly Rule[] = RULES): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, t] of allThresholds(rules)) {
    const v = overrides[id];
    out[id] = typeof v === 'number' && Number.isFinite(v) ? v : t.default;
  }
  return out;
}

export function evaluateChecklist(evidence: readonly SourceEvidence[], overrides: ThresholdValues = {}, rules: readonly Rule[] = RULES): RuleResult[] {
  const thr = resolveThresholds(overrides, rules);
  return rules.map((r) => {
    let o;
    try {
      o = r.evaluate(evidence, thr);
    } catch (e) {
      // One broken rule must not hide the others' results.
      o = { status: 'cannot-evaluate' as Status, measured: '', values: {}, reason: `rule failed: ${e instanceof Error ? e.message : String(e)}`, link: null };
    }
    return {
      ...o,
      rule: r.id,
      title: r.title,
      dimension: r.dimension,
      needs: r.needs,
      thresholds: r.thresholds.map((t) => ({ id: t.id, value: thr[t.id], unit: t.unit, isDefault: thr[t.id] === t.default, source: t.source })),
    };
  });
}

/** Threshold overrides for the URL hash value of `thr=`: `gc.stwP99Ms:5;latency.windowMs:100`
 * (only values that differ from the defaults, sorted by id; '' when none). */
export function encodeThresholds(overrides: ThresholdValues, rules: readonly Rule[] = RULES): string {
  const all = allThresholds(rules);
  return Object.keys(overrides)
    .filter((id) => all.has(id) && Number.isFinite(overrides[id]) && overrides[id] !== all.get(id)!.default)
    .sort()
    .map((id) => `${id}:${overrides[id]}`)
    .join(';');
}

/** Parses encodeThresholds' text; unknown ids and malformed values are dropped. */
export function decodeThresholds(text: string, rules: readonly Rule[] = RULES): Record<string, number> {
  const all = allThresholds(rules);
  const out: Record<string, number> = {};
  for (const part of text.split(';')) {
    const c = part.lastIndexOf(':');
    if (c <= 0) continue;
    const id = decodeURIComponent(part.slice(0, c));
    const raw = part.slice(c + 1);
    if (!/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(raw)) continue;
    const v = Number(raw);
    if (all.has(id) && Number.isFinite(v)) out[id] = v;
  }
  return out;
}

const STATUS_TEXT: Record<Status, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', 'cannot-evaluate': 'n/a' };
const DIMENSION_TEXT: Record<string, string> = { resource: 'Resource', 'call-chain': 'Call chain', configuration: 'Configuration', capacity: 'Capacity' };

/** Status counts. */
export function checklistCounts(results: readonly RuleResult[]): Record<Status, number> {
  const c: Record<Status, number> = { pass: 0, warn: 0, fail: 0, 'cannot-evaluate': 0 };
  for (const r of results) c[r.status]++;
  return c;
}

function cell(s: string): string {
  // Untrusted text (frame names, file names) stays text in Markdown: escape what would format.
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[<>]/g, (ch) => (ch === '<' ? '&lt;' : '&gt;')).replace(/[`*_[\]]/g, (ch) => `\\${ch}`).replace(/\s*\n\s*/g, ' ');
}

/** The checklist as Markdown for a postmortem document: one table per dimension. */
export function checklistMarkdown(results: readonly RuleResult[], opts: { title?: string; sources?: readonly SourceEvidence[] } = {}): string {
  const c = checklistCounts(results);
  const lines = [`## ${opts.title ?? 'Tuning checklist'}`, ''];
  lines.push(`${c.fail} fail, ${c.warn} warn, ${c.pass} pass, ${c['cannot-evaluate']} not evaluated.`);
  if (opts.sources && opts.sources.length > 0) {
    lines.push('', 'Evidence:', ...opts.sources.map((s, i) => `${i + 1}. ${cell(s.name)} — ${s.what}`));
  }
  for (const d of DIMENSIONS) {
    const rs = results.filter((r) => r.dimension === d);
    if (rs.length === 0) continue;
    lines.push('', `### ${DIMENSION_TEXT[d]}`, '', '| Status | Rule | Measured | Threshold | Why |', '|---|---|---|---|---|');
    for (const r of rs) {
      const thr = r.thresholds.map((t) => `${t.id} = ${t.value} ${t.unit}${t.isDefault ? '' : ' (changed)'}`).join('; ');
      const measured = r.status === 'cannot-evaluate' ? `needs ${r.needs}` : r.measured;
      const src = r.link && opts.sources?.[r.link.source] ? ` [${cell(opts.sources[r.link.source].name)}]` : '';
      lines.push(`| ${STATUS_TEXT[r.status]} | ${cell(r.title)} | ${cell(measured)}${src} | ${cell(thr || '—')} | ${cell(r.reason)} |`);
    }
  }
  const sources = new Map<string, string>();
  for (const r of results) for (const t of r.thresholds) sources.set(t.id, t.source);
  if (sources.size > 0) {
    lines.push('', 'Threshold sources:', ...[...sources].map(([id, s]) => `- ${id}: ${cell(s)}`));
  }
  return `${lines.join('\n')}\n`;
}
