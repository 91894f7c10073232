package io.eventgateway.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.BusCodecs;
import io.eventgateway.bus.DeadLetterBatch;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.bus.PartitionPositions;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.bus.PositionAdvance;
import io.eventgateway.config.ConfigLoader;
import io.eventgateway.kafka.CloudEventHeaders;
import io.eventgateway.kafka.ConsumerProgress;
import io.eventgateway.schema.ConfluentWireFormat;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.eventgateway.schema.FieldError;
import io.eventgateway.schema.JsonToAvro;
import io.eventgateway.testing.Eventually;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ProcessorVerticle} alone over Kafka's {@link MockConsumer}, with the writer's address answered by the test:
 * offsets are committed only after the writer stored the batch.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("ProcessorVerticle")
class ProcessorVerticleTest {

  private final AtomicInteger commits = new AtomicInteger();
  private final MockConsumer<String, byte[]> kafka =
      new MockConsumer<>(OffsetResetStrategy.EARLIEST) {
        @Override
        public synchronized void commitSync() {
          commits.incrementAndGet();
          super.commitSync();
        }

        @Override
        public synchronized void commitAsync(OffsetCommitCallback callback) {
          commits.incrementAndGet();
          super.commitAsync(callback);
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
          commits.incrementAndGet();
          super.commitSync(offsets);
        }

        @Override
        public synchronized Map<TopicPartition, Long> beginningOffsets(
            java.util.Collection<TopicPartition> partitions) {
          Map<TopicPartition, Long> beginnings = new HashMap<>(super.beginningOffsets(partitions));
          // what retention left, when the test deleted records the mock still returns
          beginnings.replaceAll((each, offset) -> Math.max(offset, deletedBefore.get()));
          return beginnings;
        }

        /**
         * What the Vert.x consumer asks. Blocks outside the mock's lock: {@code MockConsumer.wakeup()} takes it,
         * and the real consumer's wakeup is called from other threads while a call blocks.
         */
        @Override
        @SuppressWarnings("deprecation")
        public OffsetAndMetadata committed(TopicPartition partition) {
          if (kafkaSilent.get()) {
            // as a coordinator that does not answer: blocked until woken (or a minute)
            lookupsStarted.incrementAndGet();
            lookupsWaiting.incrementAndGet();
            try {
              if (wakeups.tryAcquire(1, TimeUnit.MINUTES)) {
                throw new WakeupException();
              }
            } catch (InterruptedException interrupted) {
              Thread.currentThread().interrupt();
            } finally {
              lookupsWaiting.decrementAndGet();
            }
          }
          return super.committed(partition);
        }

        @Override
        public void wakeup() {
          wakeups.release();
          super.wakeup();
        }

        @Override
        public synchronized ConsumerRecords<String, byte[]> poll(Duration timeout) {
          long startedAt = System.nanoTime();
          ConsumerRecords<String, byte[]> polled = super.poll(timeout);
          polls.add(new Poll(startedAt, System.nanoTime(), polled.count()));
          return polled;
        }

        @Override
        public synchronized void seek(TopicPartition sought, long offset) {
          super.seek(sought, offset);
          // the mock seeks by itself to reset a position: only the seek after a claim counts
          if (seeks.size() < claims.get()) {
            seeks.add(offset);
          }
        }
      };
  /** Whether Kafka leaves lookups of committed offsets unanswered, and how many wait for it. */
  private final AtomicBoolean kafkaSilent = new AtomicBoolean();

  private final AtomicInteger lookupsStarted = new AtomicInteger();
  private final AtomicInteger lookupsWaiting = new AtomicInteger();
  private final Semaphore wakeups = new Semaphore(0);
  /** Each poll of the consumer, in order. */
  private final List<Poll> polls = new CopyOnWriteArrayList<>();

  private record Poll(long startedAt, long endedAt, int records) {}

  /** Where the consumer was sought to, in order: each claim of the stored positions ends in one. */
  private final List<Long> seeks = new CopyOnWriteArrayList<>();

  private final AtomicInteger claims = new AtomicInteger();
  /** The first offset retention left, as the consumer is told it. */
  private final java.util.concurrent.atomic.AtomicLong deletedBefore =
      new java.util.concurrent.atomic.AtomicLong();
  /** The positions the store keeps, by partition ("topic-partition"), played by the test. */
  private final Map<String, Long> storedPositions = new ConcurrentHashMap<>();

  private final List<PositionAdvance> advances = new CopyOnWriteArrayList<>();
  private final List<List<String>> persistRequests = new CopyOnWriteArrayList<>();
  private JsonObject config;
  private EventCatalog catalog;
  private TopicPartition partition;

  @BeforeEach
  void start(Vertx vertx) {
    BusCodecs.register(vertx);
    BusCodecs.registerLocal(vertx, EventCatalog.class);
    config = ConfigLoader.load("test", Map.of());
    AtomicInteger ids = new AtomicInteger();
    catalog = EventCatalog.load(config.getJsonObject("kafka").getJsonObject("topics"))
        .withSchemaIds(type -> ids.incrementAndGet());
    vertx.eventBus().consumer(Addresses.REGISTRY_CATALOG, message -> message.reply(catalog));
    partition = new TopicPartition(catalog.find("analytics.page_view").topic(), 0);
    vertx.eventBus().<PartitionPositions>consumer(Addresses.POSITIONS_CLAIM, message -> {
      List<PartitionPositions.Position> stored = message.body().positions().stream()
          .map(known -> new PartitionPositions.Position(
              known.topic(),
              known.partition(),
              storedPositions.computeIfAbsent(
                  known.topic() + "-" + known.partition(), key -> known.nextOffset())))
          .toList();
      claims.incrementAndGet();
      message.reply(new PartitionPositions(message.body().group(), stored));
    });
  }

  @Test
  @DisplayName(
      "while the writer is unavailable nothing is committed; once it stored the batch, its offsets are")
  void commitsOnlyAfterTheWrite(Vertx vertx, VertxTestContext test) {
    AtomicInteger unavailable = new AtomicInteger(2);
    List<Long> committedWhileDown = new CopyOnWriteArrayList<>();
    vertx.eventBus().<PersistBatch>consumer(Addresses.EVENTS_PERSIST, message -> {
      persistRequests.add(
          message.body().events().stream().map(PersistBatch.Event::eventId).toList());
      if (unavailable.getAndDecrement() > 0) {
        committedWhileDown.add(committed().orElse(-1L));
        message.fail(FailureCodes.UNAVAILABLE, "connection to \"db-host\" refused");
      } else {
        storeAdvance(message.body());
        message.reply(message.body().events().size());
      }
    });
    assign();
    whenSought(() -> {
      addPageViews(0, 3);
    });
    List<JsonObject> inHandWhileDown = new CopyOnWriteArrayList<>();
    deploy(vertx)
        .compose(deployed -> Eventually.until(vertx, () -> {
          List<JsonObject> inHand = ConsumerProgress.of(vertx).stalled(0);
          inHandWhileDown.addAll(inHand);
          // the progress is cleared once Kafka's commit completes, which may be just after it shows
          return committed().orElse(0L) == 3 && inHand.isEmpty();
        }))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          // nothing past the start (which the claim tells Kafka, maybe after the first write)
          assertThat(committedWhileDown).hasSize(2).allMatch(offset -> offset <= 0);
          // seen from outside: the batch in hand, where it starts, its retries and the error
          // without what it quotes
          assertThat(inHandWhileDown)
              .anySatisfy(stalled -> assertThat(stalled.getInteger("retries")).isPositive())
              .allSatisfy(stalled -> {
                assertThat(stalled.getString("topic")).isEqualTo(partition.topic());
                assertThat(stalled.getLong("offset")).isZero();
                if (stalled.getInteger("retries") > 0) {
                  assertThat(stalled.getString("error")).isEqualTo("connection to \"…\" refused");
                }
              });
          assertThat(persistRequests)
              .hasSize(3)
              .allMatch(ids -> ids.equals(List.of("e-0", "e-1", "e-2")));
          // the positions moved with the rows, in the same request
          assertThat(advances)
              .singleElement()
              .satisfies(advance -> assertThat(advance.steps())
                  .containsExactly(new PositionAdvance.Step(partition.topic(), 0, 0, 3)));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "a record that is no gateway event is dead-lettered, and committed only once the dead letter is written")
  void deadLettersBeforeCommitting(Vertx vertx, VertxTestContext test) {
    List<Long> committedAtDeadLetter = new ArrayList<>();
    List<Long> positionAtDeadLetter = new ArrayList<>();
    List<PersistBatch> persisted = new CopyOnWriteArrayList<>();
    vertx.eventBus().<PersistBatch>consumer(Addresses.EVENTS_PERSIST, message -> {
      persisted.add(message.body());
      storeAdvance(message.body());
      message.reply(message.body().events().size());
    });
    // answered late: nothing may be committed until the dead letter is written, not merely
    // requested
    vertx
        .eventBus()
        .consumer(
            Addresses.DLQ_WRITE,
            message -> vertx.setTimer(300, timer -> {
              committedAtDeadLetter.add(committed().orElse(-1L));
              positionAtDeadLetter.add(storedPositions.get(partition.toString()));
              message.reply(1);
            }));
    assign();
    whenSought(() -> {
      kafka.addRecord(pageView(0));
      kafka.addRecord(new ConsumerRecord<>(partition.topic(), 0, 1, "k", "not avro".getBytes()));
    });
    deploy(vertx)
        .compose(deployed -> Eventually.until(vertx, () -> committed().orElse(0L) == 2))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(committedAtDeadLetter).singleElement().matches(offset -> offset <= 0);
          // the stored positions pass the record only once its dead letter is written: the
          // event's row first, alone, then the positions alone
          assertThat(positionAtDeadLetter).containsExactly(0L);
          assertThat(persisted).hasSize(2);
          assertThat(persisted.get(0).advance()).isNull();
          assertThat(persisted.get(1).events()).isEmpty();
          assertThat(storedPositions).containsEntry(partition.toString(), 2L);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "a batch refused for one record's fault is halved down to it: one dead letter, every other event stored once,"
          + " one commit after both")
  void narrowsARefusedBatchDownToTheRecordAtFault(Vertx vertx, VertxTestContext test) {
    int size = 64;
    String guilty = "e-37";
    Map<String, Integer> stored = new ConcurrentHashMap<>();
    AtomicInteger requests = new AtomicInteger();
    vertx.eventBus().<PersistBatch>consumer(Addresses.EVENTS_PERSIST, message -> {
      requests.incrementAndGet();
      List<String> ids =
          message.body().events().stream().map(PersistBatch.Event::eventId).toList();
      if (ids.contains(guilty)) {
        // the whole statement fails, as PostgreSQL's does: nothing of the batch is stored
        message.fail(FailureCodes.INVALID, "SQLSTATE 54000: index row size exceeds maximum");
      } else {
        ids.forEach(id -> stored.merge(id, 1, Integer::sum));
        storeAdvance(message.body());
        message.reply(ids.size());
      }
    });
    List<DeadLetterBatch.Letter> letters = new CopyOnWriteArrayList<>();
    List<Long> committedAtDeadLetter = new CopyOnWriteArrayList<>();
    List<Integer> storedAtDeadLetter = new CopyOnWriteArrayList<>();
    vertx.eventBus().<DeadLetterBatch>consumer(Addresses.DLQ_WRITE, message -> {
      committedAtDeadLetter.add(committed().orElse(-1L));
      storedAtDeadLetter.add(stored.size());
      letters.addAll(message.body().letters());
      // answered late: the commit must wait for the dead letter, not only follow its request
      vertx.setTimer(200, timer -> message.reply(message.body().letters().size()));
    });
    assign();
    whenSought(() -> {
      addPageViews(0, size);
    });
    deploy(vertx)
        .compose(deployed -> Eventually.until(vertx, () -> committed().orElse(0L) == size))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.offset()).isEqualTo(37);
            assertThat(letter.stage()).isEqualTo("persist");
            assertThat(letter.error()).contains("54000");
            assertThat(letter.attempts()).isEqualTo(1);
          });
          assertThat(stored).hasSize(size - 1).doesNotContainKey(guilty);
          assertThat(stored.values()).containsOnly(1);
          assertThat(committedAtDeadLetter).singleElement().matches(offset -> offset <= 0);
          assertThat(storedAtDeadLetter).containsExactly(size - 1);
          // Kafka told the claimed start, then the batch's end: not a commit per half
          assertThat(commits).hasValue(2);
          // halves, not one request per event: the whole, then two halves per level down to the
          // record, then the positions past the dead letter
          assertThat(requests.get()).isLessThanOrEqualTo(1 + 2 * 6 + 1);
          assertThat(storedPositions).containsEntry(partition.toString(), (long) size);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "a write that fails for an unknown cause is tried processor.maxAttempts times, then its record counts as at fault")
  void unknownFailuresAreRetriedABoundedNumberOfTimes(Vertx vertx, VertxTestContext test) {
    config.getJsonObject("processor").put("maxAttempts", 3).put("retryInitialBackoffMs", 10);
    Map<String, Integer> attempts = new ConcurrentHashMap<>();
    vertx.eventBus().<PersistBatch>consumer(Addresses.EVENTS_PERSIST, message -> {
      List<String> ids =
          message.body().events().stream().map(PersistBatch.Event::eventId).toList();
      attempts.merge(String.join(",", ids), 1, Integer::sum);
      if (ids.contains("e-1")) {
        message.fail(FailureCodes.INTERNAL, "SQLSTATE XX000: something unexpected");
      } else {
        storeAdvance(message.body());
        message.reply(ids.size());
      }
    });
    List<DeadLetterBatch.Letter> letters = new CopyOnWriteArrayList<>();
    vertx.eventBus().<DeadLetterBatch>consumer(Addresses.DLQ_WRITE, message -> {
      letters.addAll(message.body().letters());
      message.reply(message.body().letters().size());
    });
    assign();
    whenSought(() -> {
      addPageViews(0, 2);
    });
    deploy(vertx)
        .compose(deployed -> Eventually.until(vertx, () -> committed().orElse(0L) == 2))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(attempts).containsEntry("e-0,e-1", 3).containsEntry("e-1", 3);
          assertThat(attempts).containsEntry("e-0", 1);
          assertThat(storedPositions).containsEntry(partition.toString(), 2L);
          assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.offset()).isEqualTo(1);
            assertThat(letter.attempts()).isEqualTo(3);
          });
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "when events trickle in, the poll after a small one waits the linger, and what came meanwhile is one batch")
  void aSmallPollIsFollowedByTheLinger(Vertx vertx, VertxTestContext test) {
    config.getJsonObject("processor").put("trickleLingerMs", 2_000).put("trickleBelowEvents", 100);
    storeEachBatch(vertx, () -> {
      // they trickle in while the first batch is written, 100 ms apart: a batch each without the
      // linger
      addPageViews(3, 4);
      vertx.setTimer(100, later -> addPageViews(4, 5));
    });
    assign();
    whenSought(() -> addPageViews(0, 3));
    deploy(vertx)
        .compose(deployed -> Eventually.until(vertx, () -> committed().orElse(0L) == 5))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(persistRequests)
              .containsExactly(List.of("e-0", "e-1", "e-2"), List.of("e-3", "e-4"));
          int small = polls.indexOf(
              polls.stream().filter(poll -> poll.records() == 3).findFirst().get());
          Poll next = polls.get(small + 1);
          assertThat(next.startedAt() - polls.get(small).endedAt())
              .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(2_000));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "an empty poll or a full one is followed by the next at once: the first event after a quiet spell waits for nothing")
  void emptyAndFullPollsAreNotFollowedByTheLinger(Vertx vertx, VertxTestContext test) {
    config.getJsonObject("processor").put("trickleLingerMs", 60_000).put("trickleBelowEvents", 3);
    storeEachBatch(vertx, () -> {
      // after the full poll, empty ones, then one event
      kafka.schedulePollTask(() -> {});
      kafka.schedulePollTask(() -> {});
      kafka.schedulePollTask(() -> addPageViews(3, 4));
    });
    assign();
    whenSought(() -> addPageViews(0, 3));
    long startedAt = System.nanoTime();
    deploy(vertx)
        .compose(deployed -> Eventually.until(vertx, () -> committed().orElse(0L) == 4))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(persistRequests).containsExactly(List.of("e-0", "e-1", "e-2"), List.of("e-3"));
          // a linger would have held the last event back a minute
          assertThat(System.nanoTime() - startedAt).isLessThan(TimeUnit.SECONDS.toNanos(20));
          test.completeNow();
        })));
  }

  /**
   * With {@code lingering}, the flake's own path: a small poll (its record not handed over, its partition not claimed
   * yet) holds the next poll back for the linger, so the close is queued right behind the lookups and its own
   * wakeup ends only the first. Without, the poll was empty and the next one is queued behind the lookups.
   */
  @ParameterizedTest(name = "a small poll's linger first: {0}")
  @ValueSource(booleans = {false, true})
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "undeploying while Kafka leaves a claim's lookups unanswered: each queued lookup is woken, none waited out, the close reached")
  void stopsWhileKafkaLeavesTheClaimUnanswered(
      boolean lingering, Vertx vertx, VertxTestContext test) {
    if (lingering) {
      config
          .getJsonObject("processor")
          .put("trickleLingerMs", 60_000)
          .put("trickleBelowEvents", 100);
    }
    TopicPartition another = new TopicPartition(partition.topic(), 1);
    kafkaSilent.set(true);
    kafka.schedulePollTask(() -> {
      kafka.rebalance(List.of(partition, another));
      kafka.updateBeginningOffsets(Map.of(partition, 0L, another, 0L));
      if (lingering) {
        addPageViews(0, 1);
      }
    });
    deploy(vertx)
        .compose(id -> Eventually.until(vertx, () -> lookupsWaiting.get() > 0).map(id))
        .compose(vertx::undeploy)
        // past the claim's retry delay (1 s)
        .compose(stopped -> vertx.timer(1_500))
        .onComplete(test.succeeding(waited -> test.verify(() -> {
          // the first claim's lookup of each partition, none of a second claim
          assertThat(lookupsStarted.get()).isEqualTo(2);
          assertThat(persistRequests).isEmpty();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "a partition resumes where PostgreSQL's position says, not Kafka's: the records before it are never handed over")
  void resumesFromTheStoredPosition(Vertx vertx, VertxTestContext test) {
    storedPositions.put(partition.toString(), 3L);
    vertx.eventBus().<PersistBatch>consumer(Addresses.EVENTS_PERSIST, message -> {
      persistRequests.add(
          message.body().events().stream().map(PersistBatch.Event::eventId).toList());
      storeAdvance(message.body());
      message.reply(message.body().events().size());
    });
    assign();
    whenSought(() -> {
      // Kafka redelivers from 0, as after a crash between the store's commit and Kafka's
      addPageViews(0, 6);
    });
    deploy(vertx)
        .compose(deployed -> Eventually.until(vertx, () -> committed().orElse(0L) == 6))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(seeks).containsExactly(3L);
          assertThat(persistRequests).containsExactly(List.of("e-3", "e-4", "e-5"));
          assertThat(advances)
              .singleElement()
              .satisfies(advance -> assertThat(advance.steps())
                  .containsExactly(new PositionAdvance.Step(partition.topic(), 0, 3, 6)));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "a batch whose positions another member moved on is dropped (409), and the partition resumes from the new ones")
  void movedPositionsAreClaimedAgain(Vertx vertx, VertxTestContext test) {
    AtomicInteger requests = new AtomicInteger();
    vertx.eventBus().<PersistBatch>consumer(Addresses.EVENTS_PERSIST, message -> {
      persistRequests.add(
          message.body().events().stream().map(PersistBatch.Event::eventId).toList());
      if (requests.incrementAndGet() == 1) {
        // meanwhile, the partition's new owner stored e-0 to e-3
        storedPositions.put(partition.toString(), 4L);
      }
      if (storeAdvance(message.body())) {
        message.reply(message.body().events().size());
      } else {
        message.fail(FailureCodes.CONFLICT, "positions moved");
      }
    });
    assign();
    whenSought(() -> {
      addPageViews(0, 6);
      // what the consumer reads again after it was sought to the new position
      whenSought(() -> {
        addPageViews(4, 6);
      });
    });
    deploy(vertx)
        .compose(deployed -> Eventually.until(vertx, () -> committed().orElse(0L) == 6))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(seeks).containsExactly(0L, 4L);
          assertThat(persistRequests)
              .containsExactly(
                  List.of("e-0", "e-1", "e-2", "e-3", "e-4", "e-5"), List.of("e-4", "e-5"));
          assertThat(storedPositions).containsEntry(partition.toString(), 6L);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "the next batch is polled while one is written, and dropped when that one fails: nothing is skipped")
  void aBatchPolledAheadOfAFailedOneIsDropped(Vertx vertx, VertxTestContext test) {
    Map<String, Integer> stored = new ConcurrentHashMap<>();
    vertx.eventBus().<PersistBatch>consumer(Addresses.EVENTS_PERSIST, message -> {
      message.body().events().forEach(event -> stored.merge(event.eventId(), 1, Integer::sum));
      storeAdvance(message.body());
      message.reply(message.body().events().size());
    });
    AtomicInteger deadLetterRequests = new AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean polledAhead =
        new java.util.concurrent.atomic.AtomicBoolean();
    vertx.eventBus().<DeadLetterBatch>consumer(Addresses.DLQ_WRITE, message -> {
      if (deadLetterRequests.incrementAndGet() > 1) {
        message.reply(message.body().letters().size());
        return;
      }
      // the first dead letter fails once the next batch was polled: the batch in hand is to be
      // read again from its start, and the one polled ahead must not be stored past it
      Eventually.until(vertx, polledAhead::get).onComplete(ahead -> {
        kafka.schedulePollTask(() -> addRecords(0, 6));
        message.fail(FailureCodes.UNAVAILABLE, "dead-letter topic unavailable");
      });
    });
    assign();
    whenSought(() -> {
      addRecords(0, 3);
      kafka.schedulePollTask(() -> {
        addRecords(3, 6);
        polledAhead.set(true);
      });
    });
    deploy(vertx)
        .compose(deployed -> Eventually.until(
            vertx,
            () -> committed().orElse(0L) == 6 && storedPositions.get(partition.toString()) == 6))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(deadLetterRequests).hasValue(2);
          assertThat(stored)
              .containsOnlyKeys("e-0", "e-2", "e-3", "e-4", "e-5")
              .allSatisfy((id, times) -> assertThat(times).as(id).isPositive());
          // the positions moved in one chain: never past a batch that was not stored
          for (int i = 1; i < advances.size(); i++) {
            assertThat(advances.get(i).steps().get(0).from())
                .isEqualTo(advances.get(i - 1).steps().get(0).to());
          }
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "a partition polled past its stored position (a fetch from before a seek) hands none of it over: it is sought"
          + " back, and every record is stored once")
  void aPartitionPolledPastItsStoredPositionIsSoughtBack(Vertx vertx, VertxTestContext test) {
    Map<String, Integer> stored = storingOnce(vertx);
    assign();
    whenSought(() -> {
      // what a fetch from a position the claim had not sought from yet returns: offsets 3 to 5
      addPageViews(3, 6);
      whenPositionedAt(0, () -> addPageViews(0, 6));
    });
    deploy(vertx)
        .compose(deployed -> Eventually.until(
            vertx,
            () -> committed().orElse(0L) == 6 && storedPositions.get(partition.toString()) == 6))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(stored)
              .containsOnlyKeys("e-0", "e-1", "e-2", "e-3", "e-4", "e-5")
              .allSatisfy((id, times) -> assertThat(times).as(id).isOne());
          assertThat(advances)
              .singleElement()
              .satisfies(advance -> assertThat(advance.steps())
                  .containsExactly(new PositionAdvance.Step(partition.topic(), 0, 0, 6)));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "records retention deleted before they were stored are passed over: the partition goes on from the first left")
  void recordsDeletedByRetentionArePassedOver(Vertx vertx, VertxTestContext test) {
    Map<String, Integer> stored = storingOnce(vertx);
    assign();
    whenSought(() -> {
      deletedBefore.set(3);
      addPageViews(3, 6);
    });
    deploy(vertx)
        .compose(deployed -> Eventually.until(
            vertx,
            () -> committed().orElse(0L) == 6 && storedPositions.get(partition.toString()) == 6))
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertThat(stored).containsOnlyKeys("e-3", "e-4", "e-5");
          assertThat(advances)
              .singleElement()
              .satisfies(advance -> assertThat(advance.steps())
                  .containsExactly(new PositionAdvance.Step(partition.topic(), 0, 0, 6)));
          test.completeNow();
        })));
  }

  /** The writer, played by the test: stores every batch whose positions stand where it says; the times per id. */
  private Map<String, Integer> storingOnce(Vertx vertx) {
    Map<String, Integer> stored = new ConcurrentHashMap<>();
    vertx.eventBus().<PersistBatch>consumer(Addresses.EVENTS_PERSIST, message -> {
      if (storeAdvance(message.body())) {
        message.body().events().forEach(event -> stored.merge(event.eventId(), 1, Integer::sum));
        message.reply(message.body().events().size());
      } else {
        message.fail(FailureCodes.CONFLICT, "positions moved");
      }
    });
    return stored;
  }

  /** Plays the writer: records each batch's ids and stores it; {@code atFirst} runs at the first batch. */
  private void storeEachBatch(Vertx vertx, Runnable atFirst) {
    vertx.eventBus().<PersistBatch>consumer(Addresses.EVENTS_PERSIST, message -> {
      List<String> ids =
          message.body().events().stream().map(PersistBatch.Event::eventId).toList();
      persistRequests.add(ids);
      if (persistRequests.size() == 1) {
        atFirst.run();
      }
      storeAdvance(message.body());
      message.reply(ids.size());
    });
  }

  /** Runs {@code then} at the first poll from {@code offset} of the test's partition. */
  private void whenPositionedAt(long offset, Runnable then) {
    kafka.schedulePollTask(() -> {
      if (kafka.position(partition) == offset) {
        then.run();
      } else {
        whenPositionedAt(offset, then);
      }
    });
  }

  private void addPageViews(int from, int to) {
    for (int offset = from; offset < to; offset++) {
      kafka.addRecord(pageView(offset));
    }
  }

  /** Page views at offsets {@code from} to {@code to} (exclusive), offset 1 no gateway event at all. */
  private void addRecords(int from, int to) {
    for (int offset = from; offset < to; offset++) {
      kafka.addRecord(
          offset == 1
              ? new ConsumerRecord<>(partition.topic(), 0, 1, "k", "not avro".getBytes())
              : pageView(offset));
    }
  }

  private void assign() {
    kafka.schedulePollTask(() -> {
      kafka.rebalance(List.of(partition));
      kafka.updateBeginningOffsets(Map.of(partition, 0L));
    });
  }

  /**
   * Adds records at the first poll after the consumer was sought to its stored positions: the mock returns a
   * record once, and a record polled before the claim is not handed over.
   */
  private void whenSought(Runnable addRecords) {
    int claimsBefore = seeks.size();
    kafka.schedulePollTask(() -> awaitSeek(claimsBefore, addRecords));
  }

  private void awaitSeek(int seeksBefore, Runnable addRecords) {
    if (seeks.size() > seeksBefore) {
      addRecords.run();
    } else {
      kafka.schedulePollTask(() -> awaitSeek(seeksBefore, addRecords));
    }
  }

  /**
   * Plays the store's conditional advance: {@code true} when every partition stood where the batch says (the
   * positions then move), {@code false} when one did not (the writer answers 409).
   */
  private boolean storeAdvance(PersistBatch batch) {
    PositionAdvance advance = batch.advance();
    if (advance == null) {
      return true;
    }
    for (PositionAdvance.Step step : advance.steps()) {
      if (!storedPositions
          .getOrDefault(step.topic() + "-" + step.partition(), -1L)
          .equals(step.from())) {
        return false;
      }
    }
    advance
        .steps()
        .forEach(step -> storedPositions.put(step.topic() + "-" + step.partition(), step.to()));
    advances.add(advance);
    return true;
  }

  private Future<String> deploy(Vertx vertx) {
    return vertx.deployVerticle(
        new ProcessorVerticle(settings -> kafka), new DeploymentOptions().setConfig(config));
  }

  private Optional<Long> committed() {
    OffsetAndMetadata offset = kafka.committed(Set.of(partition)).get(partition);
    return Optional.ofNullable(offset).map(OffsetAndMetadata::offset);
  }

  private ConsumerRecord<String, byte[]> pageView(long offset) {
    EventType type = catalog.find("analytics.page_view");
    List<FieldError> errors = new ArrayList<>();
    var data = JsonToAvro.toRecord(
        type.schema(),
        new JsonObject()
            .put("user_id", "u-1")
            .put("session_id", "s-1")
            .put("url", "https://shop.example/"),
        "data",
        errors);
    assertThat(errors).isEmpty();
    Map<String, String> headers = new HashMap<>(Map.of(
        CloudEventHeaders.ID,
        "e-" + offset,
        CloudEventHeaders.SOURCE,
        "/test",
        CloudEventHeaders.TYPE,
        type.type()));
    RecordHeaders recordHeaders = new RecordHeaders();
    headers.forEach(
        (name, value) -> recordHeaders.add(name, value.getBytes(StandardCharsets.UTF_8)));
    return new ConsumerRecord<>(
        partition.topic(),
        0,
        offset,
        System.currentTimeMillis(),
        TimestampType.CREATE_TIME,
        0,
        0,
        "u-1",
        ConfluentWireFormat.encode(type.schemaId(), type.subjectSchema(), data),
        recordHeaders,
        Optional.empty());
  }
}
