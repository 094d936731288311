// CLI helpers for perf script dumps: `collapse` reproducing stackcollapse-perf.pl, and a
// JSON summary of the workbench's per-event decode. Pure functions (no I/O) so the CLI
// wiring in main.ts and the tests share them.

import { gunzip, isGzip } from '../formats/gzip';
import { collapsePerfBytes } from '../formats/perf/collapse';
import type { PerfDump } from '../formats/perf/model';

export interface CollapseFlags {
  pid?: boolean;
  tid?: boolean;
  kernel?: boolean;
  jit?: boolean;
  all?: boolean;
  addrs?: boolean;
  /** --event-filter: keep only this event (default: the first event seen, as the Perl tool). */
  event?: string;
}

/**
 * Folded stacks exactly as FlameGraph's `stackcollapse-perf.pl` prints them for the same
 * options (lines sorted bytewise, `frame;…;leaf COUNT`). Gzip input is inflated first.
 */
export function collapseCommand(bytes: Uint8Array, flags: CollapseFlags = {}): string {
  const input = isGzip(bytes) ? gunzip(bytes) : bytes;
  return collapsePerfBytes(input, {
    pid: flags.pid,
    tid: flags.tid,
    kernel: flags.kernel,
    jit: flags.jit,
    all: flags.all,
    addrs: flags.addrs,
    eventFilter: flags.event,
  }).text;
}

export interface PerfSummary {
  format: 'perf-script';
  events: Record<string, number>;
  processes: number;
  threads: number;
  execs: { pid: number; oldPid: number; comm: string; timeSec: number | null; filename: string }[];
  unparsedLines: number;
}

export function perfSummary(dump: PerfDump): PerfSummary {
  const events: Record<string, number> = {};
  for (const [ev, n] of dump.recordCounts) events[ev] = n;
  return {
    format: 'perf-script',
    events,
    processes: dump.processes.size,
    threads: dump.threads.size,
    execs: dump.execs.map((e) => ({
      pid: e.pid,
      oldPid: e.oldPid,
      comm: e.comm,
      timeSec: Number.isFinite(e.timeSec) ? e.timeSec : null,
      filename: e.filename,
    })),
    unparsedLines: dump.unparsedLines,
  };
}
