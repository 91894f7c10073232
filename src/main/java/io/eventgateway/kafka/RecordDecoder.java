package io.eventgateway.kafka;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.EventKey;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.schema.AvroToJson;
import io.eventgateway.schema.ConfluentWireFormat;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.eventgateway.schema.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Turns one Kafka record (CloudEvents Kafka binding: {@code ce_*} headers, Confluent-framed Avro value) into the
 * row that {@link io.eventgateway.store.PgWriterVerticle} stores. Knows the catalog's writer schemas, and fetches
 * those of other ids (written by another version of the gateway) once each.
 */
public final class RecordDecoder {

  private final Vertx vertx;
  private final EventCatalog catalog;
  private final Map<Integer, Schema> schemas = new HashMap<>();

  public RecordDecoder(Vertx vertx, EventCatalog catalog) {
    this.vertx = vertx;
    this.catalog = catalog;
    for (EventType type : catalog.types()) {
      type.versions().values().forEach(version -> schemas.put(version.id(), version.schema()));
      schemas.put(type.schemaId(), type.subjectSchema());
    }
  }

  /**
   * Fetches the writer schemas of the ids in {@code batch} not seen yet; an id the registry does not know is left
   * for {@link #decode} to refuse.
   */
  public Future<Void> resolveSchemas(List<KafkaConsumerRecord<String, byte[]>> batch) {
    Set<Integer> unknown = new HashSet<>();
    for (KafkaConsumerRecord<String, byte[]> record : batch) {
      try {
        int id = ConfluentWireFormat.schemaId(record.value());
        if (!schemas.containsKey(id)) {
          unknown.add(id);
        }
      } catch (IllegalArgumentException notFramed) {
        // refused by decode()
      }
    }
    List<Future<Void>> lookups = unknown.stream()
        .map(id -> vertx
            .eventBus()
            .<String>request(Addresses.REGISTRY_SCHEMA_BY_ID, id)
            .onSuccess(reply -> schemas.put(id, new Schema.Parser().parse(reply.body())))
            .<Void>mapEmpty()
            .recover(error -> Future.succeededFuture()))
        .toList();
    return Future.join(lookups).mapEmpty();
  }

  /**
   * Decodes with the writer schema of the value's id, which {@link #resolveSchemas} fetched if it could.
   *
   * @throws RuntimeException when the record is not a gateway event of a known schema
   */
  public PersistBatch.Event decode(KafkaConsumerRecord<String, byte[]> record) {
    Schema writerSchema = schemas.get(ConfluentWireFormat.schemaId(record.value()));
    if (writerSchema == null) {
      throw new IllegalArgumentException("schema id is not registered");
    }
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
