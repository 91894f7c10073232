# syntax=docker/dockerfile:1
# Event Gateway: one image for every role (GATEWAY_ROLE=all|ingest|processor) and for the LLM simulator.
#   docker build -t event-gateway .
#   docker run -e GATEWAY_ROLE=ingest -e GATEWAY_KAFKA_BOOTSTRAP_SERVERS=kafka:9092 \
#              -e DATABASE_URL=postgresql://gateway:secret@postgres:5432/gateway -p 8080:8080 -p 9090:9090 event-gateway

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# dependencies first: this layer is rebuilt only when pom.xml changes
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY schemas/ schemas/
COPY verticles/ verticles/
COPY conf/ conf/
COPY src/main/ src/main/
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
# a fixed numeric user, so that Kubernetes' runAsNonRoot can check it
RUN groupadd --system --gid 10001 gateway \
    && useradd --system --uid 10001 --gid gateway --home-dir /app --no-create-home gateway
WORKDIR /app
COPY --from=build --chown=10001:10001 /build/target/event-gateway.jar /app/event-gateway.jar
USER 10001:10001
# conf/docker.json inside the jar points at the compose services (kafka, postgres, llm-sim); every value can be
# overridden with GATEWAY_* variables and DATABASE_URL, or a mounted /app/conf (GATEWAY_CONF_DIR)
ENV GATEWAY_ROLE=all \
    GATEWAY_ENV=docker \
    GATEWAY_LOG_FORMAT=json
EXPOSE 8080 9090
# curl (the JRE image has it) answers in milliseconds where a probe JVM took about half a CPU-second every 10 s;
# the shell form follows GATEWAY_MANAGEMENT_PORT
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS --max-time 4 -o /dev/null "http://127.0.0.1:${GATEWAY_MANAGEMENT_PORT:-9090}/health/live" || exit 1
# SIGTERM drains: readiness off, in-flight requests answered, producer flushed, processed offsets committed
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/event-gateway.jar", "run"]
