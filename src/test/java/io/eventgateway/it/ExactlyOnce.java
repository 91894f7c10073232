package io.eventgateway.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;

/**
 * Holds a {@link Ledger} against PostgreSQL: every acknowledged identity has exactly one row (over every day
 * partition), no refused identity has one, an unknown one has at most one, no row of the run is one the ledger never
 * sent, and the per-user rollups count what the ledger says they must: the acknowledged analytics events of each
 * user, and the unknown ones that were stored. Counts rows and distinct identities apart, so that a duplicate never
 * hides a loss.
 */
final class ExactlyOnce {

  private static final int EXAMPLES = 10;

  private ExactlyOnce() {}

  /** How many of something went wrong, with up to ten examples. */
  record Finding(long count, List<String> examples) {

    private static Finding of(List<String> all) {
      return new Finding(all.size(), List.copyOf(all.subList(0, Math.min(EXAMPLES, all.size()))));
    }

    @Override
    public String toString() {
      return count == 0 ? "0" : count + " " + examples;
    }
  }

  /**
   * What the store holds of a ledger.
   *
   * @param rows the rows stored for the run's ids, duplicates included
   * @param lost acknowledged identities without a row
   * @param duplicated identities with more than one row
   * @param unexpected rows of refused identities, or of identities the ledger never sent
   * @param rollups users whose rollup counts differ from what the ledger says
   */
  record Report(
      long sent,
      long acknowledged,
      long refused,
      long unknown,
      long rows,
      Finding lost,
      Finding duplicated,
      Finding unexpected,
      Finding rollups) {

    boolean exact() {
      return lost.count() == 0
          && duplicated.count() == 0
          && unexpected.count() == 0
          && rollups.count() == 0;
    }

    @Override
    public String toString() {
      return String.format(
          "sent=%d acknowledged=%d refused=%d unknown=%d stored=%d lost=%s duplicated=%s unexpected=%s rollups=%s",
          sent, acknowledged, refused, unknown, rows, lost, duplicated, unexpected, rollups);
    }
  }

  /** Compares {@code ledger}, whose every id starts with {@code idPrefix}, with what the store holds now. */
  static Report check(Connection connection, Ledger ledger, String idPrefix) throws SQLException {
    Map<String, Long> rowsByIdentity = rowsByIdentity(connection, idPrefix);
    List<String> lost = new ArrayList<>();
    List<String> duplicated = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    Map<String, Long> expectedPerUser = new TreeMap<>();
    Set<String> sent = new HashSet<>();
    for (Ledger.Entry entry : ledger.entries()) {
      sent.add(entry.identity());
      long rows = rowsByIdentity.getOrDefault(entry.identity(), 0L);
      Ledger.Outcome outcome = ledger.outcome(entry);
      if (rows > 1) {
        duplicated.add(entry.identity() + " x" + rows);
      }
      if (outcome == Ledger.Outcome.ACKNOWLEDGED && rows == 0) {
        lost.add(entry.identity());
      }
      if (outcome == Ledger.Outcome.REFUSED && rows > 0) {
        unexpected.add(entry.identity() + " (refused)");
      }
      boolean counted =
          outcome == Ledger.Outcome.ACKNOWLEDGED || (outcome != Ledger.Outcome.REFUSED && rows > 0);
      if (counted && entry.userId() != null) {
        expectedPerUser.merge(entry.tenant() + "|" + entry.userId(), 1L, Long::sum);
      }
    }
    rowsByIdentity.keySet().stream()
        .filter(identity -> !sent.contains(identity))
        .forEach(identity -> unexpected.add(identity + " (never sent)"));
    return new Report(
        ledger.sent(),
        ledger.count(Ledger.Outcome.ACKNOWLEDGED),
        ledger.count(Ledger.Outcome.REFUSED),
        ledger.count(Ledger.Outcome.UNKNOWN) + ledger.unanswered(),
        rowsByIdentity.values().stream().mapToLong(Long::longValue).sum(),
        Finding.of(lost),
        Finding.of(duplicated),
        Finding.of(unexpected),
        Finding.of(rollupMismatches(connection, idPrefix, expectedPerUser)));
  }

  /** Waits until nothing acknowledged is missing (the processor caught up), then asserts the whole report. */
  static Report awaitExactlyOnce(
      Connection connection, Ledger ledger, String idPrefix, Duration atMost) throws SQLException {
    try {
      Awaitility.await()
          .atMost(atMost)
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> check(connection, ledger, idPrefix).lost().count() == 0);
    } catch (org.awaitility.core.ConditionTimeoutException timeout) {
      // the assertion below names the lost identities; where the processing group stands says why
      Report report = check(connection, ledger, idPrefix);
      Assertions.fail("not caught up after " + atMost + ": " + report + "; positions "
          + storedPositions(connection));
    }
    Report report = check(connection, ledger, idPrefix);
    Assertions.assertThat(report.exact()).as(report.toString()).isTrue();
    return report;
  }

  private static List<String> storedPositions(Connection connection) throws SQLException {
    List<String> positions = new ArrayList<>();
    try (var statement = connection.createStatement();
        var rows = statement.executeQuery(
            "SELECT topic, kafka_partition, next_offset FROM consumer_positions ORDER BY 1, 2")) {
      while (rows.next()) {
        positions.add(rows.getString(1) + "-" + rows.getInt(2) + "@" + rows.getLong(3));
      }
    }
    return positions;
  }

  private static Map<String, Long> rowsByIdentity(Connection connection, String idPrefix)
      throws SQLException {
    Map<String, Long> rows = new HashMap<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT tenant, source, event_id, count(*) FROM events WHERE event_id LIKE ?"
            + " GROUP BY tenant, source, event_id")) {
      query.setString(1, idPrefix + "%");
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          rows.put(
              result.getString(1) + "|" + result.getString(2) + "|" + result.getString(3),
              result.getLong(4));
        }
      }
    }
    return rows;
  }

  private static List<String> rollupMismatches(
      Connection connection, String idPrefix, Map<String, Long> expectedPerUser)
      throws SQLException {
    Map<String, Long> counted = new TreeMap<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT tenant, user_id, events FROM user_stats WHERE user_id LIKE ?")) {
      query.setString(1, idPrefix + "%");
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          counted.put(result.getString(1) + "|" + result.getString(2), result.getLong(3));
        }
      }
    }
    List<String> mismatches = new ArrayList<>();
    Set<String> users = new HashSet<>(expectedPerUser.keySet());
    users.addAll(counted.keySet());
    users.stream().sorted().forEach(user -> {
      long expected = expectedPerUser.getOrDefault(user, 0L);
      long actual = counted.getOrDefault(user, 0L);
      if (expected != actual) {
        mismatches.add(user + " counted " + actual + ", sent and stored " + expected);
      }
    });
    return mismatches;
  }
}
