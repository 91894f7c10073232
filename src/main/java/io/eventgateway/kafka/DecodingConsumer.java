package io.eventgateway.kafka;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.DeadLetterBatch;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.bus.PositionAdvance;
import io.eventgateway.schema.EventCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
 * unseen. One batch at a time: polling waits for the handler, which is the consumer's back-pressure.
 */
public final class DecodingConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(DecodingConsumer.class);
  private static final long STOP_WAKEUP_MS = 100;

  private final Vertx vertx;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaClientMetrics metrics;
  private final RecordDecoder decoder;
  private final Polling polling;
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
  /** When the next poll may start ({@link System#nanoTime()}): a linger after a small poll. */
  private long nextPollAt;

  /** What the group does with what it cannot handle, and where it keeps its offsets. */
  public enum Role {
    /**
     * The processing group: dead-letters what cannot be stored, and keeps its positions in PostgreSQL, advanced
     * with the rows ({@link StoredPositions}).
     */
    STORING,
    /** A group reading the same records for another purpose: logs and skips; its offsets in Kafka alone. */
    FOLLOWING
  }

  /** @param handler handles each batch */
  public DecodingConsumer(
      Vertx vertx,
      Properties settings,
      EventCatalog catalog,
      Polling polling,
      BatchHandler handler,
      Role role) {
    this(vertx, open(settings), catalog, polling, handler, role);
  }

  /** As above, over {@code kafkaConsumer} (a test's {@code MockConsumer}). */
  public DecodingConsumer(
      Vertx vertx,
      Consumer<String, byte[]> kafkaConsumer,
      EventCatalog catalog,
      Polling polling,
      BatchHandler handler,
      Role role) {
    this.vertx = vertx;
    this.consumer = KafkaConsumer.create(vertx, kafkaConsumer);
    this.metrics = new KafkaClientMetrics(consumer.unwrap());
    this.metrics.bindTo(Metrics.globalRegistry);
    this.decoder = new RecordDecoder(vertx, catalog);
    this.polling = polling;
    // nanoTime may be negative: the first poll is due now
    this.nextPollAt = System.nanoTime();
    this.handler = handler;
    this.deadLetters = role == Role.STORING;
    this.progress = ConsumerProgress.of(vertx);
    this.group = kafkaConsumer.groupMetadata().groupId();
    this.positions = role == Role.STORING ? new StoredPositions(vertx, consumer, group) : null;
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
   * Polls the next batch while the one before is handled, when the group's positions are stored with its rows (the
   * write, in PostgreSQL, and the fetch and decoding, here, overlap); one batch at a time otherwise, since Kafka's
   * commit of a follower's position must not pass a batch polled ahead. A batch polled before the partitions were
   * sought elsewhere (a failed batch's rewind: {@code polledIn} is then an older generation) is dropped. After a
   * small poll the next one waits out {@link Polling#trickleLinger()}, counted from that poll, while the batch is
   * handled: what trickles in meanwhile comes as one batch, which the writer stores for less per event.
   */
  private void pollLoop() {
    if (stopping) {
      return;
    }
    long lingerLeft = nextPollAt - System.nanoTime();
    if (lingerLeft > 0) {
      long lingerMs =
          TimeUnit.NANOSECONDS.toMillis(lingerLeft + TimeUnit.MILLISECONDS.toNanos(1) - 1);
      vertx.setTimer(lingerMs, lingered -> pollLoop());
      return;
    }
    long polledIn = generation;
    inFlight = consumer
        .poll(polling.timeout())
        .onSuccess(polled ->
            nextPollAt = System.nanoTime() + polling.lingerAfter(polled.size()).toNanos())
        .compose(this::prepare)
        .compose(prepared -> handling.transform(previous -> {
          if (polledIn != generation) {
            return Future.succeededFuture();
          }
          if (positions == null) {
            handling = handleUnlessEmpty(prepared);
            return handling;
          }
          // the next poll waits for partitions polled out of line to be sought back
          return positions.unstored(prepared.records()).map(unstored -> {
            handling = handleUnlessEmpty(unstoredOf(prepared, unstored));
            return null;
          });
        }));
    inFlight.onComplete(done -> pollLoop());
  }

  /** A polled batch, decoded: what could be decoded and what could not. */
  private record Prepared(
      List<KafkaConsumerRecord<String, byte[]>> records,
      List<PersistBatch.Event> events,
      List<ProcessingFailure> undecodable) {

    static final Prepared NONE = new Prepared(List.of(), List.of(), List.of());
  }

  private Future<Prepared> prepare(KafkaConsumerRecords<String, byte[]> records) {
    if (records.isEmpty() || paused) {
      return Future.succeededFuture(Prepared.NONE);
    }
    List<KafkaConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      batch.add(records.recordAt(i));
    }
    return decoder.resolveSchemas(batch).map(resolved -> {
      List<ProcessingFailure> undecodable = new ArrayList<>();
      List<PersistBatch.Event> events = decode(batch, undecodable);
      return new Prepared(batch, events, undecodable);
    });
  }

  /** What of a prepared batch is to be handed over when positions are kept with the rows. */
  private static Prepared unstoredOf(Prepared prepared, StoredPositions.Unstored unstored) {
    return new Prepared(
        prepared.records().stream()
            .filter(
                record -> unstored.includes(record.topic(), record.partition(), record.offset()))
            .toList(),
        prepared.events().stream()
            .filter(event -> unstored.includes(event.topic(), event.partition(), event.offset()))
            .toList(),
        prepared.undecodable().stream()
            .filter(failure ->
                unstored.includes(failure.topic(), failure.partition(), failure.offset()))
            .toList());
  }

  private Future<Void> handleUnlessEmpty(Prepared prepared) {
    return prepared.records().isEmpty() ? Future.succeededFuture() : handle(prepared);
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
        events.add(decoder.decode(record));
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

  /**
   * Stops polling, lets the batch in hand finish (handled, and committed: stored, for the storing group), then leaves
   * the group. The storing group needs nothing more of Kafka (its positions are in PostgreSQL; Kafka's commit of
   * them is a view): its consumer is woken every 100 ms until closed, since each of a claim's lookups queued on the
   * consumer's thread would wait out {@code default.api.timeout.ms} while Kafka does not answer, with the poll and
   * the close behind them. A wakeup ends one blocked call; the close's own wakes it once.
   */
  public Future<Void> stop() {
    stopping = true;
    metrics.close();
    Future<Void> closed =
        inFlight.transform(polled -> handling).transform(done -> consumer.close());
    if (positions != null) {
      positions.stop();
      Consumer<String, byte[]> kafkaConsumer = consumer.unwrap();
      long waking = vertx.setPeriodic(STOP_WAKEUP_MS, tick -> kafkaConsumer.wakeup());
      closed.onComplete(done -> vertx.cancelTimer(waking));
    }
    return closed;
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
