package io.eventgateway.llm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.EnrichRequest;
import io.eventgateway.bus.Enrichment;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.LlmConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the LLM client and its circuit breaker: answers {@link Addresses#LLM_ENRICH} with the model's properties of
 * a molecule, cross-checked against CDK, or, when the circuit is open or retries are spent, with what CDK computes
 * ({@code fallback}). Calls are paced by a {@link CallLimiter}, in turns shared fairly among tenants; a {@code 429} is
 * retried after its {@code Retry-After}, other failures after an exponential delay with jitter, and a refusal of
 * the input is final ({@code refused}) and never counted by the breaker. Answers are cached by canonical
 * SMILES within a tenant, and concurrent requests for one submission share one call; an answer stored earlier comes with the request
 * (the enrichment consumer looks it up) and is reused. One instance: the limits are per process.
 */
@ConfigSections("llm")
public class LlmVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LlmVerticle.class);

  private final Map<AnswerKey, Future<LlmAnswer>> callsInFlight = new HashMap<>();
  private final Timer latency = Timer.builder("gateway.llm.latency")
      .description("LLM call latency, successful calls")
      .publishPercentiles(0.5, 0.95, 0.99)
      .register(Metrics.globalRegistry);
  private final Counter mismatches = Counter.builder("gateway.llm.mismatches")
      .description("LLM answers whose molecular weight or formula disagree with CDK")
      .register(Metrics.globalRegistry);
  private final Counter droppedEvidence = Counter.builder("gateway.llm.evidence.dropped")
      .description("LLM answers whose evidence was not a verbatim part of the notes (dropped)")
      .register(Metrics.globalRegistry);
  private WorkerExecutor cdk;
  private CircuitBreaker breaker;
  private CallLimiter limiter;
  private LlmClient client;
  private RetryPolicy backoff;
  private Cache<AnswerKey, LlmAnswer> answers;
  private int maxRetries;
  private double weightTolerance;
  private double logpTolerance;
  private int maxNoteChars;

  @Override
  public Future<?> start() {
    LlmConfig llm = LlmConfig.of(config().getJsonObject("llm"));
    cdk = vertx.createSharedWorkerExecutor("gateway-cdk", llm.cdkThreads());
    breaker = LlmBreaker.create(vertx, llm.breaker(), this::circuitChanged);
    LlmConfig.RateLimit rate = llm.rateLimit();
    limiter =
        new CallLimiter(vertx, rate.requestsPerSecond(), rate.maxInFlight(), rate.maxQueueWaitMs());
    maxRetries = llm.retry().maxRetries();
    backoff = RetryPolicy.exponentialDelayWithJitter(
        llm.retry().initialBackoffMs(), llm.retry().maxBackoffMs());
    answers = Caffeine.newBuilder()
        .maximumSize(llm.cacheSize())
        .expireAfterWrite(llm.cacheTtlMinutes(), TimeUnit.MINUTES)
        .build();
    weightTolerance = llm.molecularWeightTolerance();
    logpTolerance = llm.logpTolerance();
    maxNoteChars = llm.maxNoteChars();
    // one pooled connection per permitted call: calls never queue in the pool and leave in bursts
    WebClientOptions http = new WebClientOptions().setKeepAlive(true);
    client = new LlmClient(
        WebClient.create(vertx, http, new PoolOptions().setHttp1MaxSize(rate.maxInFlight())), llm);
    vertx
        .eventBus()
        .consumer(
            Addresses.LLM_STATE,
            message -> message.reply(new JsonObject()
                .put("circuit", breaker.state().name())
                .put("failures", breaker.failureCount())));
    Future<Void> probed = client
        .probe()
        .onSuccess(status -> LOG.info(
            "LLM enrichment via {} (model {}): endpoint answered {}",
            llm.baseUrl(),
            client.model(),
            status))
        .onFailure(error -> LOG.warn(
            "LLM endpoint {} unreachable ({}); molecules fall back until it answers",
            llm.baseUrl(),
            error.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
    return probed.compose(ready -> vertx
        .eventBus()
        .<EnrichRequest>consumer(Addresses.LLM_ENRICH, this::enrich)
        .completion());
  }

  private void enrich(Message<EnrichRequest> message) {
    EnrichRequest request = message.body();
    // CDK parsing and descriptors are CPU work: off the event loop, on a bounded pool so that a
    // burst of
    // fallbacks during an outage cannot take every core from ingestion and the other families
    cdk.executeBlocking(() -> MoleculeFacts.of(request.smiles()), false)
        .onSuccess(facts -> enrich(message, facts))
        .onFailure(
            invalid -> message.reply(EnrichmentResults.invalid(request, invalid.getMessage())));
  }

  private void enrich(Message<EnrichRequest> message, MoleculeFacts facts) {
    EnrichRequest request = message.body();
    AnswerKey key = AnswerKey.of(request, facts);
    LlmAnswer cached = answers.getIfPresent(key);
    if (cached != null) {
      message.reply(result(request, key, facts, cached, Enrichment.CACHE, 0));
      return;
    }
    Future<LlmAnswer> shared = callsInFlight.get(key);
    long started = System.nanoTime();
    Future<LlmAnswer> call = shared != null ? shared : call(request, key);
    call.onSuccess(answer -> message.reply(result(
            request,
            key,
            facts,
            answer,
            shared != null || answer.reused() ? Enrichment.CACHE : Enrichment.LLM,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))))
        .onFailure(error -> {
          if (error instanceof LlmFailure.InputRefused refused) {
            // final, also for the backfill: asking again would be refused again
            message.reply(EnrichmentResults.refused(
                request,
                key,
                facts,
                refused.getMessage(),
                EnrichmentPrompt.cutLength(request.notes(), maxNoteChars)));
          } else if (request.llmOnly()) {
            message.fail(FailureCodes.UNAVAILABLE, error.getMessage());
          } else {
            message.reply(EnrichmentResults.fallback(request, key, facts, error.getMessage()));
          }
        });
  }

  /** The answer stored earlier that the request brings (before a restart, or by another node), else the model's. */
  private Future<LlmAnswer> call(EnrichRequest request, AnswerKey key) {
    JsonObject stored = request.storedAnswer();
    Future<LlmAnswer> call = (stored != null
            ? Future.succeededFuture(new LlmAnswer(
                stored.getJsonObject("properties"),
                stored.getString("rawAnswer"),
                stored.getString("model"),
                true))
            : attempt(request, 0))
        .onSuccess(answer -> answers.put(key, answer));
    callsInFlight.put(key, call);
    return call.onComplete(done -> callsInFlight.remove(key));
  }

  /** One paced attempt through the breaker; retried while retries remain and the circuit is not open. */
  private Future<LlmAnswer> attempt(EnrichRequest request, int retry) {
    if (breaker.state() == CircuitBreakerState.OPEN) {
      return Future.failedFuture(new LlmFailure("circuit open"));
    }
    return limiter
        .acquire(request.event().tenant())
        .compose(turn -> {
          Timer.Sample sample = Timer.start();
          // a refusal of the input is the input's fault: a success to the breaker, a failure after
          // it
          return breaker
              .<Object>execute(() -> client
                  .complete(request)
                  .<Object>map(answer -> answer)
                  .recover(error -> error instanceof LlmFailure.InputRefused refused
                      ? Future.succeededFuture(refused)
                      : Future.failedFuture(error)))
              .compose(outcome -> outcome instanceof LlmAnswer answer
                  ? Future.succeededFuture(answer)
                  : Future.<LlmAnswer>failedFuture((LlmFailure.InputRefused) outcome))
              .onSuccess(answer -> sample.stop(latency))
              .onComplete(done -> limiter.release());
        })
        .recover(error -> {
          if (error instanceof LlmFailure.RateLimited limited) {
            limiter.pauseFor(limited.retryAfterMs());
          }
          if (error instanceof LlmFailure.InputRefused
              || error instanceof LlmFailure.QueueTimeout
              || retry >= maxRetries
              || breaker.state() == CircuitBreakerState.OPEN) {
            return Future.failedFuture(error);
          }
          long delay = error instanceof LlmFailure.RateLimited limited
              ? limited.retryAfterMs()
              : backoff.delay(error, retry + 1);
          LOG.debug(
              "LLM call for {} failed ({}); retry {} in {} ms",
              request.event().id(),
              error.getMessage(),
              retry + 1,
              delay);
          Promise<LlmAnswer> retried = Promise.promise();
          vertx.setTimer(
              Math.max(1, delay), timer -> attempt(request, retry + 1).onComplete(retried));
          return retried.future();
        });
  }

  private Enrichment result(
      EnrichRequest request,
      AnswerKey key,
      MoleculeFacts facts,
      LlmAnswer answer,
      String source,
      long latencyMs) {
    LlmAnswer cited = answer.keepingEvidenceFrom(request.notes());
    if (cited != answer) {
      droppedEvidence.increment();
    }
    List<String> disagreements =
        CrossCheck.disagreements(cited, facts, weightTolerance, logpTolerance);
    if (!disagreements.isEmpty()) {
      mismatches.increment();
    }
    return EnrichmentResults.fromAnswer(
        request,
        key,
        facts,
        cited,
        source,
        latencyMs,
        disagreements,
        EnrichmentPrompt.cutLength(request.notes(), maxNoteChars));
  }

  private void circuitChanged(String state) {
    LOG.warn("LLM circuit {}", state);
    vertx.eventBus().publish(Addresses.LLM_CIRCUIT, state);
  }

  @Override
  public Future<?> stop() {
    breaker.close();
    return cdk.close();
  }
}
