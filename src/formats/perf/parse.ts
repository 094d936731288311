// Streaming parser for `perf script` text (see docs/pprof-perf-flamegraph.md §2).
//
// Input bytes are decoded chunk by chunk (lines.ts); each line is classified by parser
// state, not by indentation alone:
//   * `#` lines before the first record: the `--header` block (`# key : value`).
//   * a blank line closes the current record.
//   * a record header: parsed RIGHT-TO-LEFT around its anchors — the `sec.frac:` time, then
//     `[cpu]`, then `pid/tid` or `tid` (or `-1`); the comm is whatever remains (it may hold
//     spaces, digits, `;`, parentheses). After the time: an optional period, the event token
//     ending in `:`, then an optional payload (tracepoint fields, or the `ip sym (dso)` of a
//     single-line `-G`/no-callchain record). Time-less headers (`-F` without time, old perf)
//     are matched the same way without the time anchor.
//   * a frame: `hexaddr symbol[+0xoff] (dso)`, dso = the last balanced `(…)` group;
//     `(inlined)` marks an inline frame. `-F +srcline` lines after a frame are attached to it.
// Every line that fits none of these is counted (the first 10 kept with line numbers);
// parsing never throws on them. Only input with no recognisable record at all (binary
// data, another format) raises a DecodeError naming the first offending line.
//
// No regex here nests quantifiers over user text: scanning is by hand or with linear,
// single-quantifier patterns.

import { DecodeError, type ProgressFn } from '../errors';
import { forEachLine } from './lines';

export interface PerfFrame {
  /** Lower-case hex digits as printed, without 0x. */
  addr: string;
  /** Symbol without the `+0x…` offset; '' when perf printed none. */
  symbol: string;
  /** The `+0x…` offset as printed ('' when absent). */
  offset: string;
  /** The dso as printed inside the parentheses ('' when the line had none). */
  dso: string;
  /** perf printed `(inlined)` as the dso: the frame is inlined into the next one. */
  inlined: boolean;
  /** From `-F +srcline`: the untabbed line after the frame (e.g. `busy.c:4`). */
  srcline?: string;
}

export interface PerfTime {
  sec: number;
  /** Fraction of the second in nanoseconds. */
  nsec: number;
  /** As printed, without the colon. */
  text: string;
}

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

export interface PerfHeaderInfo {
  /** Every `# key : value` line of the header block. */
  fields: Record<string, string>;
  cmdline?: string;
  perfVersion?: string;
  hostname?: string;
  /** Event names from `# event : name = …` lines. */
  events: string[];
  /** Events recorded with a fixed period (`-c N`: `{ sample_period, sample_freq } = N`
   * without `freq = 1`): perf script prints no period column for them, yet each record
   * stands for N events. */
  fixedPeriods: Record<string, number>;
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
}

const MAX_EXAMPLES = 10;

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function allDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

interface Tok {
  s: string;
  start: number;
  end: number;
}

function tokenize(line: string): Tok[] {
  const out: Tok[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && isWs(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const st = i;
    while (i < n && !isWs(line.charCodeAt(i))) i++;
    out.push({ s: line.slice(st, i), start: st, end: i });
  }
  return out;
}

/** `123`, `-1`, `12/34`, `12/-1`, `-1/-1` → pid/tid. */
function parseTid(s: string): { pid?: number; tid: number } | null {
  const slash = s.indexOf('/');
  const num = (t: string): number | null => (t === '-1' ? -1 : allDigits(t) ? Number(t) : null);
  if (slash < 0) {
    const t = num(s);
    return t === null ? null : { tid: t };
  }
  const p = num(s.slice(0, slash));
  const t = num(s.slice(slash + 1));
  return p === null || t === null ? null : { pid: p, tid: t };
}

/** `[003]` → 3. */
function parseCpu(s: string): number | null {
  if (s.length < 3 || s.charCodeAt(0) !== 91 || s.charCodeAt(s.length - 1) !== 93) return null;
  const d = s.slice(1, -1);
  return allDigits(d) ? Number(d) : null;
}

/** `323.707752:` (6 or 9 decimals, any really) → time. */
function parseTime(s: string): PerfTime | null {
  if (s.length < 4 || s.charCodeAt(s.length - 1) !== 58) return null;
  const dot = s.indexOf('.');
  if (dot <= 0) return null;
  const a = s.slice(0, dot);
  const b = s.slice(dot + 1, -1);
  if (!allDigits(a) || !allDigits(b)) return null;
  const frac = b.length >= 9 ? Number(b.slice(0, 9)) : Number(b) * 10 ** (9 - b.length);
  return { sec: Number(a), nsec: frac, text: s.slice(0, -1) };
}

function isEventToken(s: string): boolean {
  return s.length >= 2 && s.charCodeAt(s.length - 1) === 58;
}

export interface HeaderParse {
  comm: string;
  pid?: number;
  tid: number;
  cpu?: number;
  time?: PerfTime;
  period?: number;
  event: string;
  /** Offset in the line where the payload starts (after the event token). */
  restStart: number;
  /** True when anchored on a time token. */
  strong: boolean;
}

/** comm/pid/tid/cpu from the tokens left of index `j` (exclusive end is the anchor). */
function leftPart(line: string, toks: Tok[], j: number): { comm: string; pid?: number; tid: number; cpu?: number } | null {
  let k = j - 1;
  let cpu: number | undefined;
  if (k >= 0) {
    const c = parseCpu(toks[k].s);
    if (c !== null) {
      cpu = c;
      k--;
    }
  }
  if (k < 1) return null; // need a tid token and at least one comm token
  const t = parseTid(toks[k].s);
  if (!t) return null;
  const comm = line.slice(toks[0].start, toks[k - 1].end);
  return { comm, pid: t.pid, tid: t.tid, cpu };
}

/**
 * Parses a record header line. Returns null when the line is not one.
 * With a time token: the first `sec.frac:` token whose left side is `comm … tid [cpu]`.
 * Without: the first tid-like token followed by `[cpu]`? `period`? `event:`; where two
 * readings exist (`a 1 2 cpu-clock:`), a period is assumed only when it is padded (≥2
 * spaces before it, as perf prints `%10llu`); otherwise the digits belong to the comm.
 */
export function parseHeaderLine(line: string): HeaderParse | null {
  const toks = tokenize(line);
  if (toks.length < 2) return null;
  // Timed header.
  for (let i = 2; i < toks.length; i++) {
    const tm = toks[i].s.charCodeAt(toks[i].s.length - 1) === 58 ? parseTime(toks[i].s) : null;
    if (!tm) continue;
    const left = leftPart(line, toks, i);
    if (!left) continue;
    let k = i + 1;
    let period: number | undefined;
    let event = '';
    let restStart = toks[i].end;
    if (k < toks.length && allDigits(toks[k].s) && (k + 1 >= toks.length || isEventToken(toks[k + 1].s))) {
      period = Number(toks[k].s);
      restStart = toks[k].end;
      k++;
    }
    if (k < toks.length && isEventToken(toks[k].s)) {
      event = toks[k].s.slice(0, -1);
      restStart = toks[k].end;
    } else if (k < toks.length && toks[k].s.startsWith('PERF_RECORD_')) {
      // side-band records (--show-task-events / --show-mmap-events): `PERF_RECORD_MMAP2 1/1: …`
      event = toks[k].s.endsWith(':') ? toks[k].s.slice(0, -1) : toks[k].s;
      restStart = toks[k].end;
    } else if (k < toks.length) {
      // Something after the time that is not an event: not a header we understand.
      continue;
    }
    return { ...left, time: tm, period, event, restStart, strong: true };
  }
  // Time-less header: tid [cpu] [period] event:
  type Cand = HeaderParse & { padded: boolean };
  let withPeriod: Cand | null = null;
  for (let i = 1; i < toks.length - 1; i++) {
    if (!parseTid(toks[i].s)) continue;
    let k = i + 1;
    let cpu: number | undefined;
    const c = parseCpu(toks[k].s);
    if (c !== null) {
      cpu = c;
      k++;
    }
    const left = leftPart(line, toks, k);
    if (!left || left.cpu !== cpu) continue;
    if (k < toks.length && isEventToken(toks[k].s) && !allDigits(toks[k].s.slice(0, -1)) && !parseTime(toks[k].s)) {
      return { ...left, event: toks[k].s.slice(0, -1), restStart: toks[k].end, strong: false };
    }
    if (withPeriod === null && k + 1 < toks.length && allDigits(toks[k].s) && isEventToken(toks[k + 1].s)) {
      const padded = toks[k].start - toks[k - 1].end >= 2;
      withPeriod = { ...left, period: Number(toks[k].s), event: toks[k + 1].s.slice(0, -1), restStart: toks[k + 1].end, strong: false, padded };
      if (padded) break;
    }
  }
  if (withPeriod) {
    const { padded: _p, ...h } = withPeriod;
    return h;
  }
  return null;
}

/**
 * Parses `hexaddr symbol[+0xoff] (dso)` (leading whitespace optional). The dso is the last
 * balanced parenthesised group at the end of the line, preceded by whitespace; a line
 * without one is accepted only when `requireDso` is false (`-F ip,sym`).
 */
export function parseFrameLine(line: string, requireDso = true): PerfFrame | null {
  const n0 = line.length;
  let a = 0;
  while (a < n0 && isWs(line.charCodeAt(a))) a++;
  let h = a;
  while (h < n0 && isHex(line.charCodeAt(h))) h++;
  if (h === a || (h < n0 && !isWs(line.charCodeAt(h)))) return null;
  let n = n0;
  while (n > h && isWs(line.charCodeAt(n - 1))) n--;
  if (h - a > 16) return null;
  let addr = line.slice(a, h);
  for (let i = a; i < h; i++) {
    const c = line.charCodeAt(i);
    if (c >= 65 && c <= 70) {
      addr = addr.toLowerCase();
      break;
    }
  }
  let dso = '';
  let symEnd = n;
  let hasDso = false;
  if (n > h && line.charCodeAt(n - 1) === 41) {
    // walk back to the matching '('
    let depth = 0;
    let open = -1;
    for (let i = n - 1; i >= h; i--) {
      const c = line.charCodeAt(i);
      if (c === 41) depth++;
      else if (c === 40 && --depth === 0) {
        open = i;
        break;
      }
    }
    if (open < 0 || (open > h && !isWs(line.charCodeAt(open - 1)))) {
      // unbalanced: fall back to the last " (" group
      const q = line.lastIndexOf(' (', n - 1);
      open = q >= h ? q + 1 : -1;
      if (open < 0 && line.charCodeAt(h) === 40) open = h;
    }
    if (open >= h) {
      dso = line.slice(open + 1, n - 1);
      symEnd = open;
      hasDso = true;
    }
  }
  if (!hasDso && requireDso) return null;
  let s = h;
  while (s < symEnd && isWs(line.charCodeAt(s))) s++;
  let e = symEnd;
  while (e > s && isWs(line.charCodeAt(e - 1))) e--;
  let symbol = line.slice(s, e);
  let offset = '';
  const plus = symbol.lastIndexOf('+0x');
  if (plus >= 0 && plus + 3 < symbol.length) {
    let ok = true;
    for (let i = plus + 3; i < symbol.length; i++) if (!isHex(symbol.charCodeAt(i))) ok = false;
    if (ok) {
      offset = symbol.slice(plus + 1);
      symbol = symbol.slice(0, plus);
    }
  }
  const inlined = dso === 'inlined';
  return { addr, symbol, offset, dso: inlined ? '' : dso, inlined };
}

/** `-F +srcline` lines: `  busy.c:4`, `  libc-2.33.so[27b25]`, `  ??:0`. */
function isSrcline(line: string): boolean {
  if (line.length === 0 || !isWs(line.charCodeAt(0))) return false;
  const t = line.trim();
  if (t.length === 0 || t.includes(' ') || t.includes('\t')) return false;
  const colon = t.lastIndexOf(':');
  if (colon > 0 && allDigits(t.slice(colon + 1))) return true;
  if (t.endsWith(']')) {
    const br = t.lastIndexOf('[');
    if (br > 0) {
      for (let i = br + 1; i < t.length - 1; i++) if (!isHex(t.charCodeAt(i))) return false;
      return true;
    }
  }
  return false;
}

/**
 * A tracepoint recorded without a call graph but printed with `+ip,+sym` ends its
 * one-line record with the sample's `ip sym+off (dso)` after the fields; split it off so
 * the last field keeps only its value. Tries the right-most `<hex> ` token first.
 */
export function splitTrailingFrame(payload: string): { payload: string; frame: PerfFrame | null } {
  if (!payload.endsWith(')')) return { payload, frame: null };
  const starts: number[] = [];
  const re = / [0-9a-f]{4,16} /g;
  for (let m = re.exec(payload); m; m = re.exec(payload)) {
    starts.push(m.index);
    re.lastIndex = m.index + 1;
  }
  for (let i = starts.length - 1; i >= 0; i--) {
    const frame = parseFrameLine(payload.slice(starts[i] + 1));
    if (frame) return { payload: payload.slice(0, starts[i]).trimEnd(), frame };
  }
  return { payload, frame: null };
}

/**
 * Parses tracepoint payloads into fields: `k=v k2=v with spaces` (split on ` key=`
 * anchors; sched_switch's `==>` is a separator) or syscall style `k: v, k2: v2`.
 */
export function parseTracepointFields(payload: string): Record<string, string> {
  const out: Record<string, string> = {};
  const p = payload.trim();
  if (p === '') return out;
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(p)) {
    const re = /(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g;
    const anchors: { key: string; valStart: number; start: number }[] = [];
    let m: RegExpExecArray | null;
    while ((m = re.exec(p)) !== null) {
      const start = m.index + (m[0].length - m[1].length - 1);
      anchors.push({ key: m[1], valStart: m.index + m[0].length, start });
    }
    for (let i = 0; i < anchors.length; i++) {
      const end = i + 1 < anchors.length ? anchors[i + 1].start : p.length;
      let v = p.slice(anchors[i].valStart, end).trim();
      if (v.endsWith('==>')) v = v.slice(0, -3).trim();
      out[anchors[i].key] = v;
    }
    return out;
  }
  if (/^[A-Za-z_][A-Za-z0-9_]*: /.test(p)) {
    const re = /(?:^|,\s)([A-Za-z_][A-Za-z0-9_]*): /g;
    const anchors: { key: string; valStart: number; start: number }[] = [];
    let m: RegExpExecArray | null;
    while ((m = re.exec(p)) !== null) anchors.push({ key: m[1], valStart: m.index + m[0].length, start: m.index });
    for (let i = 0; i < anchors.length; i++) {
      const end = i + 1 < anchors.length ? anchors[i + 1].start : p.length;
      out[anchors[i].key] = p.slice(anchors[i].valStart, end).trim();
    }
  }
  return out;
}

function parseHeaderComment(line: string, header: PerfHeaderInfo): void {
  // "# key : value"
  const body = line.replace(/^#+\s?/, '');
  const sep = body.indexOf(' : ');
  if (sep < 0) return;
  const key = body.slice(0, sep).trim();
  const value = body.slice(sep + 3).trim();
  if (key === '') return;
  if (key === 'event') {
    const m = /^name = ([^,]*)/.exec(value);
    if (m) {
      const name = m[1].trim();
      header.events.push(name);
      const p = /\{ sample_period, sample_freq \} = (\d+)/.exec(value);
      const freq = /(?:^|, )freq = 1(?:,|$)/.test(value);
      if (p && !freq && !/sample_type = [A-Z_|]*PERIOD/.test(value)) header.fixedPeriods[name] = Number(p[1]);
    }
    return;
  }
  if (!(key in header.fields)) header.fields[key] = value;
  if (key === 'cmdline') header.cmdline = value;
  else if (key === 'perf version') header.perfVersion = value;
  else if (key === 'hostname') header.hostname = value;
}

/**
 * Streams records to `onRecord` (frames leaf first). Throws DecodeError only when the
 * input holds no perf script record at all.
 */
export function parsePerfScript(bytes: Uint8Array, onRecord: (r: PerfRecord) => void, opts: PerfParseOptions = {}): PerfParseResult {
  const sniffLines = opts.sniffLines ?? 64;
  let header: PerfHeaderInfo | null = null;
  let records = 0;
  let unparsed = 0;
  const examples: { line: number; text: string }[] = [];
  let cur: PerfRecord | null = null;
  let pendingSrclineOk = false;
  let contentLines = 0;
  let firstBad: { line: number; text: string } | null = null;

  const bad = (text: string, lineNo: number) => {
    unparsed++;
    if (examples.length < MAX_EXAMPLES) examples.push({ line: lineNo, text: text.length > 300 ? text.slice(0, 300) + '…' : text });
    if (firstBad === null) firstBad = { line: lineNo, text };
  };
  const close = () => {
    if (cur) {
      onRecord(cur);
      cur = null;
    }
    pendingSrclineOk = false;
  };
  const notPerf = (): never => {
    const fb = firstBad as { line: number; text: string } | null;
    const lineNo = fb ? fb.line : 1;
    const shown = fb ? JSON.stringify(fb.text.slice(0, 60)) : '';
    throw new DecodeError('perf-script', `not perf script text: no record header (\`comm tid [cpu] time: period event:\`) found; line ${lineNo} is ${shown}`, { line: lineNo });
  };

  forEachLine(
    bytes,
    (line, lineNo) => {
      if (line.length === 0 || (isWs(line.charCodeAt(0)) && line.trim() === '')) {
        close();
        return;
      }
      if (line.charCodeAt(0) === 35) {
        // `#` lines: the --header block (and any later comment); never part of a record.
        if (records === 0 && cur === null) {
          if (header === null) header = { fields: {}, events: [], fixedPeriods: {} };
          parseHeaderComment(line, header);
        }
        return;
      }
      if (line.indexOf('\u0000') >= 0) {
        bad(line, lineNo);
      } else if (cur !== null) {
        const f = parseFrameLine(line);
        // A frame-shaped line is a frame unless it is unmistakably a timed header (a -G record
        // whose comm happens to be hex).
        if (f && !(line.indexOf(': ') >= 0 && isStrongHeader(line))) {
          (cur as PerfRecord).frames.push(f);
          pendingSrclineOk = true;
          return;
        }
        if (pendingSrclineOk && isSrcline(line)) {
          const fr = (cur as PerfRecord).frames;
          fr[fr.length - 1].srcline = line.trim();
          return;
        }
        if (!startRecord(line, lineNo)) {
          const f2 = parseFrameLine(line, false);
          if (f2 && isWs(line.charCodeAt(0))) {
            (cur as PerfRecord).frames.push(f2);
            pendingSrclineOk = true;
          } else bad(line, lineNo);
        }
      } else if (!startRecord(line, lineNo)) {
        bad(line, lineNo);
      }
      if (records === 0) {
        contentLines++;
        if (contentLines >= sniffLines && unparsed > 0) notPerf();
      }
    },
    { onProgress: opts.onProgress },
  );
  close();
  if (records === 0 && firstBad !== null) notPerf();
  if (records === 0 && header === null) {
    throw new DecodeError('perf-script', 'empty input: no perf script header or record; expected perf script text', { line: 1 });
  }
  return { header, records, unparsedLines: unparsed, unparsedExamples: examples };

  function isStrongHeader(line: string): boolean {
    const h = parseHeaderLine(line);
    return h !== null && h.strong;
  }

  function startRecord(line: string, lineNo: number): boolean {
    const h = parseHeaderLine(line);
    if (!h) return false;
    close();
    if (records === 0) opts.onHeader?.(header);
    records++;
    const rec: PerfRecord = {
      line: lineNo,
      comm: h.comm,
      pid: h.pid,
      tid: h.tid,
      cpu: h.cpu,
      time: h.time,
      period: h.period,
      event: h.event,
      payload: '',
      frames: [],
    };
    const rest = line.slice(h.restStart);
    if (rest.trim() !== '') {
      const f = parseFrameLine(rest);
      if (f) rec.frames.push(f);
      else {
        const split = splitTrailingFrame(rest.trim());
        rec.payload = split.payload;
        if (split.frame) rec.frames.push(split.frame);
      }
    }
    cur = rec;
    return true;
  }
}
