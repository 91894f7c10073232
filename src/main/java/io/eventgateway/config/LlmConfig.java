package io.eventgateway.config;

import io.vertx.core.json.JsonObject;

/**
 * The {@code llm} section, typed: the OpenAI-compatible endpoint, its breaker, pacing, retries, answer cache and
 * cross-check tolerances (docs/configuration.md). Parsed from the section {@link ConfigValidation} has already
 * checked.
 */
public record LlmConfig(
    String baseUrl,
    String model,
    String apiKey,
    long requestTimeoutMs,
    Breaker breaker,
    RateLimit rateLimit,
    Retry retry,
    long cacheSize,
    long cacheTtlMinutes,
    double molecularWeightTolerance,
    double logpTolerance,
    int cdkThreads,
    int maxTokens,
    int maxNoteChars) {

  /** Consecutive failures that open the circuit, a call's time limit, and how long it stays open. */
  public record Breaker(int maxFailures, long callTimeoutMs, long resetTimeoutMs) {}

  /** Calls started per second, and at most this many at once. */
  /**
   * Calls started per second and at once; a call that waits longer than {@code maxQueueWaitMs} for its turn is not
   * made (its molecule falls back now and the backfill asks again).
   */
  public record RateLimit(double requestsPerSecond, int maxInFlight, long maxQueueWaitMs) {}

  /** Retries of a failed call, exponential from the initial delay up to the maximum, with jitter. */
  public record Retry(int maxRetries, long initialBackoffMs, long maxBackoffMs) {}

  public static LlmConfig of(JsonObject llm) {
    JsonObject breaker = llm.getJsonObject("breaker");
    JsonObject rate = llm.getJsonObject("rateLimit");
    JsonObject retry = llm.getJsonObject("retry");
    return new LlmConfig(
        llm.getString("baseUrl"),
        llm.getString("model"),
        llm.getString("apiKey", ""),
        llm.getLong("requestTimeoutMs"),
        new Breaker(
            breaker.getInteger("maxFailures"),
            breaker.getLong("callTimeoutMs"),
            breaker.getLong("resetTimeoutMs")),
        new RateLimit(
            rate.getDouble("requestsPerSecond"),
            rate.getInteger("maxInFlight"),
            rate.getLong("maxQueueWaitMs")),
        new Retry(
            retry.getInteger("maxRetries"),
            retry.getLong("initialBackoffMs"),
            retry.getLong("maxBackoffMs")),
        llm.getLong("cacheSize"),
        llm.getLong("cacheTtlMinutes"),
        llm.getDouble("molecularWeightTolerance"),
        llm.getDouble("logpTolerance"),
        llm.getInteger("cdkThreads"),
        llm.getInteger("maxTokens"),
        llm.getInteger("maxNoteChars"));
  }

  /** The API key is a secret: it never reaches a log line through this record. */
  @Override
  public String toString() {
    return "LlmConfig[baseUrl=" + baseUrl + ", model=" + model + ", apiKey="
        + (apiKey.isEmpty() ? "" : "***") + ", requestTimeoutMs=" + requestTimeoutMs + ", breaker="
        + breaker + ", rateLimit=" + rateLimit + ", retry=" + retry + ", cacheSize=" + cacheSize
        + ", cacheTtlMinutes=" + cacheTtlMinutes + ", molecularWeightTolerance="
        + molecularWeightTolerance + ", logpTolerance=" + logpTolerance + ", cdkThreads="
        + cdkThreads + ", maxTokens=" + maxTokens + ", maxNoteChars=" + maxNoteChars + "]";
  }
}
