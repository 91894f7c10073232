package io.eventgateway.kafka;

import io.eventgateway.config.KafkaConfig;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the gateway's topics with the configured partition count, so they never come from broker auto-creation
 * (one partition, which would cap the consumer group at one member). Blocking: call on a worker thread.
 */
public final class KafkaTopics {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

  private KafkaTopics() {}

  static void ensure(KafkaConfig kafka) throws InterruptedException, TimeoutException {
    ensure(kafka, kafka.familyTopics());
  }

  /** Creates {@code names} with the configured partition count unless they exist. */
  public static void ensure(KafkaConfig kafka, Collection<String> names)
      throws InterruptedException, TimeoutException {
    ensure(kafka, names, kafka.topicPartitions());
  }

  /** Creates {@code names} with {@code partitions} partitions unless they exist. */
  public static void ensure(KafkaConfig kafka, Collection<String> names, int partitions)
      throws InterruptedException, TimeoutException {
    short replication = kafka.topicReplicationFactor();
    List<NewTopic> topics =
        names.stream().map(name -> new NewTopic(name, partitions, replication)).toList();
    try (Admin admin = Admin.create(KafkaSettings.admin(kafka))) {
      for (var entry : admin.createTopics(topics).values().entrySet()) {
        try {
          entry.getValue().get(30, TimeUnit.SECONDS);
          LOG.info("Created topic {} with {} partitions", entry.getKey(), partitions);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e);
          }
        }
      }
    }
  }
}
