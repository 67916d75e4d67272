#!/usr/bin/env bash
# The fault suite: fuzzes, kills, restarts and overloads MediaMesh (as Release processes on this machine,
# SQLite and a PostgreSQL 15 of its own) and writes bench/results/faults.md. One command:
#   bash tests/faults/run.sh                 # every part at full size (bench/results/faults.md)
#   bash tests/faults/run.sh --ci            # the CI-sized run .ci/run does (bench/results/faults-ci.md)
#   bash tests/faults/run.sh fuzz kill       # only these parts (fuzz kill postgres-restart overload rolling disk-full)
# Options: --seed N (repeat a run's random choices), --out PATH, --no-build. Ends with "faults: N passed, N failed".
# Needs root for the disk-full part (it mounts a small tmpfs) and /usr/lib/postgresql/15/bin (apt postgresql-15).
set -uo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

build=1
args=()
for arg in "$@"; do
  if [ "$arg" = "--no-build" ]; then build=0; else args+=("$arg"); fi
done

if [ "$build" = 1 ]; then
  dotnet build -c Release MediaMesh.sln -nologo -v quiet || { echo "faults: 0 passed, 1 failed"; exit 1; }
fi
dotnet run -c Release --no-build --project tests/faults/MediaMesh.Faults -- "${args[@]}"
