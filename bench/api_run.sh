#!/usr/bin/env bash
# The HTTP API under load, measured with wrk (Debian) on loopback; server and
# load generator share the machine's cores.
#   1. GET one contact of 1,000,000 on SQLite (random contacts, keep-alive);
#   2. POST of a raw bounce, each one distinct, answered once durably stored;
#   3. webhook events delivered to a local receiver (node, tests/node);
# and the peak RSS of `rebound serve` across them (VmHWM).
#   bench/api_run.sh [REBOUND_BINARY] [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/release/src/rebound}")
SECS=${2:-20}
CONNS=${3:-50}
WORK=${TMPDIR:-/tmp}/rebound-api-bench
KEYHEX=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
command -v wrk > /dev/null || { echo "needs wrk (apt install wrk)"; exit 1; }
rm -rf "$WORK"
mkdir -p "$WORK"
DB="sqlite:$WORK/bench.db"

echo "== setting up 1,000,000 contacts"
"$BIN" account create bench --db "$DB" > /dev/null
sqlite3 "$WORK/bench.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
  INSERT INTO contacts (account_id, address, properties, created_at)
  SELECT 1, 'c' || i || '@example.org', '{\"first_name\":\"C\"}', 1800000000 FROM n;"
KEY=$("$BIN" apikey create bench --name bench --db "$DB" | tail -n 1)
export KEY

start_serve() {  # extra --set options
  "$BIN" serve --set database.url="$DB" --set receiver.enabled=false --set http.listen=127.0.0.1:0 \
    --set secrets.key=$KEYHEX "$@" 2> "$WORK/serve.log" &
  SERVE=$!
  for _ in $(seq 100); do grep -q "http port" "$WORK/serve.log" && break; sleep 0.1; done
  PORT=$(grep -o "http port [0-9]*" "$WORK/serve.log" | head -1 | awk '{print $3}')
  URL=http://127.0.0.1:$PORT
}
peak_rss() { awk '/VmHWM/ {printf "%.0f MB", $2/1024}' /proc/$SERVE/status; }
# Events are written but not sent in the first part: the webhook worker is off.
start_serve --set webhooks.enabled=false
trap 'kill $SERVE 2> /dev/null || true; [[ -n "${RECEIVER:-}" ]] && kill $RECEIVER 2> /dev/null || true' EXIT

cat > "$WORK/get.lua" << 'EOF'
local key = os.getenv("KEY")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/v1/contacts/c" .. math.random(1, 1000000) .. "@example.org",
                    { ["Authorization"] = "Bearer " .. key })
end
done = function(summary, latency, requests)
  io.write(string.format("  p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; errors %d, non-2xx %d\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
EOF
cat > "$WORK/post.lua" << 'EOF'
local key = os.getenv("KEY")
local n = 0
local thread_id = 0
setup = function(thread) thread:set("id", thread_id); thread_id = thread_id + 1 end
request = function()
  n = n + 1
  local rcpt = "b" .. id .. "-" .. n .. "@bounce.example"
  local body = "From: MAILER-DAEMON@mx.example.org\r\nTo: news@shop.example\r\n" ..
    "Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n" ..
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n" ..
    "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n" ..
    "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n" ..
    "Final-Recipient: rfc822; " .. rcpt .. "\r\nAction: failed\r\nStatus: 5.1.1\r\n" ..
    "Diagnostic-Code: smtp; 550 5.1.1 <" .. rcpt .. ">: Recipient address rejected: User unknown\r\n\r\n--b--\r\n"
  return wrk.format("POST", "/v1/bounces", { ["Authorization"] = "Bearer " .. key,
                    ["Content-Type"] = "message/rfc822" }, body)
end
done = function(summary, latency, requests)
  io.write(string.format("  p50 %.2f ms, p99 %.2f ms, max %.2f ms; errors %d, non-2xx %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
EOF

echo "== GET /v1/contacts/{address}: $CONNS connections, ${SECS}s"
wrk -t1 -c"$CONNS" -d"${SECS}s" -s "$WORK/get.lua" "$URL" | grep -E "Requests/sec|p50"

# An endpoint for bounce.hard: the POSTs below write its events (the worker
# is off), delivered afterwards.
HOOKS=0
if [[ -d tests/node/node_modules ]]; then
  HOOKS=1
  mkdir -p "$WORK/control"
  HOOK_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  SECRET=$(curl -s -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    -d "{\"url\":\"http://127.0.0.1:$HOOK_PORT/hook\",\"event_types\":[\"bounce.hard\"]}" \
    "$URL/v1/webhooks" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["id"], j["secret"])')
  echo "[\"${SECRET#* }\"]" > "$WORK/control/secrets.json"
  echo ok > "$WORK/control/mode"
fi

echo "== POST /v1/bounces (durably stored): $CONNS connections, ${SECS}s"
before=$(sqlite3 "$WORK/bench.db" "SELECT COUNT(*) FROM bounce_events")
wrk -t1 -c"$CONNS" -d"${SECS}s" -s "$WORK/post.lua" "$URL" | grep -E "Requests/sec|p50"
after=$(sqlite3 "$WORK/bench.db" "SELECT COUNT(*) FROM bounce_events")
echo "  $((after - before)) bounce events stored"

echo "== webhook events to a local receiver"
if [[ $HOOKS == 1 ]]; then
  N=$(sqlite3 "$WORK/bench.db" "SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'")
  (cd tests/node && node webhook_receiver.js "$HOOK_PORT" "$WORK/received.jsonl" "$WORK/control") &
  RECEIVER=$!
  echo "  GET and POST: peak RSS of rebound serve $(peak_rss)"
  kill -TERM $SERVE; wait $SERVE || true
  start=$(date +%s.%N)
  start_serve --set webhooks.concurrency=32
  while true; do
    left=$(sqlite3 "$WORK/bench.db" "SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'")
    [[ "$left" == 0 ]] && break
    sleep 0.2
  done
  end=$(date +%s.%N)
  got=$(python3 -c 'import json,sys; print(len({json.loads(l)["id"] for l in open(sys.argv[1])}))' "$WORK/received.jsonl")
  awk -v n="$N" -v s="$start" -v e="$end" -v g="$got" 'BEGIN {
    printf "  %d events delivered in %.2f s (from the start of rebound serve): %.0f events/s; %d distinct webhook-ids received\n", n, e - s, n / (e - s), g }'
else
  echo "  skipped: tests/node/node_modules missing (npm ci in tests/node)"
fi
echo "== peak RSS of rebound serve: $(peak_rss)"
