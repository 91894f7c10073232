package io.eventgateway.loadtest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Events acknowledged by Kafka and not yet stored in PostgreSQL: the processor group's lag (it commits an offset
 * only after the rows are written). Asked of the broker with two small admin requests, so polling it costs neither
 * the gateway (as a {@code /metrics} scrape would) nor PostgreSQL (as counting rows would).
 */
final class ProcessingLag implements AutoCloseable {

  private static final String GROUP = "event-gateway-processor";

  private final Admin admin;

  ProcessingLag(String bootstrapServers) {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", bootstrapServers);
    admin = Admin.create(properties);
  }

  long events() throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
    long lag = 0;
    for (var end : admin.listOffsets(latest).all().get().entrySet()) {
      OffsetAndMetadata done = committed.get(end.getKey());
      lag += end.getValue().offset() - (done == null ? 0 : done.offset());
    }
    return lag;
  }

  /** Waits until at most {@code events} are left, polling every {@code pollMillis}; false after {@code maxMillis}. */
  boolean awaitAtMost(long events, long pollMillis, long maxMillis) throws ExecutionException, InterruptedException {
    long deadline = System.currentTimeMillis() + maxMillis;
    while (System.currentTimeMillis() < deadline) {
      if (events() <= events) {
        return true;
      }
      Thread.sleep(pollMillis);
    }
    return false;
  }

  /** Samples the lag every {@code seconds} on a thread of its own until {@link Watch#stop()}. */
  Watch watch(int seconds) {
    return new Watch(seconds);
  }

  /** The lag sampled at the end of every interval since {@link #watch}. */
  final class Watch {
    private final List<Long> samples = new CopyOnWriteArrayList<>();
    private final Thread thread;

    private Watch(int seconds) {
      thread = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            Thread.sleep(seconds * 1_000L);
            samples.add(events());
          }
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
          throw new IllegalStateException(e);
        }
      }, "lag-watch");
      thread.start();
    }

    /** @return the samples, oldest first */
    List<Long> stop() throws InterruptedException {
      thread.interrupt();
      thread.join();
      return List.copyOf(samples);
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
