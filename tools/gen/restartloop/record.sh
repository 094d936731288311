#!/usr/bin/env bash
# Records tools/gen/restartloop (a hot upgrade stuck in a restart loop) with Linux perf and
# writes testdata/perf/restart-loop.perf.txt plus its .json sidecar. Same events and
# `perf script` fields as tools/gen/hotupgrade/record.sh (see its notes); needs root (or
# perf_event_paranoid <= -1 and a readable tracefs). Real recording: PIDs, times and sample
# counts change with every run.
#
# Usage: record.sh [OUTDIR]   (default: <repo>/testdata/perf)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${1:-$root/testdata/perf}"
if ! command -v go >/dev/null 2>&1; then
	export PATH="/usr/local/go/bin:$PATH"
fi
die() { echo "restartloop/record.sh: $*" >&2; exit 2; }
command -v perf >/dev/null 2>&1 || die "perf is not installed (Debian: apt-get install linux-perf)"
perf_version="$(perf --version 2>/dev/null)" || die "perf does not run"

work="$(mktemp -d "${TMPDIR:-/tmp}/stacklens-restartloop.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
out="$(cd "$out" && pwd)"
(cd "$here/.." && go build -trimpath -buildvcs=false -o "$work/restartloop" ./restartloop)
cd "$work"

record=(perf record -q -g -e 'cpu-clock/period=1000000,name=cpu-clock/' -e syscalls:sys_enter_execve -e sched:sched_process_exec
	-e sched:sched_process_fork -e sched:sched_process_exit -o restart-loop.data -- sh -c 'exec ./restartloop -max 4 2>>stderr.log')
script=(perf script -i restart-loop.data --header -F sw:+pid -F trace:+pid,+ip,+sym,+symoff,+dso)
: >stderr.log
# The last generation gives up with exit status 1, which perf record passes on.
"${record[@]}" 2>perf.log || true
[[ -s restart-loop.data ]] || { cat perf.log >&2; die "perf record failed"; }
"${script[@]}" >"$out/restart-loop.perf.txt" 2>script.log || { cat script.log >&2; die "perf script failed"; }

procs=""
while IFS= read -r line; do
	[[ $line =~ ^restartloop:\ gen=([0-9]+)\ pid=([0-9]+)$ ]] || continue
	procs+="${procs:+,}"$'\n'"    {\"gen\": ${BASH_REMATCH[1]}, \"pid\": ${BASH_REMATCH[2]}}"
done <stderr.log
[[ -n $procs ]] || { cat stderr.log >&2; die "the program printed no pid lines"; }
json_string() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"' "$s"
}
{
	printf '{\n'
	printf '  "file": "restart-loop.perf.txt",\n'
	printf '  "scenario": "hot upgrade stuck in a restart loop: the program replaces itself with syscall.Exec, the new image fails its readiness check and re-executes itself, 3 self-replacing execs in one PID",\n'
	printf '  "generator": "tools/gen/restartloop/record.sh",\n'
	printf '  "perfVersion": %s,\n' "$(json_string "$perf_version")"
	printf '  "kernel": %s,\n' "$(json_string "$(uname -srm)")"
	printf '  "goVersion": %s,\n' "$(json_string "$(go env GOVERSION)")"
	printf '  "record": %s,\n' "$(json_string "${record[*]}")"
	printf '  "script": %s,\n' "$(json_string "${script[*]}")"
	printf '  "processes": [%s\n  ],\n' "$procs"
	printf '  "format": "perf-script"\n'
	printf '}\n'
} >"$out/restart-loop.perf.txt.json"
echo "wrote $out/restart-loop.perf.txt ($(wc -c <"$out/restart-loop.perf.txt") bytes)"
