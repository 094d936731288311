// UI-side handle on a source worker. The only way the UI reaches decoders and analysis.

import type { MapHotspots } from '../analysis/maps/hotspots';
import { workerScript } from './scriptUrl';
import type { SourceEvidence } from '../analysis/checklist';
import type { AnalysisQuery, AnalysisResult, ExportKind, ExportResult, LoadPhase, SimulationResult, SourceSummary, WorkerRequest, WorkerResponse } from './protocol';

export interface LoadProgress {
  phase: LoadPhase;
  done: number;
  total: number;
}

export class CancelledLoad extends Error {
  constructor() {
    super('Loading was cancelled.');
    this.name = 'CancelledLoad';
  }
}

type WithoutJob<T> = T extends unknown ? Omit<T, 'job'> : never;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (p: LoadProgress) => void };

export class SourceWorker {
  private static spare: SourceWorker | null = null;

  /**
   * A worker for the next load. Starting a module worker (fetch, parse, compile the
   * decoders) costs a few hundred ms, so one is started ahead of time and handed out here;
   * its replacement starts once the browser is idle.
   */
  static take(): SourceWorker {
    const w = SourceWorker.spare ?? new SourceWorker();
    SourceWorker.spare = null;
    const refill = () => {
      if (!SourceWorker.spare) SourceWorker.spare = new SourceWorker();
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(refill, { timeout: 2000 });
    else setTimeout(refill, 500);
    return w;
  }

  /** Starts the spare worker now (call once at startup). */
  static prewarm(): void {
    if (!SourceWorker.spare) SourceWorker.spare = new SourceWorker();
  }

  private readonly worker: Worker;
  private readonly script = workerScript();
  private job = 0;
  private readonly pending = new Map<number, Pending>();
  private dead = false;

  constructor() {
    this.worker = new Worker(this.script.url, { type: this.script.type, name: 'stacklens-source' });
    this.worker.onmessage = (ev: MessageEvent<WorkerResponse>) => this.receive(ev.data);
    this.worker.onerror = (ev) => {
      ev.preventDefault();
      this.failAll(new Error(`The decoder worker crashed: ${ev.message || 'unknown error'}`));
    };
  }

  private receive(msg: WorkerResponse): void {
    const p = this.pending.get(msg.job);
    if (!p) return;
    switch (msg.type) {
      case 'progress':
        p.onProgress?.({ phase: msg.phase, done: msg.done, total: msg.total });
        return;
      case 'loaded':
        this.pending.delete(msg.job);
        p.resolve(msg.summary);
        return;
      case 'analysis':
      case 'simulated':
        this.pending.delete(msg.job);
        p.resolve(msg.result);
        return;
      case 'exported':
      case 'mapHotspots':
      case 'evidence':
        this.pending.delete(msg.job);
        p.resolve(msg.result);
        return;
      case 'error':
        this.pending.delete(msg.job);
        p.reject(new Error(msg.message));
        return;
    }
  }

  private send<T>(req: WithoutJob<WorkerRequest>, transfer: Transferable[], onProgress?: (p: LoadProgress) => void): Promise<T> {
    if (this.dead) return Promise.reject(new CancelledLoad());
    const job = ++this.job;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(job, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      this.worker.postMessage({ ...req, job } as WorkerRequest, transfer);
    });
  }

  /** Decodes `source`: bytes (transferred: the caller must not use them afterwards) or a
   * picked File, which the worker reads itself (a Go trace a chunk at a time). */
  load(name: string, source: ArrayBuffer | Blob, onProgress?: (p: LoadProgress) => void): Promise<SourceSummary> {
    const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined;
    const workerSource = this.script.source ?? undefined;
    return this.send<SourceSummary>({ type: 'load', name, source, cores, workerSource }, source instanceof Blob ? [] : [source], onProgress);
  }

  analyze(query: AnalysisQuery): Promise<AnalysisResult> {
    return this.send<AnalysisResult>({ type: 'analyze', query }, []);
  }

  /** The checklist's evidence of the loaded source (null if it could not be collected). */
  evidence(): Promise<SourceEvidence | null> {
    return this.send<SourceEvidence | null>({ type: 'evidence' }, []);
  }

  /** The query's view as a file: the filtered profile as pprof, or folded stacks. */
  exportView(what: ExportKind, query: AnalysisQuery): Promise<ExportResult> {
    return this.send<ExportResult>({ type: 'export', what, query }, []);
  }

  /** Samples inside the runtime's map code, by calling function (null: no profile loaded). */
  mapHotspots(): Promise<MapHotspots | null> {
    return this.send<MapHotspots | null>({ type: 'mapHotspots' }, []);
  }

  /** Runs a map simulation script up to `step` (stateless; any worker can do it). */
  simulate(script: string, step: number): Promise<SimulationResult> {
    return this.send<SimulationResult>({ type: 'simulate', script, step }, []);
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Stops the worker at once, even mid-decode; pending calls reject with CancelledLoad. */
  terminate(): void {
    if (this.dead) return;
    this.dead = true;
    this.worker.terminate();
    this.failAll(new CancelledLoad());
  }
}
