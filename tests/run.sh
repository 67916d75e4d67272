#!/usr/bin/env bash
# The test command: restores the tools, builds everything with warnings as errors, lints the
# contracts, runs every test project, then the system check (the whole suite started the way the
# README starts it, called through the gateway), and ends with "tests: N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
# For every Testcontainers test, the first pass's PostgreSQL-only ones too (Debian's engine speaks API 1.41, no Ryuk image offline).
export DOCKER_API_VERSION=${DOCKER_API_VERSION:-1.41} TESTCONTAINERS_RYUK_DISABLED=${TESTCONTAINERS_RYUK_DISABLED:-true}

step() { printf '\n== %s\n' "$*"; }
fail() { echo "$*" >&2; echo "tests: 0 passed, 1 failed"; exit 1; }

step "tools (buf via npm, dotnet-ef)"
( cd tools && npm ci --no-audit --no-fund --loglevel=error ) || fail "npm ci failed"
dotnet tool restore >/dev/null || fail "dotnet tool restore failed"

step "build"
dotnet build MediaMesh.sln -warnaserror -nologo -v quiet || fail "build failed"

step "buf lint"
( cd protos && ../tools/node_modules/.bin/buf lint ) || fail "buf lint failed"

step "tests"
log=$(mktemp)
dotnet test --solution MediaMesh.sln --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Microsoft.Testing.Platform prints one block per test module: "failed: N", "succeeded: N", "skipped: N".
sum() { grep -E "^\s+$1: [0-9]+" "$log" | awk '{s += $2} END {print s + 0}'; }
passed=$(sum succeeded); failed=$(sum failed); skipped=$(sum skipped)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi

step "tests on PostgreSQL: the service suites again, every host on a fresh database of a Testcontainers PostgreSQL"
# Needs a Docker engine for Testcontainers, or MEDIAMESH_TEST_POSTGRES (an admin connection string to a server of
# your own). Without either the pass is skipped as a whole, saying why: its suites start PostgreSQL in assembly
# fixtures, and a fixture cannot skip its tests one by one. .ci/run always starts an engine, so CI runs it.
if [ -n "${MEDIAMESH_TEST_POSTGRES:-}" ] || { command -v docker >/dev/null && docker info >/dev/null 2>&1; }; then
  MEDIAMESH_TEST_DATABASE=postgres dotnet test --solution tests/postgres.slnf --no-build 2>&1 | tee "$log"
  pg_status=${PIPESTATUS[0]}
  pg_passed=$(sum succeeded); pg_failed=$(sum failed); pg_skipped=$(sum skipped)
  if [ "$pg_status" -ne 0 ] && [ "$pg_failed" -eq 0 ]; then
    pg_failed=1
  fi
  echo "postgres: $pg_passed passed, $pg_failed failed, $pg_skipped skipped"
  passed=$((passed + pg_passed)); failed=$((failed + pg_failed)); skipped=$((skipped + pg_skipped))
  [ "$pg_status" -eq 0 ] || status=$pg_status
else
  echo "postgres: skipped: no Docker engine answers (docker info) and MEDIAMESH_TEST_POSTGRES is not set"
fi

step "system check: the suite as the AppHost runs it, through the gateway"
bash tests/system-check.sh 2>&1 | tee "$log"
system_status=${PIPESTATUS[0]}
read -r sys_passed sys_failed < <(sed -n 's/^system: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$log" | tail -1)
sys_passed=${sys_passed:-0}; sys_failed=${sys_failed:-0}
if [ "$system_status" -ne 0 ] && [ "$sys_failed" -eq 0 ]; then
  sys_failed=1
fi
passed=$((passed + sys_passed)); failed=$((failed + sys_failed))
[ "$system_status" -eq 0 ] || status=1
rm -f "$log"
if [ "$skipped" -gt 0 ]; then
  echo "tests: $passed passed, $failed failed, $skipped skipped"
else
  echo "tests: $passed passed, $failed failed"
fi
[ "$status" -eq 0 ]
