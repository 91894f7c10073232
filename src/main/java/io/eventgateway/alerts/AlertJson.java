package io.eventgateway.alerts;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/** An {@code alerts} row as the API and the alerts topic show it. */
public final class AlertJson {

  private AlertJson() {
  }

  public static JsonObject of(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("rule", row.getString("rule"))
        .put("scope", row.getString("scope"))
        .put("state", row.getString("state"))
        .put("value", row.getDouble("value"))
        .put("threshold", row.getDouble("threshold"))
        .put("windowStart", instant(row.getOffsetDateTime("window_start")))
        .put("details", row.getJsonObject("details"))
        .put("raisedAt", instant(row.getOffsetDateTime("raised_at")))
        .put("resolvedAt", instant(row.getOffsetDateTime("resolved_at")));
  }

  private static String instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
