package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Offsets are committed only after the write")
class ProcessorRestartIT {

  private static final int BATCHES = 20;
  private static final int EVENTS_PER_BATCH = 500;

  @Test
  @DisplayName(
      "a processor stopped mid-stream and restarted leaves every acknowledged event in PostgreSQL exactly once")
  void processorRestartMidStream() throws Exception {
    JsonObject config = GatewayInstance.isolated("restart");
    try (GatewayInstance ingest = GatewayInstance.start(config, "ingest")) {
      ApiClient api = ingest.api();
      GatewayInstance processor =
          GatewayInstance.start(GatewayInstance.withOwnPorts(config), "processor");
      List<String> acknowledged = new ArrayList<>();

      // half the batches while the processor runs, stopped as soon as one batch is stored ...
      CompletableFuture<Void> load =
          CompletableFuture.runAsync(() -> post(api, BATCHES / 2, acknowledged));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> StoredEvents.count(ingest) >= EVENTS_PER_BATCH);
      processor.close();
      load.get();
      long storedWhenStopped = StoredEvents.count(ingest);
      // ... and the other half while it is stopped: acknowledged, and stored by nobody yet
      post(api, BATCHES - BATCHES / 2, acknowledged);
      assertThat(StoredEvents.count(ingest)).isEqualTo(storedWhenStopped);
      assertThat(storedWhenStopped).isLessThan(BATCHES * EVENTS_PER_BATCH);

      try (GatewayInstance restarted =
          GatewayInstance.start(GatewayInstance.withOwnPorts(config), "processor")) {
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> StoredEvents.count(ingest) == BATCHES * EVENTS_PER_BATCH);
        assertThat(StoredEvents.countOf(ingest, acknowledged))
            .isEqualTo(BATCHES * EVENTS_PER_BATCH);
        await().atMost(Duration.ofSeconds(30)).until(() -> lag(config) == 0);
      }
    }
  }

  private static void post(ApiClient api, int batches, List<String> acknowledged) {
    for (int batch = 0; batch < batches; batch++) {
      JsonArray events = new JsonArray();
      IntStream.range(0, EVENTS_PER_BATCH).forEach(i -> events.add(ApiClient.pageView("restart")));
      ApiClient.Response response =
          api.post("/v1/events", "application/cloudevents-batch+json", events.encode());
      assertThat(response.status()).isEqualTo(202);
      synchronized (acknowledged) {
        events.forEach(event -> acknowledged.add(((JsonObject) event).getString("id")));
      }
    }
  }

  @Test
  @DisplayName(
      "while the write is blocked nothing is committed; once it completes the offsets follow")
  void noCommitBeforeWrite() throws Exception {
    JsonObject config = GatewayInstance.isolated("commit");
    try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
      ApiClient api = gateway.api();
      assertThat(api.postEvent(ApiClient.pageView("warm-up")).status()).isEqualTo(202);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> StoredEvents.count(gateway) == 1 && lag(config) == 0);

      try (java.sql.Connection locker = gateway.database()) {
        locker.setAutoCommit(false);
        locker.createStatement().execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
        JsonArray events = new JsonArray();
        IntStream.range(0, 100).forEach(i -> events.add(ApiClient.pageView("blocked")));
        assertThat(api.post("/v1/events", "application/cloudevents-batch+json", events.encode())
                .status())
            .isEqualTo(202);

        await()
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(10))
            .until(() -> lag(config) == 100);
        locker.rollback();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> StoredEvents.count(gateway) == 101);
      await().atMost(Duration.ofSeconds(30)).until(() -> lag(config) == 0);
    }
  }

  /** Records of the family topics not yet committed by the processing group. */
  static long lag(JsonObject config) throws Exception {
    JsonObject kafka = config.getJsonObject("kafka");
    Properties properties = new Properties();
    properties.put("bootstrap.servers", kafka.getString("bootstrap.servers"));
    try (Admin admin = Admin.create(properties)) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin
          .listConsumerGroupOffsets(kafka.getJsonObject("consumer").getString("group.id"))
          .partitionsToOffsetAndMetadata()
          .get();
      List<String> topics = kafka.getJsonObject("topics").stream()
          .map(entry -> (String) entry.getValue())
          .toList();
      Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get()
          .values()
          .forEach(description -> description
              .partitions()
              .forEach(partition -> request.put(
                  new TopicPartition(description.name(), partition.partition()),
                  OffsetSpec.latest())));
      long lag = 0;
      for (var end : admin.listOffsets(request).all().get().entrySet()) {
        OffsetAndMetadata done = committed.get(end.getKey());
        lag += end.getValue().offset() - (done == null ? 0 : done.offset());
      }
      return lag;
    }
  }
}
