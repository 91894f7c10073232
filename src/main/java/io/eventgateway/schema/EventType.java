package io.eventgateway.schema;

import java.util.Map;
import org.apache.avro.Schema;

/**
 * One event type: the CloudEvents {@code type} that selects it, its family and topic, and its Avro schema.
 *
 * @param subject the registry subject (record name strategy: the record's full name)
 * @param schemaId the registry id of {@code schema}, the current version, or {@code -1} before registration
 * @param versions every live registered version of the subject: version number to id and schema, for events
 *     that name the version they were written with ({@code dataschema})
 */
public record EventType(String type, String family, String topic, Schema schema, String subject, int schemaId,
    Map<Integer, Version> versions) {

  /** One registered version of the subject. */
  public record Version(int version, int id, Schema schema) {
  }

  /** The custom schema property that names the CloudEvents type of a record. */
  public static final String CE_TYPE_PROPERTY = "ceType";

  EventType registered(int id, Map<Integer, Version> registeredVersions) {
    return new EventType(type, family, topic, schema, subject, id, Map.copyOf(registeredVersions));
  }

  /** The registered version with this id, or {@code null} when the id belongs to no version of the subject. */
  public Version versionWithId(int id) {
    return versions.values().stream().filter(version -> version.id() == id).findFirst().orElse(null);
  }
}
