package io.eventgateway.process;

import io.eventgateway.bus.FailureCodes;
import io.eventgateway.config.ProcessorConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a write request to the store until it succeeds, backing off exponentially with jitter while the database
 * is unavailable (the offsets stay uncommitted meanwhile). Gives up only when the store refuses the data as invalid
 * ({@code 400}, which waiting for the database cannot fix) or when the caller is stopping.
 */
final class PersistRetry {

  private static final Logger LOG = LoggerFactory.getLogger(PersistRetry.class);

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final Backoff backoff;
  private final BooleanSupplier stopping;

  PersistRetry(Vertx vertx, ProcessorConfig processor, BooleanSupplier stopping) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(processor.persistTimeoutMs());
    this.backoff = backoff(processor);
    this.stopping = stopping;
  }

  static Backoff backoff(ProcessorConfig processor) {
    return new Backoff(processor.retryInitialBackoffMs(), processor.retryMaxBackoffMs());
  }

  static boolean isInvalid(Throwable error) {
    return error instanceof ReplyException reply && reply.failureCode() == FailureCodes.INVALID;
  }

  <T> Future<T> request(String address, Object body) {
    return attempt(address, body, 1);
  }

  private <T> Future<T> attempt(String address, Object body, int attempt) {
    return vertx
        .eventBus()
        .<T>request(address, body, options)
        .map(reply -> reply.body())
        .recover(error -> {
          if (isInvalid(error) || stopping.getAsBoolean()) {
            return Future.failedFuture(error);
          }
          long delay = backoff.delayMs(attempt);
          LOG.warn(
              "{} failed ({}); retry {} in {} ms", address, error.getMessage(), attempt, delay);
          Promise<T> retried = Promise.promise();
          vertx.setTimer(
              delay, timer -> this.<T>attempt(address, body, attempt + 1).onComplete(retried));
          return retried.future();
        });
  }
}
