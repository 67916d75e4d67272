#!/usr/bin/env bash
# Publishes the four hosts of an earlier commit, for `Proxy.Bench --baseline DIR` (the hot-path calls measured
# against them side by side, in the same rounds):
#   bash bench/publish-baseline.sh REV [DIR]      # prints DIR (default /tmp/mediamesh-baseline-REV)
# The commit is checked out in a temporary git worktree (removed afterwards) and published framework-dependent
# without a runtime identifier, i.e. JIT-compiled like the build output Proxy.Bench runs, so the two differ by
# their code only.
set -euo pipefail
rev=${1:?usage: $0 REV [DIR]}
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
commit=$(git -C "$root" rev-parse --short "$rev")
dir=$(realpath -m "${2:-/tmp/mediamesh-baseline-$commit}")
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work" >/dev/null 2>&1 || rm -rf "$work"' EXIT
git -C "$root" worktree add --detach "$work" "$commit" >/dev/null
for project in services/Organization/MediaMesh.Organization.csproj services/Initiative/MediaMesh.Initiative.csproj \
               services/Exchange/MediaMesh.Exchange.csproj gateway/MediaMesh.Gateway/MediaMesh.Gateway.csproj; do
  name=$(basename "$project" .csproj)
  echo "publishing $name at $commit" >&2
  dotnet publish "$work/$project" -c Release -nologo -v q -o "$dir/$name" >&2
done
echo "$dir"
