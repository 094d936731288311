#!/usr/bin/env bash
# Copies the workshop lessons' artifacts (real fixtures written by the tools/gen programs
# and perf recordings, committed under testdata/) into public/examples/lessons/, where the
# app serves them. tests/unit/lessons.test.ts checks the copies equal their originals.
# Runs from any directory; run it after regenerating a fixture a lesson uses.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/public/examples/lessons"
mkdir -p "$out"
while read -r src; do
	[[ -z "$src" || "$src" == \#* ]] && continue
	cp "$root/$src" "$out/$(basename "$src")"
done <<'LIST'
testdata/godump/concurrent-map-writes.txt
testdata/godump/leak-sigquit.txt
testdata/lessons/gc-pressure.trace
testdata/lessons/gc-pressure.cpu.pb.gz
testdata/lessons/sched-latency.trace
testdata/lessons/service-healthy.trace
testdata/lessons/restart-loop.perf.txt
testdata/gotrace/mutex.trace
testdata/perf/forkexec.perf.txt
testdata/perf/inplace.perf.txt
testdata/mapsnap/int-100k-mostly-deleted.json
LIST
ls -l "$out"
