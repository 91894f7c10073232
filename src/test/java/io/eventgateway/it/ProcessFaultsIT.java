package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Fault: the gateway process is killed or terminated under load")
class ProcessFaultsIT {

  private static final Duration GRACE_PERIOD = Duration.ofSeconds(15);

  @Test
  @DisplayName("SIGKILL mid-load, then a restart: every acknowledged event is stored exactly once")
  void killedAndRestarted() throws Exception {
    JsonObject config = GatewayInstance.isolated("sigkill");
    GatewayProcess first = GatewayProcess.start(config, "all", "sigkill-1", Map.of());
    String key = GatewayProcess.createAdminKey(config, "fault-load");
    // the clients follow the gateway to the port its restart binds
    AtomicReference<GatewayProcess> serving = new AtomicReference<>(first);
    try (FaultLoad load = new FaultLoad(() -> serving.get().apiUrl(), key, 4, 20)) {
      load.start(Duration.ofSeconds(20), Duration.ofSeconds(90));
      await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledgedCount() > 500);
      first.kill();
      long acknowledgedAtKill = load.acknowledgedCount();
      try (GatewayProcess second = GatewayProcess.start(config, "all", "sigkill-2", Map.of())) {
        serving.set(second);
        load.awaitClients();
        assertThat(load.acknowledgedCount()).isGreaterThan(acknowledgedAtKill);
        verify(load, "gateway SIGKILL", config);
      }
    } finally {
      first.close();
    }
  }

  @Test
  @DisplayName(
      "SIGTERM: readiness turns false, requests in flight finish, it exits within the grace period, nothing is lost")
  void terminatedGracefully() throws Exception {
    JsonObject config = GatewayInstance.isolated("sigterm");
    Map<String, String> shutdown = Map.of(
        "GATEWAY_SHUTDOWN_GRACE_PERIOD_MS",
        String.valueOf(GRACE_PERIOD.toMillis()),
        "GATEWAY_SHUTDOWN_READINESS_DELAY_MS",
        "2000");
    GatewayProcess first = GatewayProcess.start(config, "all", "sigterm-1", shutdown);
    String key = GatewayProcess.createAdminKey(config, "fault-load");
    AtomicReference<GatewayProcess> serving = new AtomicReference<>(first);
    try (FaultLoad load = new FaultLoad(() -> serving.get().apiUrl(), key, 4, 20)) {
      load.start(Duration.ofSeconds(20), Duration.ofSeconds(90));
      await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledgedCount() > 500);
      ApiClient management = new ApiClient(first.managementUrl());
      long terminatedAt = System.nanoTime();
      first.terminate();
      ApiClient.Response draining = await()
          .atMost(Duration.ofSeconds(2))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> management.get("/health/ready"), response -> response.status() == 503);
      assertThat(draining.body()).contains("DRAINING");
      Integer exitCode = first.awaitExit(GRACE_PERIOD.plusSeconds(5));
      long exitedAfterMs = (System.nanoTime() - terminatedAt) / 1_000_000;
      System.out.printf(
          "SIGTERM: readiness false at once, exit code %s after %d ms (grace period %d ms)%n",
          exitCode, exitedAfterMs, GRACE_PERIOD.toMillis());
      assertThat(exitCode).as("exited within the grace period").isNotNull().isEqualTo(143);
      assertThat(exitedAfterMs).isLessThan(GRACE_PERIOD.toMillis());
      assertThat(first.log()).contains("Stopped cleanly").doesNotContain("Unclean shutdown");
      long uncommitted = ProcessorRestartIT.lag(config);
      System.out.println("SIGTERM: records left uncommitted for the next member: " + uncommitted);

      try (GatewayProcess second = GatewayProcess.start(config, "all", "sigterm-2", Map.of())) {
        serving.set(second);
        load.awaitClients();
        Map<String, Long> inFlight = load.outcomesInFlightAt(terminatedAt);
        System.out.println("SIGTERM: requests in flight at the signal got " + inFlight);
        assertThat(inFlight.keySet())
            .as("every request in flight at SIGTERM gets an HTTP answer, none a cut connection")
            .allMatch(outcome -> outcome.matches("\\d{3}"));
        verify(load, "gateway SIGTERM", config);
      }
    } finally {
      first.close();
    }
  }

  private static void verify(FaultLoad load, String fault, JsonObject config) throws Exception {
    try (Connection connection = java.sql.DriverManager.getConnection(
        TestInfra.jdbcUrl(config.getJsonObject("postgres").getString("url")))) {
      load.assertNothingLost(fault, connection);
    }
  }
}
