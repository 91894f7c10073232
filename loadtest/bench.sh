#!/usr/bin/env bash
# One command, one machine: starts the stack (embedded Kafka, private PostgreSQL, gateway), runs the side-by-side
# benchmark (Kafka producer and COPY ceilings, then the gateway: HTTP batched, single event, WebSocket, end to end),
# three runs, prints the median table, writes loadtest/target/bench.json, and stops the stack.
#
#   loadtest/bench.sh [--split] [--soak SECONDS] [--runs N] [EVENTS=200000]
#
#   --split       two gateway processes: dev mode with role 'ingest' (and the embedded Kafka) plus `run processor`
#   --soak S      then offer half the COPY ceiling for S seconds (300 for the 5-minute soak) and watch the backlog
#
# Loopback only; every phase is bounded in count and time. Uses the data of earlier dev runs (target/dev).
set -euo pipefail
cd "$(dirname "$0")/.."
SPLIT=false; SOAK=0; RUNS=3; EVENTS=200000
while [ $# -gt 0 ]; do
  case "$1" in
    --split) SPLIT=true ;;
    --soak) SOAK=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    *) EVENTS=$1 ;;
  esac
  shift
done
[ -f target/event-gateway.jar ] || mvn -B -q package -DskipTests
LOGS=$(mktemp -d)
PIDS=()
stop() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$LOGS"
}
trap stop EXIT
wait_for() { # file, text
  for _ in $(seq 1 180); do grep -q "$2" "$1" && return 0; sleep 1; done
  echo "did not start; see its log:" >&2; cat "$1" >&2; exit 1
}

ROLE=all; METRICS=http://127.0.0.1:9090/metrics
SETUP="one gateway process (dev mode: role 'all' with the embedded Kafka broker), PostgreSQL 15 (embedded)"
if $SPLIT; then
  ROLE=ingest; METRICS=$METRICS,http://127.0.0.1:9091/metrics
  SETUP="two gateway processes: dev mode with role 'ingest' (and the embedded Kafka broker) + 'run processor', PostgreSQL 15 (embedded)"
fi
java -jar target/event-gateway.jar dev --role "$ROLE" > "$LOGS/dev.log" 2>&1 &
PIDS+=($!)
wait_for "$LOGS/dev.log" '^dev api key: '
if $SPLIT; then
  DATABASE_URL=postgresql://postgres@127.0.0.1:15432/postgres GATEWAY_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 \
  GATEWAY_HTTP_PORT=8081 GATEWAY_MANAGEMENT_PORT=9091 GATEWAY_LLM_BASE_URL=http://127.0.0.1:8089/v1 \
    java -jar target/event-gateway.jar run processor --env dev > "$LOGS/processor.log" 2>&1 &
  PIDS+=($!)
  wait_for "$LOGS/processor.log" "Role 'processor' deployed"
fi
KEY=$(grep '^dev api key: ' "$LOGS/dev.log" | cut -d' ' -f4)
GATEWAY_PIDS=$(IFS=,; echo "${PIDS[*]}")
cd loadtest
mvn -B -q test-compile exec:java -Dexec.classpathScope=test -DapiKey="$KEY" -Devents="$EVENTS" -Druns="$RUNS" \
  -DsoakSeconds="$SOAK" -DgatewayPids="$GATEWAY_PIDS" -Dmetrics="$METRICS" -Dsetup="$SETUP"
