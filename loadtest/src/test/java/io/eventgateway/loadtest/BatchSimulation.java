package io.eventgateway.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/** Batches of {@code batchSize} events (default 100; try 1000) as {@code application/cloudevents-batch+json}. */
public class BatchSimulation extends Simulation {

  ScenarioBuilder batches = scenario("batch of " + Target.BATCH_SIZE).exec(http("POST batch").post("/v1/events")
      .header("Content-Type", "application/cloudevents-batch+json")
      .body(StringBody(session -> "[" + Target.batch(Target.BATCH_SIZE, ",", Target::pageView) + "]"))
      .check(status().is(202)));

  {
    setUp(batches.injectOpen(constantUsersPerSec(Target.RATE).during(Target.DURATION)))
        .protocols(Target.protocol())
        .assertions(global().successfulRequests().percent().gt(99.0));
  }
}
