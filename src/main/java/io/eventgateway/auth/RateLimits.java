package io.eventgateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.time.Duration;

/**
 * Per-caller event and read rate limits of this process (token buckets, one second of burst), shared by every
 * ingest verticle instance. A request takes one token per event; a batch larger than one second's allowance never fits
 * and is refused whole ({@link #exceedsBurst}).
 */
public final class RateLimits implements Shareable {

  private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
      .maximumSize(100_000)
      .expireAfterAccess(Duration.ofMinutes(10))
      .build();

  private RateLimits() {}

  public static RateLimits of(Vertx vertx) {
    return (RateLimits) vertx
        .sharedData()
        .getLocalMap("gateway.auth")
        .computeIfAbsent("rateLimits", key -> new RateLimits());
  }

  /** Whether {@code events} in one request are more than the caller may send in a second: no wait would help. */
  public static boolean exceedsBurst(Caller caller, int events) {
    return caller.rateLimitPerSecond() != null && events > caller.rateLimitPerSecond();
  }

  /**
   * Takes {@code events} tokens when they are there.
   *
   * @return {@code 0} when the caller may send {@code events} now (they are counted), else the milliseconds to wait
   */
  public long waitMillis(Caller caller, int events) {
    Integer rate = caller.rateLimitPerSecond();
    // (min: a caller of exceedsBurst never asks for more; the bound keeps a careless one from
    // waiting forever)
    return rate == null ? 0 : take(caller.id() + "@" + rate, rate, Math.min(events, rate));
  }

  /**
   * Takes one read of the caller's {@code perSecond} (reads of stored data, counted apart from its events).
   *
   * @return {@code 0} when the caller may read now, else the milliseconds until it may
   */
  public long readWaitMillis(Caller caller, int perSecond) {
    return take("read:" + caller.id() + "@" + perSecond, perSecond, 1);
  }

  private long take(String key, int rate, int tokens) {
    Bucket bucket = buckets.get(
        key,
        ignored -> Bucket.builder()
            .addLimit(limit -> limit.capacity(rate).refillGreedy(rate, Duration.ofSeconds(1)))
            .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(tokens);
    return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill() / 1_000_000);
  }
}
