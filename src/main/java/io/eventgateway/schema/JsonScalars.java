package io.eventgateway.schema;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/** The scalar values of {@link JsonToAvro}: strings, integers, timestamps, decimals and bytes, with their errors. */
public final class JsonScalars {

  private JsonScalars() {}

  /** Characters a decimal's text may have beyond its digits: sign, point, exponent. */
  private static final int MAX_DECIMAL_NOTATION = 8;

  private static final Conversions.DecimalConversion DECIMALS = new Conversions.DecimalConversion();
  static final Object INVALID = new Object();

  static Object string(Schema schema, Object json, String path, List<FieldError> errors) {
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

  static Object integral(
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

  static Object temporal(LogicalType logical, String text, String path, List<FieldError> errors) {
    try {
      if (logical instanceof LogicalTypes.TimestampMillis) {
        return Rfc3339.parseInstant(text).toEpochMilli();
      }
      if (logical instanceof LogicalTypes.TimestampMicros) {
        Instant instant = Rfc3339.parseInstant(text);
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

  static Object bytes(Schema schema, Object json, String path, List<FieldError> errors) {
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

  static Object fail(List<FieldError> errors, String path, String reason) {
    errors.add(new FieldError(path, reason));
    return INVALID;
  }

  static String describe(Object json) {
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

  static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
