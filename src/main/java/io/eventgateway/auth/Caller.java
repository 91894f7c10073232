package io.eventgateway.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is calling and what they may do, from an API key or a JWT.
 *
 * @param families event families the caller may publish, {@code null} for all
 * @param types event types the caller may publish, {@code null} for all
 * @param rateLimitPerSecond events per second, per gateway process; {@code null} for no limit
 */
public record Caller(String id, String name, boolean admin, Set<String> families, Set<String> types,
    Integer rateLimitPerSecond) {

  /** Everything allowed: what every request is when authentication is switched off. */
  public static final Caller UNAUTHENTICATED = new Caller("anonymous", "anonymous", true, null, null, null);

  public boolean mayPublish(String type, String family) {
    return (types == null || types.contains(type)) && (families == null || families.contains(family));
  }

  /** The grants as the admin API shows them. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("admin", admin)
        .put("families", families == null ? null : new JsonArray(families.stream().toList()))
        .put("types", types == null ? null : new JsonArray(types.stream().toList()))
        .put("rateLimitPerSecond", rateLimitPerSecond);
  }

  public static Caller fromJson(JsonObject json) {
    return new Caller(json.getString("id"), json.getString("name"), json.getBoolean("admin", false),
        set(json.getJsonArray("families")), set(json.getJsonArray("types")), json.getInteger("rateLimitPerSecond"));
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
