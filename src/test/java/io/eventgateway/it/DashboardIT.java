package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The live dashboard in headless Chromium")
class DashboardIT {

  /** Would add an element and change the title if the page wrote event data as HTML. */
  private static final String HOSTILE_LINE = "<img src=x onerror=\"document.title='hacked'\">";

  @Test
  @DisplayName(
      "the numbers on /dashboard change as events are posted, event data shows as text; a screenshot is kept in target/")
  void numbersMove() throws Exception {
    HeadlessChromium.assumeInstalled();
    try (GatewayInstance gateway =
        GatewayInstance.start(GatewayInstance.isolated("dashboard"), "all")) {
      ApiClient api = gateway.api();
      // the page asks for a key; a fragment hands it over without a form (and never reaches the
      // server)
      try (ChromiumPage page =
          ChromiumPage.open(gateway.apiUrl() + "/dashboard#key=" + gateway.adminKey())) {
        // (until the page has loaded, its functions are not there yet)
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(() ->
                String.valueOf(page.evaluate("byId('status').textContent")).startsWith("live"));
        // the meters are process-wide and earlier test classes ran gateways in this JVM: compare
        // differences
        long acceptedBefore = number(page, "accepted-total");
        long storedBefore = number(page, "stored-total");
        assertThat(page.evaluate("String(byId('circuit') !== null)")).isEqualTo("true");

        JsonArray events = new JsonArray();
        IntStream.range(0, 300).forEach(i -> events.add(ApiClient.pageView("dash-" + i)));
        IntStream.range(0, 25).forEach(i -> events.add(inspection(i, "LINE-A")));
        events.add(inspection(99, HOSTILE_LINE));
        assertThat(api.post("/v1/events", "application/cloudevents-batch+json", events.encode())
                .status())
            .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> StoredEvents.count(gateway) == 326);

        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> number(page, "stored-total") == storedBefore + 326
                && number(page, "open-alerts") == 1);
        assertThat(number(page, "accepted-total")).isEqualTo(acceptedBefore + 326);
        String after = page.evaluate("document.documentElement.outerHTML");
        assertThat(after).contains("data-line=\"LINE-A\"").contains("20.0 % of 25");
        // the hostile line id is shown as text: no element of it made it into the page
        assertThat(after)
            .contains("&lt;img src=x onerror=")
            .doesNotContain("<img")
            .contains("<title>Event Gateway — live</title>");
        assertThat(page.evaluate("document.title")).isEqualTo("Event Gateway — live");
        page.screenshot(Path.of("target", "dashboard.png").toAbsolutePath());
        assertThat(Path.of("target", "dashboard.png")).isNotEmptyFile();
      }
    }
  }

  @Test
  @DisplayName(
      "the dashboard lists the open alerts on load, follows the alert feed over Server-Sent Events, and after a lost connection shows the alert raised meanwhile")
  void resumesTheAlertFeed() throws Exception {
    HeadlessChromium.assumeInstalled();
    try (GatewayInstance gateway =
        GatewayInstance.start(GatewayInstance.isolated("dashfeed"), "all")) {
      ApiClient api = gateway.api();
      raise(api, "LINE-B", 1);
      try (ChromiumPage page =
          ChromiumPage.open(gateway.apiUrl() + "/dashboard#key=" + gateway.adminKey())) {
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(() -> "live".equals(page.evaluate("byId('feed-state').textContent"))
                && "1".equals(page.evaluate("String(alertItems.size)"))
                && page.evaluate("lastAlertPosition") != null);
        // the page loses its connection; an alert is raised while it is away
        page.evaluate("feed.close(); feed = null; reconnects++; 'closed'");
        String before = page.evaluate("lastAlertPosition");
        raise(api, "LINE-C", 2);
        page.evaluate("listen().then(() => 'listening')");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> !before.equals(page.evaluate("lastAlertPosition"))
                && "2".equals(page.evaluate("String(alertItems.size)")));
        assertThat(page.evaluate("byId('feed-state').textContent"))
            .contains("resumed after 1 reconnect");
        assertThat(page.evaluate("byId('alerts').textContent"))
            .contains("LINE-B")
            .contains("LINE-C");
        assertThat(page.evaluate("String(samples.length > 0)"))
            .as("the rates chart has points")
            .isEqualTo("true");
      }
    }
  }

  /** Posts a defect spike on {@code line} and waits until the gateway holds {@code open} open alerts. */
  private static void raise(ApiClient api, String line, int open) {
    JsonArray events = new JsonArray();
    IntStream.range(0, 25).forEach(i -> events.add(inspection(i, line).put("id", line + "-" + i)));
    assertThat(api.post("/v1/events", "application/cloudevents-batch+json", events.encode())
            .status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> api.get("/v1/alerts?state=open").json().getJsonArray("alerts").size() == open);
  }

  private static JsonObject inspection(int i, String line) {
    return ApiClient.cloudEvent(
        "chip.inspection.completed",
        new JsonObject()
            .put("inspection_id", "I-" + i)
            .put("batch_id", "B1")
            .put("wafer_id", "W-" + i)
            .put("line_id", line)
            .put("product_id", "P1")
            .put("result", i < 5 ? "FAIL" : "PASS")
            .put("dies_inspected", 100)
            .put("defect_count", 1)
            .put("duration_ms", 900));
  }

  private static long number(ChromiumPage page, String id) throws Exception {
    return Long.parseLong(page.evaluate("byId('" + id + "').textContent"));
  }
}
