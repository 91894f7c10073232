package io.eventgateway.ingest;

import io.eventgateway.bus.FailureCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem details ({@code application/problem+json}), the shape of every error the API returns. */
public final class Problem {

  static final String MEDIA_TYPE = "application/problem+json";

  /** How long a refused request's body is read and dropped before its connection is closed anyway. */
  static final long LINGER_MS = 2_000;

  private Problem() {}

  /** A problem body; {@code slug} names the problem type, resolved relative to the API as {@code /problems/<slug>}. */
  public static JsonObject of(int status, String slug, String title, String detail) {
    return new JsonObject()
        .put("type", "/problems/" + slug)
        .put("title", title)
        .put("status", status)
        .put("detail", detail);
  }

  /** A {@code 400} naming the one field at fault, in the same {@code errors} shape as event errors. */
  public static JsonObject invalidField(String slug, String title, String field, String reason) {
    return of(400, slug, title, field + ": " + reason)
        .put(
            "errors",
            new JsonArray().add(new JsonObject().put("field", field).put("reason", reason)));
  }

  /** The store behind a read failed: its status comes from the failure (503 unavailable, 504 timeout). */
  public static JsonObject storeUnavailable(Throwable error, String store) {
    return of(
        statusOf(error),
        "store-unavailable",
        "Store unavailable",
        "The " + store + " is unavailable");
  }

  /** The HTTP status for a failed bus request: the replier's failure code, 504 on timeout, else 503. */
  public static int statusOf(Throwable error) {
    if (error instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case RECIPIENT_FAILURE -> reply.failureCode();
        case TIMEOUT -> FailureCodes.TIMEOUT;
        default -> FailureCodes.UNAVAILABLE;
      };
    }
    return FailureCodes.INTERNAL;
  }

  /**
   * Answers a request refused before its body was read, and closes the connection once the answer is out: the
   * client cannot keep the connection (and the body it holds back) open. Until then the rest of the body is read
   * and dropped, for at most {@link #LINGER_MS}: closing with unread bytes makes TCP reset the connection, and a
   * client still sending would lose the answer (a lingering close, as Apache and nginx do).
   */
  public static void refuseUnread(RoutingContext ctx, JsonObject problem) {
    refuseUnread(ctx.vertx(), ctx.request(), problem);
  }

  /** {@link #refuseUnread(RoutingContext, JsonObject)} for a request that reaches no router. */
  public static void refuseUnread(Vertx vertx, HttpServerRequest request, JsonObject problem) {
    if (request.isEnded()) {
      send(request.response(), problem);
      return;
    }
    HttpConnection connection = request.connection();
    Future<Void> answered =
        send(request.response().putHeader(HttpHeaders.CONNECTION, "close"), problem);
    long linger = vertx.setTimer(LINGER_MS, late -> connection.close());
    request
        .handler(dropped -> {})
        .endHandler(end -> {
          vertx.cancelTimer(linger);
          answered.onComplete(sent -> connection.close());
        })
        .resume();
  }

  public static Future<Void> send(HttpServerResponse response, JsonObject problem) {
    return response
        .setStatusCode(problem.getInteger("status"))
        .putHeader("Content-Type", MEDIA_TYPE)
        .end(problem.encode());
  }
}
