#!/usr/bin/env bash
# The test command: restores the tools, builds everything with warnings as errors, lints the
# contracts, runs every test project and ends with "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

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
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
if [ "$skipped" -gt 0 ]; then
  echo "tests: $passed passed, $failed failed, $skipped skipped"
else
  echo "tests: $passed passed, $failed failed"
fi
[ "$status" -eq 0 ]
