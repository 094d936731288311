// Command restartloop stages a hot upgrade gone wrong, for perf's execve tracepoints: the
// running program (generation 1) serves briefly (main.serve) and replaces itself in place
// with syscall.Exec of its own binary (an in-place upgrade, same PID); the new image fails
// its readiness check (main.readinessCheck, which always fails from generation 2 on) and,
// like a supervisor-less restart-on-failure wrapper, re-executes itself — until -max
// generations have run. In the recording the program's name replaces itself -max − 1 times
// within a fraction of a second: the "several execve = a restart loop" reading of seed 000.
//
// restartloop/record.sh runs it under `perf record` and writes
// testdata/perf/restart-loop.perf.txt. Every process prints one line to stderr,
// "restartloop: gen=G pid=P", which the script stores in the sidecar.
package main

import (
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"strconv"
	"syscall"
	"time"
)

var sink uint64

// serve burns a little CPU so the cpu-clock samples show each generation's work.
func serve(d time.Duration) {
	buf := make([]byte, 4096)
	for end := time.Now().Add(d); time.Now().Before(end); {
		h := fnv.New64a()
		h.Write(buf)
		sink += h.Sum64()
	}
}

// readinessCheck stands for the new binary's start-up check (config, ports, migrations).
func readinessCheck(gen int) error {
	serve(20 * time.Millisecond)
	if gen >= 2 {
		return errors.New("config check failed: unknown field \"listen_v2\"")
	}
	return nil
}

// reexec replaces the process image with the same binary at the next generation.
func reexec(gen int) {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "restartloop: %v\n", err)
		os.Exit(1)
	}
	args := []string{self, "-gen", strconv.Itoa(gen + 1), "-max", strconv.Itoa(*maxGen)}
	err = syscall.Exec(self, args, os.Environ())
	fmt.Fprintf(os.Stderr, "restartloop: exec: %v\n", err)
	os.Exit(1)
}

var maxGen = flag.Int("max", 4, "generations to run before giving up")

func main() {
	gen := flag.Int("gen", 1, "generation (set by the program itself when it re-executes)")
	flag.Parse()
	fmt.Fprintf(os.Stderr, "restartloop: gen=%d pid=%d\n", *gen, os.Getpid())
	if *gen == 1 {
		serve(50 * time.Millisecond)
		reexec(*gen) // the upgrade
	}
	if err := readinessCheck(*gen); err != nil {
		fmt.Fprintf(os.Stderr, "restartloop: gen %d not ready: %v\n", *gen, err)
		if *gen < *maxGen {
			reexec(*gen) // restart on failure
		}
		os.Exit(1)
	}
	serve(50 * time.Millisecond)
}
