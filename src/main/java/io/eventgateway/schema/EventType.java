package io.eventgateway.schema;

import java.util.Map;
import org.apache.avro.Schema;

/**
 * One event type: the CloudEvents {@code type} that selects it, its family and topic, and its Avro schema.
 *
 * @param schema the type's record, as {@code data} is validated against it
 * @param subject the registry subject, named by the configured {@link SubjectNameStrategy}
 * @param subjectSchema what is registered under {@code subject}: the record itself, or with the topic name
 *     strategy the union of every record of the family (the topic's schema)
 * @param schemaId the registry id of {@code subjectSchema}, the current version, or {@code -1} before registration
 * @param versions every live registered version of the subject: version number to id and schema, for events
 *     that name the version they were written with ({@code dataschema})
 */
public record EventType(
    String type,
    String family,
    String topic,
    Schema schema,
    String subject,
    Schema subjectSchema,
    int schemaId,
    Map<Integer, Version> versions) {

  /** One registered version of the subject: its schema is what the subject holds (a record or a union). */
  public record Version(int version, int id, Schema schema) {

    /** This type's record as this version has it, or {@code null} when the version does not know the type. */
    public Schema record(String fullName) {
      if (schema.getType() != Schema.Type.UNION) {
        return schema.getFullName().equals(fullName) ? schema : null;
      }
      return schema.getTypes().stream()
          .filter(branch -> fullName.equals(branch.getFullName()))
          .findFirst()
          .orElse(null);
    }
  }

  /** The custom schema property that names the CloudEvents type of a record. */
  public static final String CE_TYPE_PROPERTY = "ceType";

  /** This type as registered: its subject's schema id, and every registered version of the subject. */
  public EventType registered(int id, Map<Integer, Version> registeredVersions) {
    return new EventType(
        type, family, topic, schema, subject, subjectSchema, id, Map.copyOf(registeredVersions));
  }

  /** The registered version with this id, or {@code null} when the id belongs to no version of the subject. */
  public Version versionWithId(int id) {
    return versions.values().stream()
        .filter(version -> version.id() == id)
        .findFirst()
        .orElse(null);
  }
}
