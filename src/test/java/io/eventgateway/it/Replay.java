package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Processing a gateway's topics again from their start, as docs/operations.md tells an operator to; no processor may run. */
final class Replay {

  private Replay() {}

  /** The whole replay: the group's offsets in Kafka back to the start, and its positions in PostgreSQL forgotten. */
  static void fromTheStart(JsonObject config) throws Exception {
    rewindKafkaOffsets(config);
    try (Connection db = DriverManager.getConnection(
            TestInfra.jdbcUrl(config.getJsonObject("postgres").getString("url")));
        PreparedStatement forget =
            db.prepareStatement("DELETE FROM consumer_positions WHERE group_id = ?")) {
      forget.setString(1, groupOf(config));
      assertThat(forget.executeUpdate()).isPositive();
    }
  }

  /** Kafka's offsets alone back to the start (which, alone, replays nothing). */
  static void rewindKafkaOffsets(JsonObject config) throws Exception {
    JsonObject kafka = config.getJsonObject("kafka");
    Properties properties = new Properties();
    properties.put("bootstrap.servers", kafka.getString("bootstrap.servers"));
    try (Admin admin = Admin.create(properties)) {
      String group = groupOf(config);
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> earliest = committed.keySet().stream()
          .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.earliest()));
      Map<TopicPartition, OffsetAndMetadata> rewound =
          admin.listOffsets(earliest).all().get().entrySet().stream()
              .collect(Collectors.toMap(
                  Map.Entry::getKey,
                  entry -> new OffsetAndMetadata(entry.getValue().offset())));
      assertThat(rewound.values()).allMatch(offset -> offset.offset() == 0);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> admin.alterConsumerGroupOffsets(group, rewound).all().get() == null);
    }
  }

  private static String groupOf(JsonObject config) {
    return config.getJsonObject("kafka").getJsonObject("consumer").getString("group.id");
  }
}
