package io.eventgateway.schema;

import org.apache.avro.Schema;

/**
 * One event type: the CloudEvents {@code type} that selects it, its family and topic, and its Avro schema.
 *
 * @param subject the registry subject (record name strategy: the record's full name)
 * @param schemaId the registry id, or {@code -1} before registration
 */
public record EventType(String type, String family, String topic, Schema schema, String subject, int schemaId) {

  /** The custom schema property that names the CloudEvents type of a record. */
  public static final String CE_TYPE_PROPERTY = "ceType";

  EventType withSchemaId(int id) {
    return new EventType(type, family, topic, schema, subject, id);
  }
}
