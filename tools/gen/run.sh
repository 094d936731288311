#!/usr/bin/env bash
# Regenerates the committed pprof fixtures:
#   public/examples/{cpu,heap,allocs,mutex,block,goroutine}.pb.gz (+ .json sidecars)
#   testdata/pprof/{goroutine.debug1.txt,goroutine.debug2.txt,hostile-names.pb.gz} (+ .json)
#   testdata/pprof/bigservice-small.pb.gz (synthetic, 64-bit addresses)
#   testdata/gotrace/{cpu,short,chan,mutex,syscall,gc,user,coro}.trace (+ .json but cpu.trace)
# Every fixture except hostile-names.pb.gz is exactly what runtime/pprof
# wrote; profiles are real recordings, so each run produces slightly
# different numbers. Safe to re-run; runs from any directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if ! command -v go >/dev/null 2>&1; then
	export PATH="/usr/local/go/bin:$PATH"
fi

examples="$root/public/examples"
testdata="$root/testdata/pprof"
mkdir -p "$examples" "$testdata"

bin="$(mktemp -d "${TMPDIR:-/tmp}/stacklens-gen.XXXXXX")"
trap 'rm -rf "$bin"' EXIT

start=$SECONDS
echo "building generators..."
(cd "$here" && go build -trimpath -buildvcs=false -o "$bin/" \
	./cpuprof ./memprof ./mutexprof ./blockprof ./goroutineprof ./hostilenames ./mapgrowth ./inspect)

# attempt N CHECK... -- CMD...: runs CMD, then the inspect CHECK; retries a
# couple of times because real profiles are timing dependent.
attempt() {
	local check=() cmd=()
	while [[ $1 != -- ]]; do check+=("$1"); shift; done
	shift
	cmd=("$@")
	for try in 1 2 3; do
		if "${cmd[@]}" && "$bin/inspect" "${check[@]}" >/dev/null; then
			return 0
		fi
		echo "retrying ${cmd[0]##*/} (attempt $try failed its check)" >&2
	done
	echo "giving up on ${cmd[0]##*/}" >&2
	return 1
}

attempt -require-inline 5 -require-labels worker,shard \
	-require-funcs 'main.fib|main.walk|main.(*parser).parseExpr|main.isOdd|main.mix64' "$examples/cpu.pb.gz" \
	-- "$bin/cpuprof" -out "$examples/cpu.pb.gz"
attempt -require-funcs 'main.storePage|main.storeValue|main.newEntry' "$examples/heap.pb.gz" "$examples/allocs.pb.gz" \
	-- "$bin/memprof" -out "$examples/heap.pb.gz" -allocs-out "$examples/allocs.pb.gz"
attempt -require-funcs 'main.postTransfer|main.readBalance|main.reloadConfig' "$examples/mutex.pb.gz" \
	-- "$bin/mutexprof" -out "$examples/mutex.pb.gz"
attempt -require-funcs 'main.produce|main.awaitWork|main.dispatch|main.runBatch' "$examples/block.pb.gz" \
	-- "$bin/blockprof" -out "$examples/block.pb.gz"
attempt -require-labels op,tenant -require-funcs 'main.(*client).awaitReply|main.watch|main.(*queue).take' "$examples/goroutine.pb.gz" \
	-- "$bin/goroutineprof" -out "$examples/goroutine.pb.gz" \
	-debug1-out "$testdata/goroutine.debug1.txt" -debug2-out "$testdata/goroutine.debug2.txt"
# Map growth in heap profiles: as runtime/pprof writes them, and with every frame kept.
"$bin/mapgrowth" -out "$testdata/mapgrowth.heap.pb.gz" -frames-out "$testdata/mapgrowth.frames.heap.pb.gz"
attempt -require-labels 'handler,<b>tenant</b>' "$testdata/hostile-names.pb.gz" \
	-- "$bin/hostilenames" -out "$testdata/hostile-names.pb.gz"

# A small cut of the synthetic service profile (tools/gen/bigservice): its kernel mapping
# puts addresses above 2^63, which a JavaScript number would round.
(cd "$here" && go run ./bigservice -records 3000 -stacks 2500 -out "$testdata/bigservice-small.pb.gz")

# A Go execution trace recorded with the CPU profiler on (CPU samples with stacks).
mkdir -p "$root/testdata/gotrace"
(cd "$here" && go run ./traceprof -out "$root/testdata/gotrace/cpu.trace")
# One small real trace per scenario of the trace views (tools/gen/tracescenarios), with sidecars.
(cd "$here" && go build -trimpath -buildvcs=false -o "$bin/" ./tracescenarios)
for s in short chan mutex syscall gc coro; do
	"$bin/tracescenarios" -scenario "$s" -sidecar -out "$root/testdata/gotrace/$s.trace"
done
# 20 ms generations: tasks, regions and goroutines cross generation boundaries.
"$bin/tracescenarios" -scenario user -generation 20ms -sidecar -out "$root/testdata/gotrace/user.trace"

# Real Go crash and goroutine dumps (concurrent map crashes, a goroutine leak by SIGQUIT
# and by pprof debug=1/2) into testdata/godump/.
bash "$here/crashdump/run.sh"

# The tuning-checklist / workshop-lesson fixtures (testdata/lessons): one small service,
# healthy and with one fault each, every output checked with `stacklens check` (~1.5 min).
# The restart-loop perf recording needs root and perf: tools/gen/restartloop/record.sh.
bash "$here/servicetrace/run.sh"

echo
"$bin/inspect" "$examples"/*.pb.gz "$testdata"/*.pb.gz
echo "run.sh: done in $((SECONDS - start))s"
