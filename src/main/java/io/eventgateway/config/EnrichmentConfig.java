package io.eventgateway.config;

import io.vertx.core.json.JsonObject;

/**
 * The {@code enrichment} section, typed: the enrichment consumer group and its backfill (docs/configuration.md).
 *
 * @param groupSuffix appended to the processing group's id: the enrichment group's own offsets
 * @param requestTimeoutMs how long one molecule may wait for the LLM verticle (retries and pacing included)
 */
public record EnrichmentConfig(
    String groupSuffix,
    int maxPollRecords,
    long requestTimeoutMs,
    long backfillIntervalMs,
    int backfillBatchSize) {

  public static EnrichmentConfig of(JsonObject enrichment) {
    return new EnrichmentConfig(
        enrichment.getString("groupSuffix"),
        enrichment.getInteger("maxPollRecords"),
        enrichment.getLong("requestTimeoutMs"),
        enrichment.getLong("backfillIntervalMs"),
        enrichment.getInteger("backfillBatchSize"));
  }
}
