package io.eventgateway.analytics;

import java.util.StringJoiner;

/** The SQL of the analytics read API, over the rollups maintained with the raw rows and over the raw rows. */
final class AnalyticsQueries {

  // every query is one tenant's: $1 is always the tenant

  static final String USER = """
      SELECT first_seen, last_seen, events, purchases, revenue, implicit_sessions FROM user_stats
      WHERE tenant = $1 AND user_id = $2
      """;
  static final String USER_COUNTS =
      "SELECT event_type, count FROM user_event_counts WHERE tenant = $1 AND user_id = $2 ORDER BY event_type";
  static final String USER_SESSIONS =
      "SELECT count(*) AS sessions, count(ended_at) AS ended FROM user_sessions"
          + " WHERE tenant = $1 AND user_id = $2";

  /** $2 bucket (minute or hour), $3 from, $4 to, $5 event type or null for all. */
  static final String EVENT_COUNTS = """
      SELECT date_trunc($2, bucket) AS time, event_type, sum(count)::bigint AS count FROM event_counts_minute
      WHERE tenant = $1 AND bucket >= $3 AND bucket < $4 AND ($5::text IS NULL OR event_type = $5)
      GROUP BY 1, 2 ORDER BY 1, 2
      """;

  /** $2 from, $3 to, $4 limit. */
  static final String TOP_EVENTS = """
      SELECT event_type, sum(count)::bigint AS count FROM event_counts_minute
      WHERE tenant = $1 AND bucket >= $2 AND bucket < $3 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $4
      """;

  /**
   * Since start, per line, batch or product ($2: the one key, or null for all), in key order: $3 the last key of
   * the page before (or null), $4 the page size.
   */
  static String quality(String column) {
    return "SELECT " + column
        + " AS key, sum(inspections)::bigint AS inspections, sum(failed)::bigint AS failed,"
        + " sum(defects)::bigint AS defects, sum(dies_inspected)::bigint AS dies_inspected FROM quality_windows"
        + " WHERE tenant = $1 AND ($2::text IS NULL OR " + column
        + " = $2) AND ($3::text IS NULL OR " + column
        + " > $3) GROUP BY 1 ORDER BY 1 LIMIT $4";
  }

  /** One line's tumbling windows: $2 line, $3 from, $4 to. */
  static final String LINE_WINDOWS = """
      SELECT window_start AS key, sum(inspections)::bigint AS inspections, sum(failed)::bigint AS failed,
             sum(defects)::bigint AS defects, sum(dies_inspected)::bigint AS dies_inspected
      FROM quality_windows WHERE tenant = $1 AND line_id = $2 AND window_start >= $3 AND window_start < $4
      GROUP BY 1 ORDER BY 1
      """;

  /** $2 from, $3 to, $4 line or null, $5 limit. */
  static final String DEFECTS = """
      SELECT line_id, defect_class, severity, sum(count)::bigint AS count FROM defect_counts
      WHERE tenant = $1 AND window_start >= $2 AND window_start < $3 AND ($4::text IS NULL OR line_id = $4)
      GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3 LIMIT $5
      """;

  /** $2 equipment id, after ($3 time, $4 event id) of the page before or nulls, $5 page size. */
  static final String EQUIPMENT_TIMELINE = """
      SELECT COALESCE(event_time, received_at) AS at, event_id, data FROM events
      WHERE tenant = $1 AND event_type = 'chip.equipment.status_changed' AND data ->> 'equipment_id' = $2
        AND ($3::timestamptz IS NULL OR (COALESCE(event_time, received_at), event_id) > ($3, $4::text))
      ORDER BY 1, 2 LIMIT $5
      """;

  /** $2 state or null, $3 limit. */
  static final String ALERTS = """
      SELECT * FROM alerts WHERE tenant = $1 AND ($2::text IS NULL OR state = $2)
      ORDER BY raised_at DESC, id DESC LIMIT $3
      """;

  private static final String AT = "COALESCE(e.event_time, e.received_at)";

  private AnalyticsQueries() {}

  /**
   * Users reaching each step in order: step 1 in the window, each next step strictly after the user's first time
   * at the previous one, still within the window. Parameters: $1 tenant, $2 from, $3 to, then one event type per
   * step.
   */
  static String funnel(int steps) {
    StringBuilder sql =
        new StringBuilder("WITH s1 AS (SELECT e.data ->> 'user_id' AS u, min(" + AT + ") AS t"
            + " FROM events e WHERE e.tenant = $1 AND e.family = 'analytics' AND e.event_type = $4 AND "
            + AT + " >= $2"
            + " AND " + AT + " < $3 GROUP BY 1)");
    for (int step = 2; step <= steps; step++) {
      sql.append(", s")
          .append(step)
          .append(" AS (SELECT p.u, min(")
          .append(AT)
          .append(") AS t FROM s")
          .append(step - 1)
          .append(
              " p JOIN events e ON e.tenant = $1 AND e.family = 'analytics' AND e.event_type = $")
          .append(step + 3)
          .append(" AND e.data ->> 'user_id' = p.u AND ")
          .append(AT)
          .append(" > p.t AND ")
          .append(AT)
          .append(" < $3 GROUP BY p.u)");
    }
    StringJoiner counts = new StringJoiner(", ", " SELECT ", "");
    for (int step = 1; step <= steps; step++) {
      counts.add("(SELECT count(*) FROM s" + step + ") AS step" + step);
    }
    return sql.append(counts).toString();
  }
}
