package io.eventgateway.auth;

import io.eventgateway.config.PostgresConfig;
import io.eventgateway.store.PgPools;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The {@code api_keys} table: used by {@link AuthVerticle} and by the {@code keys} command. */
public final class ApiKeyStore {

  private static final String COLUMNS =
      "key_id, name, tenant, key_hash, families, types, read_families, "
          + "rate_limit_per_second, admin, tenant_admin, created_at";

  private final Pool pool;

  public ApiKeyStore(Pool pool) {
    this.pool = pool;
  }

  /** Runs {@code action} on a store of its own (own Vert.x and pool) and waits: for commands, not verticles. */
  public static <T> T runBlocking(PostgresConfig postgres, Function<ApiKeyStore, Future<T>> action)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      return action
          .apply(new ApiKeyStore(PgPools.node(vertx, postgres)))
          .await(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** A key with its grants; {@code key} is the only copy of the secret and is never stored. */
  public record Created(Caller caller, String key) {}

  /** A stored, unrevoked key: its hash and what it grants. */
  record Stored(String hash, Caller caller) {}

  /** Stores a new key with the grants of {@code grants} (whose id is ignored: the key's own id replaces it). */
  public Future<Created> create(Caller grants) {
    ApiKeyFormat.Parsed key = ApiKeyFormat.generate();
    Tuple row = Tuple.tuple()
        .addString(key.keyId())
        .addString(grants.name())
        .addString(grants.tenant())
        .addString(key.hash())
        .addArrayOfString(
            grants.families() == null ? null : grants.families().toArray(String[]::new))
        .addArrayOfString(grants.types() == null ? null : grants.types().toArray(String[]::new))
        .addArrayOfString(grants.read().toArray(String[]::new))
        .addInteger(grants.rateLimitPerSecond())
        .addBoolean(grants.operator())
        .addBoolean(grants.administers() == Caller.Administers.OWN_TENANT);
    return pool.preparedQuery(
            "INSERT INTO api_keys (key_id, name, tenant, key_hash, families, types, read_families, "
                + "rate_limit_per_second, admin, tenant_admin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .execute(row)
        .map(inserted -> new Created(
            new Caller(
                key.keyId(),
                grants.name(),
                grants.tenant(),
                grants.administers(),
                grants.families(),
                grants.types(),
                grants.read(),
                grants.rateLimitPerSecond(),
                null),
            key.key()));
  }

  /** Every unrevoked key, without secrets. */
  public Future<JsonArray> list() {
    return list(null);
  }

  /**
   * The unrevoked keys of {@code tenant} ({@code null}: of every tenant, operators' keys included), without secrets.
   * A tenant's list leaves operator keys out: a tenant admin neither sees nor revokes them.
   */
  public Future<JsonArray> list(String tenant) {
    return pool.preparedQuery("SELECT " + COLUMNS
            + " FROM api_keys WHERE revoked_at IS NULL AND ($1::text IS NULL OR (tenant = $1 AND NOT admin))"
            + " ORDER BY created_at")
        .execute(Tuple.of(tenant))
        .map(rows -> {
          JsonArray keys = new JsonArray();
          rows.forEach(row -> keys.add(stored(row)
              .caller()
              .toJson()
              .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())));
          return keys;
        });
  }

  /** @return whether an unrevoked key with this id existed */
  public Future<Boolean> revoke(String keyId) {
    return revoke(keyId, null);
  }

  /**
   * @return whether an unrevoked key with this id existed in {@code tenant} ({@code null}: in any tenant); with a
   *     tenant, operator keys are not revoked
   */
  public Future<Boolean> revoke(String keyId, String tenant) {
    return pool.preparedQuery(
            "UPDATE api_keys SET revoked_at = now() "
                + "WHERE key_id = $1 AND revoked_at IS NULL AND ($2::text IS NULL OR (tenant = $2 AND NOT admin))")
        .execute(Tuple.of(keyId, tenant))
        .map(updated -> updated.rowCount() == 1);
  }

  /** @return whether {@code key} is a stored, unrevoked key */
  public Future<Boolean> isValid(String key) {
    ApiKeyFormat.Parsed parsed = ApiKeyFormat.parse(key);
    if (parsed == null) {
      return Future.succeededFuture(false);
    }
    return find(parsed.keyId())
        .map(stored -> stored != null && ApiKeyFormat.matches(stored.hash(), parsed));
  }

  /** @return the unrevoked key with this id, or {@code null} */
  Future<Stored> find(String keyId) {
    return pool.preparedQuery(
            "SELECT " + COLUMNS + " FROM api_keys WHERE key_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(keyId))
        .map(rows -> first(rows));
  }

  private static Stored first(RowSet<Row> rows) {
    List<Stored> found = new ArrayList<>();
    rows.forEach(row -> found.add(stored(row)));
    return found.isEmpty() ? null : found.get(0);
  }

  private static Stored stored(Row row) {
    String[] families = row.getArrayOfStrings("families");
    String[] types = row.getArrayOfStrings("types");
    return new Stored(
        row.getString("key_hash"),
        new Caller(
            row.getString("key_id"),
            row.getString("name"),
            row.getString("tenant"),
            Caller.Administers.of(row.getBoolean("admin"), row.getBoolean("tenant_admin")),
            families == null ? null : Set.of(families),
            types == null ? null : Set.of(types),
            Set.of(row.getArrayOfStrings("read_families")),
            row.getInteger("rate_limit_per_second"),
            null));
  }

  /** A stored key as a bus message. */
  static JsonObject toJson(Stored stored) {
    return new JsonObject()
        .put("hash", stored.hash())
        .put("caller", stored.caller().toJson());
  }

  static Stored fromJson(JsonObject json) {
    return new Stored(json.getString("hash"), Caller.fromJson(json.getJsonObject("caller")));
  }
}
