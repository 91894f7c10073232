package io.eventgateway.config;

import io.vertx.core.json.JsonObject;

/**
 * The {@code processor} section, typed: how the consumers poll, and how a batch the writer could not store is tried
 * again (docs/configuration.md). Read by the processing and the enrichment consumers.
 *
 * @param maxAttempts attempts of a batch whose rows the database refuses, before its records are dead-lettered
 * @param persistTimeoutMs how long one attempt waits for the writer
 */
public record ProcessorConfig(
    int pollTimeoutMs,
    int maxAttempts,
    int retryInitialBackoffMs,
    int retryMaxBackoffMs,
    int persistTimeoutMs) {

  public static ProcessorConfig of(JsonObject processor) {
    return new ProcessorConfig(
        processor.getInteger("pollTimeoutMs"),
        processor.getInteger("maxAttempts"),
        processor.getInteger("retryInitialBackoffMs"),
        processor.getInteger("retryMaxBackoffMs"),
        processor.getInteger("persistTimeoutMs"));
  }
}
