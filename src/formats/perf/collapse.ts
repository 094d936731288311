// A faithful reimplementation of FlameGraph's stackcollapse-perf.pl (HEAD 41fee1f) for the
// options --pid, --tid, --kernel, --jit, --all, --addrs and --event-filter.
//
// This path deliberately reproduces the reference tool, defects included (the workbench
// parser in parse.ts/model.ts is the correct one): lazy comm regex (`my worker 2 11385`
// gives comm `my_worker`, tid 2), the first event seen becomes the filter, lines whose
// event is not the last token (tracepoints with payloads, no-colon-before-event headers)
// bypass the filter with period 1, `-G` single-line files give no output, a last sample
// without a trailing blank line is lost, `(`-truncation of names, `_[k]`/`_[j]`/`_[i]`
// annotations, `[unknown]` → `[dso]`, the java `L` rule.
//
// The Perl regexes are replaced by hand-written scanners proven equivalent (see each
// function): two of them (`(\d+)\/*(\d+)*` and `:\s*(\d+)*\s+`) nest quantifiers and
// backtrack exponentially in JS on long digit runs; the frame regex is cubic.
//
// Input is processed as bytes (one char per byte, like Perl without `use utf8`), so the
// output is byte-identical also for non-ASCII names; it is converted back to UTF-8 text
// at the end. Like Perl, lines keep a trailing "\r" (a CRLF file's blank lines are not
// blank, so Perl — and this — merge its samples) and a BOM is not skipped.
//
// Deliberate differences (none affect the 13 × 6 conformance files):
//   * --inline, --context, --srcline are not supported (they run addr2line on the
//     original binaries).
//   * Counts are summed as exact integers (BigInt); Perl switches to floating point past
//     2^64 and prints e.g. 1.84467440737096e+19.
//   * collapsePerfBytes returns text: bytes that are not valid UTF-8 come back as U+FFFD
//     (the internal binary string, `stackcollapsePerf(...).text`, is byte-exact).
//   * Perl warns on stderr only for the first dropped event type; so do we (`stderr`),
//     but nothing is printed — the caller decides.

import { forEachLine } from './lines';

export interface CollapseOptions {
  pid?: boolean;
  tid?: boolean;
  kernel?: boolean;
  jit?: boolean;
  all?: boolean;
  addrs?: boolean;
  /** --event-filter=EV */
  eventFilter?: string;
}

export interface CollapseResult {
  /** Folded lines `frame;frame;leaf COUNT`, sorted bytewise, each ending "\n". */
  text: string;
  /** What the Perl script prints to stderr ("Filtering for events of type: X"). */
  stderr: string[];
}

// Perl's \s on byte strings (5.18+): space, \t, \n, \v, \f, \r.
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
// Perl's \w on byte strings: [A-Za-z0-9_].
function isWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
/** Perl truthiness of a string: false for undef, "" and "0". */
function truthy(s: string | undefined): s is string {
  return s !== undefined && s !== '' && s !== '0';
}

/**
 * `/^(\S.+?)\s+(\d+)\/*(\d+)*\s+/`. For a comm end e, the rest must be: a maximal
 * whitespace run, digits, slashes, digits, whitespace — any backtracked split ends inside
 * the digit/slash run, which is never followed by whitespace, so only the greedy split can
 * succeed. The lazy comm takes the smallest e (≥ 2); all e inside one whitespace run share
 * the same continuation, so each run is examined once: linear time.
 */
export function matchHeader(s: string): { comm: string; pid: string; tid: string | undefined } | null {
  const n = s.length;
  if (n < 3 || isSpace(s.charCodeAt(0))) return null;
  let i = 1;
  while (i < n) {
    // find next whitespace run starting at p ≥ 1 whose usable start e = max(p, 2) is inside it
    if (!isSpace(s.charCodeAt(i))) {
      i++;
      continue;
    }
    const p = i;
    let f = p;
    while (f < n && isSpace(s.charCodeAt(f))) f++;
    const e = Math.max(p, 2);
    i = f;
    if (e >= f) continue;
    let g = f;
    while (g < n && isDigit(s.charCodeAt(g))) g++;
    if (g === f) continue;
    let h = g;
    while (h < n && s.charCodeAt(h) === 47) h++;
    let k = h;
    while (k < n && isDigit(s.charCodeAt(k))) k++;
    if (k >= n || !isSpace(s.charCodeAt(k))) continue;
    return { comm: s.slice(0, e), pid: s.slice(f, g), tid: k > h ? s.slice(h, k) : undefined };
  }
  return null;
}

/**
 * `/:\s*(\d+)*\s+(\S+):\s*$/`. The line (without trailing whitespace) must end with a token
 * `X:` (X non-empty); before the token: `:` then `\s*\d*\s+`. Only the last `:` before the
 * token can qualify (anything between must be whitespace or digits). $1 = the digit run.
 */
export function matchEvent(s: string): { period: string | undefined; event: string } | null {
  let t = s.length;
  while (t > 0 && isSpace(s.charCodeAt(t - 1))) t--;
  if (t < 2 || s.charCodeAt(t - 1) !== 58) return null;
  let a = t - 1; // start of the token X (X = s[a..t-1))
  while (a > 0 && !isSpace(s.charCodeAt(a - 1))) a--;
  if (a >= t - 1 || a === 0) return null;
  // s[..a) must end with `:` \s* \d* \s+
  let j = a;
  while (j > 0 && isSpace(s.charCodeAt(j - 1))) j--;
  // j..a is whitespace (≥1 since a-1 is space)
  const dEnd = j;
  while (j > 0 && isDigit(s.charCodeAt(j - 1))) j--;
  const dStart = j;
  while (j > 0 && isSpace(s.charCodeAt(j - 1))) j--;
  if (j === 0 || s.charCodeAt(j - 1) !== 58) {
    // Digits directly after whitespace after ':' were required to be the period; the other
    // reading — \s* empty, no digits, \s+ — needs the ':' right before whitespace run j..a.
    return null;
  }
  return { period: dEnd > dStart ? s.slice(dStart, dEnd) : undefined, event: s.slice(a, t - 1) };
}

/**
 * `/^\s*(\w+)\s*(.+) \((.*)\)/`. With R = the last ')' and q = the last " (" at ≤ R-2, the
 * Perl backtracking order (longest \w+, longest \s*, longest .+) picks c = min(end of the
 * whitespace after the word, q-1) as the start of $2 and \w+ = up to min(c, word end).
 */
export function matchFrame(s: string): { pc: string; func: string; mod: string } | null {
  const n = s.length;
  let a = 0;
  while (a < n && isSpace(s.charCodeAt(a))) a++;
  let w = a;
  while (w < n && isWord(s.charCodeAt(w))) w++;
  if (w === a) return null;
  let ws = w;
  while (ws < n && isSpace(s.charCodeAt(ws))) ws++;
  const r = s.lastIndexOf(')');
  if (r < 0 || r < 2) return null;
  const q = s.lastIndexOf(' (', r - 2);
  if (q < 0) return null;
  const c = Math.min(ws, q - 1);
  if (c < a + 1) return null;
  // \n never occurs inside a line, so `.` matches everything here.
  const b = Math.min(c, w);
  return { pc: s.slice(a, b), func: s.slice(c, q), mod: s.slice(q + 2, r) };
}

const HEX_OFF = /\+0x[0-9a-f]+$/;

/** Perl `split /->/`: trailing empty fields are removed. */
function perlSplitArrow(s: string): string[] {
  const parts = s.split('->');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function tidyGeneric(func: string): string {
  func = func.replaceAll(';', ':');
  // m/\.\(.*\)\./ : ".(" somewhere, ")." starting at least 2 chars later.
  const i = func.indexOf('.(');
  const j = func.lastIndexOf(').');
  const goLike = i >= 0 && j >= i + 2;
  if (!goLike) {
    // s/\((?!anonymous namespace\)).*// : cut at the first '(' not opening "(anonymous namespace)".
    let k = func.indexOf('(');
    while (k >= 0 && func.startsWith('anonymous namespace)', k + 1)) k = func.indexOf('(', k + 1);
    if (k >= 0) func = func.slice(0, k);
  }
  return func.replace(/["']/g, '');
}

const JIT_MAP = /\/tmp\/perf-\d+\.map/;

/**
 * stackcollapse-perf.pl over lines (without their "\n"): an iterable, or a function that
 * feeds them to a callback (for streaming). Output keys are built from the line strings
 * as given (use one char per byte for Perl-exact bytes; see collapsePerfBytes).
 */
export function stackcollapsePerf(
  input: Iterable<string> | ((onLine: (line: string) => void) => void),
  opts: CollapseOptions = {},
): CollapseResult {
  const lines =
    typeof input === 'function'
      ? input
      : (cb: (line: string) => void) => {
          for (const l of input) cb(l);
        };
  const annotateKernel = !!(opts.kernel || opts.all);
  const annotateJit = !!(opts.jit || opts.all);
  const includeTid = !!opts.tid;
  const includePid = !!opts.pid;
  const includeAddrs = !!opts.addrs;
  let eventFilter = opts.eventFilter ?? '';
  let eventDefaulted = false;
  let eventWarning = false;
  const stderr: string[] = [];
  const collapsed = new Map<string, bigint>();

  let stack: string[] = []; // root first
  let pname: string | undefined;
  let mPeriod = '1';

  lines((line) => {
    if (line.charCodeAt(0) === 35) return; // '#': comments (the # cmdline target name is unused)
    if (line === '') {
      if (pname === undefined || pname === '' || pname === '0') return;
      stack.unshift(pname);
      if (stack.length > 0) {
        const key = stack.join(';');
        collapsed.set(key, (collapsed.get(key) ?? 0n) + BigInt(mPeriod));
      }
      stack = [];
      pname = undefined;
      return;
    }
    const h = matchHeader(line);
    if (h) {
      let { pid, tid } = h;
      if (!truthy(tid)) {
        tid = pid;
        pid = '?';
      }
      let period: string | undefined = '';
      const ev = matchEvent(line);
      if (ev) {
        period = ev.period;
        if (eventFilter === '') {
          eventFilter = ev.event;
          eventDefaulted = true;
        } else if (ev.event !== eventFilter) {
          if (eventDefaulted && !eventWarning) {
            stderr.push(`Filtering for events of type: ${ev.event}`);
            eventWarning = true;
          }
          return;
        }
      }
      if (!truthy(period)) period = '1';
      mPeriod = period;
      const p = includeTid ? `${h.comm}-${pid}/${tid}` : includePid ? `${h.comm}-${pid}` : h.comm;
      pname = p.replaceAll(' ', '_');
      return;
    }
    const f = matchFrame(line);
    if (!f) return; // Perl prints nothing for unrecognised lines
    if (pname === undefined || pname === '' || pname === '0') return;
    const { pc, mod } = f;
    const rawfunc = f.func.replace(HEX_OFF, '');
    if (rawfunc.charCodeAt(0) === 40) return; // '(': process names
    const inline: string[] = [];
    for (let func of perlSplitArrow(rawfunc)) {
      if (func === '[unknown]') {
        if (mod !== '[unknown]') func = mod.slice(mod.lastIndexOf('/') + 1);
        else func = 'unknown';
        func = includeAddrs ? `[${func} <${pc}>]` : `[${func}]`;
      }
      func = tidyGeneric(func);
      if (pname.startsWith('java') && func.includes('/') && func.startsWith('L')) func = func.slice(1);
      if (inline.length > 0) {
        if (!func.includes('_[i]')) func += '_[i]';
      } else if (annotateKernel && (mod.startsWith('[') || mod.endsWith('vmlinux')) && !mod.includes('unknown')) {
        func += '_[k]';
      } else if (annotateJit && JIT_MAP.test(mod)) {
        if (!func.includes('_[j]')) func += '_[j]';
      }
      inline.push(func);
    }
    stack.unshift(...inline);
  });

  const keys = [...collapsed.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  let text = '';
  for (const k of keys) text += `${k} ${collapsed.get(k)!.toString()}\n`;
  return { text, stderr };
}

/** Converts a one-char-per-byte string back to bytes and decodes it as UTF-8. */
export function binaryToUtf8(s: string): string {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return new TextDecoder('utf-8').decode(b);
}

/** stackcollapse-perf.pl over raw bytes; returns the folded text (UTF-8 decoded). */
export function collapsePerfBytes(bytes: Uint8Array, opts: CollapseOptions = {}): CollapseResult {
  const r = stackcollapsePerf(
    (cb) => forEachLine(bytes, (t) => cb(t), { encoding: 'binary', stripCR: false }),
    opts,
  );
  return { text: binaryToUtf8(r.text), stderr: r.stderr.map(binaryToUtf8) };
}
