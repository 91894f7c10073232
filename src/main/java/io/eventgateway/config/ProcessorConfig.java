package io.eventgateway.config;

import io.vertx.core.json.JsonObject;

/**
 * The {@code processor} section, typed: how the consumers poll, and how a batch the writer could not store is tried
 * again (docs/configuration.md). Read by the processing and the enrichment consumers.
 *
 * @param maxAttempts attempts of a write that failed for an unknown cause, before its records count as at fault
 *     (narrowed down, the refused ones dead-lettered)
 * @param persistTimeoutMs how long one attempt waits for the writer
 * @param stalledAfterMs how long a partition's batch may stay in hand before readiness reports processing degraded
 * @param trickleLingerMs how long after a poll of fewer than {@code trickleBelowEvents} records the processing
 *     group's next poll waits, for a fuller batch
 */
public record ProcessorConfig(
    int pollTimeoutMs,
    int maxAttempts,
    int retryInitialBackoffMs,
    int retryMaxBackoffMs,
    int persistTimeoutMs,
    long stalledAfterMs,
    int trickleLingerMs,
    int trickleBelowEvents) {

  public static ProcessorConfig of(JsonObject processor) {
    return new ProcessorConfig(
        processor.getInteger("pollTimeoutMs"),
        processor.getInteger("maxAttempts"),
        processor.getInteger("retryInitialBackoffMs"),
        processor.getInteger("retryMaxBackoffMs"),
        processor.getInteger("persistTimeoutMs"),
        processor.getLong("stalledAfterMs"),
        processor.getInteger("trickleLingerMs"),
        processor.getInteger("trickleBelowEvents"));
  }
}
