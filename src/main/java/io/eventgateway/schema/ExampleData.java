package io.eventgateway.schema;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Builds one valid example {@code data} object for a schema, so that {@code GET /v1/types} can show every type
 * with a payload a client may post as it is. Optional fields are filled too, to show their shape.
 */
public final class ExampleData {

  private static final Instant EXAMPLE_TIME = Instant.parse("2026-01-15T09:30:00Z");

  private ExampleData() {}

  public static JsonObject forRecord(Schema record) {
    return (JsonObject) example(record, record.getName());
  }

  private static Object example(Schema schema, String name) {
    return switch (schema.getType()) {
      case RECORD -> {
        JsonObject json = new JsonObject();
        schema
            .getFields()
            .forEach(field -> json.put(field.name(), example(field.schema(), field.name())));
        yield json;
      }
      case UNION ->
        schema.getTypes().stream()
            .filter(branch -> branch.getType() != Schema.Type.NULL)
            .findFirst()
            .map(branch -> example(branch, name))
            .orElse(null);
      case STRING ->
        schema.getLogicalType() instanceof LogicalTypes.Uuid
            ? "7f1c2c52-4b7e-4bd4-9a55-0e3f2d7c9b10"
            : name.replace('_', '-') + "-1";
      case BOOLEAN -> true;
      case INT ->
        schema.getLogicalType() instanceof LogicalTypes.Date
            ? LocalDate.of(2026, 1, 15).toString()
            : 3;
      case LONG ->
        schema.getLogicalType() instanceof LogicalTypes.TimestampMillis
                || schema.getLogicalType() instanceof LogicalTypes.TimestampMicros
            ? EXAMPLE_TIME.plus(1, ChronoUnit.HOURS).toString()
            : 1500L;
      case FLOAT, DOUBLE -> 12.5;
      case ENUM -> schema.getEnumSymbols().get(0);
      case ARRAY -> new JsonArray().add(example(schema.getElementType(), name));
      case MAP -> new JsonObject().put("key", example(schema.getValueType(), name));
      case BYTES -> 19.99;
      case NULL, FIXED -> null;
    };
  }
}
