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
