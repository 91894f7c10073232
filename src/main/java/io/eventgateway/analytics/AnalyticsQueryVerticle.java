package io.eventgateway.analytics;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.PostgresConfig;
import io.eventgateway.config.ReadsConfig;
import io.eventgateway.store.PgPools;
import io.eventgateway.store.PgTimes;
import io.eventgateway.store.ReadFailures;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers, from the node's read pool ({@link PgPools#reads}), {@link Addresses#ANALYTICS_QUERY}: a user's rollup, event counts per
 * minute or hour, the top event types, funnels, chip-quality figures, defects, equipment timelines and alerts. Requests arrive validated by the HTTP layer.
 */
@ConfigSections({"postgres", "reads"})
public class AnalyticsQueryVerticle extends VerticleBase {

  private Pool pool;
  private QualityReads quality;

  @Override
  public Future<?> start() {
    pool = PgPools.reads(vertx, PostgresConfig.in(config()), ReadsConfig.in(config()));
    quality = new QualityReads(pool);
    return vertx
        .eventBus()
        .<JsonObject>consumer(Addresses.ANALYTICS_QUERY, this::query)
        .completion();
  }

  private void query(Message<JsonObject> message) {
    JsonObject request = message.body();
    String tenant = request.getString("tenant");
    if (tenant == null) {
      message.fail(FailureCodes.INTERNAL, "an analytics query names no tenant");
      return;
    }
    Future<JsonObject> answer = switch (request.getString("query")) {
      case "user" -> user(tenant, request.getString("userId"));
      case "event-counts" -> eventCounts(request);
      case "top-events" -> topEvents(request);
      case "funnel" -> funnel(request);
      case "quality" -> quality.figures(request);
      case "defects" -> quality.defects(request);
      case "equipment" -> quality.equipment(request);
      case "alerts" -> quality.alerts(request);
      default ->
        Future.failedFuture(
            new IllegalArgumentException("unknown query " + request.getString("query")));
    };
    answer
        .onSuccess(message::reply)
        .onFailure(error -> message.fail(
            error instanceof AnalyticsRequests.NotFound
                ? FailureCodes.NOT_FOUND
                : error instanceof AnalyticsRequests.InvalidCursor
                    ? FailureCodes.INVALID
                    : ReadFailures.code(error),
            error instanceof AnalyticsRequests.NotFound
                    || error instanceof AnalyticsRequests.InvalidCursor
                ? error.getMessage()
                : ReadFailures.message(error)));
  }

  private Future<JsonObject> user(String tenant, String userId) {
    Tuple id = Tuple.of(tenant, userId);
    return Future.all(
            pool.preparedQuery(AnalyticsQueries.USER).execute(id),
            pool.preparedQuery(AnalyticsQueries.USER_COUNTS).execute(id),
            pool.preparedQuery(AnalyticsQueries.USER_SESSIONS).execute(id))
        .compose(all -> {
          RowSet<Row> stats = all.resultAt(0);
          if (stats.size() == 0) {
            return Future.failedFuture(
                new AnalyticsRequests.NotFound("no analytics events for user " + userId));
          }
          Row user = stats.iterator().next();
          JsonObject byType = new JsonObject();
          all.<RowSet<Row>>resultAt(1)
              .forEach(row -> byType.put(row.getString("event_type"), row.getLong("count")));
          Row sessions = all.<RowSet<Row>>resultAt(2).iterator().next();
          return Future.succeededFuture(new JsonObject()
              .put("userId", userId)
              .put("firstSeen", PgTimes.iso(user.getOffsetDateTime("first_seen")))
              .put("lastSeen", PgTimes.iso(user.getOffsetDateTime("last_seen")))
              .put("events", user.getLong("events"))
              .put("countsByType", byType)
              .put("sessions", sessions.getLong("sessions") + user.getLong("implicit_sessions"))
              .put("sessionsEnded", sessions.getLong("ended"))
              .put("purchases", user.getLong("purchases"))
              .put("revenue", user.getBigDecimal("revenue")));
        });
  }

  private Future<JsonObject> eventCounts(JsonObject request) {
    Tuple parameters = Tuple.of(
        request.getString("tenant"),
        request.getString("bucket"),
        AnalyticsRequests.time(request, "from"),
        AnalyticsRequests.time(request, "to"),
        request.getString("type"));
    return pool.preparedQuery(AnalyticsQueries.EVENT_COUNTS).execute(parameters).map(rows -> {
      JsonArray series = new JsonArray();
      rows.forEach(row -> series.add(new JsonObject()
          .put("time", PgTimes.iso(row.getOffsetDateTime("time")))
          .put("type", row.getString("event_type"))
          .put("count", row.getLong("count"))));
      return AnalyticsRequests.window(request)
          .put("bucket", request.getString("bucket"))
          .put("type", request.getString("type"))
          .put("series", series);
    });
  }

  private Future<JsonObject> topEvents(JsonObject request) {
    Tuple parameters = Tuple.of(
        request.getString("tenant"),
        AnalyticsRequests.time(request, "from"),
        AnalyticsRequests.time(request, "to"),
        request.getInteger("limit"));
    return pool.preparedQuery(AnalyticsQueries.TOP_EVENTS).execute(parameters).map(rows -> {
      JsonArray top = new JsonArray();
      rows.forEach(row -> top.add(new JsonObject()
          .put("type", row.getString("event_type"))
          .put("count", row.getLong("count"))));
      return AnalyticsRequests.window(request).put("events", top);
    });
  }

  private Future<JsonObject> funnel(JsonObject request) {
    JsonArray steps = request.getJsonArray("steps");
    List<Object> parameters = new ArrayList<>(List.of(
        request.getString("tenant"),
        AnalyticsRequests.time(request, "from"),
        AnalyticsRequests.time(request, "to")));
    steps.forEach(parameters::add);
    return pool.preparedQuery(AnalyticsQueries.funnel(steps.size()))
        .execute(Tuple.from(parameters))
        .map(rows -> {
          Row counts = rows.iterator().next();
          JsonArray result = new JsonArray();
          for (int i = 0; i < steps.size(); i++) {
            result.add(
                new JsonObject().put("step", steps.getString(i)).put("users", counts.getLong(i)));
          }
          return AnalyticsRequests.window(request).put("steps", result);
        });
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
