package io.eventgateway.registry;

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

  private Compatibility() {}

  /**
   * @param earlier the subject's live versions, oldest first
   * @return one message per incompatibility; empty when {@code candidate} is compatible
   */
  public static List<String> check(
      CompatibilityLevel level, Schema candidate, List<Schema> earlier) {
    List<String> messages = new ArrayList<>();
    if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
      return messages;
    }
    List<Schema> against = level.transitive() ? earlier : List.of(earlier.get(earlier.size() - 1));
    for (Schema old : against) {
      if (level.readsOld()) {
        describe(candidate, old, "new", "", messages);
      }
      if (level.readsNew()) {
        describe(old, candidate, "old", "", messages);
      }
    }
    return messages;
  }

  private static void describe(
      Schema reader, Schema writer, String readerName, String pathPrefix, List<String> messages) {
    SchemaCompatibility.SchemaPairCompatibility pair =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    for (SchemaCompatibility.Incompatibility incompatibility :
        pair.getResult().getIncompatibilities()) {
      Schema sameRecord = sameRecordInReader(reader, writer, incompatibility);
      if (sameRecord != null) {
        // a topic's union: say what changed inside the record rather than that the union "lacks" it
        Schema writerRecord =
            writer.getTypes().get(Integer.parseInt(incompatibility.getLocation().substring(1)));
        describe(
            sameRecord,
            writerRecord,
            readerName,
            pathPrefix + incompatibility.getLocation(),
            messages);
        continue;
      }
      String field = fieldAt(reader, incompatibility.getLocation());
      messages.add("{errorType:'" + incompatibility.getType() + "', description:'"
          + describe(incompatibility, readerName)
          + (field.isEmpty()
              ? ""
              : " (field '" + field + "'"
                  + (pathPrefix.isEmpty() ? "" : " of " + reader.getFullName()) + ")")
          + " at path '" + pathPrefix + incompatibility.getLocation() + "' of the " + readerName
          + " schema', additionalInfo:'" + incompatibility.getMessage() + "'}");
    }
  }

  /**
   * For a union branch of the writer that no reader branch can read: the reader's record of the same name, whose
   * own incompatibilities explain why; {@code null} when the reader has no such record (it was removed).
   */
  private static Schema sameRecordInReader(
      Schema reader, Schema writer, SchemaCompatibility.Incompatibility incompatibility) {
    if (incompatibility.getType()
            != SchemaCompatibility.SchemaIncompatibilityType.MISSING_UNION_BRANCH
        || reader.getType() != Schema.Type.UNION
        || writer.getType() != Schema.Type.UNION
        || !incompatibility.getLocation().matches("/\\d+")) {
      return null;
    }
    Schema writerBranch =
        writer.getTypes().get(Integer.parseInt(incompatibility.getLocation().substring(1)));
    if (writerBranch.getType() != Schema.Type.RECORD) {
      return null;
    }
    return reader.getTypes().stream()
        .filter(branch -> writerBranch.getFullName().equals(branch.getFullName()))
        .findFirst()
        .orElse(null);
  }

  private static String describe(
      SchemaCompatibility.Incompatibility incompatibility, String readerName) {
    String other = readerName.equals("new") ? "old" : "new";
    return switch (incompatibility.getType()) {
      case READER_FIELD_MISSING_DEFAULT_VALUE ->
        "The field '" + incompatibility.getMessage() + "' in the " + readerName
            + " schema has no default value and is missing in the " + other + " schema";
      case TYPE_MISMATCH -> "The type of a field differs: " + incompatibility.getMessage();
      case MISSING_ENUM_SYMBOLS ->
        "The " + readerName + " schema lacks enum symbols of the " + other + " schema: "
            + incompatibility.getMessage();
      case MISSING_UNION_BRANCH ->
        "The " + readerName + " schema's union lacks a branch the " + other + " schema writes: "
            + incompatibility.getMessage();
      case NAME_MISMATCH ->
        "A named type's name differs (and no alias matches): " + incompatibility.getMessage();
      default -> incompatibility.getMessage();
    };
  }

  /**
   * The dotted field path at an Avro compatibility location such as {@code /fields/2/type/fields/0}; empty when
   * the location names no field of {@code schema} (some locations index the other schema).
   */
  static String fieldAt(Schema schema, String location) {
    List<String> names = new ArrayList<>();
    Schema current = schema;
    String[] steps = location.split("/");
    for (int i = 1; i < steps.length && current != null; i++) {
      switch (steps[i]) {
        case "fields" -> {
          int index = i + 1 < steps.length && steps[i + 1].matches("\\d+")
              ? Integer.parseInt(steps[++i])
              : -1;
          if (current.getType() == Schema.Type.RECORD
              && index >= 0
              && index < current.getFields().size()) {
            Schema.Field field = current.getFields().get(index);
            names.add(field.name());
            current = field.schema();
          } else {
            current = null;
          }
        }
        case "type" -> {}
        case "items" ->
          current = current.getType() == Schema.Type.ARRAY ? current.getElementType() : null;
        case "values" ->
          current = current.getType() == Schema.Type.MAP ? current.getValueType() : null;
        default ->
          current = current.getType() == Schema.Type.UNION
                  && steps[i].matches("\\d+")
                  && Integer.parseInt(steps[i]) < current.getTypes().size()
              ? current.getTypes().get(Integer.parseInt(steps[i]))
              : null;
      }
    }
    return String.join(".", names);
  }
}
