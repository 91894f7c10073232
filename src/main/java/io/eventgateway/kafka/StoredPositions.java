package io.eventgateway.kafka;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.bus.PartitionPositions;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.bus.PositionAdvance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The positions of a group that keeps them in PostgreSQL, beside what it stores (the processing group): claimed
 * from the store when partitions are assigned and each partition sought to its stored position, then advanced in
 * the transaction that stores each batch. A record of a partition not claimed yet, or before its stored position
 * (a redelivery), is never handed over, so rebalances and redeliveries never reach the insert. Kafka's committed
 * offsets follow, for lag and tooling; a partition PostgreSQL has no position for starts where Kafka's commit
 * says (or at the beginning).
 */
final class StoredPositions {

  private static final Logger LOG = LoggerFactory.getLogger(StoredPositions.class);
  private static final long CLAIM_RETRY_MS = 1_000;

  private final Vertx vertx;
  private final KafkaConsumer<String, byte[]> consumer;
  private final String group;
  private final Set<TopicPartition> assigned = new HashSet<>();
  /** The next offset to store of each claimed partition, as the store has it. */
  private final Map<TopicPartition, Long> claimed = new HashMap<>();
  /** The consumer is closing: no more claims, whose lookups would queue up on its thread before the close. */
  private boolean stopped;

  StoredPositions(Vertx vertx, KafkaConsumer<String, byte[]> consumer, String group) {
    this.vertx = vertx;
    this.consumer = consumer;
    this.group = group;
  }

  void assigned(Set<TopicPartition> partitions) {
    assigned.addAll(partitions);
    claim(partitions);
  }

  void revoked(Set<TopicPartition> partitions) {
    assigned.removeAll(partitions);
    partitions.forEach(claimed::remove);
  }

  /** Claims nothing from now on, nor tries a failed claim again. */
  void stop() {
    stopped = true;
  }

  /** Whether {@code error} says another member moved this group's positions: claim them again. */
  static boolean moved(Throwable error) {
    return error instanceof ReplyException reply && reply.failureCode() == FailureCodes.CONFLICT;
  }

  /** Claims every assigned partition again, after another member moved their positions. */
  Future<Void> reclaim() {
    LOG.info("Positions of group {} moved on; resuming from the stored ones", group);
    return claim(Set.copyOf(assigned));
  }

  /**
   * What of {@code polled} to hand over: the records of claimed partitions from their stored position on, each
   * partition's records starting right at that position. A partition whose first such record lies past it was
   * polled from elsewhere (a fetch from before a seek that had not taken effect yet): none of its records are
   * handed over and it is sought back to its stored position, once that is done. Only records retention deleted
   * before they were stored are passed over (logged), since no seek brings them back.
   */
  Future<Unstored> unstored(List<KafkaConsumerRecord<String, byte[]>> polled) {
    Map<TopicPartition, Long> firsts = new HashMap<>();
    for (KafkaConsumerRecord<String, byte[]> record : polled) {
      if (isUnstored(record.topic(), record.partition(), record.offset())) {
        firsts.merge(
            new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
      }
    }
    List<Future<TopicPartition>> outOfLine = new ArrayList<>();
    firsts.forEach((partition, first) -> {
      long stored = claimed.get(partition);
      if (first > stored) {
        outOfLine.add(soughtBackUnlessDeleted(partition, stored, first));
      }
    });
    if (outOfLine.isEmpty()) {
      return Future.succeededFuture(new Unstored(Set.of()));
    }
    return Future.all(outOfLine).map(all -> {
      Set<TopicPartition> skipped = new HashSet<>(all.<TopicPartition>list());
      skipped.remove(null);
      return new Unstored(skipped);
    });
  }

  /** The records to hand over of one poll: unstored, and not of a partition polled out of line. */
  final class Unstored {
    private final Set<TopicPartition> outOfLine;

    private Unstored(Set<TopicPartition> outOfLine) {
      this.outOfLine = outOfLine;
    }

    boolean includes(String topic, int partition, long offset) {
      return isUnstored(topic, partition, offset)
          && (outOfLine.isEmpty() || !outOfLine.contains(new TopicPartition(topic, partition)));
    }
  }

  /**
   * Seeks {@code partition} back to {@code stored} and answers it (its records are not to be handed over), unless
   * the records before {@code first} are gone from the log: then answers {@code null} (hand them over).
   */
  private Future<TopicPartition> soughtBackUnlessDeleted(
      TopicPartition partition, long stored, long first) {
    return consumer.beginningOffsets(partition).compose(beginning -> {
      if (beginning >= first) {
        LOG.warn(
            "{}-{}: offsets {} to {} were deleted by retention before group {} stored them",
            partition.getTopic(),
            partition.getPartition(),
            stored,
            first - 1,
            group);
        return Future.succeededFuture(null);
      }
      LOG.info(
          "{}-{} was polled from offset {} while group {} stands at {}: sought back",
          partition.getTopic(),
          partition.getPartition(),
          first,
          group,
          stored);
      return consumer.seek(partition, stored).map(partition);
    });
  }

  /** Whether the record at this position is to be handed over: its partition is claimed and it is not stored. */
  boolean isUnstored(String topic, int partition, long offset) {
    Long next = claimed.get(new TopicPartition(topic, partition));
    return next != null && offset >= next;
  }

  /** Each partition of {@code batch} from its stored position to past its last record, in one order for all. */
  PositionAdvance advance(List<KafkaConsumerRecord<String, byte[]>> batch) {
    Map<TopicPartition, Long> past = new HashMap<>();
    for (KafkaConsumerRecord<String, byte[]> record : batch) {
      past.merge(
          new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
    }
    List<PositionAdvance.Step> steps = new ArrayList<>(past.size());
    past.forEach((partition, to) -> steps.add(new PositionAdvance.Step(
        partition.getTopic(), partition.getPartition(), claimed.get(partition), to)));
    steps.sort(Comparator.comparing(PositionAdvance.Step::topic)
        .thenComparingInt(PositionAdvance.Step::partition));
    return new PositionAdvance(group, steps);
  }

  /** Stores {@code advance} without rows: once a batch's refused records are dead-lettered. */
  Future<Void> store(PositionAdvance advance) {
    return vertx
        .eventBus()
        .request(Addresses.EVENTS_PERSIST, new PersistBatch(List.of(), advance))
        .mapEmpty();
  }

  /**
   * Seeks every claimed partition back to its stored position, after a batch failed: whatever was polled past it,
   * in any partition, is read again.
   */
  Future<Void> rewindToStored() {
    List<Future<Void>> seeks = new ArrayList<>();
    claimed.forEach((partition, next) -> seeks.add(consumer.seek(partition, next)));
    return Future.join(seeks).mapEmpty();
  }

  /**
   * Tells Kafka where {@code advance} left the group, so that its lag counts what is not stored yet: the consumer's
   * own position is past a batch polled ahead. Kafka's view only: a failure is left to the next commit.
   */
  Future<Void> commitToKafka(PositionAdvance advance) {
    Map<TopicPartition, Long> next = new HashMap<>();
    advance
        .steps()
        .forEach(step -> next.put(new TopicPartition(step.topic(), step.partition()), step.to()));
    return commitToKafka(next);
  }

  /** The store has {@code advance}: the next batch of each partition starts where it ended. */
  void advanced(PositionAdvance advance) {
    for (PositionAdvance.Step step : advance.steps()) {
      claimed.replace(new TopicPartition(step.topic(), step.partition()), step.from(), step.to());
    }
  }

  /**
   * Asks the store for the positions of {@code partitions} (recording Kafka's for those it has none of), seeks each
   * there, and only then hands over their records. While the store is unavailable, asks again every second.
   */
  private Future<Void> claim(Set<TopicPartition> partitions) {
    partitions.forEach(claimed::remove);
    if (partitions.isEmpty() || stopped) {
      return Future.succeededFuture();
    }
    return kafkaPositions(partitions)
        .compose(
            known -> vertx.eventBus().<PartitionPositions>request(Addresses.POSITIONS_CLAIM, known))
        .compose(reply -> {
          if (stopped) {
            // answered once the consumer is closing: a seek now would reopen it (Vert.x
            // starts a new thread for a call to a closed consumer)
            return Future.succeededFuture();
          }
          List<Future<Void>> seeks = new ArrayList<>();
          Map<TopicPartition, Long> stored = new HashMap<>();
          for (PartitionPositions.Position position : reply.body().positions()) {
            TopicPartition partition = new TopicPartition(position.topic(), position.partition());
            if (assigned.contains(partition)) {
              stored.put(partition, position.nextOffset());
              seeks.add(consumer.seek(partition, position.nextOffset()));
            }
          }
          // Kafka is told the claimed positions, so that the lag reads true before the next
          // batch commits (after a rewind of Kafka's offsets alone, say)
          return Future.all(seeks)
              .onSuccess(sought -> stored.forEach(claimed::put))
              .compose(sought -> commitToKafka(stored));
        })
        .recover(error -> {
          if (stopped) {
            LOG.debug(
                "A claim of group {} ended with the stop ({})",
                group,
                LoggedErrors.masked(error.getMessage()));
            return Future.succeededFuture();
          }
          Set<TopicPartition> still = new HashSet<>(partitions);
          still.retainAll(assigned);
          LOG.warn(
              "Could not claim the positions of {} partitions of group {} ({}); again in {} ms",
              still.size(),
              group,
              LoggedErrors.masked(error.getMessage()),
              CLAIM_RETRY_MS);
          vertx.setTimer(CLAIM_RETRY_MS, retry -> claim(still));
          return Future.succeededFuture();
        });
  }

  /** Tells Kafka these positions (Kafka's view only: a failure is left to the next commit). */
  private Future<Void> commitToKafka(Map<TopicPartition, Long> stored) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    stored.forEach((partition, next) -> offsets.put(partition, new OffsetAndMetadata(next, "")));
    return consumer.commit(offsets).<Void>mapEmpty().otherwise((Void) null);
  }

  /** Where Kafka would start each partition: the group's committed offset, or the partition's beginning. */
  private Future<PartitionPositions> kafkaPositions(Set<TopicPartition> partitions) {
    List<Future<PartitionPositions.Position>> positions = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      positions.add(consumer
          .committed(partition)
          .compose(committed -> committed != null
              ? Future.succeededFuture(committed.getOffset())
              : consumer.beginningOffsets(partition))
          .map(offset -> new PartitionPositions.Position(
              partition.getTopic(), partition.getPartition(), offset)));
    }
    return Future.all(positions).map(all -> new PartitionPositions(group, all.list()));
  }
}
