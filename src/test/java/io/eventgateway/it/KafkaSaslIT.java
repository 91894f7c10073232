package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.eventgateway.dev.EmbeddedKafka;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A secured cluster: a broker whose only client listener takes SASL/PLAIN. Every Kafka client of the gateway
 * (topic admin, producers, the processing and feed consumers, the dead-letter reader, the health check's admin)
 * must carry {@code kafka.common.*} to get anywhere; events go through end to end, and the password stays out of
 * every log line.
 */
@DisplayName("Kafka over SASL/PLAIN: kafka.common.* reaches every client")
class KafkaSaslIT {

  private static final String PASSWORD = "gw-" + UUID.randomUUID();

  @Test
  @DisplayName(
      "the gateway produces and consumes over SASL/PLAIN; a wrong password gets nowhere; no log line holds the password")
  void producesAndConsumesOverSasl() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    try (EmbeddedKafka broker = EmbeddedKafka.start(
        Path.of("target", "it-sasl-" + UUID.randomUUID()),
        0,
        0,
        Map.of("broker", "broker-" + UUID.randomUUID(), "gateway", PASSWORD))) {
      JsonObject config = GatewayInstance.isolated("sasl");
      config.getJsonObject("kafka").put("bootstrap.servers", broker.bootstrapServers());
      config
          .getJsonObject("kafka")
          .getJsonObject("common")
          .put("security.protocol", "SASL_PLAINTEXT")
          .put("sasl.mechanism", "PLAIN")
          .put("sasl.jaas.config", jaas(PASSWORD));
      try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
        JsonArray events = new JsonArray();
        IntStream.range(0, 50)
            .forEach(i -> events.add(ApiClient.pageView("sasl").put("id", "sasl-" + i)));
        ApiClient.Response accepted =
            gateway.api().post("/v1/events", "application/cloudevents-batch+json", events.encode());
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> StoredEvents.count(gateway) == 50);
        assertThat(new ApiClient(gateway.managementUrl()).get("/health/ready").status())
            .isEqualTo(200);
      }

      JsonObject wrong = GatewayInstance.isolated("saslwrong");
      wrong.getJsonObject("kafka").put("bootstrap.servers", broker.bootstrapServers());
      wrong
          .getJsonObject("kafka")
          .getJsonObject("common")
          .put("security.protocol", "SASL_PLAINTEXT")
          .put("sasl.mechanism", "PLAIN")
          .put("sasl.jaas.config", jaas("not-the-password"));
      Throwable refused =
          catchThrowable(() -> GatewayInstance.start(wrong, "ingest").close());
      assertThat(refused)
          .as("topics cannot even be checked with a wrong password")
          .isInstanceOf(IllegalStateException.class);
      // refused for the password, not for anything else that can stop a start
      assertThat(causes(refused)).anyMatch(SaslAuthenticationException.class::isInstance);
    } finally {
      root.detachAppender(logs);
    }
    List<String> lines = logs.list.stream().map(LoggedText::of).toList();
    assertThat(lines).isNotEmpty().noneMatch(line -> line.contains(PASSWORD));
  }

  private static List<Throwable> causes(Throwable error) {
    List<Throwable> chain = new java.util.ArrayList<>();
    for (Throwable cause = error;
        cause != null && !chain.contains(cause);
        cause = cause.getCause()) {
      chain.add(cause);
    }
    return chain;
  }

  private static String jaas(String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"gateway\" password=\""
        + password + "\";";
  }
}
