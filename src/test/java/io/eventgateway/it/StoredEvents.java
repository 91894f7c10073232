package io.eventgateway.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;

/** Reads the {@code events} table directly over JDBC, to check what the gateway stored. */
final class StoredEvents {

  private StoredEvents() {}

  static long count(GatewayInstance gateway) {
    return query(gateway, "SELECT count(*) FROM events", null);
  }

  /** How many rows the given ids have in all (one per tenant and source that used the id). */
  static long countOf(GatewayInstance gateway, Collection<String> ids) {
    return query(
        gateway,
        "SELECT count(*) FROM events WHERE event_id = ANY (?)",
        ids.toArray(String[]::new));
  }

  /** {@link #countOf} on a connection of the caller's. */
  static long countIn(Connection connection, Collection<String> ids) throws SQLException {
    return query(
        connection,
        "SELECT count(*) FROM events WHERE event_id = ANY (?)",
        ids.toArray(String[]::new));
  }

  /** Waits until each of {@code ids} has its row, then asserts exactly one each. */
  static void assertStoredOnce(GatewayInstance gateway, List<String> ids) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> countOf(gateway, ids) >= ids.size());
    try (Connection connection = gateway.database();
        PreparedStatement statement = connection.prepareStatement(
            "SELECT count(*), count(DISTINCT event_id) FROM events WHERE event_id = ANY (?)")) {
      statement.setArray(1, connection.createArrayOf("text", ids.toArray(String[]::new)));
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        Assertions.assertThat(rows.getLong(1)).as("rows").isEqualTo(ids.size());
        Assertions.assertThat(rows.getLong(2)).as("distinct ids").isEqualTo(ids.size());
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long query(GatewayInstance gateway, String sql, String[] ids) {
    try (Connection connection = gateway.database()) {
      return query(connection, sql, ids);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long query(Connection connection, String sql, String[] ids) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      if (ids != null) {
        statement.setArray(1, connection.createArrayOf("text", ids));
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }
}
