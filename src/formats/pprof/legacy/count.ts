// Go count profiles (goroutine / threadcreate, runtime/pprof debug=1), after pprof's
// parseGoCount. Values and locations are exactly pprof's; in addition we read the
// `#\t0xPC\tfunc+0xoff\tfile:line` comments Go prints under each row (pprof discards them)
// to name the frames: the comment PC equals the row address minus one, i.e. the
// location address pprof computes.

import { NS, isSpaceOrComment, parseInt64, parseUint, quote, u64 } from './goutil';
import { LineScanner } from './lines';
import { parseAdditionalSections } from './mappings';
import { LocationTable, Unrecognized, lineError, newProfile, type LFunction, type LLine, type LLocation, type ParseResult } from './types';

const countStartRE = new RegExp(`^(${NS}+) profile: total \\d+$`);
const countRE = /^(\d+) @((?: 0x[0-9a-f]+)+)$/;
/** `#\t0x4339ab\tinternal/poll.runtime_pollWait+0x8b\t/usr/local/go/src/runtime/netpoll.go:302` */
const frameCommentRE = /^\s*#\t0x([0-9a-f]+)\t(.+?)(?:\+0x[0-9a-f]+)?\t(.*):(\d+)\s*$/;

interface CommentFrame {
  pc: bigint;
  func: string;
  file: string;
  line: number;
}

interface Row {
  addrs: bigint[];
  frames: CommentFrame[];
}

export function parseGoCount(b: Uint8Array): ParseResult {
  const s = new LineScanner(b);
  while (s.scan() && isSpaceOrComment(s.text)) {
    /* skip leading comments */
  }
  const m = countStartRE.exec(s.text);
  if (!m) return new Unrecognized();
  const profileType = m[1];
  const p = newProfile(`Go ${profileType} profile (debug=1 text)`, [{ type: profileType, unit: 'count' }], { type: profileType, unit: 'count' }, 1);
  const locs = new LocationTable(p);
  const rows: Row[] = [];
  while (s.scan()) {
    const line = s.text;
    if (isSpaceOrComment(line)) {
      const c = frameCommentRE.exec(line);
      if (c && rows.length > 0) {
        const pc = parseUint(c[1], 16);
        if (pc !== null) rows[rows.length - 1].frames.push({ pc, func: c[2], file: c[3], line: Number(c[4]) });
      }
      continue;
    }
    if (line.startsWith('---')) break;
    const r = countRE.exec(line);
    if (!r) throw lineError(s.line, `malformed Go count profile row ${quote(line)}; expected "COUNT @ 0xADDR ..." with at least one address`);
    const n = parseInt64(r[1], 0);
    if (n === null) throw lineError(s.line, `malformed count ${quote(r[1])}; expected an integer that fits in 64 bits (a leading 0 means octal)`);
    const addrs: bigint[] = [];
    const sloc: LLocation[] = [];
    for (const f of r[2].split(' ')) {
      if (f === '') continue;
      const a = parseUint(f, 0);
      if (a === null) throw lineError(s.line, `malformed address ${quote(f)}; expected a 64-bit hex number`);
      // Adjust by -1 to land on the call instruction (pprof does it for every frame here).
      const addr = u64(a - 1n);
      addrs.push(addr);
      sloc.push(locs.get(addr));
    }
    rows.push({ addrs, frames: [] });
    p.samples.push({ locs: sloc, values: [Number(n)] });
  }
  parseAdditionalSections(s, p);
  symbolizeFromComments(rows, locs);
  return p;
}

/**
 * Aligns each row's comment frames with its addresses. Frames sharing a PC are one
 * address expanded into inlined calls (innermost first) — unless the row repeats that
 * address (recursion), in which case the run is split evenly between the repeats.
 * Leading runtime frames Go hides simply stay unnamed.
 */
function symbolizeFromComments(rows: Row[], locs: LocationTable): void {
  const known = new Map<bigint, CommentFrame[]>();
  for (const row of rows) {
    const fr = row.frames;
    let r = 0; // next row address to match
    for (let i = 0; i < fr.length; ) {
      const pc = fr[i].pc;
      let j = i;
      while (j < fr.length && fr[j].pc === pc) j++;
      let at = r;
      while (at < row.addrs.length && row.addrs[at] !== pc) at++;
      if (at === row.addrs.length) break; // comments do not match this row: stop trusting them
      let k = 0;
      while (at + k < row.addrs.length && row.addrs[at + k] === pc) k++;
      const run = j - i;
      const per = run % k === 0 ? run / k : run;
      if (!known.has(pc)) known.set(pc, fr.slice(i, i + per));
      r = at + k;
      i = j;
    }
  }
  const fns = new Map<string, LFunction>();
  for (const [pc, frames] of known) {
    const loc = locs.lookup(pc);
    if (!loc || loc.lines.length > 0) continue;
    const lines: LLine[] = frames.map((f) => {
      const key = `${f.func}\u0000${f.file}`;
      let fn = fns.get(key);
      if (!fn) {
        fn = { name: f.func, systemName: f.func, filename: f.file, fromComment: true };
        fns.set(key, fn);
      }
      return { fn, line: f.line };
    });
    loc.lines = lines;
  }
}
