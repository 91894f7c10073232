package io.eventgateway.loadtest;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;

/**
 * The side-by-side benchmark (run by {@code bench.sh}, which starts the stack for it, each part in its own process):
 * on one machine, in one run, the raw ceilings — Kafka's own producer with the gateway's settings and record sizes
 * for 20 s into a topic a consumer group reads along, PostgreSQL COPY of the same rows into a table shaped like
 * {@code events} and as full as the day partition the gateway writes — between the gateway's phases: ingest only
 * (processor stopped), processing only (draining that backlog), both together, an idle gateway's single-event
 * latency, single events from 256 connections, WebSocket, and a fixed offered 10,000 events/s (ack and end-to-end
 * latency: event {@code time} to row stored). Every phase gives CPU microseconds per event for each component.
 * Every phase runs {@code -Druns} times (default 3) and the table gives the median; {@code -DsoakSeconds} adds a
 * soak at half the COPY ceiling, watching the consumer backlog. Writes {@code target/bench.json}. Loopback only;
 * every phase is bounded in count and time.
 */
public final class Bench {

  private static final String API = System.getProperty("api", "http://127.0.0.1:8080");
  private static final String KAFKA = System.getProperty("kafka", "127.0.0.1:19092");
  private static final String BARE_API = System.getProperty("bareApi", "http://127.0.0.1:18080");
  private static final String PG = System.getProperty("pg", "jdbc:postgresql://127.0.0.1:15432/postgres?user=postgres");
  private static final String KEY = System.getProperty("apiKey", System.getenv().getOrDefault("GATEWAY_API_KEY", ""));
  private static final int EVENTS = Integer.getInteger("events", 200_000);
  private static final int RUNS = Integer.getInteger("runs", 3);
  /** The warm-up's limit; it ends sooner once ingest's JIT compiler is nearly idle. */
  private static final int WARM_UP_SECONDS = Integer.getInteger("warmUpSeconds", 240);
  private static final int WARM_UP_ROUND_SECONDS = 15;
  /** Ingest's JIT compiler, in cores over a warm-up round, below which compiling no longer weighs in a phase. */
  private static final double WARM_JIT_CORES = 0.05;
  private static final int PHASE_SECONDS = Integer.getInteger("phaseSeconds", 15);
  private static final int SOAK_SECONDS = Integer.getInteger("soakSeconds", 0);
  private static final int SUSTAINED_SECONDS = Integer.getInteger("sustainedSeconds", 0);
  private static final int FIXED_RATE = 10_000;
  /** The trickle phase's rate: far below what processing keeps up with, so its polls are small. */
  private static final int TRICKLE_RATE = 1_000;
  /** The machine's CPU, in cores, below which it counts as quiet between phases. */
  private static final double QUIET_CORES = 0.3;
  private static final Set<String> PHASES = Arrays.stream(System.getProperty("phases", "").split(","))
      .filter(name -> !name.isBlank()).collect(java.util.stream.Collectors.toSet());
  private static final int CEILING_SECONDS = Integer.getInteger("ceilingSeconds", 20);
  private static final String KAFKA_PACED = "Kafka producer at 10,000 records/s: ack";
  private static final String END_TO_END_AT_SATURATION = "end to end into PostgreSQL at saturation (events/s)";
  /** Issue 28's WebSocket target: ack p99 under 100 ms at this rate. */
  private static final String PACED_WEBSOCKET = "gateway WebSocket, 8 connections, at the batched end-to-end rate";
  private static final String BARE_CPU = "CPU bare Vert.x server: server (µs/request)";
  private static final String SINGLE_ALONE = "HTTP single, processing paused";
  private static final String BARE_IDLE = "bare Vert.x server, one request at a time: answer";
  private static final String KAFKA_ONE_RECORD_P50 = "Kafka producer, one record at a time: ack p50 (ms)";
  private static final String IDLE_FLOOR = "idle floor: bare server's one-request p50 + Kafka's one-record p50 (ms)";
  private static final String REALISTIC_COPY = "PostgreSQL realistic COPY ceiling (rows/s)";
  /** A day no event has: the realistic COPY ceiling writes into its partition, made for it and dropped after. */
  private static final String FAR_DAY = "2999-01-01";
  private static final String FAR_PARTITION = "events_" + FAR_DAY.replace("-", "");
  private static final String COPY_EVENTS = "COPY events (event_id, event_type, family, source, subject, event_time, "
      + "data, schema_id, topic, kafka_partition, kafka_offset, received_at, tenant, ingest_day) FROM STDIN";
  private static final String REALISTIC_COPY_ROLLUPS = "PostgreSQL realistic COPY plus rollups ceiling (rows/s)";
  /** The processor's largest poll ({@code max.poll.records}): the rollups ceiling's rows per transaction. */
  private static final int CEILING_BATCH = 2_000;
  /** The tenant the rollups ceiling upserts into: nobody reads it, and its rows are deleted after. */
  private static final String CEILING_TENANT = "bench-ceiling";
  private static final List<String> ROLLUP_TABLES =
      List.of("user_stats", "user_event_counts", "event_counts_minute", "user_sessions", "quality_windows");
  /**
   * The rollups of one transaction's copied rows (the generator's mix has page views with users and sessions and
   * completed inspections; molecules have no rollup), one row per key, upserted in key order as the writer does.
   */
  private static final String CEILING_ROLLUPS = """
      WITH chunk AS MATERIALIZED (
        SELECT event_type, family, COALESCE(event_time, received_at) AS at, data FROM events
        WHERE tenant = 'default' AND ingest_day = DATE '%1$s' AND event_id BETWEEN ? AND ?
      ), analytics AS MATERIALIZED (
        SELECT event_type, at, data ->> 'user_id' AS user_id, data ->> 'session_id' AS session_id FROM chunk
        WHERE family = 'analytics' AND data ->> 'user_id' IS NOT NULL
      ), per_user AS (
        INSERT INTO user_stats AS s (tenant, user_id, first_seen, last_seen, events, purchases, revenue)
        SELECT '%2$s', user_id, min(at), max(at), count(*), count(*) FILTER (WHERE event_type = 'analytics.purchase'), 0
        FROM analytics GROUP BY user_id ORDER BY user_id
        ON CONFLICT (tenant, user_id) DO UPDATE SET
            first_seen = LEAST(s.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(s.last_seen, EXCLUDED.last_seen),
            events = s.events + EXCLUDED.events, purchases = s.purchases + EXCLUDED.purchases,
            revenue = s.revenue + EXCLUDED.revenue
      ), per_type AS (
        INSERT INTO user_event_counts AS c (tenant, user_id, event_type, count)
        SELECT '%2$s', user_id, event_type, count(*) FROM analytics GROUP BY 2, 3 ORDER BY 2, 3
        ON CONFLICT (tenant, user_id, event_type) DO UPDATE SET count = c.count + EXCLUDED.count
      ), per_minute AS (
        INSERT INTO event_counts_minute AS m (tenant, bucket, event_type, count)
        SELECT '%2$s', date_trunc('minute', at), event_type, count(*) FROM analytics GROUP BY 2, 3 ORDER BY 2, 3
        ON CONFLICT (tenant, bucket, event_type) DO UPDATE SET count = m.count + EXCLUDED.count
      ), per_session AS (
        INSERT INTO user_sessions AS u (tenant, session_id, user_id, started_at, last_at, events)
        SELECT '%2$s', session_id, min(user_id), min(at), max(at), count(*) FROM analytics
        WHERE session_id IS NOT NULL GROUP BY session_id ORDER BY session_id
        ON CONFLICT (tenant, session_id) DO UPDATE SET
            started_at = LEAST(u.started_at, EXCLUDED.started_at), last_at = GREATEST(u.last_at, EXCLUDED.last_at),
            events = u.events + EXCLUDED.events
      )
      INSERT INTO quality_windows AS q (tenant, window_start, line_id, batch_id, product_id, inspections, failed,
                                        defects, dies_inspected)
      SELECT '%2$s', date_bin('300 seconds', at, TIMESTAMPTZ 'epoch'), data ->> 'line_id', data ->> 'batch_id',
             data ->> 'product_id', count(*), count(*) FILTER (WHERE data ->> 'result' = 'FAIL'),
             sum((data ->> 'defect_count')::bigint), sum((data ->> 'dies_inspected')::bigint)
      FROM chunk WHERE event_type = 'chip.inspection.completed' GROUP BY 2, 3, 4, 5 ORDER BY 2, 3, 4, 5
      ON CONFLICT (tenant, window_start, line_id, batch_id, product_id) DO UPDATE SET
          inspections = q.inspections + EXCLUDED.inspections, failed = q.failed + EXCLUDED.failed,
          defects = q.defects + EXCLUDED.defects, dies_inspected = q.dies_inspected + EXCLUDED.dies_inspected
      """.formatted(FAR_DAY, CEILING_TENANT);
  private static final String SETUP = System.getProperty("setup", "one process (dev mode: gateway role 'all' + embedded Kafka), PostgreSQL");

  private final ProcessingLag lag = new ProcessingLag(KAFKA);
  private final String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
  private final Machine machine = new Machine(pids("ingestPids"), pids("processorPids"), pids("brokerPids"),
      pids("barePids"), System.getProperty("postgresDir", "").isBlank() ? null
          : java.nio.file.Path.of(System.getProperty("postgresDir"), "postmaster.pid"),
      Arrays.stream(System.getProperty("metrics", "http://127.0.0.1:9090/metrics").split(",")).map(URI::create).toList());
  private Map<String, Double> results;
  /** The sustained runs' 10-second lines, as printed. */
  private final List<String> sustainedLines = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    for (String target : List.of(API, BARE_API, KAFKA, PG, System.getProperty("metrics", "127.0.0.1"))) {
      if (!target.contains("127.0.0.1") && !target.contains("localhost")) {
        throw new IllegalArgumentException("the bench only runs against 127.0.0.1, not " + target);
      }
    }
    new Bench().all();
    System.exit(0);
  }

  private void all() throws Exception {
    ConsumerRecord<String, byte[]> sample = gatewayRecord();
    List<Map<String, Double>> runs = new ArrayList<>();
    Map<String, Double> soak = new LinkedHashMap<>();
    try (Load load = new Load(URI.create(API), KEY, 512); Load bare = new Load(URI.create(BARE_API), KEY, 512);
        machine; lag) {
      warmUp(load, bare);
      for (int r = 1; r <= RUNS; r++) {
        System.out.printf("run %d of %d%n", r, RUNS);
        results = new LinkedHashMap<>();
        oneRun(load, bare, sample, r);
        runs.add(results);
      }
      Map<String, Double> median = median(runs);
      if (SOAK_SECONDS > 0) {
        soak = soak(load, median.get("PostgreSQL COPY ceiling (rows/s)") / 2);
      }
      if (SUSTAINED_SECONDS > 0) {
        results = soak;
        sustained(load, "10,000 events/s in batches of 100", 10_000, 100);
        sustained(load, "20,000 events/s in batches of 100", 20_000, 100);
        sustained(load, "10,000 events/s as single events", 10_000, 1);
      }
      report(sample, runs, median, soak);
    }
  }

  /**
   * Every shape the phases send, all at once as a shared gateway gets them (single events over the phases' 256
   * connections, batches, WebSocket frames, and the bare server's requests), in rounds until ingest's JIT compiler
   * is nearly idle. After a fixed minute it was still compiling at full speed, and did so inside the first measured
   * phases: a quarter to a third of ingest's CPU per single event. Each round is bounded in time, its single events
   * and batches in count too, and its one WebSocket has one frame in flight, so that the processor's backlog stays
   * short.
   */
  private void warmUp(Load load, Load bare) {
    int rounds = Math.max(1, WARM_UP_SECONDS / WARM_UP_ROUND_SECONDS);
    System.out.printf("warming up (JIT, connections, pools): every shape at once, in rounds of %d s, until ingest's "
        + "JIT compiler uses less than %.2f cores (at most %d rounds)%n", WARM_UP_ROUND_SECONDS, WARM_JIT_CORES, rounds);
    for (int round = 1; round <= rounds; round++) {
      String prefix = "warm" + round + "-";
      long[] mark = machine.mark();
      together(
          () -> load.closedLoop(256, "application/cloudevents+json", 1, EVENTS / 2, WARM_UP_ROUND_SECONDS,
              n -> Target.pageView(id(prefix + "s", n))),
          () -> load.closedLoop(1, "application/x-ndjson", 1_000, EVENTS / 4, WARM_UP_ROUND_SECONDS,
              n -> ndjson(id(prefix + "b", n), 1_000)),
          () -> load.webSockets(1, 100, 100, WARM_UP_ROUND_SECONDS, n -> Target.pageView(id(prefix + "w", n))),
          () -> bare.closedLoop(64, "application/cloudevents+json", 1, Long.MAX_VALUE, WARM_UP_ROUND_SECONDS,
              n -> Target.pageView(id(prefix + "bare", n))));
      double jit = machine.cpuSince(mark).ingestJit();
      System.out.printf("  after %d s: ingest's JIT compiler at %.2f cores%n", round * WARM_UP_ROUND_SECONDS, jit);
      if (jit < WARM_JIT_CORES) {
        return;
      }
    }
    System.out.println("  still compiling (or not measured): each phase's 'of which the JIT compiler' line says how "
        + "much of ingest's CPU it took");
  }

  /** Runs the loads at once, each on a thread of its own, and fails the bench if one failed. */
  private static void together(Runnable... loads) {
    ExecutorService threads = Executors.newFixedThreadPool(loads.length, task -> {
      Thread thread = new Thread(task, "warm-up");
      thread.setDaemon(true);
      return thread;
    });
    try {
      CompletableFuture.allOf(Arrays.stream(loads).map(load -> CompletableFuture.runAsync(load, threads))
          .toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      throw new IllegalStateException("the warm-up failed: " + e.getCause(), e.getCause());
    } finally {
      threads.shutdown();
    }
  }

  /** A phase of a run; each may be run alone with {@code -Dphases=name,name}. */
  private interface Phase {
    void run() throws Exception;
  }

  /**
   * Each gateway phase starts once processing has caught up with the one before, so it measures itself; the
   * ceilings run between the gateway phases.
   */
  private void oneRun(Load load, Load bare, ConsumerRecord<String, byte[]> sample, int r) throws Exception {
    Map<String, Phase> phases = new LinkedHashMap<>();
    phases.put("kafka", () -> kafkaCeiling(sample));
    phases.put("ingest-then-processing", () -> ingestThenProcessing(load, r));
    phases.put("copy", () -> {
      copyCeiling();
      realisticCopyCeiling();
      realisticCopyWithRollupsCeiling();
    });
    phases.put("batched", () -> gatewayBatched(load, r));
    phases.put("idle", () -> idleSingle(load, r));
    phases.put("bare", () -> bareServer(bare, r));
    phases.put("single", () -> gatewaySingle(load, r, false));
    phases.put("single-alone", () -> gatewaySingle(load, r, true));
    phases.put("websocket", () -> gatewayWebSocket(load, r));
    phases.put("websocket-paced", () -> pacedWebSocket(load, r));
    phases.put("fixed-single", () -> fixedLoad(load, r, FIXED_RATE, "single events", 1, false));
    phases.put("fixed-batches", () -> fixedLoad(load, r, FIXED_RATE, "batches of 100", 100, false));
    // the same offer with the processor stopped: how much of the ack latency is queueing behind processing
    phases.put("fixed-batches-alone",
        () -> fixedLoad(load, r, FIXED_RATE, "batches of 100, processing paused", 100, true));
    // far below saturation: what the processor's small batches cost, and what its linger adds end to end
    phases.put("trickle", () -> fixedLoad(load, r, TRICKLE_RATE, "single events", 1, false));
    for (Map.Entry<String, Phase> phase : phases.entrySet()) {
      if (PHASES.isEmpty() || PHASES.contains(phase.getKey())) {
        drain();
        phase.getValue().run();
      }
    }
    ratio("ratio ingest only, batched / Kafka producer ceiling (target ≥ 0.6)",
        "ingest only, HTTP batched ×1,000 (events/s acked)", "Kafka producer ceiling (records/s)");
    ratio("ratio processing only / realistic COPY ceiling (target ≥ 0.7)", "processing only (events/s)",
        REALISTIC_COPY);
    ratio("ratio processing only / realistic COPY plus rollups ceiling", "processing only (events/s)",
        REALISTIC_COPY_ROLLUPS);
    ratio("ratio end to end / realistic COPY ceiling (target ≥ 0.5)",
        END_TO_END_AT_SATURATION, REALISTIC_COPY);
    ratio("ratio PostgreSQL CPU per stored event, processing only / per row of the realistic COPY (target ≤ 2)",
        "CPU processing only (drain): PostgreSQL (µs/event)", "CPU realistic COPY ceiling: PostgreSQL (µs/event)");
    ratio("ratio PostgreSQL CPU per stored event, processing only / per row of the realistic COPY plus rollups",
        "CPU processing only (drain): PostgreSQL (µs/event)",
        "CPU realistic COPY plus rollups ceiling: PostgreSQL (µs/event)");
    ratio("ratio gateway CPU per event (ingest + processing, end to end) / Kafka client CPU per record (target ≤ 3)",
        "CPU HTTP batched, end to end: gateway ingest + processing (µs/event)",
        "CPU Kafka producer ceiling: load generator (µs/event)");
    singleEventRatios();
  }

  /** Issue 28's targets for single events: against the bare server, the batched broker cost and end to end. */
  private void singleEventRatios() {
    ratio("ratio gateway ingest CPU per single event / bare Vert.x server CPU per request (target ≤ 3)",
        "CPU HTTP single: gateway ingest (µs/event)", BARE_CPU);
    // like for like: the bare server runs with nothing beside it
    ratio("ratio gateway ingest CPU per single event, processing paused / bare Vert.x server CPU per request",
        "CPU " + SINGLE_ALONE + ": gateway ingest (µs/event)", BARE_CPU);
    ratio("ratio broker CPU per single event / per batched event (target ≤ 2)",
        "CPU HTTP single: Kafka broker (µs/event)", "CPU HTTP batched (ingest): Kafka broker (µs/event)");
    // like for like: the single-event phase runs with processing, whose fetches the broker also serves
    ratio("ratio broker CPU per single event / per batched event end to end, both with processing running",
        "CPU HTTP single: Kafka broker (µs/event)", "CPU HTTP batched, end to end: Kafka broker (µs/event)");
    ratio("ratio single events acked / batched end to end (target ≥ 0.5)",
        "gateway HTTP single event, 256 connections (events/s acked)",
        END_TO_END_AT_SATURATION);
    ratio("ratio ack p99 at 10,000/s in batches of 100 / Kafka producer's at 10,000 records/s (target ≤ 2)",
        "at 10,000 events/s offered, batches of 100: ack p99 (ms)", KAFKA_PACED + " p99 (ms)");
    ratio("ratio ack p99 at 10,000/s in batches of 100, processing paused / Kafka producer's at 10,000 records/s",
        "at 10,000 events/s offered, batches of 100, processing paused: ack p99 (ms)", KAFKA_PACED + " p99 (ms)");
    ratio("ratio idle single event ack p50 / Kafka's one-record ack p50 (target ≤ 2)",
        "idle gateway, one event at a time: ack p50 (ms)", KAFKA_ONE_RECORD_P50);
    // an idle event pays an HTTP round trip and a Kafka round trip: what the gateway adds is above their sum
    if (results.containsKey(BARE_IDLE + " p50 (ms)") && results.containsKey(KAFKA_ONE_RECORD_P50)) {
      put(IDLE_FLOOR, results.get(BARE_IDLE + " p50 (ms)") + results.get(KAFKA_ONE_RECORD_P50));
    }
    ratio("ratio idle single event ack p50 / the idle floor", "idle gateway, one event at a time: ack p50 (ms)", IDLE_FLOOR);
  }

  private void ratio(String name, String numerator, String denominator) {
    if (results.containsKey(numerator) && results.containsKey(denominator)) {
      put(name, results.get(numerator) / results.get(denominator));
    }
  }

  /** A record the gateway produced, so that the Kafka ceiling uses the same value size and headers. */
  private ConsumerRecord<String, byte[]> gatewayRecord() throws Exception {
    try (Load load = new Load(URI.create(API), KEY, 1)) {
      Load.Outcome probe = load.closedLoop(1, "application/cloudevents+json", 1, 1, 30,
          n -> Target.pageView(id("probe", n)));
      if (probe.acknowledged() != 1) {
        throw new IllegalStateException("the gateway at " + API + " did not acknowledge a probe event; is the API key right?");
      }
    }
    Properties properties = new Properties();
    properties.put("bootstrap.servers", KAFKA);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor("events.analytics").stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      for (int poll = 0; poll < 50; poll++) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          return record;
        }
      }
    }
    throw new IllegalStateException("no record on events.analytics");
  }

  /**
   * Kafka's own producer with the gateway's settings (acks=all, idempotence, lz4, linger 0, 128 KiB batches) for
   * {@link #CEILING_SECONDS}, into a topic of six partitions (as the family topics) that a consumer group reads
   * along, as the processor reads the gateway's.
   */
  private void kafkaCeiling(ConsumerRecord<String, byte[]> sample) throws Exception {
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
    settings.put("linger.ms", "0");
    settings.put("batch.size", "131072");
    settings.put("buffer.memory", "67108864");
    settings.put("max.in.flight.requests.per.connection", "5");
    byte[] value = sample.value();
    Header[] headers = sample.headers().toArray();
    oneRecordAtATime(settings, topic, value, headers);
    pacedProducer(settings, topic, value, headers);
    Thread reader = readAlong(topic);
    long[] mark = machine.mark();
    long sent = 0;
    long deadline = System.nanoTime() + CEILING_SECONDS * 1_000_000_000L;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
      while (sent % 10_000 != 0 || System.nanoTime() < deadline) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, "user-" + (sent % 50_000), value);
        for (Header header : headers) {
          record.headers().add(header);
        }
        producer.send(record);
        sent++;
      }
      producer.flush();
    }
    Machine.Cpu cpu = machine.cpuSince(mark);
    reader.interrupt();
    reader.join();
    put("Kafka producer ceiling (records/s)", sent / cpu.seconds());
    // the producer client runs in this JVM: the "load generator" line is Kafka's own client cost per record
    cpu("Kafka producer ceiling", cpu, sent);
    put("Kafka record value (bytes, Avro + Confluent framing)", value.length);
  }

  /**
   * Kafka's own producer offered {@link #FIXED_RATE} records/s (a tenth of them every 100 µs is too fine for the
   * scheduler: ten every millisecond) for {@link #PHASE_SECONDS}: each record's acknowledgement latency at the rate
   * of the gateway's fixed-rate phases, the floor under theirs.
   */
  private void pacedProducer(Properties settings, String topic, byte[] value, Header[] headers) throws Exception {
    List<Long> micros = java.util.Collections.synchronizedList(new ArrayList<>());
    int perMillisecond = FIXED_RATE / 1_000;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
      long started = System.nanoTime();
      for (long ms = 0; ms < PHASE_SECONDS * 1_000L; ms++) {
        long due = started + ms * 1_000_000L;
        while (System.nanoTime() < due) {
          java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
        }
        for (int i = 0; i < perMillisecond; i++) {
          ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, "user-" + (ms * perMillisecond + i), value);
          for (Header header : headers) {
            record.headers().add(header);
          }
          long sent = System.nanoTime();
          producer.send(record, (metadata, error) -> {
            if (error == null) {
              micros.add((System.nanoTime() - sent) / 1_000);
            }
          });
        }
      }
      producer.flush();
    }
    List<Long> sorted = new ArrayList<>(micros);
    sorted.sort(null);
    put(KAFKA_PACED + " p50 (ms)", sorted.get(sorted.size() / 2) / 1000.0);
    put(KAFKA_PACED + " p99 (ms)", sorted.get(sorted.size() * 99 / 100) / 1000.0);
  }

  /**
   * Kafka's own producer sending one record and waiting for its acknowledgement, 5 s long: the floor under the
   * latency of a lone event through the gateway (linger does not delay a record sent alone after a flush).
   */
  private void oneRecordAtATime(Properties settings, String topic, byte[] value, Header[] headers) throws Exception {
    List<Long> micros = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < deadline) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, "user-" + micros.size(), value);
        for (Header header : headers) {
          record.headers().add(header);
        }
        long started = System.nanoTime();
        var sent = producer.send(record);
        producer.flush();
        sent.get();
        micros.add((System.nanoTime() - started) / 1_000);
      }
    }
    micros.sort(null);
    put(KAFKA_ONE_RECORD_P50, micros.get(micros.size() / 2) / 1000.0);
    put("Kafka producer, one record at a time: ack p99 (ms)", micros.get(micros.size() * 99 / 100) / 1000.0);
  }

  /** A consumer group member reading {@code topic} from its end, as long as the ceiling runs. */
  private Thread readAlong(String topic) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", KAFKA);
    properties.put("group.id", "bench-ceiling-" + run);
    properties.put("auto.offset.reset", "latest");
    properties.put("max.poll.records", "2000");
    Thread reader = new Thread(() -> {
      try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
          new ByteArrayDeserializer())) {
        consumer.subscribe(List.of(topic));
        while (!Thread.currentThread().isInterrupted()) {
          consumer.poll(Duration.ofMillis(100));
          consumer.commitAsync();
        }
      } catch (org.apache.kafka.common.errors.InterruptException stopped) {
        // the ceiling is over
      }
    }, "ceiling-reader");
    reader.start();
    return reader;
  }

  /**
   * COPY of rows shaped as the gateway stores them into a logged table with the {@code events} indexes, holding
   * beforehand (untimed) a copy of the rows of the day partition the gateway is writing: the same ground.
   */
  private void copyCeiling() throws Exception {
    StringBuilder rows = new StringBuilder(EVENTS * 400);
    String data = Target.pageView("x").replaceAll(".*\"data\":(\\{.*\\})}$", "$1").replace("\\", "\\\\");
    for (int i = 0; i < EVENTS; i++) {
      rows.append(run).append("-copy-").append(i)
          .append("\tanalytics.page_view\tanalytics\t/bench\t\\N\t2026-11-23 10:00:00+00\t").append(data)
          .append("\t1\tevents.analytics\t").append(i % 6).append('\t').append(i)
          .append("\t2026-11-23 10:00:00+00\tdefault\t2026-11-23\n");
    }
    String table = "bench_copy_" + run.substring(6);
    try (Connection connection = DriverManager.getConnection(PG); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE " + table + " (LIKE events INCLUDING ALL)");
      try {
        statement.execute("INSERT INTO " + table + " SELECT * FROM events WHERE ingest_day = (now() AT TIME ZONE 'UTC')::date");
        long started = System.nanoTime();
        long[] mark = machine.mark();
        connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (event_id, event_type, family, "
            + "source, subject, event_time, data, schema_id, topic, kafka_partition, kafka_offset, received_at, tenant, "
            + "ingest_day) "
            + "FROM STDIN", new StringReader(rows.toString()));
        double rate = EVENTS / ((System.nanoTime() - started) / 1e9);
        put("PostgreSQL COPY ceiling (rows/s)", rate);
        cpu("COPY ceiling", machine.cpuSince(mark), EVENTS);
      } finally {
        statement.execute("DROP TABLE " + table);
      }
    }
  }

  /**
   * COPY of the generator's real rows (the mix the gateway phases post: page views of 50,000 users, inspections of
   * eight lines, molecules; data as posted) into a real day partition of {@code events}: one made for a day no event
   * has, filled beforehand (untimed) with the rows of today's partition, so that the same indexes meet the same
   * depth. The partition is dropped after. What a writer that only stored rows could reach.
   */
  private void realisticCopyCeiling() throws Exception {
    try (Connection connection = DriverManager.getConnection(PG); Statement statement = connection.createStatement()) {
      String rows = String.join("", realisticRows("-rcopy-"));
      prepareFarPartition(statement);
      try {
        long started = System.nanoTime();
        long[] mark = machine.mark();
        connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_EVENTS, new StringReader(rows));
        put(REALISTIC_COPY, EVENTS / ((System.nanoTime() - started) / 1e9));
        cpu("realistic COPY ceiling", machine.cpuSince(mark), EVENTS);
      } finally {
        statement.execute("DROP TABLE " + FAR_PARTITION);
      }
    }
  }

  /**
   * The realistic COPY with the rollups the writer keeps: in transactions of {@link #CEILING_BATCH} rows (the
   * processor's largest poll), each COPY followed by one statement that upserts the same rollup tables, one row per
   * key per transaction, grouped in SQL from the rows just copied (an index read of them is included). The rollups go
   * to a tenant of their own, filled beforehand (untimed) with the {@code default} tenant's rollup rows, so that the
   * upserts meet existing keys as the processor's do; its rows are deleted after. What a writer that stored rows
   * and rollups with COPY could reach: the processor's gap to it is its own cost, the gap between the two ceilings
   * the rollups'.
   */
  private void realisticCopyWithRollupsCeiling() throws Exception {
    try (Connection connection = DriverManager.getConnection(PG); Statement statement = connection.createStatement()) {
      String[] rows = realisticRows("-rcopyr-");
      prepareFarPartition(statement);
      for (String table : ROLLUP_TABLES) {
        statement.execute("DELETE FROM " + table + " WHERE tenant = '" + CEILING_TENANT + "'");
        statement.execute("INSERT INTO " + table + " SELECT (jsonb_populate_record(NULL::" + table + ", to_jsonb(r) "
            + "|| jsonb_build_object('tenant', '" + CEILING_TENANT + "'))).* FROM " + table + " r WHERE tenant = 'default'");
      }
      try (java.sql.PreparedStatement rollups = connection.prepareStatement(CEILING_ROLLUPS)) {
        connection.setAutoCommit(false);
        long started = System.nanoTime();
        long[] mark = machine.mark();
        for (int first = 0; first < EVENTS; first += CEILING_BATCH) {
          int last = Math.min(EVENTS, first + CEILING_BATCH) - 1;
          StringBuilder chunk = new StringBuilder(CEILING_BATCH * 450);
          for (int i = first; i <= last; i++) {
            chunk.append(rows[i]);
          }
          connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_EVENTS, new StringReader(chunk.toString()));
          rollups.setString(1, realisticId("-rcopyr-", first));
          rollups.setString(2, realisticId("-rcopyr-", last));
          rollups.execute();
          connection.commit();
        }
        put(REALISTIC_COPY_ROLLUPS, EVENTS / ((System.nanoTime() - started) / 1e9));
        cpu("realistic COPY plus rollups ceiling", machine.cpuSince(mark), EVENTS);
      } finally {
        connection.setAutoCommit(true);
        statement.execute("DROP TABLE " + FAR_PARTITION);
        for (String table : ROLLUP_TABLES) {
          statement.execute("DELETE FROM " + table + " WHERE tenant = '" + CEILING_TENANT + "'");
        }
      }
    }
  }

  /** The realistic ceilings' rows in COPY's text format, a line per event, ids {@code run + infix + 7 digits}. */
  private String[] realisticRows(String infix) {
    String[] rows = new String[EVENTS];
    for (int i = 0; i < EVENTS; i++) {
      StringBuilder row = new StringBuilder(450);
      io.vertx.core.json.JsonObject event = new io.vertx.core.json.JsonObject(Target.mixed(realisticId(infix, i), i));
      String type = event.getString("type");
      String family = type.startsWith("analytics.") ? "analytics" : type.startsWith("chip.") ? "chip_quality" : "chemistry";
      row.append(event.getString("id")).append('\t').append(type).append('\t').append(family).append('\t')
          .append(event.getString("source")).append('\t').append(event.getString("subject", "\\N")).append('\t')
          .append(event.getString("time")).append('\t')
          .append(event.getJsonObject("data").encode().replace("\\", "\\\\")).append("\t1\t")
          .append("events.").append(family.replace('_', '-')).append('\t').append(i % 6).append('\t').append(i)
          .append('\t').append(FAR_DAY).append(" 10:00:00+00\tdefault\t").append(FAR_DAY).append('\n');
      rows[i] = row.toString();
    }
    return rows;
  }

  private String realisticId(String infix, int i) {
    return run + infix + String.format("%07d", i);
  }

  /** The far day's partition, made anew and filled (untimed) with today's rows: the same indexes at the same depth. */
  private static void prepareFarPartition(Statement statement) throws Exception {
    statement.execute("DROP TABLE IF EXISTS " + FAR_PARTITION);
    statement.execute("SELECT ensure_event_partitions(ARRAY[DATE '" + FAR_DAY + "'])");
    statement.execute("INSERT INTO events SELECT tenant, event_id || '-far', source, DATE '" + FAR_DAY + "', "
        + "event_type, family, subject, event_time, data, schema_id, topic, kafka_partition, kafka_offset, "
        + "received_at, stored_at FROM events WHERE ingest_day = (now() AT TIME ZONE 'UTC')::date");
  }

  /**
   * Ingest alone: the processor is stopped (SIGSTOP) while 8 connections post NDJSON batches of 1,000 until
   * {@link #EVENTS} are acknowledged. Then processing alone: the processor resumes and drains that backlog.
   */
  private void ingestThenProcessing(Load load, int r) throws Exception {
    String prefix = run + "-r" + r + "-i-";
    machine.pauseProcessing();
    Load.Outcome outcome;
    try {
      long[] mark = machine.mark();
      outcome = load.closedLoop(8, "application/x-ndjson", 1_000, EVENTS, 300, n -> ndjson(prefix + n + "-", 1_000));
      put("ingest only, HTTP batched ×1,000 (events/s acked)", outcome.perSecond());
      latencies("ingest only, HTTP batched ×1,000 ack", outcome);
      cpu("ingest only, HTTP batched", machine.cpuSince(mark), outcome.acknowledged());
    } finally {
      machine.resumeProcessing();
    }
    long[] mark = machine.mark();
    waitUntilStored(prefix, outcome.acknowledged());
    Machine.Cpu cpu = machine.cpuSince(mark);
    put("processing only (events/s)", outcome.acknowledged() / cpu.seconds());
    cpu("processing only (drain)", cpu, outcome.acknowledged());
  }

  /** 8 connections post NDJSON batches of 1,000 until {@link #EVENTS} are acknowledged, then wait until stored. */
  private void gatewayBatched(Load load, int r) throws Exception {
    String prefix = run + "-r" + r + "-b-";
    long[] mark = machine.mark();
    machine.takePeakHeapMib();
    Load.Outcome outcome = load.closedLoop(8, "application/x-ndjson", 1_000, EVENTS, 300,
        n -> ndjson(prefix + n + "-", 1_000));
    put("gateway HTTP batched ×1,000 (events/s acked)", outcome.perSecond());
    latencies("gateway HTTP batched ×1,000 ack", outcome);
    cpu("HTTP batched (ingest)", machine.cpuSince(mark), outcome.acknowledged());
    waitUntilStored(prefix, outcome.acknowledged());
    put(END_TO_END_AT_SATURATION,
        outcome.acknowledged() / ((System.nanoTime() - mark[0]) / 1e9));
    cpu("HTTP batched, end to end", machine.cpuSince(mark), outcome.acknowledged());
    put("gateway peak heap, batched and end to end (MiB)", machine.takePeakHeapMib());
  }

  /** One connection, one event at a time, on an otherwise idle gateway: the latency a lone event sees. */
  private void idleSingle(Load load, int r) throws Exception {
    Load.Outcome outcome = load.closedLoop(1, "application/cloudevents+json", 1, Long.MAX_VALUE, 5,
        n -> Target.pageView(id("r" + r + "-idle", n)));
    latencies("idle gateway, one event at a time: ack", outcome);
    // the same with the processor stopped: how much of a lone event's wait is the processor waking for it
    machine.pauseProcessing();
    try {
      latencies("idle gateway, one event at a time, processing paused: ack",
          load.closedLoop(1, "application/cloudevents+json", 1, Long.MAX_VALUE, 5,
              n -> Target.pageView(id("r" + r + "-idle-paused", n))));
    } finally {
      machine.resumeProcessing();
    }
  }

  /**
   * The floor under the gateway's HTTP cost: a bare Vert.x server ({@code loadtest/BareServer.java}, a process of
   * its own) answers the same single-event POSTs {@code 202} without work, over the same 256 connections.
   */
  private void bareServer(Load bare, int r) {
    // one request at a time first: the HTTP round trip an idle single event cannot go below
    latencies(BARE_IDLE, bare.closedLoop(1, "application/cloudevents+json", 1, Long.MAX_VALUE, 5,
        n -> Target.pageView(id("r" + r + "-bare-idle", n))));
    long[] mark = machine.mark();
    Load.Outcome outcome = bare.closedLoop(256, "application/cloudevents+json", 1, Long.MAX_VALUE, PHASE_SECONDS,
        n -> Target.pageView(id("r" + r + "-bare", n)));
    Machine.Cpu cpu = machine.cpuSince(mark);
    put("bare Vert.x server, single event, 256 connections (requests/s)", outcome.perSecond());
    latencies("bare Vert.x server, single event: answer", outcome);
    put(BARE_CPU, cpu.microsPerEvent(cpu.bareServer(), outcome.acknowledged()));
    put("CPU bare Vert.x server: load generator (µs/request)", cpu.microsPerEvent(cpu.generator(), outcome.acknowledged()));
  }

  /**
   * 256 connections, one event per request, each sent when the previous answered; with {@code processingPaused}, the
   * processor is stopped meanwhile, as the bare server runs with nothing beside it: ingest's CPU per single event
   * without processing and PostgreSQL on the same two cores (their caches, their wake-ups).
   */
  private void gatewaySingle(Load load, int r, boolean processingPaused) throws IOException, InterruptedException {
    String paused = processingPaused ? ", processing paused" : "";
    if (processingPaused) {
      machine.pauseProcessing();
    }
    try {
      long[] mark = machine.mark();
      Load.Outcome outcome = load.closedLoop(256, "application/cloudevents+json", 1, Long.MAX_VALUE, PHASE_SECONDS,
          n -> Target.pageView(id("r" + r + (processingPaused ? "-sp" : "-s"), n)));
      put("gateway HTTP single event, 256 connections" + paused + " (events/s acked)", outcome.perSecond());
      latencies("gateway HTTP single event" + paused + " ack", outcome);
      cpu(processingPaused ? SINGLE_ALONE : "HTTP single", machine.cpuSince(mark), outcome.acknowledged());
    } finally {
      if (processingPaused) {
        machine.resumeProcessing();
      }
    }
  }

  /** 8 WebSockets, frames of 100 events, at most 2,000 unacknowledged per connection. */
  private void gatewayWebSocket(Load load, int r) {
    long[] mark = machine.mark();
    Load.Outcome outcome = load.webSockets(8, 100, 2_000, PHASE_SECONDS, n -> Target.pageView(id("r" + r + "-w", n)));
    put("gateway WebSocket, 8 connections (events/s acked)", outcome.perSecond());
    latencies("gateway WebSocket ack", outcome);
    cpu("WebSocket", machine.cpuSince(mark), outcome.acknowledged());
  }

  /**
   * The same 8 WebSockets and frames of 100, offered (open loop) the rate the HTTP batched phase sustained end to end
   * in this run (10,000 events/s when it did not run): the ack latency a stream sees below saturation.
   */
  private void pacedWebSocket(Load load, int r) {
    int rate = (int) Math.round(results.getOrDefault(END_TO_END_AT_SATURATION, (double) FIXED_RATE));
    long[] mark = machine.mark();
    Load.Outcome outcome = load.pacedWebSockets(8, 100, 2_000, rate, PHASE_SECONDS,
        n -> Target.pageView(id("r" + r + "-wp", n)));
    put(PACED_WEBSOCKET + " (events/s offered)", rate);
    put(PACED_WEBSOCKET + " (events/s acked)", outcome.acknowledged() / (double) PHASE_SECONDS);
    latencies(PACED_WEBSOCKET + ": ack", outcome);
    cpu("WebSocket at the batched rate", machine.cpuSince(mark), outcome.acknowledged());
  }

  /**
   * {@code rate} events/s offered for a phase, whatever the answers; then ack and end-to-end latency ({@code
   * processingPaused}: ack latency alone, the processor stopped during the offer).
   */
  private void fixedLoad(Load load, int r, int rate, String shape, int eventsPerRequest, boolean processingPaused)
      throws Exception {
    String prefix = run + "-r" + r + "-f" + rate + "x" + eventsPerRequest + (processingPaused ? "p-" : "-");
    if (processingPaused) {
      machine.pauseProcessing();
    }
    long[] mark = machine.mark();
    Load.Outcome outcome = eventsPerRequest == 1
        ? load.openLoop(rate, PHASE_SECONDS, 2_048, "application/cloudevents+json", 1,
            n -> Target.pageView(prefix + n))
        : load.openLoop(rate / eventsPerRequest, PHASE_SECONDS, 2_048, "application/x-ndjson", eventsPerRequest,
            n -> ndjson(prefix + n + "-", eventsPerRequest));
    String name = String.format(Locale.ROOT, "at %,d events/s offered, %s", rate, shape);
    put(name + ": acked (events/s)", outcome.acknowledged() / (double) PHASE_SECONDS);
    latencies(name + ": ack", outcome);
    cpu(rate / 1_000 + "k/s " + shape, machine.cpuSince(mark), outcome.acknowledged());
    if (processingPaused) {
      machine.resumeProcessing();
      waitUntilStored(prefix, outcome.acknowledged());
      return;
    }
    waitUntilStored(prefix, outcome.acknowledged());
    double[] endToEnd = endToEnd(prefix);
    put(name + ": end to end p50 (ms)", endToEnd[0]);
    put(name + ": end to end p95 (ms)", endToEnd[1]);
    put(name + ": end to end p99 (ms)", endToEnd[2]);
  }

  /**
   * Offers {@code rate} events/s in batches of 100 for {@link #SOAK_SECONDS} and reads the backlog (acknowledged by
   * Kafka, not yet written to PostgreSQL: the processor group's lag) every 10 s: a backlog that keeps growing
   * means processing does not keep up.
   */
  private Map<String, Double> soak(Load load, double rate) throws Exception {
    Map<String, Double> soak = new LinkedHashMap<>();
    System.out.printf("soak: %.0f events/s offered for %d s%n", rate, SOAK_SECONDS);
    ProcessingLag.Watch watch = lag.watch(10);
    long[] mark = machine.mark();
    Load.Outcome outcome = load.openLoop((int) (rate / 100), SOAK_SECONDS, 2_048, "application/x-ndjson", 100,
        n -> ndjson(id("soak", n) + "-", 100));
    List<Long> backlog = watch.stop();
    soak.put("soak offered (events/s)", rate);
    soak.put("soak acked (events/s)", outcome.acknowledged() / (double) SOAK_SECONDS);
    soak.put("soak seconds", (double) SOAK_SECONDS);
    soak.put("soak backlog first minute, max (events)",
        (double) backlog.stream().limit(6).mapToLong(Long::longValue).max().orElse(0));
    soak.put("soak backlog last minute, max (events)",
        (double) backlog.stream().skip(Math.max(0, backlog.size() - 6)).mapToLong(Long::longValue).max().orElse(0));
    Machine.Cpu cpu = machine.cpuSince(mark);
    soak.put("soak CPU gateway (cores)", cpu.gateway());
    soak.put("soak CPU Kafka broker (cores)", cpu.broker());
    soak.put("soak CPU PostgreSQL (cores)", cpu.postgres());
    soak.put("soak CPU machine (cores)", cpu.machine());
    soak.put("soak backlog samples", (double) backlog.size());
    System.out.println("soak backlog every 10 s: " + backlog);
    return soak;
  }

  /**
   * Offers {@code perSecond} events of the realistic mix ({@link Target#mixed}) for {@link #SUSTAINED_SECONDS}, open
   * loop, and prints a line every 10 s: acknowledged/s, stored/s, backlog (the processor group's lag), ack p99 and
   * end-to-end p95/p99 (event {@code time} to row stored; the rows are read once, after the load).
   */
  private void sustained(Load load, String name, int perSecond, int eventsPerRequest) throws Exception {
    drain();
    String prefix = run + "-sustained-" + perSecond + "x" + eventsPerRequest + "-";
    System.out.printf("sustained: %s, %d s%n", name, SUSTAINED_SECONDS);
    java.sql.Timestamp started = new java.sql.Timestamp(System.currentTimeMillis());
    long[] mark = machine.mark();
    ProcessingLag.Watch watch = lag.watch(Load.WINDOW_SECONDS);
    Load.Outcome outcome = eventsPerRequest == 1
        ? load.openLoop(perSecond, SUSTAINED_SECONDS, 4_096, "application/cloudevents+json", 1,
            n -> Target.mixed(prefix + n, n))
        : load.openLoop(perSecond / eventsPerRequest, SUSTAINED_SECONDS, 4_096, "application/x-ndjson",
            eventsPerRequest, n -> mixedNdjson(prefix + n + "-", n, eventsPerRequest));
    List<Long> backlog = watch.stop();
    Machine.Cpu cpu = machine.cpuSince(mark);
    waitUntilStored(prefix, outcome.acknowledged());
    List<double[]> stored = storedPerWindow(prefix, started);
    line(String.format("sustained %s: %8s %12s %12s %10s %12s %14s %14s", name, "seconds", "acked/s", "stored/s",
        "backlog", "ack p99 ms", "e2e p95 ms", "e2e p99 ms"));
    for (int w = 0; w < outcome.windows().size(); w++) {
      Load.Outcome window = outcome.windows().get(w);
      double[] rows = w < stored.size() ? stored.get(w) : new double[] {0, Double.NaN, Double.NaN};
      line(String.format("sustained %s: %8d %,12.0f %,12.0f %,10d %12.1f %14.1f %14.1f", name, (w + 1) * Load.WINDOW_SECONDS,
          window.acknowledged() / (double) Load.WINDOW_SECONDS, rows[0] / Load.WINDOW_SECONDS,
          w < backlog.size() ? backlog.get(w) : -1, window.percentileMillis(0.99), rows[1], rows[2]));
    }
    String key = "sustained " + name + ": ";
    put(key + "acked (events/s)", outcome.acknowledged() / (double) SUSTAINED_SECONDS);
    put(key + "not acknowledged (events)", outcome.refused());
    put(key + "ack p99 (ms)", outcome.percentileMillis(0.99));
    put(key + "backlog at the end (events)", backlog.isEmpty() ? Double.NaN : backlog.get(backlog.size() - 1));
    put(key + "backlog, largest (events)", backlog.stream().mapToLong(Long::longValue).max().orElse(0));
    double[] overall = endToEnd(prefix);
    put(key + "end to end p95 (ms)", overall[1]);
    put(key + "end to end p99 (ms)", overall[2]);
    cpu("sustained " + name, cpu, outcome.acknowledged());
  }

  private void line(String text) {
    System.out.println(text);
    sustainedLines.add(text);
  }

  private static String mixedNdjson(String idPrefix, long request, int events) {
    StringBuilder body = new StringBuilder(events * 450);
    for (int i = 0; i < events; i++) {
      body.append(Target.mixed(idPrefix + i, request * events + i)).append('\n');
    }
    return body.toString();
  }

  /** Per 10 s after {@code started}: rows stored, end-to-end p95 and p99 in ms. */
  private static List<double[]> storedPerWindow(String prefix, java.sql.Timestamp started) throws Exception {
    List<double[]> windows = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(PG); PreparedStatement query = connection.prepareStatement(
        "SELECT floor(extract(epoch FROM stored_at - ?::timestamptz) / " + Load.WINDOW_SECONDS + ")::int AS w, count(*),"
            + " percentile_cont(ARRAY[0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - event_time) * 1000)"
            + " FROM events WHERE event_id LIKE ? AND event_time IS NOT NULL GROUP BY 1 ORDER BY 1")) {
      query.setTimestamp(1, started);
      query.setString(2, prefix + "%");
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          int w = rows.getInt(1);
          while (windows.size() <= w) {
            windows.add(new double[] {0, Double.NaN, Double.NaN});
          }
          Double[] percentiles = (Double[]) rows.getArray(3).getArray();
          windows.set(w, new double[] {rows.getLong(2), percentiles[0], percentiles[1]});
        }
      }
    }
    return windows;
  }

  /** End-to-end p50, p95 and p99 in ms of every row stored under {@code prefix}. */
  private static double[] endToEnd(String prefix) throws Exception {
    try (Connection connection = DriverManager.getConnection(PG); PreparedStatement query = connection.prepareStatement(
        "SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - event_time)"
            + " * 1000) FROM events WHERE event_id LIKE ? AND event_time IS NOT NULL")) {
      query.setString(1, prefix + "%");
      try (ResultSet row = query.executeQuery()) {
        row.next();
        Double[] percentiles = (Double[]) row.getArray(1).getArray();
        return new double[] {percentiles[0], percentiles[1], percentiles[2]};
      }
    }
  }

  /**
   * Waits (at most 10 minutes) until fewer than 1,000 acknowledged events await processing, then for a quiet machine.
   */
  private void drain() throws Exception {
    if (!lag.awaitAtMost(999, 500, 600_000)) {
      System.out.println("processing did not catch up within 10 minutes: the phase starts on a backlog");
    }
    long waited = machine.awaitQuiet(QUIET_CORES, 120);
    if (waited < 0) {
      System.out.printf("the machine stayed above %.1f cores for %d s: the phase starts anyway%n", QUIET_CORES,
          -waited);
    } else if (waited > 1) {
      System.out.printf("waited %d s for the machine to fall below %.1f cores%n", waited, QUIET_CORES);
    }
  }

  /**
   * Waits (at most 10 minutes) until every acknowledged event is stored, then checks that the phase's are all
   * there (one count, after the timing: it reads the whole table).
   */
  private void waitUntilStored(String prefix, long expected) throws Exception {
    if (!lag.awaitAtMost(0, 100, 600_000)) {
      throw new IllegalStateException("events " + prefix + "* were not all stored within 10 minutes");
    }
    try (Connection connection = DriverManager.getConnection(PG); PreparedStatement count =
        connection.prepareStatement("SELECT count(*) FROM events WHERE event_id LIKE ?")) {
      count.setString(1, prefix + "%");
      try (ResultSet rows = count.executeQuery()) {
        rows.next();
        if (rows.getLong(1) < expected) {
          throw new IllegalStateException(expected + " events " + prefix + "* were acknowledged, " + rows.getLong(1)
              + " stored");
        }
      }
    }
  }

  private String id(String phaseName, long n) {
    return run + "-" + phaseName + "-" + n;
  }

  /** A batch of the realistic mix ({@link Target#mixed}): what users send, also in the saturation phases. */
  private static String ndjson(String idPrefix, int events) {
    StringBuilder body = new StringBuilder(events * 450);
    for (int i = 0; i < events; i++) {
      body.append(Target.mixed(idPrefix + i, i)).append('\n');
    }
    return body.toString();
  }

  private void latencies(String name, Load.Outcome outcome) {
    put(name + " p50 (ms)", outcome.percentileMillis(0.50));
    put(name + " p95 (ms)", outcome.percentileMillis(0.95));
    put(name + " p99 (ms)", outcome.percentileMillis(0.99));
    if (outcome.refused() > 0) {
      put(name.replaceFirst(":? ack$", "") + ": not acknowledged (events)", outcome.refused());
    }
  }

  /** Each component's cores, and its CPU microseconds per event of the phase. */
  private void cpu(String phaseName, Machine.Cpu cpu, long events) {
    put("CPU " + phaseName + ": whole machine (cores)", cpu.machine());
    perEvent(phaseName, "gateway ingest", cpu.ingest(), cpu, events);
    // compiling is not the cost of an event: when it shows here, the warm-up missed a path
    perEvent(phaseName, "gateway ingest, of which the JIT compiler", cpu.ingestJit(), cpu, events);
    perEvent(phaseName, "gateway processing", cpu.processing(), cpu, events);
    perEvent(phaseName, "gateway ingest + processing", cpu.gateway(), cpu, events);
    perEvent(phaseName, "Kafka broker", cpu.broker(), cpu, events);
    perEvent(phaseName, "PostgreSQL", cpu.postgres(), cpu, events);
    perEvent(phaseName, "load generator", cpu.generator(), cpu, events);
    if (!Double.isNaN(cpu.eventsPerWrite())) {
      // phases where the processor wrote nothing (the ceilings, a stopped processor) print no line for it
      put("CPU " + phaseName + ": events per PostgreSQL write", cpu.eventsPerWrite());
    }
  }

  private void perEvent(String phaseName, String component, double cores, Machine.Cpu cpu, long events) {
    put("CPU " + phaseName + ": " + component + " (cores)", cores);
    put("CPU " + phaseName + ": " + component + " (µs/event)", cpu.microsPerEvent(cores, events));
  }

  private static List<Long> pids(String property) {
    return Arrays.stream(System.getProperty(property, "").split(",")).filter(pid -> !pid.isBlank())
        .map(Long::valueOf).toList();
  }

  private void put(String name, double value) {
    results.put(name, value);
  }

  private static Map<String, Double> median(List<Map<String, Double>> runs) {
    Map<String, Double> median = new LinkedHashMap<>();
    for (String name : runs.isEmpty() ? List.<String>of() : runs.get(0).keySet()) {
      double[] values = runs.stream().mapToDouble(run -> run.getOrDefault(name, Double.NaN)).sorted().toArray();
      median.put(name, values[values.length / 2]);
    }
    return median;
  }

  private void report(ConsumerRecord<String, byte[]> sample, List<Map<String, Double>> runs, Map<String, Double> median,
      Map<String, Double> soak) throws Exception {
    String machineDescription = Machine.describe();
    System.out.printf("%nmachine: %s%nsetup: %s%nmedian of %d runs, %,d events per batched phase, %d s per timed phase%n",
        machineDescription, SETUP, runs.size(), EVENTS, PHASE_SECONDS);
    Map<String, Double> table = new LinkedHashMap<>(median);
    table.putAll(soak);
    table.forEach((name, value) -> System.out.printf("%-78s %,14.2f%n", name, value));
    StringBuilder json = new StringBuilder("{\n  \"machine\": \"").append(machineDescription).append("\",\n")
        .append("  \"setup\": \"").append(SETUP).append("\",\n  \"events per batched phase\": ").append(EVENTS)
        .append(",\n  \"seconds per timed phase\": ").append(PHASE_SECONDS)
        .append(",\n  \"record headers\": ").append(sample.headers().toArray().length)
        .append(",\n  \"median\": ").append(json(median, "  ")).append(",\n  \"soak and sustained\": ")
        .append(json(soak, "  ")).append(",\n  \"sustained lines\": [")
        .append(String.join(",", sustainedLines.stream().map(text -> "\n    \"" + text + "\"").toList()))
        .append("\n  ]")
        .append(",\n  \"runs\": [");
    for (int i = 0; i < runs.size(); i++) {
      json.append(i == 0 ? "\n    " : ",\n    ").append(json(runs.get(i), "    "));
    }
    json.append("\n  ]\n}\n");
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "bench.json"), json);
    System.out.println("written to loadtest/target/bench.json");
  }

  private static String json(Map<String, Double> values, String indent) {
    StringBuilder json = new StringBuilder("{");
    values.forEach((name, value) -> json.append(json.length() == 1 ? "\n" : ",\n").append(indent).append("  \"")
        .append(name).append("\": ").append(Double.isFinite(value) ? String.valueOf(Math.round(value * 100) / 100.0) : "null"));
    return json.append("\n").append(indent).append("}").toString();
  }
}
