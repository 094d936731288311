// 64-bit values survive decoding exactly, checked against `go tool pprof -raw` on a
// profile whose kernel mapping puts addresses above 2^63 (tools/gen/bigservice).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAny } from '../../src/formats';
import { goBinary, goEnv } from '../helpers/go';

const file = path.resolve(__dirname, '../../testdata/pprof/bigservice-small.pb.gz');

function goRaw(f: string): string | null {
  const go = goBinary();
  if (!go) {
    console.warn('skipped: no Go toolchain — go tool pprof -raw comparison needs it');
    return null;
  }
  return execFileSync(go, ['tool', 'pprof', '-raw', f], { encoding: 'utf8', env: goEnv(), maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
}

describe('exact 64-bit values', async () => {
  const p = (await decodeAny(new Uint8Array(readFileSync(file)))).profile;
  const raw = goRaw(file);

  it('kernel addresses above 2^53 are exact', () => {
    const max = p.locations.address.reduce((a, b) => (b > a ? b : a), 0n);
    expect(max > 2n ** 63n).toBe(true);
    expect(Number(max) === Number(max + 1n)).toBe(true); // a double could not hold it
  });

  it.skipIf(raw === null)('every location address and mapping range equals go tool pprof -raw', () => {
    const locs = raw!.slice(raw!.indexOf('Locations'), raw!.indexOf('Mappings'));
    const addrs = [...locs.matchAll(/^\s+\d+: 0x([0-9a-f]+) M=/gm)].map((m) => BigInt(`0x${m[1]}`));
    expect(addrs.length).toBe(p.locations.length);
    expect(Array.from(p.locations.address)).toEqual(addrs);
    const maps = raw!.slice(raw!.indexOf('Mappings'));
    const ranges = [...maps.matchAll(/^\s*\d+: 0x([0-9a-f]+)\/0x([0-9a-f]+)\/0x([0-9a-f]+)/gm)].map((m) => [BigInt(`0x${m[1]}`), BigInt(`0x${m[2]}`), BigInt(`0x${m[3]}`)]);
    expect(ranges.length).toBe(p.mappings.length);
    ranges.forEach(([start, limit, offset], i) => {
      expect([p.mappings.start[i], p.mappings.limit[i], p.mappings.offset[i]]).toEqual([start, limit, offset]);
    });
  });

  it.skipIf(raw === null)('time_nanos is exact to the nanosecond', async () => {
    const cpu = path.resolve(__dirname, '../../public/examples/cpu.pb.gz');
    for (const f of [file, cpu]) {
      const prof = (await decodeAny(new Uint8Array(readFileSync(f)))).profile;
      const m = /^Time: (\S+ \S+) /m.exec(goRaw(f)!);
      expect(m).not.toBeNull();
      const [date, time] = m![1].split(' ');
      const [hms, frac = ''] = time.split('.');
      const expected = BigInt(Date.parse(`${date}T${hms}Z`)) * 1_000_000n + BigInt(frac.padEnd(9, '0'));
      expect(prof.timeNanos).toBe(expected.toString());
    }
  });
});
