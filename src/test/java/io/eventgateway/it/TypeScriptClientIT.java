package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The TypeScript SDK (clients/typescript) against a real gateway: its {@code npm test} with {@code GATEWAY_URL} set
 * runs test/gateway.test.ts, which sends and writes the ids it saw acknowledged and refused; PostgreSQL is then
 * checked here. Skipped, saying why, where Node.js and npm are absent.
 */
@DisplayName("The TypeScript SDK against the gateway")
class TypeScriptClientIT {

  private static final Path SDK = Path.of("clients/typescript");

  @Test
  @DisplayName(
      "a burst beyond the rate limit, a batch with one invalid event, a stream and the README's example: each"
          + " acknowledged event stored once, the refused one not at all")
  void againstTheGateway() throws Exception {
    assumeTrue(npmWorks(), "Node.js and npm are not installed (.ci/run installs them)");
    JsonObject config = GatewayInstance.isolated("tsclient");
    GatewayInstance[] gateway = {GatewayInstance.start(config, "all")};
    try {
      String limited = gateway[0]
          .api()
          .post(
              "/v1/admin/keys",
              "application/json",
              new JsonObject()
                  .put("name", "ts-burst")
                  .put("rateLimitPerSecond", 100)
                  .encode())
          .json()
          .getString("key");
      Path results = Files.createTempFile("ts-sdk-", ".json");
      Path restart = Files.createTempDirectory("ts-sdk-restart-");
      if (!Files.isDirectory(SDK.resolve("node_modules"))) {
        run(List.of("npm", "ci", "--no-audit", "--no-fund"), new JsonObject(), () -> {});
      }
      JsonObject samePorts = gateway[0].config().copy();
      run(
          List.of("npm", "test"),
          new JsonObject()
              .put("GATEWAY_URL", gateway[0].apiUrl())
              .put("GATEWAY_KEY", gateway[0].adminKey())
              .put("GATEWAY_LIMITED_KEY", limited)
              .put("GATEWAY_RESULTS", results.toString())
              .put("GATEWAY_RESTART_DIR", restart.toString()),
          // the stream test asks for a restart while it sends: the gateway stops and starts again
          // on the same port
          () -> {
            if (Files.exists(restart.resolve("requested"))
                && !Files.exists(restart.resolve("restarted"))) {
              gateway[0].close();
              gateway[0] = GatewayInstance.start(samePorts, "all");
              try {
                Files.writeString(restart.resolve("restarted"), "");
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }
          });
      JsonObject seen = new JsonObject(Files.readString(results));
      assertThat(seen.fieldNames()).contains("burst", "batch", "stream", "example");
      assertThat(Files.exists(restart.resolve("restarted"))).as("restarted").isTrue();
      StoredEvents.assertStoredOnce(gateway[0], ids(seen.getJsonArray("burst")));
      assertThat(seen.getJsonArray("burst")).hasSize(600);
      StoredEvents.assertStoredOnce(
          gateway[0], ids(seen.getJsonObject("batch").getJsonArray("acknowledged")));
      StoredEvents.assertStoredOnce(gateway[0], ids(seen.getJsonArray("stream")));
      StoredEvents.assertStoredOnce(gateway[0], ids(seen.getJsonArray("example")));
      assertThat(StoredEvents.countOf(
              gateway[0], ids(seen.getJsonObject("batch").getJsonArray("refused"))))
          .isZero();
    } finally {
      gateway[0].close();
    }
  }

  @Test
  @DisplayName(
      "a page with the SDK (headless Chromium, another origin allowed by http.allowedOrigins) sends its buffered"
          + " events when it is left: each stored once")
  void pageHideFlushesTheBuffer() throws Exception {
    assumeTrue(npmWorks(), "Node.js and npm are not installed (.ci/run installs them)");
    HeadlessChromium.assumeInstalled();
    if (!Files.isDirectory(SDK.resolve("node_modules"))) {
      run(List.of("npm", "ci", "--no-audit", "--no-fund"), new JsonObject(), () -> {});
    }
    run(List.of("npm", "run", "build"), new JsonObject(), () -> {});
    HttpServer pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pages.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      byte[] body;
      String type;
      if (path.startsWith("/sdk/") && !path.contains("..")) {
        Path file = SDK.resolve("dist").resolve(path.substring("/sdk/".length()));
        body = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
        type = "text/javascript";
      } else {
        body = PAGE.getBytes(StandardCharsets.UTF_8);
        type = "text/html";
      }
      exchange.getResponseHeaders().add("Content-Type", type);
      exchange.sendResponseHeaders(
          body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    pages.start();
    String origin = "http://127.0.0.1:" + pages.getAddress().getPort();
    JsonObject config = GatewayInstance.isolated("tspage");
    config.getJsonObject("http").put("allowedOrigins", new JsonArray().add(origin));
    try (GatewayInstance gateway = GatewayInstance.start(config, "all");
        ChromiumPage page =
            ChromiumPage.open(origin + "/#" + gateway.apiUrl() + "#" + gateway.adminKey())) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> "20".equals(page.evaluate("String(window.buffered.length)")));
      List<String> buffered = ids(new JsonArray(page.evaluate("JSON.stringify(window.buffered)")));
      // held by the linger (ten minutes): nothing is sent before the page goes
      Thread.sleep(1_000);
      assertThat(StoredEvents.countOf(gateway, buffered)).isZero();
      page.evaluate("setTimeout(() => { location.href = 'about:blank'; }, 0); 'leaving'");
      StoredEvents.assertStoredOnce(gateway, buffered);
    } finally {
      pages.stop(0);
    }
  }

  /** A page of another origin: buffers 20 events with the SDK and flushes them when it is hidden or left. */
  private static final String PAGE = """
      <!doctype html>
      <html><body><script type="module">
      import { GatewayClient, makeEvent, flushOnPageHide } from '/sdk/index.js';
      const [, baseUrl, key] = location.hash.split('#');
      const client = new GatewayClient({ baseUrl, credentials: key, lingerMs: 600000 });
      flushOnPageHide(client);
      const ids = [];
      for (let i = 0; i < 20; i++) {
        const event = makeEvent('analytics.page_view', '/it/page', { user_id: 'page-' + i, url: location.href });
        ids.push(event.id);
        client.send(event);
      }
      window.buffered = ids;
      </script></body></html>
      """;

  private static List<String> ids(JsonArray ids) {
    return ids.stream().map(String::valueOf).toList();
  }

  /** Runs {@code command} in the SDK's folder, calling {@code meanwhile} every 100 ms until it ends. */
  private static void run(List<String> command, JsonObject environment, Runnable meanwhile)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(SDK.toFile()).redirectErrorStream(true);
    environment.forEach(
        entry -> builder.environment().put(entry.getKey(), String.valueOf(entry.getValue())));
    Path output = Files.createTempFile("ts-sdk-", ".log");
    builder.redirectOutput(output.toFile());
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!process.waitFor(100, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
      meanwhile.run();
    }
    boolean done = !process.isAlive();
    if (!done) {
      process.destroyForcibly();
    }
    String printed = Files.readString(output, StandardCharsets.UTF_8);
    System.out.println(printed);
    assertThat(done && process.exitValue() == 0).as("%s:%n%s", command, printed).isTrue();
  }

  private static boolean npmWorks() {
    try {
      Process probe =
          new ProcessBuilder("npm", "--version").redirectErrorStream(true).start();
      return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException | InterruptedException absent) {
      return false;
    }
  }
}
