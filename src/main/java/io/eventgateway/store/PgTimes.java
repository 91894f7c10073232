package io.eventgateway.store;

import java.time.OffsetDateTime;

/** How the API writes PostgreSQL timestamps: ISO-8601 instants in UTC, {@code null} as null. */
public final class PgTimes {

  private PgTimes() {}

  public static String iso(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
