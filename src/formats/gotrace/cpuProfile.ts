// The CPU-profile samples a Go execution trace carries (when the CPU profiler ran during
// tracing) as a StackProfile, so the flame graph and top table open a trace today; the
// goroutine and processor timelines build on the ordered events (order.ts).

import { ProfileBuilder } from '../../model/builder';
import type { StackProfile } from '../../model/profile';
import type { Frame, Generation } from './model';
import { decodeU64Code as fromCode } from './u64';

/** One sample per CPU-profile sample of the trace; labels: goroutine and thread (M). */
export function traceCpuProfile(gens: Generation[], warnings: string[]): StackProfile {
  const b = new ProfileBuilder(1);
  b.warnings.push(...warnings);
  const locOf = new Map<string, number>();
  const location = (f: Frame): number => {
    const key = `${String(f.pc)}\u0000${f.func}\u0000${f.file}\u0000${String(f.line)}`;
    let loc = locOf.get(key);
    if (loc === undefined) {
      const func = b.func(f.func, { fileName: f.file });
      loc = b.location(BigInt(f.pc), -1, [{ func, line: Number(f.line) }]);
      locOf.set(key, loc);
    }
    return loc;
  };
  let first = Infinity;
  for (const g of gens) first = Math.min(first, g.syncTimeNs);
  let samples = 0;
  for (const g of gens) {
    const cs = g.cpuSamples;
    for (let i = 0; i < cs.count; i++) {
      const stack = fromCode(cs.stack[i], g.bigs);
      const pcs = stack === 0 ? [] : (g.stacks.get(stack) ?? []);
      const locs: number[] = [];
      for (const pc of pcs) {
        const f = g.frames.get(pc);
        if (f) locs.push(location(f));
      }
      const goroutine = fromCode(cs.g[i], g.bigs);
      const labels = [{ key: 'thread', str: String(fromCode(cs.m[i], g.bigs)) }];
      if (goroutine !== 0) labels.push({ key: 'goroutine', str: String(goroutine) });
      b.sample(locs, [1], labels, Math.max(0, cs.ticks[i] * g.nsPerTick - first));
      samples++;
    }
  }
  if (samples === 0) {
    b.warnings.push('This trace has no CPU samples (the CPU profiler was not running while tracing), so the flame graph is empty; goroutine and processor timelines come in a later release.');
  }
  return b.finish({ format: 'go-trace', encoding: 'Go execution trace (CPU samples)', sampleTypes: [{ type: 'samples', unit: 'count' }] });
}
