package io.eventgateway.loadtest;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
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

  @Override
  public void close() {
    admin.close();
  }
}
