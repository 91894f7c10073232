package io.eventgateway.store;

import io.eventgateway.bus.PersistBatch;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each equipment's latest status ({@code equipment_status}) from the {@code chip.equipment.status_changed} events
 * of the {@code chip_quality} family: the latest event time wins, whatever order the events are stored in, so a
 * late or replayed change never overwrites a newer one.
 */
final class EquipmentStatusRollups implements Rollups {

  private static final String UPSERT = """
      INSERT INTO equipment_status AS e (tenant, equipment_id, line_id, status, since)
      SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) ORDER BY 1, 2
      ON CONFLICT (tenant, equipment_id) DO UPDATE SET
          line_id = EXCLUDED.line_id, status = EXCLUDED.status, since = EXCLUDED.since,
          changed_at = clock_timestamp()
      WHERE EXCLUDED.since >= e.since
      """;

  private static final String STATUS_CHANGED = "chip.equipment.status_changed";

  private record Key(String tenant, String equipment) {}

  private record Latest(String line, String status, Instant since) {}

  @Override
  public Future<Void> write(SqlConnection transaction, List<PersistBatch.Event> stored) {
    Map<Key, Latest> latest = new LinkedHashMap<>();
    for (PersistBatch.Event event : stored) {
      if (!STATUS_CHANGED.equals(event.eventType())) {
        continue;
      }
      JsonObject data = new JsonObject(event.dataJson());
      String equipment = data.getString("equipment_id");
      String status = data.getString("status");
      if (equipment == null || status == null) {
        continue;
      }
      Latest change = new Latest(data.getString("line_id"), status, Rollups.at(event));
      latest.merge(
          new Key(event.tenant(), equipment),
          change,
          (before, after) -> after.since().isBefore(before.since()) ? before : after);
    }
    if (latest.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> tenants = new ArrayList<>();
    List<String> equipment = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    List<String> statuses = new ArrayList<>();
    List<OffsetDateTime> since = new ArrayList<>();
    latest.forEach((key, change) -> {
      tenants.add(key.tenant());
      equipment.add(key.equipment());
      lines.add(change.line());
      statuses.add(change.status());
      since.add(Rollups.utc(change.since()));
    });
    return transaction
        .preparedQuery(UPSERT)
        .execute(Tuple.tuple()
            .addArrayOfString(tenants.toArray(String[]::new))
            .addArrayOfString(equipment.toArray(String[]::new))
            .addArrayOfString(lines.toArray(String[]::new))
            .addArrayOfString(statuses.toArray(String[]::new))
            .addArrayOfOffsetDateTime(since.toArray(OffsetDateTime[]::new)))
        .mapEmpty();
  }
}
