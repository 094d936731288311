// Real perf recordings of the hot-upgrade scenarios (tools/gen/hotupgrade: main.go staged
// by record.sh under perf 6.1) decoded by src/formats/perf/model.ts and analysed by
// src/analysis/perf/{upgrade,lineage,events}.ts:
//   * every dump parses with zero unparsed lines;
//   * the exec events, PIDs, filenames and lineage match what the program itself printed
//     (the PIDs in the .json sidecar), for fork+exec (new PID) and in-place exec (same PID);
//   * events stay separate: cpu-clock totals and tracepoint counts equal what a plain line
//     count of the text finds.
// The last block re-records with perf when it can (root + perf + go) and checks the same
// invariants on the fresh dumps; otherwise it is skipped with a warning.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanProcessEvents } from '../../src/analysis/perf/events';
import { buildLineage, lineageLines } from '../../src/analysis/perf/lineage';
import { analyzeUpgrades, type UpgradeReport } from '../../src/analysis/perf/upgrade';
import { decodePerfScript, type PerfDump } from '../../src/formats/perf/model';
import { parsePerfScript, type PerfRecord } from '../../src/formats/perf/parse';

const root = resolve(__dirname, '../..');
const committed = join(root, 'testdata/perf');

interface Sidecar {
  file: string;
  perfVersion: string;
  kernel: string;
  record: string;
  binary: string;
  processes: { mode: string; gen: number; pid: number; ppid: number }[];
  /** in-place only: the pid and the tid of the thread that called syscall.Exec. */
  execCalls: { pid: number; tid: number }[];
}

interface Loaded {
  name: string;
  bytes: Uint8Array;
  text: string;
  side: Sidecar;
  dump: PerfDump;
  report: UpgradeReport;
  records: PerfRecord[];
}

function load(dir: string, name: string): Loaded {
  const bytes = new Uint8Array(readFileSync(join(dir, `${name}.perf.txt`)));
  const side = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Sidecar;
  const dump = decodePerfScript(bytes);
  const report = analyzeUpgrades(dump, scanProcessEvents(bytes));
  const records: PerfRecord[] = [];
  parsePerfScript(bytes, (r) => records.push(r));
  return { name, bytes, text: new TextDecoder().decode(bytes), side, dump, report, records };
}

function gen(l: Loaded, g: number) {
  const p = l.side.processes.find((x) => x.gen === g);
  if (!p) throw new Error(`${l.name}: sidecar has no generation ${g}`);
  return p;
}

/** Record header lines counted straight from the text, independent of parse.ts. */
function countLines(text: string): { perEvent: Map<string, number>; cpuClockPeriods: number; cpuClockLines: number } {
  const perEvent = new Map<string, number>();
  let cpuClockPeriods = 0;
  let cpuClockLines = 0;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('\t') || line.startsWith(' ') && !/\d+\.\d+: /.test(line)) continue;
    const cc = /\s(\d+)\s+cpu-clock:\s*$/.exec(line);
    if (cc) {
      cpuClockLines++;
      cpuClockPeriods += Number(cc[1]);
      perEvent.set('cpu-clock', (perEvent.get('cpu-clock') ?? 0) + 1);
      continue;
    }
    const tp = /\d+\.\d+:\s+([a-z_]+:[a-z_]+): /.exec(line);
    if (tp) perEvent.set(tp[1], (perEvent.get(tp[1]) ?? 0) + 1);
  }
  return { perEvent, cpuClockPeriods, cpuClockLines };
}

function funcNames(dump: PerfDump, event: string): Set<string> {
  const p = dump.profiles.find((x) => x.event === event)?.profile;
  const out = new Set<string>();
  if (!p) return out;
  for (let i = 0; i < p.funcs.length; i++) out.add(p.strings[p.funcs.name[i]]);
  return out;
}

function checkParsesCleanly(l: Loaded) {
  expect(l.dump.unparsedLines, JSON.stringify(l.dump.unparsedExamples)).toBe(0);
  const counted = countLines(l.text);
  expect(new Map([...l.dump.recordCounts].sort()), l.name).toEqual(new Map([...counted.perEvent].sort()));
  // cpu-clock is one period-weighted profile, tracepoints are separate count profiles.
  const cpu = l.dump.profiles.find((p) => p.event === 'cpu-clock');
  expect(cpu?.weighting).toBe('period');
  const v = cpu!.profile.samples.values;
  let total = 0;
  for (let i = 0; i < cpu!.profile.samples.length; i++) total += Number(v[1][i]);
  expect(cpu!.profile.samples.length).toBe(counted.cpuClockLines);
  expect(total).toBe(counted.cpuClockPeriods);
  for (const [ev, n] of counted.perEvent) {
    if (ev === 'cpu-clock') continue;
    expect(l.dump.tracepoints.get(ev), ev).toBe(n);
    const p = l.dump.profiles.find((x) => x.event === ev);
    expect(p?.weighting, ev).toBe('count');
    expect(p?.profile.samples.length, ev).toBe(n);
  }
}

/** The sys_enter_execve record that starts the upgrade exec (comm = the program). */
function upgradeExecve(l: Loaded, pid: number): PerfRecord {
  const r = l.records.filter((x) => x.event === 'syscalls:sys_enter_execve' && x.pid === pid && x.comm === 'hotupgrade');
  expect(r.length, `${l.name}: sys_enter_execve in ${pid}`).toBe(1);
  return r[0];
}

function checkForkExec(l: Loaded) {
  const g1 = gen(l, 1);
  const g2 = gen(l, 2);
  expect(g1.mode).toBe('forkexec');
  expect(g2.ppid).toBe(g1.pid);
  expect(g2.pid).not.toBe(g1.pid);
  const self = l.report.replacements.filter((r) => r.selfReplacement);
  expect(self.length).toBe(1);
  const r = self[0];
  expect(r.kind).toBe('fork+exec');
  expect(r.pid).toBe(g2.pid);
  expect(r.parentPid).toBe(g1.pid);
  expect(r.oldPid).toBe(g2.pid); // the fresh child has one thread: it calls execve itself
  expect(r.filename).toBe(l.side.binary);
  expect(r.filenamePointer).toMatch(/^0x[0-9a-f]+$/);
  expect(r.commBefore).toBe('hotupgrade');
  expect(r.commAfter).toBe('hotupgrade');
  expect(r.forkTimeSec!).toBeLessThanOrEqual(r.enterTimeSec);
  expect(r.enterTimeSec).toBeLessThanOrEqual(r.timeSec);
  expect(r.execLatencySec).toBeCloseTo(r.timeSec - r.enterTimeSec, 9);
  expect(r.execLatencySec).toBeGreaterThanOrEqual(0);
  // The old generation handed off and exited after the exec, before the new one.
  const n1 = l.report.lineage.nodes.get(g1.pid)!;
  const n2 = l.report.lineage.nodes.get(g2.pid)!;
  expect(r.parentExitSec!).toBeGreaterThan(r.timeSec);
  expect(l.side.execCalls).toEqual([]);
  expect(n1.exitTimeSec!).toBeLessThan(n2.exitTimeSec!);
  // The execve stack: os/exec in the old generation's code (the vfork child shares its memory).
  const ex = upgradeExecve(l, g2.pid);
  const syms = ex.frames.map((f) => f.symbol);
  expect(syms).toContain('os/exec.(*Cmd).Start');
  expect(syms).toContain('main.forkExecGen1');
  // Seed reading for the name: one self-replacing exec = a normal upgrade.
  const hu = l.report.byName.find((n) => n.comm === 'hotupgrade')!;
  expect(hu.verdict).toBe('upgrade');
  expect(hu.execveByName).toBe(1);
  expect(hu.launches.length).toBe(1); // sh → hotupgrade: the recording's workload start
  expect(hu.pids).toContain(g1.pid);
  expect(hu.pids).toContain(g2.pid);
  // Lineage: sh (the workload) → gen 1 (sh → hotupgrade by exec) → gen 2 (fork+exec).
  expect(n2.parentPid).toBe(g1.pid);
  expect(n2.comms.map((c) => `${c.via}:${c.comm}`)).toEqual(['fork:hotupgrade', 'exec:hotupgrade']);
  expect(n1.parentPid).toBe(g1.ppid);
  expect(n1.comms.map((c) => `${c.via}:${c.comm}`)).toEqual(['fork:sh', 'exec:hotupgrade']);
  expect(n1.execs.map((e) => e.filename)).toEqual(['./hotupgrade']);
  expect(l.report.lineage.nodes.get(g1.ppid)!.children).toContain(g1.pid);
  expect(n1.children).toContain(g2.pid);
  // Every other child of gen 1 is a short-lived process without exec (Go's pidfd probe
  // fork in os.StartProcess), and the runtime's thread clones are not children.
  for (const c of n1.children) {
    if (c !== g2.pid) expect(l.report.lineage.nodes.get(c)!.execs).toEqual([]);
  }
  expect(l.report.lineage.threadClones).toBeGreaterThan(0);
  expect(n1.threads.length).toBeGreaterThan(1);
  expect(lineageLines(l.report.lineage).some((s) => s.includes(`${g2.pid} hotupgrade → hotupgrade [fork from ${g1.pid}`))).toBe(true);
  // cpu-clock samples of both generations' named phases.
  const names = funcNames(l.dump, 'cpu-clock');
  for (const f of ['main.forkExecGen1', 'main.forkExecGen2', 'main.handleRequest', 'main.checksum', 'main.warmCaches']) {
    expect(names.has(f), f).toBe(true);
  }
}

function checkInPlace(l: Loaded, from: 'leader' | 'worker') {
  const g1 = gen(l, 1);
  const g2 = gen(l, 2);
  expect(g1.mode).toBe('inplace');
  expect(g2.pid).toBe(g1.pid); // same PID continues as the new image
  const self = l.report.replacements.filter((r) => r.selfReplacement);
  expect(self.length).toBe(1);
  const r = self[0];
  expect(r.kind).toBe('in-place');
  expect(r.pid).toBe(g1.pid);
  expect(r.parentPid).toBeUndefined();
  expect(r.filename).toBe(l.side.binary);
  // old_pid is the tid that called execve (the program printed it; the sys_enter_execve
  // record header shows it too). From a non-leader thread — where a Go goroutine usually
  // runs — old_pid ≠ pid although the process is the same (the kernel's de_thread moves
  // the caller into the leader's PID).
  expect(l.side.execCalls).toEqual([{ pid: g1.pid, tid: r.oldPid }]);
  expect(r.execLatencySec).toBeGreaterThanOrEqual(0);
  expect(r.execLatencySec).toBeLessThan(5);
  if (from === 'leader') expect(r.oldPid).toBe(r.pid);
  else expect(r.oldPid).not.toBe(r.pid);
  const ex = upgradeExecve(l, g1.pid);
  expect(ex.tid).toBe(r.oldPid);
  const node = l.report.lineage.nodes.get(g1.pid)!;
  expect(r.oldPid === r.pid || node.threads.includes(r.oldPid)).toBe(true);
  const syms = ex.frames.map((f) => f.symbol);
  expect(syms).toContain('syscall.Exec');
  // From the leader: main.inplaceGen1 itself; from a worker: its goroutine's closures
  // (a goroutine stack ends at runtime.goexit, not at main.main).
  if (from === 'leader') expect(syms).toEqual(expect.arrayContaining(['main.inplaceGen1', 'main.main']));
  else expect(syms.some((s) => s.startsWith('main.inplaceGen1.func'))).toBe(true);
  const calls = scanProcessEvents(l.bytes).execveCalls.filter((c) => c.pid === g1.pid && c.comm === 'hotupgrade');
  expect(calls.map((c) => c.tid)).toEqual([r.oldPid]);
  // The lineage: one PID, three images (perf's workload sh, `exec ./hotupgrade`, syscall.Exec).
  expect(node.comms.map((c) => `${c.via}:${c.comm}`)).toEqual(['exec:sh', 'exec:hotupgrade', 'exec:hotupgrade']);
  expect(node.execs.map((e) => e.filename)).toEqual([expect.stringMatching(/\/sh$/), './hotupgrade', l.side.binary]);
  expect(node.execs[2].commBefore).toBe('hotupgrade');
  expect(node.parentPid).toBeUndefined();
  expect(l.report.replacements.map((x) => x.kind)).toEqual(['unobserved-fork', 'in-place', 'in-place']);
  const hu = l.report.byName.find((n) => n.comm === 'hotupgrade')!;
  expect(hu.verdict).toBe('upgrade');
  expect(hu.pids).toEqual([g1.pid]);
  expect(hu.execveByName).toBe(1);
  const names = funcNames(l.dump, 'cpu-clock');
  for (const f of ['main.inplaceGen1', 'main.inplaceGen2', 'main.oldImageWork', 'main.newImageWork', 'main.checksum']) {
    expect(names.has(f), f).toBe(true);
  }
  // Samples before the exec come from the old image, after it from the new one.
  const cpuRecs = l.records.filter((x) => x.event === 'cpu-clock' && x.pid === g1.pid && x.time);
  const t = (x: PerfRecord) => x.time!.sec + x.time!.nsec / 1e9;
  const has = (x: PerfRecord, f: string) => x.frames.some((fr) => fr.symbol === f);
  expect(cpuRecs.filter((x) => has(x, 'main.oldImageWork')).every((x) => t(x) < r.enterTimeSec)).toBe(true);
  expect(cpuRecs.filter((x) => has(x, 'main.newImageWork')).every((x) => t(x) > r.timeSec)).toBe(true);
}

function checkMultiEvent(l: Loaded) {
  checkForkExec(l);
  expect(l.dump.tracepoints.get('sched:sched_switch')!).toBeGreaterThan(0);
  expect(l.dump.header?.cmdline).toContain('sched:sched_switch');
  expect(l.side.perfVersion).toContain(l.dump.header!.perfVersion!);
  const cpu = l.dump.profiles.find((p) => p.event === 'cpu-clock')!.profile;
  expect(cpu.sampleTypes.map((s) => `${s.type}/${s.unit}`)).toEqual(['samples/count', 'period/nanoseconds']);
  expect(l.dump.profiles.map((p) => p.event).sort()).toEqual(
    [
      'cpu-clock',
      'sched:sched_process_exec',
      'sched:sched_process_exit',
      'sched:sched_process_fork',
      'sched:sched_switch',
      'syscalls:sys_enter_execve',
    ].sort(),
  );
}

function checkAll(dir: string) {
  const fe = load(dir, 'forkexec');
  const ip = load(dir, 'inplace');
  const il = load(dir, 'inplace-leader');
  const me = load(dir, 'multi-event');
  for (const l of [fe, ip, il, me]) checkParsesCleanly(l);
  checkForkExec(fe);
  checkInPlace(ip, 'worker');
  checkInPlace(il, 'leader');
  checkMultiEvent(me);
  // --header variants carry the recording command; the plain one has none.
  expect(fe.dump.header?.cmdline).toContain('syscalls:sys_enter_execve');
  expect(ip.dump.header).toBeNull();
}

describe('committed hot-upgrade perf recordings (testdata/perf)', () => {
  for (const name of ['forkexec', 'inplace', 'inplace-leader', 'multi-event']) {
    it(`${name}.perf.txt parses with zero unparsed lines and per-event totals match a line count`, () => {
      checkParsesCleanly(load(committed, name));
    });
  }
  it('fork+exec: a new PID forked by generation 1 execs the same binary; gen 1 exits first', () => {
    checkForkExec(load(committed, 'forkexec'));
  });
  it('in-place from a worker thread: the same PID continues as the new image; old_pid is the calling thread', () => {
    checkInPlace(load(committed, 'inplace'), 'worker');
  });
  it('in-place from the leader thread: pid == old_pid', () => {
    checkInPlace(load(committed, 'inplace-leader'), 'leader');
  });
  it('multi-event: cpu-clock and five tracepoints are separate profiles', () => {
    checkMultiEvent(load(committed, 'multi-event'));
  });
  it('the per-name reading: no self-replacing exec means no upgrade; several mean a loop', () => {
    const l = load(committed, 'forkexec');
    const cat = l.report.byName.find((n) => n.comm === 'cat')!;
    expect(cat.verdict).toBe('no-exec');
    expect(cat.launches.length).toBe(1);
    // Drop the upgrade exec from the dump: the reading must flip to no-exec.
    const g2 = gen(l, 2).pid;
    const cut: PerfDump = { ...l.dump, execs: l.dump.execs.filter((e) => e.pid !== g2) };
    expect(analyzeUpgrades(cut).byName.find((n) => n.comm === 'hotupgrade')!.verdict).toBe('no-exec');
    // Duplicate it at a later time: two self-replacements = restart loop.
    const extra = l.dump.execs.filter((e) => e.pid === g2).map((e) => ({ ...e, timeSec: e.timeSec + 1 }));
    const twice: PerfDump = { ...l.dump, execs: [...l.dump.execs, ...extra] };
    expect(analyzeUpgrades(twice).byName.find((n) => n.comm === 'hotupgrade')!.verdict).toBe('restart-loop');
  });
  it('only sys_enter_execve recorded (the seed article\'s command): execs are unconfirmed', () => {
    const l = load(committed, 'inplace');
    const only: PerfDump = {
      ...l.dump,
      execs: l.dump.execs.filter((e) => e.event === 'syscalls:sys_enter_execve'),
      forks: [],
      tracepoints: new Map([['syscalls:sys_enter_execve', 2]]),
    };
    const rep = analyzeUpgrades(only);
    expect(rep.replacements.every((r) => !r.confirmed && r.filename === '')).toBe(true);
    expect(rep.notes.some((n) => n.includes('sched_process_exec'))).toBe(true);
    expect(rep.byName.find((n) => n.comm === 'hotupgrade')!.verdict).toBe('upgrade');
    expect(buildLineage(only).nodes.get(gen(l, 1).pid)!.execs.length).toBe(2);
  });
});

function canRecord(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not running as root';
  try {
    execFileSync('perf', ['--version'], { stdio: 'pipe' });
  } catch {
    return 'perf is not installed';
  }
  const go = ['/usr/local/go/bin/go', 'go'].find((g) => {
    try {
      execFileSync(g, ['version'], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  });
  if (!go) return 'go is not installed';
  if (!existsSync('/sys/kernel/tracing/events/syscalls') && !existsSync('/sys/kernel/debug/tracing/events/syscalls')) {
    return 'syscall tracepoints are not available (tracefs)';
  }
  return null;
}

const why = canRecord();
if (why) console.warn(`perfrec-hotupgrade: SKIPPING the live re-recording test: ${why}`);

describe.skipIf(why !== null)('fresh recording with perf (root only)', () => {
  it('record.sh output satisfies the same invariants', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stacklens-perfrec-'));
    try {
      execFileSync('bash', [join(root, 'tools/gen/hotupgrade/record.sh'), dir], {
        stdio: 'pipe',
        env: { ...process.env, PATH: `/usr/local/go/bin:${process.env.PATH ?? ''}` },
      });
      checkAll(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
