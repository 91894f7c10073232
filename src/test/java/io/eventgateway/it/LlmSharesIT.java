package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tried as a tenant with a valid key would: molecules whose notes no model's context holds, and a compound another
 * tenant may have submitted. The model (the simulator) has a context of 1,500 tokens: an ordinary submission fits,
 * notes cut to {@code llm.maxNoteChars} (4,000 characters, about 1,000 tokens) beside the answer's {@code
 * max_tokens} do not, and are refused with {@code 400 context_length_exceeded}.
 */
@DisplayName(
    "One tenant's use of the LLM neither breaks it for another nor tells it what another submitted")
class LlmSharesIT {

  private static final String CAFFEINE = "CN1C=NC2=C1C(=O)N(C(=O)N2C)C";
  private static final String NOTES = "White crystalline powder. Toxic in large doses.";

  @Test
  @DisplayName(
      "refused molecules are final and leave the breaker closed; another tenant's same compound is asked anew")
  void refusalsAndAnswersStayWithTheirTenant() {
    try (LlmSimulator simulator =
        new LlmSimulator(LlmSimulator.healthy().put("contextTokens", 1_500))) {
      JsonObject config = GatewayInstance.isolated("llmshares");
      config.getJsonObject("llm").put("baseUrl", simulator.apiBaseUrl());
      int maxFailures =
          config.getJsonObject("llm").getJsonObject("breaker").getInteger("maxFailures");
      try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
        ApiClient first = gateway.keyOf("first-tenant", "first");
        ApiClient second = gateway.keyOf("second-tenant", "second");

        // the first tenant: more refusals than the breaker's limit of failures, then caffeine
        String bulky = "Stable under normal conditions. ".repeat(20_000);
        List<String> refusedIds = new ArrayList<>();
        for (int i = 0; i < maxFailures + 3; i++) {
          JsonObject molecule = ApiClient.molecule("bulky-" + i, "C".repeat(i + 1) + "O", bulky);
          assertThat(first.postEvent(molecule).status()).isEqualTo(202);
          refusedIds.add(molecule.getString("id"));
        }
        JsonObject firstCaffeine = ApiClient.molecule("Caffeine", CAFFEINE, NOTES);
        assertThat(first.postEvent(firstCaffeine).status()).isEqualTo(202);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> first.enrichment(firstCaffeine.getString("id")) != null
                && refusedIds.stream().allMatch(id -> first.enrichment(id) != null));
        for (String id : refusedIds) {
          JsonObject refused = first.enrichment(id);
          assertThat(refused.getString("source")).as(id).isEqualTo("refused");
          assertThat(refused.getString("error")).contains("context_length_exceeded");
          assertThat(refused.getInteger("promptNotesChars")).isEqualTo(4_000);
        }
        assertThat(first.enrichment(firstCaffeine.getString("id")).getString("source"))
            .isEqualTo("llm");
        assertThat(simulator.stats().getInteger("overContext")).isEqualTo(maxFailures + 3);
        assertThat(PrometheusText.sum(gateway.managementUrl(), "gateway_llm_circuit_state"))
            .as("the breaker, 0 closed")
            .isZero();

        // the second tenant submits the same compound with the same notes: the model is asked,
        // for an answer served from the cache would tell that someone else submitted it
        int answeredBefore = simulator.stats().getInteger("answered");
        JsonObject secondCaffeine = ApiClient.molecule("Caffeine", CAFFEINE, NOTES);
        assertThat(second.postEvent(secondCaffeine).status()).isEqualTo(202);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> second.enrichment(secondCaffeine.getString("id")) != null);
        assertThat(second.enrichment(secondCaffeine.getString("id")).getString("source"))
            .isEqualTo("llm");
        assertThat(simulator.stats().getInteger("answered")).isEqualTo(answeredBefore + 1);

        // and the first tenant's own resubmission is served from what it was given before
        JsonObject again = ApiClient.molecule("Caffeine", CAFFEINE, NOTES);
        assertThat(first.postEvent(again).status()).isEqualTo(202);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> first.enrichment(again.getString("id")) != null);
        assertThat(first.enrichment(again.getString("id")).getString("source")).isEqualTo("cache");
      }
    }
  }

  @Test
  @DisplayName(
      "one tenant's burst of 200 molecules at 4 LLM calls a second leaves another tenant's molecule answered by the model")
  void oneTenantsBurstLeavesAnothersEnrichmentsFlowing() {
    try (LlmSimulator simulator = new LlmSimulator(LlmSimulator.healthy())) {
      JsonObject config = GatewayInstance.isolated("llmburst");
      config.getJsonObject("llm").put("baseUrl", simulator.apiBaseUrl());
      config
          .getJsonObject("llm")
          .getJsonObject("rateLimit")
          .put("requestsPerSecond", 4)
          .put("maxInFlight", 2)
          .put("maxQueueWaitMs", 1_500);
      // the backfill would ask the burst's fallbacks again: out of the way of what is measured here
      config.getJsonObject("enrichment").put("backfillIntervalMs", 600_000);
      try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
        ApiClient burst = gateway.keyOf("burst-lab", "burst");
        ApiClient steady = gateway.keyOf("steady-lab", "steady");
        io.vertx.core.json.JsonArray molecules = new io.vertx.core.json.JsonArray();
        for (int i = 0; i < 200; i++) {
          molecules.add(ApiClient.molecule(
              "chain-" + i, "C".repeat(i % 40 + 1) + "O" + "C".repeat(i / 40), ""));
        }
        assertThat(burst
                .post("/v1/events", "application/cloudevents-batch+json", molecules.encode())
                .status())
            .isEqualTo(202);
        // the burst is polled and waits for its turns (200 at 4 a second would take 50 s)
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
        JsonObject mine = ApiClient.molecule("Caffeine", CAFFEINE, NOTES);
        assertThat(steady.postEvent(mine).status()).isEqualTo(202);
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> steady.enrichment(mine.getString("id")) != null);
        assertThat(steady.enrichment(mine.getString("id")).getString("source")).isEqualTo("llm");
        // the burst's molecules that had no turn in time were stored with their computed facts, to
        // be asked again
        long fallbacks = molecules.stream()
            .map(molecule -> burst.enrichment(((JsonObject) molecule).getString("id")))
            .filter(enrichment ->
                enrichment != null && "fallback".equals(enrichment.getString("source")))
            .count();
        assertThat(fallbacks).isPositive();
        assertThat(PrometheusText.sum(gateway.managementUrl(), "gateway_llm_circuit_state"))
            .as("the breaker, 0 closed: waiting for a turn is no failure of the endpoint")
            .isZero();
      }
    }
  }
}
