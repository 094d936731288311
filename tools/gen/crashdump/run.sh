#!/usr/bin/env bash
# Regenerates the real Go crash / goroutine-dump fixtures in testdata/godump/
# from tools/gen/crashdump (see the doc comment of main.go for the scenarios):
#
#   concurrent-map-writes.txt            fatal error, default GOTRACEBACK
#   concurrent-map-writes.system.txt     same race, GOTRACEBACK=system (runtime frames, gp= m= mp=)
#   concurrent-map-read-write.txt        fatal error, default GOTRACEBACK
#   concurrent-map-read-write.all.txt    same race, GOTRACEBACK=all (every user goroutine)
#   concurrent-map-iterate-write.txt     fatal error, default GOTRACEBACK
#   concurrent-map-iterate-write.all.txt same race, GOTRACEBACK=all
#   leak-sigquit.txt                     ~100 leaked goroutines dumped by SIGQUIT (GODEBUG=tracebacklabels=1)
#   leak-sigquit.crash.txt               same, GOTRACEBACK=crash (dump, then SIGABRT)
#   leak-pprof.debug1.txt                pprof.Lookup("goroutine").WriteTo(w, 1)
#   leak-pprof.debug2.txt                pprof.Lookup("goroutine").WriteTo(w, 2) (GODEBUG=tracebacklabels=1)
#
# Each .txt is exactly the child's stderr (crash / SIGQUIT modes) or the file
# runtime/pprof wrote (pprof modes); nothing is appended. The sidecar
# <file>.json records the scenario, the environment, the exit status (and the
# terminating signal, if any) and how many attempts the race needed.
# Safe to re-run; runs from any directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
gen="$(cd "$here/.." && pwd)"
root="$(cd "$gen/../.." && pwd)"
out="$root/testdata/godump"
if ! command -v go >/dev/null 2>&1; then
	export PATH="/usr/local/go/bin:$PATH"
fi
export GOTOOLCHAIN=local
mkdir -p "$out"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/stacklens-crashdump.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
bin="$tmp/crashdump"
(cd "$gen" && go build -trimpath -buildvcs=false -o "$bin" ./crashdump)
goversion="$(go env GOVERSION)"

# json_escape TEXT: TEXT with backslashes and double quotes escaped for a JSON string.
json_escape() {
	local s=${1//\\/\\\\}
	printf '%s' "${s//\"/\\\"}"
}

# sidecar FILE SCENARIO ENV STATUS SIGNAL ATTEMPTS
sidecar() {
	local signal_json=null
	[[ -n $5 ]] && signal_json="\"$5\""
	cat >"$1.json" <<EOF
{
  "scenario": "$(json_escape "$2")",
  "generator": "tools/gen/crashdump",
  "goVersion": "$goversion",
  "env": "$(json_escape "$3")",
  "exitStatus": $4,
  "signal": $signal_json,
  "attempts": $6,
  "format": "go-dump"
}
EOF
}

# An exit status above 128 from bash means the child died of signal (status-128).
signame() {
	if (($1 > 128)); then echo "SIG$(kill -l $(($1 - 128)))"; fi
}

# crash NAME MODE WANT SCENARIO [ENV=VALUE...]: runs the binary until its
# stderr holds the wanted fatal error (the race is probabilistic).
crash() {
	local name=$1 mode=$2 want=$3 scenario=$4
	shift 4
	local file="$out/$name.txt" status
	for try in 1 2 3 4 5 6 7 8; do
		status=0
		env "$@" "$bin" -mode "$mode" 2>"$file.tmp" >/dev/null || status=$?
		if grep -qx "fatal error: $want" "$file.tmp"; then
			mv "$file.tmp" "$file"
			sidecar "$file" "$scenario" "$*" "$status" "$(signame "$status")" "$try"
			echo "$name: exit $status after $try attempt(s), $(wc -c <"$file") bytes"
			return 0
		fi
		echo "$name: attempt $try did not produce 'fatal error: $want' (exit $status), retrying" >&2
	done
	rm -f "$file.tmp"
	echo "$name: giving up" >&2
	return 1
}

# sigquit NAME SCENARIO [ENV=VALUE...]: starts the leak, waits for "ready",
# sends SIGQUIT and records the dump.
sigquit() {
	local name=$1 scenario=$2
	shift 2
	local file="$out/$name.txt" status=0 pid ready="$tmp/ready"
	rm -f "$ready"
	env "$@" "$bin" -mode leak-sigquit >"$ready" 2>"$file.tmp" &
	pid=$!
	for _ in $(seq 1 100); do
		grep -q ready "$ready" 2>/dev/null && break
		sleep 0.1
	done
	kill -QUIT "$pid"
	wait "$pid" || status=$?
	if ! grep -q '^SIGQUIT: quit' "$file.tmp"; then
		echo "$name: no SIGQUIT dump (exit $status)" >&2
		return 1
	fi
	mv "$file.tmp" "$file"
	sidecar "$file" "$scenario" "$*" "$status" "$(signame "$status")" 1
	echo "$name: exit $status, $(wc -c <"$file") bytes"
}

crash concurrent-map-writes concurrent-map-writes 'concurrent map writes' \
	'16 goroutines (main.hammerWrite) assign into one map[int]int without a lock; default GOTRACEBACK' GOTRACEBACK=single
crash concurrent-map-writes.system concurrent-map-writes 'concurrent map writes' \
	'16 goroutines (main.hammerWrite) assign into one map[int]int without a lock; GOTRACEBACK=system shows runtime map frames' GOTRACEBACK=system
crash concurrent-map-read-write concurrent-map-read-write 'concurrent map read and map write' \
	'4 writers (main.hammerWrite) and 16 readers (main.hammerRead) on one map[int]int; default GOTRACEBACK' GOTRACEBACK=single
crash concurrent-map-read-write.all concurrent-map-read-write 'concurrent map read and map write' \
	'4 writers (main.hammerWrite) and 16 readers (main.hammerRead) on one map[int]int; GOTRACEBACK=all' GOTRACEBACK=all
crash concurrent-map-iterate-write concurrent-map-iterate-write 'concurrent map iteration and map write' \
	'4 writers (main.hammerWrite) and 12 goroutines ranging over the map (main.hammerIterate); default GOTRACEBACK' GOTRACEBACK=single
crash concurrent-map-iterate-write.all concurrent-map-iterate-write 'concurrent map iteration and map write' \
	'4 writers (main.hammerWrite) and 12 goroutines ranging over the map (main.hammerIterate); GOTRACEBACK=all' GOTRACEBACK=all

sigquit leak-sigquit \
	'goroutine leak (~100: awaitReply with pprof labels, subscribe select, lockStuck mutex, waitAll WaitGroup, one locked to thread) dumped by SIGQUIT' \
	GODEBUG=tracebacklabels=1
sigquit leak-sigquit.crash \
	'goroutine leak (~100) dumped by SIGQUIT with GOTRACEBACK=crash (the runtime aborts with SIGABRT after the dump)' \
	GOTRACEBACK=crash

status=0
GODEBUG=tracebacklabels=1 "$bin" -mode leak-pprof \
	-debug1-out "$out/leak-pprof.debug1.txt" -debug2-out "$out/leak-pprof.debug2.txt" || status=$?
sidecar "$out/leak-pprof.debug1.txt" \
	'goroutine leak (~100) written by pprof.Lookup("goroutine").WriteTo(w, 1): grouped counts with # labels lines' \
	GODEBUG=tracebacklabels=1 "$status" "" 1
sidecar "$out/leak-pprof.debug2.txt" \
	'goroutine leak (~100) written by pprof.Lookup("goroutine").WriteTo(w, 2): every goroutine, labels in headers' \
	GODEBUG=tracebacklabels=1 "$status" "" 1
echo "leak-pprof: exit $status, $(wc -c <"$out/leak-pprof.debug1.txt") + $(wc -c <"$out/leak-pprof.debug2.txt") bytes"
