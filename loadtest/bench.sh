#!/usr/bin/env bash
# One command, one machine: starts the stack (Kafka broker, private PostgreSQL, gateway, each its own process), runs
# the side-by-side
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
stop() { # the last started first: the gateways drain into a broker that is still there
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill -TERM "${PIDS[i]}" 2>/dev/null || true
    wait "${PIDS[i]}" 2>/dev/null || true
  done
  rm -rf "$LOGS"
}
trap stop EXIT
wait_for() { # file, text
  for _ in $(seq 1 180); do grep -q "$2" "$1" && return 0; sleep 1; done
  echo "did not start; see its log:" >&2; cat "$1" >&2; exit 1
}

ROLE=all; METRICS=http://127.0.0.1:9090/metrics
SETUP="one gateway process (dev mode, role 'all'), the Kafka broker and PostgreSQL (embedded) each in its own process"
if $SPLIT; then
  ROLE=ingest; METRICS=$METRICS,http://127.0.0.1:9091/metrics
  SETUP="two gateway processes: dev mode with role 'ingest' + 'run processor'; the Kafka broker and PostgreSQL (embedded) each in its own process"
fi
# the broker in a process of its own, so that its CPU is counted apart from the gateway's
java -jar target/event-gateway.jar kafka --dir target/dev/kafka --port 19092 --controller-port 19093 \
  > "$LOGS/kafka.log" 2>&1 &
BROKER_PID=$!
PIDS+=($BROKER_PID)
wait_for "$LOGS/kafka.log" '^kafka broker listening'
GATEWAY_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 java -jar target/event-gateway.jar dev --external-kafka --role "$ROLE" \
  > "$LOGS/dev.log" 2>&1 &
PIDS+=($!)
GATEWAY_PIDS_LIST=($!)
wait_for "$LOGS/dev.log" '^dev api key: '
if $SPLIT; then
  DATABASE_URL=postgresql://postgres@127.0.0.1:15432/postgres GATEWAY_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 \
  GATEWAY_HTTP_PORT=8081 GATEWAY_MANAGEMENT_PORT=9091 GATEWAY_LLM_BASE_URL=http://127.0.0.1:8089/v1 \
    java -jar target/event-gateway.jar run processor --env dev > "$LOGS/processor.log" 2>&1 &
  PIDS+=($!)
  GATEWAY_PIDS_LIST+=($!)
  wait_for "$LOGS/processor.log" "Role 'processor' deployed"
fi
KEY=$(grep '^dev api key: ' "$LOGS/dev.log" | cut -d' ' -f4)
GATEWAY_PIDS=$(IFS=,; echo "${GATEWAY_PIDS_LIST[*]}")
POSTGRES_DIR=$(pwd)/target/dev/postgres
cd loadtest
mvn -B -q test-compile exec:java -Dexec.classpathScope=test -DapiKey="$KEY" -Devents="$EVENTS" -Druns="$RUNS" \
  -DsoakSeconds="$SOAK" -DgatewayPids="$GATEWAY_PIDS" -DbrokerPids="$BROKER_PID" -DpostgresDir="$POSTGRES_DIR" \
  -Dmetrics="$METRICS" -Dsetup="$SETUP"
