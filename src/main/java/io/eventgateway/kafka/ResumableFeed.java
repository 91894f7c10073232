package io.eventgateway.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's feed read from Kafka itself, so that it can start at any retained position: a consumer of no group
 * (nothing committed, no rebalance), assigned every partition of the feed's topics and sought to the start the
 * client asked for. It sends only its tenant's records, each with the position after it, in order per partition;
 * while the client's write queue is full it reads nothing more, and past {@code feeds.stallSeconds} of that it
 * closes the feed with a reason: the client resumes from its last position and loses nothing.
 */
public final class ResumableFeed {

  private static final Logger LOG = LoggerFactory.getLogger(ResumableFeed.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  private final Vertx vertx;
  private final KafkaConsumer<String, byte[]> consumer;
  private final String tenant;
  private final FeedFormat format;
  private final FeedSink sink;
  private final long stallMillis;
  private FeedPosition position;
  private long heartbeat = -1;
  private boolean stopped;

  private ResumableFeed(
      Vertx vertx,
      KafkaConsumer<String, byte[]> consumer,
      String tenant,
      FeedFormat format,
      FeedSink sink,
      long stallMillis) {
    this.vertx = vertx;
    this.consumer = consumer;
    this.tenant = tenant;
    this.format = format;
    this.sink = sink;
    this.stallMillis = stallMillis;
  }

  /**
   * Opens the feed and starts sending; it stops when the sink closes.
   *
   * @param settings the gateway's consumer settings (cluster, security); the feed's own replace the group's
   * @param heartbeatMillis how often {@link FeedSink#heartbeat} is called
   */
  public static Future<ResumableFeed> open(
      Vertx vertx,
      Properties settings,
      Set<String> topics,
      FeedStart start,
      String tenant,
      FeedFormat format,
      FeedSink sink,
      long heartbeatMillis,
      long stallMillis) {
    Properties own = new Properties();
    own.putAll(settings);
    own.remove("group.id");
    own.remove("group.instance.id");
    own.put("enable.auto.commit", "false");
    // a position past what Kafka retains starts at what it still has
    own.put("auto.offset.reset", "earliest");
    // what waits in memory for a paused client: one poll, and the fetches behind it, kept small
    own.put("max.poll.records", "100");
    own.put("fetch.max.bytes", String.valueOf(1024 * 1024));
    own.put("max.partition.fetch.bytes", String.valueOf(256 * 1024));
    own.put("client.id", "feed-resumable-" + UUID.randomUUID().toString().substring(0, 8));
    // a consumer's construction resolves addresses and may log in: not on the event loop
    return vertx.executeBlocking(() -> DecodingConsumer.open(own)).compose(kafkaConsumer -> {
      ResumableFeed feed = new ResumableFeed(
          vertx, KafkaConsumer.create(vertx, kafkaConsumer), tenant, format, sink, stallMillis);
      sink.closeHandler(feed::stop);
      if (sink.isClosed()) {
        feed.stop();
      }
      return feed.seek(topics, start)
          .compose(sought -> {
            if (feed.stopped) {
              return Future.failedFuture(new IllegalStateException("the client went away"));
            }
            sink.opened(feed.position.written());
            feed.heartbeat =
                vertx.setPeriodic(heartbeatMillis, beat -> sink.heartbeat(feed.position.written()));
            feed.poll();
            return Future.succeededFuture(feed);
          })
          .onFailure(error -> feed.stop());
    });
  }

  /** Goes on with {@code next} unless the client went away meanwhile (a closed consumer must not be called). */
  private <T> Future<T> unlessStopped(java.util.function.Supplier<Future<T>> next) {
    return stopped
        ? Future.failedFuture(new IllegalStateException("the client went away"))
        : next.get();
  }

  private Future<Void> seek(Set<String> topics, FeedStart start) {
    if (stopped) {
      return Future.failedFuture(new IllegalStateException("the client went away"));
    }
    List<Future<List<io.vertx.kafka.client.common.PartitionInfo>>> lookups =
        topics.stream().map(consumer::partitionsFor).toList();
    return Future.all(lookups)
        .compose(found -> unlessStopped(() -> {
          Map<String, long[]> offsets = new TreeMap<>();
          Set<TopicPartition> partitions = new HashSet<>();
          for (Future<List<io.vertx.kafka.client.common.PartitionInfo>> lookup : lookups) {
            for (io.vertx.kafka.client.common.PartitionInfo info : lookup.result()) {
              partitions.add(new TopicPartition(info.getTopic(), info.getPartition()));
            }
          }
          partitions.forEach(partition -> offsets.merge(
              partition.getTopic(),
              new long[partition.getPartition() + 1],
              (known, wider) -> known.length >= wider.length ? known : wider));
          return consumer
              .assign(partitions)
              .compose(assigned -> unlessStopped(() -> starts(partitions, start)))
              .compose(starts -> unlessStopped(() -> {
                List<Future<Void>> seeks = new ArrayList<>();
                starts.forEach((partition, offset) -> {
                  offsets.get(partition.getTopic())[partition.getPartition()] = offset;
                  seeks.add(consumer.seek(partition, offset));
                });
                position = new FeedPosition(offsets);
                return Future.all(seeks).mapEmpty();
              }));
        }));
  }

  /** The first offset to read on each partition. */
  private Future<Map<TopicPartition, Long>> starts(
      Set<TopicPartition> partitions, FeedStart start) {
    if (start instanceof FeedStart.Earliest) {
      return consumer.beginningOffsets(partitions);
    }
    if (start instanceof FeedStart.At at) {
      Map<TopicPartition, Long> times = new HashMap<>();
      partitions.forEach(partition -> times.put(partition, at.time().toEpochMilli()));
      return consumer
          .offsetsForTimes(times)
          .compose(found -> unlessStopped(() -> consumer.endOffsets(partitions)).map(ends -> {
            Map<TopicPartition, Long> starts = new HashMap<>(ends);
            found.forEach((partition, offset) -> {
              if (offset != null) {
                starts.put(partition, offset.getOffset());
              }
            });
            return starts;
          }));
    }
    if (start instanceof FeedStart.After after) {
      return consumer
          .beginningOffsets(partitions)
          .compose(firsts -> unlessStopped(() -> consumer.endOffsets(partitions))
              .map(ends -> {
                Map<TopicPartition, Long> starts = new HashMap<>();
                for (TopicPartition partition : partitions) {
                  long next = after.position().next(partition.getTopic(), partition.getPartition());
                  long first = firsts.get(partition);
                  // never before what is retained, never past the end (a position this gateway did
                  // not
                  // write)
                  starts.put(
                      partition,
                      next < 0 ? first : Math.max(first, Math.min(next, ends.get(partition))));
                }
                return starts;
              }));
    }
    return consumer.endOffsets(partitions);
  }

  private void poll() {
    if (stopped) {
      return;
    }
    consumer
        .poll(POLL_TIMEOUT)
        .compose(polled -> {
          List<KafkaConsumerRecord<String, byte[]>> records = list(polled);
          return format.prepare(records).map(records);
        })
        .onSuccess(this::send)
        .onFailure(error -> {
          if (!stopped) {
            LOG.warn("A resumable feed's consumer failed: {}", error.toString());
            sink.close("feed-failed", "the feed could not read Kafka; reconnect to resume");
          }
        });
  }

  private void send(List<KafkaConsumerRecord<String, byte[]>> records) {
    for (KafkaConsumerRecord<String, byte[]> record : records) {
      position.passed(record.topic(), record.partition(), record.offset());
      if (tenant.equals(tenantOf(record, format))) {
        JsonObject message;
        try {
          message = format.message(record);
        } catch (RuntimeException unreadable) {
          // a record the feed cannot show is passed over, not allowed to stop the feed
          LOG.debug(
              "A feed passed over {}-{}@{}: {}",
              record.topic(),
              record.partition(),
              record.offset(),
              unreadable.toString());
          continue;
        }
        if (message != null) {
          sink.send(position.written(), message);
        }
      }
    }
    if (stopped || sink.isClosed()) {
      return;
    }
    if (!sink.writeQueueFull()) {
      poll();
      return;
    }
    long stall = vertx.setTimer(
        stallMillis,
        expired -> sink.close(
            "slow-client",
            "the client did not read for " + stallMillis / 1000
                + " s (feeds.stallSeconds); reconnect with the last event id to resume"));
    sink.drainHandler(() -> {
      vertx.cancelTimer(stall);
      poll();
    });
  }

  private static List<KafkaConsumerRecord<String, byte[]>> list(
      KafkaConsumerRecords<String, byte[]> polled) {
    List<KafkaConsumerRecord<String, byte[]>> records = new ArrayList<>(polled.size());
    for (int i = 0; i < polled.size(); i++) {
      records.add(polled.recordAt(i));
    }
    return records;
  }

  private static String tenantOf(KafkaConsumerRecord<String, byte[]> record, FeedFormat format) {
    Header header = record.record().headers().lastHeader(GatewayHeaders.TENANT);
    return header == null || header.value() == null
        ? format.tenantWithoutHeader()
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** Stops reading and leaves Kafka; once. */
  private void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    vertx.cancelTimer(heartbeat);
    consumer.close();
  }
}
