package io.eventgateway.kafka;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.DeadLetterBatch;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.bus.PositionAdvance;
import io.eventgateway.config.BatchLimits;
import io.eventgateway.schema.ConfluentWireFormat;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer-group member that polls a batch, decodes it, hands it to a handler, and commits the offsets only
 * after the handler's future succeeded (the processing group's positions in PostgreSQL, with the rows: {@link
 * StoredPositions}). When the handler fails, the partitions are rewound to the start of the
 * batch, so the same records come again: nothing is committed past an event that was not handled.
 *
 * <p>Records it cannot decode, and those the handler gives up on, are dead-lettered (when this consumer's group
 * owns dead-lettering) before the commit, so that one bad record never blocks its partition and none is dropped
 * unseen. One batch in the handler at a time: a following group polls after it, the storing group gathers what it
 * polls meanwhile up to {@link BatchLimits}, which is the consumer's back-pressure.
 */
public final class DecodingConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(DecodingConsumer.class);

  private final Vertx vertx;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaClientMetrics metrics;
  private final Map<Integer, Schema> schemas = new HashMap<>();
  private final RecordDecoder decoder;
  private final Duration pollTimeout;
  private final BatchHandler handler;
  private final boolean deadLetters;
  private final StoredPositions positions;
  private final Counter skipped = Counter.builder("gateway.consumer.skipped")
      .description("Records a consumer without dead-lettering could not handle and skipped")
      .register(Metrics.globalRegistry);
  private final ConsumerProgress progress;
  private final String group;
  private boolean stopping;
  private boolean paused;
  private Future<Void> inFlight = Future.succeededFuture();
  private Future<Void> handling = Future.succeededFuture();
  /** Counts the seeks after a failed batch: a batch polled before one is dropped. */
  private long generation;

  private List<KafkaConsumerRecord<String, byte[]>> inHand = List.of();
  private final BatchLimits limits;
  /** What was polled while a batch was written: the next batch. */
  private Gathered waiting = Gathered.NONE;
  /** Records in the batch last handed over: a small one means events trickle in. */
  private int lastHanded;
  /** The timer that ends a free writer's linger for a fuller batch, or -1. */
  private long lingerTimer = -1;

  /**
   * A member of the processing group: dead-letters what cannot be stored, keeps its positions in PostgreSQL,
   * advanced with the rows ({@link StoredPositions}), and gathers what it polls while a batch is written into the
   * next batch, within {@code limits}.
   *
   * @param handler stores each batch with the positions it is given
   */
  public static DecodingConsumer storing(
      Vertx vertx,
      Consumer<String, byte[]> kafkaConsumer,
      EventCatalog catalog,
      Duration pollTimeout,
      BatchLimits limits,
      BatchHandler handler) {
    return new DecodingConsumer(vertx, kafkaConsumer, catalog, pollTimeout, handler, limits);
  }

  /**
   * A group reading the same records for another purpose: logs and skips what it cannot handle, its offsets in
   * Kafka alone, committed after each batch.
   */
  public static DecodingConsumer following(
      Vertx vertx,
      Consumer<String, byte[]> kafkaConsumer,
      EventCatalog catalog,
      Duration pollTimeout,
      BatchHandler handler) {
    return new DecodingConsumer(vertx, kafkaConsumer, catalog, pollTimeout, handler, null);
  }

  /** @param limits of the batches a storing member gathers; {@code null} for a following one */
  private DecodingConsumer(
      Vertx vertx,
      Consumer<String, byte[]> kafkaConsumer,
      EventCatalog catalog,
      Duration pollTimeout,
      BatchHandler handler,
      BatchLimits limits) {
    this.vertx = vertx;
    this.consumer = KafkaConsumer.create(vertx, kafkaConsumer);
    this.metrics = new KafkaClientMetrics(consumer.unwrap());
    this.metrics.bindTo(Metrics.globalRegistry);
    this.decoder = new RecordDecoder(catalog);
    this.pollTimeout = pollTimeout;
    this.handler = handler;
    this.limits = limits;
    this.deadLetters = limits != null;
    this.progress = ConsumerProgress.of(vertx);
    this.group = kafkaConsumer.groupMetadata().groupId();
    this.positions =
        limits != null ? new StoredPositions(vertx, consumer, group, this::sought) : null;
    for (EventType type : catalog.types()) {
      type.versions().values().forEach(version -> schemas.put(version.id(), version.schema()));
      schemas.put(type.schemaId(), type.subjectSchema());
    }
  }

  /** A consumer with the group's settings. */
  public static Consumer<String, byte[]> open(Properties settings) {
    return new org.apache.kafka.clients.consumer.KafkaConsumer<>(
        settings, new StringDeserializer(), new ByteArrayDeserializer());
  }

  public Future<Void> start(Set<String> topics) {
    consumer.partitionsAssignedHandler(assigned -> {
      if (positions != null) {
        positions.assigned(assigned);
      }
      pauseIfStillPaused(assigned);
    });
    consumer.partitionsRevokedHandler(revoked -> {
      if (positions != null) {
        positions.revoked(revoked);
      }
      revoked.forEach(
          partition -> progress.revoked(group, partition.getTopic(), partition.getPartition()));
    });
    return consumer
        .subscribe(topics)
        .onSuccess(subscribed -> vertx.runOnContext(next -> pollLoop()));
  }

  /**
   * Polls on while a batch is handled, when the group's positions are stored with its rows: the write, in
   * PostgreSQL, and the fetch and decoding, here, overlap, and what is polled meanwhile is gathered into the next
   * batch (within {@link BatchLimits}), so that under load the writer takes larger batches, whose rows and rollups
   * cost less per event. One batch at a time otherwise, since Kafka's commit of a follower's position must not pass
   * a batch polled ahead.
   */
  private void pollLoop() {
    if (stopping) {
      return;
    }
    long polledIn = generation;
    inFlight = consumer.poll(pollTimeout).compose(this::prepare).compose(prepared -> {
      if (positions == null) {
        handling = hand(prepared, polledIn);
        return handling;
      }
      return gather(prepared, polledIn);
    });
    inFlight.onComplete(done -> pollLoop());
  }

  /**
   * Adds a polled batch to the one waiting for the writer and hands that over if the writer is free; the next poll
   * then overlaps the write. While the writer is busy, polling goes on as long as polls come back full (a backlog,
   * gathered into the next batch, up to its limits); after a small poll it waits for the writer, so that a moderate
   * rate is not fetched in slivers. A batch polled before the partitions were sought elsewhere is dropped.
   */
  private Future<Void> gather(Prepared prepared, long polledIn) {
    if (polledIn != generation) {
      return Future.succeededFuture();
    }
    if (waiting.generation() != generation) {
      waiting = Gathered.NONE;
    }
    long now = System.nanoTime();
    waiting = waiting.plus(prepared, polledIn, now);
    handOverWaiting();
    boolean handedOrLingering = waiting.prepared().records().isEmpty() || lingerTimer >= 0;
    boolean backlog = prepared.records().size() >= limits.smallBatchEvents();
    return handedOrLingering || (backlog && !waiting.reached(limits, now))
        ? Future.succeededFuture()
        : handling.transform(written -> Future.succeededFuture());
  }

  /**
   * Hands the waiting batch over when the writer is free, and again each time it becomes free. When events trickle
   * in (the batch before was small, and so is this one), a free writer waits up to {@link BatchLimits#lingerMs()}
   * for a fuller batch, which costs PostgreSQL less per event.
   */
  private void handOverWaiting() {
    if (!handling.isComplete() || waiting.prepared().records().isEmpty() || stopping) {
      return;
    }
    long now = System.nanoTime();
    if (waiting.lingers(limits, lastHanded, now)) {
      if (lingerTimer < 0) {
        lingerTimer = vertx.setTimer(waiting.lingerLeftMs(limits, now), lingered -> {
          lingerTimer = -1;
          handOverWaiting();
        });
      }
      return;
    }
    Gathered next = waiting;
    waiting = Gathered.NONE;
    lastHanded = next.prepared().records().size();
    handling = hand(next.prepared(), next.generation());
    handling.onComplete(written -> handOverWaiting());
  }

  /**
   * Polled batches waiting for the writer, joined in the order they were polled: of one generation, with their
   * events, the bytes of their records, and when the first was polled ({@link System#nanoTime()}).
   */
  private record Gathered(Prepared prepared, long generation, long bytes, long firstPolledAt) {

    static final Gathered NONE = new Gathered(Prepared.NONE, -1, 0, 0);

    Gathered plus(Prepared next, long polledIn, long now) {
      long nextBytes = 0;
      for (KafkaConsumerRecord<String, byte[]> record : next.records()) {
        nextBytes += record.value() == null ? 0 : record.value().length;
      }
      boolean empty = prepared.records().isEmpty();
      return new Gathered(
          empty ? next : prepared.plus(next),
          polledIn,
          bytes + nextBytes,
          empty ? now : firstPolledAt);
    }

    /** Whether a free writer is to wait for more: events trickle in, and the linger is not over. */
    boolean lingers(BatchLimits limits, int lastHanded, long now) {
      return lastHanded < limits.smallBatchEvents()
          && prepared.records().size() < limits.smallBatchEvents()
          && now - firstPolledAt < TimeUnit.MILLISECONDS.toNanos(limits.lingerMs());
    }

    long lingerLeftMs(BatchLimits limits, long now) {
      return Math.max(1, limits.lingerMs() - TimeUnit.NANOSECONDS.toMillis(now - firstPolledAt));
    }

    boolean reached(BatchLimits limits, long now) {
      return !prepared.records().isEmpty()
          && (prepared.records().size() >= limits.maxEvents()
              || bytes >= limits.maxBytes()
              || now - firstPolledAt >= TimeUnit.MILLISECONDS.toNanos(limits.maxAgeMs()));
    }
  }

  /** A polled batch, decoded: what could be decoded and what could not. */
  private record Prepared(
      List<KafkaConsumerRecord<String, byte[]>> records,
      List<PersistBatch.Event> events,
      List<ProcessingFailure> undecodable) {

    static final Prepared NONE = new Prepared(List.of(), List.of(), List.of());

    /** This batch and then {@code next}, polled after it. */
    Prepared plus(Prepared next) {
      return new Prepared(
          joined(records, next.records),
          joined(events, next.events),
          joined(undecodable, next.undecodable));
    }

    private static <T> List<T> joined(List<T> first, List<T> second) {
      List<T> both = new ArrayList<>(first.size() + second.size());
      both.addAll(first);
      both.addAll(second);
      return both;
    }
  }

  private Future<Prepared> prepare(KafkaConsumerRecords<String, byte[]> records) {
    if (records.isEmpty() || paused) {
      return Future.succeededFuture(Prepared.NONE);
    }
    List<KafkaConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      batch.add(records.recordAt(i));
    }
    return resolveSchemas(batch).map(resolved -> {
      List<ProcessingFailure> undecodable = new ArrayList<>();
      List<PersistBatch.Event> events = decode(batch, undecodable);
      return new Prepared(batch, events, undecodable);
    });
  }

  /**
   * Hands a prepared batch over, without what is stored already (when positions are kept with the rows), and
   * nothing of it when the partitions were sought elsewhere since it was polled ({@code polledIn} is then an older
   * generation).
   */
  private Future<Void> hand(Prepared prepared, long polledIn) {
    if (polledIn != generation) {
      return Future.succeededFuture();
    }
    Prepared unstored = positions == null
        ? prepared
        : new Prepared(
            positions.unstored(prepared.records()),
            prepared.events().stream()
                .filter(
                    event -> positions.isUnstored(event.topic(), event.partition(), event.offset()))
                .toList(),
            prepared.undecodable().stream()
                .filter(failure ->
                    positions.isUnstored(failure.topic(), failure.partition(), failure.offset()))
                .toList());
    return unstored.records().isEmpty() ? Future.succeededFuture() : handle(unstored);
  }

  private Future<Void> handle(Prepared prepared) {
    List<KafkaConsumerRecord<String, byte[]>> batch = prepared.records();
    List<ConsumerProgress.Partition> partitions = progress.handedOver(group, batch);
    inHand = batch;
    List<ProcessingFailure> failures = new ArrayList<>(prepared.undecodable());
    PositionAdvance advance = positions == null ? null : positions.advance(batch);
    // an undecodable record is dead-lettered before the positions pass it
    return handler
        .handle(prepared.events(), failures.isEmpty() ? advance : null)
        .compose(givenUp -> {
          failures.addAll(givenUp);
          return deadLetter(batch, failures);
        })
        .compose(handled -> advance == null || failures.isEmpty()
            ? Future.succeededFuture()
            : positions.store(advance))
        .onSuccess(stored -> {
          if (advance != null) {
            positions.advanced(advance);
          }
        })
        .compose(handled -> positions == null
            ? consumer.commit().<Void>mapEmpty()
            : positions.commitToKafka(advance))
        .onSuccess(committed -> progress.committed(partitions))
        .recover(error -> {
          // a batch polled ahead of this one was polled from positions no longer right
          generation++;
          if (positions != null && StoredPositions.moved(error)) {
            progress.committed(partitions);
            return positions.reclaim();
          }
          progress.retrying(partitions, batch.size(), error.getMessage());
          // with positions stored, every partition goes back to them: the batch polled ahead may
          // hold partitions this one does not
          return positions == null ? rewind(batch) : positions.rewindToStored();
        });
  }

  /**
   * Newly assigned partitions were sought to their stored positions: a batch polled before may hold their records
   * from elsewhere, so whatever was polled and not handed over is dropped, and every claimed partition is read
   * again from its stored position.
   */
  private void sought() {
    generation++;
    waiting = Gathered.NONE;
    positions.rewindToStored();
  }

  /** Seeks every partition of the batch back to its first record in it. */
  private Future<Void> rewind(List<KafkaConsumerRecord<String, byte[]>> batch) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (KafkaConsumerRecord<String, byte[]> record : batch) {
      first.merge(
          new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
    }
    List<Future<Void>> seeks = new ArrayList<>();
    first.forEach((partition, offset) -> seeks.add(consumer.seek(partition, offset)));
    return Future.join(seeks).mapEmpty();
  }

  /** Fetches, once each, the writer schemas of ids not seen yet (written by another version of the gateway). */
  private Future<Void> resolveSchemas(List<KafkaConsumerRecord<String, byte[]>> batch) {
    Set<Integer> unknown = new HashSet<>();
    for (KafkaConsumerRecord<String, byte[]> record : batch) {
      try {
        int id = ConfluentWireFormat.schemaId(record.value());
        if (!schemas.containsKey(id)) {
          unknown.add(id);
        }
      } catch (IllegalArgumentException notFramed) {
        // reported by decode()
      }
    }
    List<Future<Void>> lookups = unknown.stream()
        .map(id -> vertx
            .eventBus()
            .<String>request(Addresses.REGISTRY_SCHEMA_BY_ID, id)
            .onSuccess(reply -> schemas.put(id, new Schema.Parser().parse(reply.body())))
            .<Void>mapEmpty()
            .recover(error -> Future.succeededFuture()))
        .toList();
    return Future.join(lookups).mapEmpty();
  }

  private Future<?> deadLetter(
      List<KafkaConsumerRecord<String, byte[]>> batch, List<ProcessingFailure> failures) {
    if (failures.isEmpty()) {
      return Future.succeededFuture();
    }
    if (!deadLetters) {
      skipped.increment(failures.size());
      failures.forEach(failure -> LOG.warn(
          "Skipping {}-{}@{} ({}: {})",
          failure.topic(),
          failure.partition(),
          failure.offset(),
          failure.stage(),
          LoggedErrors.masked(failure.error())));
      return Future.succeededFuture();
    }
    List<DeadLetterBatch.Letter> letters = DeadLetters.of(batch, failures);
    return vertx.eventBus().request(Addresses.DLQ_WRITE, new DeadLetterBatch(letters));
  }

  private List<PersistBatch.Event> decode(
      List<KafkaConsumerRecord<String, byte[]>> batch, List<ProcessingFailure> failures) {
    List<PersistBatch.Event> events = new ArrayList<>(batch.size());
    for (KafkaConsumerRecord<String, byte[]> record : batch) {
      try {
        Schema writer = schemas.get(ConfluentWireFormat.schemaId(record.value()));
        if (writer == null) {
          throw new IllegalArgumentException("schema id is not registered");
        }
        events.add(decoder.decode(record, writer));
      } catch (RuntimeException error) {
        failures.add(ProcessingFailure.undecodable(
            record.topic(),
            record.partition(),
            record.offset(),
            error.getClass().getSimpleName() + ": " + error.getMessage()));
      }
    }
    return events;
  }

  /**
   * Stops fetching until {@link #resumeFromEnd()}: its partitions are paused in Kafka (those assigned later too), so
   * polling goes on, keeping the group membership, but nothing is fetched or decompressed. What a poll returns
   * before the pause took effect is dropped, undecoded and uncommitted.
   */
  public void pause() {
    paused = true;
    consumer.assignment().compose(this::pauseIfStillPaused);
  }

  private Future<Void> pauseIfStillPaused(Set<TopicPartition> partitions) {
    return paused && !partitions.isEmpty() ? consumer.pause(partitions) : Future.succeededFuture();
  }

  /** Resumes at the end of every partition: what happened while paused is skipped (live feeds). */
  public void resumeFromEnd() {
    consumer
        .assignment()
        .compose(partitions -> partitions.isEmpty()
            ? Future.succeededFuture()
            : consumer.seekToEnd(partitions).compose(sought -> consumer.resume(partitions)))
        .onComplete(resumed -> paused = false);
  }

  /** Stops polling, lets the batch in hand finish (handled and committed), then leaves the group. */
  public Future<Void> stop() {
    stopping = true;
    metrics.close();
    return inFlight.transform(polled -> handling).transform(done -> consumer.close());
  }

  public boolean stopping() {
    return stopping;
  }

  /**
   * The handler tries the batch in hand again after {@code error}: counted per partition, and logged on the
   * batch's first retry (by position, never by value).
   */
  public void retrying(Throwable error) {
    // handed over again: the batch stays in hand (and its stall visible) whatever cleared its
    // partitions meanwhile
    progress.retrying(progress.handedOver(group, inHand), inHand.size(), error.getMessage());
  }
}
