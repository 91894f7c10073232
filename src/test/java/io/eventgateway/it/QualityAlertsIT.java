package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "Chip quality: defect rates per line, batch and product, defects by class, equipment timeline, threshold alerts")
class QualityAlertsIT {

  /** All events fall in one 5-minute window, so the figures do not depend on when the test runs. */
  private static final Instant WINDOW = Instant.parse("2026-11-20T10:00:00Z");

  @Test
  @DisplayName(
      "a defect spike on one line raises exactly one alert, on /v1/alerts and the alerts topic; recovery resolves it")
  void defectSpikeRaisesOneAlertAndRecoveryResolvesIt() {
    JsonObject config = GatewayInstance.isolated("quality");
    try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
      ApiClient api = gateway.api();
      post(api, inspections("L1", "B1", "P1", 40, 0));
      post(api, inspections("L2", "B2", "P1", 14, 0));
      await().atMost(Duration.ofSeconds(30)).until(() -> inspectionsOf(api, "L2") == 14);
      assertThat(alerts(api, "open")).isEmpty();

      // the spike: 6 failures of 20 on L2 (30 % > 5 %), then more failures: still one open alert
      post(api, inspections("L2", "B2", "P1", 6, 6));
      await().atMost(Duration.ofSeconds(30)).until(() -> alerts(api, "open").size() == 1);
      post(api, inspections("L2", "B3", "P2", 5, 5));
      await().atMost(Duration.ofSeconds(30)).until(() -> inspectionsOf(api, "L2") == 25);
      JsonArray open = alerts(api, "open");
      assertThat(open).hasSize(1);
      JsonObject alert = open.getJsonObject(0);
      assertThat(alert.getString("rule")).isEqualTo("line-defect-rate");
      assertThat(alert.getString("scope")).isEqualTo("L2");
      assertThat(alert.getDouble("value")).isCloseTo(6.0 / 20, within(1e-9));

      // recovery: enough good inspections bring L2 under 5 % again
      post(api, inspections("L2", "B3", "P2", 200, 0));
      await().atMost(Duration.ofSeconds(30)).until(() -> alerts(api, "open").isEmpty());
      JsonArray resolved = alerts(api, "resolved");
      assertThat(resolved).hasSize(1);
      assertThat(resolved.getJsonObject(0).getLong("id")).isEqualTo(alert.getLong("id"));
      assertThat(resolved.getJsonObject(0).getString("resolvedAt")).isNotNull();

      List<JsonObject> published = alertTopic(config.getJsonObject("alerts").getString("topic"), 2);
      assertThat(published)
          .extracting(event -> event.getString("type"))
          .containsExactly("gateway.alert.raised", "gateway.alert.resolved");
      assertThat(published.get(0).getJsonObject("data").getString("scope")).isEqualTo("L2");

      JsonArray lines = api.get("/v1/quality/lines").json().getJsonArray("items");
      JsonObject l2 = find(lines, "L2");
      assertThat(l2.getLong("inspections")).isEqualTo(225);
      assertThat(l2.getLong("failed")).isEqualTo(11);
      assertThat(l2.getDouble("defectRate")).isCloseTo(11.0 / 225, within(1e-9));
      assertThat(find(lines, "L1").getDouble("yield")).isEqualTo(1.0);
      assertThat(find(api.get("/v1/quality/products").json().getJsonArray("items"), "P2")
              .getLong("failed"))
          .isEqualTo(5);
      assertThat(api.get("/v1/quality/batches/B2")
              .json()
              .getJsonArray("items")
              .getJsonObject(0)
              .getLong("inspections"))
          .isEqualTo(20);
      JsonArray windows = api.get(
              "/v1/quality/lines/L2/windows?from=" + WINDOW + "&to=" + WINDOW.plusSeconds(3600))
          .json()
          .getJsonArray("items");
      assertThat(windows).hasSize(1);
      assertThat(windows.getJsonObject(0).getString("windowStart")).isEqualTo(WINDOW.toString());
    }
  }

  @Test
  @DisplayName(
      "defects are counted by class and severity, and an equipment's status changes form its timeline; a resend"
          + " and a full replay count nothing twice")
  void defectsAndEquipmentTimeline() throws Exception {
    JsonObject config = GatewayInstance.isolated("defects");
    try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
      ApiClient api = gateway.api();
      JsonArray events = new JsonArray();
      for (int i = 0; i < 5; i++) {
        events.add(defect("L7", i < 3 ? "SCRATCH" : "PARTICLE", "HIGH", i));
      }
      events
          .add(status("E1", "IDLE", "RUNNING", 10))
          .add(status("E1", "RUNNING", "DOWN", 20))
          .add(status("E1", "DOWN", "RUNNING", 30));
      post(api, events);
      String window = "from=" + WINDOW + "&to=" + WINDOW.plusSeconds(3600);
      // the five defects may be stored by more than one batch: wait for all of them
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() ->
              api
                      .get("/v1/quality/defects?line=L7&" + window)
                      .json()
                      .getJsonArray("defects")
                      .stream()
                      .mapToLong(defect -> ((JsonObject) defect).getLong("count"))
                      .sum()
                  == 5);
      JsonArray defects =
          api.get("/v1/quality/defects?line=L7&" + window).json().getJsonArray("defects");
      assertThat(defects.getJsonObject(0).getString("defectClass")).isEqualTo("SCRATCH");
      assertThat(defects.getJsonObject(0).getLong("count")).isEqualTo(3);
      assertThat(defects.getJsonObject(1).getLong("count")).isEqualTo(2);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> api.get("/v1/quality/equipment/E1/timeline").status() == 200
              && api.get("/v1/quality/equipment/E1/timeline")
                      .json()
                      .getJsonArray("timeline")
                      .size()
                  == 3);
      JsonArray timeline =
          api.get("/v1/quality/equipment/E1/timeline").json().getJsonArray("timeline");
      assertThat(
              timeline.stream().map(step -> ((JsonObject) step).getString("to")).toList())
          .containsExactly("RUNNING", "DOWN", "RUNNING");

      // a client resends every event (the same ids): the same figures, nothing counted twice
      post(api, events);
      await().atMost(Duration.ofSeconds(60)).until(() -> ProcessorRestartIT.lag(config) == 0);
      assertThat(api.get("/v1/quality/defects?line=L7&" + window).json().getJsonArray("defects"))
          .isEqualTo(defects);
      assertThat(api.get("/v1/quality/equipment/E1/timeline").json().getJsonArray("timeline"))
          .isEqualTo(timeline);
      assertThat(api.get("/v1/quality/equipment/E404/timeline").status()).isEqualTo(404);
      assertThat(api.get("/v1/alerts?state=closed").status()).isEqualTo(400);

      // the whole topic processed again from its start: the same figures
      gateway.close();
      Replay.fromTheStart(config);
      try (GatewayInstance replaying = GatewayInstance.start(config, "all")) {
        await().atMost(Duration.ofSeconds(60)).until(() -> ProcessorRestartIT.lag(config) == 0);
        ApiClient again = replaying.api();
        assertThat(
                again.get("/v1/quality/defects?line=L7&" + window).json().getJsonArray("defects"))
            .isEqualTo(defects);
        assertThat(again.get("/v1/quality/equipment/E1/timeline").json().getJsonArray("timeline"))
            .isEqualTo(timeline);
      }
    }
  }

  @Test
  @DisplayName(
      "equipment down longer than its threshold raises an alert, running again resolves it; so do bursts of system errors")
  void timeBasedRules() {
    JsonObject config = GatewayInstance.isolated("timed");
    config
        .getJsonObject("alerts")
        .put(
            "rules",
            new JsonArray()
                .add(new JsonObject()
                    .put("name", "equipment-down")
                    .put("kind", "equipment_down")
                    .put("thresholdSeconds", 600))
                .add(new JsonObject()
                    .put("name", "system-errors")
                    .put("kind", "system_error_rate")
                    .put("threshold", 10)
                    .put("windowSeconds", 5)));
    try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
      ApiClient api = gateway.api();
      Instant now = Instant.now();
      post(
          api,
          new JsonArray()
              .add(status("E5", "RUNNING", "DOWN", now.minusSeconds(700)))
              .add(status("E6", "RUNNING", "DOWN", now.minusSeconds(60))));
      await().atMost(Duration.ofSeconds(30)).until(() -> alerts(api, "open").size() == 1);
      JsonObject down = alerts(api, "open").getJsonObject(0);
      assertThat(down.getString("rule")).isEqualTo("equipment-down");
      assertThat(down.getString("scope")).isEqualTo("E5");
      assertThat(down.getDouble("value")).isGreaterThan(600);

      post(api, new JsonArray().add(status("E5", "DOWN", "RUNNING", Instant.now())));
      await().atMost(Duration.ofSeconds(30)).until(() -> alerts(api, "open").isEmpty());

      JsonArray errors = new JsonArray();
      for (int i = 0; i < 11; i++) {
        errors.add(ApiClient.cloudEvent(
                "chip.system.error",
                new JsonObject()
                    .put("service", "mes")
                    .put("host", "h1")
                    .put("error_code", "E" + i)
                    .put("message", "lost connection")
                    .put("severity", "ERROR"))
            .put("time", Instant.now().toString()));
      }
      post(api, errors);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> alerts(api, "open").size() == 1
              && "system-errors".equals(alerts(api, "open").getJsonObject(0).getString("rule")));
      // the burst ages out of its 5-second window: resolved
      await().atMost(Duration.ofSeconds(30)).until(() -> alerts(api, "open").isEmpty());
      assertThat(alerts(api, "resolved")).hasSize(2);
    }
  }

  @Test
  @DisplayName(
      "2,000 pieces of one tenant's equipment down raise at most alerts.maxOpenPerTenant alerts; another tenant's still rises")
  void alertScopesAreCappedPerTenant() {
    JsonObject config = GatewayInstance.isolated("alertcap");
    config
        .getJsonObject("alerts")
        .put("maxOpenPerTenant", 5)
        .put(
            "rules",
            new JsonArray()
                .add(new JsonObject()
                    .put("name", "equipment-down")
                    .put("kind", "equipment_down")
                    .put("thresholdSeconds", 600)));
    try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
      ApiClient flood = gateway.keyOf("flooder", "flood");
      ApiClient fab = gateway.keyOf("fab-board", "fab");
      Instant old = Instant.now().minusSeconds(700);
      for (int batch = 0; batch < 2; batch++) {
        JsonArray down = new JsonArray();
        for (int i = 0; i < 1_000; i++) {
          down.add(status("EQ-" + batch + "-" + i, "RUNNING", "DOWN", old));
        }
        post(flood, down);
      }
      post(fab, new JsonArray().add(status("FAB-1", "RUNNING", "DOWN", old)));
      await().atMost(Duration.ofSeconds(60)).until(() -> alerts(fab, "open").size() == 1);
      await().atMost(Duration.ofSeconds(60)).until(() -> alerts(flood, "open").size() == 5);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> PrometheusText.sum(gateway.managementUrl(), "gateway_alerts_capped_total") > 0);
      // later runs raise nothing more: the cap holds, and the runs look at what changed only
      post(flood, new JsonArray().add(status("EQ-LATE", "RUNNING", "DOWN", old)));
      await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
      assertThat(alerts(flood, "open")).hasSize(5);
      assertThat(alerts(fab, "open")).hasSize(1);
    }
  }

  private static JsonArray inspections(
      String line, String batch, String product, int count, int failed) {
    JsonArray events = new JsonArray();
    for (int i = 0; i < count; i++) {
      events.add(ApiClient.cloudEvent(
              "chip.inspection.completed",
              new JsonObject()
                  .put("inspection_id", "I-" + line + "-" + i)
                  .put("batch_id", batch)
                  .put("wafer_id", "W-" + i)
                  .put("line_id", line)
                  .put("product_id", product)
                  .put("result", i < failed ? "FAIL" : "PASS")
                  .put("dies_inspected", 100)
                  .put("defect_count", i < failed ? 7 : 0)
                  .put("duration_ms", 1200))
          .put("time", WINDOW.plusSeconds(60).toString()));
    }
    return events;
  }

  private static JsonObject defect(String line, String defectClass, String severity, int i) {
    return ApiClient.cloudEvent(
            "chip.inspection.defect_detected",
            new JsonObject()
                .put("inspection_id", "I-" + i)
                .put("batch_id", "B7")
                .put("wafer_id", "W-" + i)
                .put("line_id", line)
                .put("defect_class", defectClass)
                .put("severity", severity))
        .put("time", WINDOW.plusSeconds(i).toString());
  }

  private static JsonObject status(String equipment, String from, String to, int second) {
    return status(equipment, from, to, WINDOW.plusSeconds(second));
  }

  private static JsonObject status(String equipment, String from, String to, Instant time) {
    return ApiClient.cloudEvent(
            "chip.equipment.status_changed",
            new JsonObject()
                .put("equipment_id", equipment)
                .put("line_id", "L7")
                .put("previous_status", from)
                .put("status", to))
        .put("time", time.toString());
  }

  private static void post(ApiClient api, JsonArray events) {
    ApiClient.Response response =
        api.post("/v1/events", "application/cloudevents-batch+json", events.encode());
    assertThat(response.status()).as(response.body()).isEqualTo(202);
  }

  private static long inspectionsOf(ApiClient api, String line) {
    ApiClient.Response response = api.get("/v1/quality/lines");
    JsonObject figures = find(response.json().getJsonArray("items"), line);
    return figures == null ? 0 : figures.getLong("inspections");
  }

  private static JsonObject find(JsonArray items, String id) {
    return items.stream()
        .map(JsonObject.class::cast)
        .filter(item -> id.equals(item.getString("id")))
        .findFirst()
        .orElse(null);
  }

  private static JsonArray alerts(ApiClient api, String state) {
    return api.get("/v1/alerts?state=" + state).json().getJsonArray("alerts");
  }

  private static List<JsonObject> alertTopic(String topic, int expected) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", TestInfra.get().kafkaBootstrap());
    properties.put("group.id", "alerts-reader-" + topic);
    properties.put("auto.offset.reset", "earliest");
    List<JsonObject> events = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 30_000;
      while (events.size() < expected && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          events.add(new JsonObject(record.value()));
        }
      }
    }
    return events;
  }
}
