package io.eventgateway.ops;

import io.eventgateway.bus.Addresses;
import io.eventgateway.config.BoundPorts;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.KafkaConfig;
import io.eventgateway.config.PostgresConfig;
import io.eventgateway.config.ProcessorConfig;
import io.eventgateway.kafka.ClusterProbe;
import io.eventgateway.kafka.ConsumerProgress;
import io.eventgateway.store.PgPools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the management port: {@code /health/live} (the process answers), {@code /health/ready} (serving, not
 * starting or draining; Kafka and PostgreSQL reachable; no partition's batch held back longer than {@code
 * processor.stalledAfterMs}; the LLM circuit state as detail) and {@code /metrics} (Prometheus text format). Kept off the API port so that probes
 * and scrapes never queue behind ingest traffic. Deployed early and undeployed last, so that probes see a
 * draining gateway as unready rather than gone.
 */
@ConfigSections({"management", "kafka", "postgres", "processor"})
public class ManagementVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ManagementVerticle.class);
  private static final long CHECK_TIMEOUT_MS = 3_000;

  private HttpServer server;
  private ClusterProbe kafka;
  private Pool pool;

  @Override
  public Future<?> start() {
    JsonObject management = config().getJsonObject("management");
    kafka = new ClusterProbe(vertx, KafkaConfig.of(config().getJsonObject("kafka")));
    pool = PgPools.node(vertx, PostgresConfig.in(config()));
    ConsumerProgress progress = ConsumerProgress.of(vertx);
    long stalledAfterMs =
        ProcessorConfig.of(config().getJsonObject("processor")).stalledAfterMs();

    HealthChecks readiness = HealthChecks.create(vertx)
        .register("lifecycle", promise -> {
          Lifecycle.State state = Lifecycle.state(vertx);
          JsonObject detail = new JsonObject().put("state", state.name());
          promise.complete(
              state == Lifecycle.State.SERVING ? Status.OK(detail) : Status.KO(detail));
        })
        .register(
            "kafka",
            CHECK_TIMEOUT_MS * 2,
            promise -> reachable(kafka.describe().map(Status::OK)).onComplete(promise))
        .register(
            "postgres",
            CHECK_TIMEOUT_MS * 2,
            promise -> reachable(pool.query("SELECT 1").execute().map(rows -> Status.OK()))
                .onComplete(promise))
        // an open LLM circuit degrades enrichment (fallback) but never makes the node unready
        .register(
            "llm",
            CHECK_TIMEOUT_MS,
            promise -> vertx
                .eventBus()
                .<JsonObject>request(Addresses.LLM_STATE, null)
                .map(reply -> Status.OK(reply.body()))
                .otherwise(notDeployed ->
                    Status.OK(new JsonObject().put("circuit", "not deployed in this role")))
                .onComplete(promise))
        // a partition whose batch is in hand too long: a record or the database holds it back
        .register("processing", promise -> {
          List<JsonObject> stalled = progress.stalled(stalledAfterMs);
          promise.complete(
              stalled.isEmpty()
                  ? Status.OK()
                  : Status.KO(new JsonObject()
                      .put("status", "degraded")
                      .put("stalledPartitions", new JsonArray(stalled))));
        });

    // answering at all proves the event loop is not stuck; the check gives probes a 200 with a body
    HealthChecks liveness =
        HealthChecks.create(vertx).register("eventLoop", promise -> promise.complete(Status.OK()));
    // probes and scrapes every few seconds would bury the traces of real requests
    server = vertx
        .createHttpServer(new HttpServerOptions().setTracingPolicy(TracingPolicy.IGNORE))
        .requestHandler(router(vertx, liveness, readiness));
    return server
        .listen(management.getInteger("port"), management.getString("host"))
        .onSuccess(listening -> {
          BoundPorts.record(vertx, BoundPorts.MANAGEMENT, listening.actualPort());
          LOG.debug("Management listening on port {}", listening.actualPort());
        });
  }

  /** The management port's routes (documented with the public API in {@code openapi/openapi.json}). */
  public static Router router(Vertx vertx, HealthChecks liveness, HealthChecks readiness) {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    return router;
  }

  /**
   * A dependency that does not answer within {@link #CHECK_TIMEOUT_MS}, or fails, is DOWN: a {@code 503} for the
   * probe (a check that threw or timed out inside vertx-health-check would make it a {@code 500}).
   */
  private static Future<Status> reachable(Future<Status> check) {
    return check
        .timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .otherwise(
            error -> Status.KO(new JsonObject().put("error", String.valueOf(error.getMessage()))));
  }

  @Override
  public Future<?> stop() {
    return Future.join(server.close(), kafka.close(), pool.close());
  }
}
