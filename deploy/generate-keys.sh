#!/usr/bin/env bash
# Writes the internal-token keys of a deployment (README "Internal tokens") into a compose env file:
# an ECDSA P-256 key pair for each process that signs (the gateway: member tokens and its key
# look-ups; the initiative and exchange services: their own calls), as single-line base64 DER
# (PKCS#8 private key, SubjectPublicKeyInfo public key), and the PostgreSQL password.
#
#   deploy/generate-keys.sh [ENV_FILE]      default: .env beside docker-compose.yml
#   deploy/generate-keys.sh --rotate [ENV_FILE]   new key pairs even where the file has them
#
# Values already in the file are kept (so it can run again safely), unless --rotate. The file is
# created owner-only. docker-compose.yml passes each container only its own private key and the
# public keys it trusts. Needs openssl.
set -euo pipefail

rotate=0
if [ "${1:-}" = "--rotate" ]; then rotate=1; shift; fi
file=${1:-"$(cd "$(dirname "$0")/.." && pwd)/.env"}

command -v openssl >/dev/null || { echo "generate-keys: openssl is needed" >&2; exit 1; }
umask 077
touch "$file"

has() { grep -q "^$1=." "$file"; }
drop() { local tmp; tmp=$(mktemp); grep -v "^$1=" "$file" >"$tmp" || true; cat "$tmp" >"$file"; rm -f "$tmp"; }
put() { drop "$1"; printf '%s=%s\n' "$1" "$2" >>"$file"; }

for issuer in gateway initiative exchange; do
  upper=$(printf '%s' "$issuer" | tr '[:lower:]' '[:upper:]')
  private_var=MEDIAMESH_${upper}_PRIVATE_KEY
  public_var=MEDIAMESH_${upper}_PUBLIC_KEY
  if [ "$rotate" = 0 ] && has "$private_var" && has "$public_var"; then
    echo "kept: $private_var, $public_var"
    continue
  fi
  pem=$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null)
  private=$(printf '%s\n' "$pem" | openssl pkcs8 -topk8 -nocrypt -outform DER | base64 | tr -d '\n')
  public=$(printf '%s\n' "$pem" | openssl pkey -pubout -outform DER | base64 | tr -d '\n')
  put "$private_var" "$private"
  put "$public_var" "$public"
  echo "wrote: $private_var, $public_var"
done

if ! has MEDIAMESH_POSTGRES_PASSWORD; then
  put MEDIAMESH_POSTGRES_PASSWORD "$(openssl rand -base64 24 | tr -d '/+=\n')"
  echo "wrote: MEDIAMESH_POSTGRES_PASSWORD"
fi

echo "keys in $file (keep it secret; never commit it)"
