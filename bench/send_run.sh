#!/usr/bin/env bash
# Sending benchmark: `rebound send` to N recipients (one message each, with
# its own signed return path), all routed to Postfix's smtp-sink on
# loopback, which accepts everything. Prints recipients delivered per
# second (eligibility, store, SMTP and the durable record of every reply)
# and the sender's peak RSS.
#   bench/send_run.sh [REBOUND_BINARY] [RECIPIENTS] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/release/src/rebound}")
N=${2:-20000}
C=${3:-8}
WORK=$(mktemp -d /tmp/rebound-send-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
USER_OPT=(); if [[ $(id -u) -eq 0 ]]; then USER_OPT=(-u nobody); fi
smtp-sink "${USER_OPT[@]}" "127.0.0.1:$PORT" 256 &
SINK=$!
trap 'kill $SINK 2>/dev/null; rm -rf "$WORK"' EXIT
cat > "$WORK/rebound.toml" <<TOML
[database]
url = "sqlite:$WORK/s.db"
[bounce]
domain = "bounces.example.net"
keys = [ { id = 1, secret = "bench-secret-0123456789abcdef" } ]
[delivery]
concurrency_per_destination = $C
routes = [ { domain = "sink.example", host = "127.0.0.1:$PORT" } ]
TOML
"$BIN" account create bench --db "sqlite:$WORK/s.db" >/dev/null
seq 1 "$N" | sed 's/.*/user&@sink.example/' > "$WORK/to.txt"
printf 'Hello,\nthis is a benchmark.\n' > "$WORK/body.txt"
sleep 0.3
start=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$WORK/rss" "$BIN" send bench --from "Bench <b@shop.example>" --subject Bench \
  --body-file "$WORK/body.txt" --to-file "$WORK/to.txt" --config "$WORK/rebound.toml" > "$WORK/out"
end=$(date +%s.%N)
cat "$WORK/out"
awk -v s="$start" -v e="$end" -v n="$N" -v k="$(cat "$WORK/rss")" -v c="$C" 'BEGIN {
  printf "%d recipients in %.2f s over %d connections: %.0f recipients/s, peak RSS %.1f MB\n", n, e-s, c, n/(e-s), k/1024 }'
