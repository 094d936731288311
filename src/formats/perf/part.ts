// A `perf script` dump decoded on two threads at once: the part after a record boundary
// near the middle is scanned elsewhere (a nested worker, a Node worker thread) while the
// caller's thread scans the first part, and the caller then takes the second part's
// records as if it had scanned them itself (PerfDecoder.absorb), so the decoded dump is
// exactly the serial one (tests/unit/perf-split.test.ts).
//
// The second part is cut into blocks (perfBlocks: ~PART_BLOCK bytes, each ending after a
// blank line). The other thread scans them from the first on and hands over each block's
// part; the caller, once done with its own part, takes blocks from the end (telling the
// other thread to stop before them) until the two meet. So neither thread idles while
// there is work: a second thread that starts late or gets little CPU (the other core is
// busy elsewhere) leaves more blocks to the caller, a fast one does more itself.
//
// Only the scan crosses threads: it is the per-byte work. Records then go through the one
// decoder in input order, which numbers functions, locations and everything else by first
// appearance exactly as a serial decode does (so the profile building, a good part of the
// decode, stays on the caller's thread). What crosses is typed arrays (transferred) plus
// the few distinct strings (frame fields, comms, events).
//
// Where to split: after a blank line ("\n\n"), where the scanner's state is reset (no
// open record, nothing pending); the second part then starts as a `continued` scan (no
// header block, no byte-order mark, no sniffing). Dumps without blank lines between
// records (-G) and small inputs are not split. If the first part has no record, its end
// is not known to be past the header block: the caller scans the rest itself.

import type { PerfFrame } from './grammar';
import { PerfScanner, type ScannedRecord } from './scan';
import { float64s, int32s, StringInterner, uint8s } from '../../model/builder';

/** Inputs smaller than this are decoded on one thread (a second costs more to start). */
export const MIN_SPLIT_BYTES = 16 << 20;
/**
 * Cores below which a second scan thread does not pay: a serial decode already keeps ~1.3
 * cores busy (V8's compiler and GC threads beside it), and the second thread brings its
 * own compiling and collecting (+40-50% CPU in all for a 110 MB dump). On 2 cores that
 * measured slower than serial (bench/perf.bench.ts prints both).
 */
export const MIN_CORES_FOR_SPLIT = 3;
/** How far past the middle a blank line is looked for before giving up. */
const SEARCH_WINDOW = 4 << 20;
/** Bytes the other thread scans between looks at its messages (~10 ms at full speed). */
export const PART_BLOCK = 2 << 20;

/** One block of the second part, scanned: its new frames and its records as typed arrays. */
export interface PerfPart {
  /** Bytes of input the block covers. */
  bytes: number;
  /** Id (in the scan's frame table) of the first frame in `frames`: the blocks' frame tables add up. */
  frameBase: number;
  /** Lines in the part (line numbers below count from 1 in the part). */
  lines: number;
  unparsedLines: number;
  unparsedExamples: { line: number; text: string }[];
  stats: { shortcutLines: number; grammarLines: number };
  /** The frames first seen in this block (ids from frameBase on). */
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

/** The other thread's scan of the second part, started by a PerfPartRunner. */
export interface PerfPartJob {
  /** Lets the other thread's messages in; then how many blocks it has handed over, and
   * whether it has stopped (done, at its limit, or failed). */
  progress(): Promise<{ blocks: number; stopped: boolean }>;
  /** The other thread is to stop before block `b` (it finishes the one it is in). */
  limit(b: number): void;
  /** Its parts (blocks 0, 1, … in order) once it has stopped; rejects when it failed. */
  parts(): Promise<PerfPart[]>;
}

/** Starts scanPerfParts on the given bytes with the given block size elsewhere (may throw:
 * the caller scans them then). */
export type PerfPartRunner = (bytes: Uint8Array, block: number) => PerfPartJob;

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

/** Collects the records the scanner hands over, block by block. */
class PartCollector {
  private strings = new StringInterner();
  private line = int32s(4096);
  private comm = int32s(4096);
  private event = int32s(4096);
  private payload = int32s(4096);
  private restStart = int32s(4096);
  private strong = uint8s(4096);
  private pid = float64s(4096);
  private tid = float64s(4096);
  private cpu = float64s(4096);
  private period = float64s(4096);
  private sec = float64s(4096);
  private nsec = float64s(4096);
  private frameEnd = int32s(4096);
  private fids = int32s(1 << 16);
  private srclines: PerfPart['srclines'] = [];
  private lastComm = '';
  private lastCommId = 0;
  /** Lines before the block (record lines are counted from its start). */
  lineBase = 0;

  add(r: ScannedRecord): void {
    const h = r.head;
    const k = this.line.length;
    this.line.push(r.line - this.lineBase);
    if (h.comm !== this.lastComm || k === 0) {
      this.lastComm = h.comm;
      this.lastCommId = this.strings.intern(h.comm);
    }
    this.comm.push(this.lastCommId);
    this.event.push(this.strings.intern(h.event));
    this.payload.push(r.payload === '' ? 0 : this.strings.intern(r.payload));
    this.restStart.push(h.restStart);
    this.strong.push(h.strong ? 1 : 0);
    this.pid.push(h.pid ?? NaN);
    this.tid.push(h.tid);
    this.cpu.push(h.cpu ?? NaN);
    this.period.push(h.period ?? NaN);
    this.sec.push(h.time ? h.time.sec : NaN);
    this.nsec.push(h.time ? h.time.nsec : NaN);
    for (let i = 0; i < r.frameCount; i++) this.fids.push(r.frames[i]);
    this.frameEnd.push(this.fids.length);
    if (r.srclines !== null) for (const [frame, text] of r.srclines) this.srclines.push({ record: k, frame, text });
  }

  /** The block's part, from the scanner's state after it; starts the next block. */
  take(sc: PerfScanner, bytes: number, frameBase: number, before: { lines: number; unparsed: number; stats: PerfPart['stats'] }): PerfPart {
    const n = sc.frames.length - frameBase;
    const frames: PerfPart['frames'] = { addr: new Array(n), symbol: new Array(n), offset: new Array(n), dso: new Array(n), inlined: new Uint8Array(n) };
    for (let i = 0; i < n; i++) {
      const f = sc.frames[frameBase + i];
      frames.addr[i] = f.addr;
      frames.symbol[i] = f.symbol;
      frames.offset[i] = f.offset;
      frames.dso[i] = f.dso;
      frames.inlined[i] = f.inlined ? 1 : 0;
    }
    const part: PerfPart = {
      bytes,
      frameBase,
      lines: sc.lines - before.lines,
      unparsedLines: sc.unparsedLines - before.unparsed,
      // Each block's own first examples: blocks may be scanned out of order, and the
      // decode keeps the first ones in input order.
      unparsedExamples: sc.takeUnparsedExamples().map((e) => ({ line: e.line - before.lines, text: e.text })),
      stats: { shortcutLines: sc.stats.shortcutLines - before.stats.shortcutLines, grammarLines: sc.stats.grammarLines - before.stats.grammarLines },
      frames,
      strings: this.strings.strings,
      line: this.line.finish(),
      comm: this.comm.finish(),
      event: this.event.finish(),
      payload: this.payload.finish(),
      restStart: this.restStart.finish(),
      strong: this.strong.finish(),
      pid: this.pid.finish(),
      tid: this.tid.finish(),
      cpu: this.cpu.finish(),
      period: this.period.finish(),
      sec: this.sec.finish(),
      nsec: this.nsec.finish(),
      frameEnd: this.frameEnd.finish(),
      fids: this.fids.finish(),
      srclines: this.srclines,
    };
    for (const c of [this.line, this.comm, this.event, this.payload, this.restStart, this.strong, this.pid, this.tid, this.cpu, this.period, this.sec, this.nsec, this.frameEnd, this.fids]) c.length = 0;
    this.strings = new StringInterner();
    this.srclines = [];
    this.lastComm = '';
    return part;
  }
}

/** Block boundaries of the second part: 0, then after the first blank line `block` bytes on, …, its length. */
export function perfBlocks(bytes: Uint8Array, block = PART_BLOCK): number[] {
  const out = [0];
  for (let p = 0; p < bytes.length; ) {
    let end = bytes.length;
    for (let q = bytes.indexOf(10, p + block - 1); q >= 0; q = bytes.indexOf(10, q + 1)) {
      if (q + 1 < bytes.length && bytes[q + 1] === 10) {
        end = q + 2;
        break;
      }
    }
    out.push(end);
    p = end;
  }
  return out;
}

/**
 * Scans blocks (each starting at a record boundary, in any order) into parts, with one
 * scanner, so frame lines seen in one block take the byte shortcuts in the next. Parts
 * come out in scan order, chained by frameBase.
 */
export class PartScanner {
  private readonly collector = new PartCollector();
  private readonly sc = new PerfScanner((r) => this.collector.add(r), { continued: true, timeText: false });

  /** `last`: the block ends the input (it may end without a newline). */
  scan(block: Uint8Array, last: boolean): PerfPart {
    const sc = this.sc;
    const before = { lines: sc.lines, unparsed: sc.unparsedLines, stats: { ...sc.stats } };
    const frameBase = sc.frames.length;
    this.collector.lineBase = before.lines;
    sc.push(block);
    // A block but the last ends after a blank line: nothing is carried over.
    if (last) sc.end();
    return this.collector.take(sc, block.length, frameBase, before);
  }
}

/**
 * The other thread's job: scans the rest of a dump from a split point (perfSplitPoint) on,
 * block by block (perfBlocks), handing each block's part to `emit`. Before each block it
 * awaits `limit`, which lets the thread's messages in and says before which block to stop.
 */
export async function scanPerfParts(bytes: Uint8Array, emit: (part: PerfPart) => void, limit: () => Promise<number>, block = PART_BLOCK): Promise<void> {
  const grid = perfBlocks(bytes, block);
  const ps = new PartScanner();
  for (let b = 0; b + 1 < grid.length; b++) {
    if (b >= (await limit())) return;
    emit(ps.scan(bytes.subarray(grid[b], grid[b + 1]), b + 2 === grid.length));
  }
}

/** What the other thread sends back: each block's part, then 'done' (or 'failed'). */
export type PartMessage = { type: 'part'; part: PerfPart } | { type: 'done' } | { type: 'failed'; message: string };

/**
 * The PerfPartJob of a thread that answers with PartMessages (runners feed `receive` and
 * `fail`): `sendLimit` tells the thread where to stop; `nextTask` yields to the caller's
 * event loop so that the thread's messages come in.
 */
export function partJob(sendLimit: (block: number) => void, nextTask: () => Promise<void>): { job: PerfPartJob; receive: (msg: PartMessage) => void; fail: (e: Error) => void } {
  const got: PerfPart[] = [];
  let outcome: { error: Error | null } | null = null;
  const waiting: (() => void)[] = [];
  const end = (error: Error | null) => {
    if (outcome !== null) return;
    outcome = { error };
    for (const w of waiting.splice(0)) w();
  };
  const job: PerfPartJob = {
    progress: async () => {
      await nextTask();
      return { blocks: got.length, stopped: outcome !== null };
    },
    limit: (b) => {
      if (outcome === null) sendLimit(b);
    },
    parts: () =>
      new Promise<PerfPart[]>((resolve, reject) => {
        const settle = () => (outcome!.error !== null ? reject(outcome!.error) : resolve(got));
        if (outcome !== null) settle();
        else waiting.push(settle);
      }),
  };
  const receive = (msg: PartMessage) => {
    if (msg.type === 'part') got.push(msg.part);
    else end(msg.type === 'done' ? null : new Error(msg.message));
  };
  return { job, receive, fail: (e) => end(e) };
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
