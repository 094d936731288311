// Process-lifecycle markers of a `perf script` dump for the process timeline: every
// sys_enter_execve(at), sched_process_exec, sched_process_fork, sched_process_exit and
// sched_switch record, with its time on the profiles' time base, plus the ProcessEvents
// (exits, execve callers) that lineage.ts / upgrade.ts take.
//
// PerfDump keeps execs and forks with perf's printed seconds only, and neither exits nor
// sched_switch payloads, so this is one extra pass of the streaming parser over the same
// bytes. The worker runs it only when the dump holds tracepoint records at all (a plain
// cpu-clock / cycles dump has no markers and pays nothing).
//
// Time base: the model (formats/perf/model.ts) stores a sample's time as ns since the first
// timed record that is not a PERF_RECORD_* side-band record; the same origin is taken here,
// from the same records, so marker times and samples.time agree to the nanosecond.

import type { PerfDump } from '../../formats/perf/model';
import { parsePerfScript, parseTracepointFields, type PerfTime } from '../../formats/perf/parse';
import type { ProcessEvents } from './events';
import { taskKind } from './lineage';
import { StringInterner } from '../../model/builder';

export const MarkerKind = {
  /** syscalls:sys_enter_execve / sys_enter_execveat: a thread asked for a new image. */
  Execve: 0,
  /** sched:sched_process_exec: the image was replaced. */
  Exec: 1,
  /** sched:sched_process_fork creating a process. */
  Fork: 2,
  /** sched:sched_process_fork creating a thread of the same process. */
  Clone: 3,
  /** sched:sched_process_exit of a thread (the process's when tid = pid). */
  Exit: 4,
  /** sched:sched_switch: the thread left the CPU. */
  Switch: 5,
} as const;
export type MarkerKind = (typeof MarkerKind)[keyof typeof MarkerKind];

export const MARKER_LABELS: readonly string[] = ['execve', 'exec', 'fork', 'thread clone', 'exit', 'sched_switch'];

/** sched_switch markers kept at most (a busy system records millions; the rest are counted). */
export const MAX_SWITCH_MARKERS = 200_000;

export interface PerfMarkers {
  length: number;
  kind: Uint8Array;
  /** ns since the dump's first timed sample record (the profiles' samples.time base). */
  timeNs: Float64Array;
  /** Process lane: exec → the pid after exec; fork/clone → the forking process; else the record's pid (its tid without `-F +pid`). */
  pid: Int32Array;
  /** Thread lane: the record's tid (exit: the exiting task). */
  tid: Int32Array;
  /** fork/clone: the child task; exec: old_pid (the tid that called execve); sched_switch: next_pid; else -1. */
  other: Int32Array;
  /** Index into `texts`: execve/exec → filename; fork/clone → child comm; exit → comm;
   * sched_switch → `prev_state=… ==> next_comm`. */
  text: Int32Array;
  /** Index into `texts`: the comm printed in the record header. */
  comm: Int32Array;
  texts: string[];
  /** Index into `texts`: the event as printed (e.g. `syscalls:sys_enter_execve`). */
  event: Int32Array;
  /** sched_switch records beyond MAX_SWITCH_MARKERS: counted here, not kept. */
  droppedSwitches: number;
}

export interface PerfScan {
  /** perf's printed time of ns 0, or null when no record had a time. */
  origin: PerfTime | null;
  markers: PerfMarkers;
  events: ProcessEvents;
}

function toNum(v: string | undefined): number {
  if (v === undefined) return NaN;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : NaN;
}

class MarkerBuilder {
  length = 0;
  kind = new Uint8Array(256);
  timeNs = new Float64Array(256);
  pid = new Int32Array(256);
  tid = new Int32Array(256);
  other = new Int32Array(256);
  text = new Int32Array(256);
  comm = new Int32Array(256);
  event = new Int32Array(256);
  private readonly texts = new StringInterner();

  private grow(): void {
    const n = this.kind.length * 2;
    const g = <T extends Uint8Array | Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.kind = g(this.kind, (k) => new Uint8Array(k));
    this.timeNs = g(this.timeNs, (k) => new Float64Array(k));
    this.pid = g(this.pid, (k) => new Int32Array(k));
    this.tid = g(this.tid, (k) => new Int32Array(k));
    this.other = g(this.other, (k) => new Int32Array(k));
    this.text = g(this.text, (k) => new Int32Array(k));
    this.comm = g(this.comm, (k) => new Int32Array(k));
    this.event = g(this.event, (k) => new Int32Array(k));
  }

  push(kind: MarkerKind, timeNs: number, pid: number, tid: number, other: number, text: string, comm: string, event: string): void {
    if (this.length === this.kind.length) this.grow();
    const i = this.length++;
    this.kind[i] = kind;
    this.timeNs[i] = timeNs;
    this.pid[i] = pid;
    this.tid[i] = tid;
    this.other[i] = Number.isFinite(other) ? other : -1;
    this.text[i] = this.texts.intern(text);
    this.comm[i] = this.texts.intern(comm);
    this.event[i] = this.texts.intern(event);
  }

  finish(droppedSwitches: number): PerfMarkers {
    const n = this.length;
    return {
      length: n,
      kind: this.kind.slice(0, n),
      timeNs: this.timeNs.slice(0, n),
      pid: this.pid.slice(0, n),
      tid: this.tid.slice(0, n),
      other: this.other.slice(0, n),
      text: this.text.slice(0, n),
      comm: this.comm.slice(0, n),
      event: this.event.slice(0, n),
      texts: this.texts.strings,
      droppedSwitches,
    };
  }
}

/** Markers and process events of `bytes`, the same `perf script` text `dump` was decoded from. */
export function scanPerfMarkers(bytes: Uint8Array, dump: PerfDump): PerfScan {
  const mb = new MarkerBuilder();
  const events: ProcessEvents = { exits: [], execveCalls: [] };
  let origin: PerfTime | null = null;
  let switches = 0;
  let dropped = 0;
  const processOf = (tid: number) => dump.threads.get(tid)?.pid ?? tid;

  parsePerfScript(bytes, (r) => {
    if (origin === null && r.time && !r.event.startsWith('PERF_RECORD_')) origin = r.time;
    if (r.payload === '') return;
    const base = r.event.slice(r.event.indexOf(':') + 1);
    if (base !== 'sys_enter_execve' && base !== 'sys_enter_execveat' && base !== 'sched_process_exec' && base !== 'sched_process_fork' && base !== 'sched_process_exit' && base !== 'sched_switch') return;
    const timeSec = r.time ? r.time.sec + r.time.nsec / 1e9 : NaN;
    const o = origin as PerfTime | null;
    const timeNs = r.time && o ? (r.time.sec - o.sec) * 1e9 + (r.time.nsec - o.nsec) : NaN;
    const pid = r.pid ?? processOf(r.tid);
    if (base === 'sched_switch') {
      switches++;
      if (switches > MAX_SWITCH_MARKERS) {
        dropped++;
        return;
      }
      const f = parseTracepointFields(r.payload);
      const next = f.next_comm !== undefined ? `${f.next_comm}${f.next_pid !== undefined ? ` (${f.next_pid})` : ''}` : '';
      const text = `${f.prev_state !== undefined ? `prev_state=${f.prev_state} ` : ''}==> ${next}`;
      mb.push(MarkerKind.Switch, timeNs, pid, r.tid, toNum(f.next_pid), text, r.comm, r.event);
      return;
    }
    const f = parseTracepointFields(r.payload);
    if (base === 'sys_enter_execve' || base === 'sys_enter_execveat') {
      events.execveCalls.push({ pid: r.pid, tid: r.tid, comm: r.comm, timeSec, filename: f.filename ?? '' });
      mb.push(MarkerKind.Execve, timeNs, pid, r.tid, -1, f.filename ?? '', r.comm, r.event);
    } else if (base === 'sched_process_exec') {
      const newPid = toNum(f.pid);
      mb.push(MarkerKind.Exec, timeNs, Number.isNaN(newPid) ? pid : newPid, r.tid, toNum(f.old_pid), f.filename ?? '', r.comm, r.event);
    } else if (base === 'sched_process_fork') {
      const child = toNum(f.child_pid);
      const parentTid = toNum(f.pid);
      const kind = !Number.isNaN(child) && taskKind(dump, child) === 'thread' ? MarkerKind.Clone : MarkerKind.Fork;
      const parent = r.pid ?? (Number.isNaN(parentTid) ? pid : processOf(parentTid));
      mb.push(kind, timeNs, parent, Number.isNaN(parentTid) ? r.tid : parentTid, child, f.child_comm ?? '', r.comm, r.event);
    } else {
      const tid = toNum(f.pid);
      const exiting = Number.isNaN(tid) ? r.tid : tid;
      events.exits.push({ tid: exiting, pid: r.pid, comm: r.comm, timeSec });
      mb.push(MarkerKind.Exit, timeNs, r.pid ?? processOf(exiting), exiting, -1, f.comm ?? r.comm, r.comm, r.event);
    }
  });
  return { origin, markers: mb.finish(dropped), events };
}

export function markerTransferables(m: PerfMarkers): ArrayBuffer[] {
  return [m.kind, m.timeNs, m.pid, m.tid, m.other, m.text, m.comm, m.event].map((a) => a.buffer as ArrayBuffer);
}
