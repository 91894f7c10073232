package io.eventgateway.config;

import io.vertx.core.json.JsonObject;

/**
 * How large a batch the processing group gathers while the writer is busy ({@code processor.batch}): polls that
 * arrive during a write are joined into the next one, up to this many events, bytes of records, or milliseconds
 * since the first of them was polled. A poll or batch of fewer than {@code smallBatchEvents} is small: a small poll
 * is not followed by another while the writer is busy (a moderate rate is not fetched in slivers), and after a
 * small batch a free writer waits up to {@code lingerMs} for a fuller one. Otherwise a free writer gets each poll at
 * once.
 */
public record BatchLimits(
    int maxEvents, long maxBytes, long maxAgeMs, long lingerMs, int smallBatchEvents) {

  public static BatchLimits of(JsonObject batch) {
    return new BatchLimits(
        batch.getInteger("maxEvents"),
        batch.getLong("maxBytes"),
        batch.getLong("maxAgeMs"),
        batch.getLong("lingerMs"),
        batch.getInteger("smallBatchEvents"));
  }
}
