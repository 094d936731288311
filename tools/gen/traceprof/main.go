// Command traceprof writes a Go execution trace recorded while the CPU profiler runs, so
// the trace carries CPU samples with stacks: four goroutines burn CPU in distinct call
// paths (hashing, sorting, recursion, map churn) for about a second, alongside channel
// hand-offs and a few GCs. stacklens opens its CPU samples as a flame graph.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"sync"
	"time"
)

var sink uint64

func hashLoop(stop <-chan struct{}) {
	buf := make([]byte, 4096)
	for {
		select {
		case <-stop:
			return
		default:
		}
		h := fnv.New64a()
		for i := 0; i < 64; i++ {
			buf[i%len(buf)] = byte(i)
			h.Write(buf)
		}
		sink += h.Sum64()
	}
}

func sortLoop(stop <-chan struct{}) {
	xs := make([]int, 20000)
	for {
		select {
		case <-stop:
			return
		default:
		}
		for i := range xs {
			xs[i] = (i * 7919) % 10007
		}
		sort.Ints(xs)
	}
}

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func recurseLoop(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		sink += uint64(fib(24))
	}
}

func mapLoop(stop <-chan struct{}, out chan<- int) {
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		m := make(map[int][]byte)
		for i := 0; i < 5000; i++ {
			m[i] = make([]byte, 64)
		}
		out <- len(m)
	}
}

func main() {
	out := flag.String("out", "cpu.trace", "output path")
	dur := flag.Duration("d", time.Second, "how long to run")
	flag.Parse()

	var tbuf, pbuf bytes.Buffer
	if err := pprof.StartCPUProfile(&pbuf); err != nil {
		panic(err)
	}
	if err := trace.Start(&tbuf); err != nil {
		panic(err)
	}
	stop := make(chan struct{})
	results := make(chan int)
	var wg sync.WaitGroup
	for _, f := range []func(<-chan struct{}){hashLoop, sortLoop, recurseLoop} {
		wg.Add(1)
		go func() { defer wg.Done(); f(stop) }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); mapLoop(stop, results) }()
	go func() {
		for range results {
		}
	}()
	time.Sleep(*dur)
	close(stop)
	wg.Wait()
	runtime.GC()
	trace.Stop()
	pprof.StopCPUProfile()
	if err := os.WriteFile(*out, tbuf.Bytes(), 0o644); err != nil {
		panic(err)
	}
	fmt.Fprintf(os.Stderr, "traceprof: wrote %s (%d bytes)\n", *out, tbuf.Len())
}
