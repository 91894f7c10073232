package io.eventgateway.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each partition of this node's consumer groups stands with the batch in hand, that is handed over and not
 * yet committed: since when, how old its oldest record is ({@code gateway.consumer.unstored.age}), how often it was
 * retried ({@code gateway.consumer.batch.retries}) and why. A batch that needs a first retry is logged once, by
 * position and error, never by value; readiness reports the partitions whose batch has been in hand too long
 * ({@link #stalled}). Shared by the node's consumers, since a rebalance moves a partition from one to another.
 */
public final class ConsumerProgress implements Shareable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerProgress.class);

  private final Map<String, Partition> partitions = new ConcurrentHashMap<>();

  private ConsumerProgress() {}

  public static ConsumerProgress of(Vertx vertx) {
    return (ConsumerProgress) vertx
        .sharedData()
        .getLocalMap("gateway.consumers")
        .computeIfAbsent("progress", key -> new ConsumerProgress());
  }

  /** One partition of one group: its batch in hand, if any. */
  static final class Partition {
    private final String group;
    private final String topic;
    private final int partition;
    private volatile long firstOffset = -1;
    private volatile long oldestTimestamp;
    private volatile long handedAt;
    private volatile int retries;
    private volatile String error;

    private Partition(String group, String topic, int partition) {
      this.group = group;
      this.topic = topic;
      this.partition = partition;
    }

    private boolean inHand() {
      return firstOffset >= 0;
    }

    private void clear() {
      firstOffset = -1;
      retries = 0;
      error = null;
    }

    private String position() {
      return topic + "-" + partition + "@" + firstOffset;
    }
  }

  /**
   * {@code batch} is handed over by {@code group}'s consumer; returns its partitions, which the consumer passes back
   * on commit or retry, so that neither walks the records again. A partition whose batch in hand starts at the same
   * offset is the same batch come again (rewound after a failure): it keeps its time and retries.
   */
  List<Partition> handedOver(String group, List<KafkaConsumerRecord<String, byte[]>> batch) {
    long now = System.currentTimeMillis();
    List<Partition> inHand = new ArrayList<>();
    Partition entry = null;
    // a poll returns each partition's records together and in offset order: one lookup per run of a
    // partition
    for (KafkaConsumerRecord<String, byte[]> record : batch) {
      if (entry == null
          || entry.partition != record.partition()
          || !entry.topic.equals(record.topic())) {
        entry = partition(group, record.topic(), record.partition());
        if (!inHand.contains(entry)) {
          inHand.add(entry);
        }
        if (entry.firstOffset != record.offset()
            && !(entry.inHand() && entry.firstOffset < record.offset())) {
          entry.clear();
          entry.firstOffset = record.offset();
          entry.oldestTimestamp = record.timestamp();
          entry.handedAt = now;
        }
      }
      entry.oldestTimestamp = Math.min(entry.oldestTimestamp, record.timestamp());
    }
    return inHand;
  }

  /**
   * The batch of {@code records} in {@code inHand}'s partitions is tried again after {@code error}; the first retry
   * of a batch is logged.
   */
  void retrying(List<Partition> inHand, int records, String error) {
    List<String> positions = new ArrayList<>();
    boolean first = false;
    for (Partition entry : inHand) {
      first |= entry.retries == 0;
      entry.retries++;
      entry.error = LoggedErrors.masked(error);
      positions.add(entry.position());
    }
    if (first) {
      LOG.warn(
          "A batch of {} records is not stored yet, retrying until it is ({}): {}",
          records,
          String.join(", ", positions),
          LoggedErrors.masked(error));
    }
  }

  /** The batch's offsets are committed: its partitions moved on. */
  void committed(List<Partition> inHand) {
    inHand.forEach(Partition::clear);
  }

  /** {@code group} no longer holds {@code topic}'s {@code partition} here: whatever was in hand is another's now. */
  void revoked(String group, String topic, int partition) {
    Partition entry = partitions.get(key(group, topic, partition));
    if (entry != null) {
      entry.clear();
    }
  }

  /**
   * The partitions whose batch has been in hand for longer than {@code afterMs}: group, topic, partition, the
   * offset it starts at, for how long, its retries and the last error (masked).
   */
  public List<JsonObject> stalled(long afterMs) {
    long now = System.currentTimeMillis();
    List<JsonObject> stalled = new ArrayList<>();
    for (Partition entry : partitions.values()) {
      long offset = entry.firstOffset;
      if (offset >= 0 && now - entry.handedAt > afterMs) {
        stalled.add(new JsonObject()
            .put("group", entry.group)
            .put("topic", entry.topic)
            .put("partition", entry.partition)
            .put("offset", offset)
            .put("inHandMs", now - entry.handedAt)
            .put("retries", entry.retries)
            .put("error", entry.error));
      }
    }
    return stalled;
  }

  private Partition partition(String group, String topic, int partition) {
    return partitions.computeIfAbsent(key(group, topic, partition), key -> {
      Partition entry = new Partition(group, topic, partition);
      Tags tags = Tags.of("group", group, "topic", topic, "partition", String.valueOf(partition));
      Gauge.builder(
              "gateway.consumer.unstored.age",
              () -> entry.inHand()
                  ? Math.max(0, System.currentTimeMillis() - entry.oldestTimestamp) / 1000.0
                  : 0)
          .description("Age of the oldest record handed over and not yet stored and committed")
          .baseUnit("seconds")
          .tags(tags)
          .register(Metrics.globalRegistry);
      Gauge.builder("gateway.consumer.batch.retries", () -> entry.retries)
          .description("Retries of the batch in hand")
          .tags(tags)
          .register(Metrics.globalRegistry);
      return entry;
    });
  }

  private static String key(String group, String topic, int partition) {
    return group + "/" + topic + "-" + partition;
  }
}
