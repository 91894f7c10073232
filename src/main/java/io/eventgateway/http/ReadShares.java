package io.eventgateway.http;

import io.eventgateway.auth.RateLimits;
import io.eventgateway.ingest.Problem;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * A caller's and a tenant's share of the reads of stored data on this node, taken before any query is made: a
 * credential makes at most {@code reads.perCallerPerSecond} reads a second, and a tenant has at most
 * {@code reads.maxInFlightPerTenant} reads running at once, so that one tenant's heavy reads wait in its own share
 * and never fill the read pool and its queue, which every tenant shares. Past either, {@code 429} with
 * {@code Retry-After}. One instance serves every route of one HTTP verticle; the counts are per node.
 */
final class ReadShares implements Handler<RoutingContext> {

  /** Reads running per tenant, across every HTTP verticle of the node. */
  private static final BoundedCounts RUNNING = new BoundedCounts();

  private final RateLimits rateLimits;
  private final int perSecond;
  private final int maxInFlightPerTenant;

  ReadShares(RateLimits rateLimits, int perSecond, int maxInFlightPerTenant) {
    this.rateLimits = rateLimits;
    this.perSecond = perSecond;
    this.maxInFlightPerTenant = maxInFlightPerTenant;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long waitMillis = rateLimits.readWaitMillis(Authentication.caller(ctx), perSecond);
    if (waitMillis > 0) {
      refuse(
          ctx,
          "rate",
          (waitMillis + 999) / 1000,
          "'" + Authentication.caller(ctx).name() + "' may make " + perSecond
              + " reads per second (reads.perCallerPerSecond)");
      return;
    }
    String tenant = Authentication.caller(ctx).tenant();
    if (!RUNNING.tryAdd(tenant, maxInFlightPerTenant)) {
      refuse(
          ctx,
          "tenant",
          1,
          "tenant '" + tenant + "' has " + maxInFlightPerTenant
              + " reads running on this node (reads.maxInFlightPerTenant)");
      return;
    }
    ctx.addEndHandler(ended -> RUNNING.remove(tenant));
    ctx.next();
  }

  private static void refuse(
      RoutingContext ctx, String reason, long retryAfterSeconds, String detail) {
    ReadProblems.refused(reason);
    Problem.send(
        ctx.response().putHeader("Retry-After", Long.toString(retryAfterSeconds)),
        Problem.of(429, "read-rate-limited", "Too many reads", detail));
  }
}
