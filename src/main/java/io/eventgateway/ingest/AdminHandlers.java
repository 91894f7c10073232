package io.eventgateway.ingest;

import io.eventgateway.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /v1/admin/dlq/...}: pages through a topic's dead letters and re-drives them, forwarding to
 * {@link io.eventgateway.kafka.DeadLetterVerticle}.
 */
final class AdminHandlers {

  private static final int MAX_LIMIT = 500;

  private final Vertx vertx;

  AdminHandlers(Vertx vertx) {
    this.vertx = vertx;
  }

  /** {@code GET /v1/admin/dlq/:topic?offset=&limit=}. */
  void listDeadLetters(RoutingContext ctx) {
    JsonObject request = new JsonObject().put("topic", ctx.pathParam("topic"));
    try {
      String offset = ctx.queryParams().get("offset");
      if (offset != null) {
        request.put("offset", Long.parseLong(offset));
      }
      String limit = ctx.queryParams().get("limit");
      int pageSize = limit == null ? 100 : Integer.parseInt(limit);
      if (pageSize < 1 || pageSize > MAX_LIMIT) {
        invalid(ctx, "limit", "must be between 1 and " + MAX_LIMIT);
        return;
      }
      request.put("limit", pageSize);
    } catch (NumberFormatException e) {
      invalid(ctx, "offset", "offset and limit must be integers");
      return;
    }
    forward(ctx, Addresses.DLQ_LIST, request);
  }

  /** {@code POST /v1/admin/dlq/:topic/replay} with {@code {"offsets": [...]}}, {@code {"ids": [...]}} or nothing. */
  void replayDeadLetters(RoutingContext ctx) {
    JsonObject selection;
    try {
      Buffer body = ctx.body().buffer();
      selection = body == null || body.length() == 0 ? new JsonObject() : new JsonObject(body);
    } catch (DecodeException e) {
      invalid(ctx, "body", "must be a JSON object such as {\"offsets\": [0, 1]} or {\"ids\": [\"...\"]}");
      return;
    }
    JsonObject request = new JsonObject().put("topic", ctx.pathParam("topic"));
    for (String field : new String[] {"offsets", "ids"}) {
      Object values = selection.getValue(field);
      if (values == null) {
        continue;
      }
      if (!(values instanceof JsonArray list) || !list.stream().allMatch(field.equals("ids")
          ? String.class::isInstance : Number.class::isInstance)) {
        invalid(ctx, field, field.equals("ids") ? "must be an array of event ids" : "must be an array of offsets");
        return;
      }
      request.put(field, list);
    }
    forward(ctx, Addresses.DLQ_REPLAY, request);
  }

  private void forward(RoutingContext ctx, String address, JsonObject request) {
    vertx.eventBus().<JsonObject>request(address, request)
        .onSuccess(reply -> ctx.response().putHeader("Content-Type", "application/json").end(reply.body().encode()))
        .onFailure(error -> {
          int status = Problem.statusOf(error);
          Problem.send(ctx.response(), status == 404
              ? Problem.of(404, "unknown-topic", "Unknown topic", error.getMessage())
              : Problem.of(status, "kafka-unavailable", "Kafka unavailable", error.getMessage()));
        });
  }

  static void invalid(RoutingContext ctx, String field, String reason) {
    Problem.send(ctx.response(), Problem.of(400, "invalid-request", "Invalid request", field + ": " + reason)
        .put("errors", new JsonArray().add(new JsonObject().put("field", field).put("reason", reason))));
  }
}
