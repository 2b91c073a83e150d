#!/usr/bin/env bash
# The web UI's heaviest pages on a big store, timed server-side (the
# Server-Timing header of each answer) over 100 loads each: SQLite holding
# 1,000,000 contacts and a marketing email of 100,000 recipients (90%
# delivered, 5% bounced, 3% pending, 2% not sent), and 30 days of hourly
# counters over 50 receiving domains for the dashboard.
#   bench/ui_run.sh [REBOUND_BINARY] [LOADS]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/release/src/rebound}")
LOADS=${2:-100}
WORK=${TMPDIR:-/tmp}/rebound-ui-bench
rm -rf "$WORK"
mkdir -p "$WORK"
DB="sqlite:$WORK/ui.db"
"$BIN" account create bench --db "$DB" > /dev/null
echo "a long enough password" | "$BIN" user create bench ann@bench.example --db "$DB" > /dev/null
NOW=$(date +%s)
echo "== seeding 1,000,000 contacts and an email of 100,000 recipients"
sqlite3 "$WORK/ui.db" << EOF
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
  INSERT INTO contacts (account_id, address, properties, created_at, bounce_status, hard_bounce_reason)
  SELECT 1, 'c' || i || '@d' || (i % 50) || '.example', '{}', $NOW - 86400 * 40,
         CASE WHEN i <= 100000 AND i % 20 = 1 THEN 'hard' ELSE 'none' END,
         CASE WHEN i <= 100000 AND i % 20 = 1 THEN 'UNKNOWN_USER' ELSE NULL END FROM n;
INSERT INTO emails (account_id, kind, subject, body, from_address, created_at, state, finished_at)
  VALUES (1, 'marketing', 'Autumn offers', 'Hello', 'news@shop.example', $NOW - 3600, 'sent', $NOW - 1800);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
  INSERT INTO sends (email_id, account_id, contact_id, message_id, state, bounce_type, reason, last_reply,
                     first_attempt_at, attempts, created_at)
  SELECT 1, 1, i, 'm' || i || '@shop.example',
         CASE WHEN i % 20 = 1 THEN 'bounced' WHEN i % 20 = 2 AND i % 40 = 2 THEN 'bounced'
              WHEN i % 100 < 3 THEN 'pending' WHEN i % 100 = 99 OR i % 100 = 98 THEN 'not_sent' ELSE 'delivered' END,
         CASE WHEN i % 20 = 1 THEN 'HARD' WHEN i % 20 = 2 AND i % 40 = 2 THEN 'SOFT' ELSE NULL END,
         CASE WHEN i % 20 = 1 THEN 'UNKNOWN_USER' WHEN i % 20 = 2 AND i % 40 = 2 THEN 'RECIPIENT_TEMPORARY'
              WHEN i % 100 < 3 THEN 'TEMPORARY_TECHNICAL' WHEN i % 100 >= 98 THEN 'hard_bounce' ELSE NULL END,
         CASE WHEN i % 20 = 1 THEN '550 5.1.1 <c' || i || '@d' || (i % 50) || '.example>: User unknown' ELSE NULL END,
         $NOW - 3000, 1, $NOW - 3600 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
  INSERT INTO bounce_events (fingerprint, account_id, contact_id, send_id, address, type, reason, cause, status,
                             reply_code, diagnostic, format, evidence, occurred_at)
  SELECT 'f' || i, 1, i, i, 'c' || i || '@d' || (i % 50) || '.example', 'HARD', 'UNKNOWN_USER', 'userunknown',
         '5.1.1', '550', '550 5.1.1 User unknown', 'smtp', '["status 5.1.1"]', $NOW - 2900 FROM n WHERE i % 20 = 1;
WITH RECURSIVE h(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM h WHERE k < 719),
     d(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM d WHERE j < 49)
  INSERT INTO stats_hourly (account_id, hour, domain, metric, reason, count)
  SELECT 1, ($NOW / 3600) - k, 'd' || j || '.example', 'sent', '', 100 + (k * 7 + j) % 50 FROM h, d;
WITH RECURSIVE h(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM h WHERE k < 719),
     d(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM d WHERE j < 49)
  INSERT INTO stats_hourly (account_id, hour, domain, metric, reason, count)
  SELECT 1, ($NOW / 3600) - k, 'd' || j || '.example', 'HARD', CASE WHEN j % 3 = 0 THEN 'UNKNOWN_USER'
         WHEN j % 3 = 1 THEN 'SPAM' ELSE 'POLICY' END, 1 + (k + j) % 7 FROM h, d;
WITH RECURSIVE h(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM h WHERE k < 719),
     d(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM d WHERE j < 49)
  INSERT INTO stats_hourly (account_id, hour, domain, metric, reason, count)
  SELECT 1, ($NOW / 3600) - k, 'd' || j || '.example', 'SOFT', 'RECIPIENT_TEMPORARY', (k + j) % 4 FROM h, d;
INSERT INTO stats_daily (account_id, day, domain, metric, reason, count)
  SELECT account_id, hour / 24, domain, metric, reason, SUM(count) FROM stats_hourly
  GROUP BY account_id, hour / 24, domain, metric, reason;
COMMIT;
ANALYZE;
EOF

"$BIN" serve --set database.url="$DB" --set receiver.enabled=false --set http.listen=127.0.0.1:0 \
  --set secrets.key=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff \
  --set scheduler.enabled=false --set scheduler.email_jobs=false 2> "$WORK/serve.log" &
SERVE=$!
trap 'kill $SERVE 2> /dev/null || true' EXIT
for _ in $(seq 100); do grep -q "http port" "$WORK/serve.log" && break; sleep 0.1; done
PORT=$(grep -o "http port [0-9]*" "$WORK/serve.log" | head -1 | awk '{print $3}')
URL=http://127.0.0.1:$PORT
JAR=$WORK/cookies
TOKEN=$(curl -s -c "$JAR" "$URL/login" | grep -o 'name="csrf" value="[^"]*"' | cut -d'"' -f4)
curl -s -b "$JAR" -c "$JAR" -o /dev/null -d "csrf=$TOKEN&email=ann%40bench.example&password=a+long+enough+password" \
  "$URL/login"

measure() {  # label, path
  local label=$1 page=$2
  curl -s -b "$JAR" -o /dev/null "$URL$page"  # warm
  for _ in $(seq "$LOADS"); do
    curl -s -b "$JAR" -D - -o /dev/null "$URL$page" | grep -i '^server-timing' | sed 's/.*dur=\([0-9.]*\).*/\1/'
  done | sort -n | awk -v l="$label" '{ v[NR] = $1 } END {
    printf "%-34s %d loads: p50 %.1f ms, p95 %.1f ms, max %.1f ms\n", l, NR, v[int(NR * 0.5 + 0.5)], v[int(NR * 0.95 + 0.5)], v[NR] }'
}
echo "== server-side time of each page"
measure "email page (100,000 recipients)" "/emails/1"
measure "email page, not sent bucket" "/emails/1?bucket=not_sent"
measure "dashboard (30 days by day)" "/dashboard"
measure "dashboard (2 days by hour)" "/dashboard?interval=hour&range=2"
measure "contacts search (1,000,000)" "/contacts?q=c99999"
measure "emails list" "/emails"
echo "peak RSS of rebound serve: $(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' /proc/$SERVE/status)"
