// A tiny profile.proto writer for synthetic e2e inputs (shapes the Go runtime never
// produces on demand, e.g. a 6000-frame-deep stack). Field numbers follow
// github.com/google/pprof/proto/profile.proto.
import { gzipSync } from 'node:zlib';

class Writer {
  private chunks: number[] = [];
  varint(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`varint out of range: ${n}`);
    while (n >= 0x80) {
      this.chunks.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.chunks.push(n);
    return this;
  }
  uint(field: number, n: number): this {
    return this.varint(field * 8).varint(n);
  }
  bytes(field: number, b: Uint8Array): this {
    this.varint(field * 8 + 2).varint(b.length);
    for (const x of b) this.chunks.push(x);
    return this;
  }
  message(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }
  packed(field: number, ns: number[]): this {
    const w = new Writer();
    for (const n of ns) w.varint(n);
    return this.bytes(field, w.finish());
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

export interface SyntheticSample {
  /** Function names, root first. */
  stack: string[];
  value: number;
}

/** Encodes a one-sample-type profile (type/unit) with the given samples, gzipped. */
export function encodeProfile(samples: SyntheticSample[], type = 'samples', unit = 'count'): Buffer {
  const strings = [''];
  const strIndex = new Map<string, number>([['', 0]]);
  const str = (s: string) => {
    let i = strIndex.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      strIndex.set(s, i);
    }
    return i;
  };
  const funcIds = new Map<string, number>();
  const fileIdx = str('synthetic.go');
  const p = new Writer();
  p.message(1, new Writer().uint(1, str(type)).uint(2, str(unit)));
  for (const s of samples) {
    const ids = s.stack.map((name) => {
      let id = funcIds.get(name);
      if (id === undefined) {
        id = funcIds.size + 1;
        funcIds.set(name, id);
      }
      return id;
    });
    // One location per function (location id = function id); leaf first.
    p.message(2, new Writer().packed(1, ids.slice().reverse()).packed(2, [s.value]));
  }
  for (const [name, id] of funcIds) {
    p.message(4, new Writer().uint(1, id).message(4, new Writer().uint(1, id).uint(2, id)));
    const n = str(name);
    p.message(5, new Writer().uint(1, id).uint(2, n).uint(3, n).uint(4, fileIdx));
  }
  const period = new Writer().uint(1, str(type)).uint(2, str(unit));
  for (const s of strings) p.bytes(6, new TextEncoder().encode(s));
  p.message(11, period).uint(12, 1);
  return gzipSync(p.finish());
}

/** One sample whose stack is `depth` distinct functions deep. */
export function deepStackProfile(depth: number): Buffer {
  const stack = ['main.main'];
  for (let i = 1; i < depth; i++) stack.push(`deep.level${String(i).padStart(5, '0')}`);
  return encodeProfile([{ stack, value: 100 }]);
}
