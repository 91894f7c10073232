package io.eventgateway.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, never shorter than what the gateway's {@code Retry-After} asked for. */
record Backoff(Duration initial, Duration max) {

  /** The wait before attempt {@code attempts + 1}: half to all of the doubled backoff, at least {@code retryAfter}. */
  Duration before(int attempts, Duration retryAfter) {
    long ceiling = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempts - 1, 20));
    long jittered = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    return Duration.ofMillis(Math.max(jittered, retryAfter.toMillis()));
  }
}
