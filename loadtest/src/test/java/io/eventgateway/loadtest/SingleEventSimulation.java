package io.eventgateway.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/** One CloudEvent per request (structured mode), {@code rate} requests per second. */
public class SingleEventSimulation extends Simulation {

  ScenarioBuilder single = scenario("single event").exec(http("POST one event").post("/v1/events")
      .header("Content-Type", "application/cloudevents+json")
      .body(StringBody(session -> Target.pageView()))
      .check(status().is(202)));

  {
    setUp(single.injectOpen(constantUsersPerSec(Target.RATE).during(Target.DURATION)))
        .protocols(Target.protocol())
        .assertions(global().successfulRequests().percent().gt(99.0));
  }
}
