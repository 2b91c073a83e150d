#!/usr/bin/env bash
# Whole-process benchmark: `rebound classify` over the shared corpus
# replicated to at least TARGET_MB (default 100) megabytes, pinned to one
# core. Prints messages/s, MB/s and peak RSS for each of RUNS runs (default
# 5), then the best and the median: on a shared virtual machine one run can
# be 20-40% off, so a single figure says little.
#   bench/corpus_run.sh [REBOUND_BINARY] [TARGET_MB] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/release/src/rebound}
TARGET_MB=${2:-100}
RUNS=${3:-5}
SRC=../shared/corpus/maildir
WORK=${TMPDIR:-/tmp}/rebound-bench-corpus
if [[ ! -f "$WORK/.done-$TARGET_MB" ]]; then
  rm -rf "$WORK"
  mkdir -p "$WORK"
  src_bytes=$(find "$SRC" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
  copies=$(( (TARGET_MB * 1000000 + src_bytes - 1) / src_bytes ))
  for i in $(seq -w 1 "$copies"); do cp -r "$SRC" "$WORK/copy-$i"; done
  touch "$WORK/.done-$TARGET_MB"
fi
bytes=$(find "$WORK" -type f ! -name '.done-*' -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$(find "$WORK" -type f ! -name '.done-*' | wc -l)
cat "$WORK"/copy-*/bsd/* > /dev/null  # warm the page cache
out=$(mktemp)
times=()
for run in $(seq "$RUNS"); do
  # Wall time from the shell's nanosecond clock (time(1) rounds to 10 ms);
  # peak RSS from time(1).
  start=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$out.time" taskset -c 0 "$BIN" classify --format jsonl "$WORK" > "$out"
  end=$(date +%s%N)
  read -r rss_kb < "$out.time"
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  times+=("$secs")
  if [[ $run == 1 ]]; then
    records=$(wc -l < "$out")
    messages=$(cut -d'"' -f4 "$out" | sort -u | wc -l)
    awk -v b="$bytes" -v m="$messages" -v f="$files" -v r="$records" 'BEGIN {
      printf "corpus: %d files, %d messages, %.1f MB; %d records\n", f, m, b/1e6, r }'
  fi
  awk -v n="$run" -v s="$secs" -v b="$bytes" -v m="$messages" -v k="$rss_kb" 'BEGIN {
    printf "run %d: %.3f s  messages/s: %.0f  MB/s: %.1f  peak RSS: %.1f MB\n", n, s, m/s, b/1e6/s, k/1024 }'
done
printf '%s\n' "${times[@]}" | sort -n | awk -v m="$messages" '{ t[NR] = $1 } END {
  med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
  printf "best: %.3f s (%.0f messages/s)  median: %.3f s (%.0f messages/s) of %d runs\n", t[1], m/t[1], med, m/med, NR }'
rm -f "$out" "$out.time"
