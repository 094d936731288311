// A `perf script` dump decoded in two parts at once (one per core): the part after a
// record boundary near the middle is scanned elsewhere (a nested worker, a Node worker
// thread) while the caller's thread scans the first part, and the caller then takes the
// second part's records as if it had scanned them itself (PerfScanner.absorb), so the
// decoded dump is exactly the serial one (tests/unit/perf-split.test.ts).
//
// Only the scan crosses threads: it is the per-byte work (most of the decode). Records
// then go through the one decoder in input order, which numbers functions, locations and
// everything else by first appearance exactly as a serial decode does. What crosses is
// typed arrays (transferred) plus the few distinct strings (frame fields, comms, events).
//
// Where to split: after a blank line ("\n\n"), where the scanner's state is reset (no
// open record, nothing pending); the second part then starts as a `continued` scan (no
// header block, no byte-order mark, no sniffing). Dumps without blank lines between
// records (-G) and small inputs are not split. If the first part has no record, its end
// is not known to be past the header block: the caller scans the rest itself.

import type { PerfFrame } from './grammar';
import { PerfScanner, type ScannedRecord } from './scan';

/** Inputs smaller than this are decoded on one thread (a second costs more to start). */
export const MIN_SPLIT_BYTES = 16 << 20;
/** How far past the middle a blank line is looked for before giving up. */
const SEARCH_WINDOW = 4 << 20;

/** The second part of a dump, scanned: its frame table and records as typed arrays. */
export interface PerfPart {
  /** Lines in the part (line numbers below count from 1 in the part). */
  lines: number;
  records: number;
  unparsedLines: number;
  unparsedExamples: { line: number; text: string }[];
  stats: { shortcutLines: number; grammarLines: number };
  /** The part's frame table (ids are indexes). */
  frames: { addr: string[]; symbol: string[]; offset: string[]; dso: string[]; inlined: Uint8Array };
  /** Comms, events and payloads of the records; [0] is ''. */
  strings: string[];
  /** Per record: header line, strings (indexes into `strings`), numbers (NaN: not printed). */
  line: Int32Array;
  comm: Int32Array;
  event: Int32Array;
  payload: Int32Array;
  restStart: Int32Array;
  strong: Uint8Array;
  pid: Float64Array;
  tid: Float64Array;
  cpu: Float64Array;
  period: Float64Array;
  sec: Float64Array;
  nsec: Float64Array;
  /** Record r's frame ids (leaf first) are fids[frameEnd[r - 1] .. frameEnd[r]). */
  frameEnd: Int32Array;
  fids: Int32Array;
  /** `-F +srcline` lines: record, frame index in the record, text. */
  srclines: { record: number; frame: number; text: string }[];
}

/** Runs scanPerfPart on the given bytes elsewhere; rejects when it cannot (then the caller scans them). */
export type PerfPartRunner = (bytes: Uint8Array) => Promise<PerfPart>;

/**
 * Where to split `bytes` (the start of the second part: just after a blank line near the
 * middle), or -1 when it is not worth it or there is no blank line near the middle.
 */
export function perfSplitPoint(bytes: Uint8Array, minBytes = MIN_SPLIT_BYTES): number {
  if (bytes.length < minBytes || bytes.length < 4) return -1;
  // UTF-16 text (by its byte-order mark) is decoded as a whole.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return -1;
  const stop = Math.min(bytes.length - 1, (bytes.length >> 1) + SEARCH_WINDOW);
  for (let p = bytes.indexOf(10, bytes.length >> 1); p >= 0 && p < stop; p = bytes.indexOf(10, p + 1)) {
    if (bytes[p + 1] === 10) return p + 2 < bytes.length ? p + 2 : -1;
  }
  return -1;
}

class Column<T extends Int32Array | Float64Array | Uint8Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}
const ints = (n: number) => new Column(new Int32Array(n), (k) => new Int32Array(k));
const doubles = (n: number) => new Column(new Float64Array(n), (k) => new Float64Array(k));
const bytesCol = (n: number) => new Column(new Uint8Array(n), (k) => new Uint8Array(k));

/** Scans the rest of a dump from a split point (perfSplitPoint) on: the other thread's job. */
export function scanPerfPart(bytes: Uint8Array): PerfPart {
  const strings = [''];
  const stringIds = new Map<string, number>([['', 0]]);
  const str = (s: string): number => {
    let i = stringIds.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      stringIds.set(s, i);
    }
    return i;
  };
  const line = ints(4096);
  const comm = ints(4096);
  const event = ints(4096);
  const payload = ints(4096);
  const restStart = ints(4096);
  const strong = bytesCol(4096);
  const pid = doubles(4096);
  const tid = doubles(4096);
  const cpu = doubles(4096);
  const period = doubles(4096);
  const sec = doubles(4096);
  const nsec = doubles(4096);
  const frameEnd = ints(4096);
  const fids = ints(1 << 16);
  const srclines: PerfPart['srclines'] = [];
  let lastComm = '';
  let lastCommId = 0;
  const sc = new PerfScanner(
    (r: ScannedRecord) => {
      const h = r.head;
      const k = line.length;
      line.push(r.line);
      if (h.comm !== lastComm || k === 0) {
        lastComm = h.comm;
        lastCommId = str(h.comm);
      }
      comm.push(lastCommId);
      event.push(str(h.event));
      payload.push(r.payload === '' ? 0 : str(r.payload));
      restStart.push(h.restStart);
      strong.push(h.strong ? 1 : 0);
      pid.push(h.pid ?? NaN);
      tid.push(h.tid);
      cpu.push(h.cpu ?? NaN);
      period.push(h.period ?? NaN);
      sec.push(h.time ? h.time.sec : NaN);
      nsec.push(h.time ? h.time.nsec : NaN);
      for (let i = 0; i < r.frameCount; i++) fids.push(r.frames[i]);
      frameEnd.push(fids.length);
      if (r.srclines !== null) for (const [frame, text] of r.srclines) srclines.push({ record: k, frame, text });
    },
    { continued: true, timeText: false },
  );
  sc.push(bytes);
  const res = sc.end();
  const n = sc.frames.length;
  const frames: PerfPart['frames'] = { addr: new Array(n), symbol: new Array(n), offset: new Array(n), dso: new Array(n), inlined: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const f = sc.frames[i];
    frames.addr[i] = f.addr;
    frames.symbol[i] = f.symbol;
    frames.offset[i] = f.offset;
    frames.dso[i] = f.dso;
    frames.inlined[i] = f.inlined ? 1 : 0;
  }
  return {
    lines: sc.lines,
    records: res.records,
    unparsedLines: res.unparsedLines,
    unparsedExamples: res.unparsedExamples,
    stats: { ...sc.stats },
    frames,
    strings,
    line: line.done(),
    comm: comm.done(),
    event: event.done(),
    payload: payload.done(),
    restStart: restStart.done(),
    strong: strong.done(),
    pid: pid.done(),
    tid: tid.done(),
    cpu: cpu.done(),
    period: period.done(),
    sec: sec.done(),
    nsec: nsec.done(),
    frameEnd: frameEnd.done(),
    fids: fids.done(),
    srclines,
  };
}

/** The buffers of a part, to transfer rather than copy. */
export function perfPartTransferables(p: PerfPart): ArrayBuffer[] {
  return [p.frames.inlined, p.line, p.comm, p.event, p.payload, p.restStart, p.strong, p.pid, p.tid, p.cpu, p.period, p.sec, p.nsec, p.frameEnd, p.fids].map((a) => a.buffer as ArrayBuffer);
}

/** The part's frame i as the scanner's frame objects are. */
export function partFrame(p: PerfPart, i: number): PerfFrame {
  const f = p.frames;
  return { addr: f.addr[i], symbol: f.symbol[i], offset: f.offset[i], dso: f.dso[i], inlined: f.inlined[i] === 1 };
}
