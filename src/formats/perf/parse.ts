// Streaming parser for `perf script` text (see docs/pprof-perf-flamegraph.md §2): one
// PerfRecord object per record, for callers that want records as plain objects (the
// views' lifecycle scan, tests). decodePerfScript (model.ts) skips the objects and reads
// the scanner's records directly. The line grammar is in grammar.ts, the scanning in scan.ts.

import type { HeaderParse, PerfFrame } from './grammar';
import { PerfScanner, type ScannedRecord, type ScanOptions, type ScanResult } from './scan';

export { parseFrameLine, parseHeaderLine, parseTracepointFields, splitTrailingFrame } from './grammar';
export type { HeaderParse, PerfFrame, PerfHeaderInfo, PerfTime } from './grammar';

/** A record's header fields (event: as printed, without the trailing colon; '' when the
 * record shows none), its line and payload, and its frames. */
export interface PerfRecord extends Pick<HeaderParse, 'comm' | 'pid' | 'tid' | 'cpu' | 'time' | 'period' | 'event'> {
  /** 1-based line of the header. */
  line: number;
  /** Text after the event token (tracepoint fields), '' when none or when it was a frame. */
  payload: string;
  /** Frames leaf first. */
  frames: PerfFrame[];
}

export type PerfParseOptions = Pick<ScanOptions, 'onProgress' | 'onHeader' | 'sniffLines' | 'lineCache'>;

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
export function parsePerfScript(bytes: Uint8Array, onRecord: (r: PerfRecord) => void, opts: PerfParseOptions = {}): ScanResult {
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
