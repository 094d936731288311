// A perf script dump decoded in two parts (src/formats/perf/part.ts: the second part
// scanned "elsewhere" block by block, then absorbed, the rest scanned here) must be
// exactly the serial decode — profiles, process facts, unparsed lines with their line
// numbers — wherever the split falls and however many blocks the other thread got done,
// on the recorded fixtures and the FlameGraph corpus. Here the other thread is simulated:
// each block's part goes through structuredClone with its buffers transferred, as a
// postMessage would take it.

import { describe, expect, it } from 'vitest';
import { decodePerfScript, decodePerfScriptParallel, type PerfDump } from '../../src/formats/perf/model';
import { partJob, perfBlocks, perfPartTransferables, perfSplitPoint, scanPerfParts, type PerfPart, type PerfPartRunner } from '../../src/formats/perf/part';
import { perfDumpFiles } from '../helpers/perfDumps';

const enc = (s: string) => new TextEncoder().encode(s);

const DUMPS = perfDumpFiles();

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The other thread, simulated on this event loop through the real job plumbing (partJob):
 * it scans a block per `slow` + 1 ticks while the decode takes blocks from the end a tick
 * at a time, so they meet at different blocks (slow 0: it does most; large: the decode
 * does most). Each part is handed over as postMessage would (clone + transfer).
 */
let partsRun = 0;
let partsMade = 0;
function simulated(slow: number, fails = false): PerfPartRunner {
  return (bytes, block) => {
    partsRun++;
    let limit = Infinity;
    const { job, receive, fail } = partJob((b) => (limit = Math.min(limit, b)), tick);
    const mine = bytes.slice();
    void (async () => {
      await tick();
      await scanPerfParts(
        mine,
        (part) => {
          partsMade++;
          receive({ type: 'part', part: structuredClone(part, { transfer: perfPartTransferables(part) }) });
        },
        // The limit as it was before the wait: a limit posted meanwhile comes too late for
        // this block, as a message to a busy thread does (both threads scan the block then).
        async () => {
          const seen = limit;
          for (let i = 0; i < slow; i++) await tick();
          return seen;
        },
        block,
      );
      if (fails) fail(new Error('the thread crashed'));
      else receive({ type: 'done' });
    })();
    return job;
  };
}
const BLOCK = 2048;
const failing = simulated(0, true);
const throwing: PerfPartRunner = () => {
  throw new Error('cannot start a thread');
};
const parallel = (b: Uint8Array, runPart: PerfPartRunner, splitAt: number) => decodePerfScriptParallel(b, { runPart, splitAt, block: BLOCK });

type Outcome = { ok: PerfDump } | { error: string };
async function outcome(f: () => PerfDump | Promise<PerfDump>): Promise<Outcome> {
  try {
    return { ok: await f() };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Every start of a line after a blank line ("\n\n"). */
function blankLineSplits(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let p = b.indexOf(10); p >= 0 && p + 2 < b.length; p = b.indexOf(10, p + 1)) if (b[p + 1] === 10) out.push(p + 2);
  return out;
}

/** Up to n split points spread over the dump (first, last and between). */
function someSplits(b: Uint8Array, n: number): number[] {
  const all = blankLineSplits(b);
  if (all.length <= n) return all;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(all[Math.round((i * (all.length - 1)) / (n - 1))]);
  return [...new Set(out)];
}

describe('split decode equals the serial decode', () => {
  it('found the dumps', () => {
    expect(DUMPS.length).toBeGreaterThanOrEqual(4);
  });
  for (const dump of DUMPS) {
    it(dump.name, async () => {
      const b = dump.bytes();
      const serial = await outcome(() => decodePerfScript(b));
      const splits = someSplits(b, 6);
      const middle = perfSplitPoint(b, 0);
      if (middle >= 0) splits.push(middle);
      for (const at of splits) {
        const before = partsRun;
        expect({ at, ...(await outcome(() => parallel(b, simulated(1), at))) }).toEqual({ at, ...serial });
        expect(partsRun).toBe(before + 1);
      }
      // A fast, a slow and a failing other thread; one that cannot start.
      const at = middle >= 0 ? middle : splits[0];
      if (at !== undefined) {
        for (const slow of [0, 3]) expect({ slow, ...(await outcome(() => parallel(b, simulated(slow), at))) }).toEqual({ slow, ...serial });
        expect(await outcome(() => parallel(b, failing, at))).toEqual(serial);
        expect(await outcome(() => parallel(b, throwing, at))).toEqual(serial);
      }
    });
  }
});

describe('split decode: the seams', () => {
  const rec = (t: number, comm = 'busy', sym = 'work') => `${comm} 12/34 [001] ${t}.000001: 250000 cpu-clock:pppH: \n\t    55d0c0a01224 ${sym}+0x4 (/bin/busy)\n\t    55d0c0a01000 main+0x10 (/bin/busy)\n\n`;
  const header = '# ========\n# captured on    : Thu Jan  1 00:00:00 2026\n# cmdline : /usr/bin/perf record -g\n# ========\n#\n\n';

  it('unparsed lines in the second part keep their line numbers in the dump', async () => {
    let t = header;
    for (let i = 0; i < 20; i++) t += rec(i, i % 3 === 0 ? 'w\u00f6rker' : 'busy', `f${i % 4}`);
    t += 'this is not perf script\n\n';
    for (let i = 20; i < 40; i++) t += rec(i);
    t += '\u0000binary junk\n\n' + rec(40);
    const b = enc(t);
    const serial = decodePerfScript(b);
    expect(serial.unparsedLines).toBe(2);
    for (const at of blankLineSplits(b)) expect(await parallel(b, simulated(1), at)).toEqual(serial);
  });

  it('more than 10 unparsed lines across blocks scanned out of order: the first 10 in input order are kept', async () => {
    let t = header;
    for (let i = 0; i < 300; i++) t += rec(i, 'busy', `f${i % 5}`) + (i > 100 && i % 9 === 0 ? `junk line ${i}\n\n` : '');
    const b = enc(t);
    const serial = decodePerfScript(b);
    expect(serial.unparsedLines).toBeGreaterThan(20);
    const at = perfSplitPoint(b, 0);
    for (const slow of [0, 2, 6]) expect({ slow, ...(await decodePerfScriptParallel(b, { runPart: simulated(slow), splitAt: at, block: 600 })) }).toEqual({ slow, ...serial });
  });

  it('progress runs from 0 to the total, never backwards', async () => {
    let t = '';
    for (let i = 0; i < 400; i++) t += rec(i);
    const b = enc(t);
    const seen: number[] = [];
    await decodePerfScriptParallel(b, { runPart: simulated(3), splitAt: perfSplitPoint(b, 0), block: 512, onProgress: (done, total) => seen.push(done / total) });
    expect(seen[0]).toBe(0);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
  });

  it('a split inside the header block (no record before it) is scanned here, the same', async () => {
    const t = '# cmdline : /usr/bin/perf record\n\n# hostname : box\n\n' + rec(1) + rec(2);
    const b = enc(t);
    const serial = decodePerfScript(b);
    expect(serial.header?.hostname).toBe('box');
    const before = partsRun;
    expect(await parallel(b, simulated(1), t.indexOf('# hostname'))).toEqual(serial);
    expect(partsRun).toBe(before + 1); // started, then not used: the first part had no record
  });

  it('a second part that starts with UTF-8 BOM bytes keeps them, as the serial scan does', async () => {
    const t = rec(1) + '\ufeff' + rec(2, 'bom');
    const b = enc(t);
    const serial = decodePerfScript(b);
    expect(await parallel(b, simulated(1), rec(1).length)).toEqual(serial);
  });

  it('srclines and inlined frames cross the seam', async () => {
    const r = (t: number) => `busy 12/34 [001] ${t}.000001: 1 cycles: \n\t    1224 inner+0x4 (inlined)\n\t    1224 outer+0x4 (/bin/busy)\n  busy.c:4\n\t    1000 main+0x10 (/bin/busy)\n\n`;
    const t = r(1) + r(2) + r(3);
    const b = enc(t);
    const serial = decodePerfScript(b);
    for (const at of blankLineSplits(b)) expect(await parallel(b, simulated(1), at)).toEqual(serial);
  });

  it('where to split: after a blank line near the middle; not small, -G or UTF-16 input', () => {
    let t = '';
    for (let i = 0; i < 200; i++) t += rec(i);
    const b = enc(t);
    const at = perfSplitPoint(b, 0);
    expect(b[at - 1]).toBe(10);
    expect(b[at - 2]).toBe(10);
    expect(Math.abs(at - b.length / 2)).toBeLessThan(rec(0).length + 2);
    expect(perfSplitPoint(b)).toBe(-1); // below MIN_SPLIT_BYTES
    expect(perfSplitPoint(enc(t.replaceAll('\n\n', '\n')), 0)).toBe(-1);
    const utf16 = new Uint8Array(b.length + 2);
    utf16.set([0xff, 0xfe]);
    utf16.set(b, 2);
    expect(perfSplitPoint(utf16, 0)).toBe(-1);
  });

  it('the blocks are many parts, absorbed in order', async () => {
    let t = '';
    for (let i = 0; i < 400; i++) t += rec(i, `c${i % 7}`, `f${i % 13}`);
    const b = enc(t);
    const serial = decodePerfScript(b);
    const blocks = perfBlocks(b.subarray(perfSplitPoint(b, 0)), 512).length - 1;
    for (const slow of [0, 1, 4]) {
      const before = partsMade;
      expect(await decodePerfScriptParallel(b, { runPart: simulated(slow), splitAt: perfSplitPoint(b, 0), block: 512 })).toEqual(serial);
      // A fast other thread does most blocks; a slow one leaves some to the decode.
      const theirs = partsMade - before;
      if (slow === 0) expect(theirs).toBeGreaterThan(blocks / 2);
      else expect([slow, theirs > 0 && theirs < blocks]).toEqual([slow, true]);
    }
  });

  it('partJob: parts as they come, limits passed on until it stops, parts() on done; failures reject', async () => {
    const limits: number[] = [];
    const a = partJob((b) => limits.push(b), tick);
    const p = { bytes: 1 } as PerfPart;
    a.receive({ type: 'part', part: p });
    expect(await a.job.progress()).toEqual({ blocks: 1, stopped: false });
    a.job.limit(5);
    const parts = a.job.parts();
    a.receive({ type: 'part', part: p });
    a.receive({ type: 'done' });
    expect(await parts).toEqual([p, p]);
    expect(await a.job.progress()).toEqual({ blocks: 2, stopped: true });
    a.job.limit(1); // stopped: not sent
    expect(limits).toEqual([5]);
    const c = partJob(() => {}, tick);
    c.receive({ type: 'failed', message: 'boom' });
    await expect(c.job.parts()).rejects.toThrow('boom');
    const d = partJob(() => {}, tick);
    const dParts = d.job.parts();
    d.fail(new Error('worker crashed'));
    await expect(dParts).rejects.toThrow('worker crashed');
  });

  it('no runner, no split', async () => {
    const b = enc(rec(1) + rec(2));
    const before = partsRun;
    expect(await decodePerfScriptParallel(b)).toEqual(decodePerfScript(b));
    expect(partsRun).toBe(before);
  });
});
