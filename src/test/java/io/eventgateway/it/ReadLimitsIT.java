package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Reads tried as a tenant with a valid key would try to crowd out the others: a year-long window, a burst of
 * parallel funnels, an unbounded list. Key lookups and another tenant's reads keep answering.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Reads are bounded: window, page, rate per caller, a pool and a queue of their own")
class ReadLimitsIT {

  private GatewayInstance gateway;
  private ApiClient noisy;

  @BeforeAll
  void start() {
    JsonObject config = GatewayInstance.isolated("readlimits");
    // the shipped bound (the tests' configuration lifts it for the suites that poll)
    config.getJsonObject("reads").put("perCallerPerSecond", 20).put("maxInFlightPerTenant", 2);
    gateway = GatewayInstance.start(config, "all");
    noisy = gateway.keyOf("noisy-reader", "noisy");
  }

  @AfterAll
  void stop() {
    gateway.close();
  }

  @Test
  @DisplayName(
      "a year-long window is a 400 naming from; a day of minutes and a month of hours are answered")
  void windowsAreBounded() {
    ApiClient noisy = gateway.keyOf("window-reader", "noisy");
    Instant to = Instant.now();
    ApiClient.Response year = noisy.get("/v1/analytics/funnel?steps=page_view,purchase&from="
        + to.minus(Duration.ofDays(365)) + "&to=" + to);
    assertThat(year.status()).isEqualTo(400);
    assertThat(year.contentType()).isEqualTo("application/problem+json");
    assertThat(year.body()).contains("\"field\":\"from\"").contains("31 days");
    assertThat(noisy
            .get("/v1/analytics/event-counts?bucket=minute&from=" + to.minus(Duration.ofHours(48))
                + "&to=" + to)
            .status())
        .as("two days of minutes")
        .isEqualTo(400);
    assertThat(noisy
            .get("/v1/analytics/event-counts?bucket=minute&from=" + to.minus(Duration.ofHours(24))
                + "&to=" + to)
            .status())
        .isEqualTo(200);
    assertThat(noisy
            .get("/v1/analytics/event-counts?bucket=hour&from=" + to.minus(Duration.ofDays(30))
                + "&to=" + to)
            .status())
        .isEqualTo(200);
    assertThat(noisy.get("/v1/quality/batches?limit=100000").status()).isEqualTo(400);
  }

  @Test
  @DisplayName(
      "500 parallel funnels of one caller are mostly 429 with Retry-After; another tenant's new key and reads answer")
  void oneCallersBurstLeavesTheOthersAnswering() throws Exception {
    HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String funnel = gateway.apiUrl() + "/v1/analytics/funnel?steps=page_view,add_to_cart,purchase";
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      burst.add(http.sendAsync(
          HttpRequest.newBuilder(URI.create(funnel))
              .header("Authorization", "Bearer " + noisy.apiKey())
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    // while the burst is in flight: a key never used before (its lookup goes to PostgreSQL) of
    // another tenant
    ApiClient quiet = gateway.keyOf("quiet-reader", "quiet");
    ApiClient.Response quietRead = quiet.get("/v1/quality/lines");
    assertThat(quietRead.status()).as(quietRead.body()).isEqualTo(200);

    CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new))
        .get(60, java.util.concurrent.TimeUnit.SECONDS);
    Map<Integer, Long> statuses = burst.stream()
        .map(CompletableFuture::join)
        .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
    assertThat(statuses.keySet()).as("%s", statuses).isSubsetOf(200, 429, 503);
    assertThat(statuses.getOrDefault(429, 0L)).as("%s", statuses).isGreaterThanOrEqualTo(400);
    HttpResponse<String> limited = burst.stream()
        .map(CompletableFuture::join)
        .filter(response -> response.statusCode() == 429)
        .findFirst()
        .orElseThrow();
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    assertThat(limited.body()).contains("read-rate-limited");
    assertThat(quiet.get("/v1/alerts").status()).isEqualTo(200);
  }

  @Test
  @DisplayName(
      "lists and the equipment timeline come in pages whose next cursors cover every row once, in order")
  void pagesCoverEveryRowOnce() {
    ApiClient fab = gateway.keyOf("pager", "pager");
    JsonArray events = new JsonArray();
    Instant start = Instant.parse("2026-11-30T10:00:00Z");
    for (int i = 0; i < 5; i++) {
      events.add(ApiClient.cloudEvent(
              "chip.equipment.status_changed",
              new JsonObject()
                  .put("equipment_id", "EQ-PAGE")
                  .put("line_id", "L-" + i)
                  .put("previous_status", "RUNNING")
                  .put("status", "DOWN"))
          // two share a time: the cursor must still not skip nor repeat either
          .put("time", start.plusSeconds(i == 4 ? 3 : i).toString()));
      events.add(ApiClient.cloudEvent(
          "chip.inspection.completed",
          new JsonObject()
              .put("inspection_id", "I-" + i)
              .put("batch_id", "B-PAGE-" + i)
              .put("wafer_id", "W-" + i)
              .put("line_id", "L-PAGE")
              .put("product_id", "P-1")
              .put("result", "PASS")
              .put("dies_inspected", 10)
              .put("defect_count", 0)
              .put("duration_ms", 5)));
    }
    assertThat(fab.post("/v1/events", "application/cloudevents-batch+json", events.encode())
            .status())
        .isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() -> StoredEvents.count(gateway) >= 10);

    List<String> timeline = collectPages(
        fab,
        "/v1/quality/equipment/EQ-PAGE/timeline?limit=2",
        "timeline",
        entry -> entry.getString("line"));
    assertThat(timeline).hasSize(5).containsExactlyInAnyOrder("L-0", "L-1", "L-2", "L-3", "L-4");
    List<String> batches =
        collectPages(fab, "/v1/quality/batches?limit=2", "items", item -> item.getString("id"));
    assertThat(batches).containsExactly("B-PAGE-0", "B-PAGE-1", "B-PAGE-2", "B-PAGE-3", "B-PAGE-4");
    assertThat(fab.get("/v1/quality/equipment/EQ-PAGE/timeline?after=forged").status())
        .isEqualTo(400);
  }

  private static List<String> collectPages(
      ApiClient client, String first, String field, Function<JsonObject, String> value) {
    List<String> values = new ArrayList<>();
    String path = first;
    for (int page = 0; page < 10 && path != null; page++) {
      ApiClient.Response response = client.get(path);
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      JsonObject body = response.json();
      body.getJsonArray(field).forEach(entry -> values.add(value.apply((JsonObject) entry)));
      String next = body.getString("next");
      path =
          next == null ? null : first + "&after=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
    }
    return values;
  }
}
