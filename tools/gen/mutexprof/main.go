// Command mutexprof stages lock contention and writes a real mutex
// profile of it, as runtime/pprof produces it (gzipped profile.proto with
// sample types contentions/count and delay/nanoseconds).
//
// Scenario: with runtime.SetMutexProfileFraction(1) (every contention
// event recorded), for about one second (-duration):
//
//   - four "ledger" goroutines update a shared account table guarded by
//     one sync.Mutex, doing a little work while holding it (postTransfer)
//     and a shorter critical section elsewhere (readBalance), so there
//     are two distinct contending call sites on the same lock;
//   - a config store guarded by a sync.RWMutex is read by six reader
//     goroutines (lookupConfig, RLock) while two writers (reloadConfig,
//     Lock) hold it for long stretches, so readers wait on writers and
//     writers wait on readers.
//
// The mutex profile attributes delay to the goroutine that held the lock
// when it released it (the Unlock/RUnlock call stack). A user should see
// main.postTransfer as the dominant source of delay on the sync.Mutex,
// with main.readBalance smaller, and sync.(*RWMutex).Unlock /
// sync.(*RWMutex).RUnlock from main.reloadConfig / main.lookupConfig for
// the RWMutex.
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

const generator = "tools/gen/mutexprof"

const scenario = "Mutex profile (SetMutexProfileFraction(1), ~1 s) of four goroutines contending one sync.Mutex " +
	"from two call sites (postTransfer long critical section, readBalance short one) and of a sync.RWMutex read by " +
	"six readers (lookupConfig) and rewritten by two writers (reloadConfig)."

type ledger struct {
	mu       sync.Mutex
	balances map[int]int64
}

type configStore struct {
	mu     sync.RWMutex
	values map[string]string
}

var sink atomic.Int64

// spin burns CPU for roughly d without sleeping, so the lock is held by a
// running goroutine (time.Sleep would park it and muddy the picture).
func spin(d time.Duration) {
	deadline := time.Now().Add(d)
	x := uint64(1)
	for time.Now().Before(deadline) {
		for i := 0; i < 100; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	sink.Add(int64(x & 1))
}

//go:noinline
func postTransfer(l *ledger, from, to int, amount int64) {
	l.mu.Lock()
	l.balances[from] -= amount
	l.balances[to] += amount
	spin(30 * time.Microsecond)
	l.mu.Unlock()
}

//go:noinline
func readBalance(l *ledger, acct int) int64 {
	l.mu.Lock()
	v := l.balances[acct]
	spin(5 * time.Microsecond)
	l.mu.Unlock()
	return v
}

//go:noinline
func lookupConfig(c *configStore, key string) string {
	c.mu.RLock()
	v := c.values[key]
	spin(60 * time.Microsecond)
	c.mu.RUnlock()
	return v
}

//go:noinline
func reloadConfig(c *configStore, gen int) {
	c.mu.Lock()
	for k := range c.values {
		c.values[k] = fmt.Sprint(gen)
	}
	spin(400 * time.Microsecond)
	c.mu.Unlock()
}

func ledgerWorker(l *ledger, id int, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		postTransfer(l, id, (id+i)%8, int64(i%100))
		sink.Add(readBalance(l, i%8))
	}
}

func configReader(c *configStore, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	keys := []string{"timeout", "region", "replicas"}
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		sink.Add(int64(len(lookupConfig(c, keys[i%len(keys)]))))
	}
}

func configWriter(c *configStore, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for gen := 0; ; gen++ {
		select {
		case <-stop:
			return
		case <-time.After(time.Millisecond):
		}
		reloadConfig(c, gen)
	}
}

func main() {
	out := flag.String("out", "mutex.pb.gz", "output path of the gzipped mutex profile")
	dur := flag.Duration("duration", time.Second, "how long to run the contending goroutines")
	sidecar := flag.Bool("sidecar", true, "also write <out>.json describing the fixture")
	flag.Parse()

	runtime.SetMutexProfileFraction(1)

	l := &ledger{balances: map[int]int64{}}
	c := &configStore{values: map[string]string{"timeout": "1s", "region": "eu", "replicas": "3"}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go ledgerWorker(l, i, stop, &wg)
	}
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go configReader(c, stop, &wg)
	}
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go configWriter(c, stop, &wg)
	}
	time.Sleep(*dur)
	close(stop)
	wg.Wait()
	runtime.SetMutexProfileFraction(0)

	var buf bytes.Buffer
	if err := pprof.Lookup("mutex").WriteTo(&buf, 0); err != nil {
		fixture.Fatal("write mutex profile: %v", err)
	}
	fixture.Save(*out, buf.Bytes(), *sidecar, scenario, generator, []string{"contentions/count", "delay/nanoseconds"}, "")
	fmt.Printf("mutexprof: wrote %s (%d bytes)\n", *out, buf.Len())
}
