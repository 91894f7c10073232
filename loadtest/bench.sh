#!/usr/bin/env bash
# One command, one machine: starts dev mode (embedded Kafka, private PostgreSQL, gateway), runs the side-by-side
# benchmark (Kafka producer and COPY ceilings, then the gateway), prints one table, writes loadtest/target/bench.json,
# and stops dev mode. Usage: loadtest/bench.sh [EVENTS=200000]. Loopback only; bounded in count and time.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-200000}
[ -f target/event-gateway.jar ] || mvn -B -q package -DskipTests
LOG=$(mktemp)
java -jar target/event-gateway.jar dev > "$LOG" 2>&1 &
DEV=$!
trap 'kill -TERM $DEV 2>/dev/null; wait $DEV 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 120); do grep -q '^dev api key: ' "$LOG" && break; sleep 1; done
KEY=$(grep '^dev api key: ' "$LOG" | cut -d' ' -f4)
[ -n "$KEY" ] || { echo "dev mode did not start; see $LOG" >&2; cat "$LOG" >&2; exit 1; }
cd loadtest
mvn -B -q test-compile exec:java -Dexec.classpathScope=test -DapiKey="$KEY" -Devents="$EVENTS"
