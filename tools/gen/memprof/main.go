// Command memprof stages a leaky allocator and writes two real memory
// profiles of it, as runtime/pprof produces them: the heap profile
// (default sample type inuse_space) and the allocs profile (same data,
// default sample type alloc_space).
//
// Scenario: a request loop feeds a process-wide cache that only ever
// grows -- nothing is evicted -- so its entries stay live. The cache is
// filled from several distinct call sites with objects of different
// sizes: small *entry structs (newEntry), 1 KiB value buffers
// (storeValue), 16 KiB "page" blocks (storePage) and a growing index
// slice (indexKey, via append). Alongside it every request produces
// transient garbage that dies right away: scratch buffers
// (decodeRequest), string building (renderResponse, via fmt and
// strings.Builder) and a temporary map (collectHeaders).
//
// runtime.MemProfileRate is 4096 so that small allocations are sampled
// often enough to show up while the file stays small, and runtime.GC() is
// called before writing so the inuse_* numbers reflect the live heap.
// A user should see, in inuse_space, the retained cache (storePage,
// storeValue, newEntry, indexKey) dominating, and in alloc_space the
// transient sites (decodeRequest, renderResponse, collectHeaders)
// dominating instead -- the classic "what leaks vs. what churns" view.
// Heap samples also carry Go's numeric "bytes" label (object size).
//
// As in any real Go memory profile, buckets created after the last GC
// (for instance by the profile writer's own allocations) appear as
// samples whose four values are all zero; the allocs profile, written
// second, has more of them. A decoder must accept them.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"

	"stacklens/tools/gen/internal/fixture"
)

const generator = "tools/gen/memprof"

const heapScenario = "Heap profile (MemProfileRate=4096, after runtime.GC) of a leaky allocator: a cache that only " +
	"grows, retaining objects of several sizes from several call sites (newEntry, storeValue, storePage, indexKey), " +
	"plus transient garbage (decodeRequest, renderResponse, collectHeaders); default sample type inuse_space."

const allocsScenario = "Allocs profile of the same leaky allocator as heap.pb.gz (same data, default sample type " +
	"alloc_space): the transient call sites dominate allocation volume while the cache dominates inuse."

var memSampleTypes = []string{"alloc_objects/count", "alloc_space/bytes", "inuse_objects/count", "inuse_space/bytes"}

type entry struct {
	key     string
	id      uint64
	hits    int
	value   []byte
	page    []byte
	neighbr *entry
}

// cache is the leak: it is only ever added to.
type cache struct {
	entries map[string]*entry
	index   []string
	pages   [][]byte
}

var theCache = &cache{entries: map[string]*entry{}}

var sink int

//go:noinline
func newEntry(key string, id uint64) *entry {
	return &entry{key: key, id: id}
}

//go:noinline
func storeValue(e *entry, n int) {
	e.value = make([]byte, n)
	e.value[0] = byte(e.id)
}

//go:noinline
func storePage(c *cache, e *entry) {
	p := make([]byte, 16<<10)
	p[0] = byte(e.id)
	e.page = p
	c.pages = append(c.pages, p)
}

//go:noinline
func indexKey(c *cache, key string) {
	c.index = append(c.index, key)
}

//go:noinline
func decodeRequest(id int) []byte {
	buf := make([]byte, 2048+id%4096)
	for i := 0; i < len(buf); i += 512 {
		buf[i] = byte(id)
	}
	return buf
}

//go:noinline
func renderResponse(id int, body []byte) string {
	var sb strings.Builder
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&sb, "item=%d len=%d;", id+i, len(body))
	}
	return sb.String()
}

//go:noinline
func collectHeaders(id int) map[string]string {
	h := make(map[string]string, 8)
	for i := 0; i < 8; i++ {
		h["X-Header-"+strconv.Itoa(i)] = strconv.Itoa(id * i)
	}
	return h
}

//go:noinline
func handleRequest(c *cache, id int) {
	req := decodeRequest(id)
	hdr := collectHeaders(id)
	resp := renderResponse(id, req)
	sink += len(resp) + len(hdr)

	// Every 4th request inserts into the never-evicted cache.
	if id%4 == 0 {
		key := "user:" + strconv.Itoa(id)
		e := newEntry(key, uint64(id))
		storeValue(e, 1024)
		if id%32 == 0 {
			storePage(c, e)
		}
		c.entries[key] = e
		indexKey(c, key)
	}
}

func main() {
	heapOut := flag.String("out", "heap.pb.gz", "output path of the gzipped heap profile")
	allocsOut := flag.String("allocs-out", "allocs.pb.gz", "output path of the gzipped allocs profile")
	requests := flag.Int("requests", 60000, "number of simulated requests")
	sidecar := flag.Bool("sidecar", true, "also write <out>.json describing each fixture")
	flag.Parse()

	runtime.MemProfileRate = 4096

	for id := 0; id < *requests; id++ {
		handleRequest(theCache, id)
	}
	// Two cycles: the heap profile is published as of the most recently
	// completed GC, and the first one also sweeps the transient garbage.
	runtime.GC()
	runtime.GC()

	for _, w := range []struct{ name, path, scenario string }{
		{"heap", *heapOut, heapScenario},
		{"allocs", *allocsOut, allocsScenario},
	} {
		var buf bytes.Buffer
		if err := pprof.Lookup(w.name).WriteTo(&buf, 0); err != nil {
			fixture.Fatal("write %s profile: %v", w.name, err)
		}
		fixture.Save(w.path, buf.Bytes(), *sidecar, w.scenario, generator, memSampleTypes, "")
		fmt.Printf("memprof: wrote %s (%d bytes)\n", w.path, buf.Len())
	}
	runtime.KeepAlive(theCache)
}
