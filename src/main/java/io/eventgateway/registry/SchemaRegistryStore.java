package io.eventgateway.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * The embedded registry's durable store in PostgreSQL, in the Confluent model: one id per distinct schema (its
 * canonical text), versions per subject (soft-deletable), and compatibility levels and modes per subject or
 * registry-wide. Writes to a subject take a transaction-scoped advisory lock, so that concurrent registrations
 * from several gateway processes get one version each and the same ids.
 */
final class SchemaRegistryStore implements SubjectRegistry {

  /** The registry-wide row of {@code registry_config} and {@code registry_mode}. */
  static final String GLOBAL = "";

  static final String READWRITE = "READWRITE";

  private static final String LOCK_SUBJECT = "SELECT pg_advisory_xact_lock(hashtext($1))";
  private static final String VERSIONS = """
      SELECT v.version, v.schema_id, v.deleted, s.schema_text FROM registry_subject_versions v
      JOIN registry_schemas s ON s.id = v.schema_id WHERE v.subject = $1 ORDER BY v.version""";
  private static final String INSERT_SCHEMA =
      "INSERT INTO registry_schemas (schema_text, fingerprint) VALUES ($1, $2) ON CONFLICT (fingerprint) DO NOTHING";
  private static final String SELECT_SCHEMA_ID =
      "SELECT id FROM registry_schemas WHERE fingerprint = $1";
  private static final String INSERT_VERSION = """
      INSERT INTO registry_subject_versions (subject, version, schema_id)
      SELECT $1, COALESCE(MAX(version), 0) + 1, $2 FROM registry_subject_versions WHERE subject = $1
      RETURNING version""";

  private final Pool pool;
  private final Map<Integer, String> textById = new ConcurrentHashMap<>();

  SchemaRegistryStore(Pool pool) {
    this.pool = pool;
  }

  /** The schema in its canonical text, which is what gets an id; {@code 42201} when it is not valid Avro. */
  static Schema parse(String text) {
    try {
      return new Schema.Parser().parse(text);
    } catch (AvroRuntimeException | IllegalArgumentException | NullPointerException e) {
      // AvroRuntimeException covers SchemaParseException and AvroTypeException (an undefined name,
      // say): any text a
      // client sends that is not a schema is a 42201, never a 500
      throw RegistryException.invalidSchema(String.valueOf(e.getMessage()));
    }
  }

  /**
   * Registers {@code schema} under {@code subject}: the id it already has there, or a new version once it passed
   * the subject's compatibility level against the live versions.
   *
   * @throws RegistryException {@code 409} when incompatible, {@code 42205} when the subject is read-only
   */
  @Override
  public Future<Integer> register(String subject, Schema schema) {
    String canonical = schema.toString();
    return pool.withTransaction(connection -> connection
        .preparedQuery(LOCK_SUBJECT)
        .execute(Tuple.of(subject))
        .compose(locked -> setting(connection, "registry_mode", "mode", subject))
        .compose(mode -> {
          if ("READONLY".equals(mode)) {
            return Future.failedFuture(
                new RegistryException(422, 42205, "Subject " + subject + " is in read-only mode"));
          }
          return versions(connection, subject);
        })
        .compose(versions -> {
          List<Version> live =
              versions.stream().filter(version -> !version.deleted()).toList();
          for (Version version : live) {
            if (version.schema().equals(canonical)) {
              return Future.succeededFuture(version.id());
            }
          }
          return setting(connection, "registry_config", "compatibility", subject)
              .compose(level -> {
                CompatibilityLevel compatibility = CompatibilityLevel.parse(level);
                List<String> problems = Compatibility.check(
                    compatibility,
                    schema,
                    live.stream().map(version -> parse(version.schema())).toList());
                if (!problems.isEmpty()) {
                  return Future.failedFuture(new RegistryException(
                      409,
                      409,
                      "Schema being registered is incompatible "
                          + "with an earlier schema for subject \"" + subject + "\", details: "
                          + problems));
                }
                String fingerprint = fingerprint(canonical);
                return connection
                    .preparedQuery(INSERT_SCHEMA)
                    .execute(Tuple.of(canonical, fingerprint))
                    .compose(inserted ->
                        connection.preparedQuery(SELECT_SCHEMA_ID).execute(Tuple.of(fingerprint)))
                    .map(rows -> rows.iterator().next().getInteger("id"))
                    .compose(id -> connection
                        .preparedQuery(INSERT_VERSION)
                        .execute(Tuple.of(subject, id))
                        .map(id));
              });
        }));
  }

  /** Every version of {@code subject}, soft-deleted ones included, oldest first. */
  @Override
  public Future<List<Version>> versions(String subject) {
    return versions(pool, subject);
  }

  private static Future<List<Version>> versions(SqlClient client, String subject) {
    return client.preparedQuery(VERSIONS).execute(Tuple.of(subject)).map(rows -> {
      List<Version> versions = new ArrayList<>();
      for (Row row : rows) {
        versions.add(new Version(
            subject,
            row.getInteger("version"),
            row.getInteger("schema_id"),
            row.getString("schema_text"),
            row.getBoolean("deleted")));
      }
      return versions;
    });
  }

  /** Subject names, with soft-deleted ones when {@code deleted}. */
  Future<JsonArray> subjects(boolean deleted) {
    return pool.preparedQuery(
            "SELECT DISTINCT subject FROM registry_subject_versions WHERE $1 OR NOT deleted "
                + "ORDER BY subject")
        .execute(Tuple.of(deleted))
        .map(rows -> {
          JsonArray subjects = new JsonArray();
          rows.forEach(row -> subjects.add(row.getString("subject")));
          return subjects;
        });
  }

  /** Soft-deletes, or with {@code permanent} removes, the given versions of {@code subject}. */
  Future<Void> delete(String subject, List<Integer> versions, boolean permanent) {
    String sql = permanent
        ? "DELETE FROM registry_subject_versions WHERE subject = $1 AND version = ANY ($2)"
        : "UPDATE registry_subject_versions SET deleted = true WHERE subject = $1 AND version = ANY ($2)";
    return pool.preparedQuery(sql)
        .execute(
            Tuple.tuple().addString(subject).addArrayOfInteger(versions.toArray(Integer[]::new)))
        .mapEmpty();
  }

  /**
   * The schema text registered under {@code id}, or {@code null}. Served from memory once read: an id never
   * changes its schema, so every process may keep what it has seen (the hot path of every deserializer).
   */
  @Override
  public Future<String> schemaText(int id) {
    String known = textById.get(id);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return pool.preparedQuery("SELECT schema_text FROM registry_schemas WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> {
          String text = rows.size() == 0 ? null : rows.iterator().next().getString("schema_text");
          if (text != null) {
            textById.put(id, text);
          }
          return text;
        });
  }

  /** The live subject versions that use schema {@code id}. */
  Future<List<Version>> usesOf(int id) {
    return pool.preparedQuery(
            "SELECT subject, version FROM registry_subject_versions WHERE schema_id = $1 "
                + "AND NOT deleted ORDER BY subject, version")
        .execute(Tuple.of(id))
        .map(rows -> {
          List<Version> uses = new ArrayList<>();
          rows.forEach(row -> uses.add(
              new Version(row.getString("subject"), row.getInteger("version"), id, null, false)));
          return uses;
        });
  }

  /** The level or mode set for {@code subject} alone, or {@code null}. */
  Future<String> ownSetting(String table, String column, String subject) {
    return pool.preparedQuery("SELECT " + column + " FROM " + table + " WHERE subject = $1")
        .execute(Tuple.of(subject))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(column));
  }

  /** The level or mode in force for {@code subject}: its own, else the registry's, else the default. */
  Future<String> setting(String table, String column, String subject) {
    return setting(pool, table, column, subject);
  }

  private static Future<String> setting(
      SqlClient client, String table, String column, String subject) {
    return client
        .preparedQuery("SELECT " + column + " FROM " + table + " WHERE subject = ANY ($1) "
            + "ORDER BY subject DESC LIMIT 1")
        .execute(Tuple.tuple().addArrayOfString(new String[] {subject, GLOBAL}))
        .map(rows -> rows.size() > 0
            ? rows.iterator().next().getString(column)
            : table.equals("registry_mode") ? READWRITE : CompatibilityLevel.DEFAULT.name());
  }

  Future<Void> putSetting(String table, String column, String subject, String value) {
    return pool.preparedQuery("INSERT INTO " + table + " (subject, " + column + ") VALUES ($1, $2) "
            + "ON CONFLICT (subject) DO UPDATE SET " + column + " = excluded." + column)
        .execute(Tuple.of(subject, value))
        .mapEmpty();
  }

  Future<Void> deleteSetting(String table, String subject) {
    return pool.preparedQuery("DELETE FROM " + table + " WHERE subject = $1")
        .execute(Tuple.of(subject))
        .mapEmpty();
  }

  private static String fingerprint(String schemaText) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(schemaText.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }
}
