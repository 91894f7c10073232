package io.eventgateway.alerts;

import io.eventgateway.store.PgTimes;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** An {@code alerts} row as the API and the alerts topic show it. */
public final class AlertJson {

  private AlertJson() {}

  public static JsonObject of(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("tenant", row.getString("tenant"))
        .put("rule", row.getString("rule"))
        .put("scope", row.getString("scope"))
        .put("state", row.getString("state"))
        .put("value", row.getDouble("value"))
        .put("threshold", row.getDouble("threshold"))
        .put("windowStart", PgTimes.iso(row.getOffsetDateTime("window_start")))
        .put("details", row.getJsonObject("details"))
        .put("raisedAt", PgTimes.iso(row.getOffsetDateTime("raised_at")))
        .put("resolvedAt", PgTimes.iso(row.getOffsetDateTime("resolved_at")));
  }
}
