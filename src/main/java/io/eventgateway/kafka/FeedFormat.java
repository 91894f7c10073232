package io.eventgateway.kafka;

import io.eventgateway.bus.EventKey;
import io.eventgateway.bus.PersistBatch;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;

/** What a feed sends of a Kafka record of its tenant: the alert as it was published, or the decoded event. */
public interface FeedFormat {

  /** Readies what {@link #message} needs for these records (writer schemas fetched once). */
  default Future<Void> prepare(List<KafkaConsumerRecord<String, byte[]>> records) {
    return Future.succeededFuture();
  }

  /** The message for {@code record}, or {@code null} when this feed does not carry it. */
  JsonObject message(KafkaConsumerRecord<String, byte[]> record);

  /** Whose a record without the tenant header is: events from before tenants are the default tenant's. */
  default String tenantWithoutHeader() {
    return EventKey.DEFAULT_TENANT;
  }

  /** Alerts as the alert verticle published them (CloudEvents, JSON); one without a tenant is no one's. */
  static FeedFormat alerts() {
    return new FeedFormat() {
      @Override
      public JsonObject message(KafkaConsumerRecord<String, byte[]> record) {
        return new JsonObject(Buffer.buffer(record.value()));
      }

      @Override
      public String tenantWithoutHeader() {
        return "";
      }
    };
  }

  /**
   * Events as {@link #event} writes them, of type {@code type} only when it is not {@code null}; one that cannot be
   * decoded is not sent (the processor dead-letters it).
   */
  static FeedFormat events(RecordDecoder decoder, String type) {
    return new FeedFormat() {
      @Override
      public Future<Void> prepare(List<KafkaConsumerRecord<String, byte[]>> records) {
        return decoder.resolveSchemas(records);
      }

      @Override
      public JsonObject message(KafkaConsumerRecord<String, byte[]> record) {
        if (type != null) {
          Header header = record.record().headers().lastHeader(CloudEventHeaders.TYPE);
          if (header == null || !type.equals(new String(header.value(), StandardCharsets.UTF_8))) {
            return null;
          }
        }
        try {
          return event(decoder.decode(record));
        } catch (RuntimeException undecodable) {
          return null;
        }
      }
    };
  }

  /** An accepted event as the events feeds send it: its CloudEvents attributes and its data as JSON. */
  static JsonObject event(PersistBatch.Event event) {
    return new JsonObject()
        .put("tenant", event.tenant())
        .put("id", event.eventId())
        .put("type", event.eventType())
        .put("family", event.family())
        .put("source", event.source())
        .put("subject", event.subject())
        .put(
            "time",
            event.eventTime() == null ? null : event.eventTime().toInstant().toString())
        .put("data", new JsonObject(event.dataJson()));
  }
}
