package io.eventgateway.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.function.Supplier;

/**
 * The three families in the proportions users run them: of every 100 batched requests, 80 of page views, 18 of
 * inspections and 2 of molecules (enriched by the LLM, the simulator in dev mode at its default latency).
 */
public class MixedFamiliesSimulation extends Simulation {

  private static ScenarioBuilder family(String name, Supplier<String> event) {
    return scenario(name).exec(http("POST " + name).post("/v1/events")
        .header("Content-Type", "application/x-ndjson")
        .body(StringBody(session -> Target.batch(Target.BATCH_SIZE, "\n", event)))
        .check(status().is(202)));
  }

  {
    setUp(
        family("analytics", Target::pageView).injectOpen(constantUsersPerSec(Target.RATE * 0.80).during(Target.DURATION)),
        family("chip quality", Target::inspection).injectOpen(constantUsersPerSec(Target.RATE * 0.18).during(Target.DURATION)),
        family("chemistry", Target::molecule).injectOpen(constantUsersPerSec(Target.RATE * 0.02).during(Target.DURATION)))
        .protocols(Target.protocol())
        .assertions(global().successfulRequests().percent().gt(99.0));
  }
}
