package io.eventgateway.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/** {@code batchSize} events per request, one per line ({@code application/x-ndjson}). */
public class NdjsonSimulation extends Simulation {

  ScenarioBuilder ndjson = scenario("ndjson of " + Target.BATCH_SIZE).exec(http("POST ndjson").post("/v1/events")
      .header("Content-Type", "application/x-ndjson")
      .body(StringBody(session -> Target.batch(Target.BATCH_SIZE, "\n", Target::pageView)))
      .check(status().is(202)));

  {
    setUp(ndjson.injectOpen(constantUsersPerSec(Target.RATE).during(Target.DURATION)))
        .protocols(Target.protocol())
        .assertions(global().successfulRequests().percent().gt(99.0));
  }
}
