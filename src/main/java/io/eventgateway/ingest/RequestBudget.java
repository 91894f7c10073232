package io.eventgateway.ingest;

import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the request bodies that every HTTP ingest verticle of this process holds at once (buffered, validated
 * or waiting for Kafka): a request whose declared size does not fit is answered {@code 429} with
 * {@code Retry-After} before its body is read, so a load above capacity costs bounded memory. A request without
 * {@code Content-Length} is counted at the maximum body size. A platform handler: it runs before the body is read.
 */
final class RequestBudget implements Shareable, PlatformHandler {

  private static final String RETRY_AFTER_SECONDS = "1";

  private final AtomicLong inFlight = Metrics.gauge("gateway.http.inflight.bytes", new AtomicLong());
  private final long maxBytes;
  private final long maxBodyBytes;

  private RequestBudget(long maxBytes, long maxBodyBytes) {
    this.maxBytes = maxBytes;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The one budget of this Vert.x instance, shared by the verticle instances on every event loop. */
  static RequestBudget of(Vertx vertx, long maxBytes, long maxBodyBytes) {
    return (RequestBudget) vertx.sharedData().getLocalMap("gateway.ingest")
        .computeIfAbsent("requestBudget", key -> new RequestBudget(maxBytes, maxBodyBytes));
  }

  @Override
  public void handle(RoutingContext ctx) {
    long declared = declaredLength(ctx.request().getHeader("Content-Length"));
    long bytes = declared < 0 || declared > maxBodyBytes ? maxBodyBytes : declared;
    if (inFlight.addAndGet(bytes) > maxBytes && inFlight.get() != bytes) {
      inFlight.addAndGet(-bytes);
      Problem.send(ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS), Problem.of(429, "overloaded",
          "Too many requests in flight", "The gateway holds " + maxBytes + " bytes of requests already; retry after "
              + RETRY_AFTER_SECONDS + " s"));
      return;
    }
    ctx.addEndHandler(ended -> inFlight.addAndGet(-bytes));
    ctx.next();
  }

  private static long declaredLength(String header) {
    try {
      return header == null ? -1 : Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
