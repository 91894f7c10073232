package io.eventgateway.http;

import io.eventgateway.bus.FailureCodes;
import io.eventgateway.ingest.Problem;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The answer to a read of stored data that failed: {@code 504} when PostgreSQL cancelled it after
 * {@code reads.statementTimeoutMs}, else {@code 503} with {@code Retry-After} (the read pool's queue is full, or the
 * store is down). The detail is the read verticle's own, which names the bound and never a statement.
 */
final class ReadProblems {

  private ReadProblems() {}

  static JsonObject of(Throwable error) {
    int status = Problem.statusOf(error);
    String detail = error instanceof ReplyException reply && reply.getMessage() != null
        ? reply.getMessage()
        : "the store behind this read did not answer";
    return status == FailureCodes.TIMEOUT
        ? Problem.of(504, "read-timeout", "Read took too long", detail)
        : Problem.of(503, "store-unavailable", "Store unavailable", detail);
  }

  static void send(RoutingContext ctx, JsonObject problem) {
    int status = problem.getInteger("status");
    if (status == FailureCodes.UNAVAILABLE) {
      ctx.response().putHeader("Retry-After", "1");
    }
    if (status == FailureCodes.UNAVAILABLE || status == FailureCodes.TIMEOUT) {
      refused(status == FailureCodes.TIMEOUT ? "timeout" : "unavailable");
    }
    Problem.send(ctx.response(), problem);
  }

  /** Counts a read refused ({@code gateway.reads.refused}, by why: rate, unavailable or timeout). */
  static void refused(String why) {
    Metrics.counter("gateway.reads.refused", "reason", why).increment();
  }
}
