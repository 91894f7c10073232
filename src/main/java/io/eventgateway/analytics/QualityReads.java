package io.eventgateway.analytics;

import io.eventgateway.alerts.AlertJson;
import io.eventgateway.store.PgTimes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.Map;

/** The chip-quality reads of {@link AnalyticsQueryVerticle}: figures per line, batch or product, defects, equipment, alerts. */
final class QualityReads {

  private static final Map<String, String> QUALITY_COLUMNS =
      Map.of("line", "line_id", "batch", "batch_id", "product", "product_id");

  private final Pool pool;

  QualityReads(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> figures(JsonObject request) {
    String key = request.getString("key");
    boolean windows = request.getBoolean("windows", false);
    Future<RowSet<Row>> rows = windows
        ? pool.preparedQuery(AnalyticsQueries.LINE_WINDOWS)
            .execute(Tuple.of(
                request.getString("tenant"),
                key,
                AnalyticsRequests.time(request, "from"),
                AnalyticsRequests.time(request, "to")))
        : pool.preparedQuery(
                AnalyticsQueries.quality(QUALITY_COLUMNS.get(request.getString("dimension"))))
            .execute(Tuple.of(
                request.getString("tenant"),
                key,
                request.getString("after"),
                request.getInteger("limit")));
    return rows.compose(result -> {
      if (key != null && !windows && result.size() == 0) {
        return Future.failedFuture(new AnalyticsRequests.NotFound(
            "no inspections for " + request.getString("dimension") + " " + key));
      }
      JsonArray figures = new JsonArray();
      result.forEach(row -> figures.add(QualityFigures.of(row, windows)));
      JsonObject answer =
          new JsonObject().put("dimension", request.getString("dimension")).put("items", figures);
      if (windows) {
        return Future.succeededFuture(
            answer.mergeIn(AnalyticsRequests.window(request)).put("line", key));
      }
      // a full page may have a next one: its cursor is the last key
      boolean full = key == null && result.size() == request.getInteger("limit");
      return Future.succeededFuture(answer.put(
          "next", full ? figures.getJsonObject(figures.size() - 1).getString("id") : null));
    });
  }

  Future<JsonObject> defects(JsonObject request) {
    return pool.preparedQuery(AnalyticsQueries.DEFECTS)
        .execute(Tuple.of(
            request.getString("tenant"),
            AnalyticsRequests.time(request, "from"),
            AnalyticsRequests.time(request, "to"),
            request.getString("line"),
            request.getInteger("limit")))
        .map(rows -> {
          JsonArray defects = new JsonArray();
          rows.forEach(row -> defects.add(new JsonObject()
              .put("line", row.getString("line_id"))
              .put("defectClass", row.getString("defect_class"))
              .put("severity", row.getString("severity"))
              .put("count", row.getLong("count"))));
          return AnalyticsRequests.window(request)
              .put("line", request.getString("line"))
              .put("defects", defects);
        });
  }

  Future<JsonObject> equipment(JsonObject request) {
    String equipmentId = request.getString("equipmentId");
    String after = request.getString("after");
    TimelineCursor from = after == null ? null : TimelineCursor.decode(after);
    if (after != null && from == null) {
      return Future.failedFuture(new AnalyticsRequests.InvalidCursor());
    }
    int limit = request.getInteger("limit");
    return pool.preparedQuery(AnalyticsQueries.EQUIPMENT_TIMELINE)
        .execute(Tuple.of(
            request.getString("tenant"),
            equipmentId,
            from == null ? null : from.at(),
            from == null ? null : from.eventId(),
            limit))
        .compose(rows -> {
          if (rows.size() == 0 && from == null) {
            return Future.failedFuture(
                new AnalyticsRequests.NotFound("no status changes for equipment " + equipmentId));
          }
          JsonArray timeline = new JsonArray();
          TimelineCursor last = null;
          for (Row row : rows) {
            last = new TimelineCursor(row.getOffsetDateTime("at"), row.getString("event_id"));
            JsonObject data = row.getJsonObject("data");
            timeline.add(new JsonObject()
                .put("time", PgTimes.iso(row.getOffsetDateTime("at")))
                .put("line", data.getString("line_id"))
                .put("from", data.getString("previous_status"))
                .put("to", data.getString("status"))
                .put("reason", data.getString("reason")));
          }
          return Future.succeededFuture(new JsonObject()
              .put("equipmentId", equipmentId)
              .put("timeline", timeline)
              .put("next", rows.size() == limit ? last.encode() : null));
        });
  }

  Future<JsonObject> alerts(JsonObject request) {
    return pool.preparedQuery(AnalyticsQueries.ALERTS)
        .execute(Tuple.of(
            request.getString("tenant"), request.getString("state"), request.getInteger("limit")))
        .map(rows -> {
          JsonArray alerts = new JsonArray();
          rows.forEach(row -> alerts.add(AlertJson.of(row)));
          return new JsonObject().put("state", request.getString("state")).put("alerts", alerts);
        });
  }
}
