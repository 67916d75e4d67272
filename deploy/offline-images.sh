#!/usr/bin/env bash
# Builds local stand-ins for every image the Dockerfiles, docker-compose.yml and the Testcontainers
# tests name, for machines that cannot pull from any registry (CI here). With internet access nobody
# needs this script: docker pulls the real images.
#
#   mcr.microsoft.com/dotnet/aspnet:10.0          Debian bookworm + this machine's .NET/ASP.NET Core runtime
#   mcr.microsoft.com/dotnet/sdk:10.0             the aspnet stand-in + this machine's whole .NET SDK
#   postgres:15                                   Debian's postgresql-15 + an official-style entrypoint
#   mcr.microsoft.com/dotnet/aspire-dashboard:13.6  the dashboard shipped in NuGet's Aspire.Dashboard.Sdk.linux-x64
#
# The Debian base comes from `debootstrap --variant=minbase bookworm` and `docker import`; packages
# come from the machine's Debian mirror. An image that already exists is kept (cache); --force
# rebuilds them all. Run as root (debootstrap needs it); installs debootstrap if it is missing.
# Cache of downloaded .debs and the dashboard package: $MEDIAMESH_IMAGE_CACHE (default
# /var/cache/mediamesh-images).
set -euo pipefail
cd "$(dirname "$0")/.."
here=deploy/offline

force=0
case "${1:-}" in
  --force) force=1 ;;
  "") ;;
  *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac

BASE_IMAGE=mediamesh-offline/debian:bookworm
ASPNET_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0
SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
POSTGRES_IMAGE=postgres:15
DASHBOARD_IMAGE=mcr.microsoft.com/dotnet/aspire-dashboard:13.6
DASHBOARD_PACKAGE_VERSION=13.6.5

cache=${MEDIAMESH_IMAGE_CACHE:-/var/cache/mediamesh-images}
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log() { printf '[offline-images %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
wanted() { [ "$force" = 1 ] || ! docker image inspect "$1" >/dev/null 2>&1; }

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null
}

# The Debian mirror this machine uses (deb822 sources or a classic sources.list), for debootstrap.
debian_mirror() {
  local uri
  uri=$(grep -hs -A3 -E '^Types:.*deb' /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '/^URIs:/ {print $2}' | grep -E '/debian/?$' | head -1 || true)
  [ -n "$uri" ] || uri=$(grep -hs -E '^deb .* bookworm( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '{print $2}' | grep -E '/debian/?$' | head -1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# The machine's newest 10.0 runtime of a framework, e.g. "10.0.12".
runtime_version() {
  dotnet --list-runtimes | awk -v fw="$1" '$1 == fw && $2 ~ /^10\.0\./ {print $2}' | sort -V | tail -1
}

dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")

build_base() {
  wanted "$BASE_IMAGE" || { log "$BASE_IMAGE exists"; return; }
  command -v debootstrap >/dev/null || apt_install debootstrap
  local mirror rootfs
  mirror=$(debian_mirror)
  rootfs=$work/rootfs
  log "debootstrap --variant=minbase bookworm from $mirror"
  mkdir -p "$cache/debs"
  debootstrap --variant=minbase --cache-dir="$cache/debs" bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; exit 1; }
  # Point apt inside the images at the same mirror, with security updates.
  cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian*}/debian-security bookworm-security main
EOF
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
  log "built $BASE_IMAGE"
}

# Public certificates of extra authorities this machine trusts (an outgoing TLS proxy, say); empty
# on most machines. Copied into the stand-ins only, never into the repository.
copy_local_cas() {
  mkdir -p "$1/ca"
  cp /usr/local/share/ca-certificates/*.crt "$1/ca/" 2>/dev/null || true
}

build_aspnet() {
  wanted "$ASPNET_IMAGE" || { log "$ASPNET_IMAGE exists"; return; }
  local version ctx=$work/aspnet
  version=$(runtime_version Microsoft.AspNetCore.App)
  [ -n "$version" ] && [ -d "$dotnet_root/shared/Microsoft.NETCore.App/$version" ] ||
    { echo "no .NET 10.0 runtime with ASP.NET Core found under $dotnet_root" >&2; exit 1; }
  mkdir -p "$ctx/dotnet/shared"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$ctx/dotnet/"
  cp -a "$dotnet_root"/LICENSE.txt "$dotnet_root"/ThirdPartyNotices.txt "$ctx/dotnet/" 2>/dev/null || true
  for fw in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
    mkdir -p "$ctx/dotnet/shared/$fw"
    cp -a "$dotnet_root/shared/$fw/$version" "$ctx/dotnet/shared/$fw/"
  done
  copy_local_cas "$ctx"
  log "building $ASPNET_IMAGE (runtime $version)"
  docker build -q -t "$ASPNET_IMAGE" -f "$here/aspnet.Dockerfile" \
    --build-arg BASE="$BASE_IMAGE" --build-arg DOTNET_VERSION="$version" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "built $ASPNET_IMAGE"
}

build_sdk() {
  wanted "$SDK_IMAGE" || { log "$SDK_IMAGE exists"; return; }
  local version ctx=$work/sdk
  version=$(dotnet --list-sdks | awk '$1 ~ /^10\./ {print $1}' | sort -V | tail -1)
  [ -n "$version" ] || { echo "no .NET 10 SDK found" >&2; exit 1; }
  mkdir -p "$ctx"
  cp -a "$dotnet_root" "$ctx/dotnet"
  log "building $SDK_IMAGE (SDK $version)"
  docker build -q -t "$SDK_IMAGE" -f "$here/sdk.Dockerfile" --build-arg SDK_VERSION="$version" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "built $SDK_IMAGE"
}

build_postgres() {
  wanted "$POSTGRES_IMAGE" || { log "$POSTGRES_IMAGE exists"; return; }
  local ctx=$work/postgres
  mkdir -p "$ctx"
  cp "$here/postgres-entrypoint.sh" "$ctx/"
  log "building $POSTGRES_IMAGE"
  docker build -q -t "$POSTGRES_IMAGE" -f "$here/postgres.Dockerfile" --build-arg BASE="$BASE_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "built $POSTGRES_IMAGE"
}

# The dashboard from the NuGet package: the local NuGet cache if a restore already brought it,
# otherwise downloaded from NuGet's flat container (kept in the cache folder).
dashboard_tools() {
  local id=aspire.dashboard.sdk.linux-x64 v=$DASHBOARD_PACKAGE_VERSION
  local restored=${NUGET_PACKAGES:-$HOME/.nuget/packages}/$id/$v/tools
  if [ -x "$restored/Aspire.Dashboard" ]; then echo "$restored"; return; fi
  local pkg=$cache/$id.$v.nupkg
  if [ ! -s "$pkg" ]; then
    curl -fsSL --retry 3 -o "$pkg.part" "https://api.nuget.org/v3-flatcontainer/$id/$v/$id.$v.nupkg" && mv "$pkg.part" "$pkg"
  fi
  rm -rf "$cache/$id.$v" && mkdir -p "$cache/$id.$v"
  if command -v unzip >/dev/null; then unzip -q "$pkg" 'tools/*' -d "$cache/$id.$v"
  else python3 -m zipfile -e "$pkg" "$cache/$id.$v"; fi
  chmod +x "$cache/$id.$v/tools/Aspire.Dashboard"
  echo "$cache/$id.$v/tools"
}

build_dashboard() {
  wanted "$DASHBOARD_IMAGE" || { log "$DASHBOARD_IMAGE exists"; return; }
  local tools ctx=$work/dashboard
  tools=$(dashboard_tools)
  mkdir -p "$ctx"
  cp -a "$tools" "$ctx/dashboard"
  # NuGet extracts packages readable by their owner only; the dashboard runs as the image's "app" user.
  chmod -R a+rX "$ctx/dashboard"
  log "building $DASHBOARD_IMAGE (Aspire.Dashboard.Sdk.linux-x64 $DASHBOARD_PACKAGE_VERSION)"
  docker build -q -t "$DASHBOARD_IMAGE" -f "$here/dashboard.Dockerfile" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "built $DASHBOARD_IMAGE"
}

docker info >/dev/null 2>&1 || { echo "no Docker engine is reachable" >&2; exit 1; }
start=$SECONDS
build_base
build_aspnet
build_sdk
build_postgres
build_dashboard
log "done in $((SECONDS - start)) s: $ASPNET_IMAGE, $SDK_IMAGE, $POSTGRES_IMAGE, $DASHBOARD_IMAGE"
