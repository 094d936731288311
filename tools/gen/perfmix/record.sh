#!/usr/bin/env bash
# Records the perfmix benchmark input: a real `perf script` dump (~110 MB) of a mixed
# workload running at once —
#   cppwork.cpp    8 threads "cpp worker N": deep C++ stacks (recursive descent parser,
#                  template pipeline Stage<24..0>, tree recursion, std::sort with a lambda),
#                  -O2 -fno-omit-frame-pointer -g
#   jswork.mjs     node --perf-basic-prof, 4 threads: V8 JIT frames named from
#                  /tmp/perf-<pid>.map (`JS:*fib file:///…:62:13`, names with spaces/colons)
#   JavaWork.java  4 threads "java worker N", HotSpot JIT frames from -XX:+DumpPerfMapAtExit
#                  (skipped with a note when javac/java are missing)
#   gowork/        16 goroutines: Go methods, generics, closures, runtime/GC frames
# under `perf record -g -F 4999` (cpu-clock on a VM without a PMU), then `perf script`.
#
# The work is a fixed amount (not a duration), so CPU time and the number of samples
# hardly depend on how busy the machine is; the dump is then cut at the first record
# boundary past TARGET bytes so every run yields a same-sized file. Not committed: the
# output goes to bench/.data/ (git-ignored), written by bench/perf.bench.ts on first run.
#
# Usage: record.sh [OUT] [TARGET_BYTES]
#   OUT           default <repo>/bench/.data/perfmix.perf.txt (+ OUT.json sidecar)
#   TARGET_BYTES  default 110000000; fails if the recording is smaller than 100000000
# Needs root (or kernel.perf_event_paranoid <= 1), linux-perf, g++, node, go.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${1:-$root/bench/.data/perfmix.perf.txt}"
target="${2:-110000000}"
minimum=100000000
if ! command -v go >/dev/null 2>&1; then
	export PATH="/usr/local/go/bin:$PATH"
fi

die() { echo "perfmix/record.sh: $*" >&2; exit 2; }

command -v perf >/dev/null 2>&1 || die "perf is not installed (Debian: apt-get install linux-perf)"
perf_version="$(perf --version 2>/dev/null)" || die "perf does not run (is linux-perf installed for this kernel?)"
for tool in g++ node go; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is needed to build/run the workload"
done
java_ok=yes
if ! command -v javac >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
	java_ok=no
	echo "perfmix/record.sh: note: javac/java not found; recording without the Java part" >&2
fi

start=$SECONDS
work="$(mktemp -d "${TMPDIR:-/tmp}/stacklens-perfmix.XXXXXX")"
maps=()
cleanup() {
	# The JIT maps the workload left in /tmp are ours to remove (after perf script used them).
	for m in "${maps[@]}"; do rm -f "$m"; done
	rm -rf "$work"
}
trap cleanup EXIT

if ! perf record -q -o "$work/probe.data" -- true >"$work/probe.log" 2>&1; then
	cat "$work/probe.log" >&2
	die "perf record is not permitted here (run as root or lower kernel.perf_event_paranoid)"
fi

echo "perfmix: building the workload…"
g++ -O2 -fno-omit-frame-pointer -g -pthread "$here/cppwork.cpp" -o "$work/cppwork"
(cd "$here/.." && go build -trimpath -buildvcs=false -o "$work/gowork" ./perfmix/gowork)
if [[ $java_ok == yes ]]; then
	javac -d "$work/java" "$here/JavaWork.java"
fi

# All parts run at once under one `perf record` (it follows their children); each
# writes its pid so the JIT maps can be removed afterwards.
cat >"$work/run-all.sh" <<EOF
set -e
cd "$work"
./cppwork 8 7000 &
node --perf-basic-prof --interpreted-frames-native-stack "$here/jswork.mjs" 3 7000 &
echo \$! > node.pid
./gowork -goroutines 16 -rounds 4000 &
if [[ $java_ok == yes ]]; then
	java -XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -cp java JavaWork 4 2500 &
	echo \$! > java.pid
fi
wait
EOF

echo "perfmix: recording (perf record -g -F 4999)…"
perf record -q -g -F 4999 -o "$work/perf.data" -- bash "$work/run-all.sh"
for f in node.pid java.pid; do
	[[ -e "$work/$f" ]] && maps+=("/tmp/perf-$(cat "$work/$f").map")
done

echo "perfmix: perf script…"
perf script -i "$work/perf.data" >"$work/full.txt" 2>"$work/script.log" || {
	tail -5 "$work/script.log" >&2
	die "perf script failed"
}
full=$(stat -c %s "$work/full.txt")
((full >= minimum)) || die "the recording gave only $full bytes of perf script text (need >= $minimum); raise the rounds in record.sh"

# Cut at the first blank line (end of a record) at or past TARGET bytes.
mkdir -p "$(dirname "$out")"
LC_ALL=C awk -v target="$target" '{ n += length($0) + 1; print } n >= target && $0 == "" { exit }' "$work/full.txt" >"$out.tmp"
mv "$out.tmp" "$out"
size=$(stat -c %s "$out")
records=$(LC_ALL=C grep -c ' cpu-clock:' "$out" || true)
cat >"$out.json" <<EOF
{"scenario":"perfmix: C++ (8 threads), node --perf-basic-prof (4 threads), Java (4 threads, DumpPerfMapAtExit: $java_ok), Go (16 goroutines) at once","generator":"tools/gen/perfmix/record.sh","perfVersion":"$perf_version","recordArgs":"perf record -g -F 4999","bytes":$size,"fullBytes":$full,"cpuClockRecords":$records}
EOF
echo "perfmix: wrote $out ($size bytes of $full recorded, $records cpu-clock records) in $((SECONDS - start))s"
