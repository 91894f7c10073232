package io.eventgateway.store;

import io.eventgateway.bus.FailureCodes;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;

/** What a failed read of the read pool ({@link PgPools#reads}) answers: busy, too long, or the store's outage. */
public final class ReadFailures {

  /** PostgreSQL's SQLSTATE for a statement cancelled, here by {@code statement_timeout}. */
  private static final String QUERY_CANCELED = "57014";

  private ReadFailures() {}

  /** The failure code of the bus reply: {@code 504} for a cancelled statement, else {@code 503}. */
  public static int code(Throwable error) {
    return error instanceof PgException pg && QUERY_CANCELED.equals(pg.getSqlState())
        ? FailureCodes.TIMEOUT
        : FailureCodes.UNAVAILABLE;
  }

  /** A message fit for the client: it names the bound, never a statement or a value. */
  public static String message(Throwable error) {
    if (error instanceof ConnectionPoolTooBusyException) {
      return "too many reads are waiting for the store on this node; retry after a second";
    }
    if (code(error) == FailureCodes.TIMEOUT) {
      return "the read ran longer than reads.statementTimeoutMs allows; ask for a shorter window or a smaller page";
    }
    return "the store behind this read is unavailable";
  }
}
