package io.eventgateway.schema;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * Decides whether a new schema may join a subject at a {@link CompatibilityLevel}, with Avro's own
 * {@link SchemaCompatibility} rules, and says why not in the shape Confluent's verbose answers use, naming the
 * field at fault.
 */
public final class Compatibility {

  private Compatibility() {
  }

  /**
   * @param earlier the subject's live versions, oldest first
   * @return one message per incompatibility; empty when {@code candidate} is compatible
   */
  public static List<String> check(CompatibilityLevel level, Schema candidate, List<Schema> earlier) {
    List<String> messages = new ArrayList<>();
    if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
      return messages;
    }
    List<Schema> against = level.transitive() ? earlier : List.of(earlier.get(earlier.size() - 1));
    for (Schema old : against) {
      if (level.readsOld()) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old), candidate, "new", messages);
      }
      if (level.readsNew()) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(old, candidate), old, "old", messages);
      }
    }
    return messages;
  }

  private static void describe(SchemaCompatibility.SchemaPairCompatibility pair, Schema reader, String readerName,
      List<String> messages) {
    for (SchemaCompatibility.Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
      String field = fieldAt(reader, incompatibility.getLocation());
      messages.add("{errorType:'" + incompatibility.getType() + "', description:'"
          + describe(incompatibility, readerName) + (field.isEmpty() ? "" : " (field '" + field + "')")
          + " at path '" + incompatibility.getLocation() + "' of the " + readerName + " schema', additionalInfo:'"
          + incompatibility.getMessage() + "'}");
    }
  }

  private static String describe(SchemaCompatibility.Incompatibility incompatibility, String readerName) {
    String other = readerName.equals("new") ? "old" : "new";
    return switch (incompatibility.getType()) {
      case READER_FIELD_MISSING_DEFAULT_VALUE -> "The field '" + incompatibility.getMessage() + "' in the "
          + readerName + " schema has no default value and is missing in the " + other + " schema";
      case TYPE_MISMATCH -> "The type of a field differs: " + incompatibility.getMessage();
      case MISSING_ENUM_SYMBOLS -> "The " + readerName + " schema lacks enum symbols of the " + other + " schema: "
          + incompatibility.getMessage();
      case MISSING_UNION_BRANCH -> "The " + readerName + " schema's union lacks a branch the " + other
          + " schema writes: " + incompatibility.getMessage();
      case NAME_MISMATCH -> "A named type's name differs (and no alias matches): " + incompatibility.getMessage();
      default -> incompatibility.getMessage();
    };
  }

  /**
   * The dotted field path at an Avro compatibility location such as {@code /fields/2/type/fields/0}; empty when
   * the location names no field.
   */
  static String fieldAt(Schema schema, String location) {
    List<String> names = new ArrayList<>();
    Schema current = schema;
    String[] steps = location.split("/");
    for (int i = 1; i < steps.length && current != null; i++) {
      switch (steps[i]) {
        case "fields" -> {
          if (i + 1 < steps.length && current.getType() == Schema.Type.RECORD) {
            Schema.Field field = current.getFields().get(Integer.parseInt(steps[++i]));
            names.add(field.name());
            current = field.schema();
          } else {
            current = null;
          }
        }
        case "type" -> { }
        case "items" -> current = current.getType() == Schema.Type.ARRAY ? current.getElementType() : null;
        case "values" -> current = current.getType() == Schema.Type.MAP ? current.getValueType() : null;
        default -> current = current.getType() == Schema.Type.UNION && steps[i].matches("\\d+")
            ? current.getTypes().get(Integer.parseInt(steps[i])) : null;
      }
    }
    return String.join(".", names);
  }
}
