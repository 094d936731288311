// Command tracescenarios writes real Go execution traces (runtime/trace, CPU profiler on
// so the traces carry CPU samples with stacks), one per scenario of stacklens issue #3:
//
//	short    12,000 short-lived goroutines (main.shortTask), created in bursts
//	chan     8 channel workers blocked on receive (main.chanWorker), a producer with pauses
//	mutex    8 goroutines contending one sync.Mutex (main.mutexWorker)
//	syscall  goroutines blocked in read(2) on a pipe (the P is retaken) and fast syscalls
//	gc       GC pressure with GOGC=10: allocating goroutines are drafted into mark assists
//	user     user annotations: nested tasks, nested regions on several goroutines, logs;
//	         GOMAXPROCS changes 2 → 4 → 1 → 2 while tracing (P lanes appear and vanish);
//	         run.sh records it with -generation 20ms, so tasks and regions cross generations
//	coro     iter.Pull coroutines (GoSwitch / GoSwitchDestroy)
//	big      all of the above in a loop until the trace reaches -size bytes (benchmarks;
//	         1,000 short goroutines per round, CPU work scaled down 20×)
//
// With -sidecar a "<out>.json" sidecar is written (committed fixtures); without it only
// the trace (benchmark inputs). Every trace is exactly what runtime/trace wrote.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"sync"
	"syscall"
	"time"

	"stacklens/tools/gen/internal/fixture"
)

var (
	spinSink  int
	allocSink [][]byte
	// spinDivisor scales the CPU work down for big traces: event volume, not burnt CPU,
	// is what a benchmark input needs.
	spinDivisor = 1
)

// spin burns n loop iterations of CPU (visible in the CPU samples under its caller).
//
//go:noinline
func spin(n int) {
	n /= spinDivisor
	for i := 0; i < n; i++ {
		spinSink += i ^ (i >> 3)
	}
}

//go:noinline
func shortTask(wg *sync.WaitGroup, n int) {
	defer wg.Done()
	spin(n)
}

func short(count int) {
	var wg sync.WaitGroup
	for i := 0; i < count; i++ {
		wg.Add(1)
		go shortTask(&wg, 100+i%7*50)
		if i%1000 == 999 {
			time.Sleep(500 * time.Microsecond)
		}
	}
	wg.Wait()
}

func chanWorker(wg *sync.WaitGroup, ch <-chan int) {
	defer wg.Done()
	for v := range ch {
		spin(40000 * (v%5 + 1))
	}
}

func chanWorkers(items int) {
	ch := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go chanWorker(&wg, ch)
	}
	for i := 0; i < items; i++ {
		ch <- i
		if i%40 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	close(ch)
	wg.Wait()
}

func mutexWorker(wg *sync.WaitGroup, mu *sync.Mutex, shared *[]int, rounds int) {
	defer wg.Done()
	for i := 0; i < rounds; i++ {
		mu.Lock()
		spin(40000)
		*shared = append(*shared, i)
		mu.Unlock()
		spin(200)
	}
}

func mutex(rounds int) {
	var mu sync.Mutex
	var shared []int
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go mutexWorker(&wg, &mu, &shared, rounds)
	}
	wg.Wait()
}

func pipeReader(wg *sync.WaitGroup, fd int) {
	defer wg.Done()
	buf := make([]byte, 1)
	syscall.Read(fd, buf) // blocks in the kernel: the runtime retakes the P
}

func fastSyscalls(wg *sync.WaitGroup, n int) {
	defer wg.Done()
	for i := 0; i < n; i++ {
		syscall.Getpid()
		if f, err := os.Open("/dev/null"); err == nil {
			f.Close()
		}
	}
}

func syscalls(n int) {
	r, w, err := os.Pipe()
	if err != nil {
		fixture.Fatal("%v", err)
	}
	defer r.Close()
	defer w.Close()
	rfd, wfd := int(r.Fd()), int(w.Fd())
	var wg sync.WaitGroup
	for k := 0; k < 4; k++ {
		wg.Add(1)
		go pipeReader(&wg, rfd)
	}
	for k := 0; k < 4; k++ {
		wg.Add(1)
		go fastSyscalls(&wg, n)
	}
	time.Sleep(20 * time.Millisecond)
	for k := 0; k < 4; k++ {
		syscall.Write(wfd, []byte{1})
		time.Sleep(3 * time.Millisecond)
	}
	wg.Wait()
}

//go:noinline
func allocate(wg *sync.WaitGroup, n int, out *[][]byte) {
	defer wg.Done()
	var keep [][]byte
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, 16<<10))
		if len(keep) > 256 {
			keep = keep[:0]
		}
	}
	*out = keep
}

func gcPressure(n int) {
	old := debug.SetGCPercent(10)
	defer debug.SetGCPercent(old)
	outs := make([][][]byte, 4)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go allocate(&wg, n, &outs[w])
	}
	wg.Wait()
	for _, o := range outs {
		allocSink = append(allocSink[:0], o...)
	}
}

//go:noinline
func renderPage(ctx context.Context, page int) {
	trace.WithRegion(ctx, "render", func() {
		spin(1500000 + 250000*(page%4))
		trace.WithRegion(ctx, "layout", func() { spin(500000) })
	})
}

//go:noinline
func handleRequest(ctx context.Context, wg *sync.WaitGroup, req int) {
	defer wg.Done()
	ctx, task := trace.NewTask(ctx, "request")
	defer task.End()
	trace.Logf(ctx, "request", "id=%d path=/page/%d", req, req%3)
	trace.WithRegion(ctx, "fetch", func() { time.Sleep(200 * time.Microsecond) })
	for p := 0; p < 2; p++ {
		renderPage(ctx, req+p)
	}
	_, sub := trace.NewTask(ctx, "audit")
	trace.Log(ctx, "audit", fmt.Sprintf("request %d done", req))
	sub.End()
}

func user(requests int) {
	ctx, batch := trace.NewTask(context.Background(), "batch")
	trace.Log(ctx, "batch", "start")
	var wg sync.WaitGroup
	procs := []int{4, 1, 2}
	for i := 0; i < requests; i++ {
		wg.Add(1)
		go handleRequest(ctx, &wg, i)
		if i%4 == 3 {
			time.Sleep(2 * time.Millisecond)
			// GOMAXPROCS changes while tracing: P lanes appear and go away.
			if len(procs) > 0 && i%8 == 7 {
				runtime.GOMAXPROCS(procs[0])
				procs = procs[1:]
			}
		}
	}
	wg.Wait()
	for _, p := range procs {
		runtime.GOMAXPROCS(p)
	}
	trace.Log(ctx, "batch", "end")
	batch.End()
}

//go:noinline
func pullNumbers(rounds, n int) {
	seq := func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			spin(60)
			if !yield(i) {
				return
			}
		}
	}
	next, stop := iter.Pull(iter.Seq[int](seq))
	defer stop()
	for k := 0; k < rounds; k++ {
		if _, ok := next(); !ok {
			return
		}
	}
}

func coro(rounds int) {
	var wg sync.WaitGroup
	for k := 0; k < 3; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pullNumbers(rounds+k*rounds/3, rounds*2)
		}()
	}
	wg.Wait()
}

// countingWriter counts what runtime/trace has written so far.
type countingWriter struct {
	mu sync.Mutex
	w  io.Writer
	n  int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.mu.Lock()
	c.n += int64(n)
	c.mu.Unlock()
	return n, err
}

func (c *countingWriter) written() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// shortGoroutines is the goroutine count of the short scenario: 12,000 for its fixture;
// big traces use fewer per round so that, looping all scenarios, short-lived goroutines
// do not outnumber everything else (a 110 MB trace would otherwise hold ~2M of them).
var shortGoroutines = 12000

func run(scenario string) {
	switch scenario {
	case "short":
		short(shortGoroutines)
	case "chan":
		chanWorkers(400)
	case "mutex":
		mutex(150)
	case "syscall":
		syscalls(150)
	case "gc":
		gcPressure(600)
	case "user":
		user(24)
	case "coro":
		coro(3000)
	default:
		fixture.Fatal("unknown scenario %q (want short, chan, mutex, syscall, gc, user, coro or big)", scenario)
	}
}

func main() {
	scenario := flag.String("scenario", "", "short | chan | mutex | syscall | gc | user | coro | big")
	out := flag.String("out", "", "output trace path")
	size := flag.Int64("size", 110<<20, "big: keep tracing until the trace has at least this many bytes")
	sidecar := flag.Bool("sidecar", false, "write <out>.json describing the fixture")
	generation := flag.Duration("generation", 0, "length of a trace generation (GODEBUG traceadvanceperiod; 0 = Go's default, 1s)")
	flag.Parse()
	if *scenario == "" || *out == "" {
		fixture.Fatal("usage: tracescenarios -scenario NAME -out FILE [-size BYTES] [-sidecar] [-generation DURATION]")
	}
	if *generation > 0 && !strings.Contains(os.Getenv("GODEBUG"), "traceadvanceperiod=") {
		// The runtime reads GODEBUG at start-up only: run again with the setting.
		exe, err := os.Executable()
		if err != nil {
			fixture.Fatal("%v", err)
		}
		godebug := fmt.Sprintf("traceadvanceperiod=%d", generation.Nanoseconds())
		if old := os.Getenv("GODEBUG"); old != "" {
			godebug = old + "," + godebug
		}
		env := append(os.Environ(), "GODEBUG="+godebug)
		if err := syscall.Exec(exe, os.Args, env); err != nil {
			fixture.Fatal("re-exec with GODEBUG=%s: %v", godebug, err)
		}
	}

	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		fixture.Fatal("%v", err)
	}
	var buf bytes.Buffer
	var sink io.Writer = &buf
	var file *os.File
	var bw *bufio.Writer
	if *scenario == "big" {
		// Big traces go straight to the file (never held in memory).
		f, err := os.Create(*out)
		if err != nil {
			fixture.Fatal("%v", err)
		}
		file = f
		bw = bufio.NewWriterSize(f, 1<<20)
		sink = bw
	}
	cw := &countingWriter{w: sink}
	if err := trace.Start(cw); err != nil {
		fixture.Fatal("%v", err)
	}
	if *scenario == "big" {
		spinDivisor = 20
		shortGoroutines = 1000
		all := []string{"short", "chan", "mutex", "syscall", "gc", "user", "coro"}
		for round := 0; cw.written() < *size; round++ {
			run(all[round%len(all)])
		}
	} else {
		run(*scenario)
	}
	trace.Stop()
	pprof.StopCPUProfile()

	if file != nil {
		if err := bw.Flush(); err != nil {
			fixture.Fatal("%v", err)
		}
		if err := file.Close(); err != nil {
			fixture.Fatal("%v", err)
		}
	} else {
		fixture.Save(*out, buf.Bytes(), *sidecar, *scenario, "tools/gen/tracescenarios", []string{"samples"}, "go-trace")
	}
	fmt.Fprintf(os.Stderr, "tracescenarios: %s: wrote %s (%d bytes)\n", *scenario, *out, cw.written())
}
