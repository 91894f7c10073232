package io.eventgateway.config;

import io.vertx.core.json.JsonObject;

/**
 * The {@code reads} section, typed: the bounds that keep one caller's reads of stored data from crowding out
 * another's, or ingest's (docs/configuration.md).
 *
 * @param poolSize connections of the node's read pool, apart from the one the writer, key lookups and tickets use
 * @param queueSize reads that may wait for one of them; past it a read is answered {@code 503} with
 *     {@code Retry-After}
 * @param statementTimeoutMs a read statement running longer is cancelled by PostgreSQL and answered {@code 504}
 * @param maxWindowDays the longest {@code from}–{@code to} window a windowed read may ask for
 * @param maxMinuteWindowHours the longest window of per-minute series
 * @param maxPageSize the largest {@code limit} of a paged read
 * @param perCallerPerSecond reads a credential may make per second on a node ({@code 429} with {@code Retry-After}
 *     past it)
 * @param maxInFlightPerTenant reads of one tenant running at once on a node ({@code 429} past it), below the pool's
 *     size, so that no tenant holds every connection
 */
public record ReadsConfig(
    int poolSize,
    int queueSize,
    long statementTimeoutMs,
    int maxWindowDays,
    int maxMinuteWindowHours,
    int maxPageSize,
    int perCallerPerSecond,
    int maxInFlightPerTenant) {

  public static ReadsConfig of(JsonObject reads) {
    return new ReadsConfig(
        reads.getInteger("poolSize"),
        reads.getInteger("queueSize"),
        reads.getLong("statementTimeoutMs"),
        reads.getInteger("maxWindowDays"),
        reads.getInteger("maxMinuteWindowHours"),
        reads.getInteger("maxPageSize"),
        reads.getInteger("perCallerPerSecond"),
        reads.getInteger("maxInFlightPerTenant"));
  }

  /** The section of a whole gateway configuration. */
  public static ReadsConfig in(JsonObject config) {
    return of(config.getJsonObject("reads"));
  }
}
