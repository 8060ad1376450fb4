# Sourced by the scripts beside it: starts the real binary ($bin) on a simulated clock, a free
# loopback port and a temp data directory, with every city's pack, and stops it on exit.
# Sets `tmp`, `base` (http://127.0.0.1:PORT) and `token` (the one token it accepts).
tmp="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# One token, for every city, that administers and is also 区公安局 as a data provider: with
# it every operation has requests it may make (the generated admin may not act on a case).
token="$(python3 -c 'import secrets; print(secrets.token_hex(20))')"
cat >"$tmp/auth.yaml" <<YAML
tokens:
  - {token: "$token", actor: fuzz, city: "*", department: 区公安局, roles: [admin, provider]}
YAML

# Webhooks on, to loopback only: the subscription examples name a loopback port nobody
# listens on, so deliveries fail and retry in the background, which no answer depends on.
cat >"$tmp/webhooks.yaml" <<YAML
allow: ["http://127.0.0.1:*"]
YAML

"$bin" serve --listen 127.0.0.1:0 --data "$tmp/data" --cities cities --policies policies \
  --auth "$tmp/auth.yaml" --webhooks "$tmp/webhooks.yaml" --clock simulated --start 2024-01-02T09:00:00+08:00 >"$tmp/log" 2>&1 &
pid=$!
base=""
for _ in $(seq 1 300); do
  base="$(sed -n 's/.*govflow listening on \(http:\/\/[^ ]*\).*/\1/p' "$tmp/log" | head -n1)"
  [ -n "$base" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/log"; echo "govflow serve exited before listening" >&2; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { cat "$tmp/log"; echo "govflow serve did not listen in 30 s" >&2; exit 1; }
