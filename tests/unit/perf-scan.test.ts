// The byte shortcuts of the perf script scanner (src/formats/perf/scan.ts) must change
// nothing: every dump decodes to exactly what running the line grammar on every line
// gives (lineCache: false), whether pushed whole or in chunks of any size, and the byte
// rule for record headers (parseHeaderBytes) answers exactly as parseHeaderLine or not at
// all — on the corpora, on the recorded fixtures, and on mutated input.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AsciiStrings, parseHeaderBytes, parseHeaderLine } from '../../src/formats/perf/grammar';
import { forEachLine } from '../../src/formats/perf/lines';
import { decodePerfScript, PerfDecoder, type PerfDump } from '../../src/formats/perf/model';
import { parsePerfScript, type PerfRecord } from '../../src/formats/perf/parse';
import { PerfScanner } from '../../src/formats/perf/scan';
import { repoRoot } from '../helpers/corpus';
import { perfDumpFiles } from '../helpers/perfDumps';

const enc = (s: string) => new TextEncoder().encode(s);

const DUMPS = perfDumpFiles({ otherTools: true });

type Outcome<T> = { ok: T } | { error: string };
function outcome<T>(f: () => T): Outcome<T> {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

const decoded = (b: Uint8Array, lineCache = true) => outcome(() => decodePerfScript(b, { lineCache }));
function records(b: Uint8Array, lineCache = true): Outcome<PerfRecord[]> {
  const out: PerfRecord[] = [];
  return outcome(() => {
    parsePerfScript(b, (r) => out.push(r), { lineCache });
    return out;
  });
}
/** decodePerfScript through PerfDecoder, pushed in chunks of pseudo-random sizes (1..max). */
function chunked(b: Uint8Array, seed: number, max: number): Outcome<PerfDump> {
  return outcome(() => {
    const d = new PerfDecoder({ total: b.length });
    let s = seed;
    for (let p = 0; p < b.length; ) {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      const n = 1 + (s % max);
      // A fresh copy each time: the decoder must not keep references to pushed chunks.
      const chunk = b.slice(p, p + n);
      d.push(chunk);
      chunk.fill(0x41);
      p += n;
    }
    return d.finish();
  });
}

describe('the byte shortcuts change nothing', () => {
  it('found the dumps', () => {
    expect(DUMPS.length).toBeGreaterThanOrEqual(4);
  });
  for (const dump of DUMPS) {
    it(dump.name, () => {
      const b = dump.bytes();
      const fast = decoded(b);
      expect(fast).toEqual(decoded(b, false));
      expect(records(b)).toEqual(records(b, false));
      expect(chunked(b, b.length, 5000)).toEqual(fast);
    });
  }

  it('the shortcuts are taken: nearly every line of a real recording', () => {
    const b = new Uint8Array(readFileSync(path.join(repoRoot, 'testdata/perf/forkexec.perf.txt')));
    const sc = new PerfScanner(() => {});
    sc.push(b);
    sc.end();
    expect(sc.stats.shortcutLines).toBeGreaterThan(0);
    expect(sc.stats.shortcutLines / (sc.stats.shortcutLines + sc.stats.grammarLines)).toBeGreaterThan(0.5);
    const off = new PerfScanner(() => {}, { lineCache: false });
    off.push(b);
    off.end();
    expect(off.stats.shortcutLines).toBe(0);
  });

  it('one-byte chunks, and chunks that split lines, BOMs and UTF-8 sequences anywhere', () => {
    const t =
      '\ufeffcaf\u00e9 w\u00f6rker 7 12/34 [001] 5.000000100: 250000 cpu-clock:pppH: \r\n' +
      '\t    55d0c0a01224 f\u00fc\u00df+0x4 (/p\u00e4th/busy)\r\n\t1300 main (/b)\r\n\r\n' +
      'busy 12/34 [001] 5.000001: 250000 cpu-clock:pppH: \n\t    55d0c0a01224 f\u00fc\u00df+0x4 (/p\u00e4th/busy)\n\t1300 main (/b)';
    const b = enc(t);
    const whole = decoded(b);
    expect('ok' in whole && whole.ok.profiles[0].profile.samples.length).toBe(2);
    expect(decoded(b, false)).toEqual(whole);
    for (const max of [1, 2, 3, 7, 64]) expect(chunked(b, max, max)).toEqual(whole);
  });
});

describe('frame lines the float64 comparison must get right', () => {
  // Bytes 0x7f 0xff… make a NaN when read as a float64 (never equal: the line must still
  // parse, just without the shortcut); 0x80 next to zero bytes is where -0 === +0 would bite.
  const odd = ['\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f', '\u00ff\u00ff\u00ff\u00ff', 'a\u0080b', '\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008'];
  it('decode equals the grammar on every line, twice over each odd symbol', () => {
    let t = '';
    for (let r = 0; r < 3; r++) {
      for (const sym of odd) t += `busy 1 [000] ${r}.000001: 1 cpu-clock:\n\t1234 ${sym}${sym} (/b)\n\t12345678 ${sym} (/b)\n\n`;
    }
    const b = enc(t);
    const fast = decoded(b);
    expect(fast).toEqual(decoded(b, false));
    expect('ok' in fast && fast.ok.profiles[0].profile.samples.length).toBe(12);
  });
  it('lines that differ only in a late 8-byte word, or only in the bytes after the last one', () => {
    // Same length, same address and symbol; the dso differs in its last character, which
    // sits in the tail (len % 8 bytes) or in the last whole word.
    const frame = (pad: string, d: number) => `\t    7f0000001000 Interpreter+0x8 (/tmp/jit${pad}${d})`;
    let t = '';
    // lengths 45, 47, 48, 49: the dso's last character in the tail, the tail, the last word, the last word
    for (const pad of ['', 'ab', 'abc', 'abcd']) {
      // every pair of leaf and caller, so the caller predicted after a leaf is often wrong
      for (let i = 0; i < 36; i++) t += `busy 1 [000] 1.${String(i).padStart(6, '0')}: 1 cpu-clock:\n${frame(pad, i % 3)}\n${frame(pad, Math.floor(i / 3) % 3)}\n\n`;
    }
    const b = enc(t);
    const fast = decoded(b);
    expect(fast).toEqual(decoded(b, false));
    const p = 'ok' in fast ? fast.ok.profiles[0].profile : null;
    expect(p && [...p.mappings.fileName].map((s) => p.strings[s]).filter((f) => f.startsWith('/tmp/jit')).length).toBe(12);
  });
});

describe('parseHeaderBytes answers as parseHeaderLine, or not at all', () => {
  const strings = new AsciiStrings();
  function check(line: string): 'fast' | 'slow' {
    const b = enc(`${line}\n`);
    const fast = parseHeaderBytes(b, 0, b.length - 1, strings);
    if (fast === null) return 'slow';
    expect(fast).toEqual(parseHeaderLine(line.replace(/\r$/, '')));
    return 'fast';
  }
  it('every header line of the dumps', () => {
    let fast = 0;
    let all = 0;
    for (const dump of DUMPS) {
      forEachLine(
        dump.bytes(),
        (l) => {
          if (l === '' || /^[\s#]/.test(l)) return;
          all++;
          if (check(l) === 'fast') fast++;
        },
        { stripCR: false },
      );
    }
    expect(all).toBeGreaterThan(1000);
    expect(fast / all).toBeGreaterThan(0.5);
  });
  it('hand-made shapes and 5000 mutations of real headers', () => {
    const shapes = [
      'my worker 2 11385 [001]   323.707752:    1001001 cpu-clock: ',
      'a;b (x) 12 11386 [000]   323.708000:    1001001 cpu-clock:pppH: ',
      ':-1    -1 [003]   323.709500:    1001001 cpu-clock: ',
      'busy 10522/10523 [000]   323.707752123:    1001001 cpu-clock: ',
      'x 007 [002] 0323.000000001: 5 cycles:u:',
      'x 7 [002] 3.0000000001: 5 cycles:u:',
      'x 7 [9999999999999999] 3.5: 5 e:',
      'x 99999999999999999/7 3.5: e:',
      'x 7 1234567890123456.5: e:',
      'x 7 1.5: 12345678901234567 e:',
      'busy 1 1.5: 5 cpu-clock: 55d0c0a01224 main+0x4 (/path/busy)',
      'busy 10522 [000] 1.000001: PERF_RECORD_MMAP2 10522/10522: [0x55d0c0a01000(0x1000) @ 0x1000 08:01 123 0]: r-xp /path/busy',
      'spaces 11383 [000]   323.650000:          1 sched:sched_process_fork: comm=spaces pid=11383',
      'x 1 2 3.5: 4 5: 6 e:',
      'x 1 2.5: 3.5: e:',
      'java 3244 cpu-clock:',
      'busy 1 [000] 1.000000: 5 cpu-clock:\r',
      'tab\t1\t[000]\t1.000000:\t5\tcpu-clock:',
    ];
    for (const s of shapes) check(s);
    let seed = 4;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = ' \t0123456789.:[]/-xe\r\u00e9';
    let fast = 0;
    for (let i = 0; i < 5000; i++) {
      const chars = [...shapes[rnd(6)]];
      for (let m = 1 + rnd(4); m > 0; m--) {
        const at = rnd(chars.length + 1);
        const c = alphabet[rnd(alphabet.length)];
        if (rnd(3) === 0) chars.splice(at, 0, c);
        else if (rnd(2) === 0) chars.splice(at, 1);
        else chars[at] = c;
      }
      if (check(chars.join('')) === 'fast') fast++;
    }
    expect(fast).toBeGreaterThan(500);
  });
});

describe('mutated dumps: shortcut and grammar agree, errors included', () => {
  it('400 deterministic mutations of the dumps', () => {
    const bases = DUMPS.map((d) => d.bytes());
    let seed = 31;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pool = [0x20, 0x09, 0x0a, 0x3a, 0x28, 0x29, 0x2f, 0x2e, 0x30, 0x39, 0x5b, 0x5d, 0x2b, 0x78, 0x3b, 0xff, 0x00, 0x0d, 0x2d, 0x31, 0x23, 0x7f, 0x80];
    for (let it = 0; it < 400; it++) {
      const base = bases[rnd(bases.length)];
      const start = rnd(3) === 0 ? 0 : rnd(Math.max(1, base.length - 3000));
      const b = base.slice(start, start + 2000 + rnd(20000));
      for (let m = rnd(50); m > 0; m--) b[rnd(b.length)] = rnd(3) === 0 ? rnd(256) : pool[rnd(pool.length)];
      const fast = decoded(b);
      expect(fast).toEqual(decoded(b, false));
      if (it % 4 === 0) expect(records(b)).toEqual(records(b, false));
      if (it % 8 === 0) expect(chunked(b, it, 300)).toEqual(fast);
    }
  });
});
