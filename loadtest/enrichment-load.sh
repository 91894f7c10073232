#!/usr/bin/env bash
# Bounded molecule load against a running dev gateway, healthy LLM simulator or down, with an analytics load beside
# it. Prints molecule events enriched per second and the analytics events stored per second in the same run.
# Usage: loadtest/enrichment-load.sh [up|down] [MOLECULES=1000] [PAGE_VIEWS=50000]
# Only ever targets 127.0.0.1; stops by itself after the counts or 10 minutes.
set -euo pipefail
MODE=${1:-up}; MOLECULES=${2:-1000}; PAGE_VIEWS=${3:-50000}
API=http://127.0.0.1:8080; SIM=http://127.0.0.1:8089; PSQL_URL=postgresql://postgres@127.0.0.1:15432/postgres
# the API key: $GATEWAY_API_KEY, else the admin key dev mode keeps beside its data
KEY=${GATEWAY_API_KEY:-$(cat "$(dirname "$0")/../target/dev/dev-api-key" 2>/dev/null || true)}
AUTH="Authorization: Bearer $KEY"
RUN=$(date +%s%N); WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT

curl -sf -X PUT "$SIM/sim/config" -d "{\"mode\":\"$MODE\",\"latencyMs\":200,\"latencyJitterMs\":50}" > /dev/null
curl -sf -X POST "$SIM/sim/reset" > /dev/null

# distinct molecules (no cache hits, also across runs): C(i)-O-C(j)-N-C(k), k chosen per run
K=$(( RANDOM % 20 + 1 )); KCHAIN=$(printf 'C%.0s' $(seq $K))
n=0
for ((i = 1; n < MOLECULES; i++)); do
  for ((j = i + 1; j <= i + 30 && n < MOLECULES; j++)); do
    printf '{"specversion":"1.0","id":"mol-%s-%d","source":"/loadtest","type":"chemistry.molecule_submitted","data":{"molecule_id":"M-%d","name":"amino ether %d-%d","smiles":"%sO%sN%s","lab":"Lab 1","notes":"Colourless liquid. Highly flammable. Irritating to eyes."}}\n' \
      "$RUN" "$n" "$n" "$i" "$j" "$(printf 'C%.0s' $(seq $i))" "$(printf 'C%.0s' $(seq $j))" "$KCHAIN"
    n=$((n + 1))
  done
done > "$WORK/molecules.ndjson"
for ((b = 0; b < PAGE_VIEWS / 1000; b++)); do
  for ((k = 0; k < 1000; k++)); do
    printf '{"specversion":"1.0","id":"pv-%s-%d-%d","source":"/loadtest","type":"analytics.page_view","data":{"user_id":"u-%d","url":"https://shop.example/p/%d","device":"MOBILE"}}\n' "$RUN" "$b" "$k" "$k" "$k"
  done > "$WORK/pv-$b.ndjson"
done

count() { psql "$PSQL_URL" -Atc "$1"; }
START=$(date +%s.%N)
curl -sf -o /dev/null -H "$AUTH" -H 'Content-Type: application/x-ndjson' --data-binary "@$WORK/molecules.ndjson" "$API/v1/events"
seq 0 $((PAGE_VIEWS / 1000 - 1)) | xargs -P 2 -I{} curl -sf -o /dev/null -H "$AUTH" -H 'Content-Type: application/x-ndjson' \
  --data-binary "@$WORK/pv-{}.ndjson" "$API/v1/events"
DEADLINE=$(( $(date +%s) + 600 )); PV_DONE=""; MOL_DONE=""
while [ -z "$MOL_DONE" ] || [ -z "$PV_DONE" ]; do
  [ "$(date +%s)" -lt "$DEADLINE" ] || break
  if [ -z "$PV_DONE" ] && [ "$(count "SELECT count(*) FROM events WHERE event_id LIKE 'pv-$RUN-%'")" -ge "$PAGE_VIEWS" ]; then PV_DONE=$(date +%s.%N); fi
  if [ -z "$MOL_DONE" ] && [ "$(count "SELECT count(*) FROM molecule_enrichments WHERE event_id LIKE 'mol-$RUN-%'")" -ge "$MOLECULES" ]; then MOL_DONE=$(date +%s.%N); fi
  sleep 0.2
done
SOURCES=$(count "SELECT string_agg(source || '=' || n, ' ') FROM (SELECT source, count(*) n FROM molecule_enrichments WHERE event_id LIKE 'mol-$RUN-%' GROUP BY source) s")
awk -v s="$START" -v m="${MOL_DONE:-0}" -v p="${PV_DONE:-0}" -v nm="$MOLECULES" -v np="$PAGE_VIEWS" -v mode="$MODE" -v src="$SOURCES" 'BEGIN {
  printf "LLM %s: %d molecules enriched in %.1f s = %.1f molecules/s (%s)\n", mode, nm, m - s, nm / (m - s), src
  printf "           %d page views stored in %.1f s = %.0f events/s alongside\n", np, p - s, np / (p - s)
}'
curl -sf "$SIM/sim/stats"; echo
