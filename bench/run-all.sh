#!/usr/bin/env bash
# Runs every benchmark of bench/ one after another (never at the same time: each pins its processes
# to the machine's cores and would disturb the others), after one Release build. Each writes its own
# report to bench/results/; see bench/README.md. Takes 40–60 minutes on the 2-core machine, most of it
# the first catalogue seeding (cached in /tmp/mediamesh-catalogue-bench for the next runs).
#   bash bench/run-all.sh            # everything
#   bash bench/run-all.sh proxy feed # only these (proxy startup media feed catalogue-sqlite catalogue-postgres)
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

all=(proxy startup media feed catalogue-sqlite catalogue-postgres)
wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=("${all[@]}")

dotnet build -c Release MediaMesh.sln -nologo -v quiet || { echo "bench: Release build failed"; exit 1; }

failed=()
run() {
  local name=$1; shift
  printf '\n== %s: %s\n' "$name" "$*"
  if ! "$@"; then failed+=("$name"); fi
}
for name in "${wanted[@]}"; do
  case "$name" in
    proxy) run proxy dotnet run -c Release --no-build --project bench/Proxy.Bench ;;
    startup) run startup dotnet run -c Release --no-build --project bench/Startup.Bench ;;
    media) run media dotnet run -c Release --no-build --project bench/Media.Bench ;;
    feed) run feed dotnet run -c Release --no-build --project bench/Feed.Bench -- --subscribers 2000 ;;
    catalogue-sqlite) run catalogue-sqlite dotnet run -c Release --no-build --project bench/Catalogue.Bench -- --provider sqlite --reuse ;;
    catalogue-postgres) run catalogue-postgres dotnet run -c Release --no-build --project bench/Catalogue.Bench -- --provider postgres --reuse ;;
    *) echo "bench: unknown benchmark $name (one of: ${all[*]})"; failed+=("$name") ;;
  esac
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "bench: failed: ${failed[*]}"
  exit 1
fi
echo "bench: all reports written to bench/results/"
