package io.eventgateway.http;

import io.eventgateway.ingest.Problem;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the request bodies that every HTTP ingest verticle of this process holds at once (buffered, validated
 * or waiting for Kafka), in all and per caller: a request whose declared size does not fit is answered {@code 429}
 * with {@code Retry-After} before its body is read, so a load above capacity costs bounded memory, and one caller's
 * slow or huge uploads use up its own share, not everyone's. A request without {@code Content-Length} is counted at
 * the maximum body size. A platform handler: it runs after authentication (on an earlier route, which put the
 * caller in the context) and before the body is read; on an open route, the client's address stands for the caller.
 */
final class RequestBudget implements Shareable, PlatformHandler {

  private static final String RETRY_AFTER_SECONDS = "1";
  private static final String RELEASE = "requestBudgetRelease";
  private static final String HELD = "requestBudgetHeld";

  private final AtomicLong inFlight;
  /** Bytes in flight per caller id; an entry lives while its caller has a request in flight. */
  private final Map<String, Long> perCaller = new ConcurrentHashMap<>();

  private final long maxBytes;
  private final long maxBytesPerCaller;
  private final long maxBodyBytes;

  private RequestBudget(String name, long maxBytes, long maxBytesPerCaller, long maxBodyBytes) {
    this.inFlight = Metrics.gauge(
        "gateway.http.inflight.bytes",
        io.micrometer.core.instrument.Tags.of("budget", name),
        new AtomicLong());
    this.maxBytes = maxBytes;
    this.maxBytesPerCaller = maxBytesPerCaller;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * The budget {@code name} of this Vert.x instance, shared by the verticle instances on every event loop: ingest's,
   * and the registry's apart, so that anonymous registry uploads can never take ingest's share.
   *
   * @param maxBodyBytes what a body without {@code Content-Length} is counted as
   */
  static RequestBudget of(
      Vertx vertx, String name, long maxBytes, long maxBytesPerCaller, long maxBodyBytes) {
    return (RequestBudget) vertx
        .sharedData()
        .getLocalMap("gateway.ingest")
        .computeIfAbsent(
            "requestBudget." + name,
            key -> new RequestBudget(name, maxBytes, maxBytesPerCaller, maxBodyBytes));
  }

  @Override
  public void handle(RoutingContext ctx) {
    long declared = declaredLength(ctx.request().getHeader("Content-Length"));
    long bytes = declared < 0 || declared > maxBodyBytes ? maxBodyBytes : declared;
    // an unauthenticated route's uploads share their client address's part
    String caller = Authentication.caller(ctx) == null
        ? "address:" + ctx.request().remoteAddress().host()
        : Authentication.caller(ctx).id();
    // added and released under the map's lock for the key: event loops racing on one caller count
    // right
    long callerHolds = perCaller.merge(caller, bytes, Long::sum);
    if (callerHolds > maxBytesPerCaller && callerHolds != bytes) {
      release(caller, bytes);
      overloaded(ctx, "Your requests in flight hold " + maxBytesPerCaller + " bytes already");
      return;
    }
    if (inFlight.addAndGet(bytes) > maxBytes && inFlight.get() != bytes) {
      inFlight.addAndGet(-bytes);
      release(caller, bytes);
      overloaded(ctx, "The gateway holds " + maxBytes + " bytes of requests already");
      return;
    }
    boolean[] released = {false};
    Runnable giveBack = () -> {
      if (!released[0]) {
        released[0] = true;
        inFlight.addAndGet(-bytes);
        release(caller, bytes);
      }
    };
    ctx.put(RELEASE, giveBack);
    ctx.addEndHandler(ended -> {
      if (ctx.get(HELD) == null) {
        giveBack.run();
      }
    });
    ctx.next();
  }

  /**
   * Keeps the request's bytes counted past its answer, until the returned action runs: an asynchronously accepted
   * request holds its caller's share until Kafka has answered for its events, as a synchronous one does.
   */
  static Runnable holdPastAnswer(RoutingContext ctx) {
    Runnable release = ctx.get(RELEASE);
    if (release == null) {
      return () -> {};
    }
    ctx.put(HELD, Boolean.TRUE);
    return release;
  }

  private void release(String caller, long bytes) {
    perCaller.computeIfPresent(caller, (id, held) -> held - bytes == 0 ? null : held - bytes);
  }

  private static void overloaded(RoutingContext ctx, String detail) {
    // the connection stays: a client still sending its body must get to read the 429 and its
    // Retry-After
    Problem.send(
        ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS),
        Problem.of(
            429,
            "overloaded",
            "Too many requests in flight",
            detail + "; retry after " + RETRY_AFTER_SECONDS + " s"));
  }

  private static long declaredLength(String header) {
    try {
      return header == null ? -1 : Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
