package io.eventgateway.store;

import io.eventgateway.bus.Addresses;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.PostgresConfig;
import io.eventgateway.config.ReadsConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what became of events accepted asynchronously, past the node that accepted them ({@code accept_statuses}):
 * records {@code durable}, {@code failed} and {@code dead-lettered} ({@link Addresses#STATUS_RECORD}), answers an
 * event's status ({@link Addresses#STATUS_GET}: {@code stored} when it is in {@code events}, else what was
 * recorded), and every minute forgets what is older than {@code status.retentionSeconds} or beyond a tenant's newest
 * {@code status.maxPerTenant}.
 */
@ConfigSections({"postgres", "reads", "status"})
public class AcceptStatusVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AcceptStatusVerticle.class);
  private static final long EXPIRE_INTERVAL_MS = 60_000;
  /** Ranking every row is the costly part: seldom. */
  private static final long TRIM_INTERVAL_MS = 600_000;

  private static final List<String> PRECEDENCE = List.of("failed", "durable", "dead-lettered");

  /** A later status never undoes a stronger one: dead-lettered over durable over failed. */
  private static final String RECORD = """
      INSERT INTO accept_statuses AS s
             (tenant, source, event_id, status, topic, kafka_partition, kafka_offset, reason)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[],
                           $7::bigint[], $8::text[])
      ON CONFLICT (tenant, source, event_id) DO UPDATE
         SET status = excluded.status, topic = excluded.topic, kafka_partition = excluded.kafka_partition,
             kafka_offset = excluded.kafka_offset, reason = excluded.reason, updated_at = clock_timestamp()
       WHERE array_position(ARRAY['failed', 'durable', 'dead-lettered'], excluded.status)
          >= array_position(ARRAY['failed', 'durable', 'dead-lettered'], s.status)
      """;

  private static final String STORED = """
      SELECT topic, kafka_partition, kafka_offset FROM events
       WHERE tenant = $1 AND event_id = $2 AND source = $3 LIMIT 1
      """;

  private static final String RECORDED = """
      SELECT status, topic, kafka_partition, kafka_offset, reason, updated_at FROM accept_statuses
       WHERE tenant = $1 AND event_id = $2 AND source = $3
      """;

  /** A bounded batch at a time, by the age index: never one long delete beside the writer. */
  private static final String EXPIRE = """
      DELETE FROM accept_statuses WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM accept_statuses
         WHERE updated_at < clock_timestamp() - make_interval(secs => $1) LIMIT 10000))
      """;

  /** Each tenant's rows beyond its newest {@code $1}. */
  private static final String TRIM = """
      DELETE FROM accept_statuses s USING (
        SELECT tenant, source, event_id FROM (
          SELECT tenant, source, event_id,
                 row_number() OVER (PARTITION BY tenant ORDER BY updated_at DESC) AS newest
            FROM accept_statuses) ranked
         WHERE newest > $1) old
       WHERE s.tenant = old.tenant AND s.source = old.source AND s.event_id = old.event_id
      """;

  private Pool writes;
  private Pool reads;

  @Override
  public Future<?> start() {
    PostgresConfig postgres = PostgresConfig.in(config());
    writes = PgPools.node(vertx, postgres);
    reads = PgPools.reads(vertx, postgres, ReadsConfig.in(config()));
    JsonObject status = config().getJsonObject("status");
    long retentionSeconds = status.getLong("retentionSeconds");
    int maxPerTenant = status.getInteger("maxPerTenant");
    vertx.setPeriodic(
        TRIM_INTERVAL_MS,
        tick -> writes
            .preparedQuery(EXPIRE)
            .execute(Tuple.of(retentionSeconds))
            .compose(expired -> writes.preparedQuery(TRIM).execute(Tuple.of(maxPerTenant)))
            .onFailure(
                error -> LOG.warn("Trimming accept statuses failed: {}", error.getMessage())));
    vertx.eventBus().<JsonObject>consumer(Addresses.STATUS_GET, this::get);
    return vertx
        .eventBus()
        .<JsonObject>consumer(Addresses.STATUS_RECORD, this::record)
        .completion();
  }

  private void record(Message<JsonObject> message) {
    // one row per event: an upsert may not meet the same key twice
    Map<String, JsonObject> strongest = new LinkedHashMap<>();
    for (Object entry : message.body().getJsonArray("statuses")) {
      JsonObject status = (JsonObject) entry;
      strongest.merge(
          new JsonArray()
              .add(status.getString("tenant"))
              .add(status.getString("source"))
              .add(status.getString("id"))
              .encode(),
          status,
          (before, later) -> PRECEDENCE.indexOf(later.getString("status"))
                  >= PRECEDENCE.indexOf(before.getString("status"))
              ? later
              : before);
    }
    List<List<Object>> columns = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      columns.add(new ArrayList<>(strongest.size()));
    }
    for (JsonObject status : strongest.values()) {
      columns.get(0).add(status.getString("tenant"));
      columns.get(1).add(status.getString("source"));
      columns.get(2).add(status.getString("id"));
      columns.get(3).add(status.getString("status"));
      columns.get(4).add(status.getString("topic"));
      columns.get(5).add(status.getInteger("partition"));
      columns.get(6).add(status.getLong("offset"));
      columns.get(7).add(status.getString("reason"));
    }
    Tuple arrays = Tuple.tuple();
    arrays.addArrayOfString(columns.get(0).toArray(String[]::new));
    arrays.addArrayOfString(columns.get(1).toArray(String[]::new));
    arrays.addArrayOfString(columns.get(2).toArray(String[]::new));
    arrays.addArrayOfString(columns.get(3).toArray(String[]::new));
    arrays.addArrayOfString(columns.get(4).toArray(String[]::new));
    arrays.addArrayOfInteger(columns.get(5).toArray(Integer[]::new));
    arrays.addArrayOfLong(columns.get(6).toArray(Long[]::new));
    arrays.addArrayOfString(columns.get(7).toArray(String[]::new));
    writes
        .preparedQuery(RECORD)
        .execute(arrays)
        .onSuccess(recorded -> message.reply(recorded.rowCount()))
        .onFailure(error -> message.fail(ReadFailures.code(error), error.getMessage()));
  }

  private void get(Message<JsonObject> message) {
    JsonObject key = message.body();
    Tuple identity =
        Tuple.of(key.getString("tenant"), key.getString("id"), key.getString("source"));
    reads
        .preparedQuery(STORED)
        .execute(identity)
        .compose(stored -> stored.size() > 0
            ? Future.succeededFuture(status("stored", stored.iterator().next()))
            : reads
                .preparedQuery(RECORDED)
                .execute(identity)
                .map(recorded ->
                    recorded.size() == 0 ? null : recorded(recorded.iterator().next())))
        .onSuccess(found -> message.reply(new JsonObject().put("status", found)))
        .onFailure(error -> message.fail(ReadFailures.code(error), ReadFailures.message(error)));
  }

  private static JsonObject status(String status, Row row) {
    return new JsonObject()
        .put("status", status)
        .put("topic", row.getString("topic"))
        .put("partition", row.getInteger("kafka_partition"))
        .put("offset", row.getLong("kafka_offset"));
  }

  private static JsonObject recorded(Row row) {
    JsonObject status = status(row.getString("status"), row);
    String reason = row.getString("reason");
    return reason == null ? status : status.put("reason", reason);
  }
}
