// The line grammar of `perf script` text (see docs/pprof-perf-flamegraph.md §2): what a
// record header, a frame, a `-F +srcline` line, a `--header` comment and a tracepoint
// payload look like, one line (as a string) at a time. scan.ts decides which rule applies
// to which line (by parser state) and avoids calling these for lines it has seen before.
//   * a record header: parsed RIGHT-TO-LEFT around its anchors — the `sec.frac:` time, then
//     `[cpu]`, then `pid/tid` or `tid` (or `-1`); the comm is whatever remains (it may hold
//     spaces, digits, `;`, parentheses). After the time: an optional period, the event token
//     ending in `:`, then an optional payload (tracepoint fields, or the `ip sym (dso)` of a
//     single-line `-G`/no-callchain record). Time-less headers (`-F` without time, old perf)
//     are matched the same way without the time anchor.
//   * a frame: `hexaddr symbol[+0xoff] (dso)`, dso = the last balanced `(…)` group;
//     `(inlined)` marks an inline frame. `-F +srcline` lines after a frame are attached to it.
//
// No regex here nests quantifiers over user text: scanning is by hand or with linear,
// single-quantifier patterns.

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

export function isWs(c: number): boolean {
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

function tidNumber(t: string): number | null {
  return t === '-1' ? -1 : allDigits(t) ? Number(t) : null;
}

/** `123`, `-1`, `12/34`, `12/-1`, `-1/-1` → pid/tid. */
function parseTid(s: string): { pid?: number; tid: number } | null {
  const slash = s.indexOf('/');
  if (slash < 0) {
    const t = tidNumber(s);
    return t === null ? null : { tid: t };
  }
  const p = tidNumber(s.slice(0, slash));
  const t = tidNumber(s.slice(slash + 1));
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
function leftPart(line: string, toks: Tok[], j: number): Left | null {
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

type Left = { comm: string; pid?: number; tid: number; cpu?: number };

// One object shape for every parsed header (spreading `left` made the hot path slow).
function headerOf(left: Left, time: PerfTime | undefined, period: number | undefined, event: string, restStart: number, strong: boolean): HeaderParse {
  return { comm: left.comm, pid: left.pid, tid: left.tid, cpu: left.cpu, time, period, event, restStart, strong };
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
    return headerOf(left, tm, period, event, restStart, true);
  }
  // Time-less header: tid [cpu] [period] event:
  let withPeriod: HeaderParse | null = null;
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
      return headerOf(left, undefined, undefined, toks[k].s.slice(0, -1), toks[k].end, false);
    }
    if (withPeriod === null && k + 1 < toks.length && allDigits(toks[k].s) && isEventToken(toks[k + 1].s)) {
      const padded = toks[k].start - toks[k - 1].end >= 2;
      withPeriod = headerOf(left, undefined, Number(toks[k].s), toks[k + 1].s.slice(0, -1), toks[k + 1].end, false);
      if (padded) break;
    }
  }
  return withPeriod;
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
export function isSrcline(line: string): boolean {
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

export function parseHeaderComment(line: string, header: PerfHeaderInfo): void {
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


// ---------------------------------------------------------------------------------------
// The byte twin of parseHeaderLine for the common case, so the scanner need not decode
// every record header to a string and tokenize it. It applies only to plain lines —
// printable ASCII and tabs (bytes are then chars, offsets agree) — and only follows
// parseHeaderLine's timed rule to a header without payload; anywhere the string rule
// would do something else (no time anchor, `PERF_RECORD_*`, a payload, numbers too long
// for exact arithmetic) it returns null and the caller runs parseHeaderLine instead.
// So when it answers, it answers exactly what parseHeaderLine would
// (tests/unit/perf-scan.test.ts checks this on every header of the corpora).

const MAX_TOKENS = 48;
/** 10 ** k exactly (what parseTime's `10 ** (9 - n)` gives), without a pow() call per header. */
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const tokStart = new Int32Array(MAX_TOKENS);
const tokEnd = new Int32Array(MAX_TOKENS);

/** Longest run asciiText turns into a string through an array of char codes. */
const MAX_CODES = 256;
/** One array of char codes per length, reused. (One array emptied with `length = 0` per
 * call gave up its backing store each time, and refilling it by push() reallocated it
 * several times per line: ~2 KB of garbage per line, most of the scanner's allocation.) */
const codesOfLength: number[][] = [];
const latin1 = new TextDecoder('latin1');

/** The bytes b[s, e), all ASCII, as a string. */
export function asciiText(b: Uint8Array, s: number, e: number): string {
  const n = e - s;
  if (n > MAX_CODES) return latin1.decode(b.subarray(s, e)); // ASCII: the same chars
  let codes = codesOfLength[n];
  if (codes === undefined) {
    codes = [];
    for (let i = 0; i < n; i++) codes.push(0);
    codesOfLength[n] = codes;
  }
  for (let i = 0; i < n; i++) codes[i] = b[s + i];
  // apply() over a plain array is the fast path (not over a typed array).
  return String.fromCharCode.apply(null, codes);
}

/**
 * Strings for short ASCII byte runs that repeat (comms, event names): the same string
 * object for the same bytes, so it is neither rebuilt nor rehashed as a Map key per record.
 */
export class AsciiStrings {
  private table = new Int32Array(1024);
  private start = new Int32Array(512);
  private len = new Int32Array(512);
  private hash = new Int32Array(512);
  private readonly strings: string[] = [];
  private bytes = new Uint8Array(1 << 14);
  private used = 0;

  get(b: Uint8Array, s: number, e: number): string {
    const n = e - s;
    if (n > 64) return asciiText(b, s, e);
    let h = 0x811c9dc5 | 0; // int32 from the start, as stored in `hash` (an empty string matches too)
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
    const t = this.table;
    const mask = t.length - 1;
    let i = h & mask;
    for (let v = t[i]; v !== 0; i = (i + 1) & mask, v = t[i]) {
      const k = v - 1;
      if (this.hash[k] !== h || this.len[k] !== n) continue;
      const o = this.start[k];
      let j = 0;
      while (j < n && this.bytes[o + j] === b[s + j]) j++;
      if (j === n) return this.strings[k];
    }
    const str = asciiText(b, s, e);
    const k = this.strings.length;
    if (k >= 4096 || this.used + n > this.bytes.length) return str; // enough distinct ones kept
    if (k === this.start.length) {
      this.start = growInts(this.start);
      this.len = growInts(this.len);
      this.hash = growInts(this.hash);
    }
    this.bytes.set(b.subarray(s, e), this.used);
    this.start[k] = this.used;
    this.len[k] = n;
    this.hash[k] = h;
    this.used += n;
    this.strings.push(str);
    t[i] = k + 1;
    if ((k + 1) * 2 > t.length) this.rehash();
    return str;
  }

  private rehash(): void {
    const t = new Int32Array(this.table.length * 2);
    const mask = t.length - 1;
    for (let k = 0; k < this.strings.length; k++) {
      let i = this.hash[k] & mask;
      while (t[i] !== 0) i = (i + 1) & mask;
      t[i] = k + 1;
    }
    this.table = t;
  }
}

function growInts(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Value of the decimal digits b[s, e) (non-empty, ≤ 15 digits: exact), else -1. */
function digitsValue(b: Uint8Array, s: number, e: number): number {
  if (e <= s || e - s > 15) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = b[i] - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** tidNumber on bytes: `-1` or digits; -2 when neither (or too long). */
function tidValue(b: Uint8Array, s: number, e: number): number {
  if (e - s === 2 && b[s] === 45 && b[s + 1] === 49) return -1;
  const v = digitsValue(b, s, e);
  return v < 0 ? -2 : v;
}

/**
 * parseHeaderLine(line) for line = b[p, q) when that line is plain and its header is
 * timed and payload-free; null otherwise (then call parseHeaderLine). With withText false
 * the time's `text` is left '' (for callers that only use its numbers).
 */
export function parseHeaderBytes(b: Uint8Array, p: number, q: number, strings: AsciiStrings, withText = true): HeaderParse | null {
  if (q > p && b[q - 1] === 13) q--; // the line reader strips one trailing "\r"
  // Tokenize, and give up on anything but printable ASCII and tabs.
  let n = 0;
  let i = p;
  while (i < q) {
    let c = b[i];
    while (c === 32 || c === 9) {
      if (++i === q) break;
      c = b[i];
    }
    if (i === q) break;
    if (n === MAX_TOKENS) return null;
    tokStart[n] = i;
    while (i < q) {
      c = b[i];
      if (c === 32 || c === 9) break;
      if (c < 32 || c > 126) return null;
      i++;
    }
    tokEnd[n++] = i;
  }
  if (n < 2) return null;
  for (let t = 2; t < n; t++) {
    const ts = tokStart[t];
    const te = tokEnd[t];
    // parseTime: digits '.' digits ':'
    if (te - ts < 4 || b[te - 1] !== 58) continue;
    let dot = ts;
    while (dot < te && b[dot] !== 46) dot++;
    if (dot === ts || dot === te) continue;
    const sec = digitsValue(b, ts, dot);
    const fracLen = te - 1 - (dot + 1);
    let frac = digitsValue(b, dot + 1, Math.min(te - 1, dot + 10));
    if (sec < 0 || fracLen <= 0 || frac < 0) {
      // Not digits (no time here), or too long to be sure: let the string rule decide.
      if (isDigitRun(b, ts, dot) && isDigitRun(b, dot + 1, te - 1)) return null;
      continue;
    }
    if (fracLen > 9 && !isDigitRun(b, dot + 10, te - 1)) continue;
    if (fracLen < 9) frac = frac * POW10[9 - fracLen];
    // leftPart
    let k = t - 1;
    let cpu: number | undefined;
    const cs = tokStart[k];
    const ce = tokEnd[k];
    if (ce - cs >= 3 && b[cs] === 91 && b[ce - 1] === 93) {
      const v = digitsValue(b, cs + 1, ce - 1);
      if (v >= 0) {
        cpu = v;
        k--;
      } else if (isDigitRun(b, cs + 1, ce - 1)) return null;
    }
    if (k < 1) continue;
    const ks = tokStart[k];
    const ke = tokEnd[k];
    let slash = ks;
    while (slash < ke && b[slash] !== 47) slash++;
    let pid: number | undefined;
    let tid: number;
    if (slash === ke) {
      tid = tidValue(b, ks, ke);
      if (tid === -2) {
        if (isDigitRun(b, ks, ke)) return null;
        continue;
      }
    } else {
      const pv = tidValue(b, ks, slash);
      tid = tidValue(b, slash + 1, ke);
      if (pv === -2 || tid === -2) {
        if (isDigitRun(b, ks, slash) || isDigitRun(b, slash + 1, ke)) return null;
        continue;
      }
      pid = pv;
    }
    // period? event
    let j = t + 1;
    let period: number | undefined;
    let restStart = te;
    if (j < n && isDigitRun(b, tokStart[j], tokEnd[j]) && (j + 1 >= n || (tokEnd[j + 1] - tokStart[j + 1] >= 2 && b[tokEnd[j + 1] - 1] === 58))) {
      const v = digitsValue(b, tokStart[j], tokEnd[j]);
      if (v < 0) return null;
      period = v;
      restStart = tokEnd[j];
      j++;
    }
    let event = '';
    if (j < n && tokEnd[j] - tokStart[j] >= 2 && b[tokEnd[j] - 1] === 58) {
      event = strings.get(b, tokStart[j], tokEnd[j] - 1);
      restStart = tokEnd[j];
      j++;
    } else if (j < n) {
      return null; // `PERF_RECORD_*`, or not a header this rule accepts: the string rule decides
    }
    if (j < n) return null; // a payload
    const time: PerfTime = { sec, nsec: frac, text: withText ? timeText(b, ts, dot, te - 1, sec) : '' };
    const comm = strings.get(b, tokStart[0], tokEnd[k - 1]);
    return { comm, pid, tid, cpu, time, period, event, restStart: restStart - p, strong: true };
  }
  return null;
}

/** The digits b[s, e) (a `.` at dot) as text; from the number when that prints the same. */
function timeText(b: Uint8Array, s: number, dot: number, e: number, sec: number): string {
  const fracLen = e - dot - 1;
  if ((b[s] !== 48 || dot - s === 1) && fracLen <= 9) {
    let frac = 0;
    for (let i = dot + 1; i < e; i++) frac = frac * 10 + (b[i] - 48);
    return `${sec}.${String(frac).padStart(fracLen, '0')}`;
  }
  return asciiText(b, s, e);
}

function isDigitRun(b: Uint8Array, s: number, e: number): boolean {
  if (e <= s) return false;
  for (let i = s; i < e; i++) if (b[i] < 48 || b[i] > 57) return false;
  return true;
}
