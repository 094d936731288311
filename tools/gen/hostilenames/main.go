// Command hostilenames writes testdata/pprof/hostile-names.pb.gz, the
// fixture for the XSS / escaping tests. It is the ONLY fixture in the
// repository whose content is rewritten after the Go runtime produced it;
// every other fixture is exactly what runtime/pprof wrote.
//
// Scenario: the program takes a real CPU profile (about one second,
// -duration) of four CPU-burning functions running on their own
// goroutines (main.victimImg, main.victimScript, main.(*T).victimMethod,
// main.victimLong), each under pprof.Do labels whose keys and values
// contain HTML -- e.g. handler=`<img src=x onerror="window.__xss=3">` and
// a key `<b>tenant</b>` -- so those labels are genuine runtime labels.
// It then parses the profile with github.com/google/pprof/profile and
// renames the four functions (Name and SystemName) to hostile strings:
//
//	<img src=x onerror="window.__xss=1">
//	<script>window.__xss=2</script>main.handler
//	main.(*T).m"'&<b>bold</b>
//	a 5000-character name
//
// and gives main.victimImg's file a hostile name as well. A viewer that
// renders any of these as markup instead of text sets window.__xss (or
// shows bold text); a correct viewer shows the raw strings verbatim and
// copes with the 5000-character name without breaking its layout.
// The program checks that every hostile name is reached by some sample.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/google/pprof/profile"

	"stacklens/tools/gen/internal/fixture"
)

const generator = "tools/gen/hostilenames"

const scenario = "XSS fixture, the only rewritten one: a real CPU profile whose function names main.victimImg, " +
	"main.victimScript, main.(*T).victimMethod and main.victimLong were renamed with the pprof profile package to " +
	"HTML/script payloads and a 5000-char name (plus one hostile file name); samples carry genuine pprof.Do labels " +
	"with HTML in keys and values."

// Hostile replacement names, keyed by the real function they replace.
var renames = map[string]string{
	"main.victimImg":         `<img src=x onerror="window.__xss=1">`,
	"main.victimScript":      `<script>window.__xss=2</script>main.handler`,
	"main.(*T).victimMethod": `main.(*T).m"'&<b>bold</b>`,
	"main.victimLong":        longName(5000),
}

const hostileFile = `"><svg onload="window.__xss=4">/victim.go`

// longName returns a plausible-looking Go symbol exactly n bytes long.
func longName(n int) string {
	var b strings.Builder
	b.WriteString("github.com/acme/generated/very/deep/package/path.Decode[")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "map[string]*github.com/acme/generated/types.Field%04d,", i)
	}
	return b.String()[:n-1] + "]"
}

var sink struct {
	sync.Mutex
	v uint64
}

func stopped(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	default:
		return false
	}
}

func keep(x uint64) {
	sink.Lock()
	sink.v += x
	sink.Unlock()
}

// Each victim spins in its own loop (rather than calling a shared helper)
// so that the hostile names are the leaf frames and carry flat time.

//go:noinline
func victimImg(ctx context.Context) {
	x := uint64(1)
	for !stopped(ctx) {
		for i := 0; i < 20000; i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
		}
	}
	keep(x)
}

//go:noinline
func victimScript(ctx context.Context) {
	x := uint64(2)
	for !stopped(ctx) {
		for i := 0; i < 20000; i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
		}
	}
	keep(x)
}

type T struct{ seed uint64 }

//go:noinline
func (t *T) victimMethod(ctx context.Context) {
	x := t.seed
	for !stopped(ctx) {
		for i := 0; i < 20000; i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
		}
	}
	keep(x)
}

//go:noinline
func victimLong(ctx context.Context) {
	x := uint64(4)
	for !stopped(ctx) {
		for i := 0; i < 20000; i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
		}
	}
	keep(x)
}

func main() {
	out := flag.String("out", "hostile-names.pb.gz", "output path of the gzipped, rewritten CPU profile")
	dur := flag.Duration("duration", time.Second, "how long to profile")
	sidecar := flag.Bool("sidecar", true, "also write <out>.json describing the fixture")
	flag.Parse()

	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		fixture.Fatal("start cpu profile: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	var wg sync.WaitGroup
	run := func(labels pprof.LabelSet, f func(context.Context)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pprof.Do(ctx, labels, f)
		}()
	}
	run(pprof.Labels("handler", `<img src=x onerror="window.__xss=3">`, "<b>tenant</b>", "acme"), victimImg)
	run(pprof.Labels("handler", `</script><script>window.__xss=5</script>`, "<b>tenant</b>", `"quoted" & 'single'`), victimScript)
	run(pprof.Labels("handler", "/api/<i>v1</i>?a=1&b=2"), (&T{seed: 3}).victimMethod)
	run(pprof.Labels("handler", "plain"), victimLong)
	wg.Wait()
	cancel()
	pprof.StopCPUProfile()

	p, err := profile.Parse(&buf)
	if err != nil {
		fixture.Fatal("parse own cpu profile: %v", err)
	}
	seen := map[string]bool{}
	for _, f := range p.Function {
		if hostile, ok := renames[f.Name]; ok {
			if f.Name == "main.victimImg" {
				f.Filename = hostileFile
			}
			f.Name, f.SystemName = hostile, hostile
		}
	}
	for _, s := range p.Sample {
		for _, l := range s.Location {
			for _, ln := range l.Line {
				seen[ln.Function.Name] = true
			}
		}
	}
	for orig, hostile := range renames {
		if !seen[hostile] {
			fixture.Fatal("no sample reached %s; rerun with a longer -duration", orig)
		}
	}
	if err := p.CheckValid(); err != nil {
		fixture.Fatal("rewritten profile invalid: %v", err)
	}
	var outBuf bytes.Buffer
	if err := p.Write(&outBuf); err != nil {
		fixture.Fatal("encode: %v", err)
	}
	fixture.Save(*out, outBuf.Bytes(), *sidecar, scenario, generator, []string{"samples/count", "cpu/nanoseconds"}, "")
	fmt.Printf("hostilenames: wrote %s (%d bytes)\n", *out, outBuf.Len())
}
