// The worker's load path for a Go execution trace, in one streaming pass: decodeAny hands
// each generation to `generation()` (DecodeOptions.traceSink) as soon as it is read; its
// events are ordered and fed to the Timeline view's builder and to the checklist's trace
// evidence at once, and the generation is dropped before the next one is read. Nothing
// outlives its generation but the view data and the evidence, so the tab holds the file,
// one generation and the results (the CLI, which keeps every generation, computes the
// same results from the whole list: traceViewData, traceEvidence).

import { traceEvidenceCollector, type TraceEvidence } from '../checklist/traceEvidence';
import type { Generation } from '../../formats/gotrace/model';
import type { GenerationOrderer } from '../../formats/gotrace/order';
import { traceEventPusher, type TraceEvent } from './states';
import { traceViewBuilder, type TraceViewBuilder, type TraceViewData } from './view';

export interface TraceLoadResult {
  /** Null when the events could not be ordered (then `error` says why). */
  view: TraceViewData | null;
  evidence: TraceEvidence | null;
  error: string | null;
}

export class TraceLoader {
  private view: TraceViewBuilder | null = null;
  private evidence: ReturnType<typeof traceEvidenceCollector> | null = null;
  private orderer: GenerationOrderer | null = null;
  private error: string | null = null;

  /** For DecodeOptions.traceSink: never throws (a broken trace costs the timeline and the evidence, not the load). */
  readonly generation = (g: Generation): void => {
    if (this.error !== null) return;
    try {
      if (this.orderer === null) {
        // The origin is the first generation's sync (the earliest one in a well-formed trace).
        const view = (this.view = traceViewBuilder(g.syncTimeNs));
        const evidence = (this.evidence = traceEvidenceCollector(g.syncTimeNs));
        this.orderer = traceEventPusher(
          (e: TraceEvent) => {
            view.event(e);
            evidence.event(e);
          },
          { reuse: true, slots: true },
        );
      }
      this.view!.generation(g);
      this.orderer.push(g);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  };

  private result: TraceLoadResult | null = null;

  /** The results (computed once: the builders are dropped as soon as they are done). */
  finish(): TraceLoadResult {
    this.result ??= this.compute();
    return this.result;
  }

  private compute(): TraceLoadResult {
    if (this.error === null && this.orderer !== null) {
      try {
        this.orderer.finish();
        this.orderer = null; // its per-goroutine state is done with
        // The evidence first, and dropped: its wait samples (one per running span) can be
        // reclaimed before the span columns are laid out in their final arrays.
        const evidence = this.evidence!.finish();
        this.evidence = null;
        const view = this.view!.finish();
        this.view = null;
        return { view, evidence, error: null };
      } catch (e) {
        this.error = e instanceof Error ? e.message : String(e);
      }
    }
    // No generation at all: an empty timeline and evidence, like the whole-list functions give.
    if (this.error === null) return { view: traceViewBuilder(0).finish(), evidence: traceEvidenceCollector(0).finish(), error: null };
    return { view: null, evidence: null, error: this.error };
  }
}
