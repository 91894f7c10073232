package io.eventgateway.process;

import io.eventgateway.bus.FailureCodes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a write request to the store until it succeeds, backing off exponentially while the database is
 * unavailable (the offsets stay uncommitted meanwhile). Gives up only when the store refuses the data as invalid
 * ({@code 400}, which retrying cannot fix) or when the caller is stopping.
 */
final class PersistRetry {

  private static final Logger LOG = LoggerFactory.getLogger(PersistRetry.class);

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final long initialBackoffMs;
  private final long maxBackoffMs;
  private final BooleanSupplier stopping;

  PersistRetry(Vertx vertx, JsonObject processor, BooleanSupplier stopping) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(processor.getInteger("persistTimeoutMs"));
    this.initialBackoffMs = processor.getInteger("retryInitialBackoffMs");
    this.maxBackoffMs = processor.getInteger("retryMaxBackoffMs");
    this.stopping = stopping;
  }

  static boolean isInvalid(Throwable error) {
    return error instanceof ReplyException reply && reply.failureCode() == FailureCodes.INVALID;
  }

  <T> Future<T> request(String address, Object body) {
    return attempt(address, body, initialBackoffMs);
  }

  private <T> Future<T> attempt(String address, Object body, long backoffMs) {
    return vertx.eventBus().<T>request(address, body, options)
        .map(reply -> reply.body())
        .recover(error -> {
          if (isInvalid(error) || stopping.getAsBoolean()) {
            return Future.failedFuture(error);
          }
          LOG.warn("{} failed ({}); retrying in {} ms", address, error.getMessage(), backoffMs);
          Promise<T> retried = Promise.promise();
          vertx.setTimer(backoffMs, timer -> this.<T>attempt(address, body, Math.min(backoffMs * 2, maxBackoffMs))
              .onComplete(retried));
          return retried.future();
        });
  }
}
