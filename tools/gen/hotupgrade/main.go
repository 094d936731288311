// Command hotupgrade stages the two ways a Go server replaces its own binary
// ("hot upgrade", "graceful restart"), so that `perf record` can capture the
// exact moment the process image is replaced (syscalls:sys_enter_execve and
// sched:sched_process_exec) next to cpu-clock samples of the work around it.
// tools/gen/hotupgrade/record.sh runs it under perf and writes
// testdata/perf/*.perf.txt.
//
// Scenario, -mode forkexec (the graceful-restart library model):
//
//   - generation 1 opens a loopback listener (127.0.0.1:0, never anything
//     else), serves a few requests to itself (main.serveRequests ->
//     main.handleRequest -> main.checksum) and then upgrades: it starts a
//     NEW process of its own binary with os/exec (fork + execve in the
//     child), passing the listener as inherited fd 3 (ExtraFiles) and
//     LISTEN_FDS=1 in the environment, like facebookgo/grace or
//     cloudflare/tableflip do;
//   - generation 2 (same binary, "-gen 2") rebuilds the listener from fd 3
//     with net.FileListener, serves through it (so the handoff is real),
//     burns CPU in main.warmCaches and exits;
//   - generation 1 waits until generation 2 reports "ready" on a pipe,
//     drains (main.drainOld) and exits WITHOUT waiting for generation 2.
//
// In the recording: one sched_process_fork hotupgrade(P1) -> hotupgrade(P2)
// (beside the runtime's thread clones), then sys_enter_execve and
// sched_process_exec in P2 with pid == old_pid == P2, then P1 exits before P2.
//
// Scenario, -mode inplace (the in-place re-exec model):
//
//   - generation 1 does CPU work (main.oldImageWork) and calls syscall.Exec
//     on its own binary with "-gen 2": the SAME PID continues as the new
//     image, keeping its non-CLOEXEC fds (the listener is passed as fd 3 the
//     same way, after clearing FD_CLOEXEC), losing all Go runtime state;
//   - generation 2 rebuilds the listener, does work in main.newImageWork and
//     exits.
//
// In the recording: sys_enter_execve and sched_process_exec in P1 and no fork
// leading to it. sched_process_exec's old_pid is the tid that called execve:
// with -exec-from leader (main goroutine, locked to the leader thread) it is
// P1; with -exec-from worker (the default, a goroutine on another thread,
// which is what an ordinary Go program does most of the time) it is that
// thread's tid while pid stays P1 — the kernel moves the exec'ing thread into
// the leader's PID. The exec'ing process prints "hotupgrade: exec pid=P tid=T".
//
// Every process prints one machine-readable line to stderr,
// "hotupgrade: mode=M gen=G pid=P ppid=Q", which record.sh stores in the
// sidecar so tests can compare PIDs exactly.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"
)

var sink uint64

// checksum is the CPU-bound leaf of every request.
//
//go:noinline
func checksum(seed uint64, rounds int) uint64 {
	h := seed | 1
	for i := 0; i < rounds; i++ {
		h ^= h << 13
		h ^= h >> 7
		h ^= h << 17
		h += uint64(i)
	}
	return h
}

// burn keeps the CPU busy for about d in fn-named callers.
func burn(d time.Duration, seed uint64) {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		sink += checksum(seed, 200_000)
	}
}

//go:noinline
func handleRequest(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 8)
	n, _ := io.ReadFull(c, buf)
	var seed uint64
	for _, b := range buf[:n] {
		seed = seed<<8 | uint64(b)
	}
	burn(15*time.Millisecond, seed)
	fmt.Fprintf(c, "%d\n", sink&0xffff)
}

// serveRequests accepts n connections and answers each; a client goroutine
// dials the listener itself, so no outside traffic is involved.
func serveRequests(ln net.Listener, n int) {
	go func() {
		for i := 0; i < n; i++ {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				return
			}
			c.Write([]byte("reqseed" + string(rune('0'+i%10))))
			io.Copy(io.Discard, c)
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, err := ln.Accept()
		if err != nil {
			die("accept: %v", err)
		}
		handleRequest(c)
	}
}

// The named phases stay out of line so that perf shows them as frames.

//go:noinline
func warmCaches() { burn(150*time.Millisecond, 2) }

//go:noinline
func drainOld() { burn(60*time.Millisecond, 3) }

//go:noinline
func oldImageWork() { burn(150*time.Millisecond, 4) }

//go:noinline
func newImageWork() { burn(150*time.Millisecond, 5) }

func die(f string, a ...any) {
	fmt.Fprintf(os.Stderr, "hotupgrade: "+f+"\n", a...)
	os.Exit(1)
}

func announce(mode string, gen int) {
	fmt.Fprintf(os.Stderr, "hotupgrade: mode=%s gen=%d pid=%d ppid=%d\n", mode, gen, os.Getpid(), os.Getppid())
}

func inheritedListener() net.Listener {
	if os.Getenv("LISTEN_FDS") != "1" {
		die("gen 2 without LISTEN_FDS=1")
	}
	f := os.NewFile(3, "listener")
	ln, err := net.FileListener(f)
	if err != nil {
		die("inherited listener: %v", err)
	}
	f.Close()
	return ln
}

func self() string {
	p, err := os.Executable()
	if err != nil {
		die("executable: %v", err)
	}
	return p
}

func forkExecGen1() {
	announce("forkexec", 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		die("listen: %v", err)
	}
	serveRequests(ln, 6)
	lf, err := ln.(*net.TCPListener).File()
	if err != nil {
		die("listener file: %v", err)
	}
	ready, readyW, err := os.Pipe()
	if err != nil {
		die("pipe: %v", err)
	}
	cmd := exec.Command(self(), "-mode", "forkexec", "-gen", "2")
	cmd.Env = append(os.Environ(), "LISTEN_FDS=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{lf, readyW} // fd 3 = listener, fd 4 = ready pipe
	if err := cmd.Start(); err != nil {
		die("start gen 2: %v", err)
	}
	readyW.Close()
	lf.Close()
	line, _ := bufio.NewReader(ready).ReadString('\n')
	if line != "ready\n" {
		die("gen 2 did not report ready (%q)", line)
	}
	ln.Close() // stop accepting: gen 2 owns the socket now
	drainOld()
	fmt.Fprintf(os.Stderr, "hotupgrade: mode=forkexec gen=1 pid=%d started=%d exiting\n", os.Getpid(), cmd.Process.Pid)
	// exit without Wait: the new generation outlives the old one
}

func forkExecGen2() {
	announce("forkexec", 2)
	ln := inheritedListener()
	w := os.NewFile(4, "ready")
	fmt.Fprint(w, "ready\n")
	w.Close()
	serveRequests(ln, 4)
	warmCaches()
	ln.Close()
}

func inplaceGen1() {
	announce("inplace", 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		die("listen: %v", err)
	}
	serveRequests(ln, 4)
	oldImageWork()
	lf, err := ln.(*net.TCPListener).File() // a dup, CLOEXEC
	if err != nil {
		die("listener file: %v", err)
	}
	fd := int(lf.Fd())
	if fd != 3 {
		if err := syscall.Dup3(fd, 3, 0); err != nil { // dup3 without O_CLOEXEC
			die("dup3: %v", err)
		}
	} else if _, _, e := syscall.Syscall(syscall.SYS_FCNTL, 3, syscall.F_SETFD, 0); e != 0 {
		die("fcntl: %v", e)
	}
	env := append(os.Environ(), "LISTEN_FDS=1")
	argv := []string{os.Args[0], "-mode", "inplace", "-gen", "2", "-exec-from", *execFrom}
	doExec := func() error {
		fmt.Fprintf(os.Stderr, "hotupgrade: exec pid=%d tid=%d\n", os.Getpid(), syscall.Gettid())
		return syscall.Exec(self(), argv, env)
	}
	if *execFrom == "leader" {
		// main runs on the leader thread (see init): the caller's tid is the PID.
		err = doExec()
	} else {
		// Another thread calls execve: the leader is locked to the blocked main
		// goroutine, so this goroutine runs elsewhere.
		done := make(chan error)
		go func() {
			runtime.LockOSThread()
			done <- doExec()
		}()
		err = <-done
	}
	die("exec: %v", err)
}

func inplaceGen2() {
	announce("inplace", 2)
	ln := inheritedListener()
	serveRequests(ln, 4)
	newImageWork()
	ln.Close()
}

var execFrom = flag.String("exec-from", "worker", "inplace: thread that calls execve, leader | worker")

// The main goroutine stays on the thread-group leader (tid == pid) for the whole run.
func init() { runtime.LockOSThread() }

func main() {
	mode := flag.String("mode", "forkexec", "forkexec | inplace")
	gen := flag.Int("gen", 1, "generation (set by the upgrade itself)")
	flag.Parse()
	if *execFrom != "leader" && *execFrom != "worker" {
		die("-exec-from must be leader or worker")
	}
	switch {
	case *mode == "forkexec" && *gen == 1:
		forkExecGen1()
	case *mode == "forkexec" && *gen == 2:
		forkExecGen2()
	case *mode == "inplace" && *gen == 1:
		inplaceGen1()
	case *mode == "inplace" && *gen == 2:
		inplaceGen2()
	default:
		die("unknown -mode %q / -gen %d", *mode, *gen)
	}
}
