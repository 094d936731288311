// Types of the four-dimension tuning checklist: rules, their thresholds, and results.
// Rules read only SourceEvidence (evidence.ts) — small, JSON-able summaries of each loaded
// source — so the checklist runs the same in the worker, the UI thread and the CLI, and the
// evidence can travel in a share link.

import type { ViewSettings } from '../../state/settings';
import type { SourceEvidence } from './evidence';

/** The four dimensions of the tuning system (seed 003, chapter 5). */
export type Dimension = 'resource' | 'call-chain' | 'configuration' | 'capacity';
export const DIMENSIONS: readonly Dimension[] = ['resource', 'call-chain', 'configuration', 'capacity'];

export type Status = 'pass' | 'warn' | 'fail' | 'cannot-evaluate';

/** Where in the workbench a number can be seen: a partial view state (settings.ts field names). */
export type Where = Partial<ViewSettings>;

/** A link from a result to the evidence: which loaded source, and the view state to open. */
export interface EvidenceLink {
  /** Index of the source in the evidence list given to evaluateChecklist. */
  source: number;
  settings: Where;
}

export interface Threshold {
  /** Stable id used in the URL (`thr=<id>:<value>;…`), e.g. `gc.stwP99Ms`. */
  id: string;
  /** What the number means, short. */
  label: string;
  default: number;
  /** Unit as shown: `ms`, `%`, `×`, `goroutines`, `minutes`, … */
  unit: string;
  /** Where the default comes from (seed + section, the Go runtime, or a stated stacklens choice). */
  source: string;
}

export type ThresholdValues = Readonly<Record<string, number>>;

/** What a rule's evaluation returns (the registry adds id, title and dimension). */
export interface RuleOutcome {
  status: Status;
  /** The measured numbers as one line of text. */
  measured: string;
  /** The same numbers by name (for JSON, tests and the UI). */
  values: Record<string, number>;
  /** Why this status: the comparison with the threshold, or what evidence is missing. */
  reason: string;
  link: EvidenceLink | null;
}

export interface Rule {
  id: string;
  title: string;
  dimension: Dimension;
  /** The evidence the rule reads, as a reader would name it: "a Go execution trace". */
  needs: string;
  thresholds: Threshold[];
  evaluate(evidence: readonly SourceEvidence[], thresholds: ThresholdValues): RuleOutcome;
}

export interface RuleResult extends RuleOutcome {
  rule: string;
  title: string;
  dimension: Dimension;
  needs: string;
  /** The thresholds in force (defaults with overrides applied). */
  thresholds: { id: string; value: number; unit: string; isDefault: boolean; source: string }[];
}
