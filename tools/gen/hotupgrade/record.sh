#!/usr/bin/env bash
# Records the hot-upgrade scenarios of tools/gen/hotupgrade/main.go with Linux perf
# and writes the committed `perf script` dumps (+ a .json sidecar each):
#   testdata/perf/forkexec.perf.txt     fork+exec upgrade (new PID), with --header
#   testdata/perf/inplace.perf.txt      in-place syscall.Exec (same PID) from a non-leader
#                                       thread, no header
#   testdata/perf/inplace-leader.perf.txt  the same, exec from the leader thread, no header
#   testdata/perf/multi-event.perf.txt  fork+exec again, cpu-clock + sched_switch and the
#                                       other tracepoints, with --header
# Needs root (or perf_event_paranoid <= -1 and readable tracefs). Real recordings: every
# run gives different PIDs, times and sample counts; the sidecar records the PIDs the
# program printed so tests compare exactly.
#
# Usage: record.sh [OUTDIR]   (default: <repo>/testdata/perf)
#
# Recording notes (perf 6.1, measured):
#   * cpu-clock uses a fixed period set PER EVENT (cpu-clock/period=1000000,name=cpu-clock/):
#     a global -F or -c would also apply to the tracepoints, and in frequency mode
#     tracepoint records are dropped (8 of 12 sched_process_fork records kept at -F 499).
#   * `perf script -F +pid` on a cpu-clock + tracepoint recording prints NO tracepoint
#     records at all; the per-type form `-F sw:+pid -F trace:+pid,...` keeps them.
#   * perf stops when its workload exits, so the fork+exec scenario runs under
#     `sh -c 'hotupgrade | cat'`: cat holds the stdout pipe until generation 2 (which
#     inherits it) exits, and sh waits for cat.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${1:-$root/testdata/perf}"
if ! command -v go >/dev/null 2>&1; then
	export PATH="/usr/local/go/bin:$PATH"
fi

die() { echo "record.sh: $*" >&2; exit 2; }

command -v perf >/dev/null 2>&1 || die "perf is not installed (Debian: apt-get install linux-perf)"
perf_version="$(perf --version 2>/dev/null)" || die "perf does not run (is linux-perf installed for this kernel?)"

TRACEPOINTS=(syscalls:sys_enter_execve sched:sched_process_exec sched:sched_process_fork sched:sched_process_exit sched:sched_switch)
for tp in "${TRACEPOINTS[@]}"; do
	if ! perf list "$tp" 2>/dev/null | grep -q "$tp"; then
		die "tracepoint $tp is not available (need root and a mounted tracefs: mount -t tracefs nodev /sys/kernel/tracing)"
	fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/stacklens-hotupgrade.XXXXXX")"
mkdir -p "$out"
trap 'rm -rf "$work"' EXIT

(cd "$here/.." && go build -trimpath -buildvcs=false -o "$work/hotupgrade" ./hotupgrade)
cd "$work"
# A probe recording: fails early with perf's own message when tracepoints can't be opened.
if ! perf record -q -e syscalls:sys_enter_execve -o probe.data -- true >probe.log 2>&1; then
	cat probe.log >&2
	die "perf record cannot open syscalls:sys_enter_execve (run as root or lower kernel.perf_event_paranoid)"
fi

CPU=(-e 'cpu-clock/period=1000000,name=cpu-clock/')
EXEC_TPS=(-e syscalls:sys_enter_execve -e sched:sched_process_exec -e sched:sched_process_fork -e sched:sched_process_exit)
SCRIPT_F=(-F sw:+pid -F trace:+pid,+ip,+sym,+symoff,+dso)

# json_string S: S as a JSON string literal.
json_string() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\t'/\\t}
	s=${s//$'\n'/\\n}
	printf '"%s"' "$s"
}

# record NAME HEADER(yes|no) SCENARIO-DESCRIPTION PERF-RECORD-ARGS... -- WORKLOAD...
record() {
	local name=$1 header=$2 desc=$3
	shift 3
	local rec=() wl=()
	while [[ $1 != -- ]]; do rec+=("$1"); shift; done
	shift
	wl=("$@")
	local data="$work/$name.data" log="$work/$name.stderr"
	: >"$log"
	export HOTUPGRADE_LOG="$log"
	perf record -q -g "${rec[@]}" -o "$data" -- "${wl[@]}" 2>>"$log" || { cat "$log" >&2; die "perf record failed for $name"; }
	local sargs=("${SCRIPT_F[@]}")
	[[ $header == yes ]] && sargs=(--header "${sargs[@]}")
	perf script -i "$data" "${sargs[@]}" >"$out/$name.perf.txt" 2>"$work/$name.script.err" || { cat "$work/$name.script.err" >&2; die "perf script failed for $name"; }
	local size
	size=$(wc -c <"$out/$name.perf.txt")
	((size < 600000)) || die "$name.perf.txt is $size bytes (limit ~500 KB)"
	# Lines the program printed: "hotupgrade: mode=M gen=G pid=P ppid=Q"
	local procs="" line mode gen pid ppid
	while IFS= read -r line; do
		[[ $line =~ ^hotupgrade:\ mode=([a-z]+)\ gen=([0-9]+)\ pid=([0-9]+)\ ppid=([0-9]+)$ ]] || continue
		mode=${BASH_REMATCH[1]} gen=${BASH_REMATCH[2]} pid=${BASH_REMATCH[3]} ppid=${BASH_REMATCH[4]}
		procs+="${procs:+,}"$'\n'"    {\"mode\": \"$mode\", \"gen\": $gen, \"pid\": $pid, \"ppid\": $ppid}"
	done <"$log"
	[[ -n $procs ]] || { cat "$log" >&2; die "$name: the program printed no pid lines"; }
	local calls=""
	while IFS= read -r line; do
		[[ $line =~ ^hotupgrade:\ exec\ pid=([0-9]+)\ tid=([0-9]+)$ ]] || continue
		calls+="${calls:+,}"$'\n'"    {\"pid\": ${BASH_REMATCH[1]}, \"tid\": ${BASH_REMATCH[2]}}"
	done <"$log"
	{
		printf '{\n'
		printf '  "file": %s,\n' "$(json_string "$name.perf.txt")"
		printf '  "scenario": %s,\n' "$(json_string "$desc")"
		printf '  "generator": "tools/gen/hotupgrade/record.sh",\n'
		printf '  "perfVersion": %s,\n' "$(json_string "$perf_version")"
		printf '  "kernel": %s,\n' "$(json_string "$(uname -srm)")"
		printf '  "goVersion": %s,\n' "$(json_string "$(go env GOVERSION)")"
		printf '  "record": %s,\n' "$(json_string "perf record -q -g ${rec[*]} -o $name.data -- ${wl[*]}")"
		printf '  "script": %s,\n' "$(json_string "perf script -i $name.data ${sargs[*]}")"
		printf '  "binary": %s,\n' "$(json_string "$work/hotupgrade")"
		printf '  "processes": [%s\n  ],\n' "$procs"
		printf '  "execCalls": [%s%s]\n' "$calls" "${calls:+$'\n  '}"
		printf '}\n'
	} >"$out/$name.json"
	echo "wrote $out/$name.perf.txt ($size bytes)"
}

record forkexec yes "fork+exec hot upgrade: gen 1 starts gen 2 of its own binary with the listener as fd 3, then exits first" \
	"${CPU[@]}" "${EXEC_TPS[@]}" -- sh -c './hotupgrade -mode forkexec 2>>"$HOTUPGRADE_LOG" | cat'
record inplace no "in-place hot upgrade: syscall.Exec of its own binary from a non-leader thread, same PID (old_pid = calling tid)" \
	"${CPU[@]}" "${EXEC_TPS[@]}" -- sh -c 'exec ./hotupgrade -mode inplace -exec-from worker 2>>"$HOTUPGRADE_LOG"'
record inplace-leader no "in-place hot upgrade: syscall.Exec of its own binary from the leader thread, same PID (old_pid = pid)" \
	"${CPU[@]}" "${EXEC_TPS[@]}" -- sh -c 'exec ./hotupgrade -mode inplace -exec-from leader 2>>"$HOTUPGRADE_LOG"'
record multi-event yes "fork+exec hot upgrade recorded with cpu-clock, sched_switch and the exec/fork/exit tracepoints" \
	"${CPU[@]}" "${EXEC_TPS[@]}" -e sched:sched_switch/call-graph=no/ -- sh -c './hotupgrade -mode forkexec 2>>"$HOTUPGRADE_LOG" | cat'
