package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("LLM outages and rate limits: the circuit, the fallback, the backfill and the pacing")
class LlmOutageIT {

  private static final Map<String, Double> KNOWN_WEIGHTS = Map.of(
      EnrichmentIT.CAFFEINE, 194.19, EnrichmentIT.ASPIRIN, 180.16, EnrichmentIT.ETHANOL, 46.07);

  @Test
  @DisplayName(
      "LLM down: the circuit opens, molecules get CDK values, other families flow; LLM back: the backfill re-enriches")
  void outageFallbackAndBackfill() {
    try (LlmSimulator simulator = new LlmSimulator(LlmSimulator.healthy().put("mode", "down"))) {
      JsonObject config = GatewayInstance.isolated("outage");
      config.getJsonObject("llm").put("baseUrl", simulator.apiBaseUrl());
      try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
        ApiClient api = gateway.api();
        ApiClient management = new ApiClient(gateway.managementUrl());

        List<JsonObject> molecules = KNOWN_WEIGHTS.keySet().stream()
            .map(smiles -> ApiClient.molecule("m-" + smiles, smiles, "Stored cold."))
            .toList();
        molecules.forEach(event -> assertThat(api.postEvent(event).status()).isEqualTo(202));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> molecules.stream().allMatch(e -> api.enrichment(e.getString("id")) != null));
        for (JsonObject event : molecules) {
          JsonObject enrichment = api.enrichment(event.getString("id"));
          assertThat(enrichment.getString("source")).isEqualTo("fallback");
          assertThat(enrichment.getJsonObject("computed").getDouble("molecular_weight"))
              .isCloseTo(
                  KNOWN_WEIGHTS.get(event.getJsonObject("data").getString("smiles")), within(0.01));
        }
        JsonObject llmCheck = readiness(management).getJsonObject("llm");
        assertThat(llmCheck.getString("circuit")).isEqualTo("OPEN");
        assertThat(readiness(management).getString("outcome"))
            .as("an open circuit degrades, not unready")
            .isEqualTo("UP");
        int refusedWhenOpen = simulator.stats().getInteger("refused");
        assertThat(refusedWhenOpen).isLessThanOrEqualTo(3 + 8);

        // while the circuit is open, more molecules fall back without calling the LLM, and other
        // families flow
        JsonObject more = ApiClient.molecule("more", "CCCCCCO", null);
        assertThat(api.postEvent(more).status()).isEqualTo(202);
        JsonArray pageViews = new JsonArray();
        IntStream.range(0, 500).forEach(i -> pageViews.add(ApiClient.pageView("during-outage")));
        assertThat(api.post("/v1/events", "application/cloudevents-batch+json", pageViews.encode())
                .status())
            .isEqualTo(202);
        List<String> pageViewIds =
            pageViews.stream().map(e -> ((JsonObject) e).getString("id")).toList();
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> StoredEvents.countOf(gateway, pageViewIds) == 500);
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> api.enrichment(more.getString("id")) != null);
        assertThat(api.enrichment(more.getString("id")).getString("source")).isEqualTo("fallback");

        simulator.configure(new JsonObject().put("mode", "up"));
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() ->
                "CLOSED".equals(readiness(management).getJsonObject("llm").getString("circuit")));
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> molecules.stream()
                .allMatch(
                    e -> "llm".equals(api.enrichment(e.getString("id")).getString("source"))));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> "llm".equals(api.enrichment(more.getString("id")).getString("source")));
        JsonObject caffeine = api.enrichment(molecules.stream()
            .filter(e -> e.getJsonObject("data").getString("smiles").equals(EnrichmentIT.CAFFEINE))
            .findFirst()
            .orElseThrow()
            .getString("id"));
        assertThat(caffeine.getInteger("attempts")).isEqualTo(2);
        assertThat(caffeine
                .getJsonObject("properties")
                .getJsonObject("molecular_weight")
                .getDouble("value"))
            .isCloseTo(194.19, within(0.01));
      }
    }
  }

  @Test
  @DisplayName(
      "LLM down for 10 s under a mixed load: every event stored once, every molecule enriched (fallback, then LLM)")
  void outageUnderLoad() throws Exception {
    try (LlmSimulator simulator = new LlmSimulator(LlmSimulator.healthy())) {
      JsonObject config = GatewayInstance.isolated("llmload");
      config.getJsonObject("llm").put("baseUrl", simulator.apiBaseUrl());
      try (GatewayInstance gateway = GatewayInstance.start(config, "all");
          FaultLoad load =
              new FaultLoad(gateway::apiUrl, gateway.adminKey(), 4, 20).withMoleculeEvery(10)) {
        load.start(Duration.ofSeconds(25), Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledgedCount() > 500);
        simulator.configure(new JsonObject().put("mode", "down"));
        FaultLoad.sleep(10_000);
        simulator.configure(new JsonObject().put("mode", "up"));
        load.awaitClients();
        try (java.sql.Connection connection = gateway.database()) {
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofSeconds(1))
              .until(() -> {
                FaultLoad.Counts counts = load.count("llm outage", connection);
                return counts.lost() == 0 && counts.enrichedByLlm() == counts.molecules();
              });
          FaultLoad.Counts counts = load.assertNothingLost("llm outage", connection);
          assertThat(counts.molecules()).isPositive();
          // enriched by the LLM once it came back (or from its stored answer), not left as a
          // fallback
          assertThat(counts.enrichedByLlm()).isEqualTo(counts.molecules());
        }
        JsonObject stats = simulator.stats();
        System.out.println("LLM simulator during the llm outage run: " + stats.encode());
        assertThat(stats.getInteger("refused"))
            .as("the LLM was really down for a while")
            .isPositive();
      }
    }
  }

  @Test
  @DisplayName(
      "a 429 storm: the LLM never sees more than the configured rate, Retry-After is honoured, nothing is lost")
  void rateLimitStorm() {
    int rate = 10;
    try (LlmSimulator simulator = new LlmSimulator(
        LlmSimulator.healthy().put("rateLimitRate", 0.3).put("retryAfterSeconds", 1))) {
      JsonObject config = GatewayInstance.isolated("storm");
      JsonObject llm = config.getJsonObject("llm").put("baseUrl", simulator.apiBaseUrl());
      llm.getJsonObject("rateLimit").put("requestsPerSecond", rate);
      llm.getJsonObject("breaker").put("maxFailures", 1000);
      llm.getJsonObject("retry").put("maxRetries", 5);
      try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
        ApiClient api = gateway.api();
        JsonArray batch = new JsonArray();
        IntStream.range(1, 41)
            .forEach(n -> batch.add(ApiClient.molecule("alcohol-" + n, "C".repeat(n) + "O", null)));
        assertThat(api.post("/v1/events", "application/cloudevents-batch+json", batch.encode())
                .status())
            .isEqualTo(202);
        List<String> ids =
            batch.stream().map(e -> ((JsonObject) e).getString("id")).toList();

        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> ids.stream().allMatch(id -> {
              JsonObject enrichment = api.enrichment(id);
              return enrichment != null && enrichment.getString("source").equals("llm");
            }));
        JsonObject stats = simulator.stats();
        assertThat(stats.getInteger("rateLimited")).isGreaterThan(0);
        assertThat(stats.getInteger("answered")).isEqualTo(40);
        assertThat(stats.getInteger("maxRequestsInOneSecond")).isLessThanOrEqualTo(rate + 1);
        assertThat(stats.getInteger("retriedTooEarly")).isZero();
      }
    }
  }

  private static JsonObject readiness(ApiClient management) {
    JsonObject body = management.get("/health/ready").json();
    JsonObject checks = new JsonObject().put("outcome", body.getString("outcome"));
    body.getJsonArray("checks")
        .forEach(check -> checks.put(
            ((JsonObject) check).getString("id"),
            ((JsonObject) check).getJsonObject("data", new JsonObject())));
    return checks;
  }
}
