package io.eventgateway.schema;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Converts plain JSON (as clients send it: unions unwrapped, timestamps as ISO-8601 or epoch millis, decimals as
 * numbers) into Avro generic data, collecting every violation with the path of the field.
 *
 * <p>Avro's own {@code JsonDecoder} reads only Avro's JSON encoding (unions wrapped in {@code {"type": value}}),
 * which no event producer sends, hence this walk over the schema. Unknown fields are rejected so that typos do
 * not silently lose data.
 */
public final class JsonToAvro {

  private JsonToAvro() {}

  /**
   * Converts {@code json} to a record of {@code schema}.
   *
   * @param path the path prefix for error fields, e.g. {@code data}
   * @param errors receives every violation; the result is {@code null} when any was found
   */
  public static GenericRecord toRecord(
      Schema schema, Object json, String path, List<FieldError> errors) {
    int before = errors.size();
    Object value = convert(schema, json, path, errors);
    return errors.size() == before && value != JsonScalars.INVALID ? (GenericRecord) value : null;
  }

  private static Object convert(Schema schema, Object json, String path, List<FieldError> errors) {
    return switch (schema.getType()) {
      case RECORD -> record(schema, json, path, errors);
      case UNION -> union(schema, json, path, errors);
      case NULL -> json == null ? null : JsonScalars.fail(errors, path, "must be null");
      case STRING -> JsonScalars.string(schema, json, path, errors);
      case BOOLEAN ->
        json instanceof Boolean
            ? json
            : JsonScalars.fail(errors, path, "expected boolean, got " + JsonScalars.describe(json));
      case INT -> JsonScalars.integral(schema, json, path, errors, true);
      case LONG -> JsonScalars.integral(schema, json, path, errors, false);
      case FLOAT ->
        json instanceof Number n
            ? (Object) n.floatValue()
            : JsonScalars.fail(errors, path, "expected number, got " + JsonScalars.describe(json));
      case DOUBLE ->
        json instanceof Number n
            ? (Object) n.doubleValue()
            : JsonScalars.fail(errors, path, "expected number, got " + JsonScalars.describe(json));
      case ENUM -> enumSymbol(schema, json, path, errors);
      case ARRAY -> array(schema, json, path, errors);
      case MAP -> map(schema, json, path, errors);
      case BYTES -> JsonScalars.bytes(schema, json, path, errors);
      case FIXED -> JsonScalars.fail(errors, path, "fixed values are not supported in JSON input");
    };
  }

  private static Object record(Schema schema, Object json, String path, List<FieldError> errors) {
    if (!(json instanceof JsonObject object)) {
      return JsonScalars.fail(errors, path, "expected object, got " + JsonScalars.describe(json));
    }
    GenericData.Record record = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      String fieldPath = path + "." + field.name();
      if (object.containsKey(field.name())) {
        Object value = convert(field.schema(), object.getValue(field.name()), fieldPath, errors);
        ByteLimits.check(field, value, fieldPath, errors);
        record.put(field.pos(), value);
      } else if (field.hasDefaultValue()) {
        record.put(field.pos(), GenericData.get().getDefaultValue(field));
      } else {
        errors.add(new FieldError(fieldPath, "required field is missing"));
      }
    }
    for (String name : object.fieldNames()) {
      if (schema.getField(name) == null) {
        errors.add(new FieldError(
            path + "." + name,
            "unknown field; " + schema.getName() + " has "
                + schema.getFields().stream().map(Schema.Field::name).toList()));
      }
    }
    return record;
  }

  private static Object union(Schema schema, Object json, String path, List<FieldError> errors) {
    if (json == null) {
      return schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL)
          ? null
          : JsonScalars.fail(errors, path, "must not be null");
    }
    List<FieldError> firstBranchErrors = null;
    for (Schema branch : schema.getTypes()) {
      if (branch.getType() == Schema.Type.NULL) {
        continue;
      }
      List<FieldError> branchErrors = new ArrayList<>();
      Object value = convert(branch, json, path, branchErrors);
      if (branchErrors.isEmpty()) {
        return value;
      }
      if (firstBranchErrors == null) {
        firstBranchErrors = branchErrors;
      }
    }
    errors.addAll(firstBranchErrors);
    return JsonScalars.INVALID;
  }

  private static Object enumSymbol(
      Schema schema, Object json, String path, List<FieldError> errors) {
    if (json instanceof String symbol && schema.hasEnumSymbol(symbol)) {
      return new GenericData.EnumSymbol(schema, symbol);
    }
    return JsonScalars.fail(
        errors,
        path,
        "expected one of " + schema.getEnumSymbols() + ", got " + JsonScalars.describe(json));
  }

  private static Object array(Schema schema, Object json, String path, List<FieldError> errors) {
    if (!(json instanceof JsonArray array)) {
      return JsonScalars.fail(errors, path, "expected array, got " + JsonScalars.describe(json));
    }
    List<Object> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      items.add(convert(schema.getElementType(), array.getValue(i), path + "[" + i + "]", errors));
    }
    return new GenericData.Array<>(schema, items);
  }

  private static Object map(Schema schema, Object json, String path, List<FieldError> errors) {
    if (!(json instanceof JsonObject object)) {
      return JsonScalars.fail(errors, path, "expected object, got " + JsonScalars.describe(json));
    }
    Map<String, Object> values = new HashMap<>();
    for (String key : object.fieldNames()) {
      values.put(
          key, convert(schema.getValueType(), object.getValue(key), path + "." + key, errors));
    }
    return values;
  }
}
