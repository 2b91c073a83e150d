#!/usr/bin/env bash
# Whole-process ingest benchmark: `rebound bounce ingest` (classify, apply
# the contact-state rules, durable commit) over N distinct real bounces —
# the corpus's bsd/ messages replicated, each copy made unique by one added
# header line — into a fresh SQLite file, and into PostgreSQL when run under
# scripts/with-postgres. Prints records stored per second.
#   bench/ingest_run.sh [REBOUND_BINARY] [MESSAGES]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/release/src/rebound}")
N=${2:-20000}
SRC=../shared/corpus/maildir/bsd
WORK=${TMPDIR:-/tmp}/rebound-ingest-bench
rm -rf "$WORK"
mkdir -p "$WORK/in"
python3 - "$SRC" "$WORK/in" "$N" <<'PY'
import os, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = sorted(f for f in os.listdir(src) if not f.startswith("arf") and not f.startswith("rfc3834"))
data = [open(os.path.join(src, f), "rb").read() for f in files]
for i in range(n):
    raw = data[i % len(data)]
    if raw.startswith(b"From "):  # keep an mbox separator first
        nl = raw.index(b"\n") + 1
        raw = raw[:nl] + b"X-Bench-Copy: %d\n" % i + raw[nl:]
    else:
        raw = b"X-Bench-Copy: %d\n" % i + raw
    with open(os.path.join(dst, "%06d.eml" % i), "wb") as f:
        f.write(raw)
PY
run() {
  local db=$1 label=$2
  "$BIN" account create bench --db "$db" >/dev/null
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$BIN" bounce ingest "$WORK/in" --account bench --json --batch 500 \
    --db "$db" >"$WORK/out.jsonl" 2>/dev/null || true
  read -r secs rss < "$WORK/time"
  stored=$(grep -c '"stored":true' "$WORK/out.jsonl" || true)
  awk -v s="$secs" -v n="$stored" -v m="$N" -v k="$rss" -v l="$label" 'BEGIN {
    printf "%s: %d messages, %d records stored in %.2f s: %.0f records/s, peak RSS %.1f MB\n", l, m, n, s, n/s, k/1024 }'
}
run "sqlite:$WORK/bench.db" "sqlite"
if [[ -n "${REBOUND_TEST_POSTGRES_URL:-}" ]]; then
  schema="bench_$$"
  psql "$REBOUND_TEST_POSTGRES_URL" -q -c "CREATE SCHEMA $schema"
  run "${REBOUND_TEST_POSTGRES_URL}?options=-csearch_path%3D$schema" "postgresql"
fi
rm -rf "$WORK"
