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
import java.util.function.Function;

/**
 * Answers from the node's read pool ({@link PgPools#reads}): a tenant's stored events by id ({@link Addresses#EVENTS_GET}), molecule events with their
 * enrichment ({@link Addresses#MOLECULES_GET}).
 */
@ConfigSections({"postgres", "reads"})
public class EventQueryVerticle extends VerticleBase {

  /** How many sources' events with one id a read returns at most: enough to list them, bounded all the same. */
  private static final int MAX_SOURCES_PER_ID = 20;

  private Pool pool;

  @Override
  public Future<?> start() {
    pool = PgPools.reads(vertx, PostgresConfig.in(config()), ReadsConfig.in(config()));
    vertx.eventBus().<JsonObject>consumer(Addresses.MOLECULES_GET, this::molecule);
    return vertx
        .eventBus()
        .<JsonObject>consumer(Addresses.EVENTS_GET, this::get)
        .completion();
  }

  private void get(Message<JsonObject> message) {
    replyWithRows(message, SqlQueries.SELECT_EVENT, EventQueryVerticle::toJson);
  }

  private void molecule(Message<JsonObject> message) {
    replyWithRows(
        message, SqlQueries.SELECT_MOLECULE, row -> toJson(row).put("enrichment", enrichment(row)));
  }

  /** Replies with every row of the tenant's events with that id (one per source, a bounded few). */
  private void replyWithRows(
      Message<JsonObject> message, String sql, Function<Row, JsonObject> toJson) {
    pool.preparedQuery(sql)
        .execute(Tuple.of(
            message.body().getString("tenant"), message.body().getString("id"), MAX_SOURCES_PER_ID))
        .onSuccess(rows -> {
          JsonArray events = new JsonArray();
          rows.forEach(row -> events.add(toJson.apply(row)));
          message.reply(new JsonObject().put("events", events));
        })
        .onFailure(error -> message.fail(ReadFailures.code(error), ReadFailures.message(error)));
  }

  /** The enrichment part of a molecule row; {@code status: pending} until the enrichment consumer stored it. */
  private static JsonObject enrichment(Row row) {
    String source = row.getString("enrichment_source");
    if (source == null) {
      return new JsonObject().put("status", "pending");
    }
    return new JsonObject()
        .put("status", "enriched")
        .put("source", source)
        .put("model", row.getString("model"))
        .put("latencyMs", row.getLong("latency_ms"))
        .put("canonicalSmiles", row.getString("canonical_smiles"))
        .put("properties", row.getJsonObject("properties"))
        .put("computed", row.getJsonObject("computed"))
        .put("llmMismatch", row.getBoolean("llm_mismatch"))
        .put("mismatchDetail", row.getString("mismatch_detail"))
        .put("error", row.getString("error"))
        .put("promptNotesChars", row.getInteger("prompt_notes_chars"))
        .put("attempts", row.getInteger("attempts"))
        .put("enrichedAt", PgTimes.iso(row.getOffsetDateTime("enriched_at")))
        .put("rawAnswer", row.getString("raw_answer"));
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject()
        .put("tenant", row.getString("tenant"))
        .put("id", row.getString("event_id"))
        .put("type", row.getString("event_type"))
        .put("family", row.getString("family"))
        .put("source", row.getString("source"))
        .put("subject", row.getString("subject"))
        .put("time", PgTimes.iso(row.getOffsetDateTime("event_time")))
        .put("data", row.getJsonObject("data"))
        .put("schemaId", row.getInteger("schema_id"))
        .put("topic", row.getString("topic"))
        .put("partition", row.getInteger("kafka_partition"))
        .put("offset", row.getLong("kafka_offset"))
        .put("receivedAt", PgTimes.iso(row.getOffsetDateTime("received_at")))
        .put("storedAt", PgTimes.iso(row.getOffsetDateTime("stored_at")));
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
