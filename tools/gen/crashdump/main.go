// Command crashdump makes a Go program really crash or really dump its
// goroutines, so the go-dump importer is tested on genuine runtime output
// rather than hand-written text. It is driven by crashdump/run.sh, which runs
// the built binary as a child process, records exactly what the child wrote
// to stderr (or, for the pprof modes, the files it wrote) under
// testdata/godump/, and puts the exit status in a .json sidecar.
//
// Modes (-mode):
//
//   - concurrent-map-writes: 16 writer goroutines (main.hammerWrite) assign
//     into one unsynchronised map[int]int until the runtime's write-flag
//     check fires: "fatal error: concurrent map writes", all goroutines
//     printed, exit status 2.
//   - concurrent-map-read-write: 4 writers (main.hammerWrite) and 16 readers
//     (main.hammerRead) on one map: "fatal error: concurrent map read and
//     map write".
//   - concurrent-map-iterate-write: 4 writers and 12 goroutines ranging over
//     the map (main.hammerIterate): "fatal error: concurrent map iteration
//     and map write".
//     The three map races are probabilistic; the many goroutines make them
//     fire within milliseconds, and run.sh retries until the wanted message
//     appears.
//   - leak-sigquit: a goroutine leak (see below); once set up the program
//     prints "ready" on stdout and blocks; run.sh sends SIGQUIT, so the
//     runtime dumps every goroutine at GOTRACEBACK=system level (runtime
//     frames, gp= m= mp= headers, goroutine 0 [idle], register block) and
//     exits 2. run.sh also runs it once with GOTRACEBACK=crash (SIGABRT after
//     the dump) and with GODEBUG=tracebacklabels=1 so the Go 1.26 label
//     syntax appears in headers.
//   - leak-pprof: the same leak, then pprof.Lookup("goroutine").WriteTo with
//     debug=1 (grouped counts, "# labels:" lines) to -debug1-out and debug=2
//     (per-goroutine dump) to -debug2-out; exits 0.
//
// The leak: 40 goroutines started by fetchAll wait forever on a reply
// channel nobody sends on (main.awaitReply, under pprof labels
// op=fetch,tenant=a|b); 30 subscribers wait in a select on a feed that is
// never closed (main.subscribe); 20 goroutines block on a mutex held forever
// (main.lockStuck); 10 wait on a WaitGroup that never reaches zero
// (main.waitAll). About 100 leaked goroutines in all; one of them is locked
// to its OS thread (runtime.LockOSThread in main.pinned).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var sink int

func hammerWrite(m map[int]int, seed int) {
	for i := 0; ; i++ {
		m[(i*31+seed)&1023] = i
	}
}

func hammerRead(m map[int]int) {
	for i := 0; ; i++ {
		sink += m[i&1023]
	}
}

func hammerIterate(m map[int]int) {
	for {
		for k, v := range m {
			sink += k + v
		}
	}
}

func mapRace(writers, readers, iterators int) {
	m := make(map[int]int)
	for i := 0; i < 1024; i++ {
		m[i] = i
	}
	for i := 0; i < writers; i++ {
		go hammerWrite(m, i)
	}
	for i := 0; i < readers; i++ {
		go hammerRead(m)
	}
	for i := 0; i < iterators; i++ {
		go hammerIterate(m)
	}
	time.Sleep(30 * time.Second)
	fmt.Fprintln(os.Stderr, "crashdump: no map race detected within 30s")
	os.Exit(3)
}

func awaitReply(reply chan int) int {
	return <-reply
}

func fetchAll(n int, tenant string) {
	for i := 0; i < n; i++ {
		reply := make(chan int)
		go pprof.Do(context.Background(), pprof.Labels("op", "fetch", "tenant", tenant), func(context.Context) {
			sink += awaitReply(reply)
		})
	}
}

func subscribe(feed chan string, stop chan struct{}) {
	for {
		select {
		case s := <-feed:
			sink += len(s)
		case <-stop:
			return
		}
	}
}

func lockStuck(mu *sync.Mutex) {
	mu.Lock()
	sink++
	mu.Unlock()
}

func waitAll(wg *sync.WaitGroup) {
	wg.Wait()
}

func pinned(block chan struct{}) {
	runtime.LockOSThread()
	<-block
}

func leak() {
	fetchAll(20, "a")
	fetchAll(20, "b")
	feed, stop := make(chan string), make(chan struct{})
	for i := 0; i < 30; i++ {
		go subscribe(feed, stop)
	}
	var mu sync.Mutex
	mu.Lock()
	for i := 0; i < 20; i++ {
		go lockStuck(&mu)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	for i := 0; i < 10; i++ {
		go waitAll(&wg)
	}
	go pinned(make(chan struct{}))
	// Let every goroutine reach its blocking point.
	time.Sleep(300 * time.Millisecond)
}

func writeProfile(path string, debug int) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashdump:", err)
		os.Exit(1)
	}
	if err := pprof.Lookup("goroutine").WriteTo(f, debug); err != nil {
		fmt.Fprintln(os.Stderr, "crashdump:", err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "crashdump:", err)
		os.Exit(1)
	}
}

func main() {
	mode := flag.String("mode", "", "concurrent-map-writes|concurrent-map-read-write|concurrent-map-iterate-write|leak-sigquit|leak-pprof")
	debug1 := flag.String("debug1-out", "", "leak-pprof: where to write the debug=1 goroutine profile")
	debug2 := flag.String("debug2-out", "", "leak-pprof: where to write the debug=2 goroutine profile")
	flag.Parse()
	switch *mode {
	case "concurrent-map-writes":
		mapRace(16, 0, 0)
	case "concurrent-map-read-write":
		mapRace(4, 16, 0)
	case "concurrent-map-iterate-write":
		mapRace(4, 0, 12)
	case "leak-sigquit":
		leak()
		fmt.Println("ready")
		// Sleep rather than select{}: a sleeping main keeps the runtime's
		// deadlock detector quiet while everything else is blocked.
		for {
			time.Sleep(time.Hour)
		}
	case "leak-pprof":
		if *debug1 == "" || *debug2 == "" {
			fmt.Fprintln(os.Stderr, "crashdump: leak-pprof needs -debug1-out and -debug2-out")
			os.Exit(1)
		}
		leak()
		writeProfile(*debug1, 1)
		writeProfile(*debug2, 2)
	default:
		fmt.Fprintln(os.Stderr, "crashdump: unknown -mode", *mode)
		os.Exit(1)
	}
}
