package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventgateway.deploy.GrafanaDashboard;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scaled out as the compose file and the Kubernetes manifests run it: two {@code ingest} and two {@code processor}
 * processes (the container image's command) against one Kafka and one PostgreSQL. The load is spread over both
 * ingest nodes; one processor is killed mid-load and the other takes its partitions over.
 */
@DisplayName("Horizontal scale: 2 ingest + 2 processor processes")
class HorizontalScaleIT {

  private static final String ROWS_STORED = "gateway_pg_batch_size_sum";
  private static final String PRODUCED = "gateway_kafka_produced_total";

  @Test
  @DisplayName(
      "events posted to both ingest nodes are stored exactly once; a killed processor's partitions move to the other")
  void twoIngestTwoProcessors() throws Exception {
    JsonObject config = GatewayInstance.isolated("scale");
    try (GatewayProcess ingestA =
            GatewayProcess.start(config, "ingest", "scale-ingest-a", Map.of(), "256m");
        GatewayProcess ingestB =
            GatewayProcess.start(config, "ingest", "scale-ingest-b", Map.of(), "256m");
        GatewayProcess processorA =
            GatewayProcess.start(config, "processor", "scale-processor-a", Map.of(), "256m");
        GatewayProcess processorB =
            GatewayProcess.start(config, "processor", "scale-processor-b", Map.of(), "256m")) {
      assertThat(ingestA.imageHealthcheck())
          .as("the image's HEALTHCHECK on a live node")
          .isZero();
      int partitions = partitionCount(config);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() ->
              assigned(config).size() == partitions && group(config).members().size() > 1);
      int membersBefore = group(config).members().size();

      String key = GatewayProcess.createAdminKey(config, "scale-load");
      AtomicLong requests = new AtomicLong();
      List<GatewayProcess> ingest = List.of(ingestA, ingestB);
      try (FaultLoad load = new FaultLoad(
          () -> ingest.get((int) (requests.getAndIncrement() % 2)).apiUrl(), key, 4, 20)) {
        load.start(Duration.ofSeconds(25), Duration.ofSeconds(60));
        // both processors are writing before one of them dies
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> PrometheusText.sum(processorA.managementUrl(), ROWS_STORED) > 1_000
                && PrometheusText.sum(processorB.managementUrl(), ROWS_STORED) > 1_000);
        long storedByKilled = (long) PrometheusText.sum(processorA.managementUrl(), ROWS_STORED);
        long killedAt = System.nanoTime();
        processorA.kill();
        assertThat(processorA.imageHealthcheck())
            .as("the image's HEALTHCHECK on a dead node")
            .isNotZero();

        // the group notices after session.timeout.ms and hands every partition to the survivor's
        // consumers
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(250))
            .until(() -> group(config).members().size() < membersBefore
                && assigned(config).size() == partitions);
        long rebalancedAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
        load.awaitClients();

        try (Connection connection = DriverManager.getConnection(
            TestInfra.jdbcUrl(config.getJsonObject("postgres").getString("url")))) {
          FaultLoad.Counts counts = load.assertNothingLost("2 ingest + 2 processor", connection);
          System.out.printf(
              "SCALE acknowledged by ingest A=%.0f B=%.0f; rows stored by processor A before its kill=%d,"
                  + " by processor B=%.0f; consumers %d -> %d, all %d partitions reassigned %d ms after the kill; %s%n",
              PrometheusText.sum(ingestA.managementUrl(), PRODUCED),
              PrometheusText.sum(ingestB.managementUrl(), PRODUCED),
              storedByKilled,
              PrometheusText.sum(processorB.managementUrl(), ROWS_STORED),
              membersBefore,
              group(config).members().size(),
              partitions,
              rebalancedAfterMs,
              counts);
          assertThat(PrometheusText.sum(ingestA.managementUrl(), PRODUCED)).isPositive();
          assertThat(PrometheusText.sum(ingestB.managementUrl(), PRODUCED)).isPositive();
          assertThat(counts.stored()).isEqualTo(counts.acknowledged());
        }
      }

      Set<String> exposed = new HashSet<>(PrometheusText.names(ingestA.managementUrl()));
      exposed.addAll(PrometheusText.names(processorB.managementUrl()));
      assertThat(exposed)
          .as("metrics the Grafana dashboard reads")
          .containsAll(GrafanaDashboard.metricNames(GrafanaDashboard.read()));
    }
  }

  private static ConsumerGroupDescription group(JsonObject config) throws Exception {
    String groupId = config.getJsonObject("kafka").getJsonObject("consumer").getString("group.id");
    try (Admin admin = admin(config)) {
      return admin
          .describeConsumerGroups(List.of(groupId))
          .describedGroups()
          .get(groupId)
          .get();
    }
  }

  private static Set<TopicPartition> assigned(JsonObject config) throws Exception {
    Set<TopicPartition> assigned = new HashSet<>();
    for (MemberDescription member : group(config).members()) {
      assigned.addAll(member.assignment().topicPartitions());
    }
    return assigned;
  }

  private static int partitionCount(JsonObject config) throws Exception {
    Collection<String> topics =
        config.getJsonObject("kafka").getJsonObject("topics").getMap().values().stream()
            .map(Object::toString)
            .toList();
    try (Admin admin = admin(config)) {
      return admin.describeTopics(topics).allTopicNames().get().values().stream()
          .mapToInt(description -> description.partitions().size())
          .sum();
    }
  }

  private static Admin admin(JsonObject config) {
    Properties properties = new Properties();
    properties.put(
        "bootstrap.servers", config.getJsonObject("kafka").getString("bootstrap.servers"));
    return Admin.create(properties);
  }
}
