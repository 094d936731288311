// Legacy (Go 1.11–1.21) traces against Go itself.
//
// Oracle 1: `go tool trace -d=parsed` of this machine's Go (1.26 still converts v1 traces).
// Go's own output is not deterministic for legacy traces: its merge iterates a map of Ps
// (events of different Ps with the same tick come out in either order) and the
// start-of-trace GoStatus events come from a map of goroutines. So against the real tool we
// compare the sequence of event times exactly and the events themselves (every line of
// Event.String() except Time=, stacks included) as a multiset.
//
// Oracle 2: Go's internal/trace from GOROOT built at test time (like trace-goroutines.test.ts)
// with those two map iterations made deterministic (ascending P id, ascending goroutine id;
// the same choice our parser makes) and nothing else changed. Against it we compare
// everything exactly: the full `-d=parsed` text line for line, every goroutine summary field
// (exact ns), regions and tasks, the mutator utilization and MMU, and — for malformed
// inputs (truncations, bit flips, hand-made broken traces) — Go's error message.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { summarizeGoroutines, type GoroutineSummary, type UserTaskSummary } from '../../src/analysis/trace/goroutines.ts';
import { mmu, mutatorUtilization } from '../../src/analysis/trace/mmu.ts';
import { apiEventConverter, type TraceEvent } from '../../src/analysis/trace/states.ts';
import { traceGenerations, traceGoroutines, type TraceGoroutineJson } from '../../src/cli/trace.ts';
import { DecodeError } from '../../src/formats/errors.ts';
import { eventArg, stackFrames, type Generation } from '../../src/formats/gotrace/model.ts';
import { orderGenerations, type OrderedEvent } from '../../src/formats/gotrace/order.ts';
import { readGoTrace } from '../../src/formats/gotrace/reader.ts';
import { Ev, SPECS } from '../../src/formats/gotrace/spec.ts';
import { U64_MAX, type U64 } from '../../src/formats/gotrace/u64.ts';
import { corpusPath, hasCorpus } from '../helpers/corpus.ts';
import { describeGo, goBinary, goEnv, runGo } from '../helpers/go.ts';
import { uv } from '../helpers/tracebytes.ts';

/** Legacy traces Go 1.26 reads (versions 11, 19, 21), deduplicated. */
const LEGACY_TRACES = [
  'src/internal/trace/internal/tracev1/testdata/fmt_1_21_pprof_good',
  'src/internal/trace/internal/tracev1/testdata/http_1_19_good',
  'src/internal/trace/internal/tracev1/testdata/http_1_21_good',
  'src/internal/trace/internal/tracev1/testdata/stress_1_11_good',
  'src/internal/trace/internal/tracev1/testdata/stress_1_19_good',
  'src/internal/trace/internal/tracev1/testdata/stress_1_21_good',
  'src/internal/trace/internal/tracev1/testdata/stress_start_stop_1_11_good',
  'src/internal/trace/internal/tracev1/testdata/stress_start_stop_1_19_good',
  'src/internal/trace/internal/tracev1/testdata/stress_start_stop_1_21_good',
  'src/internal/trace/internal/tracev1/testdata/user_task_region_1_11_good',
  'src/internal/trace/internal/tracev1/testdata/user_task_region_1_19_good',
  'src/internal/trace/internal/tracev1/testdata/user_task_region_1_21_good',
  'src/internal/trace/testdata/http_1_11_good',
  'third_party/dominikh-gotraceui/trace/testdata/stress_1_20_good',
  'third_party/dominikh-gotraceui/trace/testdata/stress_start_stop_1_20_good',
];

const ORACLE_MAIN = `package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"orc/trace"
)

func fail(err error) {
	fmt.Fprintf(os.Stderr, "ERR: %s\\n", err)
	os.Exit(3)
}

// Like go tool trace -d=parsed.
func parsed(r *trace.Reader) {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			return
		}
		if err != nil {
			w.Flush()
			fail(err)
		}
		fmt.Fprintln(w, ev.String())
	}
}

type Stats struct {
	Exec     int64            \`json:"exec"\`
	Sched    int64            \`json:"sched"\`
	Block    map[string]int64 \`json:"block"\`
	Sys      int64            \`json:"sys"\`
	SysBlock int64            \`json:"sysBlock"\`
	Total    int64            \`json:"total"\`
	Range    map[string]int64 \`json:"range"\`
}

func stats(s trace.GoroutineExecStats) Stats {
	b := map[string]int64{}
	for k, v := range s.BlockTimeByReason {
		b[k] = int64(v)
	}
	rr := map[string]int64{}
	for k, v := range s.RangeTime {
		rr[k] = int64(v)
	}
	return Stats{int64(s.ExecTime), int64(s.SchedWaitTime), b, int64(s.SyscallTime), int64(s.SyscallBlockTime), int64(s.TotalTime), rr}
}

func evTime(e *trace.Event) int64 {
	if e == nil {
		return 0
	}
	return int64(e.Time())
}

type R struct {
	Name  string \`json:"name"\`
	Task  uint64 \`json:"task"\`
	Start int64  \`json:"start"\`
	End   int64  \`json:"end"\`
	Stats
}

type G struct {
	ID       int64  \`json:"id"\`
	Name     string \`json:"name"\`
	Creation int64  \`json:"creation"\`
	Start    int64  \`json:"start"\`
	End      int64  \`json:"end"\`
	Stats
	Regions []R \`json:"regions"\`
}

type T struct {
	ID         uint64  \`json:"id"\`
	Name       string  \`json:"name"\`
	Parent     int64   \`json:"parent"\`
	Children   []int64 \`json:"children"\`
	Start      int64   \`json:"start"\`
	End        int64   \`json:"end"\`
	Logs       int     \`json:"logs"\`
	Regions    int     \`json:"regions"\`
	Goroutines []int64 \`json:"goroutines"\`
}

func summary(r *trace.Reader) {
	s := trace.NewSummarizer()
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(err)
		}
		s.Event(&ev)
	}
	sum := s.Finalize()
	out := struct {
		Goroutines []G \`json:"goroutines"\`
		Tasks      []T \`json:"tasks"\`
	}{[]G{}, []T{}}
	for _, g := range sum.Goroutines {
		rs := []R{}
		for _, r := range g.Regions {
			rs = append(rs, R{r.Name, uint64(r.TaskID), evTime(r.Start), evTime(r.End), stats(r.GoroutineExecStats)})
		}
		out.Goroutines = append(out.Goroutines, G{int64(g.ID), g.Name, int64(g.CreationTime), int64(g.StartTime), int64(g.EndTime), stats(g.GoroutineExecStats), rs})
	}
	for _, t := range sum.Tasks {
		x := T{ID: uint64(t.ID), Name: t.Name, Parent: -1, Children: []int64{}, Start: evTime(t.Start), End: evTime(t.End), Logs: len(t.Logs), Regions: len(t.Regions), Goroutines: []int64{}}
		if t.Parent != nil {
			x.Parent = int64(t.Parent.ID)
		}
		for _, c := range t.Children {
			x.Children = append(x.Children, int64(c.ID))
		}
		for id := range t.Goroutines {
			x.Goroutines = append(x.Goroutines, int64(id))
		}
		slices.Sort(x.Goroutines)
		out.Tasks = append(out.Tasks, x)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}

func mmu(r *trace.Reader) {
	var evs []trace.Event
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(err)
		}
		evs = append(evs, ev)
	}
	type res struct {
		Flags  int         \`json:"flags"\`
		Series [][]float64 \`json:"series"\`
		MMU    []float64   \`json:"mmu"\`
	}
	var out []res
	for _, fl := range []trace.UtilFlags{7, 15, 23, 31, 1, 2, 4, 8} {
		utils := trace.MutatorUtilizationV2(evs, fl)
		x := res{Flags: int(fl), Series: [][]float64{}}
		for _, s := range utils {
			flat := []float64{}
			for _, u := range s {
				flat = append(flat, float64(u.Time), u.Util)
			}
			x.Series = append(x.Series, flat)
		}
		if len(utils) > 0 {
			c := trace.NewMMUCurve(utils)
			for _, w := range []int64{1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9} {
				x.MMU = append(x.MMU, c.MMU(time.Duration(w)))
			}
		}
		out = append(out, x)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}

func main() {
	r, err := trace.NewReader(os.Stdin)
	if err != nil {
		fail(err)
	}
	switch os.Args[1] {
	case "parsed":
		parsed(r)
	case "summary":
		summary(r)
	case "mmu":
		mmu(r)
	}
}
`;

/**
 * The two places where Go iterates a map while reading a legacy trace, made deterministic
 * (each replacement must match exactly once, so a change in Go's sources fails loudly).
 */
const ORACLE_PATCHES: { file: string; from: string; to: string }[] = [
  { file: 'internal/tracev1/parser.go', from: '\t"math"\n', to: '\t"maps"\n\t"math"\n' },
  { file: 'internal/tracev1/parser.go', from: 'for pid := range p.batchOffsets {', to: 'for _, pid := range slices.Sorted(maps.Keys(p.batchOffsets)) {' },
  { file: 'tracev1.go', from: '\t"io"\n)', to: '\t"io"\n\t"maps"\n\t"slices"\n)' },
  { file: 'tracev1.go', from: 'for gid := range it.createdPreInit {', to: 'for _, gid := range slices.Sorted(maps.Keys(it.createdPreInit)) {' },
];

// --- our side: Event.String() of Go's internal/trace, from the ordered stream ------------

/** Go's strconv.Quote for the strings traces carry. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go prints GoID/ProcID/ThreadID as int64: 2^64-1 (none) is -1. */
const i64 = (v: U64 | null): string => (v === null || v === U64_MAX ? '-1' : v.toString());

const KIND: Record<number, string> = {};
for (const t of [Ev.ProcStart, Ev.ProcStop, Ev.ProcSteal, Ev.ProcStatus, Ev.GoCreate, Ev.GoCreateBlocked, Ev.GoCreateSyscall, Ev.GoStart, Ev.GoDestroy, Ev.GoDestroySyscall, Ev.GoStop, Ev.GoBlock, Ev.GoUnblock, Ev.GoSwitch, Ev.GoSwitchDestroy, Ev.GoSyscallBegin, Ev.GoSyscallEnd, Ev.GoSyscallEndBlocked, Ev.GoStatus, Ev.GoStatusStack])
  KIND[t] = 'StateTransition';
for (const t of [Ev.STWBegin, Ev.GCBegin, Ev.GCSweepBegin, Ev.GCMarkAssistBegin]) KIND[t] = 'RangeBegin';
for (const t of [Ev.GCActive, Ev.GCSweepActive, Ev.GCMarkAssistActive]) KIND[t] = 'RangeActive';
for (const t of [Ev.STWEnd, Ev.GCEnd, Ev.GCSweepEnd, Ev.GCMarkAssistEnd]) KIND[t] = 'RangeEnd';
for (const t of [Ev.ProcsChange, Ev.HeapAlloc, Ev.HeapGoal]) KIND[t] = 'Metric';
Object.assign(KIND, {
  [Ev.Sync]: 'Sync',
  [Ev.CPUSample]: 'StackSample',
  [Ev.GoLabel]: 'Label',
  [Ev.UserTaskBegin]: 'TaskBegin',
  [Ev.UserTaskEnd]: 'TaskEnd',
  [Ev.UserRegionBegin]: 'RegionBegin',
  [Ev.UserRegionEnd]: 'RegionEnd',
  [Ev.UserLog]: 'Log',
});

function printStack(gen: Generation, id: U64): string {
  let s = '';
  for (const f of stackFrames(gen, id) ?? []) s += `\t${f.func} @ 0x${f.pc.toString(16)}\n\t\t${f.file}:${f.line}\n`;
  return s;
}

/** Go's Event.Stack(): the event's own stack id, or null. */
function ownStack(o: OrderedEvent): U64 | null {
  const g = o.gen;
  if (g === null) return null;
  let id: U64 = 0;
  if (o.type === Ev.CPUSample) id = g.cpuSamples.stack[o.sample!];
  else {
    const spec = SPECS[o.type];
    if (o.ev < 0 || spec === undefined || spec.stackArgs.length === 0) return null;
    id = eventArg(g, o.ev, spec.stackArgs[0] - 1);
  }
  return id === 0 ? null : id;
}

/** The text `go tool trace -d=parsed` prints for the ordered events (Event.String() each). */
export function parsedText(gens: Generation[]): { lines: string[]; error: Error | null } {
  const parts: string[] = [];
  let api: TraceEvent | null = null;
  const conv = apiEventConverter((e) => (api = e));
  let error: Error | null = null;
  try {
    orderGenerations(gens, (o) => {
      api = null;
      conv(o);
      const e = api as TraceEvent | null;
      const g = o.gen;
      let s = `M=${i64(o.ctx.m)} P=${i64(o.ctx.p)} G=${i64(o.ctx.g)} ${KIND[o.type] ?? '?'} Time=${o.timeNs}`;
      if (e !== null) {
        switch (e.kind) {
          case 'sync':
            s += ` N=${e.n}`;
            break;
          case 'metric':
            s += ` Name=${goQuote(e.name)} Value=Value{Uint64(${e.value})}`;
            break;
          case 'label':
            s += ` Label=${goQuote(e.label)} Resource=Goroutine(${i64(o.ctx.g)})`;
            break;
          case 'rangeBegin':
          case 'rangeActive':
          case 'rangeEnd': {
            const scope = e.scope.kind === 'none' ? 'None' : `${e.scope.kind === 'goroutine' ? 'Goroutine' : 'Proc'}(${i64(e.scope.id)})`;
            s += ` Name=${goQuote(e.name)} Scope=${scope}`;
            if (e.kind === 'rangeEnd') {
              s += ' Attributes=[';
              if (o.type === Ev.GCSweepEnd && g !== null && o.ev >= 0) {
                s += `"bytes swept"=Value{Uint64(${eventArg(g, o.ev, 0)})} "bytes reclaimed"=Value{Uint64(${eventArg(g, o.ev, 1)})}`;
              }
              s += ']';
            }
            break;
          }
          case 'taskBegin':
          case 'taskEnd':
            s += ` ID=${e.id} Parent=${e.parent} Type=${goQuote(e.name)}`;
            break;
          case 'regionBegin':
          case 'regionEnd':
            s += ` Task=${e.task} Type=${goQuote(e.name)}`;
            break;
          case 'log':
            s += ` Task=${e.task} Category=${goQuote(e.category)} Message=${goQuote(e.message)}`;
            break;
          case 'go':
          case 'proc': {
            s += e.kind === 'go' ? ` GoID=${i64(e.id)} ${e.from}->${e.to}` : ` ProcID=${i64(e.id)} ${e.from}->${e.to}`;
            s += ` Reason=${goQuote(e.kind === 'go' ? e.reason : '')}`;
            // GoCreate's transition stack is always set (even to stack 0); the others use
            // the event's own stack.
            if ((o.type === Ev.GoCreate || o.type === Ev.GoCreateBlocked) && g !== null) {
              s += `\nTransitionStack=\n${printStack(g, eventArg(g, o.ev, 1))}`;
            } else if (e.kind === 'go' && e.stack !== null) {
              s += `\nTransitionStack=\n${printStack(e.stack.gen, e.stack.id)}`;
            }
            break;
          }
          default:
            break;
        }
      }
      const stk = ownStack(o);
      if (stk !== null && g !== null) s += `\nStack=\n${printStack(g, stk)}`;
      parts.push(s);
    });
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    error = err;
  }
  return { lines: parts.join('\n').split('\n'), error };
}

/** Splits `-d=parsed` output into per-event records. */
function records(lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (l.startsWith('M=')) out.push(l);
    else if (out.length > 0) out[out.length - 1] += `\n${l}`;
  }
  return out.map((r) => r.replace(/\n+$/, ''));
}

function firstDiff(a: string[], b: string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

interface OracleStats {
  exec: number;
  sched: number;
  block: Record<string, number>;
  sys: number;
  sysBlock: number;
  total: number;
  range: Record<string, number>;
}
interface OracleRegion extends OracleStats {
  name: string;
  task: number;
  start: number;
  end: number;
}
interface OracleG extends OracleStats {
  id: number;
  name: string;
  creation: number;
  start: number;
  end: number;
  regions: OracleRegion[];
}
interface OracleTask {
  id: number;
  name: string;
  parent: number;
  children: number[];
  start: number;
  end: number;
  logs: number;
  regions: number;
  goroutines: number[];
}

const norm = <T extends OracleStats>(x: T): T => ({ ...x, block: sortKeys(x.block), range: sortKeys(x.range) });

function fromOurs(g: TraceGoroutineJson): Omit<OracleG, 'regions'> {
  return norm({
    id: Number(g.id),
    name: g.startFunction,
    creation: g.creationNs,
    start: g.startNs,
    end: g.endNs,
    exec: g.execNs,
    sched: g.schedWaitNs,
    block: g.blockNs,
    sys: g.syscallNs,
    sysBlock: g.syscallBlockNs,
    total: g.totalNs,
    range: g.rangeNs,
  });
}

function regionsOf(g: GoroutineSummary): OracleRegion[] {
  return g.regions.map((r) =>
    norm({ name: r.name, task: Number(r.task), start: r.startNs, end: r.endNs, exec: r.execNs, sched: r.schedWaitNs, block: r.blockNs, sys: r.syscallNs, sysBlock: r.syscallBlockNs, total: r.totalNs, range: r.rangeNs }),
  );
}

function tasksOf(ts: UserTaskSummary[]): OracleTask[] {
  const n = (v: U64 | null): number => (v === null || v === U64_MAX ? -1 : Number(v));
  return ts.map((t) => ({
    id: Number(t.id),
    name: t.name,
    parent: n(t.parent),
    children: t.children.map(n),
    start: t.startNs,
    end: t.endNs,
    logs: t.logs,
    regions: t.regions,
    goroutines: t.goroutines.map(n).sort((a, b) => a - b),
  }));
}

/** Our reading of a (possibly malformed) trace: the error message, or null when it reads fine. */
function ourError(bytes: Uint8Array): string | null {
  let r;
  try {
    r = readGoTrace(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return e.message;
    throw e;
  }
  if (r.warning) return r.warning.message;
  return parsedText(r.list).error?.message ?? null;
}

// Hand-made legacy traces for error paths the corpus does not reach.
const HDR = [...new TextEncoder().encode('go 1.19 trace'), 0, 0, 0];
const ev = (type: number, ...args: (number | bigint)[]): number[] => {
  if (args.length <= 3) return [type | ((args.length - 1) << 6), ...args.flatMap((a) => uv(a))];
  const body = args.flatMap((a) => uv(a));
  return [type | (3 << 6), ...uv(body.length), ...body];
};
const batch = (p: number | bigint, ticks: number | bigint): number[] => [1 | (1 << 6), ...uv(p), ...uv(ticks)];
const str = (id: number, s: string): number[] => [37, ...uv(id), ...uv(s.length), ...new TextEncoder().encode(s)];
/** Frequency is written without a timestamp: type byte with n=0 and one argument. */
const freqEv = (f: number): number[] => [2, ...uv(f)];
const NOP = 0xffff_ffff_ffff_ffffn;

/** A 1.19 trace of the given events plus the footer batch with the frequency (1 tick = 1 ns). */
function handTrace(body: number[][]): Uint8Array {
  return new Uint8Array([...HDR, ...body.flat(), ...batch(NOP, 0), ...freqEv(1_000_000_000)]);
}

// Valid hand-made traces (the same as in gotrace-v1.test.ts): start-of-trace snapshot, label,
// quick and blocking syscalls; 64-bit ids, PCs, lines and tick values beyond 2^53.
const VALID: Record<string, Uint8Array> = {
  'snapshot, label, syscalls': handTrace([
    batch(0, 100),
    str(1, 'mylabel'),
    ev(5, 0, 5),
    ev(13, 1, 1, 0, 0),
    ev(13, 1, 3, 0, 0),
    ev(13, 1, 2, 0, 0),
    ev(31, 1, 2),
    ev(14, 1, 1, 1),
    ev(4, 1, 4, 0),
    ev(13, 1, 10, 0, 0),
    ev(17, 1, 0),
    ev(41, 1, 10, 1, 1),
    ev(28, 1, 0),
    ev(28, 2, 0),
    ev(30, 1),
    ev(14, 1, 1, 2),
    ev(15, 1),
    ev(29, 2, 10, 2, 0),
    ev(14, 1, 10, 3),
    ev(15, 1),
    ev(6, 1),
  ]),
  '64-bit values': new Uint8Array([
    ...new TextEncoder().encode('go 1.21 trace\0\0\0'),
    ...batch(0, 2n ** 60n),
    ...ev(5, 0, 2n ** 62n + 5n),
    ...ev(4, 1, 1, 0),
    ...ev(13, 1, 2n ** 60n + 3n, 7, 0),
    ...ev(14, 1, 2n ** 60n + 3n, 1),
    ...ev(45, 1, 2n ** 62n + 9n, 0, 1, 7),
    ...ev(46, 3, 2n ** 62n + 9n, 0),
    ...ev(15, 1),
    ...batch(NOP, 0),
    ...freqEv(1_000_000_000),
    ...str(1, 'task'),
    ...str(2, 'main.f'),
    ...str(3, 'f.go'),
    ...ev(3, 7, 1, 2n ** 62n + 1n, 2, 3, 2n ** 40n),
  ]),
};

// ProcStart, GoCreate(g 7), GoStart(g 7): goroutine 7 running on P 0.
const RUN7 = [batch(0, 1), ev(5, 1, 3), ev(13, 1, 7, 0, 0), ev(14, 1, 7, 1)];
const MALFORMED: Record<string, Uint8Array> = {
  'unknown event type': handTrace([batch(0, 10), [0x3f]]),
  'CPU sample in a 1.11 trace': new Uint8Array([...new TextEncoder().encode('go 1.11 trace\0\0\0'), ...batch(0, 1), ...ev(49, 1, 1, 0, 1, 0)]),
  'event before any batch': new Uint8Array([...HDR, ...ev(5, 1, 3)]),
  'batch with 3 arguments': new Uint8Array([...HDR, 1 | (2 << 6), 0, 1, 2]),
  'processor id too large': new Uint8Array([...HDR, ...batch(2 ** 31, 1)]),
  'truncated varint': new Uint8Array([...HDR, ...batch(0, 1), 5 | (1 << 6), 0x80]),
  'varint longer than 10 bytes': new Uint8Array([...HDR, ...batch(0, 1), 5 | (1 << 6), ...new Array<number>(11).fill(0x80), 1]),
  'argument block too big': new Uint8Array([...HDR, ...batch(0, 1), 13 | (3 << 6), ...uv(4096)]),
  'argument block past the end': new Uint8Array([...HDR, ...batch(0, 1), 13 | (3 << 6), ...uv(40), 1, 2]),
  'string id 0': handTrace([batch(0, 1), str(0, 'x')]),
  'duplicate string id': handTrace([batch(0, 1), str(3, 'x'), str(3, 'y')]),
  'empty string': handTrace([batch(0, 1), [37, 4, 0]]),
  'string past the end': new Uint8Array([...HDR, ...batch(0, 1), 37, 4, 50, 65, 66]),
  'stack with too many frames': handTrace([batch(0, 1), ev(3, 1, 1001)]),
  'stack with wrong argument count': handTrace([batch(0, 1), ev(3, 1, 1, 0x10, 1)]),
  'CPU sample with wrong argument count': handTrace([batch(0, 1), ev(49, 1, 2, 3, 4)]),
  'event with wrong argument count': handTrace([batch(0, 1), ev(5, 1)]),
  'no frequency': new Uint8Array([...HDR, ...batch(0, 1), ...ev(5, 1, 3)]),
  'frequency zero': new Uint8Array([...HDR, ...batch(0, 1), ...ev(5, 1, 3), ...batch(NOP, 0), ...freqEv(0)]),
  'P started twice': handTrace([batch(0, 1), ev(5, 1, 3), ev(5, 1, 3)]),
  'P stopped while not running': handTrace([batch(0, 1), ev(6, 1)]),
  'GC end without start': handTrace([batch(0, 1), ev(5, 1, 3), ev(8, 1)]),
  'two GCs at once': handTrace([batch(0, 1), ev(5, 1, 3), ev(7, 1, 0, 0), ev(7, 1, 1, 0)]),
  'STW end without start': handTrace([batch(0, 1), ev(10, 1)]),
  'sweep end without start': handTrace([batch(0, 1), ev(12, 1, 0, 0)]),
  'goroutine end on G 0': handTrace([batch(0, 1), ev(5, 1, 3), ev(15, 1)]),
  'stray syscall exit': handTrace([...RUN7, ev(20, 1, 0), batch(0, 50), ev(29, 1, 7, 2, 40)]),
  'time stamps out of order': handTrace([batch(0, 100), ev(5, 1, 3), ev(13, 1, 7, 0, 0), batch(1, 10), ev(14, 1, 7, 1)]),
  'task id conflict': handTrace([...RUN7, ev(45, 1, 4, 0, 0, 0), ev(45, 1, 4, 0, 0, 0)]),
  'invalid region mode': handTrace([...RUN7, ev(47, 1, 1, 5, 0, 0)]),
  'region end mismatch': handTrace([...RUN7, ev(47, 1, 1, 0, 5, 0), ev(47, 1, 1, 1, 6, 0)]),
  'futile wakeup (Go rejects it while converting)': handTrace([batch(0, 1), ev(36, 1)]),
  'no consistent ordering': handTrace([batch(0, 1), ev(5, 1, 3), ev(14, 1, 9, 5)]),
};

describeGo('legacy traces = Go internal/trace (v1 parser + converter)', () => {
  let dir = '';
  let oracle = '';
  const files = LEGACY_TRACES.filter((p) => hasCorpus('gotrace', p));

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'stacklens-v1-oracle-'));
    const goroot = runGo(['env', 'GOROOT']).trim();
    const src = path.join(goroot, 'src', 'internal', 'trace');
    const mod = path.join(dir, 'oracle');
    for (const sub of ['.', 'tracev2', 'version', 'internal/tracev1']) {
      const to = path.join(mod, 'trace', sub);
      mkdirSync(to, { recursive: true });
      for (const f of readdirSync(path.join(src, sub))) {
        if (!f.endsWith('.go') || f.endsWith('_test.go')) continue;
        let text = readFileSync(path.join(src, sub, f), 'utf8').replaceAll('"internal/trace/', '"orc/trace/').replaceAll('"internal/trace"', '"orc/trace"');
        const rel = path.posix.join(sub === '.' ? '' : sub, f);
        for (const p of ORACLE_PATCHES.filter((x) => x.file === rel)) {
          const n = text.split(p.from).length - 1;
          if (n !== 1) throw new Error(`oracle patch for ${rel} expects ${JSON.stringify(p.from)} once, found ${n} times (Go's sources changed?)`);
          text = text.replace(p.from, p.to);
        }
        writeFileSync(path.join(to, f), text);
      }
    }
    const lang = /^go(\d+\.\d+)/.exec(runGo(['env', 'GOVERSION']).trim())?.[1] ?? '1.26';
    writeFileSync(path.join(mod, 'go.mod'), `module orc\n\ngo ${lang}\n`);
    mkdirSync(path.join(mod, 'cmd'));
    writeFileSync(path.join(mod, 'cmd', 'main.go'), ORACLE_MAIN);
    oracle = path.join(dir, 'oracle-bin');
    runGo(['build', '-o', oracle, './cmd'], { cwd: mod });
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the patched oracle; stdout, or the error it printed, or that Go panicked. */
  function runOracle(mode: string, bytes: Uint8Array, allowPanic = false): { out: string; err: string | null; panic: boolean } {
    const r = spawnSync(oracle, [mode], { input: bytes, maxBuffer: 1 << 29, timeout: 60_000 });
    const err = /^ERR: (.*)$/m.exec(r.stderr.toString());
    if (r.status !== 0 && err === null) {
      if (allowPanic && /^panic: /m.test(r.stderr.toString())) return { out: '', err: null, panic: true };
      throw new Error(`oracle failed: ${r.stderr.toString()}`);
    }
    return { out: r.stdout.toString(), err: err?.[1] ?? null, panic: false };
  }

  const gensOf = (bytes: Uint8Array): Generation[] => traceGenerations(bytes).gens;

  it('finds the legacy corpus traces', () => {
    if (!hasCorpus('gotrace')) console.warn('skipped: gotrace corpus not found');
    else expect(files.length).toBe(LEGACY_TRACES.length);
  });

  let compared = 0;
  let events = 0;
  it.each(LEGACY_TRACES)('%s: -d=parsed text = deterministic Go, line for line', (p) => {
    if (!hasCorpus('gotrace', p)) return;
    const bytes = new Uint8Array(readFileSync(corpusPath('gotrace', p)));
    const want = runOracle('parsed', bytes);
    expect(want.err).toBeNull();
    const wantLines = want.out.split('\n');
    const got = parsedText(gensOf(bytes));
    expect(got.error).toBeNull();
    // go prints each event with Println: the text ends with a newline.
    got.lines.push('');
    const d = firstDiff(got.lines, wantLines);
    expect(d === -1 ? null : { line: d, got: got.lines.slice(d, d + 3), want: wantLines.slice(d, d + 3) }).toBeNull();
    compared++;
    events += records(wantLines).length;
  });

  it.each(LEGACY_TRACES)('%s: against go tool trace -d=parsed (times exact, events as a multiset)', (p) => {
    if (!hasCorpus('gotrace', p)) return;
    const file = corpusPath('gotrace', p);
    const r = spawnSync(goBinary()!, ['tool', 'trace', '-d=parsed', file], { env: goEnv(), maxBuffer: 1 << 29, timeout: 110_000, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const want = records(r.stdout.split('\n'));
    const got = records(parsedText(gensOf(new Uint8Array(readFileSync(file)))).lines);
    const time = (x: string): string => /^M=\S+ P=\S+ G=\S+ \S+ Time=(-?\d+)/.exec(x)![1];
    const strip = (x: string): string => x.replace(/ Time=-?\d+/, '');
    expect(got.length).toBe(want.length);
    expect(got.map(time)).toEqual(want.map(time));
    expect(got.map(strip).sort()).toEqual(want.map(strip).sort());
  });

  it('compared every legacy trace event by event', () => {
    if (files.length === 0) return;
    expect(compared).toBe(files.length);
    console.info(`legacy -d=parsed: ${compared} traces, ${events} events identical to Go`);
    expect(events).toBeGreaterThan(200_000);
  });

  it.each(LEGACY_TRACES)('%s: goroutine analysis, regions and tasks = Go summary (exact ns)', (p) => {
    if (!hasCorpus('gotrace', p)) return;
    const bytes = new Uint8Array(readFileSync(corpusPath('gotrace', p)));
    const o = runOracle('summary', bytes);
    expect(o.err).toBeNull();
    const go = JSON.parse(o.out) as { goroutines: OracleG[]; tasks: OracleTask[] };
    go.goroutines.sort((a, b) => a.id - b.id);
    go.tasks.sort((a, b) => a.id - b.id);
    const mine = traceGoroutines(bytes).map(fromOurs);
    expect(mine).toEqual(go.goroutines.map(({ regions: _r, ...g }) => norm(g)));
    const sum = summarizeGoroutines(gensOf(bytes));
    expect(sum.goroutines.map(regionsOf)).toEqual(go.goroutines.map((g) => g.regions.map(norm)));
    expect(tasksOf(sum.tasks)).toEqual(go.tasks);
    expect(mine.length).toBeGreaterThan(0);
  });

  it('mutator utilization (exact) and MMU = Go', () => {
    const windows = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
    let checked = 0;
    for (const p of files) {
      const bytes = new Uint8Array(readFileSync(corpusPath('gotrace', p)));
      const r = spawnSync(oracle, ['mmu'], { input: bytes, maxBuffer: 1 << 29, timeout: 60_000 });
      if (r.status !== 0) {
        // Go's MutatorUtilizationV2 indexes its P list with the event's P unchecked and
        // panics when a GC worker changes state without a P (see trace-goroutines.test.ts).
        expect(r.stderr.toString()).toMatch(/index out of range/);
        continue;
      }
      const want = JSON.parse(r.stdout.toString()) as { flags: number; series: number[][]; mmu: number[] | null }[];
      const gens = gensOf(bytes);
      for (const w of want) {
        const series = mutatorUtilization(gens, w.flags);
        expect(series.map((s) => s.flatMap((u) => [u.t, u.util])), `${p} flags ${w.flags}`).toEqual(w.series);
        if (w.mmu === null) continue;
        const got = windows.map((x) => mmu(series, x));
        for (let i = 0; i < windows.length; i++) expect(Math.abs(got[i] - w.mmu[i]), `${p} flags ${w.flags} window ${windows[i]}`).toBeLessThan(1e-9);
      }
      checked++;
    }
    if (files.length > 0) expect(checked).toBeGreaterThanOrEqual(5);
  });

  it.each(Object.keys(VALID))('hand-made: %s — -d=parsed text = Go', (name) => {
    const bytes = VALID[name];
    const want = runOracle('parsed', bytes);
    expect(want.err).toBeNull();
    const got = parsedText(gensOf(bytes));
    expect(got.error).toBeNull();
    got.lines.push('');
    expect(got.lines).toEqual(want.out.split('\n'));
  });

  it.each(Object.keys(MALFORMED))('malformed: %s — same error as Go', (name) => {
    const bytes = MALFORMED[name];
    const go = runOracle('parsed', bytes).err;
    const ours = ourError(bytes);
    expect(go, 'Go accepts this input; the case is not malformed').not.toBeNull();
    expect(ours).not.toBeNull();
    // Ours: "gotrace: <Go's message>[ (hint)] (at byte offset N)".
    expect(ours!.startsWith(`gotrace: ${go}`), `ours: ${ours}\ngo:   ${go}`).toBe(true);
    expect(ours).toMatch(/\(at byte offset \d+\)$/);
  });

  let variants = 0;
  let panics = 0;
  it.each(LEGACY_TRACES)('%s: truncated and bit-flipped copies fail like Go (or read like Go)', (p) => {
    if (!hasCorpus('gotrace', p)) return;
    const full = new Uint8Array(readFileSync(corpusPath('gotrace', p)));
    const cuts = [17, 33, full.length >> 3, full.length >> 1, full.length - 20, full.length - 1].filter((n) => n > 16 && n < full.length);
    const copies: Uint8Array[] = cuts.map((n) => full.subarray(0, n));
    // Deterministic bit flips spread over the file.
    for (let k = 1; k <= 4; k++) {
      const b = Uint8Array.from(full);
      b[16 + Math.floor(((full.length - 16) * k) / 5)] ^= 1 << (k % 8);
      copies.push(b);
    }
    for (const bytes of copies) {
      const go = runOracle('parsed', bytes, true);
      const ours = ourError(bytes);
      variants++;
      if (go.panic) {
        // Go reads the copy but its Event.String() panics on a stack id a flipped bit broke
        // (Stack.Frames -> mustGet); ourError() above read it without throwing.
        panics++;
      } else if (go.err === null) {
        expect(ours, `${bytes.length} bytes: Go reads it`).toBeNull();
        const got = parsedText(gensOf(bytes)).lines;
        got.push('');
        expect(firstDiff(got, go.out.split('\n'))).toBe(-1);
      } else {
        expect(ours, `${bytes.length} bytes`).not.toBeNull();
        expect(ours!.startsWith(`gotrace: ${go.err}`), `ours: ${ours}\ngo:   ${go.err}`).toBe(true);
      }
    }
  });

  it('compared the malformed copies', () => {
    if (files.length === 0) return;
    console.info(`legacy malformed copies: ${variants} compared with Go (${panics} where Go's printer panics)`);
    expect(variants).toBeGreaterThanOrEqual(files.length * 9);
    expect(panics).toBeLessThan(variants / 4);
  });
});
