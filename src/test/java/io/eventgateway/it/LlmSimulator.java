package io.eventgateway.it;

import io.eventgateway.config.BoundPorts;
import io.eventgateway.llm.sim.LlmSimulatorVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.concurrent.TimeUnit;

/** The project's LLM simulator running as a separate service (its own Vert.x), driven over its HTTP API. */
final class LlmSimulator implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final String baseUrl;
  private final ApiClient http;

  LlmSimulator(JsonObject settings) {
    JsonObject config = new JsonObject()
        .put("llmSimulator", settings.copy().put("host", "127.0.0.1").put("port", 0));
    try {
      vertx
          .deployVerticle(new LlmSimulatorVerticle(), new DeploymentOptions().setConfig(config))
          .await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("simulator did not start", e);
    }
    baseUrl = "http://127.0.0.1:" + BoundPorts.of(vertx, BoundPorts.LLM_SIMULATOR);
    http = new ApiClient(baseUrl);
  }

  /** Settings for a fast, healthy simulator. */
  static JsonObject healthy() {
    return new JsonObject()
        .put("mode", "up")
        .put("latencyMs", 20)
        .put("latencyJitterMs", 5)
        .put("errorRate", 0.0)
        .put("rateLimitRate", 0.0)
        .put("retryAfterSeconds", 1)
        .put("malformedRate", 0.0)
        .put("wrongAnswerRate", 0.0)
        .put("contextTokens", 16_000);
  }

  /** The {@code llm.baseUrl} a gateway should use. */
  String apiBaseUrl() {
    return baseUrl + "/v1";
  }

  void configure(JsonObject changes) {
    http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/sim/config"))
        .PUT(HttpRequest.BodyPublishers.ofString(changes.encode()))
        .build());
  }

  JsonObject stats() {
    return http.get("/sim/stats").json();
  }

  void reset() {
    http.post("/sim/reset", "application/json", "{}");
  }

  @Override
  public void close() {
    vertx.close();
  }
}
