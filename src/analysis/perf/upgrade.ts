// "Process replacement" analysis for hot-upgrade (graceful-restart) verification from a
// `perf script` dump recorded with syscalls:sys_enter_execve (and, better, also
// sched:sched_process_exec + sched:sched_process_fork, `perf script -F +pid`).
//
// The moment a hot upgrade really replaces a process is the execve, not anything inside
// the Go runtime. Two shapes:
//   * fork+exec (os/exec, facebookgo/grace, cloudflare/tableflip): the old process forks,
//     the CHILD calls execve of the new binary — a NEW PID (sched_process_fork parent →
//     child, then the exec in the child); the old process exits later.
//   * in-place exec (syscall.Exec): the SAME PID continues as the new image. The kernel's
//     `old_pid` is the tid that called execve: for a Go program it is usually a non-leader
//     thread, so old_pid ≠ pid although the process is the same (measured, see
//     tools/gen/hotupgrade and testdata/perf/inplace.perf.txt).
//
// The per-name reading (after the shared seed article 000 on verifying hot upgrades with
// sys_enter_execve): one self-replacing exec
// = a normal upgrade; several = a restart loop (or repeated upgrades: look at the times);
// none = the exec never happened (blocked, or the upgrade never got that far). The article
// counts sys_enter_execve records filtered by comm; that count also includes the program
// launching OTHER binaries, and the recording's own workload start is an exec into the
// name from a different comm (sh, perf-exec), so both are reported apart here.

import type { PerfDump, PerfExec } from '../../formats/perf/model';
import type { ProcessEvents } from './events';
import { buildLineage, taskKind, type Lineage } from './lineage';

export type ReplacementKind =
  /** A recorded fork created this PID, and this is its first exec. */
  | 'fork+exec'
  /** The PID existed before (an earlier exec or fork of it, or records): the image changed in place. */
  | 'in-place'
  /** First sight of the PID is its exec: the fork (if any) was not recorded (e.g. perf's own workload start). */
  | 'unobserved-fork';

export interface Replacement {
  pid: number;
  /** Tid that called execve (sched_process_exec old_pid; the execve record's tid otherwise). */
  oldPid: number;
  kind: ReplacementKind;
  /** sched_process_exec time when recorded, else the sys_enter_execve time. */
  timeSec: number;
  /** The sys_enter_execve paired with it (NaN when not recorded). */
  enterTimeSec: number;
  /** timeSec − enterTimeSec: how long the kernel took to replace the image (loading the
   * binary, and for a multithreaded caller killing the other threads first); NaN unpaired. */
  execLatencySec: number;
  /** Path from sched_process_exec ('' when only sys_enter_execve was recorded). */
  filename: string;
  /** The user pointer printed on sys_enter_execve ('' when not recorded). */
  filenamePointer: string;
  commBefore: string;
  /** '' when only sys_enter_execve was recorded (the new comm is then unknown). */
  commAfter: string;
  /** The image replaced itself (same comm before and after) — what an upgrade looks like. */
  selfReplacement: boolean;
  /** fork+exec: the process that forked, its forking thread, and when. */
  parentPid?: number;
  parentTid?: number;
  forkTimeSec?: number;
  /** fork+exec: when the parent's leader exited (needs ProcessEvents), and whether it
   * exited after this exec (the old generation outlived the handoff moment). */
  parentExitSec?: number;
  /** false when only sys_enter_execve was recorded: the exec may still have failed. */
  confirmed: boolean;
}

export type UpgradeVerdict = 'upgrade' | 'restart-loop' | 'no-exec';

export interface NameReading {
  comm: string;
  /** The seed article's count: sys_enter_execve records whose (caller) comm is this name. */
  execveByName: number;
  /** Execs where this name replaced itself (commBefore = commAfter = name). */
  selfReplacements: Replacement[];
  /** Execs INTO this name from another comm (launches: sh → name, perf-exec → name). */
  launches: Replacement[];
  /** PIDs that carried the name. */
  pids: number[];
  verdict: UpgradeVerdict;
  /** One line a user can read. */
  reading: string;
}

export interface UpgradeReport {
  replacements: Replacement[];
  /** sys_enter_execve without a following sched_process_exec in the same process (failed execs),
   * only meaningful when sched_process_exec was recorded. */
  failedExecves: PerfExec[];
  byName: NameReading[];
  lineage: Lineage;
  /** What the recording lacks for this analysis. */
  notes: string[];
}

function base(event: string): string {
  return event.slice(event.indexOf(':') + 1);
}

const isEnter = (e: PerfExec) => base(e.event) === 'sys_enter_execve' || base(e.event) === 'sys_enter_execveat';
const isExec = (e: PerfExec) => base(e.event) === 'sched_process_exec';

export function analyzeUpgrades(dump: PerfDump, events?: ProcessEvents): UpgradeReport {
  const lineage = buildLineage(dump, events);
  const notes: string[] = [];
  const enters = dump.execs.filter(isEnter).sort((a, b) => a.timeSec - b.timeSec);
  const execs = dump.execs.filter(isExec).sort((a, b) => a.timeSec - b.timeSec);
  const haveExec = dump.tracepoints.has('sched:sched_process_exec') || execs.length > 0;
  const haveEnter = [...dump.tracepoints.keys()].some((k) => k.endsWith(':sys_enter_execve') || k.endsWith(':sys_enter_execveat'));
  const haveFork = dump.tracepoints.has('sched:sched_process_fork');
  if (!haveEnter) notes.push('no syscalls:sys_enter_execve records: the seed reading (count per name) is not available');
  if (!haveExec) notes.push('no sched:sched_process_exec records: execs are unconfirmed and the new image name is unknown');
  if (!haveFork) notes.push('no sched:sched_process_fork records: fork+exec cannot be told from a launch');
  if (![...dump.threads.values()].some((t) => t.pid !== undefined)) {
    notes.push('records print tids only (perf script without -F +pid): threads cannot be told from processes');
  }

  // Pair each sched_process_exec with the last unpaired sys_enter_execve of the same process before it.
  const used = new Set<PerfExec>();
  const pairOf = new Map<PerfExec, PerfExec>();
  for (const x of execs) {
    let best: PerfExec | undefined;
    for (const e of enters) {
      if (e.timeSec > x.timeSec) break;
      if (used.has(e) || e.pid !== x.pid) continue;
      best = e;
    }
    if (best) {
      used.add(best);
      pairOf.set(x, best);
    }
  }
  const failedExecves = haveExec ? enters.filter((e) => !used.has(e)) : [];

  const source = haveExec ? execs : enters;
  const replacements: Replacement[] = [];
  const execCountSoFar = new Map<number, number>();
  for (const x of source) {
    const enter = haveExec ? pairOf.get(x) : x;
    const node = lineage.nodes.get(x.pid);
    const nth = execCountSoFar.get(x.pid) ?? 0;
    execCountSoFar.set(x.pid, nth + 1);
    const forked = node?.forkTimeSec !== undefined && node.forkTimeSec <= x.timeSec;
    let kind: ReplacementKind;
    if (forked && nth === 0) kind = 'fork+exec';
    else if (nth > 0 || forked) kind = 'in-place';
    else kind = 'unobserved-fork';
    const lx = node?.execs[nth];
    const commBefore = haveExec ? (enter?.comm ?? lx?.commBefore ?? '') : x.comm;
    const commAfter = haveExec ? x.comm : '';
    const r: Replacement = {
      pid: x.pid,
      oldPid: haveExec ? x.oldPid : x.pid,
      kind,
      timeSec: x.timeSec,
      enterTimeSec: enter ? enter.timeSec : NaN,
      execLatencySec: enter && haveExec ? x.timeSec - enter.timeSec : NaN,
      filename: haveExec ? x.filename : '',
      filenamePointer: enter ? enter.filename : '',
      commBefore,
      commAfter,
      selfReplacement: haveExec ? commBefore !== '' && commBefore === commAfter : false,
      confirmed: haveExec,
    };
    if (kind === 'fork+exec' && node) {
      r.parentPid = node.parentPid;
      r.parentTid = node.parentTid;
      r.forkTimeSec = node.forkTimeSec;
      const parent = node.parentPid !== undefined ? lineage.nodes.get(node.parentPid) : undefined;
      if (parent?.exitTimeSec !== undefined) r.parentExitSec = parent.exitTimeSec;
    }
    replacements.push(r);
  }

  // Per-name reading.
  const names = new Map<string, NameReading>();
  const reading = (comm: string): NameReading => {
    let n = names.get(comm);
    if (!n) {
      n = { comm, execveByName: 0, selfReplacements: [], launches: [], pids: [], verdict: 'no-exec', reading: '' };
      names.set(comm, n);
    }
    return n;
  };
  for (const e of enters) reading(e.comm).execveByName++;
  for (const r of replacements) {
    if (haveExec) {
      const n = reading(r.commAfter);
      if (r.selfReplacement) n.selfReplacements.push(r);
      else n.launches.push(r);
    }
  }
  for (const [pid, comms] of dump.processes) {
    if (taskKind(dump, pid) === 'thread') continue;
    for (const c of comms) {
      const n = reading(c);
      if (!n.pids.includes(pid)) n.pids.push(pid);
    }
  }
  for (const n of names.values()) {
    n.pids.sort((a, b) => a - b);
    const k = haveExec ? n.selfReplacements.length : n.execveByName;
    n.verdict = k === 0 ? 'no-exec' : k === 1 ? 'upgrade' : 'restart-loop';
    if (haveExec) {
      const other = n.execveByName - k;
      n.reading =
        k === 0
          ? `${n.comm}: never replaced itself by exec — no upgrade happened (or it never reached execve)`
          : k === 1
            ? `${n.comm}: one self-replacing exec (${describe(n.selfReplacements[0])}) — a normal upgrade`
            : `${n.comm}: ${k} self-replacing execs — a restart loop, or repeated upgrades`;
      if (n.launches.length > 0) n.reading += `; ${n.launches.length} launch${n.launches.length > 1 ? 'es' : ''} from another comm`;
      if (other > 0) n.reading += `; ${other} other execve call${other > 1 ? 's' : ''} by ${n.comm}`;
    } else {
      n.reading =
        k === 0
          ? `${n.comm}: no sys_enter_execve — exec never happened`
          : `${n.comm}: ${k} sys_enter_execve record${k > 1 ? 's' : ''} (${k === 1 ? 'normal upgrade' : 'restart loop?'}; unconfirmed without sched_process_exec)`;
    }
  }
  const byName = [...names.values()].sort((a, b) => (a.comm < b.comm ? -1 : a.comm > b.comm ? 1 : 0));

  return { replacements, failedExecves, byName, lineage, notes };
}

function describe(r: Replacement): string {
  if (r.kind === 'fork+exec') return `fork+exec: ${r.parentPid} → new PID ${r.pid}`;
  if (r.kind === 'in-place') return `in-place: PID ${r.pid} kept${r.oldPid !== r.pid ? `, execve called by thread ${r.oldPid}` : ''}`;
  return `PID ${r.pid}, fork not recorded`;
}
