// Parser for Go crash output and goroutine dumps: `panic:` / `fatal error:` tracebacks,
// signal and SIGQUIT dumps at any GOTRACEBACK level (runtime stack, gp= m= mp= headers,
// register blocks, the `-----` separated sections of GOTRACEBACK=crash), runtime/pprof
// goroutine profiles at debug=2 (the same grammar) and debug=1 (grouped counts).
//
// Line-oriented and linear: every line is examined a bounded number of times with
// anchored, non-nested patterns. Damage is local: an unexpected line becomes a warning
// naming its line and parsing continues, so a cut-off dump keeps every goroutine before
// the cut. Input that never shows any dump structure throws a DecodeError.

import { ProfileBuilder, type LabelInput } from '../../model/builder';
import { DecodeError } from '../errors';
import type {
  GoAncestor,
  GoCreatedBy,
  GoDump,
  GoDumpKind,
  GoFrame,
  GoMapCall,
  Goroutine,
  GoroutineGroup,
  GoSignal,
} from './model';

const FORMAT = 'go-dump';
const MAX_WARNINGS = 100;

export interface ParseGoDumpOptions {
  onProgress?: (done: number, total: number) => void;
}

/** Parses dump text or bytes (UTF-8). Throws DecodeError when the input is not a dump. */
export function parseGoDump(input: string | Uint8Array, opts: ParseGoDumpOptions = {}): GoDump {
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  return new Parser(text, opts).run();
}

// ---------- small line-level recognisers (all anchored, no nested quantifiers) ----------

const RE_ELIDED_NEW = /^\.\.\.(\d+) frames elided\.\.\.$/;
const RE_ELIDED_OLD = /^\.\.\.additional frames elided\.\.\.$/;
const RE_ORIGIN = /^\[originating from goroutine (\d+)\]:$/;
const RE_REGISTER = /^([a-z][a-z0-9]{0,6}) +(0x[0-9a-f]+)$/;
const RE_EXIT = /^exit status (\d+)$/;
const RE_SIGNAL = /^(SIG[A-Z0-9]+): (.*)$/;
const RE_SIGNAL_BRACKET = /^\[signal (SIG[A-Z0-9]+): (.*)\]$/;
const RE_PC_LINE = /^PC=(0x[0-9a-f]+) m=(\d+|nil) sigcode=(\S+)(?: addr=(0x[0-9a-f]+))?/;
const RE_DEBUG1_HEADER = /^goroutine profile: total (\d+)$/;
const RE_DEBUG1_RECORD = /^(\d+) @((?: 0x[0-9a-f]+)*)$/;
const RE_DEBUG1_FRAME = /^#[ \t]+(0x[0-9a-f]+)[ \t]+(\S+)[ \t]+(\S.*)$/;
const RE_HEX = /^0x[0-9a-f]+$/;
const RE_POS = /^(fp|sp|pc)=(0x[0-9a-f]+)$/;
const RE_OFFSET = /^\+0x([0-9a-f]+)$/;

/** `runtime.*`, `internal/runtime/*`, `runtime/internal/*` and the printed `panic`. */
export function isRuntimeFunc(func: string): boolean {
  return (
    func.startsWith('runtime.') ||
    func.startsWith('internal/runtime/') ||
    func.startsWith('runtime/internal/') ||
    func === 'panic' ||
    func === 'goexit'
  );
}

const CLASSIC_MAP_FUNCS = /^runtime\.(?:mapaccess|mapassign|mapdelete|mapiterinit|mapiternext|mapclear|mapclone|makemap|growWork|evacuate|hashGrow|mapinitnoop|maps_)/;

/** A function of the runtime's map implementation: classic `runtime.map*` or Swiss `internal/runtime/maps.*`. */
export function isMapFunc(func: string): boolean {
  return func.startsWith('internal/runtime/maps.') || CLASSIC_MAP_FUNCS.test(func);
}

/** Lines that belong between or after goroutine blocks (they end a block). */
function isTopLevel(t: string): boolean {
  return (
    RE_REGISTER.test(t) ||
    RE_EXIT.test(t) ||
    RE_SIGNAL.test(t) ||
    RE_SIGNAL_BRACKET.test(t) ||
    RE_PC_LINE.test(t) ||
    t === '-----' ||
    t === 'runtime stack:' ||
    t.startsWith('fatal error: ') ||
    t.startsWith('panic: ') ||
    t.startsWith('runtime: ')
  );
}

function isIndented(line: string): boolean {
  const c = line.charCodeAt(0);
  return c === 9 || c === 32;
}

/** `func(args)` → {func, args}; null when the line is not a call. Args never contain parentheses. */
function splitCall(line: string): { func: string; args: string } | null {
  if (!line.endsWith(')')) return null;
  const open = line.lastIndexOf('(');
  if (open <= 0) return null;
  const func = line.slice(0, open);
  if (/\s/.test(func)) return null;
  return { func, args: line.slice(open + 1, -1) };
}

interface Location {
  file: string;
  line: number;
  offset: number | null;
  fp?: string;
  sp?: string;
  pc?: string;
}

/** `\t/path/file.go:123 +0x1f fp=… sp=… pc=…` → Location; null when malformed. */
function parseLocation(raw: string): Location | null {
  const toks = raw.trim().split(' ');
  const loc: Location = { file: '', line: 0, offset: null };
  while (toks.length > 1) {
    const last = toks[toks.length - 1];
    const pos = RE_POS.exec(last);
    if (pos) {
      loc[pos[1] as 'fp' | 'sp' | 'pc'] = pos[2];
      toks.pop();
      continue;
    }
    const off = RE_OFFSET.exec(last);
    if (off) {
      loc.offset = parseInt(off[1], 16);
      toks.pop();
    }
    break;
  }
  const fileLine = toks.join(' ');
  const colon = fileLine.lastIndexOf(':');
  if (colon <= 0) return null;
  const num = fileLine.slice(colon + 1);
  if (!/^\d+$/.test(num)) return null;
  loc.file = fileLine.slice(0, colon);
  loc.line = Number(num);
  return loc;
}

/** Reads a Go-quoted string starting at s[i] === '"'; returns [value, index after the closing quote]. */
function readQuoted(s: string, i: number): [string, number] | null {
  let out = '';
  i++;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') return [out, i + 1];
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = s[i + 1];
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };
    if (e !== undefined && simple[e] !== undefined) {
      out += simple[e];
      i += 2;
      continue;
    }
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (width === 0) return null;
    const hex = s.slice(i + 2, i + 2 + width);
    if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) return null;
    const cp = parseInt(hex, 16);
    out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
    i += 2 + width;
  }
  return null;
}

/**
 * A label set `{"k": "v", …}` (Go 1.26 headers, debug=1 `# labels:`) or the unquoted
 * `{k: v}` form, starting at s[start] === '{'. Returns the labels and the index after '}'.
 */
export function parseLabelSet(s: string, start: number): { labels: Record<string, string>; end: number } | null {
  const labels: Record<string, string> = {};
  let i = start + 1;
  const skip = () => {
    while (s[i] === ' ') i++;
  };
  const token = (stops: string): string | null => {
    skip();
    if (s[i] === '"') {
      const q = readQuoted(s, i);
      if (!q) return null;
      i = q[1];
      return q[0];
    }
    const from = i;
    while (i < s.length && !stops.includes(s[i])) i++;
    return i > from ? s.slice(from, i).trim() : null;
  };
  skip();
  if (s[i] === '}') return { labels, end: i + 1 };
  for (;;) {
    const k = token(':}');
    if (k === null) return null;
    skip();
    if (s[i] !== ':') return null;
    i++;
    const v = token(',}');
    if (v === null) return null;
    labels[k] = v;
    skip();
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] === '}') return { labels, end: i + 1 };
    return null;
  }
}

interface Header {
  id: number;
  gp: string | null;
  m: string | null;
  mp: string | null;
  bracket: string;
  labels: Record<string, string>;
}

/** `goroutine N[ gp=… m=…[ mp=…]] [status…[ labels:{…}]][ {…}]:`; null when malformed. */
function parseHeader(line: string): Header | null {
  const m = /^goroutine (\d+) /.exec(line);
  if (!m) return null;
  let i = m[0].length;
  const h: Header = { id: Number(m[1]), gp: null, m: null, mp: null, bracket: '', labels: {} };
  // gp= m= mp= tokens
  while (line[i] !== '[') {
    const sp = line.indexOf(' ', i);
    if (sp < 0) return null;
    const tok = line.slice(i, sp);
    const eq = tok.indexOf('=');
    const key = tok.slice(0, eq);
    if (eq <= 0 || (key !== 'gp' && key !== 'm' && key !== 'mp')) return null;
    h[key] = tok.slice(eq + 1);
    i = sp + 1;
  }
  i++;
  // Status text runs to ']' or to ' labels:{' (Go 1.26, inside the brackets).
  const lab = line.indexOf(' labels:{', i);
  let close: number;
  if (lab >= 0) {
    const ls = parseLabelSet(line, lab + 8);
    if (!ls) return null;
    h.labels = ls.labels;
    h.bracket = line.slice(i, lab);
    close = ls.end;
    if (line[close] !== ']') return null;
  } else {
    close = line.indexOf(']', i);
    if (close < 0) return null;
    h.bracket = line.slice(i, close);
  }
  let rest = line.slice(close + 1);
  if (rest.startsWith(' {')) {
    // Labels after the brackets, as some tools print them.
    const ls = parseLabelSet(rest, 1);
    if (!ls) return null;
    Object.assign(h.labels, ls.labels);
    rest = rest.slice(ls.end);
  }
  if (rest.trimEnd() !== ':') return null;
  return h;
}

const STATE_SUFFIXES = [' (leaked)', ' (scan)', ' (durable)'];

function newGoroutine(h: Header, lineNo: number): Goroutine {
  const parts = h.bracket.split(', ');
  let state = parts[0];
  const stateFlags: string[] = [];
  for (let again = true; again; ) {
    again = false;
    for (const suf of STATE_SUFFIXES) {
      // `sync.WaitGroup.Wait (durable)` style reasons keep their own suffix only when
      // it is part of the wait reason; the runtime appends these three after it.
      if (state.endsWith(suf) && state.length > suf.length) {
        stateFlags.unshift(suf.slice(2, -1));
        state = state.slice(0, -suf.length);
        again = true;
      }
    }
  }
  const g: Goroutine = {
    id: h.id,
    state,
    waitMinutes: null,
    lockedToThread: false,
    stateFlags,
    labels: h.labels,
    frames: [],
    createdBy: null,
    elided: false,
    elidedFrames: null,
    ancestors: [],
    stackUnavailable: false,
    gp: h.gp,
    m: h.m,
    mp: h.mp,
    synctest: null,
    headerExtras: [],
    line: lineNo,
  };
  for (let k = 1; k < parts.length; k++) {
    const p = parts[k];
    const mins = /^(\d+) minutes$/.exec(p);
    if (mins) g.waitMinutes = Number(mins[1]);
    else if (p === 'locked to thread') g.lockedToThread = true;
    else if (p.startsWith('synctest ')) g.synctest = p.slice(9);
    else g.headerExtras.push(p);
  }
  return g;
}

// ---------- the parser ----------

type Pending = { kind: 'frame'; call: { func: string; args: string }; line: number } | { kind: 'created'; func: string; goroutine: number | null; line: number };

class Parser {
  private readonly lines: string[];
  private readonly warnings: string[] = [];
  private warningsDropped = 0;
  private fatalError: string | null = null;
  private panicChain: string[] = [];
  private signal: GoSignal | null = null;
  private sawSigquit = false;
  private readonly runtimeStack: GoFrame[] = [];
  private readonly goroutines: Goroutine[] = [];
  private readonly registers: Record<string, string>[] = [];
  private exitStatus: number | null = null;
  private readonly preamble: string[] = [];
  private structure = false;

  // block state
  private cur: Goroutine | null = null;
  private inRuntimeStack = false;
  private ancestor: GoAncestor | null = null;
  private pending: Pending | null = null;
  private regs: Record<string, string> | null = null;
  /** 1-based number of a last line that has no newline (the text was cut), else 0. */
  private cutMidLine = 0;

  constructor(
    text: string,
    private readonly opts: ParseGoDumpOptions,
  ) {
    this.lines = text.split('\n');
    // A final '\n' leaves one empty element; a missing one means the text was cut mid-line.
    const last = this.lines.length - 1;
    if (this.lines[last] === '') this.lines.pop();
    else if (text.length > 0) this.cutMidLine = last + 1;
    for (let i = 0; i < this.lines.length; i++) {
      const l = this.lines[i];
      if (l.endsWith('\r')) this.lines[i] = l.slice(0, -1);
    }
  }

  private warn(line: number, msg: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(`line ${line}: ${msg}`);
    else this.warningsDropped++;
  }

  run(): GoDump {
    const first = this.lines.findIndex((l) => l.trim() !== '');
    if (first >= 0 && RE_DEBUG1_HEADER.test(this.lines[first].trim())) return this.runDebug1(first);
    const n = this.lines.length;
    for (let i = 0; i < n; i++) {
      if (this.opts.onProgress && (i & 0xffff) === 0) this.opts.onProgress(i, n);
      this.line(this.lines[i], i + 1);
    }
    this.endBlock();
    if (!this.structure) this.notADump(first);
    if (this.cutMidLine) this.warn(this.cutMidLine, 'the input ends in the middle of this line (cut off?)');
    return this.finishDump();
  }

  private notADump(first: number): never {
    if (first < 0) throw new DecodeError(FORMAT, 'empty input; expected a Go panic, fatal error, SIGQUIT dump or goroutine profile', { line: 1 });
    const shown = this.lines[first].slice(0, 60);
    throw new DecodeError(
      FORMAT,
      `not a Go crash or goroutine dump: ${JSON.stringify(shown)} is not a panic, fatal error, signal or goroutine header, and no goroutine follows`,
      { line: first + 1 },
    );
  }

  // ----- traceback grammar -----

  private line(raw: string, no: number): void {
    const line = raw;
    if (line.trim() === '') {
      this.endBlock();
      return;
    }
    if (this.cur || this.inRuntimeStack) {
      if (this.blockLine(line, no)) return;
      this.endBlock();
    }
    this.topLine(line, no);
  }

  /** A line inside a goroutine / runtime-stack block; false when it ends the block. */
  private blockLine(line: string, no: number): boolean {
    if (isIndented(line)) {
      const t = line.trim();
      if (this.pending) {
        const loc = parseLocation(t);
        if (!loc) {
          this.warn(no, `malformed file:line ${JSON.stringify(t.slice(0, 80))}`);
          this.pending = null;
          return true;
        }
        this.complete(loc);
        return true;
      }
      if (t === 'goroutine running on other thread; stack unavailable' || t.endsWith('stack unavailable')) {
        if (this.cur) this.cur.stackUnavailable = true;
        return true;
      }
      if (t.startsWith('non-Go function')) {
        this.pushFrame({ func: 'non-Go function', args: '', file: '', line: 0, offset: null, inlined: false, pc: /pc=(0x[0-9a-f]+)/.exec(t)?.[1] });
        return true;
      }
      this.warn(no, `unexpected indented line without a function line before it: ${JSON.stringify(t.slice(0, 80))}`);
      return true;
    }
    if (this.pending) {
      this.warn(this.pending.line, `function line without its file:line (${this.pendingName()})`);
      this.flushPendingWithoutLocation();
    }
    if (line.startsWith('created by ')) {
      let rest = line.slice(11).trimEnd();
      let parent: number | null = null;
      const m = / in goroutine (\d+)$/.exec(rest);
      if (m) {
        parent = Number(m[1]);
        rest = rest.slice(0, rest.length - m[0].length);
      }
      this.pending = { kind: 'created', func: rest, goroutine: parent, line: no };
      return true;
    }
    const t = line.trimEnd();
    const el = RE_ELIDED_NEW.exec(t);
    if (el || RE_ELIDED_OLD.test(t)) {
      if (this.cur && !this.ancestor) {
        this.cur.elided = true;
        this.cur.elidedFrames = el ? Number(el[1]) : null;
      }
      return true;
    }
    const origin = RE_ORIGIN.exec(t);
    if (origin && this.cur) {
      this.ancestor = { goroutine: Number(origin[1]), frames: [], createdBy: null };
      this.cur.ancestors.push(this.ancestor);
      return true;
    }
    if (t.startsWith('goroutine ')) return false;
    if (t.startsWith('non-Go function')) {
      // cgo frame without a symbolizer: `non-Go function at pc=0x…` (or the bare phrase).
      this.pushFrame({ func: 'non-Go function', args: '', file: '', line: 0, offset: null, inlined: false, pc: / pc=(0x[0-9a-f]+)/.exec(t)?.[1] });
      return true;
    }
    const call = splitCall(t);
    if (call) {
      this.pending = { kind: 'frame', call, line: no };
      return true;
    }
    if (isTopLevel(t)) return false;
    // Damage inside a block: report it and keep reading this goroutine.
    this.warn(no, `unexpected line in goroutine ${this.cur ? this.cur.id : '(runtime stack)'}: ${JSON.stringify(t.slice(0, 80))}`);
    return true;
  }

  private pendingName(): string {
    const p = this.pending;
    return p === null ? '' : p.kind === 'frame' ? p.call.func : `created by ${p.func}`;
  }

  private flushPendingWithoutLocation(): void {
    const p = this.pending;
    if (p && p.kind === 'frame') this.complete({ file: '', line: 0, offset: null });
    this.pending = null;
  }

  private complete(loc: Location): void {
    const p = this.pending;
    this.pending = null;
    if (!p) return;
    if (p.kind === 'created') {
      const cb: GoCreatedBy = { func: p.func, file: loc.file, line: loc.line, offset: loc.offset, goroutine: p.goroutine };
      if (this.ancestor) this.ancestor.createdBy = cb;
      else if (this.cur) this.cur.createdBy = cb;
      return;
    }
    const f: GoFrame = {
      func: p.call.func,
      args: p.call.args,
      file: loc.file,
      line: loc.line,
      offset: loc.offset,
      // `(...)` with no pc offset: inlined. Ancestor frames print `(...)` with an offset.
      inlined: p.call.args === '...' && loc.offset === null,
    };
    if (loc.fp !== undefined) f.fp = loc.fp;
    if (loc.sp !== undefined) f.sp = loc.sp;
    if (loc.pc !== undefined) f.pc = loc.pc;
    this.pushFrame(f);
  }

  private pushFrame(f: GoFrame): void {
    if (this.ancestor) this.ancestor.frames.push(f);
    else if (this.cur) this.cur.frames.push(f);
    else if (this.inRuntimeStack) this.runtimeStack.push(f);
  }

  private endBlock(): void {
    if (this.pending) {
      this.warn(this.pending.line, `the block ends after ${this.pendingName()} without its file:line (cut off?)`);
      this.flushPendingWithoutLocation();
    }
    this.cur = null;
    this.ancestor = null;
    this.inRuntimeStack = false;
    if (this.regs) {
      this.registers.push(this.regs);
      this.regs = null;
    }
  }

  /** A line outside any goroutine block. */
  private topLine(line: string, no: number): void {
    const t = line.trimEnd();
    if (t.startsWith('goroutine ')) {
      const h = parseHeader(t);
      if (h) {
        this.structure = true;
        this.cur = newGoroutine(h, no);
        this.goroutines.push(this.cur);
        return;
      }
      if (/^goroutine \d+ /.test(t)) {
        this.warn(no, `malformed goroutine header ${JSON.stringify(t.slice(0, 80))}`);
        return;
      }
    }
    if (t === 'runtime stack:') {
      this.structure = true;
      this.inRuntimeStack = true;
      return;
    }
    const reg = RE_REGISTER.exec(t);
    if (reg && (this.regs || this.structure)) {
      if (!this.regs) this.regs = {};
      this.regs[reg[1]] = reg[2];
      return;
    }
    if (this.regs) {
      this.registers.push(this.regs);
      this.regs = null;
    }
    if (t.startsWith('fatal error: ')) {
      this.structure = true;
      if (this.fatalError === null) this.fatalError = t.slice(13);
      return;
    }
    const pt = t.trimStart();
    if (pt.startsWith('panic: ')) {
      this.structure = true;
      this.panicChain.push(pt.slice(7));
      return;
    }
    const sig = RE_SIGNAL.exec(t) ?? RE_SIGNAL_BRACKET.exec(t);
    if (sig) {
      this.structure = true;
      if (sig[1] === 'SIGQUIT') this.sawSigquit = true;
      if (!this.signal) this.signal = { name: sig[1], description: sig[2], pc: null, m: null, sigcode: null, addr: null };
      return;
    }
    const pc = RE_PC_LINE.exec(t);
    if (pc) {
      if (this.signal && this.signal.pc === null) {
        this.signal.pc = pc[1];
        this.signal.m = pc[2];
        this.signal.sigcode = pc[3];
        this.signal.addr = pc[4] ?? null;
      }
      return;
    }
    const exit = RE_EXIT.exec(t);
    if (exit) {
      this.exitStatus = Number(exit[1]);
      return;
    }
    if (t === '-----' || t === 'signal arrived during cgo execution' || t.startsWith('runtime: ') || t.startsWith('\tpanic: ')) return;
    if (this.goroutines.length > 0) {
      this.warn(no, `unexpected text in the goroutine dump: ${JSON.stringify(t.slice(0, 80))}`);
      return;
    }
    // Program output (or a message continuation) before the dump proper.
    if (this.preamble.length < 1000) this.preamble.push(line);
  }

  private kind(): GoDumpKind {
    if (this.fatalError !== null) return 'fatal';
    if (this.panicChain.length > 0) return 'panic';
    if (this.sawSigquit) return 'sigquit';
    if (this.signal) return 'signal';
    return 'debug2';
  }

  private finishDump(): GoDump {
    const groups = groupGoroutines(this.goroutines);
    const mapCalls: GoMapCall[] = [];
    for (const g of this.goroutines) {
      const c = mapCall(g.frames);
      if (c) mapCalls.push({ goroutine: g.id, count: 1, ...c });
    }
    const profile = dumpProfile(this.goroutines, this.warnings);
    return {
      kind: this.kind(),
      fatalError: this.fatalError,
      panicMessage: this.panicChain[0] ?? null,
      panicChain: this.panicChain,
      signal: this.signal,
      runtimeStack: this.runtimeStack,
      goroutines: this.goroutines,
      groups,
      mapGoroutines: mapCalls.map((c) => c.goroutine as number),
      mapCalls,
      registers: this.registers,
      exitStatus: this.exitStatus,
      total: null,
      preamble: this.preamble,
      warnings: this.finalWarnings(),
      profile,
    };
  }

  private finalWarnings(): string[] {
    if (this.warningsDropped > 0) this.warnings.push(`… and ${this.warningsDropped} more warnings`);
    return this.warnings;
  }

  // ----- debug=1 -----

  private runDebug1(first: number): GoDump {
    const total = Number(RE_DEBUG1_HEADER.exec(this.lines[first].trim())![1]);
    const groups: GoroutineGroup[] = [];
    let cur: GoroutineGroup | null = null;
    let curLine = 0;
    for (let i = first + 1; i < this.lines.length; i++) {
      const no = i + 1;
      const t = this.lines[i].trimEnd();
      if (t === '') {
        cur = null;
        continue;
      }
      const rec = RE_DEBUG1_RECORD.exec(t);
      if (rec) {
        cur = { count: Number(rec[1]), state: '', states: {}, maxWaitMinutes: null, stackKey: '', goroutineIds: [], frames: [], createdBy: null, labels: {} };
        curLine = no;
        groups.push(cur);
        continue;
      }
      if (cur && t.startsWith('# labels: ')) {
        const ls = parseLabelSet(t, t.indexOf('{'));
        if (ls) cur.labels = ls.labels;
        else this.warn(no, `malformed labels ${JSON.stringify(t.slice(0, 80))}`);
        continue;
      }
      const fr = cur ? RE_DEBUG1_FRAME.exec(t) : null;
      if (cur && fr) {
        const plus = fr[2].lastIndexOf('+0x');
        const func = plus > 0 ? fr[2].slice(0, plus) : fr[2];
        const offset = plus > 0 ? parseInt(fr[2].slice(plus + 3), 16) : null;
        const loc = parseLocation(fr[3]);
        cur.frames.push({ func, args: '', file: loc?.file ?? fr[3], line: loc?.line ?? 0, offset: Number.isNaN(offset) ? null : offset, inlined: false, pc: fr[1] });
        if (!loc) this.warn(no, `malformed file:line ${JSON.stringify(fr[3].slice(0, 80))}`);
        continue;
      }
      this.warn(no, cur ? `unexpected line in the record starting at line ${curLine}: ${JSON.stringify(t.slice(0, 80))}` : `unexpected line outside a record: ${JSON.stringify(t.slice(0, 80))}`);
    }
    let sum = 0;
    for (const g of groups) {
      g.stackKey = stackKeyOf(g.frames, null);
      sum += g.count;
    }
    if (sum !== total) {
      this.warn(this.lines.length, `the header says total ${total} but the records add up to ${sum} (cut off?)`);
    }
    if (this.cutMidLine) this.warn(this.cutMidLine, 'the input ends in the middle of this line (cut off?)');
    const mapCalls: GoMapCall[] = [];
    for (const g of groups) {
      const c = mapCall(g.frames);
      if (c) mapCalls.push({ goroutine: null, count: g.count, ...c });
    }
    return {
      kind: 'debug1',
      fatalError: null,
      panicMessage: null,
      panicChain: [],
      signal: null,
      runtimeStack: [],
      goroutines: [],
      groups,
      mapGoroutines: [],
      mapCalls,
      registers: [],
      exitStatus: null,
      total,
      preamble: [],
      warnings: this.finalWarnings(),
      profile: debug1Profile(groups, this.warnings),
    };
  }
}

// ---------- derived views ----------

function stackKeyOf(frames: GoFrame[], createdBy: GoCreatedBy | null): string {
  const parts = frames.map((f) => `${f.func} ${f.file}:${f.line}`);
  if (createdBy) parts.push(`created by ${createdBy.func}`);
  return parts.join('\n');
}

/** Goroutines with identical stacks (function + file:line, arguments ignored), largest group first. */
export function groupGoroutines(goroutines: Goroutine[]): GoroutineGroup[] {
  const byKey = new Map<string, GoroutineGroup>();
  const order: GoroutineGroup[] = [];
  for (const g of goroutines) {
    const key = stackKeyOf(g.frames, g.createdBy);
    let grp = byKey.get(key);
    if (!grp) {
      grp = { count: 0, state: '', states: {}, maxWaitMinutes: null, stackKey: key, goroutineIds: [], frames: g.frames, createdBy: g.createdBy, labels: { ...g.labels } };
      byKey.set(key, grp);
      order.push(grp);
    } else {
      // A group's labels are the ones every member carries with the same value.
      for (const k of Object.keys(grp.labels)) if (g.labels[k] !== grp.labels[k]) delete grp.labels[k];
    }
    grp.count++;
    grp.goroutineIds.push(g.id);
    grp.states[g.state] = (grp.states[g.state] ?? 0) + 1;
    if (g.waitMinutes !== null && (grp.maxWaitMinutes === null || g.waitMinutes > grp.maxWaitMinutes)) grp.maxWaitMinutes = g.waitMinutes;
  }
  for (const grp of order) {
    const entries = Object.entries(grp.states);
    grp.state = entries.length === 1 ? entries[0][0] : entries.map(([s, n]) => `${s} ×${n}`).join(', ');
  }
  // Stable: equal counts keep their order of appearance.
  return order.map((g, i) => [g, i] as const).sort((a, b) => b[0].count - a[0].count || a[1] - b[1]).map((x) => x[0]);
}

/** The outermost map frame of a stack (leaf first) and the first non-runtime frame below it. */
export function mapCall(frames: GoFrame[]): { mapFunc: string; caller: GoFrame | null } | null {
  let idx = -1;
  for (let i = 0; i < frames.length; i++) if (isMapFunc(frames[i].func)) idx = i;
  if (idx < 0) return null;
  let caller: GoFrame | null = null;
  for (let i = idx + 1; i < frames.length; i++) {
    if (!isRuntimeFunc(frames[i].func)) {
      caller = frames[i];
      break;
    }
  }
  return { mapFunc: frames[idx].func, caller };
}

const SAMPLE_TYPES = [{ type: 'goroutine', unit: 'count' }];

/**
 * Interns locations. An inlined frame (`(...)`, no pc offset) joins the location of the
 * frame below it (its caller), leaf first, as pprof records inlined calls.
 */
class FrameLocations {
  private readonly cache = new Map<string, number>();
  constructor(private readonly b: ProfileBuilder) {}

  /** Locations, leaf first, for frames given leaf first. */
  stack(frames: readonly GoFrame[]): number[] {
    const out: number[] = [];
    let run: GoFrame[] = [];
    for (let i = 0; i < frames.length; i++) {
      run.push(frames[i]);
      if (frames[i].inlined && i + 1 < frames.length) continue;
      out.push(this.of(run));
      run = [];
    }
    return out;
  }

  /** The location of one physical frame: inlined callees first, the containing function last. */
  of(run: readonly { func: string; file: string; line: number; pc?: string }[]): number {
    const key = run.map((f) => `${f.func}\u0000${f.file}\u0000${f.line}\u0000${f.pc ?? ''}`).join('\u0001');
    let loc = this.cache.get(key);
    if (loc === undefined) {
      const pc = run[run.length - 1].pc;
      const addr = pc !== undefined && RE_HEX.test(pc) ? BigInt(pc) : 0n;
      loc = this.b.location(
        addr,
        -1,
        run.map((f) => ({ func: this.b.func(f.func, { fileName: f.file }), line: f.line })),
      );
      this.cache.set(key, loc);
    }
    return loc;
  }
}

/** One sample per goroutine (weight 1), `created by` as the root frame; state/wait/labels as sample labels. */
function dumpProfile(goroutines: Goroutine[], warnings: string[]): ReturnType<ProfileBuilder['finish']> {
  const b = new ProfileBuilder(1);
  const locs = new FrameLocations(b);
  for (const g of goroutines) {
    const stack = locs.stack(g.frames);
    if (g.createdBy) stack.push(locs.of([{ func: `created by ${g.createdBy.func}`, file: g.createdBy.file, line: g.createdBy.line }]));
    const labels: LabelInput[] = [
      { key: 'goroutine', num: g.id },
      { key: 'state', str: g.state },
    ];
    if (g.waitMinutes !== null) labels.push({ key: 'wait', num: g.waitMinutes, unit: 'minutes' });
    if (g.lockedToThread) labels.push({ key: 'locked to thread', str: 'true' });
    for (const [k, v] of Object.entries(g.labels)) labels.push({ key: k, str: v });
    b.sample(stack, [1], labels);
  }
  const p = b.finish({ format: 'go-dump', encoding: 'Go goroutine dump (text)', sampleTypes: SAMPLE_TYPES, defaultSampleType: 0 });
  p.warnings.push(...warnings);
  return p;
}

/** One sample per debug=1 record, weighted by its count. */
function debug1Profile(groups: GoroutineGroup[], warnings: string[]): ReturnType<ProfileBuilder['finish']> {
  const b = new ProfileBuilder(1);
  const locs = new FrameLocations(b);
  for (const g of groups) {
    const stack = g.frames.map((f) => locs.of([f]));
    const labels: LabelInput[] = Object.entries(g.labels).map(([k, v]) => ({ key: k, str: v }));
    b.sample(stack, [g.count], labels);
  }
  const p = b.finish({ format: 'go-dump', encoding: 'Go goroutine profile (debug=1 text)', sampleTypes: SAMPLE_TYPES, defaultSampleType: 0 });
  p.warnings.push(...warnings);
  return p;
}
