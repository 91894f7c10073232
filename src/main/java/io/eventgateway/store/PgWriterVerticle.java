package io.eventgateway.store;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.bus.PersistBatch;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the write pool: stores each {@link PersistBatch} with one multi-row insert and replies with the number of
 * new rows. Consumes {@link Addresses#EVENTS_PERSIST}.
 */
public class PgWriterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PgWriterVerticle.class);

  private final DistributionSummary batchSizes = DistributionSummary.builder("gateway.pg.batch.size")
      .description("Events per batch written to PostgreSQL").register(Metrics.globalRegistry);
  private final Timer writeLatency = Timer.builder("gateway.pg.write.latency")
      .description("Time to write one batch to PostgreSQL").publishPercentiles(0.5, 0.95, 0.99)
      .register(Metrics.globalRegistry);
  private Pool pool;

  @Override
  public Future<?> start() {
    JsonObject postgres = config().getJsonObject("postgres");
    pool = PgPools.shared(vertx, postgres, "gateway-pg-writer", postgres.getInteger("poolSize"));
    return vertx.eventBus().<PersistBatch>consumer(Addresses.EVENTS_PERSIST, this::persist).completion();
  }

  private void persist(Message<PersistBatch> message) {
    List<PersistBatch.Event> events = message.body().events();
    Timer.Sample sample = Timer.start();
    pool.preparedQuery(SqlQueries.INSERT_EVENTS).execute(toColumns(events))
        .onSuccess(rows -> {
          sample.stop(writeLatency);
          batchSizes.record(events.size());
          message.reply(rows.rowCount());
        })
        .onFailure(error -> {
          LOG.warn("Writing a batch of {} events failed: {}", events.size(), error.getMessage());
          message.fail(isDataError(error) ? FailureCodes.INVALID : FailureCodes.UNAVAILABLE, error.getMessage());
        });
  }

  /** SQLSTATE class 22 (data exception) cannot be fixed by retrying; anything else may be. */
  private static boolean isDataError(Throwable error) {
    return error instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22");
  }

  private static Tuple toColumns(List<PersistBatch.Event> events) {
    int n = events.size();
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
    return Tuple.of(ids, types, families, sources, subjects, times, data, schemaIds, topics, partitions, offsets, received);
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
