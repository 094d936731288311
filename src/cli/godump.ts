// CLI views of a parsed Go crash / goroutine dump (src/formats/godump): a one-line JSON
// summary and the goroutines grouped by identical stack, both plain JSON-able data.

import type { GoDump, GoFrame, GoCreatedBy } from '../formats/godump/model';
import { mapCall } from '../formats/godump/parse';

export interface DumpSummary {
  format: 'go-dump';
  kind: GoDump['kind'];
  fatalError: string | null;
  /** Every goroutine block printed (a SIGQUIT dump's `goroutine 0 [idle]` included); debug=1: the sum of the record counts. */
  goroutines: number;
  groups: number;
  mapGoroutines: number[];
}

/** Goroutines in the dump as `dumpSummary` counts them. */
export function goroutineCount(d: GoDump): number {
  if (d.kind === 'debug1') return d.groups.reduce((n, g) => n + g.count, 0);
  return d.goroutines.length;
}

export function dumpSummary(d: GoDump): DumpSummary {
  return {
    format: 'go-dump',
    kind: d.kind,
    fatalError: d.fatalError,
    goroutines: goroutineCount(d),
    groups: d.groups.length,
    mapGoroutines: [...d.mapGoroutines],
  };
}

export interface DumpGroupJson {
  count: number;
  state: string;
  states: Record<string, number>;
  maxWaitMinutes: number | null;
  goroutineIds: number[];
  labels: Record<string, string>;
  frames: { func: string; args: string; file: string; line: number; inlined: boolean }[];
  createdBy: GoCreatedBy | null;
  /** Set when the group's stack is inside a runtime map function. */
  mapCall: { mapFunc: string; caller: string | null } | null;
}

function frameJson(f: GoFrame) {
  return { func: f.func, args: f.args, file: f.file, line: f.line, inlined: f.inlined };
}

/** The goroutines grouped by identical stack, largest group first, as JSON-able data. */
export function dumpGoroutines(d: GoDump): DumpGroupJson[] {
  return d.groups.map((g) => {
    const call = mapCall(g.frames);
    return {
      count: g.count,
      state: g.state,
      states: { ...g.states },
      maxWaitMinutes: g.maxWaitMinutes,
      goroutineIds: [...g.goroutineIds],
      labels: { ...g.labels },
      frames: g.frames.map(frameJson),
      createdBy: g.createdBy ? { ...g.createdBy } : null,
      mapCall: call ? { mapFunc: call.mapFunc, caller: call.caller ? call.caller.func : null } : null,
    };
  });
}
