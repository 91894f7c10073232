package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The day partitions of {@code events} (docs/storage.md), seen from Kafka: records are copies of one the gateway
 * produced, with another id and another ingest stamp, as a redelivery, a replay or a client resend would arrive.
 */
@DisplayName("Events are stored in day partitions, once per identity, and retention drops old days")
class StorageIT {

  private static final int RETENTION_DAYS = 3;

  @Test
  @DisplayName(
      "redeliveries and resends within an hour are stored once, a resend a day later twice, old days are dropped")
  void dedupAcrossDaysAndRetention() throws Exception {
    JsonObject config = GatewayInstance.isolated("storage");
    config
        .getJsonObject("storage")
        .put("retentionDays", RETENTION_DAYS)
        .put("maintenanceIntervalSeconds", 1);
    try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
      String user = "storage-" + System.nanoTime();
      JsonObject ack = gateway
          .api()
          .postEvent(ApiClient.pageView(user))
          .json()
          .getJsonArray("results")
          .getJsonObject(0);
      ConsumerRecord<String, byte[]> original = KafkaRecords.read(
          ack.getString("topic"), ack.getInteger("partition"), ack.getLong("offset"));
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      LocalDate yesterday = today.minusDays(1);
      LocalDate expired = today.minusDays(RETENTION_DAYS + 7);

      try (KafkaProducer<String, byte[]> kafka = producer()) {
        // a redelivery: the same record, the same stamp
        copy(kafka, original, "redelivered", at(yesterday, "10:00"));
        copy(kafka, original, "redelivered", at(yesterday, "10:00"));
        // a resend in the first hour of the next day
        copy(kafka, original, "resent-in-an-hour", at(yesterday, "23:50"));
        copy(kafka, original, "resent-in-an-hour", at(today, "00:10"));
        // a resend more than an hour into the next day
        copy(kafka, original, "resent-a-day-later", at(yesterday, "10:00"));
        copy(kafka, original, "resent-a-day-later", at(today, "01:30"));
        // a replay of a day that retention no longer keeps
        copy(kafka, original, "expired", at(expired, "12:00"));
      }

      // the rollups count every stored row, also the one retention dropped since
      await().atMost(Duration.ofSeconds(60)).until(() -> userEvents(gateway, user) == 6);
      await().atMost(Duration.ofSeconds(30)).until(() -> !partitionExists(gateway, expired));
      try (Connection db = gateway.database()) {
        assertThat(rows(db, "redelivered")).containsExactly(yesterday.toString());
        assertThat(rows(db, "resent-in-an-hour")).containsExactly(yesterday.toString());
        assertThat(rows(db, "resent-a-day-later"))
            .containsExactly(yesterday.toString(), today.toString());
        assertThat(rows(db, "expired")).isEmpty();
      }
      // the days with rows, and the next two made ahead
      assertThat(partitions(gateway))
          .containsExactly(
              partition(yesterday),
              partition(today),
              partition(today.plusDays(1)),
              partition(today.plusDays(2)));
      assertThat(userEvents(gateway, user)).isEqualTo(6);

      ApiClient.Response read = gateway.api().get("/v1/events/resent-a-day-later");
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.json().getString("receivedAt")).startsWith(yesterday.toString());
    }
  }

  private static Instant at(LocalDate day, String time) {
    return Instant.parse(day + "T" + time + ":00Z");
  }

  /** Sends {@code record} again with another id and ingest stamp, as the gateway would have produced it. */
  private static void copy(
      KafkaProducer<String, byte[]> kafka,
      ConsumerRecord<String, byte[]> record,
      String id,
      Instant stamp)
      throws Exception {
    List<Header> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(
          header.key().equals("ce_id")
              ? new RecordHeader("ce_id", id.getBytes(StandardCharsets.UTF_8))
              : header);
    }
    kafka
        .send(new ProducerRecord<>(
            record.topic(),
            record.partition(),
            stamp.toEpochMilli(),
            record.key(),
            record.value(),
            headers))
        .get();
  }

  private static KafkaProducer<String, byte[]> producer() {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", TestInfra.get().kafkaBootstrap());
    return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
  }

  /** The ingest days of the rows stored under {@code id}, oldest first. */
  private static List<String> rows(Connection db, String id) throws SQLException {
    try (PreparedStatement query = db.prepareStatement(
        "SELECT ingest_day::text FROM events WHERE event_id = ? ORDER BY ingest_day")) {
      query.setString(1, id);
      List<String> days = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          days.add(rows.getString(1));
        }
      }
      return days;
    }
  }

  private static long userEvents(GatewayInstance gateway, String user) throws SQLException {
    try (Connection db = gateway.database();
        PreparedStatement query = db.prepareStatement(
            "SELECT COALESCE(sum(events), 0) FROM user_stats WHERE user_id = ?")) {
      query.setString(1, user);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  private static boolean partitionExists(GatewayInstance gateway, LocalDate day)
      throws SQLException {
    return partitions(gateway).contains(partition(day));
  }

  private static String partition(LocalDate day) {
    return "events_" + day.format(DateTimeFormatter.BASIC_ISO_DATE);
  }

  private static List<String> partitions(GatewayInstance gateway) throws SQLException {
    try (Connection db = gateway.database();
        ResultSet rows = db.createStatement()
            .executeQuery(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                    + " WHERE i.inhparent = 'events'::regclass ORDER BY 1")) {
      List<String> names = new ArrayList<>();
      while (rows.next()) {
        names.add(rows.getString(1));
      }
      return names;
    }
  }
}
