package io.eventgateway.llm;

import io.eventgateway.config.LlmConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/** The LLM's circuit breaker from the {@code llm.breaker} section, its state as a gauge and a callback. */
final class LlmBreaker {

  private LlmBreaker() {}

  static CircuitBreaker create(
      Vertx vertx, LlmConfig.Breaker settings, Consumer<String> stateChanged) {
    CircuitBreaker breaker = CircuitBreaker.create(
        "llm",
        vertx,
        new CircuitBreakerOptions()
            .setMaxFailures(settings.maxFailures())
            .setTimeout(settings.callTimeoutMs())
            .setResetTimeout(settings.resetTimeoutMs())
            .setNotificationAddress(null));
    breaker
        .openHandler(v -> stateChanged.accept("OPEN"))
        .halfOpenHandler(v -> stateChanged.accept("HALF_OPEN"))
        .closeHandler(v -> stateChanged.accept("CLOSED"));
    Gauge.builder("gateway.llm.circuit.state", breaker, b -> level(b.state()))
        .description("LLM circuit: 0 closed, 1 half-open, 2 open")
        .register(Metrics.globalRegistry);
    return breaker;
  }

  private static int level(CircuitBreakerState state) {
    return switch (state) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }
}
