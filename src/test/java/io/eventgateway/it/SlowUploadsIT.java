package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bodies as an attacker sends them: without a credential, or trickling in from one caller until the node's
 * in-flight budget is gone. No body is read before its credential is checked, and one caller's uploads use up only
 * its own share.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName(
    "Bodies are read only for authenticated callers, within each caller's share of the in-flight budget")
class SlowUploadsIT {

  private static final int DECLARED = 700 * 1024;

  private GatewayInstance gateway;
  private int port;
  private final ExecutorService clients = Executors.newFixedThreadPool(8);

  @BeforeAll
  void start() {
    JsonObject config = GatewayInstance.isolated("slowuploads");
    config
        .getJsonObject("http")
        .put("maxBodyBytes", 1 << 20)
        .put("maxInFlightBytes", 3 << 20)
        .put("maxInFlightBytesPerCaller", 1 << 20)
        .put("requestTimeoutMs", 4_000);
    gateway = GatewayInstance.start(config, "all");
    port = gateway.config().getJsonObject("http").getInteger("port");
  }

  @AfterAll
  void stop() {
    clients.shutdownNow();
    gateway.close();
  }

  @Test
  @DisplayName(
      "a body-taking route answers 401 to a request without a credential before its body arrives")
  void noBodyReadWithoutCredential() throws Exception {
    for (String path : List.of(
        "POST /v1/events",
        "POST /v1/admin/keys",
        "POST /registry/subjects/s-value/versions",
        "PUT /registry/config")) {
      byte[] head = headOnly(path, null);
      RawHttp.Response response = RawHttp.stall(port, head, head.length);
      assertThat(response.status())
          .as("%s with no credential and no body yet", path)
          .isEqualTo(401);
      assertThat(response.contentType()).isEqualTo("application/problem+json");
    }
  }

  @Test
  @DisplayName(
      "one caller's stalled uploads use up its own share: its next gets 429, another caller's gets 202")
  void oneCallerCannotStarveTheOthers() throws Exception {
    String slowKey = key("slow-uploader");
    List<Future<Integer>> stalled = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] head = headOnly("POST /v1/events", slowKey);
      stalled.add(clients.submit(() -> RawHttp.stallForStatus(port, head, head.length)));
    }
    ApiClient.Response other =
        new ApiClient(gateway.apiUrl(), key("other-caller")).postEvent(ApiClient.pageView("other"));
    assertThat(other.status()).as(other.body()).isEqualTo(202);
    List<Integer> statuses = new ArrayList<>();
    for (Future<Integer> status : stalled) {
      statuses.add(status.get(30, TimeUnit.SECONDS));
    }
    // one upload held the slow caller's share until the request timeout; the other four were
    // refused at once
    assertThat(statuses).containsExactlyInAnyOrder(408, 429, 429, 429, 429);
  }

  /** The head of a request ({@code "METHOD /path"}) declaring a body of {@link #DECLARED} bytes, none of them sent. */
  private static byte[] headOnly(String request, String key) {
    String[] methodAndPath = request.split(" ");
    String text = new String(
            RawHttp.post(methodAndPath[1], "application/json", key, new byte[DECLARED]),
            StandardCharsets.ISO_8859_1)
        .replaceFirst("^POST ", methodAndPath[0] + " ");
    return text.substring(0, text.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
  }

  private String key(String name) {
    return gateway
        .api()
        .post(
            "/v1/admin/keys",
            "application/json",
            new JsonObject().put("name", name).encode())
        .json()
        .getString("key");
  }
}
