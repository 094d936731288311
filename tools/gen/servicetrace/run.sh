#!/usr/bin/env bash
# Regenerates the lesson / checklist fixtures of tools/gen/servicetrace into testdata/lessons/
# (each with a .json sidecar) and checks that each one shows its scenario with
# `stacklens check --json`; a run that does not (real recordings on a shared machine) is
# retried up to five times.
#
#   service-healthy.trace            the service alone (every trace rule passes)
#   gc-pressure.trace, .cpu.pb.gz    memory limit at the live heap: GC CPU, assists, MMU, goal
#   stw-tight-loop.trace             GODEBUG=asyncpreemptoff=1 + tight loops: long GC pauses
#   sched-latency.trace              GOMAXPROCS=1 + a burst of CPU hogs: scheduler waits, spike
#   goroutine-leak.trace             a goroutine leaked every 4th request
#   goroutine-leak.goroutine.pb.gz   its goroutine profile (debug=0)
#   goroutine-leak.debug2.txt        its debug=2 dump after the leaked goroutines waited 61 s
#   mutex-contention.trace, .mutex.pb.gz   one global sync.Mutex held 8 ms every 50 ms
#
# Takes about 1.5 minutes (the leak dump waits a minute). Needs Go and Node (npm ci done).
# Usage: run.sh [OUTDIR [SCENARIO...]]   (default: <repo>/testdata/lessons, every scenario)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${1:-$root/testdata/lessons}"
only=("${@:2}")
if ! command -v go >/dev/null 2>&1; then
	export PATH="/usr/local/go/bin:$PATH"
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
bin="$(mktemp -d "${TMPDIR:-/tmp}/stacklens-servicetrace.XXXXXX")"
trap 'rm -rf "$bin"' EXIT
(cd "$here/.." && go build -trimpath -buildvcs=false -o "$bin/servicetrace" ./servicetrace)

# expect FILE RULE=STATUS...: the checklist on FILE alone gives each RULE that STATUS.
expect() {
	local file=$1
	shift
	node "$root/bin/stacklens.mjs" check "$file" --json >"$bin/check.json" || true
	node -e '
		const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
		let ok = true;
		for (const want of process.argv.slice(2)) {
			const [rule, status] = want.split("=");
			const got = r.find((x) => x.rule === rule);
			if (!got || got.status !== status) {
				ok = false;
				console.error(`  ${rule}: want ${status}, got ${got ? got.status : "no such rule"}: ${got ? got.measured || got.reason : ""}`);
			}
		}
		process.exit(ok ? 0 : 1);
	' "$bin/check.json" "$@"
}

# want NAME: NAME is one of the scenarios asked for (all when none was named).
want() {
	((${#only[@]} == 0)) && return 0
	local s
	for s in "${only[@]}"; do [[ $s == "$1" ]] && return 0; done
	return 1
}

# attempt NAME ENV... -- ARGS... -- CHECKS...: runs servicetrace with ENV and ARGS (output
# paths relative to $out), then the checks (FILE RULE=STATUS... groups separated by +).
attempt() {
	local name=$1
	shift
	want "$name" || return 0
	local env=() args=() checks=()
	while [[ $1 != -- ]]; do env+=("$1"); shift; done
	shift
	while [[ $1 != -- ]]; do args+=("$1"); shift; done
	shift
	checks=("$@")
	for try in 1 2 3 4 5; do
		echo "servicetrace: $name (attempt $try)"
		(cd "$out" && env "${env[@]}" "$bin/servicetrace" "${args[@]}")
		local ok=1 group=()
		for c in "${checks[@]}" +; do
			if [[ $c == + ]]; then
				if ((${#group[@]} > 0)) && ! expect "$out/${group[0]}" "${group[@]:1}"; then
					echo "  $name: ${group[0]} did not show its scenario" >&2
					ok=0
				fi
				group=()
			else
				group+=("$c")
			fi
		done
		((ok)) && return 0
		sleep 10 # let whatever else loads the machine settle
	done
	echo "servicetrace: giving up on $name" >&2
	return 1
}

TRACE_RULES=(gc-stw-p99=pass latency-spike=pass sched-wait-p99=pass gc-cpu-share=pass gc-assist-share=pass mmu=pass gc-goal-vs-live=pass goroutine-leak=pass heap-growth=pass lock-wait=pass gomaxprocs=pass)

attempt healthy GOGC=100 -- -scenario healthy -out service-healthy.trace -- \
	service-healthy.trace "${TRACE_RULES[@]}"
attempt gc-pressure GOGC=100 -- -scenario gc-pressure -out gc-pressure.trace -cpuprofile gc-pressure.cpu.pb.gz -- \
	gc-pressure.trace gc-cpu-share=fail gc-assist-share=fail mmu=fail gc-goal-vs-live=fail cpu-gc-malloc-share=fail + \
	gc-pressure.cpu.pb.gz cpu-gc-malloc-share=fail
attempt stw GODEBUG=asyncpreemptoff=1 -- -scenario stw -out stw-tight-loop.trace -- \
	stw-tight-loop.trace gc-stw-p99=fail mmu=fail gc-assist-share=pass
attempt sched-latency GOMAXPROCS=1 -- -scenario sched-latency -out sched-latency.trace -- \
	sched-latency.trace sched-wait-p99=fail latency-spike=fail gomaxprocs=fail gc-stw-p99=pass gc-cpu-share=pass
attempt leak GOGC=100 -- -scenario leak -out goroutine-leak.trace -goroutine-out goroutine-leak.goroutine.pb.gz -dump-out goroutine-leak.debug2.txt -- \
	goroutine-leak.trace goroutine-leak=fail heap-growth=fail gc-stw-p99=pass + \
	goroutine-leak.goroutine.pb.gz goroutine-leak=fail + \
	goroutine-leak.debug2.txt goroutine-leak=fail goroutines-blocked-long=fail
attempt mutex GOGC=100 -- -scenario mutex -out mutex-contention.trace -mutex-out mutex-contention.mutex.pb.gz -- \
	mutex-contention.trace lock-wait=fail gc-cpu-share=pass + \
	mutex-contention.mutex.pb.gz lock-wait=fail
ls -l "$out"
