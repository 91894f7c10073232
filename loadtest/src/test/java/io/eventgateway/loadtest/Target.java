package io.eventgateway.loadtest;

import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where and how hard the simulations push, from system properties: {@code -DbaseUrl=http://127.0.0.1:8080}
 * (loopback only), {@code -DapiKey=…} (sent as a bearer token; default {@code $GATEWAY_API_KEY} or dev mode's key), {@code -Drate=} requests or connections
 * per second, {@code -Dduration=} seconds, {@code -DbatchSize=} events per request. Every run is bounded by its
 * duration.
 */
final class Target {

  static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
  static final double RATE = Double.parseDouble(System.getProperty("rate", "200"));
  static final Duration DURATION = Duration.ofSeconds(Long.parseLong(System.getProperty("duration", "30")));
  static final int BATCH_SIZE = Integer.parseInt(System.getProperty("batchSize", "100"));

  static {
    String host = URI.create(BASE_URL).getHost();
    if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
      throw new IllegalArgumentException("load is only sent to 127.0.0.1 or localhost, not " + BASE_URL);
    }
  }

  private Target() {
  }

  static HttpProtocolBuilder protocol() {
    HttpProtocolBuilder protocol = http.baseUrl(BASE_URL).wsBaseUrl(BASE_URL.replaceFirst("^http", "ws"))
        .acceptHeader("application/json")
        // producers keep connections alive and reuse them; a new TCP connection per virtual user would measure that instead
        .shareConnections();
    String apiKey = apiKey();
    return apiKey.isBlank() ? protocol : protocol.authorizationHeader("Bearer " + apiKey);
  }

  /** {@code -DapiKey}, else {@code $GATEWAY_API_KEY}, else the key dev mode keeps in {@code ../target/dev}. */
  private static String apiKey() {
    String key = System.getProperty("apiKey", System.getenv().getOrDefault("GATEWAY_API_KEY", ""));
    java.nio.file.Path devKey = java.nio.file.Path.of("..", "target", "dev", "dev-api-key");
    try {
      return key.isBlank() && java.nio.file.Files.isRegularFile(devKey) ? java.nio.file.Files.readString(devKey).trim() : key;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A page view (400-odd bytes, like the ones measured in docs/performance.md). */
  static String pageView() {
    return pageView(UUID.randomUUID().toString());
  }

  /** A page view with this id, its {@code time} now. */
  static String pageView(String id) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int user = random.nextInt(50_000);
    return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/gatling\","
        + "\"type\":\"analytics.page_view\",\"time\":\"" + java.time.Instant.now() + "\",\"subject\":\"user-" + user
        + "\",\"data\":{\"user_id\":\"user-" + user + "\",\"session_id\":\"s-" + (user % 7000) + "\","
        + "\"url\":\"https://shop.example/products/" + random.nextInt(900) + "\",\"title\":\"Product page\","
        + "\"referrer\":\"https://search.example/?q=shoes\",\"device\":\"MOBILE\",\"load_time_ms\":"
        + random.nextInt(900) + "}}";
  }

  /**
   * Event number {@code n} of a realistic mix: 80 % page views, 19 % chip inspections, 1 % molecules (which the
   * LLM enriches).
   */
  static String mixed(String id, long n) {
    long slot = n % 100;
    return slot == 0 ? molecule(id) : slot < 20 ? inspection(id) : pageView(id);
  }

  /** An inspection result of one of eight lines, 3 % failing. */
  static String inspection() {
    return inspection(UUID.randomUUID().toString());
  }

  static String inspection(String id) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int line = random.nextInt(8);
    return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/gatling/fab\","
        + "\"type\":\"chip.inspection.completed\",\"time\":\"" + java.time.Instant.now() + "\",\"data\":{"
        + "\"inspection_id\":\"I-" + random.nextInt(1_000_000) + "\",\"batch_id\":\"B-" + random.nextInt(200) + "\","
        + "\"wafer_id\":\"W-" + random.nextInt(10_000) + "\",\"line_id\":\"LINE-" + line + "\",\"product_id\":\"P-"
        + (line % 3) + "\",\"result\":\"" + (random.nextInt(100) < 3 ? "FAIL" : "PASS") + "\","
        + "\"dies_inspected\":420,\"defect_count\":" + random.nextInt(4) + ",\"duration_ms\":" + random.nextInt(5000) + "}}";
  }

  /** A molecule among a few hundred, so that the LLM cache sees repeats as it would in a lab. */
  static String molecule() {
    return molecule(UUID.randomUUID().toString());
  }

  static String molecule(String id) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int chain = 1 + random.nextInt(20);
    int branch = random.nextInt(15);
    return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/gatling/lab\","
        + "\"type\":\"chemistry.molecule_submitted\",\"time\":\"" + java.time.Instant.now() + "\",\"data\":{\"molecule_id\":\"M-" + random.nextInt(1_000_000)
        + "\",\"name\":\"candidate\",\"smiles\":\"" + "C".repeat(chain) + "O" + "C".repeat(branch) + "N\","
        + "\"lab\":\"Lab 3\",\"notes\":\"Colourless liquid. Flammable. Irritating to eyes.\"}}";
  }

  static String batch(int size, String separator, java.util.function.Supplier<String> event) {
    StringBuilder body = new StringBuilder(size * 450);
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        body.append(separator);
      }
      body.append(event.get());
    }
    return body.toString();
  }
}
