package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "External registry mode: registry.url points the gateway at a Confluent-compatible registry")
class ExternalRegistryIT {

  @Test
  @DisplayName(
      "a gateway registers in, and takes its ids from, another registry over its REST API; steady-state produce needs no registry")
  void externalRegistry() {
    JsonObject registryConfig = GatewayInstance.isolated("registryhost");
    GatewayInstance registryHost = GatewayInstance.start(registryConfig, "all");
    String registryUrl = registryHost.apiUrl() + "/registry";
    JsonObject config = GatewayInstance.isolated("externalmode");
    config
        .getJsonObject("kafka")
        .put(
            "topics",
            registryConfig.getJsonObject("kafka").getJsonObject("topics").copy());
    config
        .getJsonObject("registry")
        .put("url", registryUrl)
        .put("bearerToken", registryHost.adminKey());
    try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
      ApiClient api = gateway.api();
      assertThat(api.get("/v1/types").json())
          .as("the same subjects and ids as the registry holds")
          .isEqualTo(registryHost.api().get("/v1/types").json());
      ApiClient.Response elsewhere = api.get("/registry/subjects");
      assertThat(elsewhere.status()).isEqualTo(404);
      assertThat(elsewhere.body()).contains(registryUrl);

      registryHost.close();
      JsonObject event = ApiClient.pageView("external");
      ApiClient.Response accepted = api.postEvent(event);
      assertThat(accepted.status()).as("no registry call on the produce path").isEqualTo(202);
      int id = api.get("/v1/types").json().getJsonArray("types").stream()
          .map(JsonObject.class::cast)
          .filter(type -> type.getString("type").equals("analytics.page_view"))
          .findFirst()
          .orElseThrow()
          .getJsonObject("schema")
          .getInteger("id");
      assertThat(api.get("/registry/schemas/ids/" + id).status())
          .as("known ids are served from memory")
          .isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> StoredEvents.countOf(gateway, List.of(event.getString("id"))) == 1);
    } finally {
      try {
        registryHost.close();
      } catch (IllegalStateException alreadyClosed) {
        // closed above
      }
    }
  }
}
