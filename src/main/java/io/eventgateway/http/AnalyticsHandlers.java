package io.eventgateway.http;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.config.ReadsConfig;
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
  private static final int DEFAULT_PAGE = 100;

  private final Vertx vertx;
  private final ReadsConfig limits;

  AnalyticsHandlers(Vertx vertx, ReadsConfig limits) {
    this.vertx = vertx;
    this.limits = limits;
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
            .put("type", type == null ? null : qualified(type)),
        bucket.equals("minute") ? Duration.ofHours(limits.maxMinuteWindowHours()) : maxWindow());
  }

  void topEvents(RoutingContext ctx) {
    Integer limit = limit(ctx, 10, 100);
    if (limit != null) {
      window(ctx, new JsonObject().put("query", "top-events").put("limit", limit), maxWindow());
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
    window(
        ctx,
        new JsonObject().put("query", "funnel").put("steps", new JsonArray(names)),
        maxWindow());
  }

  /**
   * {@code /v1/quality/lines}, {@code /batches}, {@code /products} (paged in key order: {@code limit}, and
   * {@code after} = the answer's {@code next}), and {@code /batches/:id} for one.
   */
  void quality(RoutingContext ctx, String dimension, String keyParam) {
    Integer limit = limit(ctx, DEFAULT_PAGE, limits.maxPageSize());
    if (limit != null) {
      forward(
          ctx,
          new JsonObject()
              .put("query", "quality")
              .put("dimension", dimension)
              .put("key", keyParam == null ? null : ctx.pathParam(keyParam))
              .put("after", ctx.queryParams().get("after"))
              .put("limit", limit));
    }
  }

  /** {@code /v1/quality/lines/:lineId/windows}: the line's tumbling windows. */
  void lineWindows(RoutingContext ctx) {
    window(
        ctx,
        new JsonObject()
            .put("query", "quality")
            .put("dimension", "line")
            .put("windows", true)
            .put("key", ctx.pathParam("lineId")),
        maxWindow());
  }

  /** {@code /v1/quality/defects}: the window's most frequent, at most {@code limit}. */
  void defects(RoutingContext ctx) {
    Integer limit = limit(ctx, DEFAULT_PAGE, limits.maxPageSize());
    if (limit != null) {
      window(
          ctx,
          new JsonObject()
              .put("query", "defects")
              .put("line", ctx.queryParams().get("line"))
              .put("limit", limit),
          maxWindow());
    }
  }

  /** The equipment's status changes in time order, paged: {@code limit}, and {@code after} = the answer's {@code next}. */
  void equipment(RoutingContext ctx) {
    Integer limit = limit(ctx, DEFAULT_PAGE, limits.maxPageSize());
    if (limit == null) {
      return;
    }
    forward(
        ctx,
        new JsonObject()
            .put("query", "equipment")
            .put("equipmentId", ctx.pathParam("equipmentId"))
            .put("after", ctx.queryParams().get("after"))
            .put("limit", limit));
  }

  private Duration maxWindow() {
    return Duration.ofDays(limits.maxWindowDays());
  }

  /** {@code /v1/alerts?state=open|resolved&limit=}. */
  void alerts(RoutingContext ctx) {
    String state = ctx.queryParams().get("state");
    if (state != null && !Set.of("open", "resolved").contains(state)) {
      invalid(ctx, "state", "must be open or resolved");
      return;
    }
    Integer limit = limit(ctx, DEFAULT_PAGE, limits.maxPageSize());
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

  /** Forwards a windowed read: {@code from} and {@code to} (the last hour by default), at most {@code longest} apart. */
  private void window(RoutingContext ctx, JsonObject query, Duration longest) {
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
    if (Duration.between(from, to).compareTo(longest) > 0) {
      invalid(
          ctx,
          "from",
          "the window from–to may span at most " + describe(longest)
              + "; ask for several windows (reads.maxWindowDays, reads.maxMinuteWindowHours)");
      return;
    }
    forward(ctx, query.put("from", from.toString()).put("to", to.toString()));
  }

  private void forward(RoutingContext ctx, JsonObject query) {
    vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.ANALYTICS_QUERY, query.put("tenant", Authentication.tenant(ctx)))
        .onSuccess(reply -> ctx.response()
            .putHeader("Content-Type", "application/json")
            .end(reply.body().encode()))
        .onFailure(error -> {
          if (Problem.statusOf(error) == FailureCodes.INVALID) {
            // the only request a read verticle refuses: a cursor it did not make
            invalid(ctx, "after", "must be the next cursor of an earlier page");
          } else {
            ReadProblems.send(
                ctx,
                BusAnswers.notFoundOr("not-found", "Not found", ReadProblems::of)
                    .apply(error));
          }
        });
  }

  private static String describe(Duration span) {
    return span.toHours() % 24 == 0 ? span.toDays() + " days" : span.toHours() + " hours";
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
