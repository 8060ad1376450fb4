#!/usr/bin/env bash
# Drives every operation of the served OpenAPI document against the real binary with the
# independent fuzzer `schemathesis` (PyPI), all checks on, as the generated admin (who may
# call every operation), and fails on any finding. Three passes:
#   1. every operation, every parameter generated;
#   2. for each city served, the operations on `{city}` with that city's real id;
#   3. the operations on `{id}` with a real case (opened first), actions included.
# Usage: scripts/openapi/fuzz.sh [GOVFLOW_BIN] [MAX_EXAMPLES]
# The seed is fixed so a finding reproduces; set SEED to explore further.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-target/debug/govflow}"
examples="${2:-40}"
. scripts/openapi/server.sh

fuzz() {
  st run "$base/v1/openapi.json" \
    --experimental=openapi-3.1 \
    --checks all \
    --header "Authorization: Bearer $token" \
    --hypothesis-seed "${SEED:-20261202}" \
    --hypothesis-suppress-health-check too_slow,filter_too_much \
    --workers 2 \
    --no-color \
    "$@"
}

echo "== pass 1: every operation"
fuzz --hypothesis-max-examples "$examples"

for city in $(ls cities); do
  echo "== pass 2: the operations on {city} with city=$city"
  fuzz --hypothesis-max-examples "$((examples / 4 + 1))" \
    --include-path-regex '\{city\}' --set-path "city=$city"
done

case_json="$(curl --silent --show-error --fail-with-body -X POST "$base/v1/cases" \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"city":"wanzhou","procedure":"data_verification","provider":"区公安局","subject":"fuzz"}')"
id="$(printf '%s' "$case_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
echo "== pass 3: the operations on {id} with the case $id"
fuzz --hypothesis-max-examples "$examples" \
  --include-path-regex '\{id\}' --set-path "id=$id" --set-path "action=request_extension"
