#!/bin/sh
# Apache Kafka (KRaft, from Maven Central's jars) configured as the apache/kafka image is: every KAFKA_FOO_BAR
# variable becomes the broker property foo.bar; the storage is formatted on first start.
set -eu
CLASSPATH="/opt/kafka/libs/*"
export CLASSPATH
properties=/opt/kafka/config/server.properties
mkdir -p /opt/kafka/config
: > "$properties"
env | grep '^KAFKA_' | grep -v '^KAFKA_CLUSTER_ID=' | while IFS='=' read -r name value; do
  key=$(echo "${name#KAFKA_}" | tr 'A-Z_' 'a-z.')
  echo "$key=$value" >> "$properties"
done
grep -q '^log.dirs=' "$properties" || echo "log.dirs=/var/lib/kafka/data" >> "$properties"
if [ ! -f /var/lib/kafka/data/meta.properties ]; then
  java kafka.tools.StorageTool format --ignore-formatted \
    --cluster-id "${KAFKA_CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" --config "$properties"
fi
exec java -Xmx512m kafka.Kafka "$properties"
