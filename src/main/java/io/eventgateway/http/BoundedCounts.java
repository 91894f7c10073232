package io.eventgateway.http;

import io.vertx.core.shareddata.Shareable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts per key, each bounded, safe across event loops (each change under the map's lock for its key); a key at
 * zero is forgotten. The per-address and per-tenant shares of connections, WebSockets and reads.
 */
final class BoundedCounts implements Shareable {

  private final Map<String, Integer> counts = new ConcurrentHashMap<>();

  /** @return whether the key was below {@code max} ({@code 0}: no bound) and is now counted once more */
  boolean tryAdd(String key, int max) {
    boolean[] added = {false};
    counts.compute(key, (ignored, count) -> {
      int now = count == null ? 0 : count;
      if (max > 0 && now >= max) {
        return count;
      }
      added[0] = true;
      return now + 1;
    });
    return added[0];
  }

  void remove(String key) {
    counts.computeIfPresent(key, (ignored, count) -> count <= 1 ? null : count - 1);
  }
}
