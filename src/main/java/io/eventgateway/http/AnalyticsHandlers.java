package io.eventgateway.http;

import io.eventgateway.bus.Addresses;
import io.eventgateway.ingest.Problem;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code /v1/analytics/...}, {@code /v1/quality/...} and {@code /v1/alerts}: validates the query parameters (a {@code 400} problem names the bad one) and forwards
 * to {@link io.eventgateway.analytics.AnalyticsQueryVerticle}. Windows default to the last hour; event types may be
 * written without their {@code analytics.} prefix.
 */
final class AnalyticsHandlers {

  private static final Set<String> BUCKETS = Set.of("minute", "hour");
  private static final int MAX_STEPS = 10;

  private final Vertx vertx;

  AnalyticsHandlers(Vertx vertx) {
    this.vertx = vertx;
  }

  void user(RoutingContext ctx) {
    forward(ctx, new JsonObject().put("query", "user").put("userId", ctx.pathParam("userId")));
  }

  void eventCounts(RoutingContext ctx) {
    String bucket =
        ctx.queryParams().get("bucket") == null ? "minute" : ctx.queryParams().get("bucket");
    if (!BUCKETS.contains(bucket)) {
      invalid(ctx, "bucket", "must be minute or hour");
      return;
    }
    String type = ctx.queryParams().get("type");
    window(
        ctx,
        new JsonObject()
            .put("query", "event-counts")
            .put("bucket", bucket)
            .put("type", type == null ? null : qualified(type)));
  }

  void topEvents(RoutingContext ctx) {
    Integer limit = limit(ctx, 10, 100);
    if (limit != null) {
      window(ctx, new JsonObject().put("query", "top-events").put("limit", limit));
    }
  }

  void funnel(RoutingContext ctx) {
    String steps = ctx.queryParams().get("steps");
    List<String> names = steps == null
        ? List.of()
        : Arrays.stream(steps.split(","))
            .map(String::trim)
            .filter(step -> !step.isEmpty())
            .map(AnalyticsHandlers::qualified)
            .toList();
    if (names.size() < 2 || names.size() > MAX_STEPS) {
      invalid(
          ctx,
          "steps",
          "list 2 to " + MAX_STEPS
              + " event types, comma-separated, e.g. page_view,add_to_cart,purchase");
      return;
    }
    window(ctx, new JsonObject().put("query", "funnel").put("steps", new JsonArray(names)));
  }

  /** {@code /v1/quality/lines}, {@code /batches}, {@code /products}, and {@code /batches/:id} for one. */
  void quality(RoutingContext ctx, String dimension, String keyParam) {
    forward(
        ctx,
        new JsonObject()
            .put("query", "quality")
            .put("dimension", dimension)
            .put("key", keyParam == null ? null : ctx.pathParam(keyParam)));
  }

  /** {@code /v1/quality/lines/:lineId/windows}: the line's tumbling windows. */
  void lineWindows(RoutingContext ctx) {
    window(
        ctx,
        new JsonObject()
            .put("query", "quality")
            .put("dimension", "line")
            .put("windows", true)
            .put("key", ctx.pathParam("lineId")));
  }

  void defects(RoutingContext ctx) {
    window(
        ctx,
        new JsonObject().put("query", "defects").put("line", ctx.queryParams().get("line")));
  }

  void equipment(RoutingContext ctx) {
    forward(
        ctx,
        new JsonObject()
            .put("query", "equipment")
            .put("equipmentId", ctx.pathParam("equipmentId")));
  }

  /** {@code /v1/alerts?state=open|resolved&limit=}. */
  void alerts(RoutingContext ctx) {
    String state = ctx.queryParams().get("state");
    if (state != null && !Set.of("open", "resolved").contains(state)) {
      invalid(ctx, "state", "must be open or resolved");
      return;
    }
    Integer limit = limit(ctx, 100, 1000);
    if (limit != null) {
      forward(ctx, new JsonObject().put("query", "alerts").put("state", state).put("limit", limit));
    }
  }

  /** The {@code limit} parameter, or {@code null} after answering 400. */
  private static Integer limit(RoutingContext ctx, int fallback, int max) {
    int limit;
    try {
      limit = ctx.queryParams().get("limit") == null
          ? fallback
          : Integer.parseInt(ctx.queryParams().get("limit"));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > max) {
      invalid(ctx, "limit", "must be a whole number from 1 to " + max);
      return null;
    }
    return limit;
  }

  private void window(RoutingContext ctx, JsonObject query) {
    Instant to;
    Instant from;
    try {
      to = time(ctx, "to", Instant.now());
      from = time(ctx, "from", to.minus(Duration.ofHours(1)));
    } catch (DateTimeParseException e) {
      invalid(
          ctx,
          e.getParsedString().equals(ctx.queryParams().get("to")) ? "to" : "from",
          "must be an ISO-8601 timestamp such as 2026-11-23T10:00:00Z");
      return;
    }
    if (!from.isBefore(to)) {
      invalid(ctx, "from", "must be before to");
      return;
    }
    forward(ctx, query.put("from", from.toString()).put("to", to.toString()));
  }

  private void forward(RoutingContext ctx, JsonObject query) {
    BusAnswers.json(
        ctx,
        vertx
            .eventBus()
            .request(Addresses.ANALYTICS_QUERY, query.put("tenant", Authentication.tenant(ctx))),
        BusAnswers.notFoundOr(
            "not-found", "Not found", error -> Problem.storeUnavailable(error, "analytics store")));
  }

  private static Instant time(RoutingContext ctx, String name, Instant fallback) {
    String value = ctx.queryParams().get(name);
    return value == null ? fallback : OffsetDateTime.parse(value).toInstant();
  }

  private static String qualified(String type) {
    return type.contains(".") ? type : "analytics." + type;
  }

  private static void invalid(RoutingContext ctx, String field, String reason) {
    Problem.send(
        ctx.response(), Problem.invalidField("invalid-query", "Invalid query", field, reason));
  }
}
