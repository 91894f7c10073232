package io.eventgateway.store;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The day partitions of {@code events} (migration V13): creates those a batch needs before it is written (each day
 * once per process, so the steady state costs nothing), and drops the days that retention no longer keeps.
 */
final class EventPartitions {

  private static final String ENSURE = "SELECT ensure_event_partitions($1::date[])";
  private static final String DROP_BEFORE =
      "SELECT drop_event_partitions_before($1::date) AS dropped";

  private final Pool pool;
  /** Days whose partition exists; each instance belongs to one verticle, so to one event loop. */
  private final Set<LocalDate> ensured = new HashSet<>();

  EventPartitions(Pool pool) {
    this.pool = pool;
  }

  /** The UTC day the gateway stamped an event at ingest: the partition it is stored in. */
  static LocalDate ingestDay(java.time.OffsetDateTime receivedAt) {
    return receivedAt.atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
  }

  /** Makes sure every one of {@code days} has its partition. */
  Future<Void> ensure(Collection<LocalDate> days) {
    Set<LocalDate> missing = new TreeSet<>();
    for (LocalDate day : days) {
      if (!ensured.contains(day)) {
        missing.add(day);
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(ENSURE)
        .execute(Tuple.of(missing.toArray(LocalDate[]::new)))
        .onSuccess(done -> ensured.addAll(missing))
        .mapEmpty();
  }

  /** Drops every day before {@code firstKept}; returns the dropped partitions' names. */
  Future<List<String>> dropBefore(LocalDate firstKept) {
    return pool.preparedQuery(DROP_BEFORE).execute(Tuple.of(firstKept)).map(rows -> {
      List<String> dropped = new ArrayList<>();
      rows.forEach(row -> dropped.add(row.getString("dropped")));
      ensured.removeIf(day -> day.isBefore(firstKept));
      return dropped;
    });
  }

  /**
   * A row for a day whose partition another node's retention dropped after this process created it: forget what
   * was ensured, so that the write, tried again, creates it anew.
   */
  boolean forgetIfMissing(Throwable error) {
    if (error instanceof PgException pg
        && "23514".equals(pg.getSqlState())
        && pg.getMessage() != null
        && pg.getMessage().contains("no partition")) {
      ensured.clear();
      return true;
    }
    return false;
  }
}
