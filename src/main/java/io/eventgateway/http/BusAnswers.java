package io.eventgateway.http;

import io.eventgateway.ingest.Problem;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Answers an HTTP request with a bus request's JSON reply, or with the problem its failure maps to. */
final class BusAnswers {

  private BusAnswers() {}

  static void json(
      RoutingContext ctx,
      Future<Message<JsonObject>> reply,
      Function<Throwable, JsonObject> problem) {
    reply
        .onSuccess(message -> ctx.response()
            .putHeader("Content-Type", "application/json")
            .end(message.body().encode()))
        .onFailure(error -> Problem.send(ctx.response(), problem.apply(error)));
  }

  /** A 404 from the bus becomes a problem of this slug and title; any other failure {@code otherwise}. */
  static Function<Throwable, JsonObject> notFoundOr(
      String slug, String title, Function<Throwable, JsonObject> otherwise) {
    return error -> Problem.statusOf(error) == 404
        ? Problem.of(404, slug, title, error.getMessage())
        : otherwise.apply(error);
  }
}
