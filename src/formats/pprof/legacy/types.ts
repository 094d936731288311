// Intermediate, pointer-based profile the legacy parsers fill: the same shape as
// google/pprof's profile.Profile at the point its legacy parsers return, so the
// post-processing (memory maps, id remapping, pruning) can follow pprof step by step
// before we convert to the struct-of-arrays model.

import type { ValueType } from '../../../model/profile';
import { DecodeError } from '../../errors';

export interface LFunction {
  name: string;
  systemName: string;
  filename: string;
  /**
   * Symbol recovered from text pprof itself ignores (Go count `#` comments). Such names
   * are shown but never matched against drop_frames, so the numbers stay pprof's.
   */
  fromComment: boolean;
}

export interface LLine {
  fn: LFunction;
  line: number;
}

export interface LMapping {
  start: bigint;
  limit: bigint;
  offset: bigint;
  file: string;
  buildId: string;
}

export interface LLocation {
  address: bigint;
  mapping: LMapping | null;
  /** Leaf-first (innermost inlined callee first), as pprof orders Line entries. */
  lines: LLine[];
}

export interface LSample {
  /** Leaf-first. */
  locs: LLocation[];
  values: number[];
  /** Numeric label `bytes` (heap profiles), when present. */
  bytes?: number;
}

export interface LProfile {
  encoding: string;
  sampleTypes: ValueType[];
  periodType: ValueType | null;
  period: number;
  durationNanos: number;
  samples: LSample[];
  /** pprof's p.Location: after remapLocationIDs, the locations samples referenced, in first-use order. */
  locations: LLocation[];
  functions: LFunction[];
  mappings: LMapping[];
  dropFrames: string;
  keepFrames: string;
  warnings: string[];
}

export function newProfile(encoding: string, sampleTypes: ValueType[], periodType: ValueType | null, period: number): LProfile {
  return {
    encoding,
    sampleTypes,
    periodType,
    period,
    durationNanos: 0,
    samples: [],
    locations: [],
    functions: [],
    mappings: [],
    dropFrames: '',
    keepFrames: '',
    warnings: [],
  };
}

/**
 * pprof's errUnrecognized: "not this format", so the next parser is tried. `reason`
 * explains the failure when the input clearly was this format up to a point; it is
 * reported only if no other parser accepts the bytes (pprof says just "unrecognized").
 */
export class Unrecognized {
  constructor(readonly reason?: DecodeError) {}
}

export type ParseResult = LProfile | Unrecognized;

export const FMT = 'pprof';

export function lineError(line: number, message: string): DecodeError {
  return new DecodeError(FMT, message, { line });
}

export function offsetError(offset: number, message: string): DecodeError {
  return new DecodeError(FMT, message, { offset });
}

/** Location lookup keyed by (adjusted) address, appending new ones to p.locations as pprof does. */
export class LocationTable {
  private readonly byAddr = new Map<bigint, LLocation>();
  constructor(private readonly p: LProfile) {}
  get(addr: bigint): LLocation {
    let loc = this.byAddr.get(addr);
    if (!loc) {
      loc = { address: addr, mapping: null, lines: [] };
      this.byAddr.set(addr, loc);
      this.p.locations.push(loc);
    }
    return loc;
  }
  lookup(addr: bigint): LLocation | undefined {
    return this.byAddr.get(addr);
  }
}

/** pprof parseHexAddresses: every `0x[0-9a-f]+`; one that overflows 64 bits is an error. */
export function parseHexAddresses(s: string): bigint[] | string {
  const out: bigint[] = [];
  const re = /0x[0-9a-f]+/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const v = BigInt(m[0]);
    if (v > 0xffffffffffffffffn) return m[0];
    out.push(v);
  }
  return out;
}
