// Line access over the raw bytes, mimicking Go's bufio.Scanner (ScanLines) closely
// enough that the parsers can be written in the same shape as pprof's: `scan()` moves to
// the next line (dropping "\n" and a trailing "\r"), `text` is "" once scan() has
// returned false. Each line also knows its 1-based number and byte offset for errors.

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function decodeText(b: Uint8Array, start: number, end: number): string {
  if (end - start < 256) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = b[i];
      if (c >= 0x80) return utf8.decode(b.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(b.subarray(start, end));
}

export class LineScanner {
  private pos: number;
  /** The current line (no terminator); "" after scan() returned false. */
  text = '';
  /** 1-based number of the current line, counted from the scanner's start. */
  line: number;
  /** Byte offset of the current line in the input. */
  offset: number;

  constructor(
    private readonly b: Uint8Array,
    start = 0,
    firstLine = 1,
  ) {
    this.pos = start;
    this.offset = start;
    this.line = firstLine - 1;
  }

  scan(): boolean {
    const b = this.b;
    if (this.pos >= b.length) {
      this.text = '';
      return false;
    }
    const nl = b.indexOf(10, this.pos);
    const stop = nl < 0 ? b.length : nl;
    const end = stop > this.pos && b[stop - 1] === 13 ? stop - 1 : stop;
    this.text = decodeText(b, this.pos, end);
    this.offset = this.pos;
    this.line++;
    this.pos = nl < 0 ? b.length : nl + 1;
    return true;
  }
}

/** 1-based line number of byte offset `at` (for parsers that walk bytes directly). */
export function lineAt(b: Uint8Array, at: number): number {
  let n = 1;
  for (let i = b.indexOf(10); i >= 0 && i < at; i = b.indexOf(10, i + 1)) n++;
  return n;
}
