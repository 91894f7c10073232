package io.eventgateway.store;

import io.eventgateway.bus.PersistBatch;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The rollups of one event family, aggregated in the processor from events it has already decoded and written in
 * the writer's transaction, one row per key per batch: a new family's rollups are a class of its own and its
 * migration, not an edit of a shared statement. Only events the transaction newly stored are given, so a
 * redelivery, replay or resend never counts twice; each statement upserts in key order, so that writers sharing a
 * key never deadlock.
 */
interface Rollups {

  /** @param stored the newly stored events of every family, each once; this family's are picked out here */
  Future<Void> write(SqlConnection transaction, List<PersistBatch.Event> stored);

  /** When the event happened: its own time, or when the gateway received it. */
  static Instant at(PersistBatch.Event event) {
    return (event.eventTime() != null ? event.eventTime() : event.receivedAt()).toInstant();
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
