package io.eventgateway.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;

/**
 * A bounded load that behaves like a careful producer while a test breaks things: {@code threads} clients each post
 * batches of fresh page views for {@code duration}; an event not acknowledged ({@code 429}, {@code 503},
 * {@code 504}, a refused or dropped connection) is sent again with the same id after a pause, until it is
 * acknowledged or {@code giveUpAfter} has passed. It records every id sent and every id acknowledged, so that
 * {@link #verify} can count what the database holds.
 */
final class FaultLoad implements AutoCloseable {

  private final String run = "f" + UUID.randomUUID().toString().substring(0, 8);
  private final Supplier<String> baseUrl;
  private final String apiKey;
  private final int threads;
  private final int batchSize;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();
  private final ExecutorService pool;
  private final Set<String> sent = ConcurrentHashMap.newKeySet();
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final Set<String> rejected = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicLong> responses = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private int moleculeEvery;
  private volatile long stopSendingAt;
  private volatile long giveUpAt;

  /** @param baseUrl asked before every request, so that a test may move the load to a restarted gateway */
  FaultLoad(Supplier<String> baseUrl, String apiKey, int threads, int batchSize) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.threads = threads;
    this.batchSize = batchSize;
    this.pool = Executors.newFixedThreadPool(threads);
  }

  /** Makes every {@code n}th event a molecule submission (one of 1,600 molecules), for the enrichment path. */
  FaultLoad withMoleculeEvery(int n) {
    moleculeEvery = n;
    return this;
  }

  /** Starts the clients; new batches stop after {@code duration}, retries after {@code duration + giveUpAfter}. */
  FaultLoad start(Duration duration, Duration giveUpAfter) {
    stopSendingAt = System.currentTimeMillis() + duration.toMillis();
    giveUpAt = stopSendingAt + giveUpAfter.toMillis();
    for (int t = 0; t < threads; t++) {
      pool.submit(this::client);
    }
    return this;
  }

  private void client() {
    while (System.currentTimeMillis() < stopSendingAt) {
      List<JsonObject> batch = new ArrayList<>(batchSize);
      for (int i = 0; i < batchSize; i++) {
        long n = sequence.incrementAndGet();
        JsonObject event = (moleculeEvery > 0 && n % moleculeEvery == 0
                ? ApiClient.molecule(
                    "amino ether " + n,
                    "C".repeat(1 + (int) (n % 40)) + "O" + "C".repeat(1 + (int) (n / 40 % 40))
                        + "N",
                    "")
                : ApiClient.pageView(run + "-u" + (n % 50)))
            .put("id", run + "-" + n);
        sent.add(event.getString("id"));
        batch.add(event);
      }
      deliver(batch);
    }
  }

  /** Posts {@code batch} until every event in it is acknowledged, or gives up at the deadline. */
  private void deliver(List<JsonObject> batch) {
    List<JsonObject> pending = batch;
    while (!pending.isEmpty()) {
      if (System.currentTimeMillis() > giveUpAt) {
        pending.forEach(event -> rejected.add(event.getString("id")));
        return;
      }
      JsonArray body = new JsonArray(new ArrayList<>(pending));
      long pauseMs = 200;
      try {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create(baseUrl.get() + "/v1/events"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/cloudevents-batch+json")
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        count(String.valueOf(response.statusCode()));
        List<JsonObject> notYet = new ArrayList<>();
        if (response.statusCode() == 202 || response.statusCode() == 207) {
          JsonArray results = new JsonObject(response.body()).getJsonArray("results");
          for (int i = 0; i < pending.size(); i++) {
            if (results.getJsonObject(i).getInteger("status") == 202) {
              acknowledged.add(pending.get(i).getString("id"));
            } else {
              notYet.add(pending.get(i));
            }
          }
        } else if (response.statusCode() == 429 || response.statusCode() >= 500) {
          notYet = pending;
          pauseMs = Math.min(
              1_000,
              1_000
                  * Long.parseLong(response.headers().firstValue("Retry-After").orElse("1")));
        } else {
          throw new AssertionError("unexpected " + response.statusCode() + ": " + response.body());
        }
        pending = notYet;
      } catch (IOException e) {
        count("connection error");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (!pending.isEmpty()) {
        sleep(pauseMs);
      }
    }
  }

  private void count(String outcome) {
    responses.computeIfAbsent(outcome, key -> new AtomicLong()).incrementAndGet();
  }

  /** Waits for the clients to finish (acknowledged or given up). */
  FaultLoad awaitClients() throws InterruptedException {
    pool.shutdown();
    if (!pool.awaitTermination(
        giveUpAt - System.currentTimeMillis() + 90_000, TimeUnit.MILLISECONDS)) {
      throw new AssertionError("load clients did not finish");
    }
    return this;
  }

  long acknowledgedCount() {
    return acknowledged.size();
  }

  /** What the database holds of this run, compared with what the clients were told. */
  record Counts(
      String fault,
      long sent,
      long acknowledged,
      long rejected,
      long stored,
      long storedOfAcknowledged,
      long duplicates,
      long lost,
      long molecules,
      long enriched,
      Map<String, Long> responses) {

    @Override
    public String toString() {
      return String.format(
          "FAULT %-22s sent=%d acknowledged=%d rejected=%d stored=%d duplicates=%d lost=%d%s "
              + "responses=%s",
          fault,
          sent,
          acknowledged,
          rejected,
          stored,
          duplicates,
          lost,
          molecules == 0 ? "" : " molecules=" + molecules + " enriched=" + enriched,
          responses);
    }
  }

  /**
   * Counts this run in the database: {@code lost} acknowledged ids without a row; {@code duplicates} page views
   * counted more than once by the per-user rollups, which the writer updates in the same statement as the rows (a
   * redelivered event that was written twice would be counted twice there, even though the id is a primary key).
   */
  Counts verify(String fault, Connection connection) throws SQLException {
    Counts counts = count(fault, connection);
    System.out.println(counts);
    return counts;
  }

  /**
   * Waits until the processor stored every acknowledged event, prints the counts and checks the promise: none
   * lost, none counted twice, none given up on.
   */
  Counts assertNothingLost(String fault, Connection connection) throws SQLException {
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> count(fault, connection).lost() == 0);
    Counts counts = verify(fault, connection);
    Assertions.assertThat(counts.lost()).isZero();
    Assertions.assertThat(counts.duplicates()).isZero();
    Assertions.assertThat(counts.rejected()).isZero();
    return counts;
  }

  /** {@link #verify} without printing, for polling until the processor caught up. */
  Counts count(String fault, Connection connection) throws SQLException {
    long stored =
        single(connection, "SELECT count(*) FROM events WHERE event_id LIKE ?", run + "-%");
    long storedOfAcknowledged;
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT count(*) FROM events WHERE event_id = ANY (?)")) {
      statement.setArray(1, connection.createArrayOf("text", acknowledged.toArray(String[]::new)));
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        storedOfAcknowledged = rows.getLong(1);
      }
    }
    long counted = single(
        connection,
        "SELECT coalesce(sum(events), 0) FROM user_stats WHERE user_id LIKE ?",
        run + "-u%");
    long pageViews = single(
        connection,
        "SELECT count(*) FROM events WHERE event_id LIKE ? AND event_type = 'analytics.page_view'",
        run + "-%");
    long molecules = single(
        connection,
        "SELECT count(*) FROM events WHERE event_id LIKE ? AND event_type = 'chemistry.molecule_submitted'",
        run + "-%");
    long enriched = single(
        connection, "SELECT count(*) FROM molecule_enrichments WHERE event_id LIKE ?", run + "-%");
    Map<String, Long> byOutcome = new TreeMap<>();
    responses.forEach((outcome, n) -> byOutcome.put(outcome, n.get()));
    return new Counts(
        fault,
        sent.size(),
        acknowledged.size(),
        rejected.size(),
        stored,
        storedOfAcknowledged,
        counted - pageViews,
        acknowledged.size() - storedOfAcknowledged,
        molecules,
        enriched,
        byOutcome);
  }

  private static long single(Connection connection, String sql, String pattern)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, pattern);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
