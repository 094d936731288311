// Command bigservice writes bigservice.pb.gz, a large SYNTHETIC CPU
// profile used as a benchmark input (it is not committed; bench.sh
// generates it). It is built with github.com/google/pprof/profile rather
// than recorded, because no program we could run here produces a profile
// of this size and shape.
//
// Scenario: the merged CPU profile of a big Go service -- an HTTP API
// behind chi and otelhttp, a gRPC server with interceptors, a job worker
// pool, a Kafka consumer and the usual runtime background work (GC mark
// and sweep, scheduler, stack growth) -- sampled at 100 Hz (period 10 ms,
// sample types samples/count and cpu/nanoseconds). Its shape is what makes
// it useful for benchmarking a decoder and a flame-graph builder:
//
//   - ~700,000 sample records over ~630,000 distinct stacks (records that
//     share a stack differ in their labels);
//   - ~9,000 functions across 150 packages with realistic Go names:
//     methods on pointer receivers, closures (.func1, .gowrap1), generic
//     instantiations (pkg.Map[...], pkg.(*Cache[...]).Get), runtime and
//     Linux kernel frames;
//   - ~26,000 locations, ~15% of them with 2-3 Line entries (inlined
//     calls), spread over four mappings: the service binary, libc, the
//     vDSO and a kernel mapping whose addresses are above 2^63, so a
//     decoder that loses 64-bit precision (e.g. JavaScript numbers) shows
//     wrong addresses;
//   - string labels "handler" and "tenant" on about a third of the
//     samples (the HTTP and gRPC requests);
//   - stack depth averaging ~17 and ranging from 5 to 60, with deep
//     stacks coming from recursion.
//
// The output is deterministic for a given -seed. At the end the program
// prints the uncompressed size, the sample count, the distinct stacks,
// the function and location counts and the mean depth, and warns if any
// is more than 10% off its target.
package main

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/google/pprof/profile"

	"stacklens/tools/gen/internal/fixture"
)

// Targets the output is tuned to hit (within 10%).
const (
	targetSize      = 34_000_000
	targetRecords   = 700_000
	targetStacks    = 630_000
	targetFunctions = 9_000
	targetLocations = 26_000
	targetDepth     = 17.0
)

const (
	mapSvc = iota
	mapLibc
	mapVdso
	mapKernel
)

const (
	kindApp = iota
	kindFixed
	kindHelper
)

type function struct {
	name      string
	file      string
	startLine int64
	mapping   int
	kind      int
	layer     int
	pkg       string
	rank      int // position in the app call order (kindApp only)
	addr      uint64
	size      uint64
	locs      []int32 // all locations of this function
	selfLocs  []int32 // locations used when this function is the leaf
	callees   []int32
	calleeLoc []int32
	calleeW   []float64
	recursive bool
}

type line struct {
	fn   int32
	line int64
}

type location struct {
	fn    int32
	off   uint64
	lines []line // innermost first; the last one is fn itself
}

type gen struct {
	rng       *rand.Rand
	funcs     []function
	byName    map[string]int32
	locs      []location
	edgeLocs  map[uint64]int32 // fixed-chain call sites, caller<<32|callee
	app       []int32          // app functions in rank order
	helpers   map[string][]int32
	stdHelper []int32
	pkgs      []pkgDef
	pkgFiles  map[string][]string
	inlineP   float64
}

func main() {
	out := flag.String("out", "bigservice.pb.gz", "output path")
	seed := flag.Uint64("seed", 20240514, "random seed (output is deterministic per seed)")
	records := flag.Int("records", targetRecords, "number of sample records")
	stacks := flag.Int("stacks", targetStacks, "number of distinct stacks")
	flag.Parse()
	if *stacks > *records {
		fixture.Fatal("-stacks must not exceed -records")
	}
	t0 := time.Now()
	g := &gen{
		rng:      rand.New(rand.NewPCG(*seed, *seed^0x9e3779b97f4a7c15)),
		byName:   map[string]int32{},
		edgeLocs: map[uint64]int32{},
		helpers:  map[string][]int32{},
		pkgFiles: map[string][]string{},
		inlineP:  0.155,
	}
	g.buildPackages()
	g.buildFunctions()
	g.buildGraph()
	p, st := g.buildProfile(*records, *stacks)

	raw := encode(p)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(raw); err != nil {
		fixture.Fatal("gzip: %v", err)
	}
	if err := zw.Close(); err != nil {
		fixture.Fatal("gzip: %v", err)
	}
	if err := fixture.WriteFile(*out, gz.Bytes()); err != nil {
		fixture.Fatal("%v", err)
	}

	fmt.Printf("bigservice: wrote %s in %.1fs\n", *out, time.Since(t0).Seconds())
	report := func(name string, got, want float64, format string) {
		dev := (got - want) / want * 100
		warn := ""
		if math.Abs(dev) > 10 {
			warn = "  WARNING: more than 10% off target"
		}
		fmt.Printf("  %-22s "+format+"  (target "+format+", %+.1f%%)%s\n", name, got, want, dev, warn)
	}
	fmt.Printf("  %-22s %d bytes\n", "gzipped size", gz.Len())
	report("uncompressed size", float64(len(raw)), targetSize, "%.0f")
	report("sample records", float64(len(p.Sample)), targetRecords, "%.0f")
	report("distinct stacks", float64(st.distinct), targetStacks, "%.0f")
	report("functions", float64(len(p.Function)), targetFunctions, "%.0f")
	report("locations", float64(len(p.Location)), targetLocations, "%.0f")
	report("mean depth", st.meanDepth, targetDepth, "%.2f")
	fmt.Printf("  %-22s %.1f%%\n", "inlined locations", float64(st.inlined)/float64(len(p.Location))*100)
	fmt.Printf("  %-22s %.1f%%\n", "labelled samples", float64(st.labelled)/float64(len(p.Sample))*100)
	fmt.Printf("  %-22s %d .. %d\n", "depth range", st.minDepth, st.maxDepth)
	fmt.Printf("  %-22s %d\n", "mappings", len(p.Mapping))
}

// ---------------------------------------------------------------------
// Packages and functions.

func (g *gen) buildPackages() {
	for _, p := range svcPackages {
		w := 1.0
		switch svcLayer(p) {
		case 0:
			w = 1.2
		case 2:
			w = 1.3
		}
		g.pkgs = append(g.pkgs, pkgDef{path: modSvc + "/" + p, layer: svcLayer(p), weight: w, dir: svcDir + p})
	}
	for i, t := range thirdParty {
		path := t.mod
		if t.sub != "" {
			path += "/" + t.sub
		}
		dir := modDir + t.mod + "@" + t.ver
		if t.sub != "" {
			dir += "/" + t.sub
		}
		g.pkgs = append(g.pkgs, pkgDef{path: path, layer: 5 + i%2, weight: 0.9, dir: dir})
	}
	for i, s := range stdPackages {
		g.pkgs = append(g.pkgs, pkgDef{path: s, layer: 7 + i%2, weight: 0.7, dir: goroot + s})
	}
	for _, p := range g.pkgs {
		n := 3 + g.rng.IntN(8)
		perm := g.rng.Perm(len(fileWords))
		for _, i := range perm[:n] {
			g.pkgFiles[p.path] = append(g.pkgFiles[p.path], p.dir+"/"+fileWords[i]+".go")
		}
	}
}

func (g *gen) pick(s []string) string { return s[g.rng.IntN(len(s))] }

func lowerFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }

// newName invents a plausible, unused Go symbol in package pkg.
func (g *gen) newName(pkg string, helper bool) string {
	for try := 0; ; try++ {
		var n string
		noun, verb, noun2 := g.pick(nouns), g.pick(verbs), g.pick(nouns)
		r := g.rng.Float64()
		switch {
		case helper && r < 0.4:
			n = fmt.Sprintf("%s.(*%s).%s", pkg, noun, lowerFirst(verb))
		case helper && r < 0.6:
			n = fmt.Sprintf("%s.%s.%s", pkg, noun, g.pick([]string{"Len", "String", "IsZero", "Bytes", "Key", "Less"}))
		case helper && r < 0.75:
			n = fmt.Sprintf("%s.%s[...]", pkg, g.pick([]string{"min", "max", "ptr", "must", "clamp", "zero", "first"}))
		case helper:
			n = fmt.Sprintf("%s.%s%s", pkg, lowerFirst(verb), noun)
		case r < 0.30:
			n = fmt.Sprintf("%s.(*%s).%s", pkg, noun, verb)
		case r < 0.40:
			n = fmt.Sprintf("%s.(*%s).%s%s", pkg, noun, lowerFirst(verb), noun2)
		case r < 0.46:
			n = fmt.Sprintf("%s.%s.%s", pkg, noun, verb)
		case r < 0.66:
			n = fmt.Sprintf("%s.%s%s", pkg, verb, noun2)
		case r < 0.80:
			n = fmt.Sprintf("%s.%s%s", pkg, lowerFirst(verb), noun2)
		case r < 0.84:
			n = fmt.Sprintf("%s.%s[...]", pkg, g.pick([]string{"Map", "Filter", "Reduce", "Collect", "Keys", "Values", "GroupBy", "Chunk", "Parallel"}))
			if try > 0 {
				n = fmt.Sprintf("%s.%s%s[...]", pkg, verb, noun2)
			}
		case r < 0.89:
			n = fmt.Sprintf("%s.(*%s[...]).%s", pkg, noun, verb)
		default:
			// closure of a method or function
			base := fmt.Sprintf("%s.(*%s).%s", pkg, noun, verb)
			if g.rng.IntN(3) == 0 {
				base = fmt.Sprintf("%s.%s%s", pkg, verb, noun2)
			}
			switch k := g.rng.IntN(10); {
			case k < 6:
				n = fmt.Sprintf("%s.func%d", base, 1+g.rng.IntN(4))
			case k < 8:
				n = fmt.Sprintf("%s.func%d.%d", base, 1+g.rng.IntN(3), 1+g.rng.IntN(2))
			case k < 9:
				n = fmt.Sprintf("%s.gowrap%d", base, 1+g.rng.IntN(2))
			default:
				n = fmt.Sprintf("%s.deferwrap%d", base, 1+g.rng.IntN(2))
			}
		}
		if try > 8 {
			n = fmt.Sprintf("%s.%s%s%d", pkg, lowerFirst(verb), noun2, try)
		}
		if _, dup := g.byName[n]; !dup {
			return n
		}
	}
}

func (g *gen) addFunc(f function) int32 {
	id := int32(len(g.funcs))
	g.funcs = append(g.funcs, f)
	g.byName[f.name] = id
	return id
}

func pkgOf(name string) string {
	slash := strings.LastIndex(name, "/")
	dot := strings.Index(name[slash+1:], ".")
	if dot < 0 {
		return ""
	}
	return name[:slash+1+dot]
}

var runtimeFiles = []struct{ key, file string }{
	{"mallocgc", "malloc.go"}, {"newobject", "malloc.go"}, {"mcache", "mcache.go"}, {"mcentral", "mcentral.go"},
	{"mheap", "mheap.go"}, {"makeslice", "slice.go"}, {"growslice", "slice.go"}, {"gcDrain", "mgcmark.go"},
	{"scanobject", "mgcmark.go"}, {"greyobject", "mgcmark.go"}, {"markroot", "mgcmark.go"}, {"scanstack", "mgcmark.go"},
	{"scanframe", "mgcmark.go"}, {"gcBgMark", "mgc.go"}, {"sweep", "mgcsweep.go"}, {"scaveng", "mgcscavenge.go"},
	{"findObject", "mbitmap.go"}, {"heapBits", "mbitmap.go"}, {"wbBuf", "mwbbuf.go"}, {"memmove", "memmove_amd64.s"},
	{"memclr", "memclr_amd64.s"}, {"memequal", "asm_amd64.s"}, {"aeshash", "asm_amd64.s"}, {"memhash", "alg.go"},
	{"gcWriteBarrier", "asm_amd64.s"}, {"morestack", "asm_amd64.s"}, {"systemstack", "asm_amd64.s"},
	{"mcall", "asm_amd64.s"}, {"asmcgocall", "asm_amd64.s"}, {"goexit", "asm_amd64.s"}, {"cgocall", "cgocall.go"},
	{"string", "string.go"}, {"assert", "iface.go"}, {"typeAssert", "iface.go"}, {"select", "select.go"},
	{"sellock", "select.go"}, {"chan", "chan.go"}, {"send", "chan.go"}, {"sema", "sema.go"}, {"futex", "os_linux.go"},
	{"epoll", "netpoll_epoll.go"}, {"netpoll", "netpoll_epoll.go"}, {"madvise", "mem_linux.go"}, {"sysUnused", "mem_linux.go"},
	{"timer", "time.go"}, {"Timers", "time.go"}, {"nanotime", "time_nofake.go"}, {"stack", "stack.go"},
	{"adjust", "stack.go"}, {"pcdata", "symtab.go"}, {"StackMap", "stack.go"}, {"note", "lock_futex.go"},
	{"lock2", "lock_spinbit.go"}, {"procyield", "asm_amd64.s"}, {"cmpstring", "internal/bytealg/compare_amd64.s"},
}

// fixed returns the function with this exact name, creating it if needed.
func (g *gen) fixed(name string, mapping int) int32 {
	if id, ok := g.byName[name]; ok {
		return id
	}
	f := function{name: name, mapping: mapping, kind: kindFixed, startLine: int64(40 + g.rng.IntN(1800))}
	switch mapping {
	case mapSvc:
		pkg := pkgOf(name)
		if pkg == "" { // assembly symbols such as aeshashbody
			pkg = "runtime"
		}
		f.pkg = pkg
		switch {
		case pkg == "runtime" || strings.HasPrefix(pkg, "internal/runtime") || pkg == "internal/abi":
			file := "proc.go"
			if pkg != "runtime" {
				file = "runtime.go"
			}
			for _, rf := range runtimeFiles {
				if strings.Contains(name, rf.key) {
					file = rf.file
					break
				}
			}
			if strings.Contains(file, "/") {
				f.file = goroot + file
			} else {
				f.file = goroot + pkg + "/" + file
			}
		case pkg == "main":
			f.file = svcDir + "cmd/svc/main.go"
		default:
			if files := g.pkgFiles[pkg]; len(files) > 0 {
				f.file = g.pick(files)
			} else if strings.Contains(pkg, ".") {
				f.file = modDir + pkg + "@v1.0.0/" + g.pick(fileWords) + ".go"
			} else {
				f.file = goroot + pkg + "/" + g.pick(fileWords) + ".go"
			}
		}
	case mapLibc:
		f.startLine = 0
	case mapVdso, mapKernel:
		f.startLine = 0
	}
	return g.addFunc(f)
}

func (g *gen) buildFunctions() {
	// Application functions, distributed over packages by weight.
	const nApp = 7700
	const nHelpers = 1500
	var total float64
	for _, p := range g.pkgs {
		total += p.weight
	}
	for _, p := range g.pkgs {
		n := int(math.Round(float64(nApp) * p.weight / total))
		h := int(math.Round(float64(nHelpers) * p.weight / total))
		for i := 0; i < n; i++ {
			g.addFunc(function{
				name: g.newName(p.path, false), file: g.pick(g.pkgFiles[p.path]),
				startLine: int64(20 + g.rng.IntN(2500)), kind: kindApp, layer: p.layer, pkg: p.path,
			})
		}
		for i := 0; i < h; i++ {
			id := g.addFunc(function{
				name: g.newName(p.path, true), file: g.pick(g.pkgFiles[p.path]),
				startLine: int64(20 + g.rng.IntN(2500)), kind: kindHelper, layer: p.layer, pkg: p.path,
			})
			g.helpers[p.path] = append(g.helpers[p.path], id)
			if p.layer >= 7 {
				g.stdHelper = append(g.stdHelper, id)
			}
		}
	}
}

// ---------------------------------------------------------------------
// Call graph.

type entrySet struct {
	chainFns []int32
	entries  []int32
	labels   []string // handler label per entry ("" for none)
}

var (
	httpEntries, grpcEntries, workerEntries, mainEntries, consumerEntries entrySet
	middlewareFns, interceptorFns, grpcGenerated                          []int32
)

func camel(route string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(route, func(r rune) bool { return r == '/' || r == '{' || r == '}' }) {
		if part == "api" || part == "v1" {
			continue
		}
		if part == "id" || part == "sku" {
			part = "By" + strings.ToUpper(part)
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func (g *gen) newEntry(name string, layer int) int32 {
	if id, ok := g.byName[name]; ok {
		return id
	}
	pkg := pkgOf(name)
	return g.addFunc(function{name: name, file: g.pick(g.pkgFiles[pkg]), startLine: int64(20 + g.rng.IntN(900)),
		kind: kindApp, layer: layer, pkg: pkg})
}

func (g *gen) buildGraph() {
	svc := func(s string) string { return modSvc + "/" + s }
	chain := func(names []string) []int32 {
		var ids []int32
		for _, n := range names {
			ids = append(ids, g.fixed(n, mapSvc))
		}
		return ids
	}
	httpEntries.chainFns = chain(httpRootChain)
	middlewareFns = chain(httpMiddleware)
	for _, r := range httpRoutes {
		httpEntries.entries = append(httpEntries.entries, g.newEntry(svc("internal/api.(*Server).handle"+camel(r)), 0))
		httpEntries.labels = append(httpEntries.labels, r)
	}
	grpcEntries.chainFns = chain(grpcRootChain)
	interceptorFns = chain(grpcInterceptors)
	for _, m := range grpcMethods {
		parts := strings.Split(m, "/")
		svcName := parts[1][strings.LastIndex(parts[1], ".")+1:]
		pkg := strings.ToLower(strings.TrimSuffix(svcName, "Service")) + "v1"
		// The generated handler sits in the fixed part of the chain.
		grpcGenerated = append(grpcGenerated, g.fixed(svc("gen/proto/"+pkg+"._"+svcName+"_"+parts[2]+"_Handler"), mapSvc))
		ent := g.newEntry(svc("internal/grpcapi.(*"+strings.TrimSuffix(svcName, "Service")+"Server)."+parts[2]), 0)
		grpcEntries.entries = append(grpcEntries.entries, ent)
		grpcEntries.labels = append(grpcEntries.labels, m)
	}
	workerEntries.chainFns = chain(workerRootChain)
	for i := 0; i < 24; i++ {
		p := svcPackages[5+g.rng.IntN(40)]
		workerEntries.entries = append(workerEntries.entries,
			g.newEntry(svc(p+".(*"+g.pick(nouns)+"Job).Run"), 1))
	}
	mainEntries.chainFns = chain(mainRootChain)
	for _, n := range []string{"internal/scheduler.(*Scheduler).Run", "internal/ingest.(*Loader).Run", "internal/telemetry/metrics.(*Exporter).loop", "internal/cache.(*Warmer).Run"} {
		mainEntries.entries = append(mainEntries.entries, g.newEntry(svc(n), 1))
	}
	consumerEntries.chainFns = chain(consumerRootChain)
	for i := 0; i < 12; i++ {
		consumerEntries.entries = append(consumerEntries.entries,
			g.newEntry(svc("internal/events.(*Handler).handle"+g.pick(nouns)+"Event"), 1))
	}

	// Rank app functions by layer, randomly within a layer.
	for i := range g.funcs {
		if g.funcs[i].kind == kindApp {
			g.app = append(g.app, int32(i))
		}
	}
	keys := make([]float64, len(g.funcs))
	for _, id := range g.app {
		keys[id] = float64(g.funcs[id].layer) + g.rng.Float64()*0.999
	}
	slices.SortStableFunc(g.app, func(a, b int32) int { return cmp.Compare(keys[a], keys[b]) })
	for r, id := range g.app {
		g.funcs[id].rank = r
	}
	n := len(g.app)
	for r, id := range g.app {
		f := &g.funcs[id]
		k := 2 + g.rng.IntN(6)
		if f.layer >= 7 {
			k = 1 + g.rng.IntN(4)
		}
		seen := map[int32]bool{}
		for e := 0; e < k; e++ {
			var step int
			switch x := g.rng.Float64(); {
			case x < 0.35:
				step = 1 + g.rng.IntN(60)
			case x < 0.80:
				step = 60 + g.rng.IntN(900)
			default:
				step = 900 + g.rng.IntN(3500)
			}
			t := r + step
			if t >= n {
				t = n - 1 - g.rng.IntN(min(200, n-r))
			}
			if t <= r {
				continue
			}
			c := g.app[t]
			if seen[c] {
				continue
			}
			seen[c] = true
			f.callees = append(f.callees, c)
			f.calleeW = append(f.calleeW, 1/math.Pow(float64(len(f.callees)), 0.7))
		}
		if g.rng.Float64() < 0.04 {
			f.recursive = true
		}
		// Mutual recursion: a callee calls back.
		if len(f.callees) > 0 && g.rng.Float64() < 0.01 {
			c := &g.funcs[f.callees[0]]
			c.callees = append(c.callees, id)
			c.calleeW = append(c.calleeW, 0.3)
		}
	}
	// Locations: call sites shared among edges, plus self locations.
	for _, id := range g.app {
		f := &g.funcs[id]
		nSites := 1
		if len(f.callees) > 1 {
			nSites = 1 + g.rng.IntN(len(f.callees))
		}
		sites := make([]int32, nSites)
		for i := range sites {
			sites[i] = g.newLoc(id)
		}
		for range f.callees {
			f.calleeLoc = append(f.calleeLoc, sites[g.rng.IntN(nSites)])
		}
		nSelf := 1
		if g.rng.IntN(20) < 8 {
			nSelf = 2
		}
		for i := 0; i < nSelf; i++ {
			f.selfLocs = append(f.selfLocs, g.newLoc(id))
		}
	}
}

// newLoc creates a location in function fn, inlining helpers into it with
// probability g.inlineP (only for Go functions).
func (g *gen) newLoc(fn int32) int32 {
	f := &g.funcs[fn]
	l := location{fn: fn}
	if f.mapping == mapSvc && f.kind == kindApp && g.rng.Float64() < g.inlineP {
		depth := 1
		if g.rng.IntN(3) == 0 {
			depth = 2
		}
		var chain []int32
		for i := 0; i < depth; i++ {
			var h int32
			if hs := g.helpers[f.pkg]; len(hs) > 0 && g.rng.Float64() < 0.7 {
				h = hs[g.rng.IntN(len(hs))]
			} else {
				h = g.stdHelper[g.rng.IntN(len(g.stdHelper))]
			}
			chain = append(chain, h)
		}
		for i := len(chain) - 1; i >= 0; i-- {
			h := &g.funcs[chain[i]]
			l.lines = append(l.lines, line{fn: chain[i], line: h.startLine + 1 + int64(g.rng.IntN(8))})
		}
	}
	ln := int64(0)
	if f.startLine > 0 {
		ln = f.startLine + 1 + int64(g.rng.IntN(120))
	}
	l.lines = append(l.lines, line{fn: fn, line: ln})
	id := int32(len(g.locs))
	g.locs = append(g.locs, l)
	f.locs = append(f.locs, id)
	return id
}

// callSite returns the location in caller that calls callee, for fixed
// chains (created on first use).
func (g *gen) callSite(caller, callee int32) int32 {
	k := uint64(caller)<<32 | uint64(uint32(callee))
	if l, ok := g.edgeLocs[k]; ok {
		return l
	}
	// An application function calls into runtime / fixed frames from one
	// of its existing call sites.
	if f := &g.funcs[caller]; f.kind == kindApp && len(f.locs) > 0 {
		l := f.locs[int(uint32(callee)*2654435761>>7)%len(f.locs)]
		g.edgeLocs[k] = l
		return l
	}
	l := g.newLoc(caller)
	g.edgeLocs[k] = l
	return l
}

func (g *gen) selfLoc(fn int32) int32 {
	f := &g.funcs[fn]
	if len(f.selfLocs) == 0 || (f.kind == kindFixed && len(f.selfLocs) < 3 && g.rng.IntN(4) == 0) {
		l := g.newLoc(fn)
		f.selfLocs = append(f.selfLocs, l)
		return l
	}
	return f.selfLocs[g.rng.IntN(len(f.selfLocs))]
}

// ---------------------------------------------------------------------
// Stacks.

// builder holds a stack under construction, caller first: function ids
// and, for every frame but the last, the call-site location. The leaf's
// location is chosen by finish.
type builder struct {
	g    *gen
	fns  []int32
	locs []int32
}

func (b *builder) reset() { b.fns, b.locs = b.fns[:0], b.locs[:0] }

// push appends callee; the previous frame's location becomes the call site.
func (b *builder) push(fn int32, site int32) {
	if n := len(b.fns); n > 0 {
		b.locs[n-1] = site
	}
	b.fns = append(b.fns, fn)
	b.locs = append(b.locs, -1)
}

func (b *builder) pushFixed(fn int32) {
	site := int32(-1)
	if n := len(b.fns); n > 0 {
		site = b.g.callSite(b.fns[n-1], fn)
	}
	b.push(fn, site)
}

func (b *builder) finish() []int32 {
	n := len(b.fns)
	b.locs[n-1] = b.g.selfLoc(b.fns[n-1])
	return b.locs
}

func (g *gen) gamma2(theta float64) float64 {
	return -theta * (math.Log(1-g.rng.Float64()) + math.Log(1-g.rng.Float64()))
}

// walkApp extends b from function f for up to budget more frames.
func (g *gen) walkApp(b *builder, f int32, budget int) {
	b.push(f, -1)
	if n := len(b.fns); n > 1 && b.locs[n-2] == -1 {
		b.locs[n-2] = g.callSite(b.fns[n-2], f)
	}
	n := len(g.app)
	w := make([]float64, 0, 16)
	for budget > 1 {
		fn := &g.funcs[f]
		if fn.recursive && g.rng.Float64() < 0.45 {
			b.push(f, g.recursionSite(f))
			budget--
			continue
		}
		if len(fn.callees) == 0 {
			break
		}
		desired := float64(n-fn.rank) / float64(budget+1)
		w = w[:0]
		var sum float64
		for i, c := range fn.callees {
			step := float64(g.funcs[c].rank - fn.rank)
			var fit float64
			if step <= 0 {
				fit = 0.05
			} else if step < desired {
				fit = step / desired
			} else {
				fit = desired / step
			}
			x := fn.calleeW[i] * (0.02 + fit)
			w = append(w, x)
			sum += x
		}
		x := g.rng.Float64() * sum
		i := 0
		for ; i < len(w)-1 && x >= w[i]; i++ {
			x -= w[i]
		}
		b.push(fn.callees[i], fn.calleeLoc[i])
		f = fn.callees[i]
		budget--
	}
}

// recursionSite is the call site of a recursive function's self call.
func (g *gen) recursionSite(f int32) int32 {
	if fn := &g.funcs[f]; len(fn.calleeLoc) > 0 {
		return fn.calleeLoc[0]
	}
	return g.callSite(f, f)
}

type leafPlan struct {
	chain  []int32
	kernel []int32
}

func (g *gen) planLeaf() leafPlan {
	var lp leafPlan
	if g.rng.Float64() > 0.42 {
		return lp
	}
	var total float64
	for _, c := range leafChains {
		total += c.weight
	}
	x := g.rng.Float64() * total
	ci := 0
	for ; ci < len(leafChains)-1 && x >= leafChains[ci].weight; ci++ {
		x -= leafChains[ci].weight
	}
	c := leafChains[ci]
	l := 1 + g.rng.IntN(len(c.chain))
	for _, name := range c.chain[:l] {
		lp.chain = append(lp.chain, g.fixed(name, mapSvc))
	}
	if l == len(c.chain) {
		switch {
		case c.kernel != nil && g.rng.IntN(2) == 0:
			k := 3 + g.rng.IntN(len(c.kernel)-2)
			for _, name := range c.kernel[:k] {
				lp.kernel = append(lp.kernel, g.fixed(name, mapKernel))
			}
		case c.vdso:
			for _, name := range vdsoFuncs {
				lp.kernel = append(lp.kernel, g.fixed(name, mapVdso))
			}
		case c.libc:
			for _, name := range libcFuncs[g.rng.IntN(len(libcFuncs))] {
				lp.kernel = append(lp.kernel, g.fixed(name, mapLibc))
			}
		}
	}
	return lp
}

type stackInfo struct {
	labelled bool
	handler  string
}

// nextStack builds one stack (caller first) into b and says how to label it.
func (g *gen) nextStack(b *builder) stackInfo {
	b.reset()
	var info stackInfo
	x := g.rng.Float64()
	runtimeOnly := func(chains [][]string) {
		c := chains[g.rng.IntN(len(chains))]
		l := min(len(c), 5+g.rng.IntN(len(c)-3))
		for _, n := range c[:l] {
			b.pushFixed(g.fixed(n, mapSvc))
		}
		if tail, ok := kernelTails[c[l-1]]; ok && g.rng.IntN(2) == 0 {
			k := 3 + g.rng.IntN(len(tail)-2)
			for _, n := range tail[:k] {
				b.pushFixed(g.fixed(n, mapKernel))
			}
		}
	}
	switch {
	case x < 0.045:
		runtimeOnly(gcChains)
		return info
	case x < 0.07:
		runtimeOnly(schedChains)
		return info
	}
	depth := 5 + int(math.Round(g.gamma2(5.6)))
	depth = min(depth, 60)
	var es *entrySet
	var prefix []int32
	switch {
	case x < 0.23:
		es = &httpEntries
		prefix = append(prefix, es.chainFns...)
		for _, m := range middlewareFns[:len(middlewareFns)-1] {
			if g.rng.IntN(3) == 0 {
				prefix = append(prefix, m)
			}
		}
		prefix = append(prefix, middlewareFns[len(middlewareFns)-1])
		info.labelled = true
	case x < 0.30:
		es = &grpcEntries
		prefix = append(prefix, es.chainFns...)
		info.labelled = true
	case x < 0.62:
		es = &workerEntries
		prefix = append(prefix, es.chainFns...)
	case x < 0.85:
		es = &consumerEntries
		prefix = append(prefix, es.chainFns...)
	default:
		es = &mainEntries
		prefix = append(prefix, es.chainFns...)
	}
	ei := g.rng.IntN(len(es.entries))
	if es == &grpcEntries {
		prefix = append(prefix, grpcGenerated[ei])
		for _, ic := range interceptorFns {
			if g.rng.IntN(2) == 0 {
				prefix = append(prefix, ic)
			}
		}
	}
	if es.labels != nil {
		info.handler = es.labels[ei]
	}
	for _, f := range prefix {
		b.pushFixed(f)
	}
	leaf := g.planLeaf()
	budget := depth - len(prefix) - len(leaf.chain) - len(leaf.kernel)
	if budget < 1 {
		budget = 1 + g.rng.IntN(2)
		leaf.kernel = nil
	}
	g.walkApp(b, es.entries[ei], budget)
	for _, f := range leaf.chain {
		b.pushFixed(f)
	}
	for _, f := range leaf.kernel {
		b.pushFixed(f)
	}
	return info
}

// ---------------------------------------------------------------------
// Profile assembly.

type stats struct {
	distinct           int
	meanDepth          float64
	minDepth, maxDepth int
	inlined, labelled  int
}

type record struct {
	stack   int32 // index into stack offsets
	count   int64
	handler string
	tenant  string
}

func (g *gen) tenant() string {
	// Zipf-ish over 300 tenants.
	t := int(math.Floor(math.Pow(301, g.rng.Float64()))) - 1
	return fmt.Sprintf("tenant-%04d", t)
}

func (g *gen) buildProfile(nRecords, nStacks int) (*profile.Profile, stats) {
	var st stats
	b := &builder{g: g}
	arena := make([]int32, 0, nStacks*18)
	offs := make([]int32, 0, nStacks+1)
	seen := make(map[string]int32, nStacks)
	var recs []record
	var labelledStacks []int32
	for len(offs) < nStacks {
		info := g.nextStack(b)
		locs := b.finish()
		key := unsafe.String((*byte)(unsafe.Pointer(&locs[0])), len(locs)*4)
		if ri, ok := seen[key]; ok {
			recs[ri].count++
			continue
		}
		seen[strings.Clone(key)] = int32(len(recs))
		offs = append(offs, int32(len(arena)))
		// Store leaf first, as profile.proto wants.
		for i := len(locs) - 1; i >= 0; i-- {
			arena = append(arena, locs[i])
		}
		r := record{stack: int32(len(offs) - 1), count: 1}
		if info.labelled {
			r.handler, r.tenant = info.handler, g.tenant()
			labelledStacks = append(labelledStacks, r.stack)
		}
		recs = append(recs, r)
	}
	offs = append(offs, int32(len(arena)))
	seen = nil
	st.distinct = nStacks

	// Extra records: the same stack seen for another tenant.
	extra := nRecords - nStacks
	if extra > len(labelledStacks) {
		fixture.Fatal("not enough labelled stacks (%d) for %d extra records", len(labelledStacks), extra)
	}
	perm := g.rng.Perm(len(labelledStacks))
	for _, i := range perm[:extra] {
		s := labelledStacks[i]
		orig := recs[s]
		t := g.tenant()
		for t == orig.tenant {
			t = g.tenant()
		}
		recs = append(recs, record{stack: s, count: 1 + int64(g.rng.IntN(2)), handler: orig.handler, tenant: t})
	}
	g.rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })

	// Assign IDs in order of first appearance, as runtime/pprof does.
	m := []*profile.Mapping{
		{ID: 1, Start: 0x400000, Offset: 0, File: "/app/bin/svc", BuildID: "9f3c2a7be01d44c6a5e8f1b2c3d4e5f60718293a", HasFunctions: true, HasFilenames: true, HasLineNumbers: true, HasInlineFrames: true},
		{ID: 2, Start: 0x7f6b1c428000, Offset: 0x28000, File: "/usr/lib/x86_64-linux-gnu/libc.so.6", BuildID: "c289da5071a3399de893d2af81d6a30c62646e1e", HasFunctions: true},
		{ID: 3, Start: 0x7ffd3a1f7000, Offset: 0, File: "[vdso]", HasFunctions: true},
		{ID: 4, Start: 0xffffffff9a000000, Offset: 0, File: "[kernel.kallsyms]", HasFunctions: true},
	}
	g.layout(m)
	locByIdx := make([]*profile.Location, len(g.locs))
	fnByIdx := make([]*profile.Function, len(g.funcs))
	p := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:     10_000_000,
		Mapping:    m,
		TimeNanos:  time.Date(2024, 5, 14, 9, 30, 0, 0, time.UTC).UnixNano(),
	}
	var totalDepth int
	st.minDepth = 1 << 30
	var totalCount int64
	for _, r := range recs {
		stack := arena[offs[r.stack]:offs[r.stack+1]]
		s := &profile.Sample{Location: make([]*profile.Location, len(stack)), Value: []int64{r.count, r.count * 10_000_000}}
		for i, li := range stack {
			loc := locByIdx[li]
			if loc == nil {
				loc = g.toLocation(li, uint64(len(p.Location)+1), m, fnByIdx, p)
				locByIdx[li] = loc
				p.Location = append(p.Location, loc)
				if len(loc.Line) > 1 {
					st.inlined++
				}
			}
			s.Location[i] = loc
		}
		if r.handler != "" {
			s.Label = map[string][]string{"handler": {r.handler}, "tenant": {r.tenant}}
			st.labelled++
		}
		d := len(stack)
		totalDepth += d
		st.minDepth = min(st.minDepth, d)
		st.maxDepth = max(st.maxDepth, d)
		totalCount += r.count
		p.Sample = append(p.Sample, s)
	}
	// A 64-core fleet slice: duration consistent with the total CPU time.
	p.DurationNanos = totalCount * 10_000_000 / 64
	st.meanDepth = float64(totalDepth) / float64(len(recs))
	if err := p.CheckValid(); err != nil {
		fixture.Fatal("invalid profile: %v", err)
	}
	return p, st
}

// layout assigns addresses to every function that is used, mapping by
// mapping, and sets the mapping limits.
func (g *gen) layout(m []*profile.Mapping) {
	next := []uint64{m[0].Start + 0x1000, m[1].Start + 0x400, m[2].Start + 0x600, m[3].Start + 0x1000}
	for i := range g.funcs {
		f := &g.funcs[i]
		if len(f.locs) == 0 {
			continue
		}
		sz := uint64(64 + 48*len(f.locs) + g.rng.IntN(1200))
		if f.mapping != mapSvc {
			sz = uint64(32 + 16*len(f.locs) + g.rng.IntN(400))
		}
		sz = (sz + 31) &^ 31
		f.addr, f.size = next[f.mapping], sz
		next[f.mapping] += sz
		// spread this function's locations over its body
		for k, li := range f.locs {
			span := sz / uint64(len(f.locs)+1)
			g.locs[li].off = span*uint64(k+1) - uint64(g.rng.IntN(int(span/2)+1))
		}
	}
	for i := range m {
		m[i].Limit = (next[i] + 0xfff) &^ 0xfff
	}
}

func (g *gen) toLocation(li int32, id uint64, m []*profile.Mapping, fnByIdx []*profile.Function, p *profile.Profile) *profile.Location {
	l := &g.locs[li]
	f := &g.funcs[l.fn]
	loc := &profile.Location{ID: id, Mapping: m[f.mapping], Address: f.addr + l.off}
	for _, ln := range l.lines {
		pf := fnByIdx[ln.fn]
		if pf == nil {
			src := &g.funcs[ln.fn]
			pf = &profile.Function{ID: uint64(len(p.Function) + 1), Name: src.name, SystemName: src.name,
				Filename: src.file, StartLine: src.startLine}
			fnByIdx[ln.fn] = pf
			p.Function = append(p.Function, pf)
		}
		loc.Line = append(loc.Line, profile.Line{Function: pf, Line: ln.line})
	}
	return loc
}

func encode(p *profile.Profile) []byte {
	var buf bytes.Buffer
	if err := p.WriteUncompressed(&buf); err != nil {
		fixture.Fatal("encode: %v", err)
	}
	return buf.Bytes()
}
