package io.eventgateway.config;

import io.vertx.core.json.JsonObject;

/**
 * How large a batch the processing group gathers while the writer is busy ({@code processor.batch}): polls that
 * arrive during a write are joined into the next one, up to this many events, bytes of records, or milliseconds
 * since the first of them was polled. A free writer gets each poll at once, except when events trickle in: after a
 * batch of fewer than {@code lingerBelowEvents}, it waits up to {@code lingerMs} for a fuller one.
 */
public record BatchLimits(
    int maxEvents, long maxBytes, long maxAgeMs, long lingerMs, int lingerBelowEvents) {

  public static BatchLimits of(JsonObject batch) {
    return new BatchLimits(
        batch.getInteger("maxEvents"),
        batch.getLong("maxBytes"),
        batch.getLong("maxAgeMs"),
        batch.getLong("lingerMs"),
        batch.getInteger("lingerBelowEvents"));
  }
}
