// The CPU-profile samples a Go execution trace carries (when the CPU profiler ran during
// tracing) as a StackProfile, so the flame graph and top table open a trace; the goroutine
// and processor timelines build on the ordered events (order.ts).

import { ProfileBuilder } from '../../model/builder';
import type { StackProfile } from '../../model/profile';
import type { Frame, Generation } from './model';
import { decodeU64Code as fromCode } from './u64';

/**
 * Builds the CPU-sample profile generation by generation, so a streamed trace needs no
 * generation kept: one sample per CPU-profile sample; labels: goroutine and thread (M).
 * Sample times are ns relative to the first generation's sync (the trace origin).
 */
export class TraceCpuProfileBuilder {
  private readonly b = new ProfileBuilder(1);
  private readonly locOf = new Map<string, number>();
  private samples = 0;

  /** `origin`: the trace origin in ns when known up front; else the first generation's sync. */
  constructor(private first = Infinity) {}

  private location(f: Frame): number {
    const key = `${String(f.pc)}\u0000${f.func}\u0000${f.file}\u0000${String(f.line)}`;
    let loc = this.locOf.get(key);
    if (loc === undefined) {
      const func = this.b.func(f.func, { fileName: f.file });
      loc = this.b.location(BigInt(f.pc), -1, [{ func, line: Number(f.line) }]);
      this.locOf.set(key, loc);
    }
    return loc;
  }

  add(g: Generation): void {
    if (this.first === Infinity) this.first = g.syncTimeNs;
    const cs = g.cpuSamples;
    for (let i = 0; i < cs.count; i++) {
      const stack = fromCode(cs.stack[i], g.bigs);
      const pcs = stack === 0 ? [] : (g.stacks.get(stack) ?? []);
      const locs: number[] = [];
      for (const pc of pcs) {
        const f = g.frames.get(pc);
        if (f) locs.push(this.location(f));
      }
      const goroutine = fromCode(cs.g[i], g.bigs);
      const labels = [{ key: 'thread', str: String(fromCode(cs.m[i], g.bigs)) }];
      if (goroutine !== 0) labels.push({ key: 'goroutine', str: String(goroutine) });
      this.b.sample(locs, [1], labels, Math.max(0, cs.ticks[i] * g.nsPerTick - this.first));
      this.samples++;
    }
  }

  finish(warnings: string[]): StackProfile {
    const b = this.b;
    b.warnings.push(...warnings);
    if (this.samples === 0) {
      b.warnings.push('This trace has no CPU samples (the CPU profiler was not running while tracing), so the flame graph is empty; goroutine and processor timelines come in a later release.');
    }
    return b.finish({ format: 'go-trace', encoding: 'Go execution trace (CPU samples)', sampleTypes: [{ type: 'samples', unit: 'count' }] });
  }
}

/** The CPU-sample profile of whole generations (see TraceCpuProfileBuilder). */
export function traceCpuProfile(gens: Generation[], warnings: string[]): StackProfile {
  let first = Infinity;
  for (const g of gens) first = Math.min(first, g.syncTimeNs);
  const b = new TraceCpuProfileBuilder(first);
  for (const g of gens) b.add(g);
  return b.finish(warnings);
}
