package io.eventgateway.store;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.EnrichRequest;
import io.eventgateway.bus.EnrichRequestBatch;
import io.eventgateway.bus.Enrichment;
import io.eventgateway.bus.EnrichmentBatch;
import io.eventgateway.bus.EventKey;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.bus.PartitionPositions;
import io.eventgateway.bus.PersistBatch;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.PostgresConfig;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Owns the processing side's pool: stores each {@link PersistBatch} in one transaction, the consumer's positions
 * ({@link ConsumerPositions}), a multi-row insert and the rollups of each family ({@link Rollups}) from the rows it
 * newly inserted, and replies with the number of new rows ({@link Addresses#EVENTS_PERSIST}); answers the positions
 * of newly assigned partitions ({@link Addresses#POSITIONS_CLAIM}); stores enrichments ({@link
 * Addresses#ENRICHMENTS_PERSIST})
 * lists those awaiting the backfill ({@link Addresses#ENRICHMENTS_PENDING}) and finds
 * the LLM answers stored for a batch of molecules ({@link Addresses#ENRICHMENTS_STORED}).
 */
@ConfigSections({"postgres", "quality", "analytics"})
public class PgWriterVerticle extends VerticleBase {

  private final DistributionSummary batchSizes = DistributionSummary.builder(
          "gateway.pg.batch.size")
      .description("Events per batch written to PostgreSQL")
      .register(Metrics.globalRegistry);
  private final Timer writeLatency = Timer.builder("gateway.pg.write.latency")
      .description("Time to write one batch to PostgreSQL")
      .publishPercentiles(0.5, 0.95, 0.99)
      .register(Metrics.globalRegistry);
  private Pool pool;
  private EventPartitions partitions;
  /** Events newly stored, per tenant. */
  public static final String TENANT_STORED = "gateway.tenant.events.stored";

  private List<Rollups> rollups;

  @Override
  public Future<?> start() {
    pool = PgPools.node(vertx, PostgresConfig.in(config()));
    partitions = new EventPartitions(pool);
    rollups = List.of(
        new AnalyticsRollups(config().getJsonObject("analytics").getInteger("sessionGapSeconds")),
        new QualityRollups(config().getJsonObject("quality").getInteger("windowSeconds")),
        new EquipmentStatusRollups());
    vertx
        .eventBus()
        .<EnrichmentBatch>consumer(Addresses.ENRICHMENTS_PERSIST, this::persistEnrichments);
    vertx.eventBus().<Integer>consumer(Addresses.ENRICHMENTS_PENDING, this::pendingEnrichments);
    vertx.eventBus().<JsonArray>consumer(Addresses.ENRICHMENTS_STORED, this::storedAnswers);
    vertx
        .eventBus()
        .<PartitionPositions>consumer(
            Addresses.POSITIONS_CLAIM,
            message -> ConsumerPositions.claim(pool, message.body())
                .onSuccess(message::reply)
                .onFailure(error ->
                    message.fail(WriteFaults.failureCode(error), WriteFaults.describe(error))));
    return vertx
        .eventBus()
        .<PersistBatch>consumer(Addresses.EVENTS_PERSIST, this::persist)
        .completion();
  }

  private void persist(Message<PersistBatch> message) {
    PersistBatch batch = message.body();
    List<PersistBatch.Event> events = batch.events();
    Timer.Sample sample = Timer.start();
    Set<LocalDate> days = new HashSet<>();
    events.forEach(event -> days.add(EventPartitions.ingestDay(event.receivedAt())));
    boolean allNew = batch.advance() != null && noneInFirstHour(events);
    partitions
        .ensure(days)
        .compose(ready -> store(batch, allNew)
            .recover(error ->
                allNew && isDuplicateKey(error) ? store(batch, false) : Future.failedFuture(error)))
        .onSuccess(stored -> {
          sample.stop(writeLatency);
          batchSizes.record(events.size());
          countStored(stored);
          JsonArray inspectedLines = QualityRollups.inspectedLines(stored);
          if (!inspectedLines.isEmpty()) {
            vertx.eventBus().publish(Addresses.QUALITY_UPDATED, inspectedLines);
          }
          message.reply(stored.size());
        })
        .onFailure(error -> {
          // logged, masked, by the consumer that decides what follows
          message.fail(
              error instanceof ConsumerPositions.Moved
                  ? FailureCodes.CONFLICT
                  : partitions.forgetIfMissing(error)
                      ? FailureCodes.UNAVAILABLE
                      : WriteFaults.failureCode(error),
              WriteFaults.describe(error));
        });
  }

  /** Counts the newly stored events by tenant ({@code gateway.tenant.events.stored}): each tenant's own figure. */
  private static void countStored(List<PersistBatch.Event> stored) {
    Map<String, Long> perTenant = new HashMap<>();
    stored.forEach(event -> perTenant.merge(event.tenant(), 1L, Long::sum));
    perTenant.forEach(
        (tenant, count) -> Metrics.counter(TENANT_STORED, "tenant", tenant).increment(count));
  }

  /**
   * One transaction: the consumer's positions first, then the rows ({@code allNew}: a plain insert, which a
   * duplicate key fails; otherwise the deduplicating one), then each family's rollups of the rows newly stored.
   */
  private Future<List<PersistBatch.Event>> store(PersistBatch batch, boolean allNew) {
    return pool.withTransaction(transaction -> ConsumerPositions.advance(
            transaction, batch.advance())
        .compose(advanced -> insert(transaction, batch.events(), allNew))
        .compose(stored -> {
          Future<Void> written = Future.succeededFuture();
          for (Rollups family : rollups) {
            written = written.compose(previous -> family.write(transaction, stored));
          }
          return written.map(stored);
        }));
  }

  private static Future<List<PersistBatch.Event>> insert(
      SqlConnection transaction, List<PersistBatch.Event> events, boolean allNew) {
    if (events.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    if (allNew) {
      return transaction
          .preparedQuery(SqlQueries.INSERT_NEW_EVENTS)
          .execute(toColumns(events))
          .map(inserted -> events);
    }
    return transaction
        .preparedQuery(SqlQueries.INSERT_EVENTS)
        .execute(toColumns(events))
        .map(inserted -> newlyStored(events, inserted));
  }

  /** Whether no event arrived in the first hour of a UTC day, whose resends only the deduplicating insert catches. */
  private static boolean noneInFirstHour(List<PersistBatch.Event> events) {
    for (PersistBatch.Event event : events) {
      if (event.receivedAt().withOffsetSameInstant(ZoneOffset.UTC).getHour() == 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDuplicateKey(Throwable error) {
    return error instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  private void persistEnrichments(Message<EnrichmentBatch> message) {
    // one row per event: ON CONFLICT DO UPDATE may not touch a row twice in one statement
    Map<EventKey, Enrichment> best = new LinkedHashMap<>();
    for (Enrichment enrichment : message.body().enrichments()) {
      best.merge(
          enrichment.event(),
          enrichment,
          (kept, other) -> Enrichment.FALLBACK.equals(kept.source()) ? other : kept);
    }
    pool.preparedQuery(SqlQueries.UPSERT_ENRICHMENTS)
        .execute(EnrichmentColumns.of(best.values()))
        .onSuccess(rows -> message.reply(rows.rowCount()))
        .onFailure(error -> {
          message.fail(WriteFaults.failureCode(error), WriteFaults.describe(error));
        });
  }

  private void pendingEnrichments(Message<Integer> message) {
    pool.preparedQuery(SqlQueries.SELECT_FALLBACKS)
        .execute(Tuple.of(message.body()))
        .onSuccess(rows -> {
          List<EnrichRequest> requests = new ArrayList<>(rows.size());
          rows.forEach(row -> requests.add(EnrichRequest.ofMolecule(
              new EventKey(
                  row.getString("tenant"),
                  row.getString("event_source"),
                  row.getString("event_id")),
              row.getJsonObject("data"),
              true)));
          message.reply(new EnrichRequestBatch(requests));
        })
        .onFailure(error -> message.fail(FailureCodes.UNAVAILABLE, error.getMessage()));
  }

  private void storedAnswers(Message<JsonArray> message) {
    JsonArray keys = message.body();
    String[] tenants = new String[keys.size()];
    String[] smiles = new String[keys.size()];
    String[] inputHashes = new String[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      tenants[i] = keys.getJsonObject(i).getString("tenant");
      smiles[i] = keys.getJsonObject(i).getString("smiles");
      inputHashes[i] = keys.getJsonObject(i).getString("inputHash");
    }
    pool.preparedQuery(SqlQueries.SELECT_STORED_ANSWERS)
        .execute(Tuple.tuple()
            .addArrayOfString(smiles)
            .addArrayOfString(inputHashes)
            .addArrayOfString(tenants))
        .onSuccess(rows -> {
          JsonArray answers = new JsonArray();
          rows.forEach(row -> answers.add(new JsonObject()
              .put("tenant", row.getString("tenant"))
              .put("smiles", row.getString("smiles"))
              .put("inputHash", row.getString("input_hash"))
              .put(
                  "answer",
                  new JsonObject()
                      .put("properties", row.getJsonObject("properties"))
                      .put("rawAnswer", row.getString("raw_answer"))
                      .put("model", row.getString("model")))));
          message.reply(answers);
        })
        .onFailure(error -> message.fail(FailureCodes.UNAVAILABLE, error.getMessage()));
  }

  /** The events of the batch whose rows the insert returned (by Kafka position): each newly stored one, once. */
  private static List<PersistBatch.Event> newlyStored(
      List<PersistBatch.Event> events, RowSet<Row> inserted) {
    Set<String> positions = new HashSet<>();
    inserted.forEach(row -> positions.add(row.getString("topic") + "-"
        + row.getInteger("kafka_partition") + "@" + row.getLong("kafka_offset")));
    List<PersistBatch.Event> stored = new ArrayList<>(positions.size());
    for (PersistBatch.Event event : events) {
      if (positions.remove(event.topic() + "-" + event.partition() + "@" + event.offset())) {
        stored.add(event);
      }
    }
    return stored;
  }

  private static Tuple toColumns(List<PersistBatch.Event> events) {
    int n = events.size();
    String[] tenants = new String[n];
    String[] ids = new String[n];
    String[] types = new String[n];
    String[] families = new String[n];
    String[] sources = new String[n];
    String[] subjects = new String[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    String[] data = new String[n];
    Integer[] schemaIds = new Integer[n];
    String[] topics = new String[n];
    Integer[] partitions = new Integer[n];
    Long[] offsets = new Long[n];
    OffsetDateTime[] received = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      PersistBatch.Event e = events.get(i);
      tenants[i] = e.tenant();
      ids[i] = e.eventId();
      types[i] = e.eventType();
      families[i] = e.family();
      sources[i] = e.source();
      subjects[i] = e.subject();
      times[i] = e.eventTime();
      data[i] = e.dataJson();
      schemaIds[i] = e.schemaId();
      topics[i] = e.topic();
      partitions[i] = e.partition();
      offsets[i] = e.offset();
      received[i] = e.receivedAt();
    }
    return Tuple.of(
        ids,
        types,
        families,
        sources,
        subjects,
        times,
        data,
        schemaIds,
        topics,
        partitions,
        offsets,
        received,
        tenants);
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
