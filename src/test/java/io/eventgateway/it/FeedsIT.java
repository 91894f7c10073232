package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Live feeds over WebSocket, fed from Kafka")
class FeedsIT {

  private GatewayInstance gateway;
  private ApiClient api;

  @BeforeAll
  void start() {
    gateway = GatewayInstance.start(GatewayInstance.isolated("feeds"), "all");
    api = gateway.api();
  }

  @AfterAll
  void stop() {
    gateway.close();
  }

  private WebSocket open(String path, WebSocketMessages messages) {
    return HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .header("Authorization", "Bearer " + gateway.adminKey())
        .buildAsync(URI.create(gateway.apiUrl().replace("http", "ws") + path), messages)
        .join();
  }

  @Test
  @DisplayName("while no one watches the events feed, its consumer fetches nothing from Kafka")
  void pausedFeedFetchesNothing() {
    try (GatewayInstance quiet =
        GatewayInstance.start(GatewayInstance.isolated("quietfeed"), "all")) {
      ApiClient management = new ApiClient(quiet.managementUrl());
      // the feed's partitions are paused once assigned: a first fetch may come before that
      postAndAwaitStored(quiet, 20, 20);
      double beforeFeed =
          recordsConsumed(management.get("/metrics").body(), "consumer-feed-events-");
      postAndAwaitStored(quiet, 200, 220);
      String metrics = management.get("/metrics").body();
      // a renamed metric would read as 0 fetched: the feed consumer's series must be there
      assertThat(metrics.lines())
          .as("kafka_consumer_fetch_manager_records_consumed_total of the feed consumer")
          .anyMatch(line -> line.startsWith("kafka_consumer_fetch_manager_records_consumed_total{")
              && line.contains("client_id=\"consumer-feed-events-"));
      assertThat(recordsConsumed(metrics, "consumer-processor-"))
          .as("the processor read them")
          .isGreaterThanOrEqualTo(220);
      assertThat(recordsConsumed(metrics, "consumer-feed-events-") - beforeFeed)
          .as("the paused feed")
          .isZero();
    }
  }

  private static void postAndAwaitStored(GatewayInstance gateway, int events, long storedInAll) {
    for (int i = 0; i < events; i++) {
      assertThat(gateway.api().postEvent(ApiClient.pageView("unwatched")).status())
          .isEqualTo(202);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> StoredEvents.count(gateway) == storedInAll);
  }

  /** Records fetched by the consumers whose client id starts with {@code clientId}, from Kafka's own metric. */
  private static double recordsConsumed(String metrics, String clientId) {
    return metrics
        .lines()
        .filter(line -> line.startsWith("kafka_consumer_fetch_manager_records_consumed_total{")
            && line.contains("client_id=\"" + clientId)
            && !line.contains("topic="))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  @DisplayName("/v1/feeds/events?type= pushes accepted events of that type only")
  void eventsFeedFiltersByType() {
    WebSocketMessages messages = new WebSocketMessages(true);
    WebSocket socket = open("/v1/feeds/events?type=analytics.page_view", messages);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          assertThat(api.postEvent(ApiClient.cloudEvent(
                      "analytics.click",
                      new JsonObject()
                          .put("user_id", "u")
                          .put("url", "https://shop.example")
                          .put("element_id", "buy")))
                  .status())
              .isEqualTo(202);
          assertThat(api.postEvent(ApiClient.pageView("feed")).status()).isEqualTo(202);
          assertThat(messages.received).isNotEmpty();
        });
    assertThat(messages.received)
        .allMatch(event -> "analytics.page_view".equals(event.getString("type")));
    assertThat(messages.received.get(0).getJsonObject("data").getString("user_id"))
        .isEqualTo("feed");
    socket.abort();
  }

  @Test
  @DisplayName("/v1/feeds/alerts pushes an alert when a line breaches its defect-rate rule")
  void alertsFeed() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(this::alertFeedAssigned);
    WebSocketMessages messages = new WebSocketMessages(true);
    WebSocket socket = open("/v1/feeds/alerts", messages);
    JsonArray spike = new JsonArray();
    for (int i = 0; i < 20; i++) {
      spike.add(ApiClient.cloudEvent(
              "chip.inspection.completed",
              new JsonObject()
                  .put("inspection_id", "I-" + i)
                  .put("batch_id", "B9")
                  .put("wafer_id", "W-" + i)
                  .put("line_id", "L9")
                  .put("product_id", "P9")
                  .put("result", i < 10 ? "FAIL" : "PASS")
                  .put("dies_inspected", 100)
                  .put("defect_count", 1)
                  .put("duration_ms", 900))
          .put("time", Instant.parse("2026-11-20T10:01:00Z").toString()));
    }
    assertThat(api.post("/v1/events", "application/cloudevents-batch+json", spike.encode())
            .status())
        .isEqualTo(202);

    await().atMost(Duration.ofSeconds(30)).until(() -> !messages.received.isEmpty());
    JsonObject alert = messages.received.get(0);
    assertThat(alert.getString("type")).isEqualTo("gateway.alert.raised");
    assertThat(alert.getJsonObject("data").getString("scope")).isEqualTo("L9");
    socket.abort();
  }

  private boolean alertFeedAssigned() throws Exception {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", TestInfra.get().kafkaBootstrap());
    try (Admin admin = Admin.create(properties)) {
      List<String> groups = admin.listConsumerGroups().all().get().stream()
          .map(ConsumerGroupListing::groupId)
          .filter(group -> group.startsWith("feed-alerts-"))
          .toList();
      return admin.describeConsumerGroups(groups).all().get().values().stream()
          .anyMatch(group -> group.members().stream()
              .anyMatch(member -> !member.assignment().topicPartitions().isEmpty()
                  && member.assignment().topicPartitions().stream()
                      .anyMatch(tp -> tp.topic()
                          .equals(gateway.config().getJsonObject("alerts").getString("topic")))));
    }
  }
}
