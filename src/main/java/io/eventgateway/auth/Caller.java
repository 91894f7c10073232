package io.eventgateway.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Who is calling and what they may do, from an API key or a JWT.
 *
 * @param tenant the team the caller belongs to: every event it publishes is stamped with it, every read is scoped to it
 * @param administers which tenants' keys, dead letters and data the caller administers
 * @param families event families the caller may publish, {@code null} for all
 * @param types event types the caller may publish, {@code null} for all
 * @param read event families whose stored data, analytics and feeds the caller may read; {@link #ALL} for every
 *     family, empty for none
 * @param rateLimitPerSecond events per second, per gateway process; {@code null} for no limit
 * @param expiresAt when the credential stops being valid (a JWT's {@code exp}); {@code null} for an API key, which
 *     lasts until revoked
 */
public record Caller(
    String id,
    String name,
    String tenant,
    Administers administers,
    Set<String> families,
    Set<String> types,
    Set<String> read,
    Integer rateLimitPerSecond,
    java.time.Instant expiresAt) {

  /** The tenant of keys and tokens that name none, and of the rows stored before tenants existed. */
  public static final String DEFAULT_TENANT = io.eventgateway.bus.EventKey.DEFAULT_TENANT;

  /** In {@link #read}: every family. */
  public static final String ALL = "*";

  /** What a tenant may be called: it goes into Kafka headers, rows and URLs. */
  public static final Pattern TENANT_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /** Everything allowed: what every request is when authentication is switched off. */
  public static final Caller UNAUTHENTICATED = new Caller(
      "anonymous",
      "anonymous",
      DEFAULT_TENANT,
      Administers.EVERY_TENANT,
      null,
      null,
      Set.of(ALL),
      null,
      null);

  /**
   * The admin grants: a tenant admin ({@code "tenantAdmin": true}, JWT role {@code tenant-admin}) manages its own
   * tenant's keys, dead letters and reads; an operator ({@code "admin": true}, JWT role {@code admin}) every tenant,
   * the registry's shared subjects and configuration.
   */
  public enum Administers {
    NOTHING,
    OWN_TENANT,
    EVERY_TENANT;

    /** From the two grants as keys and tokens write them; the operator's is the wider. */
    public static Administers of(boolean operator, boolean tenantAdmin) {
      return operator ? EVERY_TENANT : tenantAdmin ? OWN_TENANT : NOTHING;
    }
  }

  public Caller {
    read = read == null ? Set.of() : Set.copyOf(read);
    administers = administers == null ? Administers.NOTHING : administers;
  }

  /** An operator: administers every tenant, the registry and configuration. */
  public boolean operator() {
    return administers == Administers.EVERY_TENANT;
  }

  /** Whether the caller administers anything (its own tenant at least). */
  public boolean admin() {
    return administers != Administers.NOTHING;
  }

  /** Whether the caller may manage keys, dead letters and reads of {@code tenant}. */
  public boolean administers(String tenant) {
    return operator() || administers == Administers.OWN_TENANT && this.tenant.equals(tenant);
  }

  public boolean mayPublish(String type, String family) {
    return (types == null || types.contains(type))
        && (families == null || families.contains(family));
  }

  /**
   * What a feed ticket of this caller may do: read what this caller reads (an admin every family of its own
   * tenant), and nothing else: no admin grant, nothing to publish.
   */
  public Caller readGrantsOnly() {
    return new Caller(
        id,
        name,
        tenant,
        Administers.NOTHING,
        Set.of(),
        Set.of(),
        admin() ? Set.of(ALL) : read,
        rateLimitPerSecond,
        expiresAt);
  }

  /** Admins (of either kind) read every family; others what their read grant names. */
  public boolean mayRead(String family) {
    return admin() || read.contains(ALL) || read.contains(family);
  }

  /** Whether the caller may read anything at all. */
  public boolean readsAnything() {
    return admin() || !read.isEmpty();
  }

  /** The grants as the admin API shows them. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("tenant", tenant)
        .put("admin", operator())
        .put("tenantAdmin", administers == Administers.OWN_TENANT)
        .put(
            "families",
            families == null ? null : new JsonArray(families.stream().toList()))
        .put("types", types == null ? null : new JsonArray(types.stream().toList()))
        .put("read", new JsonArray(new TreeSet<>(read).stream().toList()))
        .put("rateLimitPerSecond", rateLimitPerSecond);
    // a token's expiry travels with its tickets; keys have none
    return expiresAt == null ? json : json.put("expiresAt", expiresAt.toString());
  }

  public static Caller fromJson(JsonObject json) {
    return new Caller(
        json.getString("id"),
        json.getString("name"),
        json.getString("tenant", DEFAULT_TENANT),
        Administers.of(json.getBoolean("admin", false), json.getBoolean("tenantAdmin", false)),
        set(json.getJsonArray("families")),
        set(json.getJsonArray("types")),
        readGrant(json.getValue("read")),
        json.getInteger("rateLimitPerSecond"),
        json.getString("expiresAt") == null
            ? null
            : java.time.Instant.parse(json.getString("expiresAt")));
  }

  /** A read grant as keys and tokens write it: {@code "*"}, or an array of families; absent is none. */
  static Set<String> readGrant(Object value) {
    if (ALL.equals(value)) {
      return Set.of(ALL);
    }
    return value instanceof JsonArray families ? set(families) : Set.of();
  }

  static Set<String> set(JsonArray values) {
    if (values == null) {
      return null;
    }
    Set<String> set = new TreeSet<>();
    values.forEach(value -> set.add(String.valueOf(value)));
    return Set.copyOf(set);
  }
}
