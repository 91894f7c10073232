package io.eventgateway.kafka;

import io.eventgateway.bus.EventKey;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.schema.AvroToJson;
import io.eventgateway.schema.ConfluentWireFormat;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.eventgateway.schema.Rfc3339;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Turns one Kafka record (CloudEvents Kafka binding: {@code ce_*} headers, Confluent-framed Avro value) into the
 * row that {@link io.eventgateway.store.PgWriterVerticle} stores.
 */
final class RecordDecoder {

  private final EventCatalog catalog;

  RecordDecoder(EventCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * @param writerSchema the schema registered under the value's schema id
   * @throws IllegalArgumentException when the record is not a gateway event
   */
  PersistBatch.Event decode(KafkaConsumerRecord<String, byte[]> record, Schema writerSchema) {
    Headers headers = record.record().headers();
    String type = required(headers, CloudEventHeaders.TYPE);
    EventType eventType = catalog.find(type);
    GenericRecord data = ConfluentWireFormat.decode(
        record.value(), writerSchema, eventType == null ? writerSchema : eventType.schema());
    String time = header(headers, CloudEventHeaders.TIME);
    String tenant = header(headers, GatewayHeaders.TENANT);
    return new PersistBatch.Event(
        tenant == null ? EventKey.DEFAULT_TENANT : tenant,
        required(headers, CloudEventHeaders.ID),
        type,
        eventType == null ? "unknown" : eventType.family(),
        required(headers, CloudEventHeaders.SOURCE),
        header(headers, CloudEventHeaders.SUBJECT),
        time == null ? null : OffsetDateTime.ofInstant(Rfc3339.parseInstant(time), ZoneOffset.UTC),
        AvroToJson.toJson(data).encode(),
        ConfluentWireFormat.schemaId(record.value()),
        record.topic(),
        record.partition(),
        record.offset(),
        OffsetDateTime.ofInstant(Instant.ofEpochMilli(record.timestamp()), ZoneOffset.UTC),
        header(headers, CloudEventHeaders.TRACE_PARENT));
  }

  private static String required(Headers headers, String name) {
    String value = header(headers, name);
    if (value == null) {
      throw new IllegalArgumentException("record has no " + name + " header");
    }
    return value;
  }

  private static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
