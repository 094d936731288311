// Command cpuprof stages a small CPU-bound service and writes a real CPU
// profile of it, as runtime/pprof produces it (gzipped profile.proto).
//
// Scenario: for about three seconds (-duration) five goroutines compete for
// the CPU while the profiler samples at the default 100 Hz:
//
//   - two "hash" workers (labels worker=hash, shard=0|1) run a hot loop whose
//     body is made of tiny leaf helpers (hashBlock -> mix64 -> rotl,
//     plus encoding/binary.LittleEndian.Uint64) that the
//     compiler inlines. Their samples land on Locations that carry several
//     Line entries (innermost inlined function first), which is what a
//     viewer must expand into separate frames.
//   - a "sort" worker (worker=sort) sorts shuffled slices with sort.Slice
//     (a closure, main.sortWorker.func1) and slices.SortFunc (a generic
//     instantiation, shown as slices.SortFunc[...]).
//   - a "recurse" worker (worker=recurse) computes fib(n) recursively and
//     walks a binary tree recursively: direct recursion, so the same
//     function appears many times in one stack.
//   - a "parse" worker (worker=parse) evaluates nested arithmetic with a
//     recursive-descent parser, parseExpr -> parseTerm -> parseFactor ->
//     parseExpr, and ping-pongs isEven <-> isOdd: mutual recursion, a cycle
//     that a flame graph or call graph has to handle without looping.
//   - the main goroutine formats records with strconv and carries no label,
//     so the profile mixes labelled and unlabelled samples.
//
// A user should see main.hashWorker (with inlined main.mix64/main.rotl
// frames) and the recursion-heavy workers on top, deep recursive towers
// for main.fib / main.walk / main.parseExpr, and be able to filter or group
// by the "worker" and "shard" labels.
package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"stacklens/tools/gen/internal/fixture"
)

const generator = "tools/gen/cpuprof"

const scenario = "CPU profile (~3 s, 100 Hz) of five goroutines: hash workers whose hot loop is " +
	"built from inlined leaf helpers (multi-line locations), a sort worker (closures, generics), " +
	"direct recursion (fib, tree walk), mutual recursion (recursive-descent parser, isEven/isOdd); " +
	"samples carry pprof.Do labels worker=hash|sort|recurse|parse and shard=0|1, the main goroutine is unlabelled."

var (
	sinkMu sync.Mutex
	sink   uint64
)

func consume(v uint64) {
	sinkMu.Lock()
	sink += v
	sinkMu.Unlock()
}

func main() {
	out := flag.String("out", "cpu.pb.gz", "output path of the gzipped CPU profile")
	dur := flag.Duration("duration", 3*time.Second, "how long to profile")
	sidecar := flag.Bool("sidecar", true, "also write <out>.json describing the fixture")
	flag.Parse()

	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		fixture.Fatal("start cpu profile: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()

	var wg sync.WaitGroup
	run := func(labels pprof.LabelSet, f func(context.Context)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pprof.Do(ctx, labels, f)
		}()
	}
	run(pprof.Labels("worker", "hash", "shard", "0"), hashWorker)
	run(pprof.Labels("worker", "hash", "shard", "1"), hashWorker)
	run(pprof.Labels("worker", "sort"), sortWorker)
	run(pprof.Labels("worker", "recurse"), recurseWorker)
	run(pprof.Labels("worker", "parse"), parseWorker)

	formatRecords(ctx) // unlabelled work on the main goroutine
	wg.Wait()
	pprof.StopCPUProfile()

	fixture.Save(*out, buf.Bytes(), *sidecar, scenario, generator, []string{"samples/count", "cpu/nanoseconds"}, "")
	fmt.Printf("cpuprof: wrote %s (%d bytes)\n", *out, buf.Len())
}

func done(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	default:
		return false
	}
}

// ---- hash worker: a hot loop made of inlined leaf helpers ----

// rotl, mix64 and hashBlock are small enough for the inliner; their code
// ends up inside hashWorker, so samples there get Locations with up to
// three Line entries (rotl inlined into mix64 inlined into hashBlock).
func rotl(x uint64, r uint) uint64 { return x<<r | x>>(64-r) }

func mix64(h, v uint64) uint64 {
	h ^= v * 0x9e3779b97f4a7c15
	h = rotl(h, 31)
	return h * 0xbf58476d1ce4e5b9
}

func hashBlock(data []byte, h uint64) uint64 {
	for i := 0; i+8 <= len(data); i += 8 {
		h = mix64(h, binary.LittleEndian.Uint64(data[i:]))
	}
	return h
}

func hashWorker(ctx context.Context) {
	data := make([]byte, 64<<10)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	var h uint64
	for !done(ctx) {
		for j := 0; j < 16; j++ {
			h = hashBlock(data, h)
		}
	}
	consume(h)
}

// ---- sort worker: closures and a generic instantiation ----

type record struct {
	key  string
	size int
}

func sortWorker(ctx context.Context) {
	r := rand.New(rand.NewPCG(3, 4))
	ints := make([]int, 20000)
	recs := make([]record, 5000)
	for i := range recs {
		recs[i] = record{key: strconv.Itoa(r.IntN(1 << 20)), size: r.IntN(1 << 16)}
	}
	var n uint64
	for !done(ctx) {
		for i := range ints {
			ints[i] = r.IntN(1 << 30)
		}
		sort.Slice(ints, func(a, b int) bool { return ints[a] < ints[b] })
		r.Shuffle(len(recs), func(a, b int) { recs[a], recs[b] = recs[b], recs[a] })
		slices.SortFunc(recs, compareRecords)
		n += uint64(ints[0]) + uint64(recs[0].size)
	}
	consume(n)
}

func compareRecords(a, b record) int {
	if a.key != b.key {
		if a.key < b.key {
			return -1
		}
		return 1
	}
	return a.size - b.size
}

// ---- recurse worker: direct recursion ----

//go:noinline
func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

type node struct {
	left, right *node
	val         uint64
}

func build(depth int, v uint64) *node {
	if depth == 0 {
		return nil
	}
	return &node{left: build(depth-1, v*2), right: build(depth-1, v*2+1), val: v}
}

//go:noinline
func walk(n *node) uint64 {
	if n == nil {
		return 0
	}
	return walk(n.left) + walk(n.right) + n.val*n.val%7919
}

func recurseWorker(ctx context.Context) {
	tree := build(16, 1)
	var n uint64
	for !done(ctx) {
		n += uint64(fib(24))
		n += walk(tree)
	}
	consume(n)
}

// ---- parse worker: mutual recursion ----

// A recursive-descent evaluator for + * and parentheses:
// parseExpr -> parseTerm -> parseFactor -> parseExpr.
type parser struct {
	s   string
	pos int
}

//go:noinline
func (p *parser) parseExpr() int {
	v := p.parseTerm()
	for p.pos < len(p.s) && p.s[p.pos] == '+' {
		p.pos++
		v += p.parseTerm()
	}
	return v
}

//go:noinline
func (p *parser) parseTerm() int {
	v := p.parseFactor()
	for p.pos < len(p.s) && p.s[p.pos] == '*' {
		p.pos++
		v = v * p.parseFactor() % 1000003
	}
	return v
}

//go:noinline
func (p *parser) parseFactor() int {
	if p.s[p.pos] == '(' {
		p.pos++
		v := p.parseExpr()
		p.pos++ // ')'
		return v
	}
	v := 0
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		v = v*10 + int(p.s[p.pos]-'0')
		p.pos++
	}
	return v
}

// nested builds an expression nested depth levels deep.
func nested(depth int, r *rand.Rand) string {
	if depth <= 0 {
		return strconv.Itoa(r.IntN(100))
	}
	op := "+"
	if r.IntN(2) == 0 {
		op = "*"
	}
	return "(" + nested(depth-1, r) + op + nested(depth-1-r.IntN(2), r) + ")"
}

//go:noinline
func isEven(n int) bool {
	if n == 0 {
		return true
	}
	return isOdd(n - 1)
}

//go:noinline
func isOdd(n int) bool {
	if n == 0 {
		return false
	}
	return isEven(n - 1)
}

func parseWorker(ctx context.Context) {
	r := rand.New(rand.NewPCG(5, 6))
	exprs := make([]string, 8)
	for i := range exprs {
		exprs[i] = nested(11, r)
	}
	var n uint64
	for !done(ctx) {
		for _, e := range exprs {
			p := parser{s: e}
			n += uint64(p.parseExpr())
		}
		for i := 0; i < 200; i++ {
			if isEven(300 + i) {
				n++
			}
		}
	}
	consume(n)
}

// ---- main goroutine: unlabelled formatting work ----

func formatRecords(ctx context.Context) {
	var b []byte
	var n uint64
	for !done(ctx) {
		b = b[:0]
		for i := 0; i < 4096; i++ {
			b = strconv.AppendInt(b, int64(i)*7919, 10)
			b = append(b, ',')
			b = strconv.AppendFloat(b, float64(i)/3, 'g', -1, 64)
			b = append(b, '\n')
		}
		n += uint64(len(b))
	}
	consume(n)
}
