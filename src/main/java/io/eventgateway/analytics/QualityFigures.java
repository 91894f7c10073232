package io.eventgateway.analytics;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** One row of inspection sums as the quality API shows it, with the rates derived from them. */
final class QualityFigures {

  private QualityFigures() {}

  /** @param windowed the key is a window start, not a line, batch or product id */
  static JsonObject of(Row row, boolean windowed) {
    long inspections = row.getLong("inspections");
    long failed = row.getLong("failed");
    long dies = row.getLong("dies_inspected");
    double defectRate = inspections == 0 ? 0 : (double) failed / inspections;
    JsonObject figures = new JsonObject();
    if (windowed) {
      figures.put("windowStart", row.getOffsetDateTime("key").toInstant().toString());
    } else {
      figures.put("id", row.getString("key"));
    }
    return figures
        .put("inspections", inspections)
        .put("failed", failed)
        .put("defectRate", defectRate)
        .put("yield", 1 - defectRate)
        .put("defects", row.getLong("defects"))
        .put("diesInspected", dies)
        .put("defectsPerDie", dies == 0 ? 0 : (double) row.getLong("defects") / dies);
  }
}
