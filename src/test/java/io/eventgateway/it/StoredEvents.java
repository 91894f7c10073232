package io.eventgateway.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;

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
