package io.eventgateway.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;

/**
 * A bounded load that behaves like a careful producer while a test breaks things: {@code threads} clients each post
 * batches of fresh page views for {@code duration}; an event not acknowledged ({@code 429}, {@code 503},
 * {@code 504}, a refused or dropped connection) is sent again with the same id after a pause, until it is
 * acknowledged or {@code giveUpAfter} has passed. Every event and every answer goes into a {@link Ledger}, which
 * {@link ExactlyOnce} holds against the store; a client that meets an answer it cannot explain fails the run.
 */
final class FaultLoad implements AutoCloseable {

  /** The tenant of the keys the fault tests load with (admin keys of the default tenant). */
  private static final String TENANT = "default";

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
  private final List<Future<?>> clients = new ArrayList<>();
  private final Ledger ledger = new Ledger();
  private final Map<String, AtomicLong> responses = new ConcurrentHashMap<>();
  private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong sequence = new AtomicLong();
  private int moleculeEvery;
  private volatile long stopSendingAt;
  private volatile long giveUpAt;

  /** One request: when it was sent and answered ({@link System#nanoTime}), and what came back. */
  private record Attempt(long sentAt, long answeredAt, String outcome) {}

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
      clients.add(pool.submit(this::client));
    }
    return this;
  }

  private Void client() throws InterruptedException {
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
        batch.add(event);
      }
      deliver(batch);
    }
    return null;
  }

  /** Posts {@code batch} until every event in it is acknowledged, or gives up at the deadline. */
  private void deliver(List<JsonObject> batch) throws InterruptedException {
    List<Ledger.Entry> entries =
        batch.stream().map(event -> ledger.sent(TENANT, event)).toList();
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      pending.add(i);
    }
    while (!pending.isEmpty() && System.currentTimeMillis() <= giveUpAt) {
      JsonArray body = new JsonArray();
      pending.forEach(i -> body.add(batch.get(i)));
      long pauseMs = 200;
      long sentAt = System.nanoTime();
      List<Integer> notYet = new ArrayList<>();
      try {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create(baseUrl.get() + "/v1/events"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/cloudevents-batch+json")
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        answered(sentAt, String.valueOf(status));
        if (status == 202 || status == 207) {
          JsonArray results = new JsonObject(response.body()).getJsonArray("results");
          for (int r = 0; r < pending.size(); r++) {
            int eventStatus = results.getJsonObject(r).getInteger("status");
            Ledger.Entry entry = entries.get(pending.get(r));
            if (eventStatus == 202) {
              ledger.acknowledged(entry);
            } else if (retried(eventStatus)) {
              record(entry, eventStatus);
              notYet.add(pending.get(r));
            } else {
              throw new AssertionError(
                  "event refused with " + eventStatus + ": " + response.body());
            }
          }
        } else if (retried(status)) {
          pending.forEach(i -> record(entries.get(i), status));
          notYet = pending;
          pauseMs = Math.min(
              1_000,
              1_000
                  * Long.parseLong(response.headers().firstValue("Retry-After").orElse("1")));
        } else {
          throw new AssertionError("unexpected " + status + ": " + response.body());
        }
      } catch (ConnectException | HttpConnectTimeoutException notConnected) {
        // nothing was sent: a definite no
        answered(sentAt, "connection refused");
        pending.forEach(i -> ledger.refused(entries.get(i)));
        notYet = pending;
      } catch (IOException cut) {
        // sent, perhaps stored: only the store can tell
        answered(sentAt, "connection cut");
        pending.forEach(i -> ledger.unknown(entries.get(i)));
        notYet = pending;
      }
      pending = notYet;
      if (!pending.isEmpty()) {
        Thread.sleep(pauseMs);
      }
    }
  }

  /** Answers a careful producer sends again after: back-pressure, a timeout, Kafka unreachable. */
  private static boolean retried(int status) {
    return status == 429 || status == 408 || status >= 500;
  }

  /** {@code 429} is a definite no; a timeout or a {@code 5xx} leaves open whether Kafka has the event. */
  private void record(Ledger.Entry entry, int status) {
    if (status == 429) {
      ledger.refused(entry);
    } else {
      ledger.unknown(entry);
    }
  }

  private void answered(long sentAt, String outcome) {
    attempts.add(new Attempt(sentAt, System.nanoTime(), outcome));
    responses.computeIfAbsent(outcome, key -> new AtomicLong()).incrementAndGet();
  }

  /**
   * Waits for the clients to finish (acknowledged or given up); a client that failed (an answer it could not
   * explain) fails the caller with its error.
   */
  FaultLoad awaitClients() throws Exception {
    pool.shutdown();
    long waitMs = giveUpAt - System.currentTimeMillis() + 90_000;
    for (Future<?> client : clients) {
      try {
        client.get(Math.max(1, waitMs), TimeUnit.MILLISECONDS);
      } catch (ExecutionException failed) {
        throw new AssertionError("a load client failed: " + failed.getCause(), failed.getCause());
      } catch (TimeoutException stuck) {
        throw new AssertionError("load clients did not finish", stuck);
      }
    }
    Assertions.assertThat(ledger.unanswered())
        .as("events sent without any answer")
        .isZero();
    return this;
  }

  long acknowledgedCount() {
    return ledger.count(Ledger.Outcome.ACKNOWLEDGED);
  }

  /** What the requests in flight at {@code nanoTime} got: their statuses, or how their connection failed. */
  Map<String, Long> outcomesInFlightAt(long nanoTime) {
    synchronized (attempts) {
      return attempts.stream()
          .filter(attempt -> attempt.sentAt() <= nanoTime && attempt.answeredAt() >= nanoTime)
          .collect(Collectors.groupingBy(Attempt::outcome, TreeMap::new, Collectors.counting()));
    }
  }

  /** What the store holds of this run ({@link ExactlyOnce}), its molecules and their LLM enrichments. */
  record Counts(
      String fault,
      ExactlyOnce.Report report,
      long molecules,
      long enrichedByLlm,
      Map<String, Long> responses) {

    long acknowledged() {
      return report.acknowledged();
    }

    long stored() {
      return report.rows();
    }

    long lost() {
      return report.lost().count();
    }

    @Override
    public String toString() {
      return String.format(
          "FAULT %-22s %s%s responses=%s",
          fault,
          report,
          molecules == 0 ? "" : " molecules=" + molecules + " enrichedByLlm=" + enrichedByLlm,
          responses);
    }
  }

  /**
   * Waits until the processor stored every acknowledged event, prints the counts and checks the promise: every
   * acknowledged event stored exactly once, nothing else stored, the rollups as the ledger says, and every event
   * acknowledged in the end (none given up on).
   */
  Counts assertNothingLost(String fault, Connection connection) throws SQLException {
    ExactlyOnce.awaitExactlyOnce(connection, ledger, run, Duration.ofSeconds(90));
    Counts counts = count(fault, connection);
    System.out.println(counts);
    Assertions.assertThat(counts.report().exact()).as(counts.toString()).isTrue();
    Assertions.assertThat(counts.report().refused() + counts.report().unknown())
        .as("events never acknowledged")
        .isZero();
    return counts;
  }

  /** The counts now, without waiting or asserting, for polling until the processor caught up. */
  Counts count(String fault, Connection connection) throws SQLException {
    Map<String, Long> byOutcome = new TreeMap<>();
    responses.forEach((outcome, n) -> byOutcome.put(outcome, n.get()));
    return new Counts(
        fault,
        ExactlyOnce.check(connection, ledger, run),
        single(
            connection,
            "SELECT count(*) FROM events WHERE event_id LIKE ? AND event_type = 'chemistry.molecule_submitted'"),
        single(
            connection,
            "SELECT count(*) FROM molecule_enrichments WHERE event_id LIKE ? AND source IN ('llm', 'cache')"),
        byOutcome);
  }

  private long single(Connection connection, String sql) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, run + "-%");
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
