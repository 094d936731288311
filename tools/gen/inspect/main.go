// Command inspect prints summary statistics for pprof profiles: sample
// types, sample records, distinct stacks, functions, locations (and how
// many carry more than one Line, i.e. inlined frames), mappings, label
// keys, stack depth and the uncompressed proto size. It generates
// nothing; run.sh and bench.sh use it to check the fixtures they write,
// and -require-* flags turn the checks into a non-zero exit status.
//
// Usage: inspect [-require-inline N] [-require-labels k1,k2] file.pb.gz...
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/google/pprof/profile"
)

func main() {
	reqInline := flag.Int("require-inline", 0, "fail unless at least N locations have more than one Line")
	reqLabels := flag.String("require-labels", "", "comma-separated string label keys that must appear on some sample")
	reqFuncs := flag.String("require-funcs", "", "|-separated function names that must appear in some sample's stack")
	flag.Parse()
	failed := false
	for _, path := range flag.Args() {
		if err := inspect(path, *reqInline, *reqLabels, *reqFuncs); err != nil {
			fmt.Fprintf(os.Stderr, "inspect: %s: %v\n", path, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

func inspect(path string, reqInline int, reqLabels, reqFuncs string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	size := int64(len(raw))
	if zr, err := gzip.NewReader(bytes.NewReader(raw)); err == nil {
		size, err = io.Copy(io.Discard, zr)
		if err != nil {
			return err
		}
	}
	p, err := profile.ParseData(raw)
	if err != nil {
		return err
	}
	var types []string
	for _, st := range p.SampleType {
		types = append(types, st.Type+"/"+st.Unit)
	}
	stacks := map[string]struct{}{}
	labelKeys := map[string]int{}
	numLabelKeys := map[string]int{}
	usedFuncs := map[string]bool{}
	var depth, frames, maxDepth int
	minDepth := -1
	var key strings.Builder
	for _, s := range p.Sample {
		key.Reset()
		d := 0
		for _, l := range s.Location {
			fmt.Fprintf(&key, "%d,", l.ID)
			d += max(1, len(l.Line))
			for _, ln := range l.Line {
				if ln.Function != nil {
					usedFuncs[ln.Function.Name] = true
				}
			}
		}
		stacks[key.String()] = struct{}{}
		depth += len(s.Location)
		frames += d
		maxDepth = max(maxDepth, len(s.Location))
		if minDepth < 0 || len(s.Location) < minDepth {
			minDepth = len(s.Location)
		}
		for k := range s.Label {
			labelKeys[k]++
		}
		for k := range s.NumLabel {
			numLabelKeys[k]++
		}
	}
	multi, lines3 := 0, 0
	for _, l := range p.Location {
		if len(l.Line) > 1 {
			multi++
		}
		if len(l.Line) > 2 {
			lines3++
		}
	}
	n := max(1, len(p.Sample))
	fmt.Printf("%s\n", path)
	fmt.Printf("  sample types:     %s (default %q)\n", strings.Join(types, ", "), p.DefaultSampleType)
	fmt.Printf("  period:           %d %s\n", p.Period, vt(p.PeriodType))
	fmt.Printf("  sample records:   %d\n", len(p.Sample))
	fmt.Printf("  distinct stacks:  %d\n", len(stacks))
	fmt.Printf("  functions:        %d\n", len(p.Function))
	fmt.Printf("  locations:        %d (%d with >1 line, %d with >2 lines)\n", len(p.Location), multi, lines3)
	fmt.Printf("  mappings:         %d\n", len(p.Mapping))
	fmt.Printf("  stack depth:      mean %.1f locations / %.1f frames, min %d, max %d\n",
		float64(depth)/float64(n), float64(frames)/float64(n), max(0, minDepth), maxDepth)
	fmt.Printf("  string labels:    %s\n", counts(labelKeys))
	fmt.Printf("  numeric labels:   %s\n", counts(numLabelKeys))
	fmt.Printf("  bytes:            %d gz, %d uncompressed\n", len(raw), size)

	if multi < reqInline {
		return fmt.Errorf("only %d locations with inlined lines, want >= %d", multi, reqInline)
	}
	if reqLabels != "" {
		for _, k := range strings.Split(reqLabels, ",") {
			if labelKeys[k] == 0 {
				return fmt.Errorf("no sample carries string label %q", k)
			}
		}
	}
	if reqFuncs != "" {
		for _, f := range strings.Split(reqFuncs, "|") {
			if !usedFuncs[f] {
				return fmt.Errorf("function %q appears in no sample", f)
			}
		}
	}
	return nil
}

func vt(v *profile.ValueType) string {
	if v == nil {
		return ""
	}
	return v.Type + "/" + v.Unit
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	var parts []string
	for _, k := range ks {
		parts = append(parts, fmt.Sprintf("%s on %d samples", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
