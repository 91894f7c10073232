package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("WebSocket ingest on /v1/stream")
class StreamIT {

  private static final int MAX_PENDING = 1_000;

  private GatewayInstance gateway;
  private ApiClient api;

  @BeforeAll
  void startGateway() {
    JsonObject config = GatewayInstance.isolated("stream");
    config.getJsonObject("http").put("streamMaxPendingEvents", MAX_PENDING);
    gateway = GatewayInstance.start(config, "all");
    api = gateway.api();
  }

  @AfterAll
  void stopGateway() {
    gateway.close();
  }

  private WebSocket connect(WebSocketMessages acks) {
    return HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .header("Authorization", "Bearer " + gateway.adminKey())
        .buildAsync(URI.create(gateway.apiUrl().replace("http", "ws") + "/v1/stream"), acks)
        .join();
  }

  @Test
  @DisplayName("10,000 events over one connection get 10,000 acks, in order, and are stored")
  void tenThousandEventsInOrder() {
    WebSocketMessages acks = new WebSocketMessages(true);
    WebSocket socket = connect(acks);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      JsonObject event = ApiClient.pageView("stream-" + (i % 50));
      ids.add(event.getString("id"));
      socket.sendText(event.encode(), true).join();
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> acks.received.size() == 10_000);
    for (int i = 0; i < 10_000; i++) {
      JsonObject ack = acks.received.get(i);
      assertThat(ack.getLong("seq")).isEqualTo(i);
      assertThat(ack.getString("id")).isEqualTo(ids.get(i));
      assertThat(ack.getInteger("status")).isEqualTo(202);
      assertThat(ack.getInteger("offset")).isNotNull();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> StoredEvents.countOf(gateway, ids) == 10_000);
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
  }

  @Test
  @DisplayName("bad frames get their own error acks and the connection stays usable")
  void badFramesKeepTheConnection() {
    WebSocketMessages acks = new WebSocketMessages(true);
    WebSocket socket = connect(acks);
    JsonObject badEnum = ApiClient.pageView("bad");
    badEnum.getJsonObject("data").put("device", "WATCH");
    JsonObject first = ApiClient.pageView("ndjson-1");
    JsonObject second = ApiClient.pageView("ndjson-2");
    JsonObject last = ApiClient.pageView("after");

    socket.sendText("{not json", true).join();
    socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
    socket.sendText(badEnum.encode(), true).join();
    socket
        .sendText(ApiClient.cloudEvent("analytics.teleport", new JsonObject()).encode(), true)
        .join();
    socket.sendText(first.encode() + "\n" + second.encode(), true).join();
    socket.sendText(last.encode(), true).join();

    await().atMost(Duration.ofSeconds(30)).until(() -> acks.received.size() == 7);
    assertThat(acks.received)
        .extracting(ack -> ack.getInteger("status"))
        .containsExactly(400, 400, 400, 404, 202, 202, 202);
    assertThat(acks.received)
        .extracting(ack -> ack.getLong("seq"))
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(acks.received.get(2).getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("data.device");
    assertThat(acks.received.get(6).getString("id")).isEqualTo(last.getString("id"));
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
  }

  @Test
  @DisplayName(
      "a client that never reads its acks is paused: the server holds a bounded number of events for it")
  void stuckClientIsPaused() throws Exception {
    WebSocket socket = connect(new WebSocketMessages(false));
    String event = ApiClient.pageView("stuck").encode();
    int sent = 0;
    boolean blocked = false;
    long deadline = System.currentTimeMillis() + 60_000;
    try {
      while (sent < 1_000_000 && System.currentTimeMillis() < deadline) {
        socket.sendText(event, true).toCompletableFuture().get(2, TimeUnit.SECONDS);
        sent++;
      }
    } catch (TimeoutException stuck) {
      blocked = true;
    }
    assertThat(blocked)
        .as("the server stopped reading (after %d events), so the client's send blocked", sent)
        .isTrue();
    String metrics = new ApiClient(gateway.managementUrl()).get("/metrics").body();
    double pending = metrics
        .lines()
        .filter(line -> line.startsWith("gateway_stream_pending_events "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
        .findFirst()
        .orElseThrow();
    assertThat(pending).isLessThanOrEqualTo(MAX_PENDING + 100);
    socket.abort();
  }
}
