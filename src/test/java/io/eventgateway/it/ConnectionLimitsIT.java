package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Sockets opened and held without a request, as a connection-exhaustion attack does. */
@DisplayName("The API caps its connections and closes those that send no request in time")
class ConnectionLimitsIT {

  @Test
  @DisplayName(
      "beyond http.maxConnections a socket is closed at once; silent sockets go after http.firstRequestTimeoutMs")
  void capsAndDeadlines() throws Exception {
    JsonObject config = GatewayInstance.isolated("connlimits");
    config.getJsonObject("http").put("maxConnections", 4).put("firstRequestTimeoutMs", 1_500);
    try (GatewayInstance gateway = GatewayInstance.start(config, "ingest")) {
      int port = gateway.config().getJsonObject("http").getInteger("port");
      List<Socket> silent = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          silent.add(new Socket("127.0.0.1", port));
        }
        Thread.sleep(300);
        try (Socket fifth = new Socket("127.0.0.1", port)) {
          assertThat(closedWithin(fifth, 1_000)).as("a connection over the cap").isTrue();
        }
        for (Socket socket : silent) {
          assertThat(closedWithin(socket, 10_000))
              .as("a connection that never sent a request")
              .isTrue();
        }
      } finally {
        for (Socket socket : silent) {
          socket.close();
        }
      }
      // the slots are free again, and a client that speaks gets its answer
      assertThat(new ApiClient(gateway.apiUrl()).get("/v1/types").status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName(
      "one address's sockets and one tenant's WebSockets hit their own caps; another address and tenant get in")
  void oneAddressAndOneTenantCannotLockOthersOut() throws Exception {
    JsonObject config = GatewayInstance.isolated("connshares");
    config
        .getJsonObject("http")
        .put("maxConnectionsPerAddress", 12)
        .put("maxWebSocketsPerTenant", 3)
        .put("firstRequestTimeoutMs", 20_000);
    try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
      int port = gateway.config().getJsonObject("http").getInteger("port");
      // (all of 127/8 is loopback: the attacker's address is 127.0.0.2, everyone else's 127.0.0.1)
      List<Socket> attacker = new ArrayList<>();
      try {
        for (int i = 0; i < 12; i++) {
          attacker.add(fromAddress("127.0.0.2", port));
        }
        Thread.sleep(300);
        try (Socket over = fromAddress("127.0.0.2", port)) {
          // a 13th socket of one address: its request is answered 429, then it is closed
          over.getOutputStream()
              .write("GET /v1/types HTTP/1.1\r\nHost: gateway\r\n\r\n"
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          over.setSoTimeout(5_000);
          String answer = new String(
              over.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
          assertThat(answer)
              .startsWith("HTTP/1.1 429")
              .contains("Retry-After: 1")
              .contains("too-many-connections");
        }
        assertThat(closedWithin(attacker.get(0), 200))
            .as("the first twelve stay")
            .isFalse();
        assertThat(new ApiClient(gateway.apiUrl()).get("/v1/types").status())
            .as("another address")
            .isEqualTo(200);
      } finally {
        for (Socket socket : attacker) {
          socket.close();
        }
      }

      ApiClient greedy = gateway.keyOf("greedy", "greedy");
      ApiClient other = gateway.keyOf("other", "other");
      List<java.net.http.WebSocket> held = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        held.add(feed(gateway, greedy).join());
      }
      java.util.concurrent.CompletionException refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.util.concurrent.CompletionException.class,
              () -> feed(gateway, greedy).join());
      assertThat(((java.net.http.WebSocketHandshakeException) refused.getCause())
              .getResponse()
              .statusCode())
          .isEqualTo(429);
      assertThat(feed(gateway, other).join()).as("another tenant's feed").isNotNull();
      held.get(0).abort();
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(() -> feed(gateway, greedy).join() != null);
      // closed WebSockets give their connection back: more of them, one after another, than the
      // address may hold
      for (int i = 0; i < 14; i++) {
        java.net.http.WebSocket passing = org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(() -> feed(gateway, other).join(), java.util.Objects::nonNull);
        passing.abort();
      }
      assertThat(new ApiClient(gateway.apiUrl()).get("/v1/types").status()).isEqualTo(200);
    }
  }

  private static java.util.concurrent.CompletableFuture<java.net.http.WebSocket> feed(
      GatewayInstance gateway, ApiClient client) {
    return java.net.http.HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .header("Authorization", "Bearer " + client.apiKey())
        .buildAsync(
            java.net.URI.create(gateway.apiUrl().replace("http", "ws") + "/v1/feeds/alerts"),
            new WebSocketMessages(true));
  }

  private static Socket fromAddress(String address, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new java.net.InetSocketAddress(address, 0));
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
    return socket;
  }

  /** Whether the server closed the socket (end of stream or reset) before {@code millis} passed. */
  private static boolean closedWithin(Socket socket, int millis) throws IOException {
    socket.setSoTimeout(millis);
    InputStream in = socket.getInputStream();
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }
}
