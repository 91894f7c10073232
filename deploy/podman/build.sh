#!/usr/bin/env bash
# Builds the gateway's image with podman from the unchanged Dockerfile, on machines that cannot reach an image
# registry (this project's CI machines): the Dockerfile's FROM images are made from Debian's packages first and
# tagged with the names the Dockerfile uses.
#
#   deploy/podman/build.sh              # base images when missing, then localhost/event-gateway:latest
#   deploy/podman/build.sh --rebuild    # makes the base images again
#
# Stand-ins (Debian bookworm, debootstrap minbase):
#   docker.io/library/eclipse-temurin:17-jre       <- openjdk-17-jre-headless, curl
#   docker.io/library/maven:3.9-eclipse-temurin-17 <- openjdk-17-jdk-headless, maven (3.8.7)
# Needs: podman, runc, debootstrap (and root, for debootstrap). The local Maven repository is mounted into the
# build stage when there is one, so dependencies are not downloaded twice.
set -euo pipefail
cd "$(dirname "$0")/../.."

SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
BASE=localhost/event-gateway/debian:$SUITE
RUNTIME_IMAGE=docker.io/library/eclipse-temurin:17-jre
BUILD_IMAGE=docker.io/library/maven:3.9-eclipse-temurin-17
IMAGE=${IMAGE:-localhost/event-gateway:latest}
REBUILD=${1:-}

missing() { [ "$REBUILD" = --rebuild ] || ! podman image exists "$1"; }

# the Dockerfile must name exactly the images this script stands in for
for image in "$RUNTIME_IMAGE" "$BUILD_IMAGE"; do
  short=${image#docker.io/library/}
  grep -q "^FROM $short\b" Dockerfile || { echo "Dockerfile no longer uses $short: update $0" >&2; exit 1; }
done

# the real images (pulled where a registry can be reached) need no stand-ins, and then no Debian base either
if { missing "$RUNTIME_IMAGE" || missing "$BUILD_IMAGE"; } && missing "$BASE"; then
  root=$(mktemp -d)
  echo "debootstrap $SUITE from $MIRROR (a few minutes)"
  debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR" > /dev/null
  tar -C "$root" -c . | podman import - "$BASE" > /dev/null 2>&1
  rm -rf "$root"
fi

# the stand-ins trust what this machine trusts beyond Debian's bundle (e.g. an egress proxy's CA), so that the
# build stage can reach Maven Central from where this machine can
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
mkdir -p "$context/ca"
cp /usr/local/share/ca-certificates/*.crt "$context/ca/" 2>/dev/null || true

stand_in() {
  local tag=$1 packages=$2
  if missing "$tag"; then
    echo "stand-in $tag: $packages"
    podman build --quiet -t "$tag" -f - "$context" > /dev/null <<CONTAINERFILE
FROM $BASE
COPY ca/ /usr/local/share/ca-certificates/
RUN apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages ca-certificates \
    && update-ca-certificates \
    && rm -rf /var/lib/apt/lists/*
CONTAINERFILE
  fi
}
stand_in "$RUNTIME_IMAGE" "openjdk-17-jre-headless curl"
stand_in "$BUILD_IMAGE" "openjdk-17-jdk-headless maven"

volumes=()
[ -d "$HOME/.m2/repository" ] && volumes=(--volume "$HOME/.m2:/root/.m2")
# docker format: the OCI image format has no HEALTHCHECK, and podman would drop it
podman build --format docker "${volumes[@]}" -t "$IMAGE" .
podman image inspect "$IMAGE" --format 'built {{.Id}}: {{.Size}} bytes'
