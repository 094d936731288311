// PID lineage of a `perf script` dump: who forked whom, who exec'd what, and how a
// process's comm changed over time. Built from a PerfDump (src/formats/perf/model.ts):
// sched:sched_process_fork gives parent → child, sched:sched_process_exec (or, when only
// syscalls:sys_enter_execve was recorded, that) gives the image changes.
//
// Kernel facts this relies on (measured with perf 6.1, tools/gen/hotupgrade):
//   * sched_process_fork fires for every clone, threads included; its `pid=` and
//     `child_pid=` are TASK ids (tids). A Go program forks from whatever thread runs the
//     goroutine, so the parent is mapped to its process through the dump's tid → pid table
//     (needs `perf script -F +pid`), and children that turn out to be threads of the same
//     process are kept apart from child processes.
//   * sched_process_exec prints `pid=` (the process id after exec) and `old_pid=` (the
//     tid that called execve). A multithreaded program (every Go program) that calls
//     execve from a non-leader thread keeps its PID: the kernel moves the caller into the
//     leader's slot, so old_pid ≠ pid although no new process exists.
//   * the comm printed on sys_enter_execve is the caller's (old) comm; on
//     sched_process_exec it is the new image's.

import type { PerfDump } from '../../formats/perf/model';
import type { ProcessEvents } from './events';

export type CommVia = 'fork' | 'exec' | 'first-seen' | 'renamed';

export interface CommSpan {
  comm: string;
  /** NaN when the recording does not show when the name was taken. */
  sinceSec: number;
  via: CommVia;
  /** For via 'exec': the new image's path (sched_process_exec) or the execve pointer. */
  filename?: string;
}

export interface LineageExec {
  timeSec: number;
  filename: string;
  commBefore: string;
  commAfter: string;
  /** Tid that called execve (sched_process_exec old_pid); NaN when unknown. */
  callerTid: number;
  event: string;
}

export interface LineageNode {
  pid: number;
  /** Process (not thread) that forked this one, when the fork was recorded. */
  parentPid?: number;
  /** Tid of the parent's thread that called fork/clone. */
  parentTid?: number;
  forkTimeSec?: number;
  comms: CommSpan[];
  execs: LineageExec[];
  /** Child processes in fork order. */
  children: number[];
  /** Thread ids seen for this process (clones recorded and tids seen in records). */
  threads: number[];
  /** Exit of the thread-group leader (needs ProcessEvents); undefined when not recorded. */
  exitTimeSec?: number;
}

export interface Lineage {
  nodes: Map<number, LineageNode>;
  /** Processes whose fork was not recorded, in pid order. */
  roots: number[];
  /** sched_process_fork records that created threads, not processes. */
  threadClones: number;
  /** Fork records whose child could not be placed (never seen in any record). */
  unknownClones: number;
}

function baseName(event: string): string {
  return event.slice(event.indexOf(':') + 1);
}

/** The process a task id belongs to, via the dump's tid table (tid itself when unknown). */
export function processOf(dump: PerfDump, tid: number): number {
  return dump.threads.get(tid)?.pid ?? tid;
}

/** 'process' when tid leads its own thread group, 'thread' when it belongs to another, else 'unknown'. */
export function taskKind(dump: PerfDump, tid: number): 'process' | 'thread' | 'unknown' {
  const t = dump.threads.get(tid);
  if (t && t.pid !== undefined) return t.pid === tid ? 'process' : 'thread';
  if (dump.processes.has(tid)) return 'process';
  return 'unknown';
}

export function buildLineage(dump: PerfDump, events?: ProcessEvents): Lineage {
  const nodes = new Map<number, LineageNode>();
  const node = (pid: number): LineageNode => {
    let n = nodes.get(pid);
    if (!n) nodes.set(pid, (n = { pid, comms: [], execs: [], children: [], threads: [] }));
    return n;
  };
  const addThread = (n: LineageNode, tid: number) => {
    if (!n.threads.includes(tid)) n.threads.push(tid);
  };

  for (const pid of dump.processes.keys()) node(pid);
  for (const [tid, t] of dump.threads) {
    if (t.pid !== undefined) addThread(node(t.pid), tid);
  }

  let threadClones = 0;
  let unknownClones = 0;
  const forks = [...dump.forks].sort((a, b) => a.timeSec - b.timeSec);
  for (const f of forks) {
    const kind = taskKind(dump, f.childPid);
    const parent = processOf(dump, f.parentPid);
    if (kind === 'thread') {
      threadClones++;
      addThread(node(processOf(dump, f.childPid)), f.childPid);
      continue;
    }
    if (kind === 'unknown') {
      unknownClones++;
      continue;
    }
    const child = node(f.childPid);
    child.parentPid = parent;
    child.parentTid = f.parentPid;
    child.forkTimeSec = f.timeSec;
    child.comms.unshift({ comm: f.childComm, sinceSec: f.timeSec, via: 'fork' });
    const p = node(parent);
    if (!p.children.includes(f.childPid)) p.children.push(f.childPid);
  }

  // Image changes: sched_process_exec when recorded, else sys_enter_execve.
  const haveExec = dump.execs.some((e) => baseName(e.event) === 'sched_process_exec');
  const execs = dump.execs
    .filter((e) => (haveExec ? baseName(e.event) === 'sched_process_exec' : baseName(e.event) !== 'sched_process_exec'))
    .sort((a, b) => a.timeSec - b.timeSec);
  for (const e of execs) {
    const n = node(e.pid);
    const last = n.comms.filter((c) => c.via !== 'renamed').at(-1);
    // sys_enter_execve carries the OLD comm; the new one is unknown without sched_process_exec.
    const commBefore = haveExec ? (last?.comm ?? '') : e.comm;
    const commAfter = haveExec ? e.comm : '';
    n.execs.push({
      timeSec: e.timeSec,
      filename: e.filename,
      commBefore,
      commAfter,
      callerTid: haveExec ? e.oldPid : NaN,
      event: e.event,
    });
    if (haveExec) n.comms.push({ comm: e.comm, sinceSec: e.timeSec, via: 'exec', filename: e.filename });
  }

  // Names seen in records but not explained by fork/exec: the first one is where the
  // recording found the process; later ones are renames (prctl PR_SET_NAME) or execs
  // that were not recorded.
  for (const [pid, comms] of dump.processes) {
    const n = node(pid);
    for (const c of comms) {
      if (n.comms.some((s) => s.comm === c)) continue;
      if (n.comms.length === 0) n.comms.push({ comm: c, sinceSec: NaN, via: 'first-seen' });
      else n.comms.push({ comm: c, sinceSec: NaN, via: 'renamed' });
    }
  }
  // A process first seen in records before its first exec had the first-seen name before it.
  for (const n of nodes.values()) {
    const firstExec = n.comms.findIndex((c) => c.via === 'exec');
    const seen = n.comms.findIndex((c) => c.via === 'first-seen');
    if (firstExec === 0 && seen > 0) {
      const [s] = n.comms.splice(seen, 1);
      n.comms.unshift(s);
      if (n.execs[0] && n.execs[0].commBefore === '') n.execs[0].commBefore = s.comm;
    }
  }

  if (events) {
    for (const x of events.exits) {
      const pid = x.pid ?? processOf(dump, x.tid);
      if (x.tid !== pid) continue;
      const n = nodes.get(pid);
      if (n && (n.exitTimeSec === undefined || x.timeSec > n.exitTimeSec)) n.exitTimeSec = x.timeSec;
    }
  }

  for (const n of nodes.values()) n.threads.sort((a, b) => a - b);
  const roots = [...nodes.values()].filter((n) => n.parentPid === undefined).map((n) => n.pid).sort((a, b) => a - b);
  return { nodes, roots, threadClones, unknownClones };
}

function fmtTime(t: number | undefined): string {
  return t === undefined || Number.isNaN(t) ? '?' : t.toFixed(6);
}

/** Indented text tree, one line per process: `pid comm→comm… [fork t] [exec path t] [exit t]`. */
export function lineageLines(l: Lineage): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  const walk = (pid: number, depth: number) => {
    if (seen.has(pid)) return;
    seen.add(pid);
    const n = l.nodes.get(pid);
    if (!n) return;
    let s = `${'  '.repeat(depth)}${n.pid} ${n.comms.map((c) => c.comm).join(' → ') || '?'}`;
    if (n.forkTimeSec !== undefined) s += ` [fork from ${n.parentPid} at ${fmtTime(n.forkTimeSec)}]`;
    for (const e of n.execs) s += ` [exec ${e.filename} at ${fmtTime(e.timeSec)}]`;
    if (n.exitTimeSec !== undefined) s += ` [exit at ${fmtTime(n.exitTimeSec)}]`;
    out.push(s);
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const r of l.roots) walk(r, 0);
  return out;
}
