// A real trace recorded with this machine's Go (runtime/trace, ~200 ms, a few goroutines,
// channel blocking, GCs, short generations via GODEBUG=traceadvanceperiod), read fully and
// checked against `go tool trace -d=wire`, truncated, streamed and mutated.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/formats/errors.ts';
import {
  batchEventTimesNs,
  blobChunks,
  dumpWire,
  Ev,
  eventArg,
  readGenerationsAsync,
  readGoTrace,
  stackFrames,
  type Generation,
  type ReadResult,
} from '../../src/formats/gotrace/index.ts';
import { orderGenerations } from '../../src/formats/gotrace/order.ts';
import { describeGo, runGo } from '../helpers/go.ts';

const PROGRAM = `package main

import (
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"time"
)

var sink [][]byte
var spin int

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if os.Getenv("WITH_CPUPROF") != "" {
		if err := pprof.StartCPUProfile(io.Discard); err != nil {
			panic(err)
		}
		defer pprof.StopCPUProfile()
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	deadline := time.Now().Add(200 * time.Millisecond)
	go func() {
		for time.Now().Before(deadline) {
			spin++
		}
	}()
	ch := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range ch {
				sink = append(sink[:0], make([]byte, 1024*(v%64+1)))
			}
		}()
	}
	var mu sync.Mutex
	n := 0
	for i := 0; time.Now().Before(deadline); i++ {
		ch <- i
		if i%500 == 0 {
			runtime.GC()
		}
		if i%100 == 0 {
			go func() { mu.Lock(); n++; mu.Unlock() }()
			time.Sleep(time.Millisecond)
		}
	}
	close(ch)
	wg.Wait()
	trace.Stop()
	if err := f.Close(); err != nil {
		panic(err)
	}
}
`;

function textLines(t: string): string[] {
  return t
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function firstDiff(a: string[], b: string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describeGo('gotrace: a real trace recorded with this Go', () => {
  let dir = '';
  let plainPath = '';
  let extraPath = '';
  let plain: Uint8Array;
  let extra: Uint8Array;
  let plainRead: ReadResult;
  let extraRead: ReadResult;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'stacklens-gotrace-'));
    writeFileSync(path.join(dir, 'go.mod'), 'module tracerec\n\ngo 1.22\n');
    writeFileSync(path.join(dir, 'main.go'), PROGRAM);
    plainPath = path.join(dir, 'plain.trace');
    extraPath = path.join(dir, 'extra.trace');
    // Generations every ~40 ms so the trace holds several of them.
    runGo(['run', '.', plainPath], { cwd: dir, env: { GODEBUG: 'traceadvanceperiod=40000000' } });
    // CPU samples and the AllocFree experiment (experimental batches and events 128+).
    runGo(['run', '.', extraPath], { cwd: dir, env: { GODEBUG: 'traceadvanceperiod=40000000,traceallocfree=1', WITH_CPUPROF: '1' } });
    plain = new Uint8Array(readFileSync(plainPath));
    extra = new Uint8Array(readFileSync(extraPath));
    plainRead = readGoTrace(plain);
    extraRead = readGoTrace(extra);
  });

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('reads every generation to the end', () => {
    const goVersion = runGo(['env', 'GOVERSION']).trim();
    const minor = Number(/^go1\.(\d+)/.exec(goVersion)?.[1] ?? 0);
    for (const r of [plainRead, extraRead]) {
      expect(r.warning).toBeNull();
      expect(r.header.kind).toBe('v2');
      if (minor >= 26) expect(r.header.version).toBe(26);
      expect(r.bytesRead).toBe(r === plainRead ? plain.length : extra.length);
      expect(r.list.length).toBeGreaterThanOrEqual(2);
      let prevEnd = 16;
      for (const g of r.list) {
        expect(g.offset).toBe(prevEnd);
        prevEnd = g.end;
        expect(g.endMarker).toBe(r.header.version >= 26);
        expect(g.ticksPerSec).toBeGreaterThan(0);
        if (r.header.version >= 25) expect(g.clock).not.toBeNull();
        expect(g.events.count).toBeGreaterThan(0);
        expect(g.ticksInexact).toBe(false);
        expect(g.eventsNewerThanVersion).toBe(0);
      }
      expect(prevEnd).toBe(r.bytesRead);
      const generations = r.list.map((g) => Number(g.gen));
      expect(generations).toEqual(generations.map((_, i) => generations[0] + i));
    }
  });

  it('has the events the program causes, with resolvable stacks and strings', () => {
    const count = new Map<number, number>();
    const strings = new Set<string>();
    const blockReasons = new Set<string>();
    for (const g of plainRead.list) {
      for (let i = 0; i < g.events.count; i++) count.set(g.events.type[i], (count.get(g.events.type[i]) ?? 0) + 1);
      for (const s of g.strings.values()) strings.add(s);
      for (let i = 0; i < g.events.count; i++) {
        if (g.events.type[i] === Ev.GoBlock) blockReasons.add(g.strings.get(eventArg(g, i, 0))!);
      }
      for (const id of g.stacks.keys()) {
        const frames = stackFrames(g, id)!;
        expect(frames.length).toBe(g.stacks.get(id)!.length);
      }
      // Within a batch, time never goes backwards.
      for (let b = 0; b < g.batches.length; b++) {
        if (g.batches[b].kind !== 'events') continue;
        const ns = batchEventTimesNs(g, b);
        for (let k = 1; k < ns.length; k++) expect(ns[k]).toBeGreaterThanOrEqual(ns[k - 1]);
      }
    }
    for (const t of [Ev.GoCreate, Ev.GoStart, Ev.GoBlock, Ev.GoUnblock, Ev.GCBegin, Ev.GCEnd, Ev.STWBegin, Ev.ProcStatus, Ev.GoStatus, Ev.HeapAlloc]) {
      expect(count.get(t) ?? 0, `event ${t}`).toBeGreaterThan(0);
    }
    expect(strings.has('main.main')).toBe(true);
    expect(blockReasons.has('chan receive') || blockReasons.has('chan send')).toBe(true);
    const total = plainRead.list.reduce((s, g) => s + g.events.count, 0);
    expect(total).toBeGreaterThan(1000);
  });

  it('CPU samples and the AllocFree experiment are framed', () => {
    const samples = extraRead.list.reduce((s, g) => s + g.cpuSamples.count, 0);
    expect(samples).toBeGreaterThan(0);
    const expBatches = extraRead.list.reduce((s, g) => s + g.experimental.length, 0);
    expect(expBatches).toBeGreaterThan(0);
    let expEvents = 0;
    for (const g of extraRead.list) for (let i = 0; i < g.events.count; i++) if (g.events.type[i] >= 128) expEvents++;
    expect(expEvents).toBeGreaterThan(0);
    for (const g of extraRead.list) {
      for (let k = 0; k < g.cpuSamples.count; k++) {
        const st = g.cpuSamples.stack[k];
        expect(st === 0 || g.stacks.has(st)).toBe(true);
      }
    }
  });

  it('matches go tool trace -d=wire line for line', () => {
    for (const [file, r] of [
      [plainPath, plainRead],
      [extraPath, extraRead],
    ] as const) {
      const want = textLines(runGo(['tool', 'trace', '-d=wire', file]));
      const got = textLines(dumpWire(r.list).join('\n'));
      const d = firstDiff(got, want);
      expect(d === -1 ? null : { line: d, got: got[d], want: want[d] }).toBeNull();
      expect(got.length).toBe(want.length);
    }
  });

  it('orders every event exactly like go tool trace -d=parsed (context and time)', () => {
    for (const [file, r] of [
      [plainPath, plainRead],
      [extraPath, extraRead],
    ] as const) {
      const got: string[] = [];
      orderGenerations(r.list, (e) => got.push(`M=${e.ctx.m ?? -1} P=${e.ctx.p ?? -1} G=${e.ctx.g ?? -1} Time=${e.timeNs}`));
      const want: string[] = [];
      for (const l of runGo(['tool', 'trace', '-d=parsed', file]).split('\n')) {
        const m = /^M=(-?\d+) P=(-?\d+) G=(-?\d+) \S+ Time=(\d+)/.exec(l);
        if (m) want.push(`M=${m[1]} P=${m[2]} G=${m[3]} Time=${m[4]}`);
      }
      const d = firstDiff(got, want);
      expect(d === -1 ? null : { line: d, got: got[d], want: want[d] }).toBeNull();
      expect(got.length).toBeGreaterThan(1000);
    }
  });

  it('streams from a Blob in slices with the same result', async () => {
    const whole = dumpWire(plainRead.list);
    for (const chunk of [997, 65_537, 1 << 20]) {
      const got: Generation[] = [];
      const progress: number[] = [];
      const it = readGenerationsAsync(blobChunks(new Blob([new Uint8Array(plain)]), chunk), plain.length, { onProgress: (d) => progress.push(d) });
      for (;;) {
        const n = await it.next();
        if (n.done) {
          expect(n.value.warning).toBeNull();
          expect(n.value.generations).toBe(plainRead.list.length);
          break;
        }
        got.push(n.value);
      }
      expect(progress[progress.length - 1]).toBe(plain.length);
      expect(dumpWire(got)).toEqual(whole);
    }
  });

  it('truncation keeps the complete generations and warns with the offset', () => {
    const full = plainRead;
    const boundaries = new Set<number>([16]);
    for (const g of full.list) {
      for (const b of g.batches) boundaries.add(b.offset);
      boundaries.add(g.end);
      if (g.endMarker) boundaries.add(g.end - 1);
    }
    const sorted = [...boundaries].sort((a, b) => a - b);
    const rnd = mulberry32(7);
    const positions = new Set<number>([17, 20, 30]);
    for (const g of full.list) for (const d of [-2, -1, 0, 1, 2, 5]) positions.add(g.end + d);
    for (const g of full.list.slice(0, 2)) for (const b of g.batches.slice(0, 6)) for (const d of [0, 1, b.headerSize, b.headerSize + 1]) positions.add(b.offset + d);
    for (let k = 0; k < 40; k++) positions.add(16 + Math.floor(rnd() * (plain.length - 16)));
    let checked = 0;
    for (const p of positions) {
      if (p <= 16 || p >= plain.length) continue;
      checked++;
      const r = readGoTrace(plain.subarray(0, p));
      const complete = full.list.filter((g) => g.end <= p).length; // 1.26+: EndOfGeneration marks completion
      if (full.header.version >= 26) expect(r.list.length, `cut at ${p}`).toBe(complete);
      else expect(r.list.length).toBeGreaterThanOrEqual(complete - 1);
      for (let i = 0; i < Math.min(r.list.length, complete); i++) {
        const a = r.list[i];
        const b = full.list[i];
        expect([a.gen, a.batches.length, a.events.count, a.strings.size, a.stacks.size, a.end]).toEqual([
          b.gen,
          b.batches.length,
          b.events.count,
          b.strings.size,
          b.stacks.size,
          b.end,
        ]);
      }
      const atGenEnd = full.list.some((g) => g.end === p);
      if (atGenEnd && full.header.version >= 26) {
        expect(r.warning).toBeNull();
        continue;
      }
      expect(r.warning, `cut at ${p}`).not.toBeNull();
      expect(r.warning).toBeInstanceOf(DecodeError);
      let torn = 16;
      for (const b of sorted) if (b <= p) torn = b;
      expect(r.warning!.where.offset, `cut at ${p}: ${r.warning!.message}`).toBe(torn);
      expect(r.warning!.message).toMatch(/truncated/);
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('random mutations of the first generation never throw or hang', () => {
    const g0 = plainRead.list[0];
    const base = plain.slice(0, Math.min(g0.end, 400_000));
    const rnd = mulberry32(99);
    let detected = 0;
    const N = 60;
    for (let i = 0; i < N; i++) {
      const b = Uint8Array.from(base);
      const n = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < n; k++) b[16 + Math.floor(rnd() * (b.length - 16))] = Math.floor(rnd() * 256);
      let r: ReadResult;
      try {
        r = readGoTrace(b);
      } catch (e) {
        throw new Error(`mutation ${i} threw: ${(e as Error).stack}`);
      }
      if (r.warning) detected++;
    }
    expect(detected).toBeGreaterThan(0);
  });
});

// cgo callbacks from C threads (GoCreateSyscall/GoDestroySyscall), iter.Pull coroutines
// (GoSwitch*, GoCreateBlocked), syscalls, netpoll; and the flight recorder (generations not
// starting at 1). Needs cgo (a C compiler).
const CGO_MAIN = `package main

/*
void runThreads(int n);
*/
import "C"

import (
	"bytes"
	"io"
	"iter"
	"net"
	"os"
	"path/filepath"
	"runtime/trace"
	"sync/atomic"
	"time"
)

var calls atomic.Int64

//export goCallback
func goCallback(i C.int) { calls.Add(int64(i)) }

func seq(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func workload(dir string) {
	// cgo callbacks from C threads: GoCreateSyscall / GoDestroySyscall.
	C.runThreads(4)
	// Coroutines (iter.Pull): GoSwitch / GoSwitchDestroy / GoCreateBlocked.
	for k := 0; k < 50; k++ {
		next, stop := iter.Pull(seq(20))
		for {
			if _, ok := next(); !ok {
				break
			}
		}
		stop()
	}
	// Syscalls and netpoll.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		io.Copy(c, c)
		c.Close()
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	buf := make([]byte, 4096)
	for i := 0; i < 100; i++ {
		c.Write(bytes.Repeat([]byte{byte(i)}, 100))
		io.ReadFull(c, buf[:100])
		os.WriteFile(filepath.Join(dir, "f"), buf[:100], 0o644)
		os.ReadFile(filepath.Join(dir, "f"))
		time.Sleep(200 * time.Microsecond)
	}
	c.Close()
	ln.Close()
}

func main() {
	out := os.Args[1]
	dir := filepath.Dir(out)
	if os.Getenv("FLIGHT") != "" {
		fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: 50 * time.Millisecond})
		if err := fr.Start(); err != nil {
			panic(err)
		}
		for i := 0; i < 3; i++ {
			workload(dir)
		}
		f, err := os.Create(out)
		if err != nil {
			panic(err)
		}
		if _, err := fr.WriteTo(f); err != nil {
			panic(err)
		}
		f.Close()
		fr.Stop()
		return
	}
	f, err := os.Create(out)
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	workload(dir)
	trace.Stop()
	f.Close()
}
`;

const CGO_WORKER = `#include <pthread.h>
#include "_cgo_export.h"

static void* worker(void* arg) {
	for (int i = 0; i < 200; i++) goCallback(i);
	return 0;
}

void runThreads(int n) {
	pthread_t t[16];
	if (n > 16) n = 16;
	for (int i = 0; i < n; i++) pthread_create(&t[i], 0, worker, 0);
	for (int i = 0; i < n; i++) pthread_join(t[i], 0);
}
`;

function toLines(file: string, r: ReadResult): { wire: [string[], string[]]; parsed: [string[], string[]] } {
  const wireGot = textLines(dumpWire(r.list).join('\n'));
  const wireWant = textLines(runGo(['tool', 'trace', '-d=wire', file]));
  const parsedGot: string[] = [];
  orderGenerations(r.list, (e) => parsedGot.push(`M=${e.ctx.m ?? -1} P=${e.ctx.p ?? -1} G=${e.ctx.g ?? -1} Time=${e.timeNs}`));
  const parsedWant: string[] = [];
  for (const l of runGo(['tool', 'trace', '-d=parsed', file]).split('\n')) {
    const m = /^M=(-?\d+) P=(-?\d+) G=(-?\d+) \S+ Time=(\d+)/.exec(l);
    if (m) parsedWant.push(`M=${m[1]} P=${m[2]} G=${m[3]} Time=${m[4]}`);
  }
  return { wire: [wireGot, wireWant], parsed: [parsedGot, parsedWant] };
}

function hasCgo(): boolean {
  try {
    return runGo(['env', 'CGO_ENABLED']).trim() === '1';
  } catch {
    return false;
  }
}

describeGo('gotrace: cgo callbacks, coroutines, syscalls and the flight recorder', () => {
  const cgo = hasCgo();
  if (!cgo) console.warn('skipped: cgo trace tests — CGO_ENABLED is not 1 (no C compiler?)');
  const maybe = cgo ? it : it.skip;
  let dir = '';
  let tracePath = '';
  let flightPath = '';

  beforeAll(() => {
    if (!cgo) return;
    dir = mkdtempSync(path.join(os.tmpdir(), 'stacklens-gotrace-cgo-'));
    writeFileSync(path.join(dir, 'go.mod'), 'module tracerec2\n\ngo 1.23\n');
    writeFileSync(path.join(dir, 'main.go'), CGO_MAIN);
    writeFileSync(path.join(dir, 'worker.c'), CGO_WORKER);
    tracePath = path.join(dir, 'cgo.trace');
    flightPath = path.join(dir, 'flight.trace');
    runGo(['run', '.', tracePath], { cwd: dir, env: { GODEBUG: 'traceadvanceperiod=20000000' } });
    runGo(['run', '.', flightPath], { cwd: dir, env: { GODEBUG: 'traceadvanceperiod=20000000', FLIGHT: '1' } });
  });

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  maybe('reads and orders the cgo/coroutine trace exactly like Go', () => {
    const r = readGoTrace(new Uint8Array(readFileSync(tracePath)));
    expect(r.warning).toBeNull();
    const types = new Set<number>();
    for (const g of r.list) for (let i = 0; i < g.events.count; i++) types.add(g.events.type[i]);
    for (const t of [Ev.GoCreateSyscall, Ev.GoDestroySyscall, Ev.GoSwitch, Ev.GoSwitchDestroy, Ev.GoCreateBlocked, Ev.GoSyscallBegin]) {
      expect(types.has(t), `event ${t}`).toBe(true);
    }
    const { wire, parsed } = toLines(tracePath, r);
    let d = firstDiff(...wire);
    expect(d === -1 ? null : { line: d, got: wire[0][d], want: wire[1][d] }).toBeNull();
    d = firstDiff(...parsed);
    expect(d === -1 ? null : { line: d, got: parsed[0][d], want: parsed[1][d] }).toBeNull();
    expect(parsed[0].length).toBeGreaterThan(1000);
  });

  maybe('reads and orders a flight-recorder snapshot (generations not starting at 1)', () => {
    const r = readGoTrace(new Uint8Array(readFileSync(flightPath)));
    expect(r.warning).toBeNull();
    expect(r.list.length).toBeGreaterThanOrEqual(1);
    expect(Number(r.list[0].gen)).toBeGreaterThan(1);
    const { wire, parsed } = toLines(flightPath, r);
    let d = firstDiff(...wire);
    expect(d === -1 ? null : { line: d, got: wire[0][d], want: wire[1][d] }).toBeNull();
    d = firstDiff(...parsed);
    expect(d === -1 ? null : { line: d, got: parsed[0][d], want: parsed[1][d] }).toBeNull();
  });
});

describe('gotrace real-trace helpers', () => {
  it('the embedded cgo program is complete', () => {
    expect(CGO_MAIN).toContain('//export goCallback');
    expect(CGO_WORKER).toContain('runThreads');
  });
});
