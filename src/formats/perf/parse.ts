// Streaming parser for `perf script` text (see docs/pprof-perf-flamegraph.md §2): one
// PerfRecord object per record, for callers that want records as plain objects (the
// views' lifecycle scan, tests). decodePerfScript (model.ts) skips the objects and reads
// the scanner's records directly. The line grammar is in grammar.ts, the scanning in scan.ts.

import type { ProgressFn } from '../errors';
import type { PerfFrame, PerfHeaderInfo, PerfTime } from './grammar';
import { PerfScanner, type ScannedRecord } from './scan';

export { parseFrameLine, parseHeaderLine, parseTracepointFields, splitTrailingFrame } from './grammar';
export type { HeaderParse, PerfFrame, PerfHeaderInfo, PerfTime } from './grammar';

export interface PerfRecord {
  /** 1-based line of the header. */
  line: number;
  comm: string;
  pid?: number;
  tid: number;
  cpu?: number;
  time?: PerfTime;
  period?: number;
  /** Event name as printed, without the trailing colon ('' when the record shows none). */
  event: string;
  /** Text after the event token (tracepoint fields), '' when none or when it was a frame. */
  payload: string;
  /** Frames leaf first. */
  frames: PerfFrame[];
}

export interface PerfParseResult {
  header: PerfHeaderInfo | null;
  records: number;
  unparsedLines: number;
  unparsedExamples: { line: number; text: string }[];
}

export interface PerfParseOptions {
  onProgress?: ProgressFn;
  /** Called once, before the first record, with the `--header` block (null when absent). */
  onHeader?: (h: PerfHeaderInfo | null) => void;
  /** Lines before the first record after which input is declared "not perf script". */
  sniffLines?: number;
  /** false: the grammar on every line, no remembered lines (tests compare both ways). */
  lineCache?: boolean;
}


/** The scanner's record as a self-contained object (frames copied, srclines attached). */
function toRecord(sc: PerfScanner, r: ScannedRecord): PerfRecord {
  const frames: PerfFrame[] = [];
  for (let k = 0; k < r.frameCount; k++) {
    const f = sc.frames[r.frames[k]];
    const srcline = r.srclines?.get(k);
    frames.push(srcline === undefined ? { ...f } : { ...f, srcline });
  }
  const h = r.head;
  return { line: r.line, comm: h.comm, pid: h.pid, tid: h.tid, cpu: h.cpu, time: h.time, period: h.period, event: h.event, payload: r.payload, frames };
}

/**
 * Streams records to `onRecord` (frames leaf first). Throws DecodeError only when the
 * input holds no perf script record at all.
 */
export function parsePerfScript(bytes: Uint8Array, onRecord: (r: PerfRecord) => void, opts: PerfParseOptions = {}): PerfParseResult {
  const sc: PerfScanner = new PerfScanner((r) => onRecord(toRecord(sc, r)), {
    onProgress: opts.onProgress,
    total: bytes.length,
    onHeader: opts.onHeader,
    sniffLines: opts.sniffLines,
    lineCache: opts.lineCache,
  });
  sc.push(bytes);
  return sc.end();
}
