// Command heap4096 writes heap4096.pb.gz, a large REAL heap profile used
// as a benchmark input (not committed; bench.sh generates it).
//
// Scenario: runtime.MemProfileRate = 4096 (every ~4 KiB allocated is
// sampled, 128x the default) in a program that allocates from a very
// large number of distinct call stacks. Two worker goroutines each run a
// small interpreter-like engine: a non-branching recursive descent
// ((*engine).eval, -prefix frames deep, which gives stacks a realistic
// depth) and then a 7-level call tree in which every level calls one of
// eight small non-inlined functions (parseHeader, decodeField, buildIndex,
// mergeRows, encodeBlock, hashKey, splitToken, copyValue) picked by three
// bits of a visit counter. The innermost function allocates a []byte of a
// size-class size between 8 KiB and 32 KiB (so nearly every allocation is
// sampled); about one visit in ten is repeated with a different size (the
// runtime keys memory profile buckets by stack AND size) and one
// allocation in 32 is retained so inuse_* values are not all zero.
//
// With -visits 280000 of the 8^7 = 2,097,152 possible paths this gives
// roughly 300k sample records over ~270k distinct stacks, ~16 MB
// uncompressed. A user (or benchmark) sees a very wide, very flat heap
// profile: the same eight functions everywhere, with no single hot path.
// The program prints the uncompressed size and record count at the end.
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

// Set before main runs so that (almost) every allocation of the program is
// sampled at the same rate.
var _ = func() int {
	runtime.MemProfileRate = 4096
	return 0
}()

var sizes = []int{8192, 9472, 10240, 12288, 13568, 14336, 16384, 18432, 20480, 21760, 24576, 27264, 28672, 32768}

var (
	retainMu sync.Mutex
	retained [][]byte
)

var kept atomic.Uint32

// keep retains one allocation in 32 and drops the rest.
func keep(b []byte, path uint32) {
	b[0] = byte(path)
	if kept.Add(1)%32 == 0 {
		retainMu.Lock()
		retained = append(retained, b)
		retainMu.Unlock()
	}
}

func mix(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x7feb352d
	x ^= x >> 15
	x *= 0x846ca68b
	x ^= x >> 16
	return x
}

//go:noinline
func parseHeader(level int, path uint32, sz int) {
	if level == 0 {
		keep(make([]byte, sz), path)
		return
	}
	switch path & 7 {
	case 0:
		parseHeader(level-1, path>>3, sz)
	case 1:
		decodeField(level-1, path>>3, sz)
	case 2:
		buildIndex(level-1, path>>3, sz)
	case 3:
		mergeRows(level-1, path>>3, sz)
	case 4:
		encodeBlock(level-1, path>>3, sz)
	case 5:
		hashKey(level-1, path>>3, sz)
	case 6:
		splitToken(level-1, path>>3, sz)
	case 7:
		copyValue(level-1, path>>3, sz)
	}
}

//go:noinline
func decodeField(level int, path uint32, sz int) {
	if level == 0 {
		keep(make([]byte, sz), path)
		return
	}
	switch path & 7 {
	case 0:
		parseHeader(level-1, path>>3, sz)
	case 1:
		decodeField(level-1, path>>3, sz)
	case 2:
		buildIndex(level-1, path>>3, sz)
	case 3:
		mergeRows(level-1, path>>3, sz)
	case 4:
		encodeBlock(level-1, path>>3, sz)
	case 5:
		hashKey(level-1, path>>3, sz)
	case 6:
		splitToken(level-1, path>>3, sz)
	case 7:
		copyValue(level-1, path>>3, sz)
	}
}

//go:noinline
func buildIndex(level int, path uint32, sz int) {
	if level == 0 {
		keep(make([]byte, sz), path)
		return
	}
	switch path & 7 {
	case 0:
		parseHeader(level-1, path>>3, sz)
	case 1:
		decodeField(level-1, path>>3, sz)
	case 2:
		buildIndex(level-1, path>>3, sz)
	case 3:
		mergeRows(level-1, path>>3, sz)
	case 4:
		encodeBlock(level-1, path>>3, sz)
	case 5:
		hashKey(level-1, path>>3, sz)
	case 6:
		splitToken(level-1, path>>3, sz)
	case 7:
		copyValue(level-1, path>>3, sz)
	}
}

//go:noinline
func mergeRows(level int, path uint32, sz int) {
	if level == 0 {
		keep(make([]byte, sz), path)
		return
	}
	switch path & 7 {
	case 0:
		parseHeader(level-1, path>>3, sz)
	case 1:
		decodeField(level-1, path>>3, sz)
	case 2:
		buildIndex(level-1, path>>3, sz)
	case 3:
		mergeRows(level-1, path>>3, sz)
	case 4:
		encodeBlock(level-1, path>>3, sz)
	case 5:
		hashKey(level-1, path>>3, sz)
	case 6:
		splitToken(level-1, path>>3, sz)
	case 7:
		copyValue(level-1, path>>3, sz)
	}
}

//go:noinline
func encodeBlock(level int, path uint32, sz int) {
	if level == 0 {
		keep(make([]byte, sz), path)
		return
	}
	switch path & 7 {
	case 0:
		parseHeader(level-1, path>>3, sz)
	case 1:
		decodeField(level-1, path>>3, sz)
	case 2:
		buildIndex(level-1, path>>3, sz)
	case 3:
		mergeRows(level-1, path>>3, sz)
	case 4:
		encodeBlock(level-1, path>>3, sz)
	case 5:
		hashKey(level-1, path>>3, sz)
	case 6:
		splitToken(level-1, path>>3, sz)
	case 7:
		copyValue(level-1, path>>3, sz)
	}
}

//go:noinline
func hashKey(level int, path uint32, sz int) {
	if level == 0 {
		keep(make([]byte, sz), path)
		return
	}
	switch path & 7 {
	case 0:
		parseHeader(level-1, path>>3, sz)
	case 1:
		decodeField(level-1, path>>3, sz)
	case 2:
		buildIndex(level-1, path>>3, sz)
	case 3:
		mergeRows(level-1, path>>3, sz)
	case 4:
		encodeBlock(level-1, path>>3, sz)
	case 5:
		hashKey(level-1, path>>3, sz)
	case 6:
		splitToken(level-1, path>>3, sz)
	case 7:
		copyValue(level-1, path>>3, sz)
	}
}

//go:noinline
func splitToken(level int, path uint32, sz int) {
	if level == 0 {
		keep(make([]byte, sz), path)
		return
	}
	switch path & 7 {
	case 0:
		parseHeader(level-1, path>>3, sz)
	case 1:
		decodeField(level-1, path>>3, sz)
	case 2:
		buildIndex(level-1, path>>3, sz)
	case 3:
		mergeRows(level-1, path>>3, sz)
	case 4:
		encodeBlock(level-1, path>>3, sz)
	case 5:
		hashKey(level-1, path>>3, sz)
	case 6:
		splitToken(level-1, path>>3, sz)
	case 7:
		copyValue(level-1, path>>3, sz)
	}
}

//go:noinline
func copyValue(level int, path uint32, sz int) {
	if level == 0 {
		keep(make([]byte, sz), path)
		return
	}
	switch path & 7 {
	case 0:
		parseHeader(level-1, path>>3, sz)
	case 1:
		decodeField(level-1, path>>3, sz)
	case 2:
		buildIndex(level-1, path>>3, sz)
	case 3:
		mergeRows(level-1, path>>3, sz)
	case 4:
		encodeBlock(level-1, path>>3, sz)
	case 5:
		hashKey(level-1, path>>3, sz)
	case 6:
		splitToken(level-1, path>>3, sz)
	case 7:
		copyValue(level-1, path>>3, sz)
	}
}

var branches = [8]func(level int, path uint32, sz int){parseHeader, decodeField, buildIndex, mergeRows, encodeBlock, hashKey, splitToken, copyValue}

const levels = 7 // 8^7 paths

type engine struct{ prefix int }

// eval recurses without branching before entering the call tree, like an
// interpreter evaluating nested expressions.
//
//go:noinline
func (e *engine) eval(depth int, path uint32, sz int) {
	if depth > 0 {
		e.eval(depth-1, path, sz)
		return
	}
	branches[path&7](levels-1, path>>3, sz)
}

//go:noinline
func (e *engine) run(worker, workers, visits int) {
	const space = 1 << (3 * levels)
	for i := worker; i < visits; i += workers {
		// Odd multiplier: a bijection on [0, 2^21), so paths don't repeat.
		path := uint32(uint64(i)*0x9E3779B1) & (space - 1)
		h := mix(path)
		n := uint32(1)
		if h%10 == 3 {
			n = 2 // same stack again with another size: a second bucket
		}
		for k := uint32(0); k < n; k++ {
			e.eval(e.prefix, path, sizes[(h+k)%uint32(len(sizes))])
		}
	}
}

func main() {
	out := flag.String("out", "heap4096.pb.gz", "output path")
	visits := flag.Int("visits", 280000, "number of distinct call-tree paths to allocate from")
	prefix := flag.Int("prefix", 24, "depth of the non-branching recursion before the call tree")
	workers := flag.Int("workers", 2, "allocating goroutines")
	flag.Parse()
	t0 := time.Now()

	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			(&engine{prefix: *prefix}).run(w, *workers, *visits)
		}()
	}
	wg.Wait()
	runtime.GC()
	runtime.GC()
	records, _ := runtime.MemProfile(nil, true)

	var buf bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&buf, 0); err != nil {
		fixture.Fatal("write heap profile: %v", err)
	}
	if err := fixture.WriteFile(*out, buf.Bytes()); err != nil {
		fixture.Fatal("%v", err)
	}
	raw, err := fixture.GunzippedLen(buf.Bytes())
	if err != nil {
		fixture.Fatal("%v", err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("heap4096: wrote %s in %.1fs\n", *out, time.Since(t0).Seconds())
	fmt.Printf("  gzipped size           %d bytes\n", buf.Len())
	fmt.Printf("  uncompressed size      %d bytes\n", raw)
	fmt.Printf("  sample records         %d\n", records)
	fmt.Printf("  retained objects       %d\n", len(retained))
	fmt.Printf("  total allocated        %d MiB (peak heap sys %d MiB)\n", ms.TotalAlloc>>20, ms.HeapSys>>20)
	runtime.KeepAlive(retained)
}
