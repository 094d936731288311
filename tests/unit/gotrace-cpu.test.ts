// A Go trace recorded with the CPU profiler running (tools/gen/traceprof) opens as a
// profile of its CPU samples: every sample, in Go's order, with the exact stack that
// `go tool trace -d=parsed` prints for its StackSample event.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAny } from '../../src/formats';
import { goBinary, goEnv } from '../helpers/go';

const file = path.resolve(__dirname, '../../testdata/gotrace/cpu.trace');
const go = goBinary();
if (!go) console.warn('skipped: no Go toolchain — go tool trace comparison needs it');

describe('CPU samples of a Go execution trace', async () => {
  const d = await decodeAny(new Uint8Array(readFileSync(file)));
  const p = d.profile;

  it('decodes as a Go trace with CPU samples and no warnings', () => {
    expect(d.kind).toBe('go-trace');
    expect(p.samples.length).toBeGreaterThan(50);
    expect(p.warnings).toEqual([]);
  });

  it.skipIf(!go)('the multiset of sample stacks equals go tool trace -d=parsed', () => {
    const out = execFileSync(go!, ['tool', 'trace', '-d=parsed', file], { encoding: 'utf8', env: goEnv(), maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
    const want: string[] = [];
    const lines = out.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/ StackSample /.test(lines[i])) continue;
      const frames: string[] = [];
      for (let j = i + 2; j < lines.length && lines[j].startsWith('\t'); j += 2) frames.push(lines[j].trim().replace(/ @ 0x[0-9a-f]+$/, ''));
      want.push(frames.join(';'));
    }
    const got: string[] = [];
    for (let s = 0; s < p.samples.length; s++) {
      const frames: string[] = [];
      for (let k = p.samples.locationStart[s]; k < p.samples.locationStart[s + 1]; k++) {
        const loc = p.samples.location[k];
        const f = p.frames.func[p.locations.frameStart[loc]];
        frames.push(p.strings[p.funcs.recordedName[f]]);
      }
      got.push(frames.join(';'));
    }
    expect(got.length).toBe(want.length);
    expect([...got].sort()).toEqual([...want].sort());
  });
});
