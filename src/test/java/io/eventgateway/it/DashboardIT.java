package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
      String page = gateway.apiUrl() + "/dashboard#key=" + gateway.adminKey();
      // the meters are process-wide and earlier test classes ran gateways in this JVM: compare
      // differences
      String before = HeadlessChromium.render(page, "--dump-dom");
      long acceptedBefore = number(before, "accepted-total");
      long storedBefore = number(before, "stored-total");
      assertThat(before).contains("id=\"circuit\"");

      JsonArray events = new JsonArray();
      IntStream.range(0, 300).forEach(i -> events.add(ApiClient.pageView("dash-" + i)));
      IntStream.range(0, 25).forEach(i -> events.add(inspection(i, "LINE-A")));
      events.add(inspection(99, HOSTILE_LINE));
      assertThat(api.post("/v1/events", "application/cloudevents-batch+json", events.encode())
              .status())
          .isEqualTo(202);
      await().atMost(Duration.ofSeconds(30)).until(() -> StoredEvents.count(gateway) == 326);

      String after = HeadlessChromium.render(page, "--dump-dom");
      assertThat(number(after, "accepted-total")).isEqualTo(acceptedBefore + 326);
      assertThat(number(after, "stored-total")).isEqualTo(storedBefore + 326);
      assertThat(number(after, "open-alerts")).isEqualTo(1);
      assertThat(after).contains("data-line=\"LINE-A\"").contains("20.0 % of 25");
      // the hostile line id is shown as text: no element of it made it into the page
      assertThat(after)
          .contains("&lt;img src=x onerror=")
          .doesNotContain("<img")
          .contains("<title>Event Gateway — live</title>");
      HeadlessChromium.render(
          page, "--screenshot=" + Path.of("target", "dashboard.png").toAbsolutePath());
      assertThat(Path.of("target", "dashboard.png")).isNotEmptyFile();
    }
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

  private static long number(String dom, String id) {
    Matcher matcher = Pattern.compile("id=\"" + id + "\"[^>]*>(\\d+)<").matcher(dom);
    assertThat(matcher.find())
        .as("element %s in %s", id, dom.length() > 300 ? dom.substring(0, 300) : dom)
        .isTrue();
    return Long.parseLong(matcher.group(1));
  }
}
