#!/usr/bin/env bash
# Compose smoke test: the suite as a platform team runs it (docker-compose.yml), driven as a member
# meets it, through the gateway's published port.
#   build the images, `up -d`, every container healthy; bootstrap a coordinator (`run --rm organization
#   bootstrap`); a member scenario (organisation, offer, upload, licence, download) with the Node
#   client; the calls' traces in the dashboard; `restart exchange` while a client keeps calling with
#   retries (failed calls counted and reported); `down` and `up` again and the rows and media bytes
#   still there; finally `down -v`.
# Prints one line per check, then "compose: N passed, N failed". Every wait is bounded.
#
# Needs the images compose names (deploy/offline-images.sh builds stand-ins where nothing can be
# pulled), Node.js/npm, curl. Settings: COMPOSE (default docker-compose; "docker compose" works too),
# COMPOSE_PROJECT_NAME (default mediamesh-smoke), MEDIAMESH_GRPC_PORT / MEDIAMESH_WEB_PORT /
# MEDIAMESH_DASHBOARD_PORT (default 5100 / 5180 / 18888), MEDIAMESH_SMOKE_KEEP=1 to leave it running.
set -uo pipefail
cd "$(dirname "$0")/.."

read -r -a compose <<<"${COMPOSE:-docker-compose}"
export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-mediamesh-smoke}
# The internal-token keys of this run (deploy/generate-keys.sh), unless the caller exported a set;
# a database password the caller set wins over the generated one.
if [ -z "${MEDIAMESH_GATEWAY_PRIVATE_KEY:-}" ]; then
  keys_file=$(mktemp)
  caller_password=${MEDIAMESH_POSTGRES_PASSWORD:-}
  bash deploy/generate-keys.sh "$keys_file" >/dev/null || { echo "FAILED: deploy/generate-keys.sh"; exit 1; }
  set -a; . "$keys_file"; set +a
  rm -f "$keys_file"
  if [ -n "$caller_password" ]; then export MEDIAMESH_POSTGRES_PASSWORD=$caller_password; fi
fi
export MEDIAMESH_POSTGRES_PASSWORD=${MEDIAMESH_POSTGRES_PASSWORD:-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}
export MEDIAMESH_GRPC_PORT=${MEDIAMESH_GRPC_PORT:-5100}
export MEDIAMESH_WEB_PORT=${MEDIAMESH_WEB_PORT:-5180}
export MEDIAMESH_DASHBOARD_PORT=${MEDIAMESH_DASHBOARD_PORT:-18888}
export MEDIAMESH_GATEWAY=localhost:$MEDIAMESH_GRPC_PORT

passed=0 failed=0
work=$(mktemp -d)
scenario="node clients/node/compose-scenario.js"

check() { # name, then a command that succeeds when the check passes
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok: $name"; else failed=$((failed + 1)); echo "FAILED: $name"; fi
}
step() { printf '\n== %s (%s)\n' "$*" "$(date +%H:%M:%S)"; }
timed() { local start=$SECONDS; "$@"; local rc=$?; echo "   ($((SECONDS - start)) s)"; return $rc; }
finish() {
  echo "compose: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

cleanup() {
  if [ "${MEDIAMESH_SMOKE_KEEP:-0}" != 1 ]; then
    "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1
  fi
  rm -rf "$work"
}
trap cleanup EXIT

container_state() { # service → "healthy", "starting", "unhealthy", "running" (no healthcheck) or ""
  local id
  id=$("${compose[@]}" ps -q "$1" 2>/dev/null)
  [ -n "$id" ] || return 0
  docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id" 2>/dev/null
}

wait_healthy() { # seconds; every service with a healthcheck healthy, the dashboard running
  local until=$((SECONDS + $1)) s state pending
  while :; do
    pending=""
    for s in postgres organization initiative exchange gateway dashboard; do
      state=$(container_state "$s")
      case "$s:$state" in
        *:healthy | dashboard:running) ;;
        *) pending="$pending $s=${state:-absent}" ;;
      esac
    done
    [ -z "$pending" ] && return 0
    if [ $SECONDS -ge $until ]; then
      echo "   not healthy after $1 s:$pending"
      "${compose[@]}" ps
      "${compose[@]}" logs --tail=30 organization initiative exchange gateway 2>&1 | tail -80
      return 1
    fi
    sleep 3
  done
}

wait_service_healthy() { # service, seconds
  local until=$((SECONDS + $2))
  until [ "$(container_state "$1")" = healthy ]; do
    [ $SECONDS -lt $until ] || return 1
    sleep 1
  done
}

step "tools: the Node client's packages"
( cd clients/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null ) || { echo "npm ci failed"; failed=1; finish; }

step "build the images (${compose[*]} build)"
build_images() { "${compose[@]}" build >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; return 1; }; }
check "images build" timed build_images
[ "$failed" -eq 0 ] || finish

step "up -d: postgres, organization, initiative, exchange, gateway, dashboard"
# A run cut short before its own `down -v` leaves this project's containers and database volume behind, and
# PostgreSQL keeps the password it was first given: this run's fresh one would be refused.
"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1
timed "${compose[@]}" up -d >"$work/up.log" 2>&1 || cat "$work/up.log"
check "every container healthy (within 300 s)" timed wait_healthy 300
[ "$failed" -eq 0 ] || finish
check "gateway readiness on the published web port" curl -fsS -o /dev/null "http://localhost:$MEDIAMESH_WEB_PORT/health/ready"

step "bootstrap a coordinator: run --rm organization bootstrap"
boot=$("${compose[@]}" run --rm -T organization bootstrap --name "Compose Coordination Office" --country MY 2>"$work/bootstrap.err")
MEDIAMESH_API_KEY=$(sed -n 's/^api_key: //p' <<<"$boot")
export MEDIAMESH_API_KEY
check "bootstrap prints the coordinator's key" test -n "$MEDIAMESH_API_KEY"
[ -n "$MEDIAMESH_API_KEY" ] || { tail -20 "$work/bootstrap.err"; finish; }

step "member scenario through the gateway (localhost:$MEDIAMESH_GRPC_PORT)"
check "organisation, offer, verified upload, licence, download" $scenario setup "$work/state.json"
[ -s "$work/state.json" ] || finish

step "traces in the dashboard (http://localhost:$MEDIAMESH_DASHBOARD_PORT)"
traces_arrive() {
  for _ in $(seq 1 30); do
    curl -fsS "http://localhost:$MEDIAMESH_DASHBOARD_PORT/api/telemetry/traces" 2>/dev/null | node -e '
      let body = ""; process.stdin.on("data", d => body += d).on("end", () => {
        const byTrace = new Map();
        for (const rs of JSON.parse(body).data?.resourceSpans ?? []) {
          const name = (rs.resource?.attributes ?? []).find(a => a.key === "service.name")?.value?.stringValue;
          for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) {
            if (!byTrace.has(span.traceId)) byTrace.set(span.traceId, new Set());
            byTrace.get(span.traceId).add(name);
          }
        }
        process.exit([...byTrace.values()].some(s => s.has("gateway") && s.has("exchange")) ? 0 : 1);
      });' && return 0
    sleep 2
  done
  return 1
}
check "one trace spans the gateway and the exchange container" traces_arrive

step "restart exchange while a client keeps calling (with retries)"
$scenario load "$work/state.json" "$work/stop" >"$work/load.log" 2>&1 &
load_pid=$!
sleep 3
restart_start=$SECONDS
"${compose[@]}" restart exchange >/dev/null 2>&1
check "exchange healthy again after restart (within 120 s)" wait_service_healthy exchange 120
echo "   exchange back in $((SECONDS - restart_start)) s"
sleep 5
touch "$work/stop"
load_ok=0
for _ in $(seq 1 90); do kill -0 "$load_pid" 2>/dev/null || { load_ok=1; break; }; sleep 1; done
[ "$load_ok" = 1 ] || kill "$load_pid" 2>/dev/null
wait "$load_pid"
sed 's/^/   /' "$work/load.log"
check "no call failed across the restart (client retries UNAVAILABLE)" grep -q 'failed: 0$' "$work/load.log"

step "down, then up again: data must survive"
timed "${compose[@]}" down >/dev/null 2>&1
timed "${compose[@]}" up -d >"$work/up.log" 2>&1 || cat "$work/up.log"
check "every container healthy again (within 300 s)" wait_healthy 300
check "rows (organisation, offer, licence) and media bytes survived down/up" $scenario verify "$work/state.json"

step "down -v"
"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1
check "no container and no volume left" bash -c \
  '[ -z "$(docker ps -aq --filter "label=com.docker.compose.project=$1")" ] && [ -z "$(docker volume ls -q --filter "label=com.docker.compose.project=$1")" ]' _ "$COMPOSE_PROJECT_NAME"

finish
