package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import example.FirstEvents;
import io.eventgateway.client.CatalogTypes;
import io.eventgateway.client.CatalogTypesTest;
import io.eventgateway.client.Event;
import io.eventgateway.client.EventResult;
import io.eventgateway.client.EventStream;
import io.eventgateway.client.FieldError;
import io.eventgateway.client.GatewayClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Java SDK (clients/java) against a real gateway: retries by id, per-event results, a stream that resumes. */
@DisplayName("The Java SDK against the gateway")
class JavaClientIT {

  private static JsonObject config;
  private static GatewayInstance gateway;

  @BeforeAll
  static void start() {
    config = GatewayInstance.isolated("javaclient");
    gateway = GatewayInstance.start(config, "all");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName(
      "a burst beyond the key's rate limit lands every event exactly once, through retries by id")
  void burstBeyondTheRateLimit() throws Exception {
    String key = gateway
        .api()
        .post(
            "/v1/admin/keys",
            "application/json",
            new JsonObject()
                .put("name", "sdk-burst")
                .put("rateLimitPerSecond", 100)
                .encode())
        .json()
        .getString("key");
    List<CompletableFuture<EventResult>> results = new ArrayList<>();
    try (GatewayClient client = GatewayClient.builder(URI.create(gateway.apiUrl()))
        .apiKey(key)
        .maxBatchEvents(50)
        .maxRequestsInFlight(8)
        .maxAttempts(30)
        .build()) {
      for (int i = 0; i < 600; i++) {
        results.add(client.send(pageView("burst-" + i)));
      }
      client.flush().get(60, TimeUnit.SECONDS);
    }
    List<EventResult> answered = results.stream().map(CompletableFuture::join).toList();
    assertThat(answered)
        .allSatisfy(result -> assertThat(result).isInstanceOf(EventResult.Acknowledged.class));
    // the limit was met: some events took more than one request
    assertThat(answered).anySatisfy(result -> assertThat(result.attempts()).isGreaterThan(1));
    assertStoredOnce(answered.stream().map(result -> result.event().id()).toList());
  }

  @Test
  @DisplayName(
      "a batch with one invalid event reports that event with its field, and the rest is stored")
  void oneInvalidEventInABatch() throws Exception {
    List<Event> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batch.add(
          i == 2
              ? Event.of("analytics.page_view", "/it/sdk", Map.of("url", "no user"))
              : pageView("b-" + i));
    }
    List<EventResult> results;
    try (GatewayClient client = GatewayClient.builder(URI.create(gateway.apiUrl()))
        .apiKey(gateway.adminKey())
        .build()) {
      results = client.sendBatch(batch).get(30, TimeUnit.SECONDS);
    }
    assertThat(results.get(2)).isInstanceOfSatisfying(EventResult.Refused.class, refused -> {
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.errors()).extracting(FieldError::field).contains("data.user_id");
    });
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      if (i != 2) {
        assertThat(results.get(i)).isInstanceOf(EventResult.Acknowledged.class);
        accepted.add(batch.get(i).id());
      }
    }
    assertStoredOnce(accepted);
    assertThat(StoredEvents.countOf(gateway, List.of(batch.get(2).id()))).isZero();
  }

  @Test
  @DisplayName(
      "clients/java/README.md's first example runs as written: one event acknowledged, one refused")
  void readmeExample() throws Exception {
    Path example = Path.of("clients/java/src/test/java/example/FirstEvents.java");
    String readme = Files.readString(Path.of("clients/java/README.md"));
    String source = Files.readString(example);
    // the README shows the example's code from its imports on
    assertThat(readme).contains(source.substring(source.indexOf("import ")).strip());
    List<EventResult> results = FirstEvents.send(URI.create(gateway.apiUrl()), gateway.adminKey());
    assertThat(results.get(0)).isInstanceOf(EventResult.Acknowledged.class);
    assertThat(results.get(1)).isInstanceOf(EventResult.Refused.class);
    assertStoredOnce(List.of(results.get(0).event().id()));
  }

  @Test
  @DisplayName(
      "records generated from the gateway's catalog compile, and an event made from one is acknowledged and stored")
  void typedEventsFromTheCatalog() throws Exception {
    List<CatalogTypes.Type> types =
        CatalogTypes.fetch(URI.create(gateway.apiUrl()), gateway.adminKey());
    String source = CatalogTypes.javaSource("com.example.events", types);
    assertThat(source.split("public Event event\\(", -1)).hasSize(types.size() + 1);
    Path dir = Files.createTempDirectory("catalog-types-");
    String errors = CatalogTypesTest.compileInto(dir, source, """
        import com.example.events.Events;
        import io.eventgateway.client.Event;
        public class Uses {
          public static Event make() {
            return new Events.AnalyticsPageView("u-typed", null, "https://shop.example/", null, null,
                Events.DeviceType.MOBILE, null).event("/it/sdk");
          }
        }
        """);
    assertThat(errors).isEmpty();
    Event event;
    try (URLClassLoader loader = new URLClassLoader(
        new URL[] {dir.resolve("out").toUri().toURL()}, getClass().getClassLoader())) {
      event = (Event) loader.loadClass("Uses").getMethod("make").invoke(null);
    }
    EventResult result;
    try (GatewayClient client = GatewayClient.builder(URI.create(gateway.apiUrl()))
        .apiKey(gateway.adminKey())
        .build()) {
      result = client.send(event).get(30, TimeUnit.SECONDS);
    }
    assertThat(result).isInstanceOf(EventResult.Acknowledged.class);
    assertStoredOnce(List.of(event.id()));
  }

  @Test
  @DisplayName(
      "a WebSocket stream goes on through a gateway restart: every event acknowledged, stored once")
  void streamSurvivesARestart() throws Exception {
    JsonObject samePorts = gateway.config().copy();
    List<CompletableFuture<EventResult>> results = new ArrayList<>();
    try (EventStream stream =
        EventStream.open(URI.create(gateway.apiUrl()), gateway::adminKey, 200)) {
      for (int i = 0; i < 400; i++) {
        results.add(stream.send(pageView("stream-" + i)));
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> results.get(399).isDone());
      gateway.close();
      CompletableFuture<Void> during = CompletableFuture.runAsync(() -> {
        for (int i = 400; i < 800; i++) {
          results.add(stream.send(pageView("stream-" + i)));
        }
      });
      gateway = GatewayInstance.start(samePorts, "all");
      during.get(60, TimeUnit.SECONDS);
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertThat(stream.connections()).isGreaterThan(1);
    }
    List<EventResult> answered = results.stream().map(CompletableFuture::join).toList();
    assertThat(answered)
        .allSatisfy(result -> assertThat(result).isInstanceOf(EventResult.Acknowledged.class));
    assertStoredOnce(answered.stream().map(result -> result.event().id()).toList());
  }

  private static Event pageView(String user) {
    return Event.of(
        "analytics.page_view",
        "/it/sdk",
        Map.of("user_id", user, "url", "https://shop.example/p/" + user, "device", "DESKTOP"));
  }

  private static void assertStoredOnce(List<String> ids) {
    StoredEvents.assertStoredOnce(gateway, ids);
  }
}
