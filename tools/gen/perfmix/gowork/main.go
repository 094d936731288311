// Command gowork is the Go part of the perfmix benchmark workload (see
// ../record.sh): a fixed amount of CPU work on many goroutines, whose frames perf
// symbolises with Go's names — methods on pointer receivers (`main.(*Interp).eval`),
// generic instantiations (`main.reduce[go.shape.int]`), closures (`main.main.func1`),
// runtime and GC frames. Go keeps frame pointers, so `perf record -g` unwinds it.
//
// Usage: gowork -goroutines N -rounds R
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Interp evaluates a small recursive expression tree: one eval frame per level.
type Interp struct {
	vars map[string]int
}

type expr struct {
	op          byte
	left, right *expr
	val         int
	name        string
}

func build(depth, seed int) *expr {
	if depth == 0 {
		if seed%2 == 0 {
			return &expr{op: 'v', name: fmt.Sprintf("v%d", seed%7)}
		}
		return &expr{op: 'n', val: seed % 13}
	}
	ops := "+-*"
	return &expr{op: ops[seed%3], left: build(depth-1, (seed*31+1)%1000003), right: build(depth/3, (seed*17+3)%1000003)}
}

//go:noinline
func (in *Interp) eval(e *expr) int {
	switch e.op {
	case 'n':
		return e.val
	case 'v':
		return in.vars[e.name]
	}
	l := in.eval(e.left)
	r := in.eval(e.right)
	switch e.op {
	case '+':
		return l + r
	case '-':
		return l - r
	}
	return (l * r) % 1000003
}

type number interface{ ~int | ~int64 | ~float64 }

//go:noinline
func reduce[T number](xs []T, depth int, f func(T, T) T) T {
	if depth == 0 || len(xs) < 2 {
		var acc T
		for _, x := range xs {
			acc = f(acc, x)
		}
		return acc
	}
	mid := len(xs) / 2
	return f(reduce(xs[:mid], depth-1, f), reduce(xs[mid:], depth-1, f))
}

//go:noinline
func hashChain(depth int, data []byte) [32]byte {
	if depth == 0 {
		return sha256.Sum256(data)
	}
	h := hashChain(depth-1, data)
	return sha256.Sum256(append(h[:], data[:8]...))
}

//go:noinline
func textWork(seed int) int {
	var b strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "item-%d:%d ", (seed*i)%1009, i%17)
	}
	fields := strings.Fields(b.String())
	sort.Strings(fields)
	return len(fields[0]) + len(fields[len(fields)-1])
}

func round(r, id int) int {
	seed := r*7919 + id*104729
	switch r % 4 {
	case 0:
		in := &Interp{vars: map[string]int{"v0": 1, "v1": 2, "v2": 3, "v3": 5, "v4": 8, "v5": 13, "v6": 21}}
		return in.eval(build(14+r%6, seed))
	case 1:
		xs := make([]int, 4096)
		for i := range xs {
			xs[i] = (seed + i*i) % 1000
		}
		fs := make([]float64, 2048)
		for i := range fs {
			fs[i] = float64(xs[i]) / 3
		}
		return reduce(xs, 10, func(a, b int) int { return (a + b) % 1000003 }) + int(reduce(fs, 9, func(a, b float64) float64 { return a + b }))
	case 2:
		h := hashChain(20+r%10, []byte(fmt.Sprintf("seed-%d", seed)))
		return int(h[0])
	default:
		return textWork(seed)
	}
}

func main() {
	goroutines := flag.Int("goroutines", 16, "worker goroutines")
	rounds := flag.Int("rounds", 400, "rounds per goroutine")
	flag.Parse()
	var wg sync.WaitGroup
	sums := make([]int, *goroutines)
	for g := 0; g < *goroutines; g++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			for r := 0; r < *rounds; r++ {
				sums[id] = (sums[id] + round(r, id)) % 1000000007
			}
		}(g)
	}
	wg.Wait()
	total := 0
	for _, s := range sums {
		total = (total + s) % 1000000007
	}
	fmt.Printf("gowork: %d goroutines x %d rounds, sink %d\n", *goroutines, *rounds, total)
}
