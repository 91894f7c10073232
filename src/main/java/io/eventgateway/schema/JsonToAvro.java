package io.eventgateway.schema;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
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

  /** Characters a decimal's text may have beyond its digits: sign, point, exponent. */
  private static final int MAX_DECIMAL_NOTATION = 8;

  private static final Conversions.DecimalConversion DECIMALS = new Conversions.DecimalConversion();
  private static final Object INVALID = new Object();

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
    return errors.size() == before && value != INVALID ? (GenericRecord) value : null;
  }

  private static Object convert(Schema schema, Object json, String path, List<FieldError> errors) {
    return switch (schema.getType()) {
      case RECORD -> record(schema, json, path, errors);
      case UNION -> union(schema, json, path, errors);
      case NULL -> json == null ? null : fail(errors, path, "must be null");
      case STRING -> string(schema, json, path, errors);
      case BOOLEAN ->
        json instanceof Boolean
            ? json
            : fail(errors, path, "expected boolean, got " + describe(json));
      case INT -> integral(schema, json, path, errors, true);
      case LONG -> integral(schema, json, path, errors, false);
      case FLOAT ->
        json instanceof Number n
            ? (Object) n.floatValue()
            : fail(errors, path, "expected number, got " + describe(json));
      case DOUBLE ->
        json instanceof Number n
            ? (Object) n.doubleValue()
            : fail(errors, path, "expected number, got " + describe(json));
      case ENUM -> enumSymbol(schema, json, path, errors);
      case ARRAY -> array(schema, json, path, errors);
      case MAP -> map(schema, json, path, errors);
      case BYTES -> bytes(schema, json, path, errors);
      case FIXED -> fail(errors, path, "fixed values are not supported in JSON input");
    };
  }

  private static Object record(Schema schema, Object json, String path, List<FieldError> errors) {
    if (!(json instanceof JsonObject object)) {
      return fail(errors, path, "expected object, got " + describe(json));
    }
    GenericData.Record record = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      String fieldPath = path + "." + field.name();
      if (object.containsKey(field.name())) {
        record.put(
            field.pos(), convert(field.schema(), object.getValue(field.name()), fieldPath, errors));
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
          : fail(errors, path, "must not be null");
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
    return INVALID;
  }

  private static Object string(Schema schema, Object json, String path, List<FieldError> errors) {
    if (!(json instanceof String text)) {
      return fail(errors, path, "expected string, got " + describe(json));
    }
    String malformed = unicodeProblem(text);
    if (malformed != null) {
      return fail(errors, path, malformed);
    }
    if (schema.getLogicalType() instanceof LogicalTypes.Uuid) {
      try {
        UUID.fromString(text);
      } catch (IllegalArgumentException e) {
        return fail(errors, path, "expected a UUID, got \"" + abbreviate(text) + "\"");
      }
    }
    return text;
  }

  /**
   * @return why {@code text} cannot be stored faithfully (a NUL, which PostgreSQL text refuses, or a lone UTF-16
   *     surrogate, which has no UTF-8 form and would be silently replaced), or {@code null} when it can
   */
  public static String unicodeProblem(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        return "NUL characters (\\u0000) are not allowed";
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "unpaired UTF-16 surrogate at character " + i + " is not valid Unicode";
      }
    }
    return null;
  }

  private static Object integral(
      Schema schema, Object json, String path, List<FieldError> errors, boolean isInt) {
    LogicalType logical = schema.getLogicalType();
    if (logical != null && json instanceof String text) {
      return temporal(logical, text, path, errors);
    }
    if (!(json instanceof Integer
        || json instanceof Long
        || json instanceof Short
        || json instanceof BigInteger)) {
      return fail(errors, path, "expected integer, got " + describe(json));
    }
    BigInteger value =
        json instanceof BigInteger big ? big : BigInteger.valueOf(((Number) json).longValue());
    BigInteger min = BigInteger.valueOf(isInt ? Integer.MIN_VALUE : Long.MIN_VALUE);
    BigInteger max = BigInteger.valueOf(isInt ? Integer.MAX_VALUE : Long.MAX_VALUE);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      return fail(errors, path, "integer out of range [" + min + ", " + max + "]");
    }
    return isInt ? (Object) value.intValue() : (Object) value.longValue();
  }

  private static Object temporal(
      LogicalType logical, String text, String path, List<FieldError> errors) {
    try {
      if (logical instanceof LogicalTypes.TimestampMillis) {
        return parseInstant(text).toEpochMilli();
      }
      if (logical instanceof LogicalTypes.TimestampMicros) {
        Instant instant = parseInstant(text);
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
      }
      if (logical instanceof LogicalTypes.Date) {
        return (int) LocalDate.parse(text).toEpochDay();
      }
    } catch (DateTimeParseException e) {
      return fail(
          errors,
          path,
          "expected an ISO-8601 " + logical.getName() + ", got \"" + abbreviate(text) + "\"");
    }
    return fail(errors, path, "expected integer, got string");
  }

  /** Parses an RFC 3339 timestamp, with or without an offset. */
  public static Instant parseInstant(String text) {
    Instant utc = parseUtc(text);
    if (utc != null) {
      return utc;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return Instant.parse(text);
    }
  }

  /**
   * The form nearly every producer sends, {@code 2026-11-23T10:00:00[.fraction]Z}, read by hand: the formatter's
   * general parse was the largest single cost of validating an event. Anything else returns null and takes the
   * formatter's path, which also judges what is invalid.
   */
  private static Instant parseUtc(String text) {
    int length = text.length();
    if (length < 20
        || length > 30
        || text.charAt(length - 1) != 'Z'
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    int nanos = 0;
    if (length > 20) {
      int fractionDigits = length - 21;
      if (text.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
        return null;
      }
      int fraction = digits(text, 20, fractionDigits);
      nanos = fraction < 0 ? -1 : fraction * (int) Math.pow(10, 9 - fractionDigits);
    } else if (text.charAt(19) != 'Z') {
      return null;
    }
    if ((year | month | day | hour | minute | second | nanos) < 0
        || month < 1
        || month > 12
        || day < 1
        || hour > 23
        || minute > 59
        || second > 59
        || day > YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    return LocalDateTime.of(year, month, day, hour, minute, second, nanos)
        .toInstant(ZoneOffset.UTC);
  }

  /** @return the number in {@code text[start, start+count)}, or -1 when one of them is not an ASCII digit */
  private static int digits(String text, int start, int count) {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static Object enumSymbol(
      Schema schema, Object json, String path, List<FieldError> errors) {
    if (json instanceof String symbol && schema.hasEnumSymbol(symbol)) {
      return new GenericData.EnumSymbol(schema, symbol);
    }
    return fail(
        errors, path, "expected one of " + schema.getEnumSymbols() + ", got " + describe(json));
  }

  private static Object array(Schema schema, Object json, String path, List<FieldError> errors) {
    if (!(json instanceof JsonArray array)) {
      return fail(errors, path, "expected array, got " + describe(json));
    }
    List<Object> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      items.add(convert(schema.getElementType(), array.getValue(i), path + "[" + i + "]", errors));
    }
    return new GenericData.Array<>(schema, items);
  }

  private static Object map(Schema schema, Object json, String path, List<FieldError> errors) {
    if (!(json instanceof JsonObject object)) {
      return fail(errors, path, "expected object, got " + describe(json));
    }
    Map<String, Object> values = new HashMap<>();
    for (String key : object.fieldNames()) {
      values.put(
          key, convert(schema.getValueType(), object.getValue(key), path + "." + key, errors));
    }
    return values;
  }

  private static Object bytes(Schema schema, Object json, String path, List<FieldError> errors) {
    if (!(schema.getLogicalType() instanceof LogicalTypes.Decimal decimal)) {
      return fail(errors, path, "raw bytes are not supported in JSON input");
    }
    String text = json instanceof Number || json instanceof String ? json.toString() : null;
    // a decimal(p, s) needs at most p digits plus sign, point and a short exponent
    if (text != null && text.length() > decimal.getPrecision() + MAX_DECIMAL_NOTATION) {
      return fail(errors, path, "too long for a decimal of " + decimal.getPrecision() + " digits");
    }
    BigDecimal value;
    try {
      value = text == null ? null : new BigDecimal(text);
    } catch (NumberFormatException e) {
      value = null;
    }
    if (value == null) {
      return fail(errors, path, "expected decimal number, got " + describe(json));
    }
    if (value.scale() > decimal.getScale()) {
      return fail(errors, path, "at most " + decimal.getScale() + " decimal places allowed");
    }
    // the digits before the point, read off precision and scale: "1e500000000" must not be expanded
    // to find out
    long integerDigits = (long) value.precision() - value.scale();
    if (value.signum() != 0 && integerDigits > decimal.getPrecision() - decimal.getScale()) {
      return fail(
          errors, path, "at most " + decimal.getPrecision() + " significant digits allowed");
    }
    return DECIMALS.toBytes(
        value.setScale(decimal.getScale(), RoundingMode.UNNECESSARY), schema, decimal);
  }

  private static Object fail(List<FieldError> errors, String path, String reason) {
    errors.add(new FieldError(path, reason));
    return INVALID;
  }

  private static String describe(Object json) {
    if (json == null) {
      return "null";
    }
    if (json instanceof JsonObject) {
      return "object";
    }
    if (json instanceof JsonArray) {
      return "array";
    }
    if (json instanceof String text) {
      return "string \"" + abbreviate(text) + "\"";
    }
    if (json instanceof Boolean) {
      return "boolean";
    }
    return "number " + json;
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
