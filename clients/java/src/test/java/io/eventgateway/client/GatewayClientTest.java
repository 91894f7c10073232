package io.eventgateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link GatewayClient} against a stub gateway that answers each request as the test says. */
@DisplayName("GatewayClient")
class GatewayClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every request's events (as JSON) and when it came. */
  private record Request(List<JsonNode> events, long atNanos) {}

  private record Reply(int status, Map<String, String> headers, String body) {}

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Function<List<JsonNode>, Reply>> replies =
      new LinkedBlockingQueue<>();
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  @DisplayName(
      "a 429 is sent again with the same ids, not before its Retry-After; then acknowledged")
  void retriesAfterRetryAfterWithTheSameIds() throws Exception {
    reply(events -> new Reply(429, Map.of("Retry-After", "1"), problem(429, "rate-limited")));
    reply(this::acknowledgeAll);
    try (GatewayClient client = client(builder -> builder)) {
      List<EventResult> results =
          client.sendBatch(List.of(pageView("u-1"), pageView("u-2"))).get(10, TimeUnit.SECONDS);
      assertThat(results)
          .allSatisfy(result -> assertThat(result).isInstanceOf(EventResult.Acknowledged.class))
          .allSatisfy(result -> assertThat(result.attempts()).isEqualTo(2));
    }
    assertThat(requests).hasSize(2);
    assertThat(ids(requests.get(1))).isEqualTo(ids(requests.get(0)));
    assertThat(requests.get(1).atNanos() - requests.get(0).atNanos())
        .isGreaterThanOrEqualTo(Duration.ofMillis(1000).toNanos());
  }

  @Test
  @DisplayName(
      "a 207 answers each event: the accepted with their offsets, the refused with field and reason, a 503 one again")
  void perEventResultsOfA207() throws Exception {
    reply(events -> new Reply(207, Map.of(), """
        {"accepted":1,"rejected":2,"results":[
          {"index":0,"id":"%s","status":202,"topic":"events.analytics","partition":1,"offset":41},
          {"index":1,"id":"%s","status":400,"errors":[{"index":1,"field":"data.user_id","reason":"is required"}]},
          {"index":2,"id":"%s","status":503,"errors":[{"index":2,"field":"","reason":"Kafka unavailable"}]}]}
        """.formatted(
            events.get(0).get("id").asText(),
            events.get(1).get("id").asText(),
            events.get(2).get("id").asText())));
    reply(this::acknowledgeAll);
    try (GatewayClient client = client(builder -> builder)) {
      Event third = pageView("u-3");
      List<EventResult> results = client
          .sendBatch(List.of(pageView("u-1"), pageView("u-2"), third))
          .get(10, TimeUnit.SECONDS);
      assertThat(results.get(0))
          .isEqualTo(
              new EventResult.Acknowledged(results.get(0).event(), "events.analytics", 1, 41, 1));
      assertThat(results.get(1)).isInstanceOfSatisfying(EventResult.Refused.class, refused -> {
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errors()).containsExactly(new FieldError("data.user_id", "is required"));
      });
      assertThat(results.get(2))
          .isInstanceOfSatisfying(
              EventResult.Acknowledged.class,
              acknowledged -> assertThat(acknowledged.attempts()).isEqualTo(2));
      // only the event Kafka refused for now was sent again, with its id
      assertThat(ids(requests.get(1))).containsExactly(third.id());
    }
  }

  @Test
  @DisplayName("a batch the gateway finds too large (413) is sent again as halves")
  void splitsABatchThatIsTooLarge() throws Exception {
    reply(events -> new Reply(413, Map.of(), problem(413, "too many events")));
    reply(this::acknowledgeAll);
    reply(this::acknowledgeAll);
    try (GatewayClient client = client(builder -> builder)) {
      List<EventResult> results = client
          .sendBatch(List.of(pageView("u-1"), pageView("u-2"), pageView("u-3"), pageView("u-4")))
          .get(10, TimeUnit.SECONDS);
      assertThat(results).allSatisfy(result -> {
        assertThat(result).isInstanceOf(EventResult.Acknowledged.class);
        assertThat(result.attempts()).isOne();
      });
    }
    assertThat(requests).extracting(request -> request.events().size()).containsExactly(4, 2, 2);
  }

  @Test
  @DisplayName(
      "an event the gateway keeps answering 503 for is given up on after maxAttempts, saying why")
  void givesUpAfterMaxAttempts() throws Exception {
    for (int i = 0; i < 3; i++) {
      reply(events -> new Reply(503, Map.of(), problem(503, "Kafka unavailable")));
    }
    try (GatewayClient client = client(builder -> builder.maxAttempts(3))) {
      EventResult result = client.send(pageView("u-1")).get(10, TimeUnit.SECONDS);
      assertThat(result).isInstanceOfSatisfying(EventResult.GaveUp.class, gaveUp -> {
        assertThat(gaveUp.attempts()).isEqualTo(3);
        assertThat(gaveUp.reason()).contains("503");
      });
    }
    assertThat(requests).hasSize(3);
  }

  @Test
  @DisplayName(
      "events are sent in batches by count, and what is left after the linger without a flush")
  void batchesByCountAndTime() throws Exception {
    for (int i = 0; i < 3; i++) {
      reply(this::acknowledgeAll);
    }
    try (GatewayClient client =
        client(builder -> builder.maxBatchEvents(2).linger(Duration.ofMillis(100)))) {
      List<CompletableFuture<EventResult>> results = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        results.add(client.send(pageView("u-" + i)));
      }
      // no flush: the fifth goes once it waited the linger
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    }
    assertThat(requests).extracting(request -> request.events().size()).containsExactly(2, 2, 1);
  }

  @Test
  @DisplayName(
      "a full buffer drops (and counts), fails, or blocks until the gateway answered, as chosen")
  void fullBufferPolicies() throws Exception {
    CountDownLatch answer = new CountDownLatch(1);
    reply(events -> {
      await(answer);
      return acknowledgeAll(events);
    });
    try (GatewayClient dropping =
        client(builder -> builder.maxBatchEvents(1).bufferCapacity(1, WhenFull.DROP))) {
      CompletableFuture<EventResult> held = dropping.send(pageView("u-1"));
      assertThat(dropping.send(pageView("u-2")).get()).isInstanceOf(EventResult.Dropped.class);
      assertThat(dropping.dropped()).isOne();
      answer.countDown();
      assertThat(held.get(10, TimeUnit.SECONDS)).isInstanceOf(EventResult.Acknowledged.class);
    }
    CountDownLatch second = new CountDownLatch(1);
    reply(events -> {
      await(second);
      return acknowledgeAll(events);
    });
    try (GatewayClient failing =
        client(builder -> builder.maxBatchEvents(1).bufferCapacity(1, WhenFull.FAIL))) {
      CompletableFuture<EventResult> held = failing.send(pageView("u-1"));
      assertThatThrownBy(() -> failing.send(pageView("u-2")))
          .isInstanceOf(BufferFullException.class);
      second.countDown();
      held.get(10, TimeUnit.SECONDS);
    }
    CountDownLatch third = new CountDownLatch(1);
    reply(events -> {
      await(third);
      return acknowledgeAll(events);
    });
    reply(this::acknowledgeAll);
    try (GatewayClient blocking =
        client(builder -> builder.maxBatchEvents(1).bufferCapacity(1, WhenFull.BLOCK))) {
      blocking.send(pageView("u-1"));
      CompletableFuture<CompletableFuture<EventResult>> blocked =
          CompletableFuture.supplyAsync(() -> blocking.send(pageView("u-2")));
      Thread.sleep(300);
      assertThat(blocked).isNotDone();
      third.countDown();
      assertThat(blocked.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS))
          .isInstanceOf(EventResult.Acknowledged.class);
    }
  }

  private GatewayClient client(Function<GatewayClient.Builder, GatewayClient.Builder> settings)
      throws IOException {
    if (server == null) {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
      server.createContext("/v1/events", this::answer);
      server.start();
    }
    return settings
        .apply(GatewayClient.builder(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .apiKey("egk_test")
            .backoff(Duration.ofMillis(5), Duration.ofMillis(20)))
        .build();
  }

  private void answer(HttpExchange exchange) throws IOException {
    List<JsonNode> events = new ArrayList<>();
    JSON.readTree(exchange.getRequestBody()).forEach(events::add);
    requests.add(new Request(events, System.nanoTime()));
    Function<List<JsonNode>, Reply> next = replies.poll();
    Reply reply =
        next == null ? new Reply(500, Map.of(), problem(500, "no reply")) : next.apply(events);
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(reply.status(), body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private void reply(Function<List<JsonNode>, Reply> reply) {
    replies.add(reply);
  }

  private Reply acknowledgeAll(List<JsonNode> events) {
    StringBuilder results = new StringBuilder();
    for (int i = 0; i < events.size(); i++) {
      results.append(i == 0 ? "" : ",").append("""
          {"index":%d,"id":"%s","status":202,"topic":"events.analytics","partition":0,"offset":%d}""".formatted(
              i, events.get(i).get("id").asText(), i));
    }
    return new Reply(
        202, Map.of(), "{\"accepted\":" + events.size() + ",\"results\":[" + results + "]}");
  }

  private static String problem(int status, String title) {
    return "{\"status\":" + status + ",\"title\":\"" + title + "\"}";
  }

  private static List<String> ids(Request request) {
    return request.events().stream().map(event -> event.get("id").asText()).toList();
  }

  private static Event pageView(String user) {
    return Event.of(
        "analytics.page_view",
        "/test/web",
        Map.of("user_id", user, "session_id", "s-1", "url", "https://shop.example/"));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
