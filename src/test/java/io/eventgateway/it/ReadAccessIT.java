package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Reads tried as an attacker would: without a credential, with a publisher's key, with a read grant for another
 * family, over WebSocket feeds from a foreign page, and with a replayed ticket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName(
    "Reads need a credential with a read grant; feeds check Origin and take single-use tickets")
class ReadAccessIT {

  /** Every read route. */
  private static final List<String> READS = List.of(
      "/v1/events/read-pv-1",
      "/v1/molecules/read-mol-1",
      "/v1/analytics/users/user-read",
      "/v1/analytics/event-counts",
      "/v1/analytics/top-events",
      "/v1/analytics/funnel?steps=page_view,click",
      "/v1/quality/lines",
      "/v1/quality/lines/LINE-R/windows",
      "/v1/quality/batches",
      "/v1/quality/batches/B-R",
      "/v1/quality/products",
      "/v1/quality/defects",
      "/v1/quality/equipment/EQ-1/timeline",
      "/v1/alerts",
      "/v1/dashboard/stats");

  private GatewayInstance gateway;
  private ApiClient anonymous;
  private ApiClient publisher;
  private ApiClient analyticsReader;
  private String chipReaderKey;

  @BeforeAll
  void start() {
    io.vertx.core.json.JsonObject config = GatewayInstance.isolated("reads");
    // the TLS-ending proxy is on this host's loopback; 127.0.0.2 plays a client that is no proxy
    config.getJsonObject("http").put("trustedProxies", new JsonArray().add("127.0.0.1"));
    gateway = GatewayInstance.start(config, "all");
    anonymous = new ApiClient(gateway.apiUrl());
    publisher = new ApiClient(gateway.apiUrl(), key(new JsonObject().put("name", "publisher")));
    analyticsReader = new ApiClient(
        gateway.apiUrl(),
        key(new JsonObject()
            .put("name", "analytics-reader")
            .put("read", new JsonArray().add("analytics"))));
    chipReaderKey = key(new JsonObject()
        .put("name", "chip-reader")
        .put("read", new JsonArray().add("chip_quality")));
    JsonObject inspection = ApiClient.cloudEvent(
            "chip.inspection.completed",
            new JsonObject()
                .put("inspection_id", "I-R")
                .put("batch_id", "B-R")
                .put("wafer_id", "W-R")
                .put("line_id", "LINE-R")
                .put("product_id", "P-R")
                .put("result", "PASS")
                .put("dies_inspected", 10)
                .put("defect_count", 0)
                .put("duration_ms", 5))
        .put("id", "read-insp-1");
    JsonArray events = new JsonArray()
        .add(ApiClient.pageView("user-read").put("id", "read-pv-1"))
        .add(ApiClient.molecule("Ethanol", "CCO", "").put("id", "read-mol-1"))
        .add(inspection);
    assertThat(publisher
            .post("/v1/events", "application/cloudevents-batch+json", events.encode())
            .status())
        .isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() -> StoredEvents.count(gateway) == 3);
  }

  @AfterAll
  void stop() {
    gateway.close();
  }

  @Test
  @DisplayName(
      "every read route answers 401 problem+json without a credential, 403 to a key without a read grant")
  void anonymousAndPublisherReadsRefused() {
    for (String path : READS) {
      ApiClient.Response refused = anonymous.get(path);
      assertThat(refused.status()).as("anonymous GET %s", path).isEqualTo(401);
      assertThat(refused.contentType()).as(path).isEqualTo("application/problem+json");
      assertThat(publisher.get(path).status()).as("publisher's GET %s", path).isEqualTo(403);
      // (no equipment events were sent: its timeline is a 404, which is an answer all the same)
      assertThat(gateway.api().get(path).status()).as("admin's GET %s", path).isIn(200, 404);
    }
    assertThat(publisher.get("/v1/quality/lines").json().getString("detail"))
        .contains("no read grant");
  }

  @Test
  @DisplayName(
      "the type catalog, the API document, the docs, the dashboard page and registry reads stay open")
  void openRoutesStayOpen() {
    for (String path :
        List.of("/v1/types", "/openapi.json", "/docs", "/dashboard", "/registry/subjects")) {
      assertThat(anonymous.get(path).status()).as("anonymous GET %s", path).isEqualTo(200);
    }
  }

  @Test
  @DisplayName(
      "a read grant for one family reads that family only; another family's event is not found")
  void readGrantIsPerFamily() {
    assertThat(analyticsReader.get("/v1/events/read-pv-1").status()).isEqualTo(200);
    assertThat(analyticsReader.get("/v1/analytics/users/user-read").status()).isEqualTo(200);
    ApiClient.Response other = analyticsReader.get("/v1/events/read-insp-1");
    assertThat(other.status()).isEqualTo(404);
    assertThat(other.body())
        .isEqualTo(analyticsReader
            .get("/v1/events/no-such-event")
            .body()
            .replace("no-such-event", "read-insp-1"));
    assertThat(analyticsReader.get("/v1/quality/lines").status()).isEqualTo(403);
    assertThat(analyticsReader.get("/v1/molecules/read-mol-1").status()).isEqualTo(403);
    assertThat(new ApiClient(gateway.apiUrl(), chipReaderKey)
            .get("/v1/quality/lines")
            .status())
        .isEqualTo(200);
  }

  @Test
  @DisplayName("a feed upgrade needs a credential with a read grant for what it streams")
  void feedsNeedCredentials() {
    assertThat(upgradeStatus("/v1/feeds/alerts", Map.of())).isEqualTo(401);
    assertThat(upgradeStatus("/v1/feeds/events", Map.of())).isEqualTo(401);
    assertThat(upgradeStatus("/v1/feeds/alerts", bearer(analyticsReader))).isEqualTo(403);
    assertThat(upgradeStatus(
            "/v1/feeds/events?type=chip.inspection.completed", bearer(analyticsReader)))
        .isEqualTo(403);
    // every family's events need the '*' grant
    assertThat(upgradeStatus("/v1/feeds/events", bearer(analyticsReader))).isEqualTo(403);
    assertThat(upgradeStatus("/v1/feeds/events?type=analytics.page_view", bearer(analyticsReader)))
        .isEqualTo(101);
    assertThat(
            upgradeStatus("/v1/feeds/alerts", Map.of("Authorization", "Bearer " + chipReaderKey)))
        .isEqualTo(101);
  }

  @Test
  @DisplayName(
      "a WebSocket upgrade from a foreign Origin is refused, from the gateway's own origin accepted")
  void foreignOriginRefused() {
    Map<String, String> chip = Map.of("Authorization", "Bearer " + chipReaderKey);
    assertThat(upgradeStatus("/v1/feeds/alerts", with(chip, "Origin", "https://evil.example")))
        .isEqualTo(403);
    assertThat(upgradeStatus(
            "/v1/stream", with(bearer(gateway.api()), "Origin", "https://evil.example")))
        .isEqualTo(403);
    assertThat(upgradeStatus("/v1/feeds/alerts", with(chip, "Origin", gateway.apiUrl())))
        .isEqualTo(101);
  }

  @Test
  @DisplayName(
      "behind a TLS-ending proxy the page's https origin is the gateway's own; the headers count from trusted proxies only")
  void forwardedSchemeFromTrustedProxiesOnly() throws Exception {
    String host = URI.create(gateway.apiUrl()).getAuthority();
    String https = "https://" + host;
    assertThat(rawUpgrade("127.0.0.1", "Origin: " + https + "\r\nX-Forwarded-Proto: https\r\n"))
        .isEqualTo(101);
    assertThat(rawUpgrade(
            "127.0.0.1", "Origin: " + https + "\r\nForwarded: for=10.0.0.7;proto=https\r\n"))
        .isEqualTo(101);
    assertThat(rawUpgrade("127.0.0.1", "Origin: " + https + "\r\n"))
        .as("no forwarded scheme")
        .isEqualTo(403);
    assertThat(rawUpgrade("127.0.0.2", "Origin: " + https + "\r\nX-Forwarded-Proto: https\r\n"))
        .as("the header from a peer that is no trusted proxy")
        .isEqualTo(403);
  }

  /** The status of a WebSocket upgrade of the alert feed sent from {@code localAddress} with extra headers. */
  private int rawUpgrade(String localAddress, String headers) throws Exception {
    URI api = URI.create(gateway.apiUrl());
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.bind(new java.net.InetSocketAddress(localAddress, 0));
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", api.getPort()), 5_000);
      socket.setSoTimeout(10_000);
      String request = "GET /v1/feeds/alerts HTTP/1.1\r\nHost: " + api.getAuthority() + "\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " + chipReaderKey + "\r\n" + headers
          + "\r\n";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(
              socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
          .readLine();
      return Integer.parseInt(statusLine.split(" ")[1]);
    }
  }

  @Test
  @DisplayName(
      "a feed ticket opens one feed, once, with its issuer's read grants; it is no credential for anything else")
  void ticketsAreSingleUse() {
    assertThat(publisher.post("/v1/feeds/tickets", null, "").status()).isEqualTo(403);
    assertThat(anonymous.post("/v1/feeds/tickets", null, "").status()).isEqualTo(401);
    ApiClient chipReader = new ApiClient(gateway.apiUrl(), chipReaderKey);
    ApiClient.Response issued = chipReader.post("/v1/feeds/tickets", null, "");
    assertThat(issued.status()).isEqualTo(201);
    String ticket = issued.json().getString("ticket");
    assertThat(anonymous.get("/v1/alerts?ticket=" + ticket).status())
        .as("a ticket on a plain GET")
        .isEqualTo(401);
    assertThat(upgradeStatus("/v1/feeds/alerts?ticket=" + ticket, Map.of())).isEqualTo(101);
    assertThat(upgradeStatus("/v1/feeds/alerts?ticket=" + ticket, Map.of()))
        .as("the same ticket again")
        .isEqualTo(401);
    String another = chipReader.post("/v1/feeds/tickets", null, "").json().getString("ticket");
    assertThat(upgradeStatus("/v1/feeds/events?ticket=" + another, Map.of()))
        .as("a ticket carries its issuer's grants only")
        .isEqualTo(403);
    assertThat(upgradeStatus("/v1/feeds/alerts?ticket=egt_forged", Map.of())).isEqualTo(401);
    // an admin's ticket is no admin credential, nor one to publish with: feeds only
    ApiClient admin = gateway.api();
    assertThat(upgradeStatus(
            "/v1/stream?ticket="
                + admin.post("/v1/feeds/tickets", null, "").json().getString("ticket"),
            Map.of()))
        .as("a ticket on the WebSocket ingest")
        .isEqualTo(401);
    assertThat(upgradeStatus(
            "/v1/admin/keys?ticket="
                + admin.post("/v1/feeds/tickets", null, "").json().getString("ticket"),
            Map.of()))
        .as("a ticket on an admin route, upgrade asked")
        .isEqualTo(401);
  }

  @Test
  @DisplayName(
      "pages carry a Content-Security-Policy allowing their own scripts only; every answer is nosniff")
  void securityHeaders() {
    ApiClient.Response page = anonymous.get("/dashboard");
    String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(policy)
        .contains("script-src 'self' 'sha256-")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-eval")
        .doesNotContain("script-src 'self' 'unsafe-inline'");
    for (ApiClient.Response response :
        List.of(page, anonymous.get("/v1/types"), anonymous.get("/v1/alerts"))) {
      assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
      assertThat(response.headers().firstValue("Content-Security-Policy")).isPresent();
    }
  }

  @Test
  @DisplayName(
      "a revoked key's WebSocket stream and feeds, opened with the key or with its ticket, are closed (1008)")
  void revokedKeysSessionsAreClosed() {
    ApiClient.Response created = gateway
        .api()
        .post(
            "/v1/admin/keys",
            "application/json",
            new JsonObject().put("name", "revoked-later").put("read", "*").encode());
    ApiClient doomed = new ApiClient(gateway.apiUrl(), created.json().getString("key"));
    WebSocketMessages stream = open("/v1/stream", bearer(doomed));
    WebSocketMessages feed = open("/v1/feeds/events", bearer(doomed));
    WebSocketMessages ticketFeed = open(
        "/v1/feeds/alerts?ticket="
            + doomed.post("/v1/feeds/tickets", null, "").json().getString("ticket"),
        Map.of());
    WebSocketMessages unrelated =
        open("/v1/feeds/events?type=analytics.page_view", bearer(analyticsReader));

    ApiClient.Response revoked = gateway
        .api()
        .send(java.net.http.HttpRequest.newBuilder(
                URI.create(gateway.apiUrl() + "/v1/admin/keys/" + created.json().getString("id")))
            .DELETE()
            .build());
    assertThat(revoked.status()).isEqualTo(204);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (WebSocketMessages session : List.of(stream, feed, ticketFeed)) {
        assertThat(session.closeCode).isEqualTo(1008);
        assertThat(session.closeReason).contains("revoked");
      }
    });
    assertThat(unrelated.closeCode).as("another key's feed").isNull();
  }

  private WebSocketMessages open(String path, Map<String, String> headers) {
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    headers.forEach(builder::header);
    WebSocketMessages messages = new WebSocketMessages(true);
    builder
        .buildAsync(URI.create(gateway.apiUrl().replace("http", "ws") + path), messages)
        .join();
    return messages;
  }

  private int upgradeStatus(String path, Map<String, String> headers) {
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    headers.forEach(builder::header);
    try {
      builder
          .buildAsync(
              URI.create(gateway.apiUrl().replace("http", "ws") + path),
              new WebSocketMessages(true))
          .join()
          .abort();
      return 101;
    } catch (CompletionException refused) {
      if (refused.getCause() instanceof WebSocketHandshakeException handshake) {
        return handshake.getResponse().statusCode();
      }
      throw refused;
    }
  }

  private String key(JsonObject request) {
    ApiClient.Response created =
        gateway.api().post("/v1/admin/keys", "application/json", request.encode());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().getString("key");
  }

  private static Map<String, String> bearer(ApiClient client) {
    return Map.of("Authorization", "Bearer " + client.apiKey());
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> all = new java.util.HashMap<>(headers);
    all.put(name, value);
    return all;
  }
}
