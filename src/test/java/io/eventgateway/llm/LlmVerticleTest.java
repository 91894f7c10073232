package io.eventgateway.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.BusCodecs;
import io.eventgateway.bus.EnrichRequest;
import io.eventgateway.bus.Enrichment;
import io.eventgateway.bus.EventKey;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.config.BoundPorts;
import io.eventgateway.config.ConfigLoader;
import io.eventgateway.llm.sim.LlmSimulatorVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link LlmVerticle} alone against the project's LLM simulator over real HTTP, behind a stub that answers chosen
 * completions itself (a {@code 429} with {@code Retry-After}, a {@code 500}) and passes the rest through.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("LlmVerticle")
class LlmVerticleTest {

  private static final String CAFFEINE = "CN1C=NC2=C1C(=O)N(C(=O)N2C)C";

  /** The answers the stub gives to chat completions in turn; {@code 0} passes the call to the simulator. */
  private final List<Integer> scripted = new CopyOnWriteArrayList<>();

  private final List<Long> completionsAt = new CopyOnWriteArrayList<>();
  private final List<JsonObject> completionRequests = new CopyOnWriteArrayList<>();
  private int simulatorPort;
  private JsonObject llm;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    BusCodecs.register(vertx);
    JsonObject simulator = ConfigLoader.load("test", Map.of())
        .getJsonObject("llmSimulator")
        .put("port", 0)
        .put("latencyMs", 5)
        .put("latencyJitterMs", 0);
    llm = ConfigLoader.load("test", Map.of()).getJsonObject("llm");
    HttpClient upstream = vertx.createHttpClient();
    vertx
        .deployVerticle(
            new LlmSimulatorVerticle(),
            new DeploymentOptions().setConfig(new JsonObject().put("llmSimulator", simulator)))
        .compose(deployed -> {
          simulatorPort = BoundPorts.of(vertx, BoundPorts.LLM_SIMULATOR);
          return vertx
              .createHttpServer()
              .requestHandler(request -> stub(request, upstream))
              .listen(0, "127.0.0.1");
        })
        .onComplete(test.succeeding(stub -> {
          llm.put("baseUrl", "http://127.0.0.1:" + stub.actualPort() + "/v1");
          test.completeNow();
        }));
  }

  @Test
  @DisplayName("a 429 is retried no sooner than its Retry-After, and the answer is the model's")
  void retryAfter(Vertx vertx, VertxTestContext test) {
    scripted.add(429);
    deployLlm(vertx)
        .compose(deployed -> enrich(vertx, CAFFEINE, false))
        .onComplete(test.succeeding(enrichment -> test.verify(() -> {
          assertThat(enrichment.source()).isEqualTo(Enrichment.LLM);
          assertThat(completionsAt).hasSize(2);
          assertThat(completionsAt.get(1) - completionsAt.get(0))
              .as("ms between the 429 (Retry-After: 1) and the retry")
              .isGreaterThanOrEqualTo(1_000);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "with retries spent it falls back to CDK; a backfill request (LLM only) fails as unavailable")
  void fallbackAndUnavailable(Vertx vertx, VertxTestContext test) {
    scripted.addAll(List.of(500, 500, 500, 500));
    deployLlm(vertx)
        .compose(deployed -> enrich(vertx, CAFFEINE, false))
        .compose(fallback -> {
          test.verify(() -> {
            assertThat(fallback.source()).isEqualTo(Enrichment.FALLBACK);
            assertThat(completionsAt)
                .hasSize(1 + llm.getJsonObject("retry").getInteger("maxRetries"));
          });
          return enrich(vertx, "CCO", true);
        })
        .onComplete(test.failing(error -> test.verify(() -> {
          assertThat(((ReplyException) error).failureCode()).isEqualTo(FailureCodes.UNAVAILABLE);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an invalid SMILES is answered as an error, without calling the model")
  void invalidSmiles(Vertx vertx, VertxTestContext test) {
    deployLlm(vertx)
        .compose(deployed -> enrich(vertx, "C1CC(", false))
        .onComplete(test.succeeding(enrichment -> test.verify(() -> {
          assertThat(enrichment.source()).isEqualTo(Enrichment.ERROR);
          assertThat(completionsAt).isEmpty();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "an answer stored earlier, which the request brings, is reused without calling the model")
  void storedAnswer(Vertx vertx, VertxTestContext test) {
    AtomicReference<Enrichment> asked = new AtomicReference<>();
    deployLlm(vertx)
        .compose(deployed -> enrich(vertx, CAFFEINE, false)
            .onSuccess(asked::set)
            // a new instance: nothing in its memory, as after a restart or on another node
            .compose(first -> vertx.undeploy(deployed)))
        .compose(undeployed -> deployLlm(vertx))
        .compose(again -> enrich(
            vertx,
            CAFFEINE,
            false,
            new JsonObject()
                .put("properties", new JsonObject(asked.get().propertiesJson()))
                .put("rawAnswer", asked.get().rawAnswer())
                .put("model", asked.get().model())))
        .onComplete(test.succeeding(reused -> test.verify(() -> {
          assertThat(asked.get().source()).isEqualTo(Enrichment.LLM);
          assertThat(reused.source()).isEqualTo(Enrichment.CACHE);
          assertThat(reused.propertiesJson()).isEqualTo(asked.get().propertiesJson());
          assertThat(completionsAt).as("calls to the model").hasSize(1);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "notes longer than llm.maxNoteChars are cut in the prompt, the cut recorded, and max_tokens bounds the answer")
  void notesCutAndAnswerBounded(Vertx vertx, VertxTestContext test) {
    llm.put("maxNoteChars", 4_000).put("maxTokens", 300);
    String notes = "Colourless liquid. " + "Stable under normal conditions. ".repeat(12_500);
    deployLlm(vertx)
        .compose(deployed -> enrich(vertx, CAFFEINE, false, null, notes))
        .onComplete(test.succeeding(enrichment -> test.verify(() -> {
          assertThat(enrichment.source()).isEqualTo(Enrichment.LLM);
          assertThat(enrichment.promptNotesChars()).isEqualTo(4_000);
          JsonObject sent = completionRequests.get(0);
          assertThat(sent.getInteger("max_tokens")).isEqualTo(300);
          JsonObject molecule = EnrichmentPrompt.moleculeOf(sent.getJsonArray("messages"));
          assertThat(molecule.getString("notes"))
              .hasSize(4_000)
              .isEqualTo(notes.substring(0, 4_000));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "a model's refusal of the input (context exceeded) is final, even for the backfill, and never opens the breaker")
  void refusedInputsLeaveTheBreakerClosed(Vertx vertx, VertxTestContext test) {
    llm.put("maxNoteChars", 1_000_000);
    int maxFailures = llm.getJsonObject("breaker").getInteger("maxFailures");
    String notes = "Irritating to eyes. ".repeat(5_000);
    deployLlm(vertx)
        .compose(deployed -> {
          Future<Enrichment> refusals = Future.succeededFuture();
          for (int i = 0; i <= maxFailures; i++) {
            refusals = refusals.compose(previous -> enrich(vertx, CAFFEINE, false, null, notes));
          }
          return refusals;
        })
        .compose(refused -> {
          test.verify(() -> {
            assertThat(refused.source()).isEqualTo(Enrichment.REFUSED);
            assertThat(refused.error()).contains("400").contains("context_length_exceeded");
            // one call each: a refusal is not retried
            assertThat(completionsAt).hasSize(maxFailures + 1);
          });
          return enrich(vertx, "CCO", true, null, notes);
        })
        .compose(backfilled -> {
          test.verify(() -> assertThat(backfilled.source()).isEqualTo(Enrichment.REFUSED));
          return vertx.eventBus().<JsonObject>request(Addresses.LLM_STATE, null);
        })
        .compose(state -> {
          test.verify(() -> assertThat(state.body().getString("circuit")).isEqualTo("CLOSED"));
          // another tenant's ordinary molecule is still answered by the model
          return enrich(vertx, "CCN", false);
        })
        .onComplete(test.succeeding(answered -> test.verify(() -> {
          assertThat(answered.source()).isEqualTo(Enrichment.LLM);
          test.completeNow();
        })));
  }

  private Future<String> deployLlm(Vertx vertx) {
    return vertx.deployVerticle(
        new LlmVerticle(), new DeploymentOptions().setConfig(new JsonObject().put("llm", llm)));
  }

  private static Future<Enrichment> enrich(Vertx vertx, String smiles, boolean llmOnly) {
    return enrich(vertx, smiles, llmOnly, null);
  }

  private static Future<Enrichment> enrich(
      Vertx vertx, String smiles, boolean llmOnly, JsonObject storedAnswer) {
    return enrich(vertx, smiles, llmOnly, storedAnswer, "Colourless liquid.");
  }

  private static Future<Enrichment> enrich(
      Vertx vertx, String smiles, boolean llmOnly, JsonObject storedAnswer, String notes) {
    EnrichRequest request = new EnrichRequest(
        new EventKey(EventKey.DEFAULT_TENANT, "/test", "m-" + smiles.hashCode()),
        "candidate",
        smiles,
        null,
        notes,
        "[]",
        llmOnly,
        storedAnswer);
    return vertx
        .eventBus()
        .<Enrichment>request(Addresses.LLM_ENRICH, request)
        .map(reply -> reply.body());
  }

  private void stub(HttpServerRequest request, HttpClient upstream) {
    request.body().onSuccess(body -> {
      if (request.path().endsWith("/chat/completions")) {
        completionsAt.add(System.currentTimeMillis());
        completionRequests.add(body.toJsonObject());
        int status = scripted.isEmpty() ? 0 : scripted.remove(0);
        if (status != 0) {
          request.response().setStatusCode(status).putHeader("Retry-After", "1").end();
          return;
        }
      }
      upstream
          .request(request.method(), simulatorPort, "127.0.0.1", request.uri())
          .compose(call -> {
            call.headers().addAll(request.headers()).remove("Host");
            return call.send(body);
          })
          .compose(response -> response
              .body()
              .onSuccess(answer -> request
                  .response()
                  .setStatusCode(response.statusCode())
                  .putHeader("Content-Type", response.getHeader("Content-Type"))
                  .end(answer)))
          .onFailure(error -> request.response().setStatusCode(502).end());
    });
  }
}
