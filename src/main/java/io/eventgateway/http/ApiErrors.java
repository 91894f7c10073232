package io.eventgateway.http;

import io.eventgateway.config.HttpConfig;
import io.eventgateway.ingest.Problem;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The API's answers when no route takes a request or the web stack refuses it: always problem+json. */
final class ApiErrors {

  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  static void install(Router router, HttpConfig http) {
    router
        .route()
        .last()
        .handler(ctx -> Problem.send(
            ctx.response(),
            Problem.of(
                404,
                "not-found",
                "Not found",
                "No resource at " + ctx.request().method() + " " + ctx.request().path())));
    router.errorHandler(
        413,
        ctx -> failure(
            ctx,
            413,
            "body-too-large",
            "Body too large",
            "The body exceeds " + http.maxBodyBytes() + " bytes"));
    router.errorHandler(
        408,
        ctx -> failure(
            ctx,
            408,
            "request-timeout",
            "Request timeout",
            "The request was not completed within " + http.requestTimeoutMs() + " ms"));
    router.errorHandler(
        405,
        ctx -> failure(
            ctx,
            405,
            "method-not-allowed",
            "Method not allowed",
            ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(500, ctx -> {
      LOG.error(
          "Unhandled error on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
      failure(ctx, 500, "internal-error", "Internal error", "The request failed unexpectedly");
    });
  }

  static void failure(RoutingContext ctx, int status, String slug, String title, String detail) {
    if (!ctx.response().ended()) {
      // a timed-out or oversized body is still arriving: the connection goes with the answer
      Problem.refuseUnread(ctx, Problem.of(status, slug, title, detail));
    }
  }
}
