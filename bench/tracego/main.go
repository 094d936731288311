// Command tracego times Go's own execution-trace parser (golang.org/x/exp/trace, the
// exported copy of the runtime's internal/trace) reading every event of a trace, for
// bench/trace.bench.ts. It prints one JSON line: events, wall and CPU seconds, peak RSS.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"golang.org/x/exp/trace"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tracego FILE")
		os.Exit(2)
	}
	start := time.Now()
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	r, err := trace.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	events := 0
	goroutineTransitions := 0
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		events++
		// Touch what an analysis reads: the kind and, for transitions, the resource.
		if ev.Kind() == trace.EventStateTransition && ev.StateTransition().Resource.Kind == trace.ResourceGoroutine {
			goroutineTransitions++
		}
	}
	elapsed := time.Since(start)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"events":               events,
		"goroutineTransitions": goroutineTransitions,
		"seconds":              elapsed.Seconds(),
		"cpuSeconds":           time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds(),
		"maxRssMiB":            float64(ru.Maxrss) / 1024,
	})
}
