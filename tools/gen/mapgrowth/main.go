// Command mapgrowth writes real heap profiles of a program whose allocations
// are mostly map growth, from distinct user functions, to find out what map
// growth looks like in a Go heap profile — and to give the "map growth
// hotspots" analysis a fixture it can be checked on.
//
// Scenario (runtime.MemProfileRate = 1, so every allocation is recorded and
// the profile values are exact, not sampled):
//   - buildIndex grows a map[int]int from empty to 60000 entries with
//     m[i] = i (runtime.mapassign_fast64: growToSmall, growToTable, table
//     grows up to 1024 slots, then splits and directory doublings);
//   - collectNames grows a map[string]*record to 20000 entries
//     (runtime.mapassign_faststr; the keys and records are allocated by the
//     same function, next to the map growth);
//   - decodeCounts json.Unmarshals 3000 counters into a map[string]int
//     (the map is filled through reflect.mapassign_faststr0);
//   - snapshotIndex maps.Clones the 60000-entry index (maps.clone).
//
// Every map stays reachable, so inuse_* equal alloc_* for the map memory.
//
// Finding: runtime/pprof's heap writer (runtime/pprof/protomem.go,
// writeHeapProto) drops every leading frame whose function is named
// runtime.* or internal/runtime/* — the allocation stack starts at the first
// other frame. So in the profile runtime/pprof writes, the growth inside
// m[k] = v has no map frame at all: it is charged to the line of buildIndex /
// collectNames doing the assignment. Map frames survive only where the entry
// point into the map code is not runtime-named: reflect.mapassign_faststr0
// (encoding/json, reflection) and maps.clone (maps.Clone).
//
// The runtime's records do carry the full stacks; only the writer hides
// them. So the program also writes the same kind of profile from
// runtime.MemProfile itself with every frame kept (symbolized with
// runtime.CallersFrames, inlined frames expanded), written with
// github.com/google/pprof/profile. That file shows the real internal path of
// map growth: runtime.mapassign_fast64 → internal/runtime/maps.(*table).rehash
// → (*table).grow / (*table).split → newTable → (*table).reset → newGroups
// (inlined) → internal/runtime/maps.newarray (the runtime's, by linkname) →
// runtime.newarray → runtime.mallocgc.
//
// Outputs: -out (runtime/pprof's heap profile, default sample type
// inuse_space as Go writes it) and -frames-out (all frames kept).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/google/pprof/profile"

	"stacklens/tools/gen/internal/fixture"
)

const generator = "tools/gen/mapgrowth"

const heapScenario = "Heap profile as runtime/pprof writes it (MemProfileRate=1, exact values, after runtime.GC) of map growth " +
	"from four user functions: buildIndex (map[int]int to 60000 entries), collectNames (map[string]*record to 20000), " +
	"decodeCounts (json.Unmarshal of 3000 counters into a map[string]int) and snapshotIndex (maps.Clone of the index). " +
	"runtime/pprof drops the leading runtime.* / internal/runtime/* frames of every allocation stack, so only the " +
	"reflect.mapassign_faststr0 and maps.clone map frames remain; the growth under m[k] = v is charged to the user line."

const framesScenario = "The same program's allocation records (runtime.MemProfile after runtime.GC, MemProfileRate=1) written " +
	"as a pprof heap profile with every frame kept — runtime/pprof's writer would drop the leading runtime frames; this " +
	"one does not. Symbolized with runtime.CallersFrames (inlined frames expanded), written with " +
	"github.com/google/pprof/profile; sample types, period and the numeric \"bytes\" label as runtime/pprof writes them."

var heapSampleTypes = []string{"alloc_objects/count", "alloc_space/bytes", "inuse_objects/count", "inuse_space/bytes"}

type record struct {
	name string
	seen int
}

// Everything built stays reachable so inuse equals alloc for the maps.
var keep struct {
	index    map[int]int
	names    map[string]*record
	counts   map[string]int
	snapshot map[int]int
}

//go:noinline
func buildIndex(n int) map[int]int {
	m := map[int]int{}
	for i := 0; i < n; i++ {
		m[i] = i * 7
	}
	return m
}

//go:noinline
func collectNames(n int) map[string]*record {
	m := make(map[string]*record)
	for i := 0; i < n; i++ {
		name := "user-" + strconv.Itoa(i)
		m[name] = &record{name: name, seen: i}
	}
	return m
}

// counterJSON runs before MemProfileRate is set to 1 (so it is at most
// sampled at the default rate), leaving decodeCounts' records to the decoding.
func counterJSON(n int) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%d", "metric."+strconv.Itoa(i), i)
	}
	b.WriteByte('}')
	return []byte(b.String())
}

//go:noinline
func decodeCounts(data []byte) map[string]int {
	var m map[string]int
	if err := json.Unmarshal(data, &m); err != nil {
		fixture.Fatal("decodeCounts: %v", err)
	}
	return m
}

//go:noinline
func snapshotIndex(m map[int]int) map[int]int {
	return maps.Clone(m)
}

func main() {
	out := flag.String("out", "testdata/pprof/mapgrowth.heap.pb.gz", "heap profile as runtime/pprof writes it")
	framesOut := flag.String("frames-out", "testdata/pprof/mapgrowth.frames.heap.pb.gz", "the same records with every frame kept")
	sidecar := flag.Bool("sidecar", true, "write <out>.json sidecars")
	flag.Parse()

	data := counterJSON(3000)
	runtime.MemProfileRate = 1
	keep.index = buildIndex(60000)
	keep.names = collectNames(20000)
	keep.counts = decodeCounts(data)
	keep.snapshot = snapshotIndex(keep.index)
	// Two cycles: MemProfile reports the allocations as of the last completed GC.
	runtime.GC()
	runtime.GC()

	records := memProfile()
	full, err := allFramesProfile(records)
	if err != nil {
		fixture.Fatal("frames profile: %v", err)
	}

	var heap bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&heap, 0); err != nil {
		fixture.Fatal("heap profile: %v", err)
	}
	if len(keep.index) != 60000 || len(keep.names) != 20000 || len(keep.counts) != 3000 || len(keep.snapshot) != 60000 {
		fixture.Fatal("maps lost entries")
	}
	if err := check(heap.Bytes(), false); err != nil {
		fixture.Fatal("%s: %v", *out, err)
	}
	if err := check(full, true); err != nil {
		fixture.Fatal("%s: %v", *framesOut, err)
	}
	fixture.Save(*out, heap.Bytes(), *sidecar, heapScenario, generator, heapSampleTypes, "")
	fixture.Save(*framesOut, full, *sidecar, framesScenario, generator, heapSampleTypes, "")
}

func memProfile() []runtime.MemProfileRecord {
	n, _ := runtime.MemProfile(nil, true)
	for {
		recs := make([]runtime.MemProfileRecord, n+64)
		m, ok := runtime.MemProfile(recs, true)
		if ok {
			return recs[:m]
		}
		n = m
	}
}

// allFramesProfile writes records as runtime/pprof's writeHeapProto does
// (rate 1: values unscaled; numeric label "bytes" = average object size),
// minus its hiding of the leading runtime frames.
func allFramesProfile(records []runtime.MemProfileRecord) ([]byte, error) {
	p := &profile.Profile{
		SampleType: []*profile.ValueType{
			{Type: "alloc_objects", Unit: "count"},
			{Type: "alloc_space", Unit: "bytes"},
			{Type: "inuse_objects", Unit: "count"},
			{Type: "inuse_space", Unit: "bytes"},
		},
		PeriodType: &profile.ValueType{Type: "space", Unit: "bytes"},
		Period:     1,
		TimeNanos:  time.Now().UnixNano(),
	}
	funcs := map[string]*profile.Function{}
	function := func(fr runtime.Frame) *profile.Function {
		if f, ok := funcs[fr.Function]; ok {
			return f
		}
		f := &profile.Function{ID: uint64(len(p.Function) + 1), Name: fr.Function, SystemName: fr.Function, Filename: fr.File}
		funcs[fr.Function] = f
		p.Function = append(p.Function, f)
		return f
	}
	locs := map[string]*profile.Location{}
	// A location is one physical return PC plus the frames inlined into it. The
	// runtime's profiling stacks list inlined calls as their own (synthetic) PCs,
	// whose frames have no Func; they belong to the next physical frame, as
	// runtime/pprof's appendLocsForStack groups them.
	location := func(pcs []uintptr, lines []profile.Line) *profile.Location {
		key := fmt.Sprint(pcs)
		if l, ok := locs[key]; ok {
			return l
		}
		l := &profile.Location{ID: uint64(len(p.Location) + 1), Address: uint64(pcs[len(pcs)-1]), Line: lines}
		locs[key] = l
		p.Location = append(p.Location, l)
		return l
	}
	for _, r := range records {
		s := &profile.Sample{
			Value: []int64{r.AllocObjects, r.AllocBytes, r.InUseObjects(), r.InUseBytes()},
		}
		var pcs []uintptr
		var lines []profile.Line
		frames := runtime.CallersFrames(r.Stack())
		for {
			fr, more := frames.Next()
			if fr.Function != "" {
				pcs = append(pcs, fr.PC)
				lines = append(lines, profile.Line{Function: function(fr), Line: int64(fr.Line)})
				if fr.Func != nil {
					s.Location = append(s.Location, location(pcs, lines))
					pcs, lines = nil, nil
				}
			}
			if !more {
				break
			}
		}
		if len(lines) > 0 {
			s.Location = append(s.Location, location(pcs, lines))
		}
		if r.AllocObjects > 0 {
			s.NumLabel = map[string][]int64{"bytes": {r.AllocBytes / r.AllocObjects}}
		}
		p.Sample = append(p.Sample, s)
	}
	if err := p.CheckValid(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// check: the frames profile must show the internal growth path; runtime/pprof's
// must not (if a future Go keeps those frames, this generator's finding is stale).
func check(data []byte, wantInternal bool) error {
	p, err := profile.Parse(bytes.NewReader(data))
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, s := range p.Sample {
		for _, l := range s.Location {
			for _, ln := range l.Line {
				seen[ln.Function.Name] = true
			}
		}
	}
	for _, fn := range []string{"main.buildIndex", "main.collectNames", "main.decodeCounts", "main.snapshotIndex", "reflect.mapassign_faststr0", "maps.clone"} {
		if !seen[fn] {
			return fmt.Errorf("no frame of %s", fn)
		}
	}
	internal := []string{"runtime.mapassign_fast64", "runtime.mapassign_faststr", "internal/runtime/maps.(*table).grow", "internal/runtime/maps.(*table).split", "internal/runtime/maps.(*Map).growToTable"}
	for _, fn := range internal {
		if seen[fn] != wantInternal {
			return fmt.Errorf("frame %s present=%v, want %v", fn, seen[fn], wantInternal)
		}
	}
	return nil
}
