package io.eventgateway.llm;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * Paces calls to the LLM endpoint: at most {@code requestsPerSecond} started per second (a token bucket that holds
 * one token, so calls are spread evenly and never burst past the rate), at most {@code maxInFlight} at once, and
 * none while the endpoint's {@code Retry-After} runs.
 * Callers wait their turn on timers, never on a blocked thread. Use from one event loop only.
 */
final class CallLimiter {

  private final Vertx vertx;
  private final Bucket bucket;
  private final int maxInFlight;
  private final Deque<Promise<Void>> waiting = new ArrayDeque<>();
  private int inFlight;
  private boolean timerPending;
  private long pausedUntilMs;

  CallLimiter(Vertx vertx, double requestsPerSecond, int maxInFlight) {
    this.vertx = vertx;
    this.maxInFlight = maxInFlight;
    long nanosPerToken = (long) (TimeUnit.SECONDS.toNanos(1) / requestsPerSecond);
    this.bucket = Bucket.builder()
        .addLimit(Bandwidth.builder()
            .capacity(1)
            .refillGreedy(1, Duration.ofNanos(nanosPerToken))
            .build())
        .build();
  }

  /** Completes when the caller may start one call; it must call {@link #release()} when the call ends. */
  Future<Void> acquire() {
    Promise<Void> turn = Promise.promise();
    waiting.add(turn);
    drain();
    return turn.future();
  }

  void release() {
    inFlight--;
    drain();
  }

  /**
   * Starts no call for {@code millis}: a {@code 429} with {@code Retry-After} speaks of this client, not of one
   * request, so every waiting call honours it.
   */
  void pauseFor(long millis) {
    pausedUntilMs = Math.max(pausedUntilMs, System.currentTimeMillis() + millis);
  }

  private void drain() {
    long pausedFor = pausedUntilMs - System.currentTimeMillis();
    if (pausedFor > 0 && !waiting.isEmpty()) {
      scheduleDrain(TimeUnit.MILLISECONDS.toNanos(pausedFor));
      return;
    }
    while (!waiting.isEmpty() && inFlight < maxInFlight) {
      ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
      if (!probe.isConsumed()) {
        scheduleDrain(probe.getNanosToWaitForRefill());
        return;
      }
      inFlight++;
      waiting.poll().complete();
    }
  }

  private void scheduleDrain(long nanos) {
    if (timerPending) {
      return;
    }
    timerPending = true;
    vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos) + 1), timer -> {
      timerPending = false;
      drain();
    });
  }
}
