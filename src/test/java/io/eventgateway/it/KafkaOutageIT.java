package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventgateway.dev.EmbeddedKafka;
import io.eventgateway.dev.FreePorts;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Fault: the Kafka broker stops for 10 s under load and comes back")
class KafkaOutageIT {

  @Test
  @DisplayName(
      "every acknowledged event is stored exactly once; readiness is false while the broker is away")
  void brokerRestart() throws Exception {
    Path dir = Path.of("target", "fault-kafka-" + UUID.randomUUID().toString().substring(0, 8));
    int[] ports = FreePorts.pick(2);
    int port = ports[0];
    int controllerPort = ports[1];
    EmbeddedKafka broker = EmbeddedKafka.start(dir, port, controllerPort);
    JsonObject config = GatewayInstance.isolated("kafkaout");
    config.getJsonObject("kafka").put("bootstrap.servers", broker.bootstrapServers());
    try (GatewayInstance gateway = GatewayInstance.start(config, "all");
        FaultLoad load = new FaultLoad(gateway::apiUrl, gateway.adminKey(), 4, 20)) {
      ApiClient management = new ApiClient(gateway.managementUrl());
      load.start(Duration.ofSeconds(25), Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledgedCount() > 500);

      broker.close();
      long acknowledgedBefore = load.acknowledgedCount();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        ApiClient.Response ready = management.get("/health/ready");
        System.out.println("readiness while Kafka is down: " + ready.status() + " " + ready.body());
        return ready.status() == 503;
      });
      FaultLoad.sleep(10_000);
      broker = EmbeddedKafka.start(dir, port, controllerPort);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> management.get("/health/ready").status() == 200);

      load.awaitClients();
      assertThat(load.acknowledgedCount()).isGreaterThan(acknowledgedBefore);
      try (Connection database = gateway.database()) {
        load.assertNothingLost("kafka broker restart", database);
      }
    } finally {
      broker.close();
    }
  }

  @Test
  @DisplayName(
      "Kafka unreachable past the producer's timeout: 503 with Retry-After; the same id later is stored once")
  void brokerGoneTooLong() throws Exception {
    Path dir = Path.of("target", "fault-kafka-" + UUID.randomUUID().toString().substring(0, 8));
    int[] ports = FreePorts.pick(2);
    int port = ports[0];
    int controllerPort = ports[1];
    EmbeddedKafka broker = EmbeddedKafka.start(dir, port, controllerPort);
    JsonObject config = GatewayInstance.isolated("kafkagone");
    JsonObject kafka =
        config.getJsonObject("kafka").put("bootstrap.servers", broker.bootstrapServers());
    kafka
        .getJsonObject("producer")
        .put("request.timeout.ms", "1500")
        .put("delivery.timeout.ms", "3000")
        .put("max.block.ms", "3000");
    try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
      ApiClient api = gateway.api();
      assertThat(api.postEvent(ApiClient.pageView("before")).status()).isEqualTo(202);
      broker.close();
      JsonObject event = ApiClient.pageView("while-gone");
      ApiClient.Response refused = api.postEvent(event);
      System.out.println("while Kafka is gone: " + refused.status() + " " + refused.body());
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.contentType()).isEqualTo("application/problem+json");
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(refused.json().getString("type")).isEqualTo("/problems/kafka-unavailable");

      broker = EmbeddedKafka.start(dir, port, controllerPort);
      await().atMost(Duration.ofSeconds(60)).until(() -> api.postEvent(event).status() == 202);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> StoredEvents.countOf(gateway, java.util.List.of(event.getString("id"))) == 1);
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> StoredEvents.countOf(gateway, java.util.List.of(event.getString("id"))) == 1);
    } finally {
      broker.close();
    }
  }
}
