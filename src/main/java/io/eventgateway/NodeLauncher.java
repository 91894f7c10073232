package io.eventgateway;

import io.eventgateway.config.BoundPorts;
import io.eventgateway.config.PostgresConfig;
import io.eventgateway.config.RedactedUrl;
import io.eventgateway.llm.sim.LlmSimulatorVerticle;
import io.eventgateway.tracing.Tracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a node of one role: its Vert.x and main verticle, the banner of its addresses, the drain on SIGTERM. */
final class NodeLauncher {

  private static final Logger LOG = LoggerFactory.getLogger(NodeLauncher.class);

  private NodeLauncher() {}

  static int deploy(JsonObject config, String role, AutoCloseable devStack, boolean withSimulator) {
    OpenTelemetrySdk tracing = Tracing.sdk(config, role);
    Vertx vertx = GatewayVertx.create(tracing);
    MainVerticle main = new MainVerticle();
    long gracePeriodMs = config.getJsonObject("shutdown").getLong("gracePeriodMs");
    Runtime.getRuntime()
        .addShutdownHook(new Thread(
            () -> shutdown(vertx, main, devStack, tracing, gracePeriodMs), "gateway-shutdown"));
    try {
      if (withSimulator) {
        vertx
            .deployVerticle(new LlmSimulatorVerticle(), new DeploymentOptions().setConfig(config))
            .await(1, TimeUnit.MINUTES);
      }
      vertx
          .deployVerticle(main, new DeploymentOptions().setConfig(config.copy().put("role", role)))
          .await(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      LOG.error("Gateway failed to start: {}", e.getMessage(), e);
      return 1;
    }
    printAddresses(vertx, config, role);
    return 0;
  }

  private static void printAddresses(Vertx vertx, JsonObject config, String role) {
    Integer api = BoundPorts.of(vertx, BoundPorts.HTTP);
    System.out.println();
    System.out.println("Event Gateway is up (role " + role + ")");
    if (api != null) {
      System.out.println("  API:         http://127.0.0.1:" + api
          + "   (POST /v1/events, GET /v1/events/{id}, GET /v1/molecules/{id}, GET /v1/types)");
    }
    System.out.println(
        "  Management:  http://127.0.0.1:" + BoundPorts.of(vertx, BoundPorts.MANAGEMENT)
            + "   (/health/live, /health/ready, /metrics)");
    System.out.println("  LLM:         " + config.getJsonObject("llm").getString("baseUrl"));
    System.out.println(
        "  Kafka:       " + config.getJsonObject("kafka").getString("bootstrap.servers"));
    System.out.println(
        "  PostgreSQL:  " + RedactedUrl.of(PostgresConfig.in(config).url()));
    System.out.println("Press Ctrl-C to stop.");
  }

  /** On SIGTERM (or Ctrl-C): drain within the grace period, then exit whatever is left. */
  private static void shutdown(
      Vertx vertx,
      MainVerticle main,
      AutoCloseable devStack,
      OpenTelemetrySdk tracing,
      long gracePeriodMs) {
    LOG.info("Shutting down: readiness is false, draining within {} ms", gracePeriodMs);
    long started = System.nanoTime();
    try {
      main.drain().await(gracePeriodMs, TimeUnit.MILLISECONDS);
      vertx
          .close()
          .await(
              Math.max(1_000, gracePeriodMs - (System.nanoTime() - started) / 1_000_000),
              TimeUnit.MILLISECONDS);
      if (devStack != null) {
        devStack.close();
      }
      if (tracing != null) {
        // the last spans are still in the batch processor
        tracing.close();
      }
      LOG.info("Stopped cleanly in {} ms", (System.nanoTime() - started) / 1_000_000);
    } catch (Exception e) {
      LOG.error("Unclean shutdown: {}", e.getMessage(), e);
    }
  }
}
