package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventgateway.dev.EmbeddedPostgresServer;
import io.eventgateway.dev.FreePorts;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Fault: PostgreSQL stops for 10 s under load and comes back")
class PostgresOutageIT {

  @Test
  @DisplayName(
      "ingest keeps acknowledging, the processor waits with offsets uncommitted, then stores everything once")
  void databaseRestart() throws Exception {
    Path dir = Path.of("target", "fault-pg-" + UUID.randomUUID().toString().substring(0, 8));
    int port = FreePorts.pick();
    EmbeddedPostgresServer database = EmbeddedPostgresServer.start(dir, port, false);
    JsonObject config = GatewayInstance.isolated("pgout");
    config.getJsonObject("postgres").put("url", database.url());
    try (GatewayInstance gateway = GatewayInstance.start(config, "all");
        FaultLoad load = new FaultLoad(gateway::apiUrl, gateway.adminKey(), 4, 20)) {
      ApiClient management = new ApiClient(gateway.managementUrl());
      load.start(Duration.ofSeconds(25), Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledgedCount() > 500);

      database.close();
      long acknowledgedAtStop = load.acknowledgedCount();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> management.get("/health/ready").status() == 503);
      FaultLoad.sleep(5_000);
      long lagDuringOutage = ProcessorRestartIT.lag(config);
      FaultLoad.sleep(5_000);
      System.out.printf(
          "while PostgreSQL was down: %d more events acknowledged, %d records uncommitted%n",
          load.acknowledgedCount() - acknowledgedAtStop, lagDuringOutage);
      assertThat(load.acknowledgedCount())
          .as("ingest does not need the database")
          .isGreaterThan(acknowledgedAtStop);
      assertThat(lagDuringOutage)
          .as("nothing is committed before it is written")
          .isPositive();
      database = EmbeddedPostgresServer.start(dir, port, false);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> management.get("/health/ready").status() == 200);

      load.awaitClients();
      try (Connection connection = gateway.database()) {
        load.assertNothingLost("postgres restart", connection);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> ProcessorRestartIT.lag(config) == 0);
    } finally {
      database.close();
    }
  }
}
