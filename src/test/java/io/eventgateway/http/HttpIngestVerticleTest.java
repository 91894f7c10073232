package io.eventgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.BusCodecs;
import io.eventgateway.bus.ProduceBatch;
import io.eventgateway.bus.ProduceResult;
import io.eventgateway.config.BoundPorts;
import io.eventgateway.config.ConfigLoader;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.testing.Eventually;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link HttpIngestVerticle} alone, its producer played by the test on {@link Addresses#EVENTS_PRODUCE}: the
 * WebSocket stream acknowledges in the order the events came, whatever order Kafka answers in, and a refused
 * upload's answer reaches a client still sending it.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("HttpIngestVerticle: /v1/stream and refused uploads")
class HttpIngestVerticleTest {

  private static final int ASYNC_BODY_BYTES =
      pageView("async-0").encode().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;

  private final List<Message<ProduceBatch>> produceRequests = new CopyOnWriteArrayList<>();
  private final List<JsonObject> acks = new CopyOnWriteArrayList<>();
  private int port;
  private WebSocketClient client;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    BusCodecs.register(vertx);
    BusCodecs.registerLocal(vertx, EventCatalog.class);
    JsonObject config = ConfigLoader.load("test", Map.of());
    config.getJsonObject("auth").put("enabled", false);
    // a caller's share of request bytes in flight fits two of asynchronousHoldsCallerShare's
    // requests
    config
        .getJsonObject("http")
        .put("port", 0)
        .put("host", "127.0.0.1")
        .put("maxInFlightBytesPerCaller", 2 * ASYNC_BODY_BYTES);
    // the open WebSocket is drained on undeploy: a short grace keeps that inside VertxExtension's
    // close timeout
    config.getJsonObject("shutdown").put("gracePeriodMs", 1_000);
    AtomicInteger ids = new AtomicInteger();
    EventCatalog catalog = EventCatalog.load(config.getJsonObject("kafka").getJsonObject("topics"))
        .withSchemaIds(type -> ids.incrementAndGet());
    vertx.eventBus().consumer(Addresses.REGISTRY_CATALOG, message -> message.reply(catalog));
    vertx.eventBus().<ProduceBatch>consumer(Addresses.EVENTS_PRODUCE, produceRequests::add);
    vertx
        .deployVerticle(new HttpIngestVerticle(), new DeploymentOptions().setConfig(config))
        .onComplete(test.succeeding(deployed -> {
          port = BoundPorts.of(vertx, BoundPorts.HTTP);
          test.completeNow();
        }));
  }

  @Test
  @DisplayName(
      "when Kafka answers the second batch first, the acks still come in the order of the events")
  void acksInOrder(Vertx vertx, VertxTestContext test) {
    connect(vertx)
        .compose(socket -> socket
            .writeTextMessage(pageView("first").encode())
            .compose(sent -> Eventually.until(vertx, () -> produceRequests.size() == 1))
            .compose(first -> socket.writeTextMessage(pageView("second").encode()))
            .compose(sent -> Eventually.until(vertx, () -> produceRequests.size() == 2)))
        .compose(bothProduced -> {
          acknowledge(produceRequests.get(1), 7);
          return vertx.timer(200);
        })
        .compose(waited -> {
          test.verify(
              () -> assertThat(acks).as("no ack before the first event's").isEmpty());
          acknowledge(produceRequests.get(0), 6);
          return Eventually.until(vertx, () -> acks.size() == 2);
        })
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(acks).extracting(ack -> ack.getLong("seq")).containsExactly(0L, 1L);
          assertThat(acks)
              .extracting(ack -> ack.getString("id"))
              .containsExactly("first", "second");
          assertThat(acks).extracting(ack -> ack.getLong("offset")).containsExactly(6L, 7L);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a refused event gets its error ack in its place, between the stored ones")
  void refusedInPlace(Vertx vertx, VertxTestContext test) {
    JsonObject invalid = pageView("bad");
    invalid.getJsonObject("data").remove("url");
    String ndjson =
        pageView("a").encode() + "\n" + invalid.encode() + "\n" + pageView("c").encode();
    connect(vertx)
        .compose(socket -> socket.writeTextMessage(ndjson))
        .compose(sent -> Eventually.until(vertx, () -> produceRequests.size() == 1))
        .compose(produced -> {
          test.verify(() -> assertThat(produceRequests.get(0).body().records()).hasSize(2));
          acknowledge(produceRequests.get(0), 0);
          return Eventually.until(vertx, () -> acks.size() == 3);
        })
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(acks).extracting(ack -> ack.getString("id")).containsExactly("a", "bad", "c");
          assertThat(acks)
              .extracting(ack -> ack.getInteger("status"))
              .containsExactly(202, 400, 202);
          assertThat(acks.get(1).getJsonArray("errors").getJsonObject(0).getString("field"))
              .isEqualTo("data.url");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "a body over the limit is answered 413 to a client still sending it, never a reset connection")
  void oversizeAnsweredWhileSending() throws Exception {
    // the JDK client reads the answer only once it has sent: a server that closes on an unread
    // body resets the connection, and the answer is lost (it was, in most of these attempts)
    HttpClient http =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String oversize = "{\"pad\":\"" + "x".repeat(5 * 1024 * 1024 + 1) + "\"}";
    for (int attempt = 0; attempt < 20; attempt++) {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
              .header("Content-Type", "application/cloudevents+json")
              .POST(HttpRequest.BodyPublishers.ofString(oversize))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("attempt " + attempt).isEqualTo(413);
      assertThat(new JsonObject(response.body()).getString("type"))
          .isEqualTo("/problems/body-too-large");
    }
  }

  @Test
  @DisplayName(
      "Prefer: respond-async is answered once handed over, yet its bytes count against the caller's share until Kafka answered")
  void asynchronousHoldsCallerShare(Vertx vertx) throws Exception {
    HttpClient http =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < 2; i++) {
      int index = i;
      // the producer takes each at once (an empty answer), Kafka has not answered yet
      HttpResponse<String> accepted = postAsync(http, "async-" + i);
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      assertThat(accepted.headers().firstValue("Preference-Applied")).hasValue("respond-async");
      assertThat(new JsonObject(accepted.body())
              .getJsonArray("results")
              .getJsonObject(0)
              .getString("statusUrl"))
          .startsWith("/v1/events/status/");
      assertThat(produceRequests).hasSize(index + 1);
    }
    HttpResponse<String> third = postAsync(http, "async-2");
    assertThat(third.statusCode())
        .as("the caller's share is held by the two unanswered")
        .isEqualTo(429);
    // Kafka answers for the first: its bytes are given back
    Message<ProduceBatch> first = produceRequests.get(0);
    vertx
        .eventBus()
        .send(
            first.body().outcomesAddress(),
            new ProduceResult(List.of(ProduceResult.Outcome.stored("events.analytics", 0, 0))),
            new io.vertx.core.eventbus.DeliveryOptions()
                .addHeader(
                    io.eventgateway.kafka.KafkaProducerVerticle.STAGE,
                    io.eventgateway.kafka.KafkaProducerVerticle.ACKNOWLEDGED));
    // retried here, on the test's thread: postAsync blocks, and on an event loop (as in Eventually)
    // it could block
    // the very loop the server answers on
    long deadline = System.currentTimeMillis() + 10_000;
    int status = postAsync(http, "async-3").statusCode();
    while (status != 202 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      status = postAsync(http, "async-3").statusCode();
    }
    assertThat(status).as("the share given back once Kafka answered").isEqualTo(202);
  }

  /** Posts one page view asynchronously; the producer stub takes it at once. */
  private HttpResponse<String> postAsync(HttpClient http, String id) throws Exception {
    int before = produceRequests.size();
    java.util.concurrent.CompletableFuture<HttpResponse<String>> response = http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
            .header("Content-Type", "application/cloudevents+json")
            .header("Prefer", "respond-async")
            .POST(HttpRequest.BodyPublishers.ofString(pageView(id).encode()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    long deadline = System.currentTimeMillis() + 10_000;
    while (!response.isDone() && System.currentTimeMillis() < deadline) {
      if (produceRequests.size() > before) {
        Message<ProduceBatch> handed = produceRequests.get(before);
        handed.reply(new ProduceResult(List.of()));
        before = produceRequests.size();
      }
      Thread.sleep(10);
    }
    return response.get();
  }

  private Future<WebSocket> connect(Vertx vertx) {
    // held in a field: Vert.x closes a client nothing refers to any more, a GC in the middle of the
    // handshake
    client = vertx.createWebSocketClient();
    return client
        .connect(port, "127.0.0.1", "/v1/stream")
        .onSuccess(socket -> socket.textMessageHandler(text -> acks.add(new JsonObject(text))));
  }

  /** Kafka's answer to a produce request: every record stored in partition 0 from {@code firstOffset} on. */
  private static void acknowledge(Message<ProduceBatch> request, long firstOffset) {
    List<ProduceBatch.Record> records = request.body().records();
    request.reply(new ProduceResult(java.util.stream.IntStream.range(0, records.size())
        .mapToObj(i -> ProduceResult.Outcome.stored(records.get(i).topic(), 0, firstOffset + i))
        .toList()));
  }

  private static JsonObject pageView(String id) {
    return new JsonObject()
        .put("specversion", "1.0")
        .put("id", id)
        .put("source", "/test")
        .put("type", "analytics.page_view")
        .put("data", new JsonObject().put("user_id", "u-1").put("url", "https://shop.example/"));
  }
}
