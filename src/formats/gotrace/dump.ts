// Renders decoded generations in the line-based text form Go uses for raw trace events
// (`go tool trace -d=wire`, internal/trace/raw): one line per wire event, e.g.
//   EventBatch gen=1 m=18446744073709551615 time=9 size=16
//   GoStatus dt=1 g=1 m=18446744073709551615 gstatus=2
// Stack frames follow on tab-indented lines, string/experimental data as `\tdata="..."`.
// Used to cross-check the reader against Go and for debugging. Frames are printed from the
// generation's PC table (first definition of a PC), as the model keeps them.

import type { Generation } from './model.ts';
import { eventArg } from './model.ts';
import { Ev, SPECS, TIMED_EXTRA_ARGS } from './spec.ts';
import { decodeU64Code, U64_MAX, type U64 } from './u64.ts';


function s(v: U64): string {
  return v.toString();
}

function sub(a: U64, b: U64): string {
  if (typeof a === 'number' && typeof b === 'number' && a - b >= 0) return String(a - b);
  return ((BigInt(a) - BigInt(b)) & U64_MAX).toString();
}

const enc = new TextEncoder();

const ESC: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v', 0x22: '\\"', 0x5c: '\\\\' };

/** Length of the valid UTF-8 sequence at b[i] (0 if invalid), with its code point in `cp`. */
let cp = 0;
function utf8Len(b: Uint8Array, i: number): number {
  const c = b[i];
  let n: number;
  let min: number;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
    cp = c & 0x1f;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    cp = c & 0x0f;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    cp = c & 0x07;
    min = 0x10000;
  } else return 0;
  if (i + n > b.length) return 0;
  for (let k = 1; k < n; k++) {
    const x = b[i + k];
    if ((x & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (x & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

/** Go's unicode.IsPrint beyond ASCII: letters, marks, numbers, punctuation and symbols
 * (categories L, M, N, P, S), as the JS engine's Unicode tables have them. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/**
 * Go strconv.Quote of bytes: invalid UTF-8 as \xNN, the usual backslash escapes, control
 * characters as \xNN, and other runes that are not printable (unicode.IsPrint: format
 * characters such as U+0602, separators, unassigned code points) as \uNNNN or \UNNNNNNNN.
 * (Trace data such as experimental batches is arbitrary bytes: any valid UTF-8 sequence
 * in it may decode to such a rune.)
 */
export function goQuote(data: Uint8Array | string): string {
  const b = typeof data === 'string' ? enc.encode(data) : data;
  let out = '"';
  for (let i = 0; i < b.length; ) {
    const n = utf8Len(b, i);
    if (n === 0) {
      out += '\\x' + b[i].toString(16).padStart(2, '0');
      i++;
      continue;
    }
    i += n;
    const e = ESC[cp];
    if (e !== undefined) out += e;
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x7f || PRINTABLE.test(String.fromCodePoint(cp))) out += String.fromCodePoint(cp);
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** Lines of the wire dump of the given generations (in file order). */
export function dumpWire(gens: Iterable<Generation>): string[] {
  const lines: string[] = [];
  for (const g of gens) {
    const strings = Array.from(g.strings);
    const stacks = Array.from(g.stacks);
    const ev = g.events;
    for (const b of g.batches) {
      if (b.kind === 'experimental') {
        const x = g.experimental[b.first];
        lines.push(`ExperimentalBatch exp=${b.experiment} gen=${s(g.gen)} m=${s(b.m)} time=${s(b.time)}\n\tdata=${goQuote(x.data)}`);
        continue;
      }
      lines.push(`EventBatch gen=${s(g.gen)} m=${s(b.m)} time=${s(b.time)} size=${b.size}`);
      switch (b.kind) {
        case 'strings':
          lines.push('Strings');
          for (let k = b.first; k < b.first + b.count; k++) {
            const [id, str] = strings[k];
            lines.push(`String id=${s(id)}\n\tdata=${goQuote(enc.encode(str))}`);
          }
          break;
        case 'stacks':
          lines.push('Stacks');
          for (let k = b.first; k < b.first + b.count; k++) {
            const [id, pcs] = stacks[k];
            let l = `Stack id=${s(id)} nframes=${pcs.length}`;
            for (const pc of pcs) {
              const f = g.frames.get(pc)!;
              l += `\n\tpc=${s(pc)} func=${s(f.funcId)} file=${s(f.fileId)} line=${s(f.line)}`;
            }
            lines.push(l);
          }
          break;
        case 'cpu': {
          lines.push('CPUSamples');
          const c = g.cpuSamples;
          for (let k = b.first; k < b.first + b.count; k++) {
            const d = (x: number): string => s(decodeU64Code(x, g.bigs));
            lines.push(`CPUSample time=${c.ticks[k]} m=${d(c.m[k])} p=${d(c.p[k])} g=${d(c.g[k])} stack=${d(c.stack[k])}`);
          }
          break;
        }
        case 'sync':
          if (g.version >= 25) lines.push('Sync');
          lines.push(`Frequency freq=${s(g.ticksPerSec)}`);
          if (g.clock !== null) {
            lines.push(`ClockSnapshot dt=${sub(g.clock.ticks, b.time)} mono=${s(g.clock.mono)} sec=${s(g.clock.sec)} nsec=${s(g.clock.nsec)}`);
          }
          break;
        case 'events': {
          let prev: number = typeof b.time === 'bigint' ? Number(b.time) : b.time;
          for (let i = b.first; i < b.first + b.count; i++) {
            const type = ev.type[i];
            const spec = SPECS[type]!;
            const t = ev.ticks[i];
            let l = `${spec.name} dt=${t - prev}`;
            prev = t;
            const n = TIMED_EXTRA_ARGS[type];
            for (let k = 0; k < n; k++) l += ` ${spec.args[k + 1]}=${s(eventArg(g, i, k))}`;
            lines.push(l);
          }
          break;
        }
      }
    }
    if (g.endMarker) lines.push(SPECS[Ev.EndOfGeneration]!.name);
  }
  return lines;
}

