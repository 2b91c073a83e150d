#!/usr/bin/env bash
# Receiver benchmark: Postfix's smtp-source sends MESSAGES messages over 50
# concurrent SMTP sessions to `rebound serve` on loopback; each is answered
# 250 only once durably stored (group commit). Prints messages stored per
# second and the receiver's peak RSS. SQLite, and PostgreSQL when run under
# scripts/with-postgres.
#   bench/receiver_run.sh [REBOUND_BINARY] [MESSAGES]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/release/src/rebound}")
N=${2:-20000}
WORK=$(mktemp -d /tmp/rebound-receiver-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
run() {
  local db=$1 label=$2
  cat > "$WORK/rebound.toml" <<TOML
[database]
url = "$db"
[bounce]
domain = "bounces.example.net"
keys = [ { id = 1, secret = "bench-secret-0123456789abcdef" } ]
[receiver]
listen = "127.0.0.1:0"
max_connections = 200
TOML
  local rcpt
  rcpt=$("$BIN" verp address 1 --config "$WORK/rebound.toml")
  /usr/bin/time -f '%M' -o "$WORK/rss" "$BIN" serve --config "$WORK/rebound.toml" 2> "$WORK/serve.log" &
  local pid=$!
  for _ in $(seq 50); do grep -q "port" "$WORK/serve.log" 2>/dev/null && break; sleep 0.1; done
  local port
  port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$WORK/serve.log" | head -1)
  local start end
  start=$(date +%s.%N)
  smtp-source -s 50 -m "$N" -l 2000 -f "" -t "$rcpt" "127.0.0.1:$port"
  end=$(date +%s.%N)
  kill -TERM "$(pgrep -P "$pid")" 2>/dev/null || true  # the receiver, child of time
  wait "$pid" 2>/dev/null || true
  local stored
  stored=$(grep -o '[0-9]* messages stored' "$WORK/serve.log" | cut -d' ' -f1)
  awk -v s="$start" -v e="$end" -v n="$stored" -v k="$(cat "$WORK/rss")" -v l="$label" 'BEGIN {
    printf "%s: %d messages stored durably in %.2f s: %.0f messages/s, receiver peak RSS %.1f MB\n", l, n, e-s, n/(e-s), k/1024 }'
}
run "sqlite:$WORK/bench.db" "sqlite"
if [[ -n "${REBOUND_TEST_POSTGRES_URL:-}" ]]; then
  psql "$REBOUND_TEST_POSTGRES_URL" -q -c "CREATE SCHEMA recv_bench"
  run "${REBOUND_TEST_POSTGRES_URL}?options=-csearch_path%3Drecv_bench" "postgresql"
fi
