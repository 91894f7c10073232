#!/usr/bin/env bash
# Bounded batched load against a running gateway (e.g. dev mode), then waits until every event is in PostgreSQL.
# Usage: loadtest/spine-load.sh [EVENTS=100000] [BATCH=1000] [PARALLEL=4] [API=http://127.0.0.1:8080] [PSQL_URL]
# Prints the acknowledged rate (HTTP -> Kafka acks=all) and the end-to-end rate (first request -> last row stored).
# Only ever targets 127.0.0.1; stops by itself after EVENTS events or 10 minutes.
set -euo pipefail
EVENTS=${1:-100000}; BATCH=${2:-1000}; PARALLEL=${3:-4}; API=${4:-http://127.0.0.1:8080}
PSQL_URL=${5:-postgresql://postgres@127.0.0.1:15432/postgres}
case "$API" in http://127.0.0.1:*|http://localhost:*) ;; *) echo "refusing non-loopback target $API" >&2; exit 2;; esac
# the API key: $GATEWAY_API_KEY, else the admin key dev mode keeps beside its data
KEY=${GATEWAY_API_KEY:-$(cat "$(dirname "$0")/../target/dev/dev-api-key" 2>/dev/null || true)}
AUTH="Authorization: Bearer $KEY"
RUN=$(date +%s%N)
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
BATCHES=$(( EVENTS / BATCH ))

for ((b = 0; b < BATCHES; b++)); do
  for ((i = 0; i < BATCH; i++)); do
    printf '{"specversion":"1.0","id":"load-%s-%d-%d","source":"/loadtest","type":"analytics.page_view","time":"2026-11-23T10:00:00Z","data":{"user_id":"user-%d","session_id":"s-%d","url":"https://shop.example/products/%d","title":"Product page","referrer":"https://search.example/?q=shoes","device":"MOBILE","load_time_ms":%d}}\n' \
      "$RUN" "$b" "$i" $((i % 5000)) $((i % 700)) "$i" $((i % 900))
  done > "$WORK/batch-$b.ndjson"
done
BYTES=$(stat -c %s "$WORK/batch-0.ndjson")
echo "events=$EVENTS batch=$BATCH parallel=$PARALLEL body=${BYTES}B/batch"

count_stored() {
  psql "$PSQL_URL" -Atc "SELECT count(*) FROM events WHERE event_id LIKE 'load-$RUN-%'"
}

START=$(date +%s.%N)
seq 0 $((BATCHES - 1)) | xargs -P "$PARALLEL" -I{} \
  curl -sf --max-time 120 -o /dev/null -w '%{http_code}\n' -H "$AUTH" -H 'Content-Type: application/x-ndjson' \
  --data-binary "@$WORK/batch-{}.ndjson" "$API/v1/events" > "$WORK/codes"
ACKED=$(date +%s.%N)
NOT_202=$(grep -vc '^202$' "$WORK/codes" || true)

DEADLINE=$(( $(date +%s) + 600 ))
while [ "$(count_stored)" -lt "$EVENTS" ] && [ "$(date +%s)" -lt "$DEADLINE" ]; do sleep 0.2; done
STORED_AT=$(date +%s.%N)
STORED=$(count_stored)

awk -v s="$START" -v a="$ACKED" -v d="$STORED_AT" -v n="$EVENTS" -v stored="$STORED" -v bad="$NOT_202" 'BEGIN {
  printf "non-202 responses: %d\n", bad
  printf "acknowledged: %d events in %.2f s = %.0f events/s\n", n, a - s, n / (a - s)
  printf "stored:       %d events in %.2f s = %.0f events/s (end to end into PostgreSQL)\n", stored, d - s, stored / (d - s)
}'
