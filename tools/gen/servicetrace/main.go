// Command servicetrace records Go execution traces (with the CPU profiler on, so the trace
// carries CPU samples) of one small request-serving program under six scenarios. The same
// service runs in every scenario and each scenario adds one fault, so the healthy trace is
// the baseline the others differ from. They are the evidence behind the tuning checklist's
// rules (src/analysis/checklist) and the workshop lessons.
//
// The service: requests arrive every -interval on pre-armed timers (an open-loop load, like
// clients on the network: arrivals do not wait for a busy program); each arrival starts a
// request goroutine (main.(*service).arrive) that opens a runtime/trace task "request",
// allocates and fills a 2 KiB payload plus 16 KiB of pointer-rich scratch garbage, hashes
// the payload, waits 200 µs on a pretend backend (time.Sleep: the goroutine must be
// scheduled again afterwards) and builds a small response. It runs -warmup before the
// trace starts, then -d under the trace.
//
//	healthy        the service alone.
//	gc-pressure    a 48 MiB pointer-rich cache stays live and debug.SetMemoryLimit (what
//	               GOMEMLIMIT does) is set a few MiB above the memory in use; requests
//	               allocate 48 KiB each. The heap goal is pinned at the live heap, GC runs
//	               back to back and allocating goroutines do mark assists.
//	               -cpuprofile writes the pprof CPU profile of the same run.
//	stw            run with GODEBUG=asyncpreemptoff=1 (run.sh sets it; the program refuses
//	               to run without it) beside a batch goroutine (main.batchLoops) whose tight
//	               loops (~30 ms, no function calls) cannot be preempted: every
//	               stop-the-world waits for the running loop to end.
//	sched-latency  run with GOMAXPROCS=1 (run.sh sets it); for -d/8 from the middle of the
//	               trace four CPU-bound goroutines (main.batchHog) share the only P with the
//	               requests.
//	leak           every 4th request also starts main.auditLogger, which blocks forever
//	               sending a 32 KiB audit entry on a channel nobody reads: goroutines and
//	               the live heap climb all trace long. -goroutine-out writes the goroutine
//	               profile (pprof, debug=0) after the trace; -dump-out then forces a GC (so
//	               the runtime notes when each goroutine started waiting), waits -hold (61 s:
//	               Go prints wait times only from one minute on) and writes the debug=2
//	               goroutine dump.
//	mutex          every request takes one global sync.Mutex (main.(*sessionTable).touch)
//	               that a snapshot goroutine holds for ~8 ms every 50 ms
//	               (main.(*sessionTable).snapshot). -mutex-out writes the mutex profile
//	               (SetMutexProfileFraction(1)).
//
// Every output gets a .json sidecar (internal/fixture). Recordings are real, so every run
// differs; run.sh checks each output with `stacklens check` and retries a run that did not
// show its scenario (e.g. when other processes took the CPU).
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"stacklens/tools/gen/internal/fixture"
)

const generator = "tools/gen/servicetrace"

var scenarios = map[string]string{
	"healthy":       "Go execution trace (CPU profiler on) of a small service: a request every 2 ms on its own goroutine (runtime/trace task \"request\"), 18 KiB allocated per request, a 200 us backend wait. The healthy baseline.",
	"gc-pressure":   "Go execution trace (CPU profiler on) of the same service under GC pressure: a 48 MiB pointer-rich cache stays live, debug.SetMemoryLimit puts the memory limit a few MiB above the memory in use, requests allocate 48 KiB each: GC runs back to back and requests do mark assists.",
	"stw":           "Go execution trace (CPU profiler on) of the same service run with GODEBUG=asyncpreemptoff=1 beside a batch goroutine whose tight loops (~30 ms, no function calls) cannot be preempted: each GC stop-the-world waits for a loop to end.",
	"sched-latency": "Go execution trace (CPU profiler on) of the same service run with GOMAXPROCS=1; for an eighth of the trace, from its middle, four CPU-bound batch goroutines share the only P with the requests.",
	"leak":          "Go execution trace (CPU profiler on) of the same service leaking a goroutine every 4th request (main.auditLogger blocked forever on an unbuffered channel send, holding a 32 KiB entry).",
	"mutex":         "Go execution trace (CPU profiler on) of the same service where every request takes one global sync.Mutex that a snapshot goroutine holds for ~8 ms every 50 ms.",
}

var sink atomic.Uint64

// checksum is the request's CPU work: FNV over the payload, rounds times.
func checksum(payload []byte, rounds int) uint64 {
	h := fnv.New64a()
	for i := 0; i < rounds; i++ {
		h.Write(payload)
	}
	return h.Sum64()
}

type request struct {
	id      int
	payload []byte
}

// parseRequest allocates the request's payload (garbage after the request).
func parseRequest(id, size int) *request {
	r := &request{id: id, payload: make([]byte, size)}
	for i := range r.payload {
		r.payload[i] = byte(id + i)
	}
	return r
}

// buildResponse allocates a few small pointer-carrying objects.
func buildResponse(r *request, sum uint64) map[string]any {
	return map[string]any{"id": r.id, "sum": sum, "tags": []string{"a", "b", fmt.Sprint(r.id % 7)}}
}

type garbageNode struct {
	next *garbageNode
	data [48]byte
}

// scratchAlloc allocates n bytes of short-lived, pointer-rich garbage (gc-pressure).
func scratchAlloc(n int) *garbageNode {
	var head *garbageNode
	for i := 0; i < n/64; i++ {
		head = &garbageNode{next: head}
	}
	return head
}

type service struct {
	payloadSize int
	rounds      int
	garbage     int
	sessions    *sessionTable
	leak        bool
	audit       chan []byte
	nextID      atomic.Int64
	inflight    sync.WaitGroup
}

// backendCall stands for a round trip to a cache or database: the goroutine blocks and
// must be scheduled again afterwards.
func (s *service) backendCall() {
	time.Sleep(200 * time.Microsecond)
}

// scheduleArrivals arms one timer per request at start + i·interval for the whole run, so
// requests arrive on time however busy the program is (an open-loop load, like clients on
// the network); each timer starts the request's goroutine (main.(*service).arrive).
func (s *service) scheduleArrivals(start time.Time, interval, total time.Duration) {
	n := int(total / interval)
	s.inflight.Add(n)
	for i := 0; i < n; i++ {
		time.AfterFunc(time.Until(start.Add(time.Duration(i)*interval)), s.arrive)
	}
}

// arrive is the start function of every request goroutine.
func (s *service) arrive() {
	defer s.inflight.Done()
	s.handleRequest(context.Background(), int(s.nextID.Add(1)))
}

func (s *service) handleRequest(ctx context.Context, id int) {
	ctx, task := trace.NewTask(ctx, "request")
	defer task.End()
	r := parseRequest(id, s.payloadSize)
	if s.garbage > 0 {
		if g := scratchAlloc(s.garbage); g != nil {
			sink.Add(uint64(g.data[0]))
		}
	}
	sum := checksum(r.payload, s.rounds)
	s.backendCall()
	if s.sessions != nil {
		s.sessions.touch(id)
	}
	resp := buildResponse(r, sum)
	sink.Add(uint64(len(resp)))
	if s.leak && id%4 == 0 {
		// The audit entry keeps a copy of the payload: each leaked goroutine also leaks heap.
		entry := make([]byte, 32<<10)
		copy(entry, r.payload)
		go auditLogger(s.audit, entry)
	}
	trace.Log(ctx, "status", "200")
}

// auditLogger hands its entry to a logger that was never started: it blocks forever.
func auditLogger(ch chan<- []byte, entry []byte) {
	ch <- entry
}

type sessionTable struct {
	mu   sync.Mutex
	seen map[int]int
}

func (t *sessionTable) touch(id int) {
	t.mu.Lock()
	t.seen[id%1024]++
	t.mu.Unlock()
}

// snapshot copies the table while holding the lock, slowly (a stand-in for serialising it).
func (t *sessionTable) snapshot(hold time.Duration) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	end := time.Now().Add(hold)
	n := 0
	for time.Now().Before(end) {
		for k, v := range t.seen {
			n += k ^ v
		}
	}
	return n
}

// snapshotLoop snapshots the table every period, holding the lock for hold each time.
func (t *sessionTable) snapshotLoop(stop <-chan struct{}, period, hold time.Duration, done *sync.WaitGroup) {
	defer done.Done()
	for {
		select {
		case <-stop:
			return
		case <-time.After(period):
		}
		sink.Add(uint64(t.snapshot(hold)))
	}
}

// tightLoop has no function calls and so no preemption point: with asynchronous
// preemption off, nothing can stop it before it returns.
//
//go:noinline
func tightLoop(n int) uint64 {
	x := uint64(n)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		x ^= x >> 29
	}
	return x
}

// batchLoops runs tightLoop back to back until stop, each call about loop long.
func batchLoops(stop <-chan struct{}, loop time.Duration, done *sync.WaitGroup) {
	defer done.Done()
	// Calibrate iterations per loop once (before tracing matters little: it is short).
	n := 1 << 20
	t0 := time.Now()
	sink.Add(tightLoop(n))
	per := time.Since(t0) / time.Duration(n)
	if per <= 0 {
		per = time.Nanosecond
	}
	n = int(loop / per)
	for {
		select {
		case <-stop:
			return
		default:
		}
		sink.Add(tightLoop(n))
	}
}

// batchHog burns CPU in preemptible code (it calls functions) until stop.
func batchHog(stop <-chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	buf := make([]byte, 1024)
	for {
		select {
		case <-stop:
			return
		default:
		}
		sink.Add(checksum(buf, 16))
	}
}

// batchBurst runs four batchHogs from after until after+length.
func batchBurst(after, length time.Duration, done *sync.WaitGroup) {
	defer done.Done()
	time.Sleep(after)
	stop := make(chan struct{})
	var hogs sync.WaitGroup
	for i := 0; i < 4; i++ {
		hogs.Add(1)
		go batchHog(stop, &hogs)
	}
	time.Sleep(length)
	close(stop)
	hogs.Wait()
}

// buildCache keeps ~bytes of small linked objects live (pointer-rich: marking must scan it).
func buildCache(bytes int) []*garbageNode {
	const chain = 1024
	var heads []*garbageNode
	for made := 0; made < bytes; made += chain * 64 {
		var head *garbageNode
		for i := 0; i < chain; i++ {
			head = &garbageNode{next: head}
		}
		heads = append(heads, head)
	}
	return heads
}

func main() {
	scenario := flag.String("scenario", "healthy", "healthy | gc-pressure | stw | sched-latency | leak | mutex")
	out := flag.String("out", "service.trace", "trace output path")
	dur := flag.Duration("d", 2*time.Second, "how long to trace")
	interval := flag.Duration("interval", 2*time.Millisecond, "time between requests")
	warmup := flag.Duration("warmup", 300*time.Millisecond, "how long the service runs before the trace starts")
	cpuOut := flag.String("cpuprofile", "", "also write the pprof CPU profile of the traced run here")
	goroutineOut := flag.String("goroutine-out", "", "leak: write the goroutine profile (pprof, debug=0) here after the trace")
	dumpOut := flag.String("dump-out", "", "leak: write the debug=2 goroutine dump here, -hold after the trace")
	hold := flag.Duration("hold", 61*time.Second, "leak: how long the leaked goroutines wait before the debug=2 dump")
	mutexOut := flag.String("mutex-out", "", "mutex: write the mutex profile here")
	sidecar := flag.Bool("sidecar", true, "write <out>.json sidecars")
	flag.Parse()

	desc, ok := scenarios[*scenario]
	if !ok {
		fixture.Fatal("unknown -scenario %q", *scenario)
	}
	switch *scenario {
	case "stw":
		if !strings.Contains(os.Getenv("GODEBUG"), "asyncpreemptoff=1") {
			fixture.Fatal("-scenario stw needs GODEBUG=asyncpreemptoff=1 in the environment")
		}
	case "sched-latency":
		if runtime.GOMAXPROCS(0) != 1 {
			fixture.Fatal("-scenario sched-latency needs GOMAXPROCS=1 in the environment")
		}
	}

	svc := &service{payloadSize: 2048, rounds: 24, garbage: 16 << 10}
	var cache []*garbageNode
	switch *scenario {
	case "gc-pressure":
		cache = buildCache(48 << 20)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		// The memory limit covers all runtime memory; leave a few MiB above what is in use now.
		debug.SetMemoryLimit(int64(ms.Sys-ms.HeapReleased) + 6<<20)
		svc.garbage = 48 << 10
	case "leak":
		svc.leak = true
		svc.audit = make(chan []byte)
	case "mutex":
		runtime.SetMutexProfileFraction(1)
		svc.sessions = &sessionTable{seen: map[int]int{}}
	}

	// The service runs before the trace starts (a trace is taken of a running service).
	svc.scheduleArrivals(time.Now(), *interval, *warmup)
	time.Sleep(*warmup)

	var tbuf, pbuf bytes.Buffer
	if err := pprof.StartCPUProfile(&pbuf); err != nil {
		fixture.Fatal("start CPU profile: %v", err)
	}
	if err := trace.Start(&tbuf); err != nil {
		fixture.Fatal("start trace: %v", err)
	}
	svc.scheduleArrivals(time.Now(), *interval, *dur)
	stop := make(chan struct{})
	var bg sync.WaitGroup
	switch *scenario {
	case "stw":
		bg.Add(1)
		go batchLoops(stop, 30*time.Millisecond, &bg)
	case "sched-latency":
		bg.Add(1)
		go batchBurst(*dur/2, *dur/8, &bg)
	case "mutex":
		bg.Add(1)
		go svc.sessions.snapshotLoop(stop, 50*time.Millisecond, 8*time.Millisecond, &bg)
	}
	time.Sleep(*dur)
	close(stop)
	bg.Wait()
	trace.Stop()
	pprof.StopCPUProfile()
	svc.inflight.Wait()
	runtime.KeepAlive(cache)

	fixture.Save(*out, tbuf.Bytes(), *sidecar, desc, generator, []string{}, "go-trace")
	fmt.Fprintf(os.Stderr, "servicetrace: %s: wrote %s (%d bytes)\n", *scenario, *out, tbuf.Len())
	if *cpuOut != "" {
		fixture.Save(*cpuOut, pbuf.Bytes(), *sidecar, "pprof CPU profile of the same run: "+desc, generator, []string{"samples/count", "cpu/nanoseconds"}, "")
	}
	if *mutexOut != "" {
		var mb bytes.Buffer
		if err := pprof.Lookup("mutex").WriteTo(&mb, 0); err != nil {
			fixture.Fatal("write mutex profile: %v", err)
		}
		fixture.Save(*mutexOut, mb.Bytes(), *sidecar, "Mutex profile (SetMutexProfileFraction(1)) of the same run: "+desc, generator, []string{"contentions/count", "delay/nanoseconds"}, "")
	}
	if *goroutineOut != "" {
		var gb bytes.Buffer
		if err := pprof.Lookup("goroutine").WriteTo(&gb, 0); err != nil {
			fixture.Fatal("write goroutine profile: %v", err)
		}
		fixture.Save(*goroutineOut, gb.Bytes(), *sidecar, "Goroutine profile (debug=0) written right after the trace: "+desc, generator, []string{"goroutine/count"}, "")
	}
	if *dumpOut != "" {
		// The runtime records when a goroutine started waiting at the next GC; Go prints the
		// wait ("N minutes") only from one minute on.
		runtime.GC()
		time.Sleep(*hold)
		var db bytes.Buffer
		if err := pprof.Lookup("goroutine").WriteTo(&db, 2); err != nil {
			fixture.Fatal("write goroutine dump: %v", err)
		}
		fixture.Save(*dumpOut, db.Bytes(), *sidecar, fmt.Sprintf("Goroutine dump (pprof debug=2) written %s after the trace: %s", *hold, desc), generator, []string{}, "go-dump")
	}
}
