package io.eventgateway.schema;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The embedded registry's durable store in PostgreSQL: one id per distinct schema text, versions per subject,
 * as in the Confluent model. Every gateway process sharing the database sees the same ids.
 */
final class SchemaRegistryStore {

  private static final String LOCK_SUBJECT = "SELECT pg_advisory_xact_lock(hashtext($1))";
  private static final String INSERT_SCHEMA =
      "INSERT INTO registry_schemas (schema_text, fingerprint) VALUES ($1, $2) ON CONFLICT (fingerprint) DO NOTHING";
  private static final String SELECT_SCHEMA_ID = "SELECT id FROM registry_schemas WHERE fingerprint = $1";
  private static final String INSERT_VERSION = """
      INSERT INTO registry_subject_versions (subject, version, schema_id)
      SELECT $1, COALESCE(MAX(version), 0) + 1, $2 FROM registry_subject_versions WHERE subject = $1
      HAVING NOT COALESCE(bool_or(schema_id = $2 AND NOT deleted), false)
      """;
  private static final String SELECT_SCHEMA_TEXT = "SELECT schema_text FROM registry_schemas WHERE id = $1";

  private final Pool pool;

  SchemaRegistryStore(Pool pool) {
    this.pool = pool;
  }

  /** Registers {@code schemaText} under {@code subject}; idempotent: the same text always gets the same id. */
  Future<Integer> register(String subject, String schemaText) {
    String fingerprint = fingerprint(schemaText);
    return pool.withTransaction(connection -> connection.preparedQuery(LOCK_SUBJECT).execute(Tuple.of(subject))
        .compose(locked -> connection.preparedQuery(INSERT_SCHEMA).execute(Tuple.of(schemaText, fingerprint)))
        .compose(inserted -> schemaId(connection, fingerprint))
        .compose(id -> connection.preparedQuery(INSERT_VERSION).execute(Tuple.of(subject, id)).map(id)));
  }

  private static Future<Integer> schemaId(SqlConnection connection, String fingerprint) {
    return connection.preparedQuery(SELECT_SCHEMA_ID).execute(Tuple.of(fingerprint))
        .map(rows -> rows.iterator().next().getInteger("id"));
  }

  /** The schema text registered under {@code id}, or {@code null}. */
  Future<String> schemaText(int id) {
    return pool.preparedQuery(SELECT_SCHEMA_TEXT).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("schema_text"));
  }

  private static String fingerprint(String schemaText) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(schemaText.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }
}
