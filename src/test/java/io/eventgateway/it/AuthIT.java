package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Access control: API keys, JWTs, rate limits, TLS, and secrets kept out of the logs")
class AuthIT {

  private static final String JWT_SECRET = "it-jwt-secret-that-is-long-enough-for-hs256-0123456789";

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final List<String> secrets = new ArrayList<>(List.of(JWT_SECRET));
  private GatewayInstance gateway;
  private ApiClient admin;
  private ApiClient anonymous;
  private JWTAuth issuer;
  private Vertx vertx;

  @BeforeAll
  void start() {
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    JsonObject config = GatewayInstance.isolated("auth");
    config
        .getJsonObject("auth")
        .getJsonObject("jwt")
        .put("key", JWT_SECRET)
        .put("issuer", "it-issuer");
    gateway = GatewayInstance.start(config, "all");
    secrets.add(gateway.adminKey());
    admin = gateway.api();
    anonymous = new ApiClient(gateway.apiUrl());
    vertx = Vertx.vertx();
    issuer = JWTAuth.create(
        vertx,
        new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(JWT_SECRET)));
  }

  @AfterAll
  void stop() {
    gateway.close();
    vertx.close();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  @Test
  @DisplayName("no, malformed or unknown credentials get 401 problem+json with WWW-Authenticate")
  void unauthenticated() {
    ApiClient.Response none = anonymous.postEvent(ApiClient.pageView("u"));
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.contentType()).isEqualTo("application/problem+json");
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"event-gateway\"");
    assertThat(new ApiClient(gateway.apiUrl(), "egk_000000000000_" + "x".repeat(43))
            .postEvent(ApiClient.pageView("u"))
            .headers()
            .firstValue("WWW-Authenticate")
            .orElseThrow())
        .contains("error=\"invalid_token\"");
    assertThat(anonymous
            .send(java.net.http.HttpRequest.newBuilder(URI.create(gateway.apiUrl() + "/v1/events"))
                .header("Authorization", "Basic dXNlcjpwYXNz")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                .build())
            .status())
        .isEqualTo(401);
    assertThat(anonymous.get("/v1/admin/keys").status()).isEqualTo(401);
    assertThatThrownBy(() -> HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                URI.create(gateway.apiUrl().replace("http", "ws") + "/v1/stream"),
                new WebSocketMessages(true))
            .join())
        .isInstanceOf(CompletionException.class)
        .satisfies(error -> assertThat(
                ((WebSocketHandshakeException) error.getCause()).getResponse().statusCode())
            .isEqualTo(401));
  }

  @Test
  @DisplayName("a key limited to a family may publish it, gets 403 for others, and no admin API")
  void grants() {
    JsonObject created = createKey(new JsonObject()
        .put("name", "analytics-only")
        .put("families", new JsonArray().add("analytics")));
    assertThat(created.getString("key")).startsWith("egk_" + created.getString("id") + "_");
    ApiClient limited = new ApiClient(gateway.apiUrl(), created.getString("key"));
    assertThat(limited.postEvent(ApiClient.pageView("ok")).status()).isEqualTo(202);
    JsonObject molecule = ApiClient.molecule("Aspirin", "CC(=O)OC1=CC=CC=C1C(=O)O", "");
    ApiClient.Response forbidden = limited.postEvent(molecule);
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("type");
    ApiClient.Response mixed = limited.post(
        "/v1/events",
        "application/cloudevents-batch+json",
        new JsonArray().add(ApiClient.pageView("a")).add(molecule).encode());
    assertThat(mixed.status()).isEqualTo(207);
    assertThat(mixed.json().getJsonArray("results").getJsonObject(1).getInteger("status"))
        .isEqualTo(403);
    assertThat(limited.get("/v1/admin/keys").status()).isEqualTo(403);
  }

  @Test
  @DisplayName("keys are created, listed without secrets, and stop working when deleted")
  void keyLifecycle() {
    JsonObject created = createKey(new JsonObject().put("name", "short-lived"));
    ApiClient user = new ApiClient(gateway.apiUrl(), created.getString("key"));
    assertThat(user.postEvent(ApiClient.pageView("x")).status()).isEqualTo(202);
    ApiClient.Response list = admin.get("/v1/admin/keys");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body())
        .contains(created.getString("id"))
        .doesNotContain(created.getString("key"))
        .doesNotContain("hash");
    ApiClient.Response deleted = admin.send(java.net.http.HttpRequest.newBuilder(
            URI.create(gateway.apiUrl() + "/v1/admin/keys/" + created.getString("id")))
        .DELETE()
        .build());
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(user.postEvent(ApiClient.pageView("x")).status()).isEqualTo(401);
    assertThat(admin
            .send(java.net.http.HttpRequest.newBuilder(
                    URI.create(gateway.apiUrl() + "/v1/admin/keys/" + created.getString("id")))
                .DELETE()
                .build())
            .status())
        .isEqualTo(404);
    ApiClient.Response invalid = admin.post(
        "/v1/admin/keys",
        "application/json",
        new JsonObject()
            .put("name", "x")
            .put("families", new JsonArray().add("nope"))
            .encode());
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("families");
  }

  @Test
  @DisplayName("a key over its rate limit gets 429 with Retry-After")
  void rateLimit() {
    JsonObject created =
        createKey(new JsonObject().put("name", "slow").put("rateLimitPerSecond", 5));
    ApiClient slow = new ApiClient(gateway.apiUrl(), created.getString("key"));
    List<Integer> statuses = new ArrayList<>();
    ApiClient.Response limited = null;
    for (int i = 0; i < 20 && limited == null; i++) {
      ApiClient.Response response = slow.postEvent(ApiClient.pageView("r" + i));
      statuses.add(response.status());
      if (response.status() == 429) {
        limited = response;
      }
    }
    assertThat(limited).as("statuses %s", statuses).isNotNull();
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    assertThat(limited.json().getString("type")).isEqualTo("/problems/rate-limited");
  }

  @Test
  @DisplayName(
      "a rate limit counts events: a batch larger than a second's allowance is refused whole, over HTTP and WebSocket")
  void rateLimitCountsEvents() throws Exception {
    JsonObject created =
        createKey(new JsonObject().put("name", "batcher").put("rateLimitPerSecond", 10));
    ApiClient batcher = new ApiClient(gateway.apiUrl(), created.getString("key"));
    JsonArray batch = new JsonArray();
    IntStream.range(0, 10_000)
        .forEach(i -> batch.add(ApiClient.pageView("b").put("id", "batch-over-" + i)));
    ApiClient.Response refused =
        batcher.post("/v1/events", "application/cloudevents-batch+json", batch.encode());
    assertThat(refused.status()).isEqualTo(413);
    assertThat(refused.json().getString("type")).isEqualTo("/problems/batch-over-rate-limit");

    WebSocketMessages acks = new WebSocketMessages(true);
    java.net.http.WebSocket socket = HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .header("Authorization", "Bearer " + created.getString("key"))
        .buildAsync(URI.create(gateway.apiUrl().replace("http", "ws") + "/v1/stream"), acks)
        .join();
    String overLimit = IntStream.range(0, 11)
        .mapToObj(i -> ApiClient.pageView("w").put("id", "ws-over-" + i).encode())
        .collect(Collectors.joining("\n"));
    socket.sendText(overLimit, true).join();
    // three frames of ten: the first fits the burst, the others wait for their tokens before
    // anything is produced
    long start = System.nanoTime();
    for (int frame = 0; frame < 3; frame++) {
      int first = frame * 10;
      socket
          .sendText(
              IntStream.range(first, first + 10)
                  .mapToObj(i -> ApiClient.pageView("w").put("id", "ws-" + i).encode())
                  .collect(Collectors.joining("\n")),
              true)
          .join();
    }
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> acks.received.size() == 41);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(acks.received.subList(0, 11))
        .allSatisfy(ack -> assertThat(ack.getInteger("status")).isEqualTo(413));
    assertThat(acks.received.subList(11, 41))
        .allSatisfy(ack -> assertThat(ack.getInteger("status")).isEqualTo(202));
    // 30 events at 10/s with a burst of 10 cannot all be acknowledged in less than two seconds
    assertThat(seconds).isGreaterThanOrEqualTo(1.9);
    socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "").join();
  }

  @Test
  @DisplayName("JWTs signed with the configured key authenticate, with their claims as grants")
  void jwt() {
    JWTOptions options = new JWTOptions().setIssuer("it-issuer").setExpiresInSeconds(60);
    String publisher = issuer.generateToken(
        new JsonObject()
            .put("sub", "line-7")
            .put("tenant", "default")
            .put("types", new JsonArray().add("analytics.page_view")),
        options);
    ApiClient line = new ApiClient(gateway.apiUrl(), publisher);
    assertThat(line.postEvent(ApiClient.pageView("jwt")).status()).isEqualTo(202);
    assertThat(line.postEvent(ApiClient.cloudEvent("analytics.click", new JsonObject()))
            .status())
        .isEqualTo(403);
    assertThat(line.get("/v1/admin/keys").status()).isEqualTo(403);

    String operator = issuer.generateToken(
        new JsonObject()
            .put("sub", "ops")
            .put("tenant", "default")
            .put("roles", new JsonArray().add("admin")),
        options);
    assertThat(new ApiClient(gateway.apiUrl(), operator).get("/v1/admin/keys").status())
        .isEqualTo(200);

    // a token that leaves out its tenant or the configured issuer is refused, not let through
    String noTenant = issuer.generateToken(new JsonObject().put("sub", "ops"), options);
    ApiClient.Response tenantless = new ApiClient(gateway.apiUrl(), noTenant).get("/v1/alerts");
    assertThat(tenantless.status()).isEqualTo(401);
    assertThat(tenantless.json().getString("detail")).contains("'tenant' is required");
    String noIssuer = issuer.generateToken(
        new JsonObject().put("sub", "ops").put("tenant", "default"),
        new JWTOptions().setExpiresInSeconds(60));
    ApiClient.Response issuerless = new ApiClient(gateway.apiUrl(), noIssuer).get("/v1/alerts");
    assertThat(issuerless.status()).isEqualTo(401);

    String wrongIssuer =
        issuer.generateToken(new JsonObject().put("sub", "x"), new JWTOptions().setIssuer("other"));
    assertThat(new ApiClient(gateway.apiUrl(), wrongIssuer)
            .postEvent(ApiClient.pageView("x"))
            .status())
        .isEqualTo(401);
    String expired = issuer.generateToken(
        new JsonObject().put("sub", "x").put("exp", System.currentTimeMillis() / 1000 - 3600),
        new JWTOptions().setIssuer("it-issuer"));
    assertThat(new ApiClient(gateway.apiUrl(), expired)
            .postEvent(ApiClient.pageView("x"))
            .status())
        .isEqualTo(401);
    JWTAuth forger = JWTAuth.create(
        vertx,
        new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions()
                .setAlgorithm("HS256")
                .setBuffer("another-secret-another-secret-0123456789")));
    String forged =
        forger.generateToken(new JsonObject().put("sub", "x").put("admin", true), options);
    assertThat(new ApiClient(gateway.apiUrl(), forged).get("/v1/admin/keys").status())
        .isEqualTo(401);
  }

  @Test
  @DisplayName(
      "a JWT without exp, or living longer than auth.jwt.maxLifetimeSeconds, is refused without the library's words")
  void jwtLifetime() {
    String forever = issuer.generateToken(
        new JsonObject().put("sub", "x").put("admin", true),
        new JWTOptions().setIssuer("it-issuer"));
    ApiClient.Response refused = new ApiClient(gateway.apiUrl(), forever).get("/v1/admin/keys");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().getString("detail")).contains("'exp' is required");
    String tooLong = issuer.generateToken(
        new JsonObject().put("sub", "x").put("admin", true),
        new JWTOptions().setIssuer("it-issuer").setExpiresInSeconds(86_400 * 30));
    assertThat(new ApiClient(gateway.apiUrl(), tooLong)
            .get("/v1/admin/keys")
            .json()
            .getString("detail"))
        .contains("longer than 86400 s");
    ApiClient.Response garbage =
        new ApiClient(gateway.apiUrl(), "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.").get("/v1/alerts");
    assertThat(garbage.status()).isEqualTo(401);
    assertThat(garbage.json().getString("detail"))
        .isEqualTo("invalid token: bad signature, issuer, audience or expired");
  }

  @Test
  @DisplayName("a short or placeholder HMAC key stops the gateway at start")
  void weakJwtKeysRefused() {
    for (String weak :
        List.of("too-short-secret", "change-me-to-a-long-random-secret-of-many-bytes")) {
      JsonObject config = GatewayInstance.isolated("weakjwt");
      config.getJsonObject("auth").getJsonObject("jwt").put("key", weak);
      assertThatThrownBy(() -> GatewayInstance.start(config, "ingest").close())
          .as(weak)
          .isInstanceOf(IllegalStateException.class)
          .rootCause()
          .hasMessageContaining("auth.jwt.key");
    }
  }

  @Test
  @DisplayName("with http.tls enabled the API speaks HTTPS with the configured certificate")
  void tls() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    JsonObject config = GatewayInstance.withOwnPorts(gateway.config());
    config
        .getJsonObject("http")
        .put(
            "tls",
            new JsonObject()
                .put("enabled", true)
                .put("certFile", certificate.certificatePath())
                .put("keyFile", certificate.privateKeyPath()));
    try (GatewayInstance secure = GatewayInstance.start(config, "ingest")) {
      secrets.add(secure.adminKey());
      WebClient client = WebClient.create(
          vertx,
          new WebClientOptions()
              .setSsl(true)
              .setTrustOptions(certificate.trustOptions())
              .setVerifyHost(false));
      int port = secure.config().getJsonObject("http").getInteger("port");
      HttpResponse<Buffer> response = client
          .post(port, "127.0.0.1", "/v1/events")
          .putHeader("Content-Type", "application/cloudevents+json")
          .putHeader("Authorization", "Bearer " + secure.adminKey())
          .sendBuffer(Buffer.buffer(ApiClient.pageView("tls").encode()))
          .await(30, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(202);
      assertThatThrownBy(() -> new ApiClient("http://127.0.0.1:" + port).get("/v1/types"))
          .isInstanceOf(IllegalStateException.class);
    } finally {
      certificate.delete();
    }
  }

  /** Runs last by name order is not guaranteed, so it checks whatever the other tests have logged so far too. */
  @Test
  @DisplayName("no key, token or JWT secret ever appears in the logs")
  void secretsStayOutOfLogs() {
    JsonObject created = createKey(new JsonObject().put("name", "logged?"));
    new ApiClient(gateway.apiUrl(), created.getString("key") + "tampered")
        .postEvent(ApiClient.pageView("x"));
    new ApiClient(gateway.apiUrl(), created.getString("key")).postEvent(ApiClient.pageView("x"));
    secrets.add(created.getString("key"));
    // egk_<12 hex digits>_<secret>; the secret is base64url, so it may itself contain '_'
    String secretPart = created.getString("key").substring("egk_".length() + 12 + 1);
    List<String> lines = logs.list.stream().map(LoggedText::of).toList();
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      assertThat(line).doesNotContain(secretPart);
      secrets.forEach(secret -> assertThat(line).doesNotContain(secret));
    }
  }

  private JsonObject createKey(JsonObject request) {
    ApiClient.Response response =
        admin.post("/v1/admin/keys", "application/json", request.encode());
    assertThat(response.status()).isEqualTo(201);
    assertThat(response.headers().firstValue("Location")).isPresent();
    secrets.add(response.json().getString("key"));
    return response.json();
  }
}
