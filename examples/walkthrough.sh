#!/usr/bin/env bash
# A complete session with govflow over HTTP: submit, act, extension, lapse under the
# simulated clock, the penalty case, the event feed. Start the service first:
#
#   cargo run -- serve --clock simulated --start 2021-02-08T09:00:00+08:00 \
#       --data /tmp/govflow-demo --auth examples/tokens.yaml
#
# then run `examples/walkthrough.sh` (needs curl and python3). Each step checks what the
# service answered and stops at the first surprise. The story is Wanzhou 第十七条 (data
# verification within 10 working days, extensible by 10 with the principal's approval)
# across Spring Festival 2021, as in cities/wanzhou/scenarios/data_verification_extension.yaml.
set -euo pipefail

URL=${GOVFLOW_URL:-http://127.0.0.1:8080}
ADMIN=${ADMIN_TOKEN:-demo-admin-token-000001}
CITIZEN=${CITIZEN_TOKEN:-demo-citizen-token-0001}
POLICE=${POLICE_TOKEN:-demo-police-token-00001}
POLICE_HEAD=${POLICE_HEAD_TOKEN:-demo-police-head-token1}

# call METHOD PATH TOKEN [JSON]: prints the response body; the status goes to $STATUS_FILE.
STATUS_FILE=$(mktemp)
trap 'rm -f "$STATUS_FILE"' EXIT
call() {
  local args=(-sS -X "$1" "$URL$2" -H "Authorization: Bearer $3" -w '%{stderr}%{http_code}')
  if [ $# -ge 4 ]; then args+=(-H 'Content-Type: application/json' -d "$4"); fi
  curl "${args[@]}" 2>"$STATUS_FILE"
}
status() { cat "$STATUS_FILE"; }
# get FIELD: reads JSON on stdin and prints one field, e.g. get '["deadlines"][0]["due_date"]'.
get() { python3 -c 'import json,sys; v=eval("json.load(sys.stdin)"+sys.argv[1]); print(v if isinstance(v,str) else json.dumps(v))' "$1"; }
expect() { if [ "$2" != "$3" ]; then echo "FAILED: $1: expected $3, got $2" >&2; exit 1; fi; echo "  ok: $1 = $2"; }

echo "== 1. The service is up, on a simulated clock"
curl -sS "$URL/healthz"; echo

echo "== 2. A citizen asks 区公安局 to verify a record (received Mon 2021-02-08)"
CASE=$(call POST /v1/cases "$CITIZEN" '{"city":"wanzhou","procedure":"data_verification","provider":"区公安局","subject":"户籍记录核对"}')
expect "status" "$(status)" 201
ID=$(echo "$CASE" | get '["id"]')
# Spring Festival 2021: rest 02-11..02-17, make-up working day Sat 02-20. The 10th working
# day after 02-08 is 02-26.
expect "verify due" "$(echo "$CASE" | get '["deadlines"][0]["due_date"]')" 2021-02-26
expect "article" "$(echo "$CASE" | get '["deadlines"][0]["article"]')" 第十七条

echo "== 3. The provider asks for 11 more working days: over the cap of 10"
REFUSED=$(call POST "/v1/cases/$ID/actions/request_extension" "$POLICE" '{"data":{"working_days":11,"reason":"涉及多个系统"}}')
expect "status" "$(status)" 422
echo "  $(echo "$REFUSED" | get '["detail"]')"

echo "== 4. It asks for 5; its principal approves: due 5 working days after 02-26"
call POST "/v1/cases/$ID/actions/request_extension" "$POLICE" '{"data":{"working_days":5,"reason":"涉及多个系统"}}' >/dev/null
expect "status" "$(status)" 200
CASE=$(call POST "/v1/cases/$ID/actions/approve_extension" "$POLICE_HEAD" '{}')
expect "status" "$(status)" 200
expect "verify due" "$(echo "$CASE" | get '["deadlines"][0]["due_date"]')" 2021-03-05

echo "== 5. Nobody replies. Move the clock past the end of 03-05"
call POST /v1/admin/clock "$ADMIN" '{"now":"2021-03-06T00:00:00+08:00"}'; echo
expect "status" "$(status)" 200
CASE=$(call GET "/v1/cases/$ID" "$CITIZEN")
expect "overdue" "$(echo "$CASE" | get '["overdue"]')" true
expect "verify" "$(echo "$CASE" | get '["deadlines"][0]["status"]')" missed

echo "== 6. The lapse opened a rectification case against 区公安局 (第四十九条)"
PENALTIES=$(call GET "/v1/cases?parent=$ID" "$ADMIN")
expect "penalty procedure" "$(echo "$PENALTIES" | get '["cases"][0]["procedure"]')" rectification
expect "penalty state" "$(echo "$PENALTIES" | get '["cases"][0]["state"]')" ordered
expect "penalty provider" "$(echo "$PENALTIES" | get '["cases"][0]["provider"]')" 区公安局

echo "== 7. A late reply without reasons is refused; with reasons it is recorded"
call POST "/v1/cases/$ID/actions/reply" "$POLICE" '{"data":{"decision":"reject"}}' >/dev/null
expect "status" "$(status)" 422
CASE=$(call POST "/v1/cases/$ID/actions/reply" "$POLICE" '{"data":{"decision":"reject","reasons":"数据与登记原件一致"}}')
expect "state" "$(echo "$CASE" | get '["state"]')" confirmed

echo "== 8. The event feed, read with a cursor"
FEED=$(call GET "/v1/events?after=0&limit=100" "$ADMIN")
echo "$FEED" | python3 -c 'import json,sys
for e in json.load(sys.stdin)["events"]:
    print("  #%d %-20s %s %s %s" % (e["seq"], e["type"], e["case"], e["at"], e["article"] or ""))'
CURSOR=$(echo "$FEED" | get '["next_after"]')
expect "nothing after the cursor" "$(call GET "/v1/events?after=$CURSOR" "$ADMIN" | get '["events"]')" "[]"
echo "walkthrough complete"
