package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Back-pressure: an offered load well above capacity gets 429s, not unbounded memory")
class OverloadIT {

  private static final int REQUESTS_PER_SECOND = 100;
  private static final int EVENTS_PER_REQUEST = 1_000;
  private static final Duration LOAD = Duration.ofSeconds(20);
  private static final String HEAP = "256m";

  @Test
  @DisplayName(
      "open-loop 100k events/s for 20 s at a gateway with a 256 MiB heap: 429 + Retry-After, heap bounded, acked events stored once")
  void overCapacity() throws Exception {
    JsonObject config = GatewayInstance.isolated("overload");
    try (GatewayProcess gateway = GatewayProcess.start(config, "all", "overload", Map.of(), HEAP)) {
      String key = GatewayProcess.createAdminKey(config, "overload");
      HttpClient http =
          HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      ApiClient management = new ApiClient(gateway.managementUrl());
      String run = "o" + UUID.randomUUID().toString().substring(0, 8);
      Ledger ledger = new Ledger();
      List<Throwable> unreadable = new CopyOnWriteArrayList<>();
      Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
      List<CompletableFuture<?>> requests = new CopyOnWriteArrayList<>();
      AtomicLong sent = new AtomicLong();
      AtomicLong sentBytes = new AtomicLong();
      AtomicLong peakHeap = new AtomicLong();
      AtomicLong peakLive = new AtomicLong();
      AtomicLong retryAfterMissing = new AtomicLong();

      // the heap is sampled beside the load, so that scraping never slows the generator down
      Thread sampler = new Thread(
          () -> {
            while (!Thread.currentThread().isInterrupted()) {
              List<String> metrics = management.get("/metrics").body().lines().toList();
              peakHeap.accumulateAndGet(
                  sum(metrics, "jvm_memory_used_bytes{", "area=\"heap\""), Math::max);
              peakLive.accumulateAndGet(sum(metrics, "jvm_gc_live_data_size_bytes", ""), Math::max);
              FaultLoad.sleep(200);
            }
          },
          "heap-sampler");
      sampler.start();
      long end = System.currentTimeMillis() + LOAD.toMillis();
      long next = System.currentTimeMillis();
      int request = 0;
      while (System.currentTimeMillis() < end) {
        String batch = batch(run, request);
        List<Ledger.Entry> entries = entries(ledger, run, request);
        sent.addAndGet(EVENTS_PER_REQUEST);
        sentBytes.addAndGet(batch.length());
        requests.add(http.sendAsync(
                HttpRequest.newBuilder(URI.create(gateway.apiUrl() + "/v1/events"))
                    .timeout(Duration.ofSeconds(90))
                    .header("Content-Type", "application/cloudevents-batch+json")
                    .header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(batch))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .whenComplete((response, error) -> {
              String outcome = error != null ? "error" : String.valueOf(response.statusCode());
              statuses.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
              try {
                record(ledger, entries, response);
              } catch (RuntimeException | AssertionError e) {
                unreadable.add(e);
              }
              if (response != null
                  && response.statusCode() == 429
                  && response.headers().firstValue("Retry-After").isEmpty()) {
                retryAfterMissing.incrementAndGet();
              }
            }));
        request++;
        next += 1000 / REQUESTS_PER_SECOND;
        FaultLoad.sleep(Math.max(0, next - System.currentTimeMillis()));
      }
      CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new))
          .exceptionally(error -> null)
          .join();
      sampler.interrupt();
      sampler.join();
      Map<String, Long> byStatus = new TreeMap<>();
      statuses.forEach((status, n) -> byStatus.put(status, n.get()));
      System.out.printf(
          "OVERLOAD offered=%d events (%d MiB, %d/s) acknowledged=%d refused=%d unknown=%d responses=%s peak heap used=%d MiB, "
              + "peak live data after GC=%d MiB, of -Xmx%s%n",
          sent.get(),
          sentBytes.get() >> 20,
          REQUESTS_PER_SECOND * EVENTS_PER_REQUEST,
          ledger.count(Ledger.Outcome.ACKNOWLEDGED),
          ledger.count(Ledger.Outcome.REFUSED),
          ledger.count(Ledger.Outcome.UNKNOWN),
          byStatus,
          peakHeap.get() >> 20,
          peakLive.get() >> 20,
          HEAP);

      assertThat(unreadable).as("answers the client could not read").isEmpty();
      // with -XX:+ExitOnOutOfMemoryError, a heap the load could fill would have ended the process
      assertThat(gateway.alive()).as("the gateway survived").isTrue();
      assertThat(gateway.log()).doesNotContain("OutOfMemoryError");
      assertThat(peakLive.get()).as("the heap was sampled").isPositive();
      assertThat(byStatus).containsKey("429");
      assertThat(ledger.count(Ledger.Outcome.ACKNOWLEDGED))
          .as("overload refuses some, not all: the gateway kept storing at its pace")
          .isPositive();
      assertThat(ledger.sent())
          .as("every event sent has an outcome")
          .isEqualTo(ledger.count(Ledger.Outcome.ACKNOWLEDGED)
              + ledger.count(Ledger.Outcome.REFUSED)
              + ledger.count(Ledger.Outcome.UNKNOWN));
      assertThat(byStatus).doesNotContainKey("error").doesNotContainKey("500");
      assertThat(retryAfterMissing.get()).isZero();
      // the gateway runs with -XX:+ExitOnOutOfMemoryError: alive after more bytes than its heap
      // holds means bounded
      assertThat(sentBytes.get())
          .as("offered more than the heap could hold")
          .isGreaterThan(256L << 20);
      try (Connection connection = DriverManager.getConnection(
          TestInfra.jdbcUrl(config.getJsonObject("postgres").getString("url")))) {
        System.out.println("OVERLOAD "
            + ExactlyOnce.awaitExactlyOnce(connection, ledger, run, Duration.ofSeconds(120)));
      }
    }
  }

  /** The ledger's entries of a batch, in its order. */
  private static List<Ledger.Entry> entries(Ledger ledger, String run, int request) {
    List<Ledger.Entry> entries = new ArrayList<>(EVENTS_PER_REQUEST);
    for (int i = 0; i < EVENTS_PER_REQUEST; i++) {
      entries.add(ledger.sent(new Ledger.Entry(
          "default",
          "/overload",
          run + "-" + request + "-" + i,
          "analytics.page_view",
          run + "-u" + (i % 50))));
    }
    return entries;
  }

  /**
   * What an answer says of each event: {@code 202}s acknowledged (in a {@code 207} too), {@code 429}s refused, a
   * timeout, a {@code 5xx} or no answer unknown; any other answer fails the run.
   */
  private static void record(
      Ledger ledger, List<Ledger.Entry> entries, HttpResponse<String> response) {
    int status = response == null ? -1 : response.statusCode();
    if (status == 202 || status == 207) {
      JsonArray results = new JsonObject(response.body()).getJsonArray("results");
      assertThat(results).hasSize(entries.size());
      for (int i = 0; i < entries.size(); i++) {
        int eventStatus = results.getJsonObject(i).getInteger("status");
        if (eventStatus == 202) {
          ledger.acknowledged(entries.get(i));
        } else if (eventStatus == 429) {
          ledger.refused(entries.get(i));
        } else {
          assertThat(eventStatus).as("an event's status").isIn(408, 503, 504);
          ledger.unknown(entries.get(i));
        }
      }
    } else if (status == 429) {
      entries.forEach(ledger::refused);
    } else {
      assertThat(status).as("a batch's status").isIn(-1, 408, 503, 504);
      entries.forEach(ledger::unknown);
    }
  }

  /** A batch of page views built as text: the generator must outpace the gateway, so no JSON objects here. */
  private static String batch(String run, int request) {
    StringBuilder body = new StringBuilder(EVENTS_PER_REQUEST * 300).append('[');
    for (int i = 0; i < EVENTS_PER_REQUEST; i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"specversion\":\"1.0\",\"id\":\"")
          .append(run)
          .append('-')
          .append(request)
          .append('-')
          .append(i)
          .append("\",\"source\":\"/overload\",\"type\":\"analytics.page_view\",\"data\":{"
              + "\"user_id\":\"")
          .append(run)
          .append("-u")
          .append(i % 50)
          .append("\",\"url\":\"https://shop.example/p/")
          .append(i)
          .append("\",\"device\":\"MOBILE\"}}");
    }
    return body.append(']').toString();
  }

  /** The sum of the samples of one metric from the gateway's own Prometheus scrape. */
  private static long sum(List<String> metrics, String prefix, String label) {
    return metrics.stream()
        .filter(line -> line.startsWith(prefix) && line.contains(label))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
