package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The management port: health and Prometheus metrics")
class ManagementIT {

  private GatewayInstance gateway;
  private ApiClient management;

  @BeforeAll
  void startGateway() {
    gateway = GatewayInstance.start(GatewayInstance.isolated("management"), "all");
    management = new ApiClient(gateway.managementUrl());
  }

  @AfterAll
  void stopGateway() {
    gateway.close();
  }

  @Test
  @DisplayName("liveness and readiness are UP with Kafka and PostgreSQL checked")
  void health() {
    assertThat(management.get("/health/live").status()).isEqualTo(200);
    ApiClient.Response ready = management.get("/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    JsonObject body = ready.json();
    assertThat(body.getString("outcome")).isEqualTo("UP");
    assertThat(
            body.getJsonArray("checks").stream().map(check -> ((JsonObject) check).getString("id")))
        .containsExactlyInAnyOrder("lifecycle", "kafka", "postgres", "llm", "processing");
  }

  @Test
  @DisplayName(
      "metrics show request rate and latency, produce latency, batch sizes and consumer lag")
  void metrics() {
    ApiClient api = gateway.api();
    JsonObject event = ApiClient.pageView("metrics");
    assertThat(api.postEvent(event).status()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> api.get("/v1/events/" + event.getString("id")).status() == 200);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      ApiClient.Response metrics = management.get("/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.body())
          .contains(
              "vertx_http_server_requests_total",
              "vertx_http_server_response_time_seconds",
              "gateway_kafka_produce_latency_seconds_count",
              "gateway_kafka_produced_total",
              "gateway_pg_batch_size_count",
              "gateway_pg_write_latency_seconds_count",
              "kafka_consumer_fetch_manager_records_lag_max");
    });
  }
}
