package io.eventgateway.llm;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Paces calls to the LLM endpoint: at most {@code requestsPerSecond} started per second (a token bucket that holds
 * one token, so calls are spread evenly and never burst past the rate), at most {@code maxInFlight} at once, and
 * none while the endpoint's {@code Retry-After} runs. Turns go to the tenants waiting in rotation, one call each
 * (fair queueing), so a tenant's burst waits behind its own calls, never another tenant's; a call that has waited
 * {@code maxQueueWaitMs} gives up its place ({@link LlmFailure.QueueTimeout}), so that no caller waits out a burst.
 * Callers wait their turn on timers, never on a blocked thread. Use from one event loop only.
 */
final class CallLimiter {

  private final Vertx vertx;
  private final Bucket bucket;
  private final int maxInFlight;
  private final long maxQueueWaitMs;
  /** Each waiting tenant's calls, in the order they asked; the map's order is the rotation. */
  private final Map<String, Deque<Promise<Void>>> waiting = new LinkedHashMap<>();

  private int inFlight;
  private boolean timerPending;
  private long pausedUntilMs;

  CallLimiter(Vertx vertx, double requestsPerSecond, int maxInFlight, long maxQueueWaitMs) {
    this.vertx = vertx;
    this.maxInFlight = maxInFlight;
    this.maxQueueWaitMs = maxQueueWaitMs;
    long nanosPerToken = (long) (TimeUnit.SECONDS.toNanos(1) / requestsPerSecond);
    this.bucket = Bucket.builder()
        .addLimit(Bandwidth.builder()
            .capacity(1)
            .refillGreedy(1, Duration.ofNanos(nanosPerToken))
            .build())
        .build();
  }

  /** Completes when the caller may start one call for {@code tenant}; it must call {@link #release()} when it ends. */
  Future<Void> acquire(String tenant) {
    Promise<Void> turn = Promise.promise();
    waiting.computeIfAbsent(tenant, first -> new ArrayDeque<>()).add(turn);
    long expiry = vertx.setTimer(maxQueueWaitMs, expired -> {
      Deque<Promise<Void>> queue = waiting.get(tenant);
      if (queue != null && queue.remove(turn)) {
        if (queue.isEmpty()) {
          waiting.remove(tenant);
        }
        Metrics.counter("gateway.llm.queue.timeouts", "tenant", tenant).increment();
        turn.fail(new LlmFailure.QueueTimeout(maxQueueWaitMs));
      }
    });
    turn.future().onSuccess(started -> vertx.cancelTimer(expiry));
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
      nextTurn().complete();
    }
  }

  /** The first waiting call of the tenant first in the rotation, which then goes to the back of it. */
  private Promise<Void> nextTurn() {
    Iterator<Map.Entry<String, Deque<Promise<Void>>>> tenants =
        waiting.entrySet().iterator();
    Map.Entry<String, Deque<Promise<Void>>> first = tenants.next();
    Promise<Void> turn = first.getValue().poll();
    tenants.remove();
    if (!first.getValue().isEmpty()) {
      waiting.put(first.getKey(), first.getValue());
    }
    return turn;
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
