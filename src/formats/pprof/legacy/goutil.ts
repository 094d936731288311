// Go-compatible primitives for the legacy pprof parsers. google/pprof's parsers lean on
// Go library details (strings.TrimSpace's Unicode set, strconv's base-0 prefixes and
// octal, RE2's ASCII-only \s, strings.Replacer's priority rule); reproducing them keeps
// our accept/reject decisions and values identical to `profile.Parse`.

/** RE2 `\s` is ASCII-only ([\t\n\f\r ]); JavaScript's `\s` also matches \v and Unicode spaces. */
export const S = '[\\t\\n\\f\\r ]';
/** RE2 `\S`. */
export const NS = '[^\\t\\n\\f\\r ]';
/** RE2 `[[:xdigit:]]`. */
export const XD = '[0-9A-Fa-f]';

/** unicode.IsSpace, which strings.TrimSpace / bytes.TrimSpace use. */
function isGoSpace(c: number): boolean {
  if (c <= 0xff) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** strings.TrimSpace. */
export function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isGoSpace(s.charCodeAt(a))) a++;
  while (b > a && isGoSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** pprof isSpaceOrComment: blank, or '#' first after trimming. */
export function isSpaceOrComment(line: string): boolean {
  const t = trimSpace(line);
  return t.length === 0 || t.charCodeAt(0) === 0x23;
}

const MAX_U64 = (1n << 64n) - 1n;
const MAX_I64 = (1n << 63n) - 1n;
const MIN_I64 = -(1n << 63n);

function lower(c: string): string {
  return c.toLowerCase();
}

/** strconv's underscoreOK: underscores may only separate digits (base-0 syntax). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(lower(s[1]))) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseUint(s, base, 64); base 0 honours 0x/0o/0b prefixes, a leading 0 (octal) and underscores. Null on error. */
export function parseUint(s: string, base: 0 | 8 | 10 | 16): bigint | null {
  if (s.length === 0) return null;
  const s0 = s;
  const base0 = base === 0;
  let b = base as number;
  if (base0) {
    b = 10;
    if (s[0] === '0') {
      const p = s.length >= 3 ? lower(s[1]) : '';
      if (p === 'b') (b = 2), (s = s.slice(2));
      else if (p === 'o') (b = 8), (s = s.slice(2));
      else if (p === 'x') (b = 16), (s = s.slice(2));
      else (b = 8), (s = s.slice(1));
    }
  }
  const bb = BigInt(b);
  let n = 0n;
  let underscores = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c === 0x5f && base0) {
      underscores = true;
      continue;
    } else if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x7a) d = c - 0x61 + 10;
    else if (c >= 0x41 && c <= 0x5a) d = c - 0x41 + 10;
    else return null;
    if (d >= b) return null;
    n = n * bb + BigInt(d);
    if (n > MAX_U64) return null;
  }
  if (underscores && !underscoreOK(s0)) return null;
  return n;
}

/** strconv.ParseInt(s, base, 64). Null on syntax error or overflow. */
export function parseInt64(s: string, base: 0 | 10): bigint | null {
  if (s.length === 0) return null;
  let neg = false;
  if (s[0] === '+') s = s.slice(1);
  else if (s[0] === '-') {
    neg = true;
    s = s.slice(1);
  }
  const u = parseUint(s, base);
  if (u === null) return null;
  const v = neg ? -u : u;
  if (v > MAX_I64 || v < MIN_I64) return null;
  return v;
}

/** uint64 arithmetic with wrap-around, as Go does for addresses. */
export const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
/** int64 product with wrap-around, returned as a number. */
export const i64mul = (a: bigint, b: bigint): number => Number(BigInt.asIntN(64, a * b));

/** strconv.Quote-like rendering for messages (short, printable). */
export function quote(s: string, max = 80): string {
  const t = s.length > max ? s.slice(0, max) + '…' : s;
  return JSON.stringify(t);
}

/**
 * strings.NewReplacer(old1, new1, ...).Replace: left to right, no overlaps; at each
 * position the earliest pair (in argument order) whose `old` matches wins.
 */
export class GoReplacer {
  private readonly pairs: [string, string][] = [];
  add(oldS: string, newS: string): void {
    this.pairs.push([oldS, newS]);
  }
  replace(s: string): string {
    if (this.pairs.length === 0 || s.indexOf('$') < 0) return s; // every pprof key starts with '$'
    let out = '';
    let i = 0;
    let copied = 0;
    while (i < s.length) {
      let hit: [string, string] | undefined;
      for (const p of this.pairs) {
        if (p[0].length > 0 && s.startsWith(p[0], i)) {
          hit = p;
          break;
        }
      }
      if (hit) {
        out += s.slice(copied, i) + hit[1];
        i += hit[0].length;
        copied = i;
      } else i++;
    }
    return out + s.slice(copied);
  }
}

/** path/filepath.Base on a Unix path. */
export function baseName(p: string): string {
  if (p === '') return '.';
  let e = p.length;
  while (e > 0 && p[e - 1] === '/') e--;
  if (e === 0) return '/';
  const t = p.slice(0, e);
  return t.slice(t.lastIndexOf('/') + 1);
}
