package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("User analytics equal what the posted events say, also after a full replay")
class AnalyticsIT {

  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private static final int USERS = 10;

  @Test
  @DisplayName(
      "rollups, event counts, top events and the funnel match a workload with known answers; a replay changes nothing")
  void knownAnswersAndReplay() throws Exception {
    JsonObject config = GatewayInstance.isolated("analytics");
    try (GatewayInstance ingest = GatewayInstance.start(config, "ingest")) {
      ApiClient api = ingest.api();
      GatewayInstance processor =
          GatewayInstance.start(GatewayInstance.withOwnPorts(config), "processor");
      List<JsonObject> events = workload();
      JsonArray batch = new JsonArray(new ArrayList<>(events));
      assertThat(api.post("/v1/events", "application/cloudevents-batch+json", batch.encode())
              .status())
          .isEqualTo(202);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> StoredEvents.count(ingest) == events.size());

      JsonObject before = snapshot(api);
      assertKnownAnswers(before);

      // a rewind of Kafka's offsets alone replays nothing: the positions stored with the rows
      // hold, and no batch reaches the writer
      processor.close();
      double batchesBefore = writtenBatches(ingest);
      Replay.rewindKafkaOffsets(config);
      try (GatewayInstance resumed =
          GatewayInstance.start(GatewayInstance.withOwnPorts(config), "processor")) {
        await().atMost(Duration.ofSeconds(60)).until(() -> ProcessorRestartIT.lag(config) == 0);
        assertThat(writtenBatches(ingest)).isEqualTo(batchesBefore);
      }

      // replay everything (docs/operations.md): rewind the group in Kafka, forget its stored
      // positions, start a processor again
      Replay.fromTheStart(config);
      try (GatewayInstance replaying =
          GatewayInstance.start(GatewayInstance.withOwnPorts(config), "processor")) {
        await().atMost(Duration.ofSeconds(60)).until(() -> ProcessorRestartIT.lag(config) == 0);
        assertThat(writtenBatches(ingest)).isGreaterThan(batchesBefore);
        assertThat(snapshot(api)).isEqualTo(before);

        // a client resends every event (the same ids): answered, stored and counted once
        assertThat(api.post("/v1/events", "application/cloudevents-batch+json", batch.encode())
                .status())
            .isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> ProcessorRestartIT.lag(config) == 0);
        assertThat(StoredEvents.count(ingest)).isEqualTo(events.size());
        assertThat(snapshot(api)).isEqualTo(before);
      }
    }
  }

  @Test
  @DisplayName("bad query parameters get a 400 naming the parameter; an unknown user a 404")
  void badQueries() {
    try (GatewayInstance gateway =
        GatewayInstance.start(GatewayInstance.isolated("analyticsbad"), "all")) {
      ApiClient api = gateway.api();
      assertField(api.get("/v1/analytics/event-counts?bucket=day"), "bucket");
      assertField(api.get("/v1/analytics/top-events?limit=0"), "limit");
      assertField(api.get("/v1/analytics/top-events?from=yesterday"), "from");
      assertField(
          api.get("/v1/analytics/top-events?from=2026-11-20T11:00:00Z&to=2026-11-20T10:00:00Z"),
          "from");
      assertField(api.get("/v1/analytics/funnel?steps=page_view"), "steps");
      ApiClient.Response unknown = api.get("/v1/analytics/users/nobody");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.contentType()).isEqualTo("application/problem+json");
    }
  }

  private static void assertField(ApiClient.Response response, String field) {
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.contentType()).isEqualTo("application/problem+json");
    assertThat(response.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo(field);
  }

  private static void assertKnownAnswers(JsonObject snapshot) {
    for (int i = 0; i < USERS; i++) {
      JsonObject user = snapshot.getJsonObject("user-" + i);
      long expected =
          1 + (i + 1) + (i % 2 == 0 ? 1 : 0) + (i % 4 == 0 ? 1 : 0) + (i % 3 == 0 ? 1 : 0);
      assertThat(user.getLong("events")).as("events of user %d", i).isEqualTo(expected);
      assertThat(user.getJsonObject("countsByType").getLong("analytics.page_view"))
          .isEqualTo(i + 1L);
      assertThat(user.getLong("purchases")).isEqualTo(i % 4 == 0 ? 1L : 0L);
      assertThat(user.getDouble("revenue")).isEqualTo(i % 4 == 0 ? 10 + i + 0.5 : 0.0);
      assertThat(user.getLong("sessions")).isEqualTo(1L);
      assertThat(user.getLong("sessionsEnded")).isEqualTo(i % 3 == 0 ? 1L : 0L);
      assertThat(user.getString("firstSeen")).isEqualTo(T0.plusSeconds(60L * i).toString());
    }
    JsonObject implicit = snapshot.getJsonObject("user-implicit");
    assertThat(implicit.getLong("events")).isEqualTo(4);
    assertThat(implicit.getLong("sessions"))
        .as("sessions split by the inactivity gap")
        .isEqualTo(2);
    Map<String, Long> top = snapshot.getJsonObject("top").getJsonArray("events").stream()
        .map(JsonObject.class::cast)
        .collect(Collectors.toMap(e -> e.getString("type"), e -> e.getLong("count")));
    assertThat(top)
        .containsExactlyInAnyOrderEntriesOf(Map.of(
            "analytics.page_view",
            55L,
            "analytics.session_start",
            10L,
            "analytics.add_to_cart",
            5L,
            "analytics.session_end",
            4L,
            "analytics.purchase",
            3L));
    assertThat(snapshot
            .getJsonObject("top")
            .getJsonArray("events")
            .getJsonObject(0)
            .getString("type"))
        .isEqualTo("analytics.page_view");
    JsonArray perMinute = snapshot.getJsonObject("pageViewsPerMinute").getJsonArray("series");
    assertThat(perMinute).hasSize(USERS);
    for (int i = 0; i < USERS; i++) {
      assertThat(perMinute.getJsonObject(i).getString("time"))
          .isEqualTo(T0.plusSeconds(60L * i).toString());
      assertThat(perMinute.getJsonObject(i).getLong("count")).isEqualTo(i + 1L);
    }
    JsonArray hourly = snapshot.getJsonObject("pageViewsPerHour").getJsonArray("series");
    assertThat(hourly).hasSize(1);
    assertThat(hourly.getJsonObject(0).getLong("count")).isEqualTo(55L);
    assertThat(snapshot.getJsonObject("funnel").getJsonArray("steps").stream()
            .map(step -> ((JsonObject) step).getLong("users"))
            .toList())
        .containsExactly(10L, 5L, 3L);
  }

  private static JsonObject snapshot(ApiClient api) {
    JsonObject snapshot = new JsonObject();
    for (int i = 0; i < USERS; i++) {
      ApiClient.Response user = api.get("/v1/analytics/users/user-" + i);
      assertThat(user.status()).as(user.body()).isEqualTo(200);
      snapshot.put("user-" + i, user.json());
    }
    snapshot.put("user-implicit", api.get("/v1/analytics/users/user-implicit").json());
    String window = "from=" + T0 + "&to=" + T0.plus(Duration.ofHours(1));
    snapshot.put("top", api.get("/v1/analytics/top-events?limit=10&" + window).json());
    snapshot.put(
        "pageViewsPerMinute",
        api.get("/v1/analytics/event-counts?type=page_view&bucket=minute&" + window)
            .json());
    snapshot.put(
        "pageViewsPerHour",
        api.get("/v1/analytics/event-counts?type=page_view&bucket=hour&" + window)
            .json());
    snapshot.put(
        "funnel",
        api.get("/v1/analytics/funnel?steps=page_view,add_to_cart,purchase&" + window)
            .json());
    return snapshot;
  }

  /** Per user i, in minute i: a session, i + 1 page views, a cart every 2nd, a purchase every 4th, an end every 3rd. */
  private static List<JsonObject> workload() {
    List<JsonObject> events = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      String user = "user-" + i;
      String session = "session-" + i;
      Instant minute = T0.plusSeconds(60L * i);
      events.add(at(
          ApiClient.cloudEvent(
              "analytics.session_start",
              new JsonObject().put("user_id", user).put("session_id", session)),
          minute));
      for (int k = 1; k <= i + 1; k++) {
        events.add(at(
            ApiClient.cloudEvent(
                "analytics.page_view",
                new JsonObject()
                    .put("user_id", user)
                    .put("session_id", session)
                    .put("url", "https://shop.example/" + k)),
            minute.plusSeconds(k)));
      }
      if (i % 2 == 0) {
        events.add(at(
            ApiClient.cloudEvent(
                "analytics.add_to_cart",
                new JsonObject()
                    .put("user_id", user)
                    .put("session_id", session)
                    .put("product_id", "p-" + i)
                    .put("quantity", 1)
                    .put("unit_price", 10 + i + 0.5)),
            minute.plusSeconds(30)));
      }
      if (i % 4 == 0) {
        events.add(at(
            ApiClient.cloudEvent(
                "analytics.purchase",
                new JsonObject()
                    .put("user_id", user)
                    .put("session_id", session)
                    .put("order_id", "o-" + i)
                    .put("payment_method", "CARD")
                    .put("total", (10 + i) + ".50")
                    .put(
                        "items",
                        new JsonArray()
                            .add(new JsonObject()
                                .put("product_id", "p-" + i)
                                .put("quantity", 1)
                                .put("unit_price", 10 + i + 0.5)))),
            minute.plusSeconds(40)));
      }
      if (i % 3 == 0) {
        events.add(at(
            ApiClient.cloudEvent(
                "analytics.session_end",
                new JsonObject()
                    .put("user_id", user)
                    .put("session_id", session)
                    .put("duration_ms", 50_000)),
            minute.plusSeconds(50)));
      }
    }
    // a day later, page views without session ids, 10, 55 and 5 minutes apart: the 30-minute gap
    // splits 2 sessions.
    // Gaps are counted in arrival order, which Kafka keeps per record key: the events carry the
    // user as subject.
    Instant dayLater = T0.plus(Duration.ofDays(1));
    for (int minutes : new int[] {0, 10, 65, 70}) {
      events.add(at(
              ApiClient.cloudEvent(
                  "analytics.page_view",
                  new JsonObject()
                      .put("user_id", "user-implicit")
                      .put("url", "https://shop.example/")),
              dayLater.plusSeconds(60L * minutes))
          .put("subject", "user-implicit"));
    }
    return events;
  }

  private static JsonObject at(JsonObject event, Instant time) {
    return event.put("time", time.toString());
  }

  /** Batches the writers of this JVM stored (its metrics are one registry for every instance). */
  private static double writtenBatches(GatewayInstance node) {
    return PrometheusText.sum(node.managementUrl(), "gateway_pg_batch_size_count");
  }
}
