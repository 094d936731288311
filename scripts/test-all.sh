#!/usr/bin/env bash
# The project's test command: `npm test` runs this script.
#
#   1. dependencies  npm ci, only when node_modules is missing or package-lock.json changed
#   2. chromium      Debian's chromium for the e2e tests, installed when missing (needs root
#                    or passwordless sudo; otherwise the e2e step is SKIPPED with a notice)
#   3. typecheck     npx tsc --noEmit -p .
#   4. unit          npx vitest run              (tests/unit/**/*.test.ts)
#   5. build         npx vite build              (dist/, what ships)
#   6. e2e           npx playwright test         (e2e/*.spec.ts against `vite preview` of dist/)
#
# Every step runs even when an earlier one failed (except e2e, which needs the build).
# The last line is the summary "N passed, M failed, K skipped": the test counts of vitest
# and Playwright (from their JSON reports), where a failed step that has no test counts of
# its own (typecheck, build, a test runner that crashed) adds 1 to "failed".
# Exit status: 0 only when every step that ran succeeded.
#
# Environment:
#   STACKLENS_SKIP_E2E=1      skip the Playwright step (prints a notice)
#   STACKLENS_CHROMIUM=PATH   browser binary for Playwright (default: chromium on PATH)
#   STACKLENS_CORPUS=DIR      test corpora (default: ../shared/corpus)
#   STACKLENS_E2E_PORT=N      port for `vite preview` during e2e (default 4173)
#   STACKLENS_E2E_WORKERS=N   Playwright workers (default 2)
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
START=$(date +%s)
RESULTS=test-results
mkdir -p "$RESULTS"
VITEST_JSON="$RESULTS/vitest.json"
PW_JSON="$RESULTS/playwright.json"   # written by the json reporter in playwright.config.ts
rm -f "$VITEST_JSON" "$PW_JSON"

# Go for the oracle tests (`go tool pprof`) and generators.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="$PATH:/usr/local/go/bin"
fi

banner() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
loud() {
  printf '\n\033[1;33m%s\n' '************************************************************************'
  printf '** %s\n' "$@"
  printf '%s\033[0m\n\n' '************************************************************************'
}

STEP_NAMES=()
STEP_RESULTS=()
STEP_SECONDS=()
record() { STEP_NAMES+=("$1"); STEP_RESULTS+=("$2"); STEP_SECONDS+=("$3"); }

# run_step NAME CMD... : runs the command, records ok/FAILED and its duration.
run_step() {
  local name=$1
  shift
  banner "$name: $*"
  local t0=$SECONDS rc=0
  "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then record "$name" ok $((SECONDS - t0)); else record "$name" "FAILED (exit $rc)" $((SECONDS - t0)); fi
  return "$rc"
}

# ---------------------------------------------------------------- 1. dependencies
LOCK_HASH=$(sha256sum package-lock.json | cut -d' ' -f1)
STAMP=node_modules/.stacklens-lock-hash   # shared with scripts/ensure-deps.mjs (npm start)
if [ ! -d node_modules ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$LOCK_HASH" ]; then
  if ! run_step dependencies npm ci --no-audit --no-fund; then
    echo "npm ci failed; cannot run any tests" >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  fi
  printf %s "$LOCK_HASH" >"$STAMP"
else
  record dependencies "ok (up to date)" 0
fi

# ---------------------------------------------------------------- 2. chromium
find_chromium() {
  if [ -n "${STACKLENS_CHROMIUM:-}" ]; then
    [ -x "$STACKLENS_CHROMIUM" ] && { echo "$STACKLENS_CHROMIUM"; return 0; }
    return 1
  fi
  command -v chromium 2>/dev/null && return 0
  command -v chromium-browser 2>/dev/null && return 0
  [ -x /usr/bin/chromium ] && { echo /usr/bin/chromium; return 0; }
  return 1
}

E2E_SKIP=""
if [ "${STACKLENS_SKIP_E2E:-}" = 1 ]; then
  E2E_SKIP="STACKLENS_SKIP_E2E=1"
elif ! CHROMIUM=$(find_chromium); then
  SUDO=none
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  fi
  if [ "$SUDO" = none ]; then
    E2E_SKIP="chromium is not installed and this user cannot install it (not root, no passwordless sudo); install it with: apt-get install -y chromium"
  else
    banner "chromium: installing Debian's chromium package"
    t0=$SECONDS
    # DPkg::Lock::Timeout waits for another apt run instead of failing on its lock.
    if $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq &&
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium >/dev/null &&
      CHROMIUM=$(find_chromium); then
      record chromium "installed" $((SECONDS - t0))
    else
      record chromium "FAILED (apt-get install chromium)" $((SECONDS - t0))
      E2E_SKIP="installing chromium with apt-get failed"
    fi
  fi
fi
if [ -z "$E2E_SKIP" ]; then
  echo "chromium: ${CHROMIUM:-} ($("${CHROMIUM}" --version 2>/dev/null | head -1))"
fi

# ---------------------------------------------------------------- 3. typecheck
run_step typecheck npx tsc --noEmit -p .

# ---------------------------------------------------------------- 4. unit tests
run_step unit npx vitest run --reporter=default --reporter=json --outputFile.json="$VITEST_JSON"
UNIT_RC=$?

# ---------------------------------------------------------------- 4b. Go code in the repo
# go/mapsnap (the live-map capture helper) has its own Go tests; tools/gen must vet clean.
GO_JSON="$PWD/$RESULTS/go-test.json"
GO_RC=skip
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then export PATH="$PATH:/usr/local/go/bin"; fi
if command -v go >/dev/null 2>&1; then
  export GOTOOLCHAIN=local
  rm -f "$GO_JSON"
  run_step go bash -c "cd go/mapsnap && go vet ./... && go test -json ./... >'$GO_JSON' && cd ../../tools/gen && go vet ./..."
  GO_RC=$?
else
  loud "SKIP: no Go toolchain: go/mapsnap tests NOT run"
  record go "SKIPPED (no Go)" 0
fi

# ---------------------------------------------------------------- 5. build
run_step build npx vite build
BUILD_RC=$?

# ---------------------------------------------------------------- 6. e2e
E2E_RC=0
if [ -n "$E2E_SKIP" ]; then
  loud "SKIP: end-to-end tests NOT run: $E2E_SKIP" "The unit tests ran; the browser tests did not."
  record e2e "SKIPPED ($E2E_SKIP)" 0
elif [ "$BUILD_RC" -ne 0 ]; then
  loud "SKIP: end-to-end tests NOT run: the production build failed"
  record e2e "SKIPPED (build failed)" 0
else
  export STACKLENS_CHROMIUM="$CHROMIUM"
  run_step e2e npx playwright test
  E2E_RC=$?
fi

# ---------------------------------------------------------------- summary
# Prints "passed failed skipped" for one JSON report ("- - -" when it is missing/unreadable).
counts() {
  node -e '
    const fs = require("fs");
    const [kind, file] = process.argv.slice(1);
    if (!fs.existsSync(file)) { console.log("- - -"); process.exit(0); }
    let j;
    if (kind !== "go") { try { j = JSON.parse(fs.readFileSync(file, "utf8")); } catch { console.log("- - -"); process.exit(0); } }
    if (kind === "go") {
      let p = 0, f = 0, s = 0;
      for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        if (!line.trim()) continue;
        let e; try { e = JSON.parse(line); } catch { continue; }
        if (!e.Test) continue;
        if (e.Action === "pass") p++; else if (e.Action === "fail") f++; else if (e.Action === "skip") s++;
      }
      console.log(p, f, s);
      process.exit(0);
    }
    if (kind === "vitest") {
      console.log(j.numPassedTests, j.numFailedTests, (j.numPendingTests || 0) + (j.numTodoTests || 0));
    } else {
      const s = j.stats || {};
      console.log((s.expected || 0) + (s.flaky || 0), s.unexpected || 0, s.skipped || 0);
    }
  ' "$1" "$2"
}

PASSED=0
FAILED=0
SKIPPED=0
add_counts() { # add_counts KIND FILE RC RAN
  local p f s
  read -r p f s < <(counts "$1" "$2")
  if [ "$p" = - ]; then
    [ "$4" = 1 ] && FAILED=$((FAILED + 1)) # the runner ran but left no report
    return
  fi
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
  SKIPPED=$((SKIPPED + s))
  if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then FAILED=$((FAILED + 1)); fi # e.g. an unhandled error, a crashed web server
}

add_counts vitest "$VITEST_JSON" "$UNIT_RC" 1
if [ "$GO_RC" != skip ]; then add_counts go "$GO_JSON" "$GO_RC" 1; fi
if [ -z "$E2E_SKIP" ] && [ "$BUILD_RC" -eq 0 ]; then add_counts playwright "$PW_JSON" "$E2E_RC" 1; fi

OVERALL=0
for i in "${!STEP_NAMES[@]}"; do
  case "${STEP_RESULTS[$i]}" in
  FAILED*)
    OVERALL=1
    case "${STEP_NAMES[$i]}" in typecheck | build | chromium) FAILED=$((FAILED + 1)) ;; esac
    ;;
  esac
done

banner "summary ($(($(date +%s) - START)) s)"
for i in "${!STEP_NAMES[@]}"; do
  printf '  %-13s %-60s %5ss\n' "${STEP_NAMES[$i]}" "${STEP_RESULTS[$i]}" "${STEP_SECONDS[$i]}"
done
[ -n "$E2E_SKIP" ] && printf '  \033[1;33mNOTE: e2e tests were SKIPPED: %s\033[0m\n' "$E2E_SKIP"
echo "  reports: $VITEST_JSON, $PW_JSON; screenshots: $RESULTS/screens/"
echo
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
exit "$OVERALL"
