package io.eventgateway.config;

import io.vertx.core.json.JsonObject;

/**
 * The {@code postgres} section, typed: where the database is and how many connections a node keeps
 * (docs/configuration.md). Parsed from the section {@link ConfigValidation} has already checked.
 *
 * @param url {@code postgresql://user:password@host:port/database}; its password never reaches a log
 * @param poolSize connections of the node's one pool, shared by every verticle
 * @param pipeliningLimit statements a connection sends before the first answer comes back
 */
public record PostgresConfig(String url, int poolSize, int pipeliningLimit) {

  public static PostgresConfig of(JsonObject postgres) {
    return new PostgresConfig(
        postgres.getString("url"),
        postgres.getInteger("poolSize"),
        postgres.getInteger("pipeliningLimit"));
  }

  /** The password in {@code url} never reaches a log line through this record. */
  @Override
  public String toString() {
    return "PostgresConfig[url=" + RedactedUrl.of(url) + ", poolSize=" + poolSize
        + ", pipeliningLimit=" + pipeliningLimit + "]";
  }

  /** The section of a whole gateway configuration. */
  public static PostgresConfig in(JsonObject config) {
    return of(config.getJsonObject("postgres"));
  }
}
