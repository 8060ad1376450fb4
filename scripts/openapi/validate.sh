#!/usr/bin/env bash
# Validates the OpenAPI document the real binary serves at /v1/openapi.json with the
# independent `openapi-spec-validator` (PyPI). Usage: scripts/openapi/validate.sh [GOVFLOW_BIN]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-target/debug/govflow}"
. scripts/openapi/server.sh

curl --silent --show-error --fail "$base/v1/openapi.json" -o "$tmp/openapi.json"
python3 -m openapi_spec_validator "$tmp/openapi.json"
