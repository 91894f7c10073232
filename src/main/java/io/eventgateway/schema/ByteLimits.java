package io.eventgateway.schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Bounds, in UTF-8 bytes, on the values that become keys or indexed columns in PostgreSQL, whose B-tree entries
 * cannot exceed about 2,700 bytes: a value over its bound would be acknowledged and then refused by every write. A
 * schema bounds a string field with the field property {@value #PROPERTY}; CloudEvents attributes are bounded by
 * {@link #ATTRIBUTE_MAX_BYTES}. Bytes rather than characters, because an index counts bytes: for ASCII they are
 * the same.
 */
public final class ByteLimits {

  /** The field property of an Avro schema that bounds a string field, e.g. {@code "maxBytes": 256}. */
  public static final String PROPERTY = "maxBytes";

  /**
   * Every CloudEvents attribute ({@code id}, {@code source}, {@code subject}, {@code type}, extensions…). The event's
   * identity (tenant, source, id, day) is one index entry: 63 + 512 + 512 + 4 bytes stay well inside a B-tree page.
   */
  public static final int ATTRIBUTE_MAX_BYTES = 512;

  private ByteLimits() {}

  /** The bound of {@code field}, or {@code 0} when its schema sets none. */
  static int of(Schema.Field field) {
    return field.getObjectProp(PROPERTY) instanceof Number bound ? bound.intValue() : 0;
  }

  /**
   * @return why {@code text} is over {@code maxBytes} ("is 6000 bytes long in UTF-8; the limit is 512"), or
   *     {@code null} when it is within it
   */
  public static String exceeded(String text, int maxBytes) {
    // every char is at least one byte: most values are answered without counting
    if (text.length() <= maxBytes / 3) {
      return null;
    }
    int bytes = utf8Length(text);
    return bytes <= maxBytes
        ? null
        : "is " + bytes + " bytes long in UTF-8; the limit is " + maxBytes;
  }

  /** Checks a converted field value (a string, or a union's string branch) against the field's bound. */
  static void check(Schema.Field field, Object value, String path, List<FieldError> errors) {
    int bound = of(field);
    if (bound > 0 && value instanceof CharSequence text) {
      String exceeded = exceeded(text.toString(), bound);
      if (exceeded != null) {
        errors.add(new FieldError(path, exceeded));
      }
    }
  }

  /** Every bounded field of {@code record} (nested records too), by its path from {@code path}, with its bound. */
  public static Map<String, Integer> ofRecord(Schema record, String path) {
    Map<String, Integer> bounds = new LinkedHashMap<>();
    collect(record, path, bounds);
    return bounds;
  }

  private static void collect(Schema schema, String path, Map<String, Integer> bounds) {
    switch (schema.getType()) {
      case RECORD ->
        schema.getFields().forEach(field -> {
          String fieldPath = path + "." + field.name();
          if (of(field) > 0) {
            bounds.put(fieldPath, of(field));
          }
          collect(field.schema(), fieldPath, bounds);
        });
      case UNION -> schema.getTypes().forEach(branch -> collect(branch, path, bounds));
      case ARRAY -> collect(schema.getElementType(), path + "[]", bounds);
      case MAP -> collect(schema.getValueType(), path + ".*", bounds);
      default -> {}
    }
  }

  /** The length of {@code text} encoded as UTF-8, without encoding it. */
  static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
