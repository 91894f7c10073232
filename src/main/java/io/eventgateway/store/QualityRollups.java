package io.eventgateway.store;

import io.eventgateway.bus.PersistBatch;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chip-quality rollups of the {@code chip_quality} family per tumbling window of {@code quality.windowSeconds}:
 * completed inspections, failed ones, defects and dies inspected per line, batch and product
 * ({@code quality_windows}); detected defects per line, class and severity ({@code defect_counts}).
 */
final class QualityRollups implements Rollups {

  private static final String UPSERT = """
      WITH inspections AS (
        INSERT INTO quality_windows AS q (tenant, window_start, line_id, batch_id, product_id, inspections, failed,
                                          defects, dies_inspected)
        SELECT * FROM UNNEST($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::bigint[],
                             $7::bigint[], $8::bigint[], $9::bigint[]) ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (tenant, window_start, line_id, batch_id, product_id) DO UPDATE SET
            inspections = q.inspections + EXCLUDED.inspections, failed = q.failed + EXCLUDED.failed,
            defects = q.defects + EXCLUDED.defects, dies_inspected = q.dies_inspected + EXCLUDED.dies_inspected
      )
      INSERT INTO defect_counts AS d (tenant, window_start, line_id, defect_class, severity, count)
      SELECT * FROM UNNEST($10::text[], $11::timestamptz[], $12::text[], $13::text[], $14::text[], $15::bigint[])
      ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT (tenant, window_start, line_id, defect_class, severity) DO UPDATE SET count = d.count + EXCLUDED.count
      """;

  private static final String FAMILY = "chip_quality";
  private static final String COMPLETED = "chip.inspection.completed";
  private static final String DEFECT = "chip.inspection.defect_detected";

  private final long windowSeconds;

  QualityRollups(int windowSeconds) {
    this.windowSeconds = windowSeconds;
  }

  private record WindowKey(
      String tenant, Instant window, String line, String batch, String product) {}

  private record DefectKey(
      String tenant, Instant window, String line, String defectClass, String severity) {}

  /** One window's inspections: count, failed, defects, dies inspected. */
  private static final class Inspections {
    private final long[] sums = new long[4];
  }

  @Override
  public Future<Void> write(SqlConnection transaction, List<PersistBatch.Event> stored) {
    Map<WindowKey, Inspections> windows = new LinkedHashMap<>();
    Map<DefectKey, Long> defects = new LinkedHashMap<>();
    for (PersistBatch.Event event : stored) {
      boolean completed = COMPLETED.equals(event.eventType());
      if (!FAMILY.equals(event.family()) || !(completed || DEFECT.equals(event.eventType()))) {
        continue;
      }
      JsonObject data = new JsonObject(event.dataJson());
      Instant window = window(Rollups.at(event));
      if (completed) {
        long[] sums = windows.computeIfAbsent(
                new WindowKey(
                    event.tenant(),
                    window,
                    data.getString("line_id"),
                    data.getString("batch_id"),
                    data.getString("product_id")),
                key -> new Inspections())
            .sums;
        sums[0]++;
        sums[1] += "FAIL".equals(data.getString("result")) ? 1 : 0;
        sums[2] += data.getLong("defect_count", 0L);
        sums[3] += data.getLong("dies_inspected", 0L);
      } else {
        defects.merge(
            new DefectKey(
                event.tenant(),
                window,
                data.getString("line_id"),
                data.getString("defect_class"),
                data.getString("severity")),
            1L,
            Long::sum);
      }
    }
    if (windows.isEmpty() && defects.isEmpty()) {
      return Future.succeededFuture();
    }
    return transaction.preparedQuery(UPSERT).execute(columns(windows, defects)).mapEmpty();
  }

  /** The (tenant, line) pairs whose inspection figures {@code stored} changed, for the alert rules. */
  static JsonArray inspectedLines(List<PersistBatch.Event> stored) {
    Set<JsonObject> lines = new LinkedHashSet<>();
    for (PersistBatch.Event event : stored) {
      if (COMPLETED.equals(event.eventType())) {
        lines.add(new JsonObject()
            .put("tenant", event.tenant())
            .put("line", new JsonObject(event.dataJson()).getString("line_id")));
      }
    }
    return new JsonArray(new ArrayList<>(lines));
  }

  /** The start of the tumbling window {@code at} falls in (windows from the epoch). */
  private Instant window(Instant at) {
    return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), windowSeconds) * windowSeconds);
  }

  private static Tuple columns(Map<WindowKey, Inspections> windows, Map<DefectKey, Long> defects) {
    int n = windows.size();
    String[] tenants = new String[n];
    OffsetDateTime[] starts = new OffsetDateTime[n];
    String[] lines = new String[n];
    String[] batches = new String[n];
    String[] products = new String[n];
    Long[][] sums = new Long[4][n];
    int i = 0;
    for (Map.Entry<WindowKey, Inspections> entry : windows.entrySet()) {
      WindowKey key = entry.getKey();
      tenants[i] = key.tenant();
      starts[i] = Rollups.utc(key.window());
      lines[i] = key.line();
      batches[i] = key.batch();
      products[i] = key.product();
      for (int sum = 0; sum < 4; sum++) {
        sums[sum][i] = entry.getValue().sums[sum];
      }
      i++;
    }
    int m = defects.size();
    String[] defectTenants = new String[m];
    OffsetDateTime[] defectStarts = new OffsetDateTime[m];
    String[] defectLines = new String[m];
    String[] classes = new String[m];
    String[] severities = new String[m];
    int j = 0;
    for (DefectKey key : defects.keySet()) {
      defectTenants[j] = key.tenant();
      defectStarts[j] = Rollups.utc(key.window());
      defectLines[j] = key.line();
      classes[j] = key.defectClass();
      severities[j] = key.severity();
      j++;
    }
    return Tuple.tuple()
        .addArrayOfString(tenants)
        .addArrayOfOffsetDateTime(starts)
        .addArrayOfString(lines)
        .addArrayOfString(batches)
        .addArrayOfString(products)
        .addArrayOfLong(sums[0])
        .addArrayOfLong(sums[1])
        .addArrayOfLong(sums[2])
        .addArrayOfLong(sums[3])
        .addArrayOfString(defectTenants)
        .addArrayOfOffsetDateTime(defectStarts)
        .addArrayOfString(defectLines)
        .addArrayOfString(classes)
        .addArrayOfString(severities)
        .addArrayOfLong(defects.values().toArray(Long[]::new));
  }
}
