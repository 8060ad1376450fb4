#!/usr/bin/env bash
# Validates the OpenAPI document the real binary serves at /v1/openapi.json with the
# independent `openapi-spec-validator` (PyPI). Usage: scripts/openapi/validate.sh [GOVFLOW_BIN]
# The server runs on a simulated clock, a free loopback port and a temp data directory,
# and is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-target/debug/govflow}"
tmp="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$bin" serve --listen 127.0.0.1:0 --data "$tmp/data" --cities cities --policies policies \
  --clock simulated --start 2024-01-02T09:00:00+08:00 >"$tmp/log" 2>&1 &
pid=$!
base=""
for _ in $(seq 1 300); do
  base="$(sed -n 's/.*govflow listening on \(http:\/\/[^ ]*\).*/\1/p' "$tmp/log" | head -n1)"
  [ -n "$base" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/log"; echo "govflow serve exited before listening" >&2; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { cat "$tmp/log"; echo "govflow serve did not listen in 30 s" >&2; exit 1; }

curl --silent --show-error --fail "$base/v1/openapi.json" -o "$tmp/openapi.json"
python3 -m openapi_spec_validator "$tmp/openapi.json"
