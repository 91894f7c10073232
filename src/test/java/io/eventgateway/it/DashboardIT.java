package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The live dashboard in headless Chromium")
class DashboardIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @Test
  @DisplayName("the numbers on /dashboard change as events are posted; a screenshot is kept in target/")
  void numbersMove() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "Debian's chromium is not installed (.ci/run installs it)");
    try (GatewayInstance gateway = GatewayInstance.start(GatewayInstance.isolated("dashboard"), "all")) {
      ApiClient api = gateway.api();
      String page = gateway.apiUrl() + "/dashboard";
      // the meters are process-wide and earlier test classes ran gateways in this JVM: compare differences
      String before = render(page, "--dump-dom");
      long acceptedBefore = number(before, "accepted-total");
      long storedBefore = number(before, "stored-total");
      assertThat(before).contains("id=\"circuit\"");

      JsonArray events = new JsonArray();
      IntStream.range(0, 300).forEach(i -> events.add(ApiClient.pageView("dash-" + i)));
      IntStream.range(0, 25).forEach(i -> events.add(ApiClient.cloudEvent("chip.inspection.completed", new JsonObject()
          .put("inspection_id", "I-" + i).put("batch_id", "B1").put("wafer_id", "W-" + i).put("line_id", "LINE-A")
          .put("product_id", "P1").put("result", i < 5 ? "FAIL" : "PASS").put("dies_inspected", 100)
          .put("defect_count", 1).put("duration_ms", 900))));
      assertThat(api.post("/v1/events", "application/cloudevents-batch+json", events.encode()).status()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(30)).until(() -> StoredEvents.count(gateway) == 325);

      String after = render(page, "--dump-dom");
      assertThat(number(after, "accepted-total")).isEqualTo(acceptedBefore + 325);
      assertThat(number(after, "stored-total")).isEqualTo(storedBefore + 325);
      assertThat(number(after, "open-alerts")).isEqualTo(1);
      assertThat(after).contains("data-line=\"LINE-A\"").contains("20.0 % of 25");
      render(page, "--screenshot=" + Path.of("target", "dashboard.png").toAbsolutePath());
      assertThat(Path.of("target", "dashboard.png")).isNotEmptyFile();
    }
  }

  /** Loads the page in headless Chromium, lets its scripts run for three seconds of virtual time. */
  private static String render(String url, String output) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("chromium-profile");
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile, "--window-size=900,600", "--virtual-time-budget=3000", output, url));
    Process chromium = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
      chromium.destroyForcibly();
      throw new IllegalStateException("chromium did not finish");
    }
    return dom;
  }

  private static long number(String dom, String id) {
    Matcher matcher = Pattern.compile("id=\"" + id + "\"[^>]*>(\\d+)<").matcher(dom);
    assertThat(matcher.find()).as("element %s in %s", id, dom.length() > 300 ? dom.substring(0, 300) : dom).isTrue();
    return Long.parseLong(matcher.group(1));
  }
}
