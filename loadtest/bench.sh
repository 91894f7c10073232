#!/usr/bin/env bash
# One command, one machine: starts the stack, each part in its own process (the Kafka broker, a private PostgreSQL,
# the gateway's ingest role in dev mode, its processor role beside it), runs the side-by-side benchmark (Kafka
# producer and COPY ceilings; the gateway: ingest only, processing only, both together, single events, WebSocket,
# fixed rates), three runs, prints the median table with CPU microseconds per event for every component, writes
# loadtest/target/bench.json, and stops the stack.
#
#   loadtest/bench.sh [--soak SECONDS] [--sustained SECONDS] [--runs N] [--phases NAME,NAME] [EVENTS=200000]
#
#   --sustained S then offer the realistic mix (80 % analytics, 19 % chip quality, 1 % molecules) for S seconds
#                 (600 for the issue's ten minutes) each at 10,000/s and 20,000/s in batches of 100 and at 10,000/s
#                 as single events, printing acked/s, stored/s, backlog, ack p99, end-to-end p95/p99 every 10 s
#   --phases      only these (kafka, ingest-then-processing, copy, batched, idle, bare, single, single-alone,
#                 websocket, websocket-paced, fixed-single, fixed-batches, fixed-batches-alone, trickle)
#   --soak S      then offer half the COPY ceiling for S seconds (300 for the 5-minute soak) and watch the backlog
#   --processing-nice N  run the processor and PostgreSQL at this niceness (default 10; 0 for none), as a
#                 deployment sharing cores would give ingest the larger CPU weight (docs/deployment.md): the kernel
#                 then runs ingest first when both want a core, and processing gets every cycle ingest leaves
#   --profile     run the ingest process under async-profiler (CPU, 1 ms, per thread) and print where its CPU went by
#                 part (loadtest/ProfileParts.java); its microseconds are then not the bench's figures
#
# Loopback only; every phase is bounded in count and time. Uses the data of earlier dev runs (target/dev).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SOAK=0; SUSTAINED=0; RUNS=3; EVENTS=200000; PHASES=""; PROFILE=""; PROCESSING_NICE=10
while [ $# -gt 0 ]; do
  case "$1" in
    --soak) SOAK=$2; shift ;;
    --sustained) SUSTAINED=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --phases) PHASES=$2; shift ;;
    --profile) PROFILE=1 ;;
    --processing-nice) PROCESSING_NICE=$2; shift ;;
    *) EVENTS=$1 ;;
  esac
  shift
done
[ -f target/event-gateway-dev.jar ] || mvn -B -q package -DskipTests
# BENCH_LOGS=dir keeps every process's log there; otherwise they go with the run
LOGS=${BENCH_LOGS:-$(mktemp -d)}
mkdir -p "$LOGS"
PIDS=()
INGEST_JAVA_OPTIONS=()
if [ -n "$PROFILE" ]; then
  PROFILER=target/profiler/linux-x64/libasyncProfiler.so
  if [ ! -f "$PROFILER" ]; then
    mvn -B -q dependency:copy -Dartifact=tools.profiler:async-profiler:4.1 -DoutputDirectory=target/profiler
    (cd target/profiler && unzip -q -o async-profiler-4.1.jar 'linux-x64/*')
  fi
  # written when the ingest process exits
  INGEST_JAVA_OPTIONS=("-agentpath:$ROOT/$PROFILER=start,event=itimer,interval=1ms,threads,collapsed,file=$LOGS/ingest.collapsed")
fi
stop() { # the last started first: the gateways drain into a broker that is still there
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill -CONT "${PIDS[i]}" 2>/dev/null || true
    kill -TERM "${PIDS[i]}" 2>/dev/null || true
    wait "${PIDS[i]}" 2>/dev/null || true
  done
  [ -z "$PROFILE" ] || [ ! -f "$LOGS/ingest.collapsed" ] || java "$ROOT/loadtest/ProfileParts.java" "$LOGS/ingest.collapsed"
  [ -n "${BENCH_LOGS:-}" ] || rm -rf "$LOGS"
}
trap stop EXIT
wait_for() { # file, text
  for _ in $(seq 1 180); do grep -q "$2" "$1" && return 0; sleep 1; done
  echo "did not start; see its log:" >&2; cat "$1" >&2; exit 1
}

METRICS=http://127.0.0.1:9090/metrics,http://127.0.0.1:9091/metrics
SETUP="the Kafka broker, PostgreSQL (embedded, fsync off, 128 MB shared_buffers), the gateway's ingest role (dev mode) and its processor role, each in its own process; the processor and PostgreSQL at niceness $PROCESSING_NICE"
# the broker in a process of its own, so that its CPU is counted apart from the gateway's
java -jar target/event-gateway-dev.jar kafka --dir target/dev/kafka --port 19092 --controller-port 19093 \
  > "$LOGS/kafka.log" 2>&1 &
BROKER_PID=$!
PIDS+=($BROKER_PID)
wait_for "$LOGS/kafka.log" '^kafka broker listening'
GATEWAY_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 java "${INGEST_JAVA_OPTIONS[@]}" -jar target/event-gateway-dev.jar dev \
  --external-kafka --role ingest \
  > "$LOGS/dev.log" 2>&1 &
INGEST_PID=$!
PIDS+=($INGEST_PID)
wait_for "$LOGS/dev.log" '^dev api key: '
POSTGRES_DIR=$(pwd)/target/dev/postgres
# PostgreSQL's work is the processor's: the postmaster (so the backends it forks from now on) and its children
POSTMASTER=$(head -1 "$POSTGRES_DIR/postmaster.pid")
renice -n "$PROCESSING_NICE" -p "$POSTMASTER" $(pgrep -P "$POSTMASTER") > /dev/null
DATABASE_URL=postgresql://postgres@127.0.0.1:15432/postgres GATEWAY_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 \
GATEWAY_HTTP_PORT=8081 GATEWAY_MANAGEMENT_PORT=9091 GATEWAY_LLM_BASE_URL=http://127.0.0.1:8089/v1 \
  nice -n "$PROCESSING_NICE" java -jar target/event-gateway.jar run processor --env dev > "$LOGS/processor.log" 2>&1 &
PROCESSOR_PID=$!
PIDS+=($PROCESSOR_PID)
wait_for "$LOGS/processor.log" "Role 'processor' deployed"
# the floor under the gateway's HTTP cost: a bare Vert.x server (the bench's "bare" phase)
java -cp target/event-gateway.jar loadtest/BareServer.java 18080 > "$LOGS/bare.log" 2>&1 &
BARE_PID=$!
PIDS+=($BARE_PID)
wait_for "$LOGS/bare.log" '^bare server listening'
KEY=$(grep '^dev api key: ' "$LOGS/dev.log" | cut -d' ' -f4)
cd loadtest
mvn -B -q test-compile exec:java -Dexec.classpathScope=test -DapiKey="$KEY" -Devents="$EVENTS" -Druns="$RUNS" \
  -DsoakSeconds="$SOAK" -DsustainedSeconds="$SUSTAINED" -Dphases="$PHASES" -DingestPids="$INGEST_PID" -DprocessorPids="$PROCESSOR_PID" -DbrokerPids="$BROKER_PID" -DbarePids="$BARE_PID" -DpostgresDir="$POSTGRES_DIR" \
  -Dmetrics="$METRICS" -Dsetup="$SETUP"
