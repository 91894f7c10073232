package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Feeds as Server-Sent Events that resume from Last-Event-ID")
class EventStreamFeedsIT {

  private static final int BATCHES = 40;
  private static final int PER_BATCH = 30;

  private GatewayInstance gateway;
  private ApiClient shop;
  private ApiClient fab;

  @BeforeAll
  void start() {
    JsonObject config = GatewayInstance.isolated("ssefeeds");
    // slowClientIsClosedAndResumes waits this long on a client that does not read
    config.getJsonObject("feeds").put("stallSeconds", 2);
    gateway = GatewayInstance.start(config, "all");
    shop = gateway.keyOf("shop-feed", "shop");
    fab = gateway.keyOf("fab-feed", "fab");
  }

  @AfterAll
  void stop() {
    gateway.close();
  }

  private Map<String, String> bearer(ApiClient client) {
    return Map.of("Authorization", "Bearer " + client.apiKey());
  }

  @Test
  @DisplayName(
      "a client away for seconds under load resumes with Last-Event-ID: every event it missed once, in order per partition, none of another tenant's")
  void resumesWithoutGapOrDuplicate() throws Exception {
    String url = gateway.apiUrl() + "/v1/feeds/events";
    EventStreamClient first = EventStreamClient.open(url, bearer(shop));
    assertThat(first.status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> first.comments.contains("connected"));

    // where Kafka put each of the shop's events: topic/partition → offset, from the answers
    Map<String, long[]> placed = new ConcurrentHashMap<>();
    ExecutorService load = Executors.newSingleThreadExecutor();
    Future<?> posting = load.submit(() -> {
      for (int batch = 0; batch < BATCHES; batch++) {
        post(shop, "shop-" + batch, placed);
        post(fab, "fab-" + batch, new ConcurrentHashMap<>());
        sleep(100);
      }
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> first.events.size() >= 150);
    first.close();
    String resumeFrom = first.lastEventId();
    int seenBefore = first.events.size();
    sleep(3000);
    assertThat(posting.isDone()).as("the load goes on while the client is away").isFalse();

    EventStreamClient second =
        EventStreamClient.open(url, with(bearer(shop), "Last-Event-ID", resumeFrom));
    posting.get(60, TimeUnit.SECONDS);
    load.shutdown();
    int total = BATCHES * PER_BATCH;
    await().atMost(Duration.ofSeconds(60)).until(() -> seenBefore + second.events.size() >= total);
    second.close();

    List<JsonObject> received = new ArrayList<>();
    first.events.stream().limit(seenBefore).forEach(event -> received.add(event.json()));
    second.events.forEach(event -> received.add(event.json()));
    List<String> ids = received.stream().map(event -> event.getString("id")).toList();
    assertThat(ids).as("no duplicate").doesNotHaveDuplicates().hasSize(total);
    assertThat(Set.copyOf(ids)).isEqualTo(placed.keySet());
    assertThat(received).allMatch(event -> "shop".equals(event.getString("tenant")));
    // in order per partition: the offsets Kafka gave each partition's events only grow
    Map<String, Long> lastOffset = new HashMap<>();
    for (String id : ids) {
      long[] where = placed.get(id);
      String partition = where[0] + "/" + where[1];
      Long before = lastOffset.put(partition, where[2]);
      assertThat(before == null || before < where[2])
          .as("%s at offset %d of partition %s after %s", id, where[2], partition, before)
          .isTrue();
    }
  }

  /** Posts a batch of page views; records each event's topic (hash), partition and offset in {@code placed}. */
  private void post(ApiClient client, String prefix, Map<String, long[]> placed) {
    JsonArray batch = new JsonArray();
    for (int i = 0; i < PER_BATCH; i++) {
      batch.add(ApiClient.pageView(prefix + "-" + i).put("id", prefix + "-" + i));
    }
    ApiClient.Response answer =
        client.post("/v1/events", "application/cloudevents-batch+json", batch.encode());
    assertThat(answer.status()).as(answer.body()).isEqualTo(202);
    for (Object result : answer.json().getJsonArray("results")) {
      JsonObject placedAt = (JsonObject) result;
      placed.put(placedAt.getString("id"), new long[] {
        placedAt.getString("topic").hashCode(),
        placedAt.getInteger("partition"),
        placedAt.getLong("offset")
      });
    }
  }

  @Test
  @DisplayName(
      "from=earliest replays what Kafka retains; a bad Last-Event-ID or from is a 400 naming it; no credential 401; a foreign page's Origin 403")
  void startsAndRefusals() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(fab.postEvent(ApiClient.pageView("early-" + i)).status()).isEqualTo(202);
    }
    try (EventStreamClient replay =
        EventStreamClient.open(gateway.apiUrl() + "/v1/feeds/events?from=earliest", bearer(fab))) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> replay.events.stream()
                  .filter(event ->
                      event.json().getJsonObject("data").getString("user_id").startsWith("early-"))
                  .count()
              == 3);
    }
    ApiClient.Response badId =
        answered(fab, "/v1/feeds/alerts", "Last-Event-ID", "alerts:1;retry: 1");
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.contentType()).isEqualTo("application/problem+json");
    assertThat(badId.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("Last-Event-ID");
    // a position that would end its line and start a field of its own in the stream
    ApiClient.Response injected =
        answered(fab, "/v1/feeds/alerts?lastEventId=alerts%3A1%0Aretry%3A%201");
    assertThat(injected.status()).isEqualTo(400);
    assertThat(injected.body()).contains("\"field\":\"lastEventId\"");
    ApiClient.Response badFrom = answered(fab, "/v1/feeds/events?from=yesterday");
    assertThat(badFrom.status()).isEqualTo(400);
    assertThat(badFrom.body()).contains("\"field\":\"from\"");
    try (EventStreamClient anonymous =
        EventStreamClient.open(gateway.apiUrl() + "/v1/feeds/alerts", Map.of())) {
      assertThat(anonymous.status()).isEqualTo(401);
    }
    try (EventStreamClient foreign = EventStreamClient.open(
        gateway.apiUrl() + "/v1/feeds/alerts",
        with(bearer(fab), "Origin", "https://evil.example"))) {
      assertThat(foreign.status()).isEqualTo(403);
    }
  }

  @Test
  @DisplayName(
      "a WebSocket feed opened with from= carries each message's position; reopened with lastEventId= it goes on after it")
  void webSocketResumes() throws Exception {
    ApiClient lab = gateway.keyOf("lab-feed", "lab");
    for (int i = 0; i < 6; i++) {
      assertThat(lab.postEvent(ApiClient.pageView("ws-" + i)).status()).isEqualTo(202);
    }
    WebSocketMessages first = new WebSocketMessages(true);
    java.net.http.WebSocket socket = open(lab, "/v1/feeds/events?from=earliest", first);
    await().atMost(Duration.ofSeconds(30)).until(() -> first.received.size() >= 6);
    socket.abort();
    assertThat(first.received).allMatch(message -> message.getString("position") != null);
    String afterThird = first.received.get(2).getString("position");

    WebSocketMessages second = new WebSocketMessages(true);
    java.net.http.WebSocket resumed = open(
        lab,
        "/v1/feeds/events?lastEventId=" + java.net.URLEncoder.encode(afterThird, "UTF-8"),
        second);
    await().atMost(Duration.ofSeconds(30)).until(() -> second.received.size() >= 3);
    Thread.sleep(500);
    resumed.abort();
    assertThat(second.received.stream().map(message -> message.getString("id")))
        .containsExactlyElementsOf(first.received.subList(3, 6).stream()
            .map(message -> message.getString("id"))
            .toList());
  }

  private java.net.http.WebSocket open(ApiClient client, String path, WebSocketMessages messages) {
    return java.net.http.HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .header("Authorization", "Bearer " + client.apiKey())
        .buildAsync(java.net.URI.create(gateway.apiUrl().replace("http", "ws") + path), messages)
        .join();
  }

  @Test
  @DisplayName(
      "a request for a resumable feed that is neither an upgrade nor an event stream is a 400 that holds no feed slot")
  void refusedUpgradesHoldNoSlot() throws Exception {
    ApiClient quota = gateway.keyOf("quota-feed", "quota");
    for (int i = 0; i < 40; i++) {
      assertThat(quota.get("/v1/feeds/events?from=now").status()).isEqualTo(400);
    }
    try (EventStreamClient still =
        EventStreamClient.open(gateway.apiUrl() + "/v1/feeds/events", bearer(quota))) {
      assertThat(still.status()).as("feeds.maxResumablePerTenant is 32").isEqualTo(200);
    }
  }

  @Test
  @DisplayName(
      "the curl -N example of docs/api.md, run as written, prints the stream with the event")
  void docsCurlExample() throws Exception {
    String docs = java.nio.file.Files.readString(java.nio.file.Path.of("docs", "api.md"));
    String block = docs.substring(docs.indexOf("<!-- EventStreamFeedsIT runs this example"));
    int start = block.indexOf("```sh\n") + 6;
    block = block.substring(start, block.indexOf("\n```", start));
    String command = block
        .lines()
        .filter(line -> !line.startsWith("#"))
        .collect(java.util.stream.Collectors.joining("\n"))
        .replace("http://127.0.0.1:8080", gateway.apiUrl());
    JsonObject event = ApiClient.pageView("curl-reader").put("id", "curl-" + UUID.randomUUID());
    assertThat(shop.postEvent(event).status()).isEqualTo(202);
    ProcessBuilder curl = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
    curl.environment().put("KEY", shop.apiKey());
    Process running = curl.start();
    String output = new String(
        running.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    running.waitFor(30, TimeUnit.SECONDS);
    assertThat(output)
        .contains("retry: 2000")
        .contains(": connected")
        .containsPattern("id: events\\.analytics[^:]*:\\d+(\\.\\d+)*")
        .contains("\"id\":\"" + event.getString("id") + "\"");
  }

  @Test
  @DisplayName(
      "a client that stops reading is paused, then closed with event: closed and slow-client; it resumes from its last id and misses nothing")
  void slowClientIsClosedAndResumes() throws Exception {
    ApiClient slow = gateway.keyOf("slow-feed", "slow");
    int total = 25_000;
    for (int batch = 0; batch < total / 1000; batch++) {
      JsonArray events = new JsonArray();
      for (int i = 0; i < 1000; i++) {
        events.add(
            ApiClient.pageView("slow-" + batch + "-" + i).put("id", "slow-" + batch + "-" + i));
      }
      assertThat(slow.post("/v1/events", "application/cloudevents-batch+json", events.encode())
              .status())
          .isEqualTo(202);
    }
    String stream;
    try (java.net.Socket socket = new java.net.Socket()) {
      // a small window: what the gateway sends piles up in its own write queue
      socket.setReceiveBufferSize(8192);
      socket.connect(new java.net.InetSocketAddress(
          "127.0.0.1", gateway.config().getJsonObject("http").getInteger("port")));
      socket
          .getOutputStream()
          .write(("GET /v1/feeds/events?from=earliest HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Accept: text/event-stream\r\nAuthorization: Bearer " + slow.apiKey()
                  + "\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      // past the stall (2 s after the queue filled), within the 10 s the gateway gives the reason
      sleep(5_000);
      socket.setSoTimeout(30_000);
      stream = new String(
          socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    assertThat(stream).contains("event: closed").contains("\"reason\":\"slow-client\"");
    java.util.regex.Matcher delivered =
        java.util.regex.Pattern.compile("id: (\\S+)\ndata: \\{").matcher(stream);
    String lastId = null;
    int before = 0;
    while (delivered.find()) {
      lastId = delivered.group(1);
      before++;
    }
    assertThat(before).as("some, not all, before the close").isPositive().isLessThan(total);
    try (EventStreamClient resumed = EventStreamClient.open(
        gateway.apiUrl() + "/v1/feeds/events", with(bearer(slow), "Last-Event-ID", lastId))) {
      int seenBefore = before;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> seenBefore + resumed.events.size() >= total);
      sleep(500);
      assertThat(seenBefore + resumed.events.size()).isEqualTo(total);
    }
  }

  @Test
  @DisplayName(
      "a tenant reads at most feeds.maxResumablePerTenant (32) resumable feeds on a node: the next is 429 too-many-feeds")
  void resumableFeedsPerTenant() throws Exception {
    ApiClient many = gateway.keyOf("many-feeds", "many");
    List<EventStreamClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < 32; i++) {
        EventStreamClient stream =
            EventStreamClient.open(gateway.apiUrl() + "/v1/feeds/alerts", bearer(many));
        open.add(stream);
        assertThat(stream.status()).as("feed %d", i).isEqualTo(200);
      }
      ApiClient.Response refused = answered(many, "/v1/feeds/alerts");
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.body()).contains("too-many-feeds");
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      // another tenant is not held back by this one's feeds
      try (EventStreamClient other =
          EventStreamClient.open(gateway.apiUrl() + "/v1/feeds/alerts", bearer(fab))) {
        assertThat(other.status()).isEqualTo(200);
      }
    } finally {
      for (EventStreamClient stream : open) {
        stream.close();
      }
    }
  }

  /** An event-stream request the gateway refuses, so that its answer ends: {@code headers} as name, value pairs. */
  private ApiClient.Response answered(ApiClient client, String path, String... headers) {
    java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(gateway.apiUrl() + path))
        .header("Accept", "text/event-stream")
        .GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build());
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> more = new HashMap<>(headers);
    more.put(name, value);
    return more;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
