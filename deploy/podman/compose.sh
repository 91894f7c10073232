#!/usr/bin/env bash
# Runs docker-compose.yml with podman-compose on a machine without Docker or an image registry: the gateway's image
# comes from build.sh, and the stand-ins below are built from Debian's packages and Maven Central and tagged with
# the compose file's image names. Grafana has no stand-in: its service is left out.
#
#   deploy/podman/compose.sh up      # build what is missing, then start every service but grafana
#   deploy/podman/compose.sh down    # stop and remove them, volumes included
#
# What differs from `docker compose up`: Debian's podman-compose (1.0.3) gives every replica the whole published
# port range and breaks a service's health check for its second replica, so each gateway role runs one replica
# here (API on 8080, management on 127.0.0.1:9090); it starts services in dependency order without waiting for
# them to be healthy, and the gateway containers restart (restart: unless-stopped) until Kafka and PostgreSQL answer.
# The file it runs, target/compose.podman.yml, is docker-compose.yml with those changes.
#
# Stand-ins:
#   apache/kafka:3.7.1          <- Apache Kafka 3.7.1's jars from Maven Central on the JRE stand-in, configured from
#                                  KAFKA_* variables as the real image is
#   postgres:15-alpine          <- Debian's PostgreSQL 15 (on Debian, not Alpine), POSTGRES_* variables as the real image
#   prom/prometheus:v3.5.0      <- Debian's Prometheus 2.42
# Needs what build.sh needs, plus podman-compose and Maven.
set -euo pipefail
cd "$(dirname "$0")/../.."

BASE=localhost/event-gateway/debian:bookworm
JRE=docker.io/library/eclipse-temurin:17-jre
KAFKA=docker.io/apache/kafka:3.7.1
POSTGRES=docker.io/library/postgres:15-alpine
PROMETHEUS=docker.io/prom/prometheus:v3.5.0
COMPOSE=target/compose.podman.yml

for image in "$KAFKA" "$POSTGRES" "$PROMETHEUS"; do
  short=${image#docker.io/}
  short=${short#library/}
  grep -q "image: $short\$" docker-compose.yml || { echo "docker-compose.yml no longer uses $short: update $0" >&2; exit 1; }
done

mkdir -p target
python3 - "$COMPOSE" <<'PYTHON'
import os, sys, yaml
compose = yaml.safe_load(open("docker-compose.yml"))
del compose["services"]["grafana"]
for role in ("ingest", "processor"):
    service = compose["services"][role]
    service["deploy"]["replicas"] = 1
    service["ports"] = [port.replace("8080-8081", "8080").replace("9090-9091", "9090")
                        for port in service.get("ports", [])]
for service in compose["services"].values():
    service["volumes"] = [os.path.abspath(volume) if volume.startswith("./") else volume
                          for volume in service.get("volumes", [])]
yaml.safe_dump(compose, open(sys.argv[1], "w"), sort_keys=False)
PYTHON

if [ "${1:-up}" = down ]; then
  podman-compose -p event-gateway -f "$COMPOSE" down --volumes
  exit 0
fi

IMAGE=localhost/event-gateway:local deploy/podman/build.sh

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp deploy/podman/stand-ins/*.sh "$context/"

if ! podman image exists "$KAFKA"; then
  echo "stand-in $KAFKA"
  cat > "$context/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>stand-in</groupId><artifactId>kafka</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>3.7.1</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
  mvn -B -q -f "$context/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$context/libs"
  podman build --format docker --quiet -t "$KAFKA" -f - "$context" > /dev/null <<CONTAINERFILE
FROM $JRE
COPY libs/ /opt/kafka/libs/
COPY kafka-entrypoint.sh /opt/kafka/bin/kafka-entrypoint.sh
COPY kafka-broker-api-versions.sh /opt/kafka/bin/kafka-broker-api-versions.sh
VOLUME /var/lib/kafka/data
ENTRYPOINT ["/opt/kafka/bin/kafka-entrypoint.sh"]
CONTAINERFILE
fi

# a stand-in made of Debian packages: $1 the tag, $2 the packages, then the Containerfile's remaining lines
debian_stand_in() {
  local tag=$1 packages=$2
  shift 2
  podman image exists "$tag" && return 0
  echo "stand-in $tag"
  {
    echo "FROM $BASE"
    echo "RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \\"
    echo "    $packages && rm -rf /var/lib/apt/lists/*"
    printf '%s\n' "$@"
  } | podman build --format docker --quiet -t "$tag" -f - "$context" > /dev/null
}

debian_stand_in "$POSTGRES" "postgresql-15 postgresql-client-15" \
  "COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh" \
  'ENV PATH=/usr/lib/postgresql/15/bin:$PATH' \
  "VOLUME /var/lib/postgresql/data" \
  'ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]'
debian_stand_in "$PROMETHEUS" "prometheus wget" \
  "WORKDIR /prometheus" \
  'ENTRYPOINT ["/usr/bin/prometheus"]'

podman-compose -p event-gateway -f "$COMPOSE" up -d
