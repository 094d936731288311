// Symbols from the comments Go's runtime/pprof prints under each debug=1 row:
//   #	0x4339ab	internal/poll.runtime_pollWait+0x8b	/usr/local/go/src/runtime/netpoll.go:302
// pprof discards them; we use them to name frames. The comment PC is the row address
// minus one — the location address pprof computes — so names attach by address and
// pprof's values and locations stay untouched (these names are also never matched
// against drop_frames; see LFunction.fromComment).

import { parseUint } from './goutil';
import type { LFunction, LLine, LocationTable } from './types';

/** runtime/pprof pads the columns with tabwriter, hence `\t+`. */
const frameCommentRE = /^\s*#\t+0x([0-9a-f]+)\t+(.+?)(?:\+0x[0-9a-f]+)?\t+(.*):(\d+)\s*$/;

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

export class CommentSymbols {
  private readonly rows: Row[] = [];

  /** A sample row with its (already adjusted) location addresses, leaf first. */
  row(addrs: bigint[]): void {
    this.rows.push({ addrs, frames: [] });
  }

  /** A comment line; frame comments attach to the latest row. */
  comment(line: string): void {
    if (this.rows.length === 0) return;
    const c = frameCommentRE.exec(line);
    if (!c) return;
    const pc = parseUint(c[1], 16);
    if (pc !== null) this.rows[this.rows.length - 1].frames.push({ pc, func: c[2], file: c[3], line: Number(c[4]) });
  }

  /**
   * Aligns each row's frames with its addresses. Consecutive frames sharing a PC are one
   * address expanded into inlined calls (innermost first) — unless the row repeats that
   * address (recursion), in which case the run is split evenly between the repeats.
   * Leading runtime frames Go hides simply stay unnamed. Names the unsymbolized
   * locations; the first row that explains an address wins.
   */
  apply(locs: LocationTable): void {
    const known = new Map<bigint, CommentFrame[]>();
    for (const row of this.rows) {
      const fr = row.frames;
      let r = 0;
      for (let i = 0; i < fr.length; ) {
        const pc = fr[i].pc;
        let j = i;
        while (j < fr.length && fr[j].pc === pc) j++;
        let at = r;
        while (at < row.addrs.length && row.addrs[at] !== pc) at++;
        if (at === row.addrs.length) break; // the comments stop matching this row: trust no more of them
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
      loc.lines = frames.map((f): LLine => {
        const key = `${f.func}\u0000${f.file}`;
        let fn = fns.get(key);
        if (!fn) {
          fn = { name: f.func, systemName: f.func, filename: f.file, fromComment: true };
          fns.set(key, fn);
        }
        return { fn, line: f.line };
      });
    }
  }
}
