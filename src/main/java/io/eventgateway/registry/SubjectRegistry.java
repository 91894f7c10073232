package io.eventgateway.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.apache.avro.Schema;

/**
 * What the gateway itself needs of a schema registry, the embedded one ({@link SchemaRegistryStore}) or an external
 * Confluent-compatible one ({@link ConfluentRegistryClient}): the code above it is the same in both modes.
 */
interface SubjectRegistry {

  /** One version of a subject. */
  record Version(String subject, int version, int id, String schema, boolean deleted) {

    JsonObject toJson() {
      return new JsonObject()
          .put("subject", subject)
          .put("version", version)
          .put("id", id)
          .put("schema", schema);
    }
  }

  /** Registers {@code schema} under {@code subject} (idempotent), failing {@code 409} when incompatible. */
  Future<Integer> register(String subject, Schema schema);

  /** The subject's versions, oldest first (an external registry lists only live ones). */
  Future<List<Version>> versions(String subject);

  /** The schema registered under {@code id}, or {@code null}; kept in memory once read (ids never change). */
  Future<String> schemaText(int id);
}
