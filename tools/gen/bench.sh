#!/usr/bin/env bash
# Generates the two large benchmark inputs into the directory given as $1
# (default: <repo>/bench/.data, which must stay git-ignored):
#   bigservice.pb.gz  synthetic ~34 MB (uncompressed) service CPU profile
#   heap4096.pb.gz    real ~16 MB heap profile, MemProfileRate=4096
# Files that already exist are skipped; delete them to regenerate.
# Runs from any directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if ! command -v go >/dev/null 2>&1; then
	export PATH="/usr/local/go/bin:$PATH"
fi

out="${1:-$root/bench/.data}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

bin="$(mktemp -d "${TMPDIR:-/tmp}/stacklens-bench.XXXXXX")"
trap 'rm -rf "$bin"' EXIT

start=$SECONDS
todo=()
[[ -e "$out/bigservice.pb.gz" ]] && echo "skip: $out/bigservice.pb.gz exists" || todo+=(bigservice)
[[ -e "$out/heap4096.pb.gz" ]] && echo "skip: $out/heap4096.pb.gz exists" || todo+=(heap4096)
if ((${#todo[@]} == 0)); then
	exit 0
fi

(cd "$here" && go build -trimpath -buildvcs=false -o "$bin/" $(printf './%s ' "${todo[@]}") ./inspect)
for t in "${todo[@]}"; do
	"$bin/$t" -out "$out/$t.pb.gz"
	"$bin/inspect" "$out/$t.pb.gz"
done
echo "bench.sh: done in $((SECONDS - start))s"
