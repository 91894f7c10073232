package io.eventgateway.store;

import io.eventgateway.bus.FailureCodes;
import io.vertx.pgclient.PgException;
import java.util.Set;

/**
 * Whose fault a failed write is, decided once from PostgreSQL's SQLSTATE class and carried on the bus as a failure
 * code: the rows' ({@link FailureCodes#INVALID}: writing them again fails again, so they are dead-lettered), the
 * database's ({@link FailureCodes#UNAVAILABLE}: waited for, however long), or unknown ({@link
 * FailureCodes#INTERNAL}: tried a bounded number of times, then counted as the rows').
 */
final class WriteFaults {

  /**
   * Caused by a row: data exceptions (22: bad input, NUL, out of range), integrity constraints (23), a row touched
   * twice by one statement (21) and program limits (54: an index entry over a B-tree page's third).
   */
  private static final Set<String> RECORD_CLASSES = Set.of("21", "22", "23", "54");

  /**
   * Caused by the database: connection (08), rollback for serialization or deadlock (40), insufficient resources
   * (53), operator intervention (57: shutdown, cancelled, timed out), object state (55: lock not available),
   * a read-only transaction after a failover (25), the system (58).
   */
  private static final Set<String> DATABASE_CLASSES =
      Set.of("08", "25", "40", "53", "55", "57", "58");

  private WriteFaults() {}

  /**
   * The failure code for {@code error}. An error without a SQLSTATE never reached the server's checks of the rows
   * (no connection, pool timeout): the database's.
   */
  static int failureCode(Throwable error) {
    if (!(error instanceof PgException pg) || pg.getSqlState() == null) {
      return FailureCodes.UNAVAILABLE;
    }
    String sqlClass = pg.getSqlState().substring(0, Math.min(2, pg.getSqlState().length()));
    if (RECORD_CLASSES.contains(sqlClass)) {
      return FailureCodes.INVALID;
    }
    return DATABASE_CLASSES.contains(sqlClass) ? FailureCodes.UNAVAILABLE : FailureCodes.INTERNAL;
  }

  /**
   * {@code error} as a failure message, which dead letters keep: the SQLSTATE and the server's message without its
   * detail (which repeats the key's values). The message may still quote a value: logs mask it.
   */
  static String describe(Throwable error) {
    if (error instanceof PgException pg && pg.getSqlState() != null) {
      return "SQLSTATE " + pg.getSqlState() + ": " + pg.getErrorMessage();
    }
    return String.valueOf(error.getMessage());
  }
}
