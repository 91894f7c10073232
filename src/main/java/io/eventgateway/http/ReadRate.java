package io.eventgateway.http;

import io.eventgateway.auth.RateLimits;
import io.eventgateway.ingest.Problem;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * A credential's reads of stored data per second on this node ({@code reads.perCallerPerSecond}): past it
 * {@code 429} with {@code Retry-After}, before any query is made, so that one caller's burst of reads waits in its
 * own bucket and not in the read pool's queue that every tenant shares.
 */
final class ReadRate implements Handler<RoutingContext> {

  private final RateLimits rateLimits;
  private final int perSecond;

  ReadRate(RateLimits rateLimits, int perSecond) {
    this.rateLimits = rateLimits;
    this.perSecond = perSecond;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long waitMillis = rateLimits.readWaitMillis(Authentication.caller(ctx), perSecond);
    if (waitMillis == 0) {
      ctx.next();
      return;
    }
    Problem.send(
        ctx.response().putHeader("Retry-After", Long.toString((waitMillis + 999) / 1000)),
        Problem.of(
            429,
            "read-rate-limited",
            "Too many reads",
            "'" + Authentication.caller(ctx).name() + "' may make " + perSecond
                + " reads per second (reads.perCallerPerSecond)"));
  }
}
