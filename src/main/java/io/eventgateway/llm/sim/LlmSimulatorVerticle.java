package io.eventgateway.llm.sim;

import io.eventgateway.config.BoundPorts;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.llm.EnrichmentPrompt;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible chat-completions server for dev mode, tests and load tests: {@code POST
 * /v1/chat/completions} answers from the molecule in the prompt ({@link SimulatedChemist}) after a configurable
 * latency, with configurable rates of {@code 500}s, {@code 429}s with {@code Retry-After}, malformed answers and
 * wrong molecular weights, and a {@code 400} ({@code context_length_exceeded}) for a prompt and {@code max_tokens}
 * over {@code contextTokens}, as a model's context window would. {@code PUT /sim/config} changes any setting at run time, including {@code "mode":
 * "down"} (connections are reset) and back {@code "up"}; {@code GET /sim/stats} counts what it saw, including the
 * most requests received within any one second and the retries of a molecule that came before the
 * {@code Retry-After} it was given, so tests can check the gateway's limits.
 */
@ConfigSections("llmSimulator")
public class LlmSimulatorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LlmSimulatorVerticle.class);

  private final AtomicLong completionIds = new AtomicLong();
  private final Deque<Long> lastSecond = new ArrayDeque<>();
  private final Map<String, Long> retryNotBefore = new HashMap<>();
  private JsonObject settings;
  private JsonObject stats;
  private HttpServer server;

  @Override
  public Future<?> start() {
    settings = config().getJsonObject("llmSimulator").copy();
    resetStats();
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(1 << 20));
    router.post("/v1/chat/completions").handler(this::complete);
    router
        .get("/v1/models")
        .handler(ctx -> json(
            ctx,
            200,
            new JsonObject()
                .put("object", "list")
                .put(
                    "data",
                    new JsonArray()
                        .add(new JsonObject()
                            .put("id", "simulator")
                            .put("object", "model")
                            .put("owned_by", "event-gateway")))));
    router.get("/sim/stats").handler(ctx -> json(ctx, 200, stats));
    router.put("/sim/config").handler(ctx -> {
      settings.mergeIn(ctx.body().asJsonObject());
      LOG.info("LLM simulator settings: {}", settings.encode());
      json(ctx, 200, settings);
    });
    router.post("/sim/reset").handler(ctx -> {
      resetStats();
      json(ctx, 200, stats);
    });
    server = vertx.createHttpServer().requestHandler(router);
    return server
        .listen(settings.getInteger("port"), settings.getString("host"))
        .onSuccess(listening -> {
          BoundPorts.record(vertx, BoundPorts.LLM_SIMULATOR, listening.actualPort());
          LOG.info(
              "LLM simulator listening on http://{}:{}/v1",
              settings.getString("host"),
              listening.actualPort());
        });
  }

  private void complete(RoutingContext ctx) {
    long now = System.currentTimeMillis();
    lastSecond.add(now);
    while (!lastSecond.isEmpty() && lastSecond.peek() <= now - 1000) {
      lastSecond.poll();
    }
    increment("requests");
    stats.put(
        "maxRequestsInOneSecond",
        Math.max(stats.getInteger("maxRequestsInOneSecond"), lastSecond.size()));
    if ("down".equals(settings.getString("mode"))) {
      increment("refused");
      ctx.request().connection().close();
      return;
    }
    String molecule = moleculeKey(ctx);
    Long notBefore = retryNotBefore.remove(molecule);
    if (notBefore != null && now < notBefore) {
      increment("retriedTooEarly");
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (random.nextDouble() < settings.getDouble("rateLimitRate")) {
      increment("rateLimited");
      retryNotBefore.put(molecule, now + settings.getInteger("retryAfterSeconds") * 1000L);
      ctx.response()
          .setStatusCode(429)
          .putHeader("Retry-After", String.valueOf(settings.getInteger("retryAfterSeconds")))
          .end(error("rate_limit_exceeded", "Too many requests").encode());
      return;
    }
    long jitter = settings.getLong("latencyJitterMs");
    long delay = Math.max(
        1,
        settings.getLong("latencyMs") + (jitter == 0 ? 0 : random.nextLong(-jitter, jitter + 1)));
    vertx.setTimer(delay, timer -> answer(ctx, random));
  }

  private void answer(RoutingContext ctx, ThreadLocalRandom random) {
    if (random.nextDouble() < settings.getDouble("errorRate")) {
      increment("errors");
      json(ctx, 500, error("server_error", "The simulated model failed"));
      return;
    }
    JsonObject request = ctx.body().asJsonObject();
    if (request != null && promptTokens(request) > settings.getInteger("contextTokens")) {
      increment("overContext");
      JsonObject overContext =
          error("invalid_request_error", "The prompt and max_tokens exceed the model's context");
      overContext.getJsonObject("error").put("code", "context_length_exceeded");
      json(ctx, 400, overContext);
      return;
    }
    JsonObject molecule =
        request == null ? null : EnrichmentPrompt.moleculeOf(request.getJsonArray("messages"));
    if (molecule == null) {
      json(
          ctx,
          400,
          error("invalid_request_error", "expected the molecule as JSON in the last user message"));
      return;
    }
    boolean malformed = random.nextDouble() < settings.getDouble("malformedRate");
    boolean wrong = !malformed && random.nextDouble() < settings.getDouble("wrongAnswerRate");
    // CDK work off the event loop, so that arrivals keep being counted when they happen
    vertx
        .executeBlocking(
            () -> malformed
                ? "Sure! The molecular weight is about "
                    + ThreadLocalRandom.current().nextInt(50, 500) + " g/mol."
                : SimulatedChemist.answer(molecule, wrong ? 1.3 : 1.0).encode(),
            false)
        .onSuccess(content -> {
          increment(malformed ? "malformed" : wrong ? "wrongAnswers" : "answered");
          completion(ctx, request, content);
        })
        .onFailure(invalid -> json(ctx, 400, error("invalid_request_error", invalid.getMessage())));
  }

  private void completion(RoutingContext ctx, JsonObject request, String content) {
    json(
        ctx,
        200,
        new JsonObject()
            .put("id", "chatcmpl-sim-" + completionIds.incrementAndGet())
            .put("object", "chat.completion")
            .put("created", System.currentTimeMillis() / 1000)
            .put("model", request.getString("model", "simulator"))
            .put(
                "choices",
                new JsonArray()
                    .add(new JsonObject()
                        .put("index", 0)
                        .put(
                            "message",
                            new JsonObject().put("role", "assistant").put("content", content))
                        .put("finish_reason", "stop")))
            .put(
                "usage",
                new JsonObject()
                    .put("prompt_tokens", 180)
                    .put("completion_tokens", content.length() / 4)
                    .put("total_tokens", 180 + content.length() / 4)));
  }

  /** The molecule a request asks about: how a retry is recognised as one. */
  private static String moleculeKey(RoutingContext ctx) {
    JsonObject request = ctx.body().asJsonObject();
    JsonObject molecule = request == null
        ? null
        : EnrichmentPrompt.moleculeOf(request.getJsonArray("messages", new JsonArray()));
    return molecule == null ? "" : String.valueOf(molecule.getString("smiles"));
  }

  private void resetStats() {
    retryNotBefore.clear();
    lastSecond.clear();
    stats = new JsonObject()
        .put("requests", 0)
        .put("answered", 0)
        .put("errors", 0)
        .put("rateLimited", 0)
        .put("malformed", 0)
        .put("wrongAnswers", 0)
        .put("refused", 0)
        .put("overContext", 0)
        .put("maxRequestsInOneSecond", 0)
        .put("retriedTooEarly", 0);
  }

  private void increment(String counter) {
    stats.put(counter, stats.getInteger(counter) + 1);
  }

  /** What a model would count: about four characters a token, and the answer's {@code max_tokens} besides. */
  private static long promptTokens(JsonObject request) {
    long chars = 0;
    JsonArray messages = request.getJsonArray("messages", new JsonArray());
    for (int i = 0; i < messages.size(); i++) {
      chars += String.valueOf(messages.getJsonObject(i).getValue("content")).length();
    }
    return chars / 4 + request.getInteger("max_tokens", 0);
  }

  private static JsonObject error(String type, String message) {
    return new JsonObject()
        .put("error", new JsonObject().put("message", message).put("type", type));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
