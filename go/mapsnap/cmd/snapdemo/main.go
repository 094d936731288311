// Command snapdemo builds a few maps and writes their snapshots as
// stacklens.mapsnap/v1 JSON files (the examples in testdata/mapsnap).
//
//	go run ./cmd/snapdemo -out ../../testdata/mapsnap
//
// Built with a toolchain whose maps are classic (go1.22–go1.23, or go1.24–go1.25
// with GOEXPERIMENT=noswissmap) it writes the same maps as classic-<name>.json,
// plus classic-int-53-growing.json: a map caught in the middle of a grow.
//
//	GOTOOLCHAIN=go1.23.0 go run ./cmd/snapdemo -out ../../testdata/mapsnap
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"stacklens/go/mapsnap"
)

type point struct {
	X, Y int32
	Tag  string
}

func write(dir, name string, m any, opt mapsnap.Options) string {
	s, err := mapsnap.CaptureWith(m, opt)
	if err != nil {
		log.Fatal(err)
	}
	if s.Layout == "classic" {
		name = "classic-" + name
	}
	s.Capture.Label = name
	f, err := os.Create(filepath.Join(dir, name+".json"))
	if err != nil {
		log.Fatal(err)
	}
	if err := mapsnap.WriteJSON(f, s); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: count=%d\n", name, s.Count)
	return s.Layout
}

func main() {
	out := flag.String("out", ".", "output directory")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}

	small := map[int]string{}
	for i := 1; i <= 5; i++ {
		small[i] = fmt.Sprint(i)
	}
	layout := write(*out, "small-int-5", small, mapsnap.Options{})

	strs := map[string]int{}
	for i := 0; i < 100; i++ {
		strs[fmt.Sprintf("user-%03d", i)] = i
	}
	write(*out, "string-100", strs, mapsnap.Options{})

	pts := map[point]int{}
	for i := 0; i < 1000; i++ {
		pts[point{int32(i % 37), int32(i / 37), "p"}] = i
	}
	write(*out, "struct-1000", pts, mapsnap.Options{})

	ints := map[int]int{}
	for i := 0; i < 5000; i++ {
		ints[i] = i
	}
	for i := 0; i < 5000; i += 3 {
		delete(ints, i)
	}
	write(*out, "int-5000-deleted-third", ints, mapsnap.Options{})

	// "Maps never shrink": grow to 100k entries, then delete 99%.
	big := map[int]int{}
	for i := 0; i < 100000; i++ {
		big[i] = i
	}
	for i := 0; i < 99000; i++ {
		delete(big, i)
	}
	write(*out, "int-100k-mostly-deleted", big, mapsnap.Options{NoKeys: true})

	if layout == "classic" {
		// 52 = 6.5 × 8 entries fill 8 buckets; the 53rd starts a grow to 16 and
		// evacuates one or two of the 8 old buckets; one more write, one or two more.
		growing := map[int]int{}
		for i := 0; i < 54; i++ {
			growing[i] = i
		}
		write(*out, "int-53-growing", growing, mapsnap.Options{})
	}
}
