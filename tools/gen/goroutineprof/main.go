// Command goroutineprof stages a goroutine leak and writes the goroutine
// profile of it three ways, all from the same moment of the same process:
// the gzipped profile.proto (WriteTo debug=0, sample type
// goroutine/count), the aggregated legacy text (debug=1, with "# labels:"
// lines) and the full per-goroutine stack dump (debug=2, the format of a
// panic traceback).
//
// Scenario: a server-ish program that forgot to cancel its work.
//
//   - 120 goroutines started by fetchAll wait forever on a reply channel
//     nobody will ever send on (the caller returned early on the first
//     error) -- main.(*client).awaitReply;
//   - 60 subscriber goroutines (subscribe) wait forever on an event feed
//     that was never closed -- main.subscribe;
//   - 30 goroutines started by the retry path (retryLater) wait on a
//     result channel whose producer died -- main.retryLater.func1, a
//     closure;
//   - 12 watchers block in a select on two channels with no default and
//     no timeout -- main.watch (runtime.selectgo);
//   - 8 workers wait on a sync.Cond that is never signalled --
//     main.(*queue).take (sync.(*Cond).Wait).
//
// The fetch and subscribe goroutines run under pprof.Do labels
// (op=fetch|subscribe, tenant=a|b), so the debug=0 profile carries string
// labels and debug=1 groups them with "# labels:" lines. A user should see
// ~230 goroutines, the three receive sites dominating, and be able to
// tell the leaks apart by call site and by label.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"

	"stacklens/tools/gen/internal/fixture"
)

const generator = "tools/gen/goroutineprof"

const scenario = "Goroutine profile of a goroutine leak: 120 goroutines stuck on channel receive in " +
	"(*client).awaitReply, 60 in subscribe, 30 in retryLater.func1, 12 in select (watch) and 8 in " +
	"sync.Cond.Wait ((*queue).take); fetch/subscribe goroutines carry labels op and tenant."

type client struct{ name string }

type reply struct {
	body []byte
	err  error
}

// awaitReply blocks on a channel that is never written to.
//
//go:noinline
func (c *client) awaitReply(ch <-chan reply) {
	r := <-ch
	_ = r
}

// fetchAll starts one goroutine per request and returns on the first
// error without draining the others: the classic leak.
//
//go:noinline
func fetchAll(ctx context.Context, c *client, n int, started *sync.WaitGroup) error {
	for i := 0; i < n; i++ {
		ch := make(chan reply) // never sent on
		started.Add(1)
		go func() {
			started.Done()
			c.awaitReply(ch)
		}()
	}
	return errors.New("upstream unavailable")
}

//go:noinline
func subscribe(feed <-chan string, started *sync.WaitGroup) {
	started.Done()
	for ev := range feed { // feed is never closed
		_ = ev
	}
}

//go:noinline
func retryLater(n int, started *sync.WaitGroup) {
	for i := 0; i < n; i++ {
		result := make(chan error, 0)
		started.Add(1)
		go func() {
			started.Done()
			if err := <-result; err != nil {
				panic(err)
			}
		}()
	}
}

//go:noinline
func watch(config <-chan string, shutdown <-chan struct{}, started *sync.WaitGroup) {
	started.Done()
	select {
	case <-config:
	case <-shutdown:
	}
}

type queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
}

//go:noinline
func (q *queue) take(started *sync.WaitGroup) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	started.Done()
	for len(q.items) == 0 {
		q.cond.Wait() // never signalled
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

func main() {
	out := flag.String("out", "goroutine.pb.gz", "output path of the gzipped goroutine profile (debug=0)")
	debug1 := flag.String("debug1-out", "goroutine.debug1.txt", "output path of the debug=1 text dump ('' to skip)")
	debug2 := flag.String("debug2-out", "goroutine.debug2.txt", "output path of the debug=2 text dump ('' to skip)")
	sidecar := flag.Bool("sidecar", true, "also write <file>.json describing each fixture")
	flag.Parse()

	var started sync.WaitGroup
	ctx := context.Background()

	tenants := []string{"a", "b"}
	for i, t := range tenants {
		n := []int{80, 40}[i]
		pprof.Do(ctx, pprof.Labels("op", "fetch", "tenant", t), func(ctx context.Context) {
			_ = fetchAll(ctx, &client{name: "billing"}, n, &started)
		})
	}
	feed := make(chan string)
	for i := 0; i < 60; i++ {
		t := tenants[i%2]
		started.Add(1)
		pprof.Do(ctx, pprof.Labels("op", "subscribe", "tenant", t), func(context.Context) {
			go subscribe(feed, &started)
		})
	}
	retryLater(30, &started)
	config := make(chan string)
	shutdown := make(chan struct{})
	for i := 0; i < 12; i++ {
		started.Add(1)
		go watch(config, shutdown, &started)
	}
	q := &queue{}
	q.cond = sync.NewCond(&q.mu)
	for i := 0; i < 8; i++ {
		started.Add(1)
		go q.take(&started)
	}

	// Every goroutine has announced itself just before blocking; give them
	// a moment to actually park so their stacks show the blocking call.
	started.Wait()
	time.Sleep(100 * time.Millisecond)
	runtime.GC()

	// All three dumps are taken back to back from the same process.
	type dump struct {
		path, format string
		debug        int
	}
	dumps := []dump{{*out, "", 0}, {*debug1, "text (runtime/pprof WriteTo debug=1)", 1}, {*debug2, "text (runtime/pprof WriteTo debug=2)", 2}}
	bufs := make([]bytes.Buffer, len(dumps))
	for i, d := range dumps {
		if d.path == "" {
			continue
		}
		if err := pprof.Lookup("goroutine").WriteTo(&bufs[i], d.debug); err != nil {
			fixture.Fatal("write goroutine profile debug=%d: %v", d.debug, err)
		}
	}
	for i, d := range dumps {
		if d.path == "" {
			continue
		}
		fixture.Save(d.path, bufs[i].Bytes(), *sidecar, scenario, generator, []string{"goroutine/count"}, d.format)
		fmt.Printf("goroutineprof: wrote %s (%d bytes)\n", d.path, bufs[i].Len())
	}
	fmt.Printf("goroutineprof: %d goroutines\n", runtime.NumGoroutine())
}
