package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile input, generated (jqwik): broken JSON, huge numbers, deep nesting, invalid UTF-8, wrong types, oversized
 * strings and bodies, abused headers and bodies that trickle in, over 10,000 requests in all, at a gateway process
 * with a 256 MiB heap. Every one must get a 4xx problem+json, and the process must still be alive at the end.
 */
class HostileInputIT {

  private static final String EVENTS = "/v1/events";
  private static final String STRUCTURED = "application/cloudevents+json";
  private static final Map<String, AtomicLong> STATUSES = new ConcurrentHashMap<>();
  private static final AtomicLong REQUESTS = new AtomicLong();

  private static JsonObject config;
  private static GatewayProcess gateway;
  private static String key;
  private static int port;

  @BeforeContainer
  static void startGateway() throws Exception {
    config = GatewayInstance.isolated("hostile");
    gateway = GatewayProcess.start(config, "ingest", "hostile", Map.of("GATEWAY_HTTP_REQUEST_TIMEOUT_MS", "3000"), "256m");
    key = GatewayProcess.createAdminKey(config, "hostile");
    port = config.getJsonObject("http").getInteger("port");
  }

  @AfterContainer
  static void stopGateway() throws Exception {
    try {
      assertThat(gateway.alive()).as("the gateway survived every request").isTrue();
      ApiClient management = new ApiClient(gateway.managementUrl());
      assertThat(management.get("/health/live").status()).isEqualTo(200);
      long heap = management.get("/metrics").body().lines()
          .filter(line -> line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\""))
          .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
      Map<String, Long> statuses = new TreeMap<>();
      STATUSES.forEach((status, n) -> statuses.put(status, n.get()));
      System.out.printf("HOSTILE requests=%d statuses=%s heap used after=%d MiB of 256 MiB%n", REQUESTS.get(),
          statuses, heap >> 20);
      assertThat(REQUESTS.get()).isGreaterThanOrEqualTo(10_000);
    } finally {
      gateway.close();
    }
  }

  @Property(tries = 2500)
  void truncatedJson(@ForAll("events") String event, @ForAll("fractions") double cut) throws Exception {
    int at = 1 + (int) (cut * (event.length() - 2));
    expectProblem(RawHttp.post(EVENTS, STRUCTURED, key, utf8(event.substring(0, at))));
  }

  @Property(tries = 2500)
  void wrongTypes(@ForAll("events") String event, @ForAll("attributes") String attribute,
      @ForAll("wrongValues") Object value) throws Exception {
    JsonObject json = new JsonObject(event);
    if (attribute.equals("data.load_time_ms") && value instanceof Number) {
      value = "not a number";
    }
    if (attribute.startsWith("data.")) {
      json.getJsonObject("data").put(attribute.substring(5), value);
    } else {
      json.put(attribute, value);
    }
    expectProblem(RawHttp.post(EVENTS, STRUCTURED, key, utf8(json.encode())));
  }

  @Property(tries = 1500)
  void hugeNumbers(@ForAll("events") String event, @ForAll("hugeNumbers") String number) throws Exception {
    String body = event.replaceFirst("\"device\":\"DESKTOP\"", "\"device\":\"DESKTOP\",\"load_time_ms\":" + number);
    expectProblem(RawHttp.post(EVENTS, STRUCTURED, key, utf8(body)));
  }

  @Property(tries = 1000)
  void deepNesting(@ForAll("events") String event, @ForAll("depths") int depth, @ForAll boolean arrays) throws Exception {
    String open = arrays ? "[" : "{\"a\":";
    String close = arrays ? "]" : "}";
    String nested = open.repeat(depth) + "1" + close.repeat(depth);
    String body = event.replaceFirst("\"data\":\\{", "\"data\":{\"nested\":" + nested + ",");
    expectProblem(RawHttp.post(EVENTS, STRUCTURED, key, utf8(body)));
  }

  @Property(tries = 2000)
  void invalidUtf8(@ForAll("events") String event, @ForAll("invalidUtf8") byte[] bad, @ForAll("fractions") double where)
      throws Exception {
    // inside the value of "url": a string, where only the encoding can be wrong
    byte[] text = utf8(event);
    int start = event.indexOf("https://");
    int at = start + (int) (where * (event.indexOf('"', start) - start));
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(text, 0, at);
    body.write(bad);
    body.write(text, at, text.length - at);
    expectProblem(RawHttp.post(EVENTS, STRUCTURED, key, body.toByteArray()));
  }

  @Property(tries = 500)
  void abusedHeaders(@ForAll("events") String event, @ForAll("headerAbuse") int kind) throws Exception {
    byte[] body = utf8(event);
    byte[] request = switch (kind) {
      case 0 -> RawHttp.post(EVENTS, STRUCTURED, key, body, "X-Padding: " + "a".repeat(20_000));
      case 1 -> RawHttp.post(EVENTS, STRUCTURED, key, body, manyHeaders());
      case 2 -> RawHttp.post(EVENTS + "?" + "q=1&".repeat(3_000), STRUCTURED, key, body);
      case 3 -> RawHttp.post(EVENTS, "text/html; charset=\"utf-8\"", key, body);
      case 4 -> RawHttp.post(EVENTS, STRUCTURED, key, body, "Content-Length: 12");
      case 5 -> RawHttp.post(EVENTS, STRUCTURED, key, body, "Bad Header Name: x");
      case 6 -> RawHttp.post(EVENTS, STRUCTURED, "egk_" + "\u00ff".repeat(60), body);
      case 7 -> RawHttp.post(EVENTS, "application/cloudevents+json; " + "x=y; ".repeat(300) + "charset=iso-8859-1", key, body);
      default -> RawHttp.post(EVENTS, STRUCTURED, null, body, "Authorization: Bearer");
    };
    expectProblem(request);
  }

  @Example
  void oversizedStringsAndBodies() throws Exception {
    for (int i = 0; i < 10; i++) {
      JsonObject event = ApiClient.pageView("big");
      event.getJsonObject("data").put("url", "https://x/" + "a".repeat((1 << 20) + i));
      expectProblem(RawHttp.post(EVENTS, STRUCTURED, key, utf8(event.encode())));
      byte[] huge = new byte[5 * 1024 * 1024 + 1 + i];
      java.util.Arrays.fill(huge, (byte) ' ');
      huge[0] = '{';
      expectProblem(RawHttp.post(EVENTS, STRUCTURED, key, huge));
    }
  }

  @Example
  void bodiesThatTrickle() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(20);
    try {
      List<Future<RawHttp.Response>> responses = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        byte[] request = RawHttp.post(EVENTS, STRUCTURED, key, utf8(ApiClient.pageView("slow").encode()));
        int sent = request.length - 10 - i;
        responses.add(clients.submit(() -> RawHttp.stall(port, request, sent)));
      }
      for (Future<RawHttp.Response> response : responses) {
        RawHttp.Response answered = response.get();
        record(answered);
        assertThat(answered.status()).isEqualTo(408);
        assertThat(answered.contentType()).isEqualTo("application/problem+json");
      }
    } finally {
      clients.shutdownNow();
    }
  }

  @Provide
  Arbitrary<String> events() {
    return Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(24)
        .map(user -> ApiClient.pageView(user).encode());
  }

  @Provide
  Arbitrary<Double> fractions() {
    return Arbitraries.doubles().between(0, 1);
  }

  @Provide
  Arbitrary<String> attributes() {
    return Arbitraries.of("specversion", "id", "source", "type", "time", "subject", "data", "data.user_id",
        "data.url", "data.device", "data.load_time_ms");
  }

  @Provide
  Arbitrary<Object> wrongValues() {
    return Arbitraries.oneOf(
        Arbitraries.longs().map(n -> (Object) n),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just(new JsonArray().add(1).add("x")),
        Arbitraries.just(new JsonObject().put("nested", new JsonObject())),
        Arbitraries.doubles().map(d -> (Object) d));
  }

  @Provide
  Arbitrary<String> hugeNumbers() {
    Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(20).ofMaxLength(5_000)
        .filter(text -> text.charAt(0) != '0');
    return Arbitraries.oneOf(digits, digits.map(text -> "-" + text), digits.map(text -> "1e" + text),
        Arbitraries.of("1e309", "-1e309", "1.7976931348623157e309", "2147483648", "9223372036854775808",
            "1.5", "NaN", "Infinity", "-Infinity", "0x10", "01"));
  }

  @Provide
  Arbitrary<Integer> depths() {
    return Arbitraries.integers().between(33, 20_000);
  }

  @Provide
  Arbitrary<byte[]> invalidUtf8() {
    return Arbitraries.of(
        new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xFE}, new byte[] {(byte) 0xC3, 0x28},
        new byte[] {(byte) 0xC0, (byte) 0x80}, new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xE2, (byte) 0x82},
        new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        new byte[] {(byte) 0x80}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {0x00});
  }

  @Provide
  Arbitrary<Integer> headerAbuse() {
    return Arbitraries.integers().between(0, 8);
  }

  private static String[] manyHeaders() {
    String[] headers = new String[500];
    for (int i = 0; i < headers.length; i++) {
      headers[i] = "X-Header-" + i + ": " + "v".repeat(40);
    }
    return headers;
  }

  private static void expectProblem(byte[] request) throws Exception {
    RawHttp.Response response = RawHttp.exchange(port, request);
    record(response);
    assertThat(response.status()).as("status; body %s", response.body()).isBetween(400, 499);
    assertThat(response.contentType()).isEqualTo("application/problem+json");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getInteger("status")).isEqualTo(response.status());
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
  }

  private static void record(RawHttp.Response response) {
    REQUESTS.incrementAndGet();
    STATUSES.computeIfAbsent(String.valueOf(response.status()), status -> new AtomicLong()).incrementAndGet();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
