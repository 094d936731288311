// The streaming scanner under parsePerfScript and decodePerfScript: `perf script` bytes in,
// records out, with the frames of each record as ids into one table of distinct frames.
//
// Which rule applies to a line is decided by parser state, then by grammar.ts:
//   * `#` lines before the first record: the `--header` block (`# key : value`).
//   * a blank line closes the current record.
//   * inside a record: a frame, else (right after a frame) a `-F +srcline` line, else a
//     new record header, else a frame without a dso (`-F ip,sym`), else unparsed.
//   * outside a record: a header, else unparsed.
// Every line that fits none of these is counted (the first 10 kept with line numbers);
// only input with no recognisable record at all (binary data, another format) raises a
// DecodeError naming the first offending line.
//
// Why this is fast: a dump is mostly frame lines, and few distinct ones (a 110 MB dump of
// a busy mixed workload has ~1.15M frame lines but ~18k distinct). The string grammar runs
// once per distinct frame line; the raw bytes of a line it classified as a frame are then
// remembered, and later lines are matched against them (8 bytes at a time) — no decoding,
// no string, no allocation. Matching first tries the last WAYS different lines that
// followed the previous line (a caller usually has the same caller as before: 96% hit),
// then a hash of the line's bytes. Only bytes equal to a remembered line take the
// shortcut, and the grammar's verdict on a frame line depends on nothing but its bytes
// once a record is open, so results are exactly those of running the grammar on every
// line. Plain record headers are read from the bytes too (grammar.ts parseHeaderBytes,
// which answers as parseHeaderLine or declines). tests/unit/perf-scan.test.ts compares
// both ways on the corpora, the recorded fixtures and mutated input.
//
// Memory: the input is consumed in whatever chunks the caller pushes (a line split across
// chunks is carried over); nothing holds the text as one string, and the remembered
// lines are capped (MAX_ARENA) so a dump of all-different lines cannot grow them without
// bound.

import { DecodeError, type ProgressFn } from '../errors';
import { AsciiStrings, asciiText, isSrcline, isWs, parseFrameLine, parseHeaderBytes, parseHeaderComment, parseHeaderLine, splitTrailingFrame, type HeaderParse, type PerfFrame, type PerfHeaderInfo } from './grammar';
import { forEachLine, sniffEncoding } from './lines';
import { partFrame, type PerfPart } from './part';

export interface ScannedRecord {
  /** 1-based line of the header. */
  line: number;
  head: HeaderParse;
  /** Text after the event token (tracepoint fields), '' when none or when it was a frame. */
  payload: string;
  /** Frame ids (indexes into PerfScanner.frames), leaf first; entries [0, frameCount) are valid. */
  frames: Int32Array;
  frameCount: number;
  /** `-F +srcline` lines by frame index; null when the record has none. */
  srclines: Map<number, string> | null;
}

export interface ScanResult {
  header: PerfHeaderInfo | null;
  records: number;
  unparsedLines: number;
  unparsedExamples: { line: number; text: string }[];
}

export interface ScanOptions {
  /** Called with (bytes consumed, total) about every MiB. */
  onProgress?: ProgressFn;
  /** Total input size for onProgress (default: bytes pushed so far). */
  total?: number;
  /** Called once, before the first record, with the `--header` block (null when absent). */
  onHeader?: (h: PerfHeaderInfo | null) => void;
  /** Lines before the first record after which input is declared "not perf script". */
  sniffLines?: number;
  /** false: run the string grammar on every line (the reference the shortcut must equal). */
  lineCache?: boolean;
  /** false: records' `head.time.text` may be '' (the caller uses only sec and nsec). */
  timeText?: boolean;
  /**
   * The input is the rest of a dump from a record boundary on (part.ts): the part before
   * it had a record, so there is no byte-order mark, no `--header` block and no sniffing
   * here, and a line starts as it does after a blank line. Lines count from 1 in the part.
   */
  continued?: boolean;
}

const MAX_EXAMPLES = 10;
const PROGRESS_STEP = 1 << 20;
/** Bytes of remembered frame lines at most (~250k typical lines). */
const MAX_ARENA = 32 << 20;
/** Longer lines are not remembered (nor worth it: they are rare and unique). */
const MAX_REMEMBERED_LINE = 4096;
// As an int32 (the same hash bits): the seed as a double made `h` a HeapNumber when a
// line's word loop was skipped, and the optimized scan loop deoptimized on it.
const HASH_SEED = 0x811c9dc5 | 0;
/** Successors remembered per line: 1 predicts 76% of the frame lines of a mixed dump, 4 predict 96%. */
const WAYS = 4;
/** Words are compared as little-endian DataView reads against Int32Array views of the
 * arena, which agree only on little-endian platforms (all current browsers); elsewhere the
 * shortcut is off. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Line text as lines.ts would give it: one trailing "\r" stripped; UTF-8 with U+FFFD for bad bytes. */
function decodeLine(buf: Uint8Array, p: number, q: number): string {
  if (q > p && buf[q - 1] === 13) q--;
  const n = q - p;
  if (n === 0) return '';
  if (n <= 256) {
    let ascii = true;
    for (let i = p; i < q; i++) {
      if (buf[i] >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return asciiText(buf, p, q);
  }
  return utf8.decode(buf.subarray(p, q));
}

/**
 * The n remembered bytes at arena offset s (8-aligned) equal buf[p, p + n), which lies
 * within buf: compared 8 bytes at a time as float64s, the last 8 (which may overlap the
 * word before) as one more float64 read unaligned from both sides; lines shorter than 8
 * byte by byte. Equal doubles have equal bits except +0/-0 (and NaN never equals: such a
 * line just misses). A word of a remembered line is never ±0, which needs zero bytes,
 * and a line with a NUL byte is never remembered. So equal means equal.
 */
function sameBytes(a64: Float64Array, adv: DataView, a8: Uint8Array, s: number, n: number, buf: Uint8Array, dv: DataView, p: number): boolean {
  const last = n - 8;
  if (last < 0) {
    for (let i = 0; i < n; i++) if (a8[s + i] !== buf[p + i]) return false;
    return true;
  }
  for (let w = s >> 3, i = 0; i < last; i += 8, w++) if (a64[w] !== dv.getFloat64(p + i, true)) return false;
  return adv.getFloat64(s + last, true) === dv.getFloat64(p + last, true);
}

function numberOrUndefined(v: number): number | undefined {
  return Number.isNaN(v) ? undefined : v;
}

function grown(a: Int32Array, min: number): Int32Array<ArrayBuffer> {
  let n = a.length;
  while (n < min) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

export class PerfScanner {
  /** Frame id → frame: one object per distinct frame, shared by every record that has it. */
  readonly frames: PerfFrame[] = [];
  /** Frame id → 1 when the frame is `(inlined)`. */
  inlined = new Uint8Array(1024);
  private readonly frameIds = new Map<string, number>();
  private readonly strings = new AsciiStrings();

  header: PerfHeaderInfo | null = null;
  records = 0;
  /** Lines taken by the byte shortcuts (remembered frame lines, plain headers) and by the grammar. */
  readonly stats = { shortcutLines: 0, grammarLines: 0 };
  private unparsed = 0;
  private readonly examples: { line: number; text: string }[] = [];
  private firstBad: { line: number; text: string } | null = null;
  private contentLines = 0;
  private lineNo = 0;
  private readonly sniffLines: number;
  private readonly useCache: boolean;

  /** A record was seen (in this input or, `continued`, before it): the header block is over. */
  private started: boolean;
  private open = false;
  private pendingSrclineOk = false;
  private readonly rec: ScannedRecord = { line: 0, head: null as unknown as HeaderParse, payload: '', frames: new Int32Array(256), frameCount: 0, srclines: null };

  // Remembered frame lines ("entries"): raw bytes in `arena`, looked up by hash in `table`
  // (open addressing, entry + 1, 0 = empty). `entNext` holds, per entry, the last WAYS
  // different entries that followed it, most recent first (-1: none).
  // Entries start 8-aligned so they can be compared 8 bytes at a time, as float64s (see
  // sameBytes() for why that is exact here).
  private arena = new Uint8Array(1 << 16);
  private arena64 = new Float64Array(this.arena.buffer);
  private arenaView = new DataView(this.arena.buffer);
  private arenaUsed = 0;
  private entStart = new Int32Array(1024);
  private entLen = new Int32Array(1024);
  private entFid = new Int32Array(1024);
  private entHash = new Int32Array(1024);
  private entNext = new Int32Array(1024 * WAYS).fill(-1);
  private entries = 0;
  private table = new Int32Array(4096);
  private lastEntry = -1;
  /** The entry a string-path line was remembered as (-1: none). */
  private remembered = -1;
  // The raw bytes of the line the string path is looking at (null: not from bytes).
  private rawBuf: Uint8Array | null = null;
  private rawP = 0;
  private rawQ = 0;
  private rawHash = 0;

  // Streaming state.
  private mode: 'start' | 'utf8' | 'utf16' = 'start';
  private carry = new Uint8Array(0);
  private carryLen = 0;
  private utf16Chunks: Uint8Array[] = [];
  /** Input bytes before the chunk being scanned. */
  private base = 0;
  /** Next progress report at this input offset (0: the first line reports 0 done). */
  private progressAt = 0;

  constructor(
    private readonly onRecord: (r: ScannedRecord) => void,
    private readonly opts: ScanOptions = {},
  ) {
    this.sniffLines = opts.sniffLines ?? 64;
    this.started = opts.continued === true;
    if (this.started) this.mode = 'utf8';
    this.useCache = (opts.lineCache ?? true) && LITTLE_ENDIAN;
    // The tables below are replaced when they grow. Replacing each once now tells V8 they
    // are not constants, so the optimized scan loop is not thrown away and recompiled
    // (background compile time and slow code meanwhile) the first time one grows.
    this.arena = new Uint8Array(this.arena.length);
    this.arena64 = new Float64Array(this.arena.buffer);
    this.arenaView = new DataView(this.arena.buffer);
    this.entStart = new Int32Array(this.entStart.length);
    this.entLen = new Int32Array(this.entLen.length);
    this.entFid = new Int32Array(this.entFid.length);
    this.entHash = new Int32Array(this.entHash.length);
    this.entNext = new Int32Array(this.entNext.length).fill(-1);
    this.table = new Int32Array(this.table.length);
    this.carry = new Uint8Array(0);
    this.inlined = new Uint8Array(this.inlined.length);
    this.rec.frames = new Int32Array(this.rec.frames.length);
  }

  /** Feeds the next bytes of the input (the caller may reuse the chunk afterwards). */
  push(chunk: Uint8Array): void {
    if (this.mode === 'start') {
      // The byte-order mark decides the decoding: wait for 3 bytes (or the end).
      if (this.carryLen + chunk.length < 3) {
        this.appendCarry(chunk, 0, chunk.length);
        return;
      }
      let head = chunk;
      if (this.carryLen > 0) {
        this.appendCarry(chunk, 0, chunk.length);
        head = this.carry.slice(0, this.carryLen);
        this.carryLen = 0;
      }
      this.begin(head);
      return;
    }
    if (this.mode === 'utf16') {
      this.utf16Chunks.push(chunk.slice());
      this.base += chunk.length;
      return;
    }
    let p = 0;
    if (this.carryLen > 0) {
      // Complete the line split across chunks, then scan it on its own.
      const nl = chunk.indexOf(10);
      const upto = nl < 0 ? chunk.length : nl + 1;
      this.appendCarry(chunk, 0, upto);
      if (nl < 0) return;
      const line = this.carry.subarray(0, this.carryLen);
      this.scanAll(line, 0, false);
      this.base += line.length - upto;
      this.carryLen = 0;
      p = upto;
    }
    const stop = this.scanAll(chunk, p, false);
    if (stop < chunk.length) this.appendCarry(chunk, stop, chunk.length);
    this.base += stop;
  }

  /** Lines seen so far. */
  get lines(): number {
    return this.lineNo;
  }

  /** Unparsed lines so far, and the first examples (1-based line numbers). */
  get unparsedLines(): number {
    return this.unparsed;
  }
  /** The examples kept so far, handed over: the next ones are kept afresh (up to the
   * same cap), for a caller that gathers them per block (part.ts). */
  takeUnparsedExamples(): { line: number; text: string }[] {
    return this.examples.splice(0);
  }

  /**
   * Appends frames of a scan made elsewhere (a part's `frames`) to the table, as new ids
   * (consumers key by content); returns the id the first got.
   */
  absorbFrames(part: PerfPart): number {
    const first = this.frames.length;
    for (let i = 0; i < part.frames.addr.length; i++) this.newFrame(partFrame(part, i));
    return first;
  }

  /**
   * Takes a part scanned elsewhere (part.ts) as the next input, as if its bytes had been
   * pushed: its records go to onRecord in order with their frame ids + fidBase (where its
   * scan's frames were absorbed), its line numbers continue these. Only at a record
   * boundary (after a blank line), once this scanner has seen a record.
   */
  absorbRecords(part: PerfPart, fidBase: number): void {
    if (!this.started || this.open || this.carryLen > 0 || this.mode !== 'utf8') throw new Error('PerfScanner.absorbRecords: not at a record boundary after a record');
    const lineBase = this.lineNo;
    const r = this.rec;
    let from = 0;
    let srcline = 0;
    for (let k = 0; k < part.line.length; k++) {
      const to = part.frameEnd[k];
      const sec = part.sec[k];
      const head: HeaderParse = {
        comm: part.strings[part.comm[k]],
        pid: numberOrUndefined(part.pid[k]),
        tid: part.tid[k],
        cpu: numberOrUndefined(part.cpu[k]),
        time: Number.isNaN(sec) ? undefined : { sec, nsec: part.nsec[k], text: '' },
        period: numberOrUndefined(part.period[k]),
        event: part.strings[part.event[k]],
        restStart: part.restStart[k],
        strong: part.strong[k] === 1,
      };
      this.beginRecord(head, lineBase + part.line[k]);
      r.payload = part.strings[part.payload[k]];
      if (to - from > r.frames.length) r.frames = grown(r.frames, to - from);
      for (let i = from; i < to; i++) r.frames[i - from] = fidBase + part.fids[i];
      r.frameCount = to - from;
      while (srcline < part.srclines.length && part.srclines[srcline].record === k) {
        const s = part.srclines[srcline++];
        if (r.srclines === null) r.srclines = new Map();
        r.srclines.set(s.frame, s.text);
      }
      this.close();
      from = to;
    }
    this.lineNo += part.lines;
    this.unparsed += part.unparsedLines;
    for (const e of part.unparsedExamples) {
      if (this.examples.length < MAX_EXAMPLES) this.examples.push({ line: lineBase + e.line, text: e.text });
    }
    this.stats.shortcutLines += part.stats.shortcutLines;
    this.stats.grammarLines += part.stats.grammarLines;
    this.base += part.bytes;
  }

  /** Ends the input: flushes the last line and record and returns the totals. */
  end(): ScanResult {
    if (this.mode === 'start') {
      const head = this.carry.slice(0, this.carryLen);
      this.carryLen = 0;
      this.begin(head);
    }
    if (this.mode === 'utf16') {
      let n = 0;
      for (const c of this.utf16Chunks) n += c.length;
      const all = new Uint8Array(n);
      n = 0;
      for (const c of this.utf16Chunks) {
        all.set(c, n);
        n += c.length;
      }
      this.utf16Chunks = [];
      forEachLine(all, (text, lineNo) => {
        this.lineNo = lineNo;
        this.lineText(text, lineNo);
      });
    } else if (this.carryLen > 0) {
      const line = this.carry.subarray(0, this.carryLen);
      this.scanAll(line, 0, true);
      this.base += line.length;
      this.carryLen = 0;
    }
    this.close();
    const total = this.opts.total ?? this.base;
    this.opts.onProgress?.(total, total);
    if (!this.started && this.firstBad !== null) this.notPerf();
    if (!this.started && this.header === null) {
      throw new DecodeError('perf-script', 'empty input: no perf script header or record; expected perf script text', { line: 1 });
    }
    return { header: this.header, records: this.records, unparsedLines: this.unparsed, unparsedExamples: this.examples };
  }

  /** The first bytes: UTF-16 (by BOM) goes the string way; UTF-8 skips its BOM. */
  private begin(head: Uint8Array): void {
    const { encoding, skip } = sniffEncoding(head);
    if (encoding === 'utf-16le' || encoding === 'utf-16be') {
      this.mode = 'utf16';
      this.push(head);
      return;
    }
    this.mode = 'utf8';
    this.base = skip;
    this.push(head.subarray(skip));
  }

  private appendCarry(b: Uint8Array, from: number, to: number): void {
    const need = this.carryLen + (to - from);
    if (need > this.carry.length) {
      const next = new Uint8Array(Math.max(need, this.carry.length * 2, 256));
      next.set(this.carry.subarray(0, this.carryLen));
      this.carry = next;
    }
    this.carry.set(b.subarray(from, to), this.carryLen);
    this.carryLen = need;
  }

  /**
   * Handles the lines of buf from p on, reporting progress about every MiB. Returns where
   * it stopped: buf.length, or (when not final) the start of a last line that has no "\n"
   * yet.
   */
  private scanAll(buf: Uint8Array, p: number, final: boolean): number {
    const end = buf.length;
    while (p < end) {
      if (p >= this.progressAt - this.base) this.progress(p);
      const stop = Math.min(end, this.progressAt - this.base);
      const q = this.scan(buf, p, final, stop);
      if (q < stop) return q;
      p = q;
    }
    return end;
  }

  /**
   * Handles the lines of buf that start before `stop`, from p on. Returns where it stopped:
   * the start of the first line at or after `stop` (or buf.length), or (when not final)
   * the start of a last line that has no "\n" yet. (Progress is reported by scanAll, not
   * here: a call made once per MiB has no type feedback yet when V8 first optimizes this
   * loop, and reaching it threw the optimized loop away in the first MiB of every decode.)
   */
  private scan(buf: Uint8Array, p: number, final: boolean, stop: number): number {
    const end = buf.length;
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    while (p < stop) {
      const c = buf[p];
      if (c === 10) {
        this.lineNo++;
        this.lastEntry = -1;
        this.close();
        p++;
        continue;
      }
      if (this.open && c !== 35 && this.useCache) {
        // 1. Lines that followed the previous line before (most of a record's frames).
        if (this.lastEntry >= 0) {
          const stop = this.predicted(buf, dv, p);
          if (stop !== p) {
            p = stop;
            continue;
          }
        }
        // 2. Any remembered line with these bytes: hash a word at a time up to the word
        // holding the "\n" (found with the has-zero-byte trick on word ^ 0x0a0a0a0a),
        // then byte by byte. The words depend only on the line, not on where it sits.
        let h = HASH_SEED;
        let q = p;
        const lastWord = end - 4;
        while (q <= lastWord) {
          const w = dv.getInt32(q, true);
          const x = w ^ 0x0a0a0a0a;
          if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break;
          h = Math.imul(h ^ w, 0x5bd1e995);
          h ^= h >>> 13;
          q += 4;
        }
        while (q < end) {
          const b = buf[q];
          if (b === 10) break;
          h = Math.imul(h ^ b, 0x5bd1e995);
          q++;
        }
        if (q === end && !final) return p;
        h ^= h >>> 15;
        h = Math.imul(h, 0x85ebca6b);
        h ^= h >>> 13;
        const e = this.lookup(h, buf, dv, p, q);
        if (e >= 0) {
          this.hit(e);
          p = q + 1;
          continue;
        }
        // 3. A plain record header (-G dumps have no blank line between records)…
        if (this.plainHeader(buf, p, q)) {
          this.lastEntry = -1;
          p = q + 1;
          continue;
        }
        // 4. …or the grammar, remembering the line if it is a frame.
        this.rawBuf = buf;
        this.rawP = p;
        this.rawQ = q;
        this.rawHash = h;
        this.remembered = -1;
        this.lineNo++;
        this.lineText(decodeLine(buf, p, q), this.lineNo);
        this.rawBuf = null;
        this.lastEntry = this.remembered;
        p = q + 1;
        continue;
      }
      let q = buf.indexOf(10, p);
      if (q < 0) {
        if (!final) return p;
        q = end;
      }
      this.lastEntry = -1;
      if (!this.plainHeader(buf, p, q)) {
        this.lineNo++;
        this.lineText(decodeLine(buf, p, q), this.lineNo);
      }
      p = q + 1;
    }
    // p may be end + 1 (a final line without "\n"): scanAll stops there all the same. (No
    // compare here: code after the loop has no type feedback when the loop is optimized.)
    return p;
  }

  /**
   * Starts a record from the header line buf[p, q) without decoding it, when the byte
   * rule (grammar.ts parseHeaderBytes) can tell what the string rule would; false when
   * the line must go to lineText. Only after the first record (before it, lines also
   * count toward the not-perf-script verdict) and only for lines lineText would try as a
   * header first: not blank, not `#`, not indented, not ending in `)` (a frame's shape).
   */
  private plainHeader(buf: Uint8Array, p: number, q: number): boolean {
    if (!this.started || !this.useCache) return false;
    const c = buf[p];
    if (c === 35 || c === 32 || (c >= 9 && c <= 13)) return false;
    let t = q;
    while (t > p && (buf[t - 1] === 32 || (buf[t - 1] >= 9 && buf[t - 1] <= 13))) t--;
    if (t > p && buf[t - 1] === 41) return false;
    const h = parseHeaderBytes(buf, p, q, this.strings, this.opts.timeText ?? true);
    if (h === null) return false;
    this.lineNo++;
    this.stats.shortcutLines++;
    this.beginRecord(h, this.lineNo);
    return true;
  }

  /**
   * Takes the frame lines from p on for as long as each is one of the lines that followed
   * the previous one before (entNext); returns where it stopped. The hottest loop of the
   * decoder: everything it touches is in locals.
   */
  private predicted(buf: Uint8Array, dv: DataView, p: number): number {
    const end = buf.length;
    const entLen = this.entLen;
    const entStart = this.entStart;
    const entNext = this.entNext;
    const entFid = this.entFid;
    const a64 = this.arena64;
    const adv = this.arenaView;
    const a8 = this.arena;
    const rec = this.rec;
    let frames = rec.frames;
    let count = rec.frameCount;
    let last = this.lastEntry;
    let lines = 0;
    while (p < end) {
      const o = last * WAYS;
      let e = -1;
      let way = 0;
      for (; way < WAYS; way++) {
        const cand = entNext[o + way];
        if (cand < 0) break;
        const n = entLen[cand];
        const q = p + n;
        if (q >= end || buf[q] !== 10) continue;
        if (sameBytes(a64, adv, a8, entStart[cand], n, buf, dv, p)) {
          e = cand;
          break;
        }
      }
      if (e < 0) break;
      if (way > 0) {
        // most recent first
        for (let k = way; k > 0; k--) entNext[o + k] = entNext[o + k - 1];
        entNext[o] = e;
      }
      if (count === frames.length) frames = grown(frames, count + 1);
      frames[count++] = entFid[e];
      lines++;
      last = e;
      p += entLen[e] + 1;
    }
    if (lines > 0) {
      this.stats.shortcutLines += lines;
      rec.frames = frames;
      rec.frameCount = count;
      this.lastEntry = last;
      this.lineNo += lines;
      this.pendingSrclineOk = true;
    }
    return p;
  }

  private progress(p: number): void {
    const done = this.base + p;
    this.progressAt = done + PROGRESS_STEP;
    if (this.opts.onProgress) this.opts.onProgress(done, Math.max(done, this.opts.total ?? done));
  }

  private lookup(h: number, buf: Uint8Array, dv: DataView, p: number, q: number): number {
    const t = this.table;
    const mask = t.length - 1;
    const n = q - p;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = t[i];
      if (v === 0) return -1;
      const e = v - 1;
      if (this.entHash[e] === h && this.entLen[e] === n && sameBytes(this.arena64, this.arenaView, this.arena, this.entStart[e], n, buf, dv, p)) return e;
    }
  }

  private hit(e: number): void {
    this.lineNo++;
    this.stats.shortcutLines++;
    if (this.lastEntry >= 0) this.follows(this.lastEntry, e);
    this.lastEntry = e;
    this.pushFrame(this.entFid[e]);
    this.pendingSrclineOk = true;
  }

  /** Remembers the raw bytes of the line being handled as frame `fid`. */
  private remember(fid: number): void {
    const buf = this.rawBuf!;
    const p = this.rawP;
    const n = this.rawQ - p;
    const at = this.arenaUsed;
    const next = at + ((n + 7) & ~7);
    if (n > MAX_REMEMBERED_LINE || next > MAX_ARENA) return;
    if (next > this.arena.length) {
      const grown8 = new Uint8Array(Math.min(MAX_ARENA, Math.max(this.arena.length * 2, next)));
      grown8.set(this.arena.subarray(0, at));
      this.arena = grown8;
      this.arena64 = new Float64Array(grown8.buffer);
      this.arenaView = new DataView(grown8.buffer);
    }
    this.arena.set(buf.subarray(p, this.rawQ), at);
    const e = this.entries++;
    if (e >= this.entStart.length) {
      const m = e + 1;
      this.entStart = grown(this.entStart, m);
      this.entLen = grown(this.entLen, m);
      this.entFid = grown(this.entFid, m);
      this.entHash = grown(this.entHash, m);
      const next = new Int32Array(this.entStart.length * WAYS).fill(-1);
      next.set(this.entNext);
      this.entNext = next;
    }
    this.entStart[e] = at;
    this.entLen[e] = n;
    this.entFid[e] = fid;
    this.entHash[e] = this.rawHash;
    this.arenaUsed = next;
    if (this.entries * 2 > this.table.length) this.rehash();
    else this.insert(e);
    if (this.lastEntry >= 0) this.follows(this.lastEntry, e);
    this.remembered = e;
  }

  /** Records that entry e followed entry a: e becomes a's first (most recent) successor. */
  private follows(a: number, e: number): void {
    const next = this.entNext;
    const o = a * WAYS;
    let k = 0;
    while (k < WAYS - 1 && next[o + k] !== e && next[o + k] >= 0) k++;
    for (; k > 0; k--) next[o + k] = next[o + k - 1];
    next[o] = e;
  }

  private insert(e: number): void {
    const t = this.table;
    const mask = t.length - 1;
    let i = this.entHash[e] & mask;
    while (t[i] !== 0) i = (i + 1) & mask;
    t[i] = e + 1;
  }

  private rehash(): void {
    this.table = new Int32Array(this.table.length * 2);
    for (let e = 0; e < this.entries; e++) this.insert(e);
  }

  /**
   * The id of frame f, one per distinct frame (so the table stays as small as the set of
   * frames, whatever the number of lines).
   */
  private internFrame(f: PerfFrame): number {
    const key = `${f.addr}\u0000${f.symbol}\u0000${f.offset}\u0000${f.dso}\u0000${f.inlined ? 1 : 0}`;
    let id = this.frameIds.get(key);
    if (id === undefined) {
      id = this.newFrame(f);
      this.frameIds.set(key, id);
    }
    return id;
  }

  /** A new id for f. Ids may repeat a frame: consumers key what they build by content. */
  private newFrame(f: PerfFrame): number {
    const id = this.frames.length;
    this.frames.push(f);
    if (id >= this.inlined.length) {
      const next = new Uint8Array(this.inlined.length * 2);
      next.set(this.inlined);
      this.inlined = next;
    }
    this.inlined[id] = f.inlined ? 1 : 0;
    return id;
  }

  private pushFrame(fid: number): void {
    const r = this.rec;
    if (r.frameCount === r.frames.length) r.frames = grown(r.frames, r.frameCount + 1);
    r.frames[r.frameCount++] = fid;
  }

  private close(): void {
    if (this.open) {
      this.open = false;
      this.onRecord(this.rec);
    }
    this.pendingSrclineOk = false;
  }

  private bad(text: string, lineNo: number): void {
    this.unparsed++;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push({ line: lineNo, text: text.length > 300 ? text.slice(0, 300) + '…' : text });
    if (this.firstBad === null) this.firstBad = { line: lineNo, text };
  }

  private notPerf(): never {
    const fb = this.firstBad;
    const lineNo = fb ? fb.line : 1;
    const shown = fb ? JSON.stringify(fb.text.slice(0, 60)) : '';
    throw new DecodeError('perf-script', `not perf script text: no record header (\`comm tid [cpu] time: period event:\`) found; line ${lineNo} is ${shown}`, { line: lineNo });
  }

  /** One line by the grammar (the reference behaviour; see the file comment). */
  private lineText(line: string, lineNo: number): void {
    this.stats.grammarLines++;
    if (line.length === 0 || (isWs(line.charCodeAt(0)) && line.trim() === '')) {
      this.close();
      return;
    }
    if (line.charCodeAt(0) === 35) {
      // `#` lines: the --header block (and any later comment); never part of a record.
      if (!this.started && !this.open) {
        if (this.header === null) this.header = { fields: {}, events: [], fixedPeriods: {} };
        parseHeaderComment(line, this.header);
      }
      return;
    }
    if (line.indexOf('\u0000') >= 0) {
      this.bad(line, lineNo);
    } else if (this.open) {
      const f = parseFrameLine(line);
      // A frame-shaped line is a frame unless it is unmistakably a timed header (a -G record
      // whose comm happens to be hex).
      if (f && !(line.indexOf(': ') >= 0 && parseHeaderLine(line)?.strong === true)) {
        // A line about to be remembered is new: its frame gets an id without the lookup.
        const fid = this.rawBuf !== null ? this.newFrame(f) : this.internFrame(f);
        this.pushFrame(fid);
        this.pendingSrclineOk = true;
        if (this.rawBuf !== null) this.remember(fid);
        return;
      }
      if (this.pendingSrclineOk && isSrcline(line)) {
        const r = this.rec;
        if (r.srclines === null) r.srclines = new Map();
        r.srclines.set(r.frameCount - 1, line.trim());
        return;
      }
      if (!this.startRecord(line, lineNo)) {
        const f2 = parseFrameLine(line, false);
        if (f2 && isWs(line.charCodeAt(0))) {
          this.pushFrame(this.internFrame(f2));
          this.pendingSrclineOk = true;
        } else this.bad(line, lineNo);
      }
    } else if (!this.startRecord(line, lineNo)) {
      this.bad(line, lineNo);
    }
    if (!this.started) {
      this.contentLines++;
      if (this.contentLines >= this.sniffLines && this.unparsed > 0) this.notPerf();
    }
  }

  private beginRecord(h: HeaderParse, lineNo: number): void {
    this.close();
    if (!this.started) this.opts.onHeader?.(this.header);
    this.started = true;
    this.records++;
    const r = this.rec;
    r.line = lineNo;
    r.head = h;
    r.payload = '';
    r.frameCount = 0;
    r.srclines = null;
    this.open = true;
  }

  private startRecord(line: string, lineNo: number): boolean {
    const h = parseHeaderLine(line);
    if (!h) return false;
    this.beginRecord(h, lineNo);
    const r = this.rec;
    const rest = line.slice(h.restStart);
    if (rest.trim() !== '') {
      const f = parseFrameLine(rest);
      if (f) this.pushFrame(this.internFrame(f));
      else {
        const split = splitTrailingFrame(rest.trim());
        r.payload = split.payload;
        if (split.frame) this.pushFrame(this.internFrame(split.frame));
      }
    }
    return true;
  }
}
