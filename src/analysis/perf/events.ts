// Process-lifecycle facts that PerfDump does not keep (src/formats/perf/model.ts keeps
// execs and forks, not exits, and drops the tid of a sys_enter_execve caller). One extra
// pass of the streaming parser over the same bytes; optional input of lineage/upgrade.

import { parsePerfScript, parseTracepointFields } from '../../formats/perf/parse';

export interface PerfExit {
  /** Thread id that exited (the tracepoint's `pid=` is a kernel task id, i.e. a tid). */
  tid: number;
  /** Process id from the record header (`-F +pid`), undefined when not printed. */
  pid: number | undefined;
  comm: string;
  timeSec: number;
}

export interface PerfExecveCall {
  pid: number | undefined;
  /** The calling thread: with Go, usually not the thread-group leader. */
  tid: number;
  comm: string;
  timeSec: number;
  /** The user pointer perf prints (`0x…`); the path itself is only in sched_process_exec. */
  filename: string;
}

export interface ProcessEvents {
  exits: PerfExit[];
  execveCalls: PerfExecveCall[];
}

function toNum(v: string | undefined): number {
  if (v === undefined) return NaN;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : NaN;
}

/** Collects sched_process_exit and sys_enter_execve(at) records of a `perf script` dump. */
export function scanProcessEvents(bytes: Uint8Array): ProcessEvents {
  const exits: PerfExit[] = [];
  const execveCalls: PerfExecveCall[] = [];
  parsePerfScript(bytes, (r) => {
    if (r.payload === '') return;
    const base = r.event.slice(r.event.indexOf(':') + 1);
    const timeSec = r.time ? r.time.sec + r.time.nsec / 1e9 : NaN;
    if (base === 'sched_process_exit') {
      const f = parseTracepointFields(r.payload);
      const tid = toNum(f.pid);
      exits.push({ tid: Number.isNaN(tid) ? r.tid : tid, pid: r.pid, comm: r.comm, timeSec });
    } else if (base === 'sys_enter_execve' || base === 'sys_enter_execveat') {
      const f = parseTracepointFields(r.payload);
      execveCalls.push({ pid: r.pid, tid: r.tid, comm: r.comm, timeSec, filename: f.filename ?? '' });
    }
  });
  return { exits, execveCalls };
}
