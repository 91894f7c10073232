package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The exactly-once checker every fault test relies on, shown failing: on a deleted row, a row duplicated into
 * another ingest day, an acknowledgement whose event never arrived, a row of a refused or never-sent event, and a
 * rollup counted once too often. A checker that cannot fail would make every "0 lost, 0 duplicated" meaningless.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName(
    "ExactlyOnce: the checker of the fault tests catches each fault injected into the store")
class ExactlyOnceIT {

  private GatewayInstance gateway;
  private final String run = "x" + UUID.randomUUID().toString().substring(0, 8);
  private final Ledger ledger = new Ledger();
  private final List<String> acknowledged = new ArrayList<>();

  @BeforeAll
  void sendAndStore() throws SQLException {
    gateway = GatewayInstance.start(GatewayInstance.isolated("exactly"), "all");
    for (int request = 0; request < 3; request++) {
      JsonArray batch = new JsonArray();
      List<Ledger.Entry> entries = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        JsonObject event =
            ApiClient.pageView(run + "-u" + (i % 5)).put("id", run + "-" + request + "-" + i);
        entries.add(ledger.sent("default", event));
        batch.add(event);
      }
      ApiClient.Response response =
          gateway.api().post("/v1/events", "application/cloudevents-batch+json", batch.encode());
      assertThat(response.status()).isEqualTo(202);
      entries.forEach(entry -> {
        ledger.acknowledged(entry);
        acknowledged.add(entry.id());
      });
    }
    JsonObject invalid = ApiClient.pageView(run + "-u0").put("id", run + "-refused");
    invalid.getJsonObject("data").remove("url");
    Ledger.Entry refused = ledger.sent("default", invalid);
    assertThat(gateway.api().postEvent(invalid).status()).isEqualTo(400);
    ledger.refused(refused);
    try (Connection connection = gateway.database()) {
      ExactlyOnce.awaitExactlyOnce(connection, ledger, run, Duration.ofSeconds(30));
    }
  }

  @AfterAll
  void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("a deleted row is lost")
  void deletedRow() throws SQLException {
    String id = acknowledged.get(7);
    try (Connection connection = gateway.database()) {
      sql(connection, "CREATE TEMP TABLE kept AS SELECT * FROM events WHERE event_id = ?", id);
      sql(connection, "DELETE FROM events WHERE event_id = ?", id);
      ExactlyOnce.Report report = ExactlyOnce.check(connection, ledger, run);
      assertThat(report.exact()).isFalse();
      assertThat(report.lost().count()).isEqualTo(1);
      assertThat(report.lost().examples()).singleElement().asString().contains(id);
      assertThat(report.duplicated().count()).isZero();
      sql(connection, "INSERT INTO events SELECT * FROM kept");
      assertThat(ExactlyOnce.check(connection, ledger, run).exact()).isTrue();
    }
  }

  @Test
  @DisplayName(
      "a row duplicated into another ingest day is duplicated, although the primary key allows it")
  void duplicatedIntoAnotherDay() throws SQLException {
    String id = acknowledged.get(11);
    try (Connection connection = gateway.database()) {
      sql(connection, "CREATE TEMP TABLE copy AS SELECT * FROM events WHERE event_id = ?", id);
      sql(connection, "UPDATE copy SET ingest_day = ingest_day + 1");
      sql(connection, "SELECT ensure_event_partitions(ARRAY(SELECT ingest_day FROM copy))");
      sql(connection, "INSERT INTO events SELECT * FROM copy");
      ExactlyOnce.Report report = ExactlyOnce.check(connection, ledger, run);
      assertThat(report.exact()).isFalse();
      assertThat(report.duplicated().count()).isEqualTo(1);
      assertThat(report.duplicated().examples())
          .singleElement()
          .asString()
          .contains(id)
          .endsWith("x2");
      assertThat(report.lost().count()).isZero();
      assertThat(report.rows()).isEqualTo(acknowledged.size() + 1);
      sql(
          connection,
          "DELETE FROM events WHERE event_id = ? AND ingest_day = (SELECT ingest_day FROM copy)",
          id);
      assertThat(ExactlyOnce.check(connection, ledger, run).exact()).isTrue();
    }
  }

  @Test
  @DisplayName("an acknowledgement whose event never reached the store is lost")
  void lostAcknowledgement() throws SQLException {
    Ledger withLostAck = new Ledger();
    ledger.entries().forEach(entry -> {
      withLostAck.sent(entry);
      if (ledger.outcome(entry) == Ledger.Outcome.ACKNOWLEDGED) {
        withLostAck.acknowledged(entry);
      } else {
        withLostAck.refused(entry);
      }
    });
    Ledger.Entry neverArrived = withLostAck.sent(new Ledger.Entry(
        "default", "/it/analytics.page_view", run + "-ghost", "analytics.page_view", run + "-u9"));
    withLostAck.acknowledged(neverArrived);
    try (Connection connection = gateway.database()) {
      ExactlyOnce.Report report = ExactlyOnce.check(connection, withLostAck, run);
      assertThat(report.lost().examples()).singleElement().asString().contains(run + "-ghost");
      // and the rollups miss the event the ledger says was acknowledged
      assertThat(report.rollups().examples()).singleElement().asString().contains(run + "-u9");
    }
  }

  @Test
  @DisplayName("a row of a refused event, or of an event never sent, is unexpected")
  void unexpectedRows() throws SQLException {
    String template = acknowledged.get(3);
    try (Connection connection = gateway.database()) {
      for (String id : List.of(run + "-refused", run + "-never-sent")) {
        sql(
            connection,
            "CREATE TEMP TABLE extra AS SELECT * FROM events WHERE event_id = ?",
            template);
        sql(connection, "UPDATE extra SET event_id = ?", id);
        sql(connection, "INSERT INTO events SELECT * FROM extra");
        sql(connection, "DROP TABLE extra");
      }
      ExactlyOnce.Report report = ExactlyOnce.check(connection, ledger, run);
      assertThat(report.unexpected().count()).isEqualTo(2);
      assertThat(report.unexpected().examples())
          .anySatisfy(
              example -> assertThat(example).contains(run + "-refused").endsWith("(refused)"))
          .anySatisfy(example ->
              assertThat(example).contains(run + "-never-sent").endsWith("(never sent)"));
      sql(
          connection,
          "DELETE FROM events WHERE event_id IN (?, ?)",
          run + "-refused",
          run + "-never-sent");
      assertThat(ExactlyOnce.check(connection, ledger, run).exact()).isTrue();
    }
  }

  @Test
  @DisplayName("a rollup that counts an event twice differs from what the ledger says")
  void rollupCountedTwice() throws SQLException {
    try (Connection connection = gateway.database()) {
      sql(connection, "UPDATE user_stats SET events = events + 1 WHERE user_id = ?", run + "-u2");
      ExactlyOnce.Report report = ExactlyOnce.check(connection, ledger, run);
      assertThat(report.rollups().examples())
          .singleElement()
          .asString()
          .contains(run + "-u2")
          .contains("counted 13, sent and stored 12");
      sql(connection, "UPDATE user_stats SET events = events - 1 WHERE user_id = ?", run + "-u2");
      assertThat(ExactlyOnce.check(connection, ledger, run).exact()).isTrue();
    }
  }

  private static void sql(Connection connection, String statement, String... parameters)
      throws SQLException {
    if (parameters.length == 0) {
      try (Statement sql = connection.createStatement()) {
        sql.execute(statement);
      }
      return;
    }
    try (PreparedStatement sql = connection.prepareStatement(statement)) {
      for (int i = 0; i < parameters.length; i++) {
        sql.setString(i + 1, parameters[i]);
      }
      sql.execute();
    }
  }
}
