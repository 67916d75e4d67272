#!/usr/bin/env bash
# System check of the whole suite as a member meets it: runs the README's run command (the Aspire
# AppHost) on a fresh data folder, bootstraps a coordinator, then through the gateway's one public
# port: lists every service by reflection, runs the Node (@grpc/grpc-js) member client, signs an
# initiative with buf curl, and finds that call's single trace (gateway → initiative → organization)
# in the dashboard's telemetry API. Prints "system: N passed, N failed". Expects a built solution.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
buf=tools/node_modules/.bin/buf
data=$(mktemp -d)
log=$(mktemp)
passed=0 failed=0
apphost_pid=""

check() { # name, then a command that succeeds when the check passes
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok: $name"; else failed=$((failed + 1)); echo "FAILED: $name"; fi
}

cleanup() {
  if [ -n "$apphost_pid" ]; then
    kill -TERM -- "-$apphost_pid" 2>/dev/null
    for _ in $(seq 1 20); do kill -0 "$apphost_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$apphost_pid" 2>/dev/null
  fi
  # DCP and the services follow the AppHost down by themselves, but not always at once: end every
  # process that was started for this run (they carry its data folder in their environment).
  local left=()
  for p in $(pgrep -f "dcp|MediaMesh" 2>/dev/null); do
    grep -qs "$data" "/proc/$p/environ" && left+=("$p")
  done
  if [ ${#left[@]} -gt 0 ]; then
    kill -TERM "${left[@]}" 2>/dev/null
    for _ in $(seq 1 10); do kill -0 "${left[@]}" 2>/dev/null || break; sleep 1; done
    kill -KILL "${left[@]}" 2>/dev/null
  fi
  rm -rf "$data" "$log"
}
trap cleanup EXIT

wait_for() { # url, seconds
  for _ in $(seq 1 "$2"); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0
    sleep 1
  done
  return 1
}

echo "== bootstrap a coordinator in $data"
gateway_public_key=$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null | openssl pkey -pubout -outform DER | base64 | tr -d '\n')
boot=$(MediaMesh__DataDirectory=$data ASPNETCORE_ENVIRONMENT=Production MediaMesh__InternalToken__Issuers__gateway__PublicKey=$gateway_public_key \
  dotnet run --no-build --no-launch-profile --project services/Organization -- bootstrap --name "CI Coordination Office" --country MY)
key=$(sed -n 's/^api_key: //p' <<<"$boot")
org=$(sed -n 's/^organization_id: //p' <<<"$boot")
check "bootstrap prints an organisation id and a key" test -n "$key" -a -n "$org"

echo "== start the suite: dotnet run --project services/AppHost"
MediaMesh__DataDirectory=$data setsid dotnet run --no-build --project services/AppHost >"$log" 2>&1 &
apphost_pid=$!
if ! wait_for "http://localhost:5180${SUITE_READY_PATH:-/health/ready}" 240; then
  echo "the suite did not become ready; AppHost log:"; tail -40 "$log"
  echo "system: $passed passed, $((failed + 1)) failed"; exit 1
fi
check "dashboard answers" wait_for http://localhost:18888/ 30

grpc() { "$buf" curl --protocol grpc --http2-prior-knowledge --timeout 20s "$@"; }
authed() { grpc -H "authorization: Bearer $key" "$@"; }

# The gateway's readiness says only that the gateway can serve; grpc.health.v1 service "" through it
# says every backend is healthy. And ready is not warm: the first calls compile queries and open
# connections. Wait for both (a freshly started suite may say UNAVAILABLE, "retry shortly").
warm() {
  for _ in $(seq 1 30); do
    grpc -d '{"service": ""}' http://localhost:5100/grpc.health.v1.Health/Check 2>/dev/null | grep -q '"SERVING"' &&
      authed -d "{\"id\":\"$org\"}" http://localhost:5100/mediamesh.organization.v1.OrganizationService/GetOrganization >/dev/null 2>&1 && return 0
    sleep 2
  done
  return 1
}
check "every backend serving and a member call through the gateway answers" warm

services=$(grpc --list-services http://localhost:5100 2>&1)
check "reflection through the gateway lists every public service" bash -c '
  for s in mediamesh.organization.v1.OrganizationService mediamesh.initiative.v1.InitiativeService \
           mediamesh.exchange.v1.OfferService mediamesh.exchange.v1.MediaService mediamesh.exchange.v1.LicensingService \
           mediamesh.exchange.v1.CatalogueService mediamesh.exchange.v1.UsageService grpc.health.v1.Health; do
    grep -qx "$s" <<<"$1" || { echo "missing $s in: $1"; exit 1; }
  done
  ! grep -q CredentialService <<<"$1"' _ "$services"

echo "== Node client (@grpc/grpc-js) through the gateway"
check "node member client" bash -c "cd clients/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null && MEDIAMESH_GATEWAY=localhost:5100 MEDIAMESH_API_KEY=$key node member-call.js"

echo "== sign an initiative through the gateway"
created=$(authed -d "{\"initiative\":{\"kind\":\"INITIATIVE_KIND_CAMPAIGN\",\"titles\":[{\"language\":\"en\",\"text\":\"Voices of the South\",\"original\":true}],\"charter\":[{\"language\":\"en\",\"text\":\"Members exchange stories.\",\"original\":true}],\"proposer_ids\":[\"$org\"]}}" \
  http://localhost:5100/mediamesh.initiative.v1.InitiativeService/CreateInitiative)
initiative=$(node -e 'console.log(JSON.parse(process.argv[1]).initiative.id)' "$created" 2>/dev/null)
authed -d "{\"id\":\"$initiative\"}" http://localhost:5100/mediamesh.initiative.v1.InitiativeService/OpenInitiative >/dev/null
signed=$(authed -v -d "{\"initiative_id\":\"$initiative\",\"signer_name\":\"CI\"}" http://localhost:5100/mediamesh.initiative.v1.InitiativeService/SignInitiative 2>&1)
check "signing returns a signature" grep -q '"state": "SIGNATURE_STATE_SIGNED"' <<<"$signed"

echo "== the signing call is one trace across gateway, initiative and organization in the dashboard"
trace_found() {
  curl -s "http://localhost:18888/api/telemetry/traces" | node -e '
    let body = ""; process.stdin.on("data", d => body += d).on("end", () => {
      const services = new Map(), signing = new Set();
      for (const rs of JSON.parse(body).data.resourceSpans ?? []) {
        const name = (rs.resource?.attributes ?? []).find(a => a.key === "service.name")?.value?.stringValue;
        for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) {
          if (!services.has(span.traceId)) services.set(span.traceId, new Set());
          services.get(span.traceId).add(name);
          if (name === "initiative" && span.name.includes("SignInitiative")) signing.add(span.traceId);
        }
      }
      const ok = [...signing].some(t => ["gateway", "initiative", "organization"].every(s => services.get(t).has(s)));
      process.exit(ok ? 0 : 1);
    });'
}
wait_trace() { for _ in $(seq 1 20); do trace_found && return 0; sleep 2; done; return 1; }
check "one trace: gateway → initiative → organization" wait_trace

echo "system: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
