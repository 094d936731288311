// Command blockprof stages goroutines that spend their time blocked on
// synchronization and writes a real block profile of it, as runtime/pprof
// produces it (gzipped profile.proto with sample types contentions/count
// and delay/nanoseconds).
//
// Scenario: with runtime.SetBlockProfileRate(1) (every blocking event
// recorded), a small pipeline runs for about one second (-duration):
//
//   - four fast producers (produce) feed an unbuffered jobs channel
//     drained by one slow consumer (consume), so producers block on
//     channel send (runtime.chansend1);
//   - three idle workers (awaitWork) wait on a results channel that is fed
//     only occasionally, so they block on channel receive
//     (runtime.chanrecv1 / chanrecv2);
//   - a dispatcher (dispatch) multiplexes a tick channel, a control
//     channel and a stop channel with select (runtime.selectgo);
//   - a coordinator (coordinate) repeatedly fans out short batches and
//     waits for them with sync.WaitGroup.Wait, and main waits for
//     everything with another WaitGroup;
//
// time.Sleep is used only to pace the slow side; sleeping is not a
// blocking event and does not appear in the profile. A user should see
// delay concentrated in runtime.chansend1 under main.produce, then
// runtime.selectgo under main.dispatch, channel receive under
// main.awaitWork and sync.(*WaitGroup).Wait under main.coordinate and
// main.main.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"stacklens/tools/gen/internal/fixture"
)

const generator = "tools/gen/blockprof"

const scenario = "Block profile (SetBlockProfileRate(1), ~1 s) of a pipeline: producers blocked on unbuffered " +
	"channel sends to a slow consumer, idle workers blocked on channel receive, a dispatcher blocked in select, " +
	"and coordinators blocked in sync.WaitGroup.Wait."

var processed atomic.Int64

//go:noinline
func produce(jobs chan<- int, stop <-chan struct{}, id int) {
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		jobs <- id*1_000_000 + i // blocks: the consumer is slow
	}
}

//go:noinline
func consume(jobs <-chan int, results chan<- int, stop <-chan struct{}) {
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		case j := <-jobs:
			time.Sleep(200 * time.Microsecond) // pacing; not a blocking event
			processed.Add(1)
			if n%20 == 0 {
				select {
				case results <- j:
				default:
				}
			}
		}
	}
}

//go:noinline
func awaitWork(results <-chan int) {
	for {
		v, ok := <-results // blocks: results are rare
		if !ok {
			return
		}
		processed.Add(int64(v & 1))
	}
}

//go:noinline
func dispatch(tick <-chan time.Time, control <-chan string, stop <-chan struct{}) {
	for {
		select { // blocks until one of the three is ready
		case <-tick:
			processed.Add(1)
		case cmd := <-control:
			processed.Add(int64(len(cmd)))
		case <-stop:
			return
		}
	}
}

//go:noinline
func runBatch(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(d time.Duration) {
			defer wg.Done()
			time.Sleep(d)
		}(time.Duration(i+1) * 100 * time.Microsecond)
	}
	wg.Wait() // blocks until the slowest member finishes
}

//go:noinline
func coordinate(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		runBatch(4)
	}
}

func main() {
	out := flag.String("out", "block.pb.gz", "output path of the gzipped block profile")
	dur := flag.Duration("duration", time.Second, "how long to run the pipeline")
	sidecar := flag.Bool("sidecar", true, "also write <out>.json describing the fixture")
	flag.Parse()

	runtime.SetBlockProfileRate(1)

	jobs := make(chan int)
	results := make(chan int)
	control := make(chan string)
	stop := make(chan struct{})
	ticker := time.NewTicker(5 * time.Millisecond)

	var wg sync.WaitGroup
	spawn := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}
	for i := 0; i < 4; i++ {
		spawn(func() { produce(jobs, stop, i) })
	}
	spawn(func() { consume(jobs, results, stop) })
	var idle sync.WaitGroup
	for i := 0; i < 3; i++ {
		idle.Add(1)
		go func() {
			defer idle.Done()
			awaitWork(results)
		}()
	}
	spawn(func() { dispatch(ticker.C, control, stop) })
	spawn(func() { coordinate(stop) })
	spawn(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				select {
				case control <- fmt.Sprintf("reload-%d", i):
				case <-stop:
					return
				}
			}
		}
	})

	time.Sleep(*dur)
	close(stop)
	ticker.Stop()
	// Release producers still parked on a send now that the consumer is
	// gone; this drain goroutine is simply abandoned at exit.
	go func() {
		for range jobs {
		}
	}()
	wg.Wait()
	close(results)
	idle.Wait()
	runtime.SetBlockProfileRate(0)

	var buf bytes.Buffer
	if err := pprof.Lookup("block").WriteTo(&buf, 0); err != nil {
		fixture.Fatal("write block profile: %v", err)
	}
	fixture.Save(*out, buf.Bytes(), *sidecar, scenario, generator, []string{"contentions/count", "delay/nanoseconds"}, "")
	fmt.Printf("blockprof: wrote %s (%d bytes), %d jobs processed\n", *out, buf.Len(), processed.Load())
}
