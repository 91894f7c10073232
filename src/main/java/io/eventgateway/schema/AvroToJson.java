package io.eventgateway.schema;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Renders Avro generic data as the plain JSON that {@link JsonToAvro} accepts: the inverse mapping, so a stored
 * event reads back as it was posted (timestamps as ISO-8601, decimals as numbers, unions unwrapped).
 */
public final class AvroToJson {

  private static final Conversions.DecimalConversion DECIMALS = new Conversions.DecimalConversion();

  private AvroToJson() {}

  public static JsonObject toJson(GenericRecord record) {
    return (JsonObject) convert(record.getSchema(), record);
  }

  private static Object convert(Schema schema, Object value) {
    if (value == null) {
      return null;
    }
    return switch (schema.getType()) {
      case RECORD -> {
        GenericRecord record = (GenericRecord) value;
        JsonObject json = new JsonObject();
        for (Schema.Field field : schema.getFields()) {
          json.put(field.name(), convert(field.schema(), record.get(field.pos())));
        }
        yield json;
      }
      case UNION ->
        convert(schema.getTypes().get(GenericData.get().resolveUnion(schema, value)), value);
      case STRING, ENUM -> value.toString();
      case INT, LONG -> temporal(schema.getLogicalType(), (Number) value);
      case BYTES ->
        schema.getLogicalType() instanceof LogicalTypes.Decimal decimal
            ? DECIMALS.fromBytes(((ByteBuffer) value).duplicate(), schema, decimal)
            : ((ByteBuffer) value).duplicate();
      case ARRAY -> {
        JsonArray array = new JsonArray();
        ((Collection<?>) value).forEach(item -> array.add(convert(schema.getElementType(), item)));
        yield array;
      }
      case MAP -> {
        JsonObject json = new JsonObject();
        ((Map<?, ?>) value)
            .forEach((k, v) -> json.put(k.toString(), convert(schema.getValueType(), v)));
        yield json;
      }
      default -> value;
    };
  }

  private static Object temporal(LogicalType logical, Number value) {
    if (logical instanceof LogicalTypes.TimestampMillis) {
      return Instant.ofEpochMilli(value.longValue()).toString();
    }
    if (logical instanceof LogicalTypes.TimestampMicros) {
      long micros = value.longValue();
      return Instant.ofEpochSecond(
              Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L)
          .toString();
    }
    if (logical instanceof LogicalTypes.Date) {
      return LocalDate.ofEpochDay(value.intValue()).toString();
    }
    return value;
  }
}
