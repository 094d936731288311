// Shared by the checklist tests: evidence of committed fixtures (computed once per file) and
// the lesson fixtures of tools/gen/servicetrace and tools/gen/restartloop.

import path from 'node:path';
import { evidenceOfFile } from '../../src/cli/check';
import { evaluateChecklist, type RuleResult, type SourceEvidence, type ThresholdValues } from '../../src/analysis/checklist';
import { repoRoot } from '../helpers/corpus';

export const LESSONS = {
  healthy: 'testdata/lessons/service-healthy.trace',
  gcPressure: 'testdata/lessons/gc-pressure.trace',
  gcPressureCpu: 'testdata/lessons/gc-pressure.cpu.pb.gz',
  stw: 'testdata/lessons/stw-tight-loop.trace',
  sched: 'testdata/lessons/sched-latency.trace',
  leakTrace: 'testdata/lessons/goroutine-leak.trace',
  leakProfile: 'testdata/lessons/goroutine-leak.goroutine.pb.gz',
  leakDump: 'testdata/lessons/goroutine-leak.debug2.txt',
  mutexTrace: 'testdata/lessons/mutex-contention.trace',
  mutexProfile: 'testdata/lessons/mutex-contention.mutex.pb.gz',
  restartLoop: 'testdata/lessons/restart-loop.perf.txt',
} as const;

export const abs = (rel: string): string => path.join(repoRoot, rel);

const cache = new Map<string, Promise<SourceEvidence>>();

/** Evidence of a repository file (relative path), as `stacklens check` computes it. */
export function evidence(rel: string): Promise<SourceEvidence> {
  let p = cache.get(rel);
  if (!p) cache.set(rel, (p = evidenceOfFile(abs(rel), rel)));
  return p;
}

/** The result of one rule on the given files together. */
export async function ruleOn(rule: string, files: string[], thresholds: ThresholdValues = {}): Promise<RuleResult> {
  const ev = await Promise.all(files.map(evidence));
  const r = evaluateChecklist(ev, thresholds).find((x) => x.rule === rule);
  if (!r) throw new Error(`no rule ${rule}`);
  return r;
}
