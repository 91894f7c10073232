package io.eventgateway.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * {@code connections} WebSocket clients on {@code /v1/stream}, each sending {@code events} events one frame at a
 * time and waiting for each ack (status 202), then closing.
 */
public class WebSocketStreamSimulation extends Simulation {

  static final int CONNECTIONS = Integer.parseInt(System.getProperty("connections", "16"));
  static final int EVENTS = Integer.parseInt(System.getProperty("events", "2000"));

  ScenarioBuilder stream = scenario("websocket stream").exec(
      ws("connect").connect("/v1/stream"),
      repeat(EVENTS).on(
          ws("event").sendText(StringBody(session -> Target.pageView()))
              .await(10).on(ws.checkTextMessage("ack").check(jsonPath("$.status").ofInt().is(202)))),
      ws("close").close());

  {
    setUp(stream.injectOpen(rampUsers(CONNECTIONS).during(2)))
        .protocols(Target.protocol())
        .maxDuration(Target.DURATION.multipliedBy(10))
        .assertions(global().successfulRequests().percent().gt(99.0));
  }
}
