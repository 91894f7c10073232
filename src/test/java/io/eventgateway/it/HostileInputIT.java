package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hostile input, generated from a seeded random source (printed, and repeatable with {@code -Dhostile.seed=}): broken
 * JSON, huge numbers, deep nesting, invalid UTF-8, wrong types, oversized
 * strings and bodies, abused headers and bodies that trickle in, over 10,000 requests in all, at a gateway process
 * with a 256 MiB heap. Every one must get a 4xx problem+json, and the process must still be alive at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {

  private static final String EVENTS = "/v1/events";
  private static final String STRUCTURED = "application/cloudevents+json";
  private static final Map<String, AtomicLong> STATUSES = new ConcurrentHashMap<>();
  private static final AtomicLong REQUESTS = new AtomicLong();
  private static final long SEED = Long.getLong("hostile.seed", System.nanoTime());
  private static final String[] ATTRIBUTES = {
    "specversion",
    "id",
    "source",
    "type",
    "time",
    "subject",
    "data",
    "data.user_id",
    "data.url",
    "data.device",
    "data.load_time_ms"
  };
  private static final String[] SPECIAL_NUMBERS = {
    "1e309",
    "-1e309",
    "1.7976931348623157e309",
    "2147483648",
    "9223372036854775808",
    "1.5",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x10",
    "01"
  };
  private static final byte[][] INVALID_UTF8 = {
    {(byte) 0xFF},
    {(byte) 0xFE},
    {(byte) 0xC3, 0x28},
    {(byte) 0xC0, (byte) 0x80},
    {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
    {(byte) 0xE2, (byte) 0x82},
    {(byte) 0xF0, (byte) 0x9F, (byte) 0x98},
    {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
    {(byte) 0x80},
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
    {0x00}
  };

  private final SplittableRandom random = new SplittableRandom(SEED);

  private JsonObject config;
  private GatewayProcess gateway;
  private String key;
  private int port;

  @BeforeAll
  void startGateway() throws Exception {
    System.out.printf("HOSTILE seed=%d (repeat with -Dhostile.seed=%d)%n", SEED, SEED);
    config = GatewayInstance.isolated("hostile");
    gateway = GatewayProcess.start(
        config, "ingest", "hostile", Map.of("GATEWAY_HTTP_REQUEST_TIMEOUT_MS", "3000"), "256m");
    key = GatewayProcess.createAdminKey(config, "hostile");
    port = gateway.config().getJsonObject("http").getInteger("port");
  }

  @AfterAll
  void stopGateway() throws Exception {
    try {
      assertThat(gateway.alive()).as("the gateway survived every request").isTrue();
      ApiClient management = new ApiClient(gateway.managementUrl());
      assertThat(management.get("/health/live").status()).isEqualTo(200);
      long heap = management
          .get("/metrics")
          .body()
          .lines()
          .filter(
              line -> line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\""))
          .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
          .sum();
      Map<String, Long> statuses = new TreeMap<>();
      STATUSES.forEach((status, n) -> statuses.put(status, n.get()));
      System.out.printf(
          "HOSTILE seed=%d requests=%d statuses=%s heap used after=%d MiB of 256 MiB%n",
          SEED, REQUESTS.get(), statuses, heap >> 20);
      assertThat(REQUESTS.get()).isGreaterThanOrEqualTo(10_000);
    } finally {
      gateway.close();
    }
  }

  @Test
  void truncatedJson() throws Exception {
    for (int i = 0; i < 2500; i++) {
      String event = event();
      int at = 1 + (int) (random.nextDouble() * (event.length() - 2));
      expectProblem(RawHttp.post(EVENTS, STRUCTURED, key, utf8(event.substring(0, at))));
    }
  }

  @Test
  void wrongTypes() throws Exception {
    for (int i = 0; i < 2500; i++) {
      JsonObject json = new JsonObject(event());
      String attribute = ATTRIBUTES[random.nextInt(ATTRIBUTES.length)];
      Object value = wrongValue();
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
  }

  @Test
  void hugeNumbers() throws Exception {
    for (int i = 0; i < 1500; i++) {
      String body = event()
          .replaceFirst(
              "\"device\":\"DESKTOP\"", "\"device\":\"DESKTOP\",\"load_time_ms\":" + hugeNumber());
      expectProblem(RawHttp.post(EVENTS, STRUCTURED, key, utf8(body)));
    }
  }

  @Test
  void deepNesting() throws Exception {
    for (int i = 0; i < 1000; i++) {
      int depth = random.nextInt(33, 20_001);
      boolean arrays = random.nextBoolean();
      String open = arrays ? "[" : "{\"a\":";
      String close = arrays ? "]" : "}";
      String nested = open.repeat(depth) + "1" + close.repeat(depth);
      String body = event().replaceFirst("\"data\":\\{", "\"data\":{\"nested\":" + nested + ",");
      expectProblem(RawHttp.post(EVENTS, STRUCTURED, key, utf8(body)));
    }
  }

  @Test
  void invalidUtf8() throws Exception {
    for (int i = 0; i < 2000; i++) {
      // inside the value of "url": a string, where only the encoding can be wrong
      String event = event();
      byte[] text = utf8(event);
      int start = event.indexOf("https://");
      int at = start + (int) (random.nextDouble() * (event.indexOf('"', start) - start));
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(text, 0, at);
      body.write(INVALID_UTF8[random.nextInt(INVALID_UTF8.length)]);
      body.write(text, at, text.length - at);
      expectProblem(RawHttp.post(EVENTS, STRUCTURED, key, body.toByteArray()));
    }
  }

  @Test
  void abusedHeaders() throws Exception {
    for (int i = 0; i < 500; i++) {
      expectProblem(abusedHeaders(utf8(event()), random.nextInt(9)));
    }
  }

  private byte[] abusedHeaders(byte[] body, int kind) {
    return switch (kind) {
      case 0 -> RawHttp.post(EVENTS, STRUCTURED, key, body, "X-Padding: " + "a".repeat(20_000));
      case 1 -> RawHttp.post(EVENTS, STRUCTURED, key, body, manyHeaders());
      case 2 -> RawHttp.post(EVENTS + "?" + "q=1&".repeat(3_000), STRUCTURED, key, body);
      case 3 -> RawHttp.post(EVENTS, "text/html; charset=\"utf-8\"", key, body);
      case 4 -> RawHttp.post(EVENTS, STRUCTURED, key, body, "Content-Length: 12");
      case 5 -> RawHttp.post(EVENTS, STRUCTURED, key, body, "Bad Header Name: x");
      case 6 -> RawHttp.post(EVENTS, STRUCTURED, "egk_" + "\u00ff".repeat(60), body);
      case 7 ->
        RawHttp.post(
            EVENTS,
            "application/cloudevents+json; " + "x=y; ".repeat(300) + "charset=iso-8859-1",
            key,
            body);
      default -> RawHttp.post(EVENTS, STRUCTURED, null, body, "Authorization: Bearer");
    };
  }

  @Test
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

  @Test
  void bodiesThatTrickle() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(20);
    try {
      List<Future<RawHttp.Response>> responses = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        byte[] request = RawHttp.post(
            EVENTS, STRUCTURED, key, utf8(ApiClient.pageView("slow").encode()));
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

  /** A valid page view of a random user: what the broken variants start from. */
  private String event() {
    StringBuilder user = new StringBuilder();
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (int i = random.nextInt(1, 25); i > 0; i--) {
      user.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return ApiClient.pageView(user.toString()).encode();
  }

  private Object wrongValue() {
    return switch (random.nextInt(5)) {
      case 0 -> random.nextLong();
      case 1 -> random.nextBoolean();
      case 2 -> new JsonArray().add(1).add("x");
      case 3 -> new JsonObject().put("nested", new JsonObject());
      default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-20, 300));
    };
  }

  private String hugeNumber() {
    if (random.nextInt(4) == 0) {
      return SPECIAL_NUMBERS[random.nextInt(SPECIAL_NUMBERS.length)];
    }
    StringBuilder digits = new StringBuilder().append((char) ('1' + random.nextInt(9)));
    for (int i = random.nextInt(19, 5_000); i > 0; i--) {
      digits.append((char) ('0' + random.nextInt(10)));
    }
    return switch (random.nextInt(3)) {
      case 0 -> digits.toString();
      case 1 -> "-" + digits;
      default -> "1e" + digits;
    };
  }

  private static String[] manyHeaders() {
    String[] headers = new String[500];
    for (int i = 0; i < headers.length; i++) {
      headers[i] = "X-Header-" + i + ": " + "v".repeat(40);
    }
    return headers;
  }

  private void expectProblem(byte[] request) throws Exception {
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
    STATUSES
        .computeIfAbsent(String.valueOf(response.status()), status -> new AtomicLong())
        .incrementAndGet();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
