package io.eventgateway.process;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt {@code n} waits a random time between half and all of
 * {@code initial × 2^(n-1)}, capped, so that members retrying the same outage do not retry in lockstep.
 */
record Backoff(long initialMs, long maxMs) {

  /** @param attempt the attempt that just failed, from 1 */
  long delayMs(int attempt) {
    long ceiling = Math.min(maxMs, initialMs << Math.min(attempt - 1, 30));
    return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
  }
}
