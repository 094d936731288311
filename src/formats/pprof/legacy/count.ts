// Go count profiles (goroutine / threadcreate, runtime/pprof debug=1), after pprof's
// parseGoCount. Values and locations are exactly pprof's; in addition the `#` frame
// comments Go prints under each row name the frames (see comments.ts).

import { NS, isSpaceOrComment, parseInt64, parseUint, quote, u64 } from './goutil';
import { CommentSymbols } from './comments';
import { LineScanner } from './lines';
import { parseAdditionalSections } from './mappings';
import { LocationTable, Unrecognized, lineError, newProfile, type LLocation, type ParseResult } from './types';

const countStartRE = new RegExp(`^(${NS}+) profile: total \\d+$`);
const countRE = /^(\d+) @((?: 0x[0-9a-f]+)+)$/;

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
  const symbols = new CommentSymbols();
  while (s.scan()) {
    const line = s.text;
    if (isSpaceOrComment(line)) {
      symbols.comment(line);
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
    symbols.row(addrs);
    p.samples.push({ locs: sloc, values: [Number(n)] });
  }
  parseAdditionalSections(s, p);
  symbols.apply(locs);
  return p;
}
