// SourceEvidence: what the checklist knows about one loaded source — a small, JSON-able
// (structured-clone-able) summary with exactly the numbers the rules read, each with a
// `where` (a partial view state, settings.ts field names) that opens the view showing it.
// Computed once per source at load time (the worker, or the CLI); the rules never see a
// decoded model, so evidence can also travel in a share link.

import type { Decoded } from '../../formats';
import type { MapSnapshot } from '../../formats/mapsnap/schema';
import type { SourceFormat } from '../../model/profile';
import { analyzeUpgrades } from '../perf/upgrade';
import { mapStats, type MapStats } from '../maps/stats';
import { dumpSummary, isBlockedState } from '../query';
import { contentionEvidence, cpuEvidence, cpuSampleType, goroutineProfileEvidence, heapEvidence, type ContentionEvidence, type CpuEvidence, type GoroutineProfileEvidence, type HeapEvidence } from './profileEvidence';
import { traceEvidence, type TraceEvidence } from './traceEvidence';
import type { Where } from './types';
import { round } from './stats';

export type { ContentionEvidence, CpuEvidence, GoroutineProfileEvidence, HeapEvidence } from './profileEvidence';
export type { TraceEvidence } from './traceEvidence';

export interface DumpGroupEvidence {
  /** Index of the group in the Goroutines view (the dump summary's groups, most goroutines first). */
  index: number;
  count: number;
  /** Members in a wait state (not running / runnable / syscall). */
  blocked: number;
  state: string;
  maxWaitMinutes: number | null;
  leak: 'suspected' | 'possible' | null;
  leakReason: string;
  leaf: string;
  /** First frame outside the runtime: the code that is waiting. */
  caller: string;
  where: Where;
}

export interface DumpEvidence {
  kind: string;
  fatalError: string | null;
  panicMessage: string | null;
  goroutines: number;
  /** Goroutine dumps print waits of a minute or more; debug=1 profiles print none. */
  waitTimesPrinted: boolean;
  /** The dump lists every goroutine (false for a crash printed at GOTRACEBACK=single, which
   * shows only the goroutine that crashed). */
  allGoroutines: boolean;
  concurrentMap: { message: string; goroutines: number[]; calls: { goroutine: number | null; mapFunc: string; caller: string }[]; where: Where } | null;
  /** The biggest groups and every group with a printed wait (at most 30). */
  groups: DumpGroupEvidence[];
  /** Goroutines Go itself marked `(leaked)` (goroutineleak profile, GOEXPERIMENT=goroutineleakprofile). */
  leakedFlagged: number;
  where: Where;
}

export interface PerfEvidence {
  events: Record<string, number>;
  /** syscalls:sys_enter_execve or sched:sched_process_exec were recorded. */
  execRecorded: boolean;
  /** sched:sched_process_exec was recorded (execs are confirmed). */
  execConfirmed: boolean;
  byName: { comm: string; verdict: 'upgrade' | 'restart-loop' | 'no-exec'; selfReplacements: number; launches: number; execveByName: number; timesSec: number[]; reading: string; where: Where }[];
  failedExecves: number;
  notes: string[];
  /** `# nrcpus online` of the recording machine (perf script --header), or null. */
  cpusOnline: number | null;
  where: Where;
}

export interface MapEvidence {
  layout: string;
  label: string | null;
  count: number;
  /** Entries per slot of the current tables / buckets (Swiss: used / capacity; classic: count / 2^B). */
  load: number | null;
  bytesHeld: number;
  bytesNeeded: number;
  ratio: number;
  neverShrinks: boolean;
  diagnosis: string;
  remedy: string | null;
  where: Where;
}

export interface SourceEvidence {
  name: string;
  format: SourceFormat | 'map-snapshot';
  /** What the source is, for people: "a pprof CPU profile", "a Go execution trace". */
  what: string;
  cpu?: CpuEvidence;
  heap?: HeapEvidence;
  goroutineProfile?: GoroutineProfileEvidence;
  contention?: ContentionEvidence;
  trace?: TraceEvidence;
  dump?: DumpEvidence;
  perf?: PerfEvidence;
  map?: MapEvidence;
}

/**
 * A trace streamed by the worker: its generations were not kept, the trace evidence was
 * collected while they were read (analysis/trace/load.ts).
 */
export type StreamedTraceInput = Extract<Decoded, { kind: 'go-trace' }> & { traceEvidence: TraceEvidence };

/** A decoded source, or a map snapshot (not a profile; sniffed apart, see worker/maps.ts). */
export type EvidenceInput = Decoded | StreamedTraceInput | { kind: 'map-snapshot'; snapshot: MapSnapshot; stats?: MapStats };

const CONCURRENT_MAP = /^concurrent map (writes|read and map write|iteration and map write|clone and map write)/;
const CPU_EVENTS = /^(cpu-clock|task-clock|cycles|cpu-cycles|instructions|ref-cycles)(\/|:|$)/;

function dumpEvidence(input: Extract<Decoded, { kind: 'go-dump' }>): DumpEvidence {
  const d = input.dump;
  const summary = dumpSummary(d, input.profile);
  // dumpSummary sorts groups by count (stable); the same order gives each group's states.
  const raw = [...d.groups].sort((a, b) => b.count - a.count);
  const groups: DumpGroupEvidence[] = summary.groups.map((g, i) => {
    const states = raw[i]?.states ?? {};
    let blocked = 0;
    for (const [st, n] of Object.entries(states)) if (isBlockedState(st)) blocked += n;
    // debug=1 profiles print neither states nor runtime frames; at most GOMAXPROCS goroutines
    // run at once, so a stack many goroutines share is a stack they wait on.
    if (d.kind === 'debug1') blocked = g.count;
    const caller = g.frames.find((f) => !f.func.startsWith('runtime.') && !f.func.startsWith('internal/') && !f.func.startsWith('sync.')) ?? g.frames[0];
    return {
      index: i,
      count: g.count,
      blocked,
      state: g.state,
      maxWaitMinutes: g.maxWaitMinutes,
      leak: g.leak,
      leakReason: g.leakReason,
      leaf: g.frames[0]?.func ?? '',
      caller: caller?.func ?? '',
      where: { view: 'goroutines', group: i },
    };
  });
  const kept = groups.filter((g, i) => i < 20 || g.maxWaitMinutes !== null).slice(0, 30);
  let concurrentMap: DumpEvidence['concurrentMap'] = null;
  if (d.fatalError !== null && CONCURRENT_MAP.test(d.fatalError)) {
    const first = d.mapGoroutines[0];
    const gi = first === undefined ? -1 : summary.groups.findIndex((g) => g.goroutineIds.includes(first));
    concurrentMap = {
      message: d.fatalError,
      goroutines: d.mapGoroutines.slice(0, 50),
      calls: summary.mapCalls.slice(0, 20).map((c) => ({ goroutine: c.goroutine, mapFunc: c.mapFunc, caller: c.caller ? `${c.caller.func} ${c.caller.file}:${c.caller.line}` : '' })),
      where: gi >= 0 ? { view: 'goroutines', group: gi } : { view: 'goroutines' },
    };
  }
  let leakedFlagged = 0;
  for (const g of d.goroutines) if (g.stateFlags.includes('leaked')) leakedFlagged++;
  return {
    kind: d.kind,
    fatalError: d.fatalError,
    panicMessage: d.panicMessage,
    goroutines: summary.goroutineCount,
    waitTimesPrinted: d.kind !== 'debug1',
    allGoroutines: !((d.kind === 'fatal' || d.kind === 'panic') && summary.goroutineCount <= 1),
    concurrentMap,
    groups: kept,
    leakedFlagged,
    where: { view: 'goroutines' },
  };
}

function perfEvidence(input: Extract<Decoded, { kind: 'perf' }>): PerfEvidence {
  const perf = input.perf;
  const report = analyzeUpgrades(perf);
  const events: Record<string, number> = {};
  for (const [ev, n] of perf.recordCounts) events[ev] = n;
  const tps = [...perf.tracepoints.keys()];
  const execRecorded = tps.some((k) => /:(sys_enter_execve|sys_enter_execveat|sched_process_exec)$/.test(k)) || perf.execs.length > 0;
  const execConfirmed = perf.tracepoints.has('sched:sched_process_exec');
  const byName = report.byName
    .filter((n) => n.selfReplacements.length > 0 || n.launches.length > 0 || n.execveByName > 0)
    .map((n) => {
      const rs = n.selfReplacements.length > 0 ? n.selfReplacements : n.launches;
      const pid = rs[0]?.pid ?? n.pids[0];
      const where: Where = { view: 'perf' };
      if (pid !== undefined) where.perfPid = pid;
      return {
        comm: n.comm,
        verdict: n.verdict,
        selfReplacements: n.selfReplacements.length,
        launches: n.launches.length,
        execveByName: n.execveByName,
        timesSec: n.selfReplacements.map((r) => r.timeSec).filter((t) => Number.isFinite(t)),
        reading: n.reading,
        where,
      };
    });
  const cpus = Number(perf.header?.fields['nrcpus online']);
  return {
    events,
    execRecorded,
    execConfirmed,
    byName,
    failedExecves: report.failedExecves.length,
    notes: report.notes,
    cpusOnline: Number.isFinite(cpus) && cpus > 0 ? cpus : null,
    where: { view: 'perf' },
  };
}

function mapEvidence(snapshot: MapSnapshot, given?: MapStats): MapEvidence {
  const s = given ?? mapStats(snapshot);
  const m = s.memory;
  return {
    layout: s.layout,
    label: s.label ?? null,
    count: s.count,
    load: s.swiss?.load.value ?? s.classic?.load.value ?? null,
    bytesHeld: m.bytesHeld.value,
    bytesNeeded: m.bytesNeeded.value,
    ratio: round(m.ratio.value, 2),
    neverShrinks: m.neverShrinks,
    diagnosis: m.diagnosis,
    remedy: m.remedy ?? null,
    where: { view: 'map' },
  };
}

/** The evidence of one source (`name` is how reports name it, e.g. the file name). */
export function collectEvidence(input: EvidenceInput, name: string): SourceEvidence {
  if (input.kind === 'map-snapshot') {
    return { name, format: 'map-snapshot', what: 'a Go map snapshot', map: mapEvidence(input.snapshot, input.stats) };
  }
  const p = input.profile;
  const ev: SourceEvidence = { name, format: p.format, what: '' };
  switch (input.kind) {
    case 'go-trace': {
      const r = input.trace;
      ev.what = 'a Go execution trace';
      ev.trace = 'traceEvidence' in input ? input.traceEvidence : traceEvidence(r.partial ? [...r.list, r.partial] : r.list);
      if (p.samples.length > 0) ev.cpu = cpuEvidence(p, 'trace', 0);
      break;
    }
    case 'go-dump':
      ev.what = input.dump.kind === 'debug1' ? 'a goroutine profile (debug=1)' : input.dump.fatalError !== null || input.dump.panicMessage !== null ? 'a Go crash dump' : 'a goroutine dump';
      ev.dump = dumpEvidence(input);
      break;
    case 'perf': {
      ev.what = 'a perf script dump';
      ev.perf = perfEvidence(input);
      // CPU shares from a CPU-time event (the busiest one if several).
      const cpuProfiles = input.perf.profiles.filter((e) => CPU_EVENTS.test(e.event));
      const best = cpuProfiles.sort((a, b) => b.profile.samples.length - a.profile.samples.length)[0];
      if (best && best.profile.samples.length > 0) ev.cpu = cpuEvidence(best.profile, 'perf', best.profile.defaultSampleType, { perfEvent: best.event });
      break;
    }
    case 'profile': {
      const cpu = cpuSampleType(p);
      if (cpu >= 0) {
        ev.what = 'a pprof CPU profile';
        ev.cpu = cpuEvidence(p, 'pprof', cpu);
      }
      const heap = heapEvidence(p);
      if (heap) {
        ev.what = 'a pprof heap profile';
        ev.heap = heap;
      }
      const g = goroutineProfileEvidence(p);
      if (g) {
        ev.what = 'a pprof goroutine profile';
        ev.goroutineProfile = g;
      }
      const c = contentionEvidence(p);
      if (c) {
        ev.what = c.kind === 'mutex' ? 'a pprof mutex profile' : 'a pprof block profile';
        ev.contention = c;
      }
      if (ev.what === '') ev.what = `a pprof profile (${p.sampleTypes.map((t) => t.type).join(', ')})`;
      break;
    }
  }
  return ev;
}
