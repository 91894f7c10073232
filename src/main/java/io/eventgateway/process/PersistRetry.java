package io.eventgateway.process;

import io.eventgateway.bus.FailureCodes;
import io.eventgateway.config.ProcessorConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a write request to the store until it succeeds, backing off exponentially with jitter, by whose fault it
 * failed (the store decides: {@code store.WriteFaults}): while the database is unavailable, for as long as it takes
 * (the offsets stay uncommitted meanwhile); for an error of unknown cause ({@code 500}), {@code
 * processor.maxAttempts} attempts in all; for the records' fault ({@code 400}) or positions another member moved
 * on ({@code 409}), never, since it would fail again.
 * Gives up at once when the caller is stopping.
 */
final class PersistRetry {

  private static final Logger LOG = LoggerFactory.getLogger(PersistRetry.class);

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final Backoff backoff;
  private final int maxAttempts;
  private final BooleanSupplier stopping;
  private final Consumer<Throwable> retrying;

  /**
   * @param retrying told of every retry (the consumer counts them per partition and logs the first)
   */
  PersistRetry(
      Vertx vertx,
      ProcessorConfig processor,
      BooleanSupplier stopping,
      Consumer<Throwable> retrying) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(processor.persistTimeoutMs());
    this.backoff = new Backoff(processor.retryInitialBackoffMs(), processor.retryMaxBackoffMs());
    this.maxAttempts = processor.maxAttempts();
    this.stopping = stopping;
    this.retrying = retrying;
  }

  /**
   * Whether a failed request's records are to blame: refused as invalid, or failed for an unknown cause on every
   * attempt. Such a batch is narrowed down to the records that fail alone.
   */
  static boolean isRecordFault(Throwable error) {
    return error instanceof ReplyException reply
        && (reply.failureCode() == FailureCodes.INVALID
            || reply.failureCode() == FailureCodes.INTERNAL);
  }

  /** How often a request that failed with {@code error} was attempted before it was given up. */
  static int attemptsOf(Throwable error, int maxAttempts) {
    return isUnknown(error) ? maxAttempts : 1;
  }

  /** Another member stored the batch's partitions on: trying again cannot succeed. */
  private static boolean isMoved(Throwable error) {
    return error instanceof ReplyException reply && reply.failureCode() == FailureCodes.CONFLICT;
  }

  private static boolean isUnknown(Throwable error) {
    return error instanceof ReplyException reply && reply.failureCode() == FailureCodes.INTERNAL;
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
          boolean givenUp =
              isUnknown(error) ? attempt >= maxAttempts : isRecordFault(error) || isMoved(error);
          if (givenUp || stopping.getAsBoolean()) {
            return Future.failedFuture(error);
          }
          retrying.accept(error);
          long delay = backoff.delayMs(attempt);
          LOG.debug("{} failed; retry {} in {} ms", address, attempt, delay);
          Promise<T> retried = Promise.promise();
          vertx.setTimer(
              delay, timer -> this.<T>attempt(address, body, attempt + 1).onComplete(retried));
          return retried.future();
        });
  }
}
