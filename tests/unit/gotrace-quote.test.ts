// The wire dump (formats/gotrace/dump.ts) prints byte strings as Go's strconv.Quote does, so
// that it can be compared with `go tool trace -d=wire` line for line. Trace data such as
// experimental batches is arbitrary bytes, so any valid UTF-8 sequence in it can decode to a
// rune Go escapes (a real trace once held "\xd8\x82" = U+0602, a format character, which an
// approximate printable test let through). The oracle is Go's strconv.Quote itself.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { goQuote } from '../../src/formats/gotrace/dump';
import { describeGo, runGo } from '../helpers/go';
import { rng } from '../helpers/rng';

const enc = new TextEncoder();

function inputs(): Uint8Array[] {
  const out: Uint8Array[] = [];
  // One rune of each kind Go treats differently: controls, C1, spaces and separators, format
  // characters, private use, unassigned, marks, symbols, astral letters and emoji.
  const runes = [0x00, 0x07, 0x09, 0x1b, 0x20, 0x22, 0x5c, 0x7e, 0x7f, 0x80, 0x9f, 0xa0, 0xad, 0xe9, 0x300, 0x602, 0x61c, 0x1680, 0x200b, 0x2028, 0x2029, 0x202f, 0x2066, 0x3000, 0xe000, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x1d173, 0x1f600, 0x20000, 0xe0001, 0xf0000, 0x10ffff];
  for (const r of runes) out.push(enc.encode(String.fromCodePoint(r)));
  // Invalid UTF-8: lone continuation, truncated sequences, overlong, surrogate encodings.
  for (const bytes of [[0x80], [0xc3], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xd8, 0x82, 0xff]]) out.push(Uint8Array.from(bytes));
  // Random bytes, and random valid UTF-8 in the BMP. (Not beyond: code points assigned by
  // Unicode versions newer than Go's tables — CJK extensions, new scripts — are letters to
  // the JS engine and unassigned to Go; that difference is left as it is.)
  const random = rng(602);
  for (let k = 0; k < 300; k++) out.push(Uint8Array.from({ length: 1 + Math.floor(random() * 24) }, () => Math.floor(random() * 256)));
  for (let k = 0; k < 300; k++) {
    let s = '';
    for (let j = 0; j < 8; j++) {
      let cp = Math.floor(random() * 0x10000);
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x41;
      s += String.fromCodePoint(cp);
    }
    out.push(enc.encode(s));
  }
  return out;
}

describeGo('goQuote = Go strconv.Quote', () => {
  it('on runes of every kind, invalid UTF-8 and random bytes', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'goquote-'));
    try {
      const data = inputs();
      writeFileSync(path.join(dir, 'in.hex'), data.map((b) => Buffer.from(b).toString('hex')).join('\n') + '\n');
      writeFileSync(path.join(dir, 'go.mod'), 'module goquote\n\ngo 1.22\n');
      writeFileSync(
        path.join(dir, 'main.go'),
        [
          'package main',
          'import ("bufio"; "encoding/hex"; "fmt"; "os"; "strconv")',
          'func main() {',
          '\tf, _ := os.Open(os.Args[1])',
          '\ts := bufio.NewScanner(f)',
          '\tfor s.Scan() { b, err := hex.DecodeString(s.Text()); if err != nil { panic(err) }; fmt.Println(strconv.Quote(string(b))) }',
          '}',
        ].join('\n'),
      );
      const want = runGo(['run', '.', path.join(dir, 'in.hex')], { cwd: dir }).split('\n').slice(0, -1);
      expect(want).toHaveLength(data.length);
      const got = data.map((b) => goQuote(b));
      const firstDiff = got.findIndex((g, k) => g !== want[k]);
      expect(firstDiff === -1 ? null : { input: Buffer.from(data[firstDiff]).toString('hex'), got: got[firstDiff], want: want[firstDiff] }).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
