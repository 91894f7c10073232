package io.eventgateway.loadtest;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;

/**
 * One side-by-side run on one machine (see {@code bench.sh}, which starts dev mode for it): the raw ceilings —
 * Kafka's own producer with the gateway's settings and record sizes, PostgreSQL COPY of the same rows — then the
 * gateway, batched and single-event over HTTP, and end to end into PostgreSQL. Prints one table and writes it to
 * {@code target/bench.json} with the ratios. Loopback only; every phase is bounded in count and time.
 *
 * <p>A first slice of issue 8: the WebSocket phase, the fixed 10k/s offered load, heap and CPU are still to come.
 */
public final class Bench {

  private static final String API = System.getProperty("api", "http://127.0.0.1:8080");
  private static final String KAFKA = System.getProperty("kafka", "127.0.0.1:19092");
  private static final String PG = System.getProperty("pg", "jdbc:postgresql://127.0.0.1:15432/postgres?user=postgres");
  private static final int EVENTS = Integer.getInteger("events", 200_000);
  private static final String KEY = System.getProperty("apiKey", System.getenv().getOrDefault("GATEWAY_API_KEY", ""));

  private final Map<String, Object> results = new LinkedHashMap<>();
  private final String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);

  public static void main(String[] args) throws Exception {
    for (String target : List.of(API, KAFKA, PG)) {
      if (!target.contains("127.0.0.1") && !target.contains("localhost")) {
        throw new IllegalArgumentException("the bench only runs against 127.0.0.1, not " + target);
      }
    }
    new Bench().all();
  }

  private void all() throws Exception {
    ConsumerRecord<String, byte[]> sample = gatewayRecord();
    double kafka = kafkaCeiling(sample);
    double copy = copyCeiling();
    double[] batched = gatewayBatched();
    double single = gatewaySingle();
    results.put("ratio gateway batched / Kafka producer", round(batched[0] / kafka));
    results.put("ratio end to end / COPY", round(batched[1] / copy));
    StringBuilder json = new StringBuilder("{\n");
    results.forEach((name, value) -> {
      System.out.printf("%-55s %s%n", name, value);
      json.append("  \"").append(name).append("\": ").append(value instanceof String ? "\"" + value + "\"" : value)
          .append(",\n");
    });
    json.setLength(json.length() - 2);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "bench.json"), json.append("\n}\n").toString());
    System.out.println("written to target/bench.json (single-event rate " + round(single) + " events/s)");
  }

  /** A record the gateway produced, so that the ceiling uses the same value size and headers. */
  private ConsumerRecord<String, byte[]> gatewayRecord() throws Exception {
    post("application/x-ndjson", Target.pageView().replace("\"id\":\"", "\"id\":\"" + run + "-probe-"));
    Properties properties = new Properties();
    properties.put("bootstrap.servers", KAFKA);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties,
        new org.apache.kafka.common.serialization.StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor("events.analytics").stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      for (int poll = 0; poll < 50; poll++) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          results.put("record value bytes (Avro, Confluent framing)", record.value().length);
          results.put("record headers", record.headers().toArray().length);
          return record;
        }
      }
    }
    throw new IllegalStateException("no record on events.analytics");
  }

  /** Kafka's own producer, the gateway's settings (acks=all, idempotence, lz4, linger 5 ms, 128 KiB batches). */
  private double kafkaCeiling(ConsumerRecord<String, byte[]> sample) throws Exception {
    String topic = "bench.ceiling";
    Properties admin = new Properties();
    admin.put("bootstrap.servers", KAFKA);
    try (Admin client = Admin.create(admin)) {
      if (!client.listTopics().names().get().contains(topic)) {
        client.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
      }
    }
    Properties settings = new Properties();
    settings.put("bootstrap.servers", KAFKA);
    settings.put("acks", "all");
    settings.put("enable.idempotence", "true");
    settings.put("compression.type", "lz4");
    settings.put("linger.ms", "5");
    settings.put("batch.size", "131072");
    settings.put("buffer.memory", "67108864");
    settings.put("max.in.flight.requests.per.connection", "5");
    byte[] value = sample.value();
    Header[] headers = sample.headers().toArray();
    long started = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < EVENTS; i++) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, run + "-" + i, value);
        for (Header header : headers) {
          record.headers().add(header);
        }
        producer.send(record);
      }
      producer.flush();
    }
    double rate = EVENTS / seconds(started);
    results.put("Kafka producer ceiling (records/s, acked)", round(rate));
    return rate;
  }

  /** PostgreSQL COPY of rows shaped as the gateway stores them, into a scratch table like {@code events}. */
  private double copyCeiling() throws Exception {
    StringBuilder rows = new StringBuilder(EVENTS * 400);
    String data = Target.pageView().replaceAll(".*\"data\":(\\{.*\\})}$", "$1").replace("\\", "\\\\");
    for (int i = 0; i < EVENTS; i++) {
      rows.append(run).append("-copy-").append(i).append("\tanalytics.page_view\tanalytics\t/bench\t\\N\t")
          .append("2026-11-23 10:00:00+00\t").append(data).append("\t1\tevents.analytics\t").append(i % 6)
          .append('\t').append(i).append("\t2026-11-23 10:00:00+00\n");
    }
    try (Connection connection = DriverManager.getConnection(PG); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TEMP TABLE bench_copy (LIKE events INCLUDING ALL)");
      long started = System.nanoTime();
      connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench_copy (event_id, event_type, family, "
          + "source, subject, event_time, data, schema_id, topic, kafka_partition, kafka_offset, received_at) "
          + "FROM STDIN", new StringReader(rows.toString()));
      double rate = EVENTS / seconds(started);
      results.put("PostgreSQL COPY ceiling (rows/s)", round(rate));
      return rate;
    }
  }

  /**
   * 8 clients post NDJSON batches of 1,000 until {@link #EVENTS} are acknowledged; then waits until they are all
   * stored. @return acknowledged events/s and end-to-end events/s (first request to last row)
   */
  private double[] gatewayBatched() throws Exception {
    int batches = EVENTS / 1_000;
    AtomicLong next = new AtomicLong();
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    long started = System.nanoTime();
    for (int c = 0; c < 8; c++) {
      clients.submit(() -> {
        for (long b; (b = next.getAndIncrement()) < batches; ) {
          StringBuilder body = new StringBuilder(1_000 * 450);
          for (int i = 0; i < 1_000; i++) {
            body.append(Target.pageView().replace("\"id\":\"", "\"id\":\"" + run + "-b-")).append('\n');
          }
          long sent = System.nanoTime();
          int status = post("application/x-ndjson", body.toString());
          latencies.add((System.nanoTime() - sent) / 1_000_000);
          if (status != 202) {
            throw new IllegalStateException("batch answered " + status);
          }
        }
        return null;
      });
    }
    clients.shutdown();
    clients.awaitTermination(10, TimeUnit.MINUTES);
    double acked = EVENTS / seconds(started);
    results.put("gateway HTTP batched 1,000 (events/s acked)", round(acked));
    results.put("gateway HTTP batched ack latency p50/p95/p99 ms", percentiles(latencies));
    try (Connection connection = DriverManager.getConnection(PG); Statement statement = connection.createStatement()) {
      long deadline = System.currentTimeMillis() + 600_000;
      while (System.currentTimeMillis() < deadline) {
        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM events WHERE event_id LIKE '" + run + "-b-%'")) {
          rows.next();
          if (rows.getLong(1) >= EVENTS) {
            break;
          }
        }
        Thread.sleep(100);
      }
    }
    double endToEnd = EVENTS / seconds(started);
    results.put("gateway end to end into PostgreSQL at saturation (events/s)", round(endToEnd));
    return new double[] {acked, endToEnd};
  }

  /** 64 requests in flight, one event each, for 15 s. @return acknowledged events/s */
  private double gatewaySingle() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Semaphore inFlight = new Semaphore(64);
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicLong acked = new AtomicLong();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    long started = System.nanoTime();
    long end = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < end) {
      inFlight.acquire();
      long sent = System.nanoTime();
      pending.add(http.sendAsync(request("application/cloudevents+json", Target.pageView()),
              HttpResponse.BodyHandlers.discarding())
          .whenComplete((response, error) -> {
            inFlight.release();
            if (response != null && response.statusCode() == 202) {
              acked.incrementAndGet();
              latencies.add((System.nanoTime() - sent) / 1_000_000);
            }
          }));
      if (pending.size() > 10_000) {
        pending.removeIf(CompletableFuture::isDone);
      }
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(error -> null).join();
    double rate = acked.get() / seconds(started);
    results.put("gateway HTTP single event, 64 in flight (events/s acked)", round(rate));
    results.put("gateway HTTP single event ack latency p50/p95/p99 ms", percentiles(latencies));
    return rate;
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static int post(String contentType, String body) throws IOException, InterruptedException {
    return HTTP.send(request(contentType, body), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static HttpRequest request(String contentType, String body) {
    return HttpRequest.newBuilder(URI.create(API + "/v1/events")).timeout(Duration.ofSeconds(60))
        .header("Content-Type", contentType).header("Authorization", "Bearer " + KEY)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
  }

  private static String percentiles(ConcurrentLinkedQueue<Long> latencies) {
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return "n/a";
    }
    return Arrays.stream(new double[] {0.50, 0.95, 0.99})
        .mapToObj(q -> String.valueOf(sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))]))
        .reduce((a, b) -> a + "/" + b).orElseThrow();
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
