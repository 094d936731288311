// Where a source worker's script comes from: the app's worker bundle, or — inside an
// exported report (share/report.ts), which has no files beside it — a blob: URL made from
// the worker source embedded in the page.

import { REPORT_WORKER_ID } from '../share/report';
import bundledWorkerUrl from './source.worker.ts?worker&url';

export const sourceWorkerUrl: string = bundledWorkerUrl;

export interface WorkerScript {
  url: string;
  type: WorkerType;
  /** Inside a report: the embedded source itself. A worker started from the page's blob:
   * URL has an opaque origin of its own and may not start a nested worker from that URL
   * (SecurityError), only from a blob: URL it makes itself from this text. */
  source: string | null;
}

/**
 * The worker script to start: the embedded one inside a report, else the app's bundle.
 * The embedded one starts as a CLASSIC worker: a page opened from disk has an opaque
 * origin, and Chromium refuses module workers from its blob: URLs; the bundle is a single
 * file without import/export, so it runs as either.
 */
let embedded: WorkerScript | null = null;
export function workerScript(): WorkerScript {
  if (typeof document !== 'undefined') {
    if (embedded) return embedded;
    const el = document.getElementById(REPORT_WORKER_ID);
    if (el) {
      const source = el.textContent ?? '';
      embedded = { url: URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), type: 'classic', source };
      return embedded;
    }
  }
  return { url: sourceWorkerUrl, type: 'module', source: null };
}
