// Helpers shared by the rules: evaluating a rule on every source that carries the evidence
// it reads and keeping the worst result, and the wording of statuses.

import type { SourceEvidence } from '../evidence';
import type { RuleOutcome, Status, Where } from '../types';

const RANK: Record<Status, number> = { 'cannot-evaluate': 0, pass: 1, warn: 2, fail: 3 };

export function worse(a: Status, b: Status): Status {
  return RANK[a] >= RANK[b] ? a : b;
}

export function cannot(reason: string): RuleOutcome {
  return { status: 'cannot-evaluate', measured: '', values: {}, reason, link: null };
}

/** One source's result; `where` is turned into a link to that source. */
export interface SourceOutcome {
  status: Status;
  measured: string;
  values: Record<string, number>;
  reason: string;
  where: Where | null;
}

/**
 * Evaluates `one` on every source for which `pick` returns evidence and keeps the worst
 * result (its link and values); with several evaluated sources, measured texts are listed
 * per file. Sources that cannot be evaluated count only when none can: then their reasons
 * (or `missing`, when no source has the evidence) explain why.
 */
export function perSource<T>(
  evidence: readonly SourceEvidence[],
  pick: (e: SourceEvidence) => T | undefined | null,
  one: (x: T, e: SourceEvidence) => SourceOutcome,
  missing: string,
): RuleOutcome {
  const done: { i: number; o: SourceOutcome }[] = [];
  const unable: string[] = [];
  evidence.forEach((e, i) => {
    const x = pick(e);
    if (x === undefined || x === null) return;
    const o = one(x, e);
    if (o.status === 'cannot-evaluate') unable.push(`${e.name}: ${o.reason}`);
    else done.push({ i, o });
  });
  if (done.length === 0) return cannot(unable.length > 0 ? unable.join('; ') : missing);
  let best = done[0];
  for (const d of done) if (RANK[d.o.status] > RANK[best.o.status]) best = d;
  const measured = done.length === 1 ? best.o.measured : done.map((d) => `${evidence[d.i].name}: ${d.o.measured}`).join('; ');
  const reason = done.length === 1 ? best.o.reason : `${evidence[best.i].name}: ${best.o.reason}`;
  return { status: best.o.status, measured, values: best.o.values, reason, link: best.o.where ? { source: best.i, settings: best.o.where } : null };
}

/** pass / warn / fail for "higher is worse" against a fail line and an optional warn line. */
export function grade(value: number, fail: number, warn?: number): Status {
  if (value > fail) return 'fail';
  if (warn !== undefined && value > warn) return 'warn';
  return 'pass';
}

export const ms = (ns: number): number => ns / 1e6;
