package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventgateway.dev.EmbeddedKafka;
import io.eventgateway.dev.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "Asynchronous accept: Prefer: respond-async answers before Kafka, with a status URL per event")
class AsyncAcceptIT {

  @Test
  @DisplayName(
      "a batch is answered 202 while the broker is down; its statuses go pending → durable → stored; a refused event is dead-lettered with its reason; another tenant's status URL is 404")
  void statusesMove() throws Exception {
    Path dir = Path.of("target", "async-kafka-" + UUID.randomUUID().toString().substring(0, 8));
    int[] ports = FreePorts.pick(2);
    EmbeddedKafka broker = EmbeddedKafka.start(dir, ports[0], ports[1]);
    JsonObject config = GatewayInstance.isolated("asyncaccept");
    config.getJsonObject("kafka").put("bootstrap.servers", broker.bootstrapServers());
    // ingest alone first: nothing stores what Kafka acknowledged, so durable stays visible
    try (GatewayInstance ingest = GatewayInstance.start(config, "ingest")) {
      ApiClient shop = ingest.keyOf("shop-async", "shop");
      ApiClient other = ingest.keyOf("other-async", "other");
      // the producer knows the topic's partitions (a send for an unknown topic would wait for them)
      assertThat(shop.postEvent(ApiClient.pageView("warm-up")).status()).isEqualTo(202);

      broker.close();
      JsonArray batch = new JsonArray();
      IntStream.range(0, 5).forEach(i -> batch.add(ApiClient.pageView("async-" + i)));
      ApiClient.Response accepted =
          async(shop, "application/cloudevents-batch+json", batch.encode());
      assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
      assertThat(accepted.headers().firstValue("Preference-Applied")).hasValue("respond-async");
      List<String> statusUrls = accepted.json().getJsonArray("results").stream()
          .map(result -> ((JsonObject) result).getString("statusUrl"))
          .toList();
      assertThat(statusUrls).hasSize(5).allMatch(url -> url.startsWith("/v1/events/status/"));
      for (String url : statusUrls) {
        assertThat(shop.get(url).json().getString("status")).isEqualTo("pending");
        ApiClient.Response foreign = other.get(url);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.contentType()).isEqualTo("application/problem+json");
      }

      broker = EmbeddedKafka.start(dir, ports[0], ports[1]);
      for (String url : statusUrls) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> "durable".equals(shop.get(url).json().getString("status")));
        JsonObject durable = shop.get(url).json();
        assertThat(durable.getString("topic")).startsWith("events.analytics");
        assertThat(durable.getLong("offset")).isNotNull();
        assertThat(other.get(url).status()).isEqualTo(404);
      }

      try (GatewayInstance processor = GatewayInstance.start(config, "processor")) {
        for (String url : statusUrls) {
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> "stored".equals(shop.get(url).json().getString("status")));
        }
        // a record PostgreSQL refuses is dead-lettered by processing: its status says why
        sql(
            ingest,
            "ALTER TABLE events ADD CONSTRAINT no_async_poison CHECK (source <> '/async-poison') NOT VALID");
        try {
          JsonObject poison = ApiClient.pageView("poison").put("source", "/async-poison");
          ApiClient.Response single = async(shop, "application/x-ndjson", poison.encode() + "\n");
          assertThat(single.status()).as(single.body()).isEqualTo(202);
          String location = single.headers().firstValue("Location").orElseThrow();
          assertThat(location)
              .isEqualTo(
                  single.json().getJsonArray("results").getJsonObject(0).getString("statusUrl"));
          await()
              .atMost(Duration.ofSeconds(90))
              .until(() -> "dead-lettered".equals(shop.get(location).json().getString("status")));
          assertThat(shop.get(location).json().getString("reason")).contains("no_async_poison");
          assertThat(other.get(location).status()).isEqualTo(404);
        } finally {
          sql(ingest, "ALTER TABLE events DROP CONSTRAINT no_async_poison");
        }
      }
      // without the preference nothing changes: answered after Kafka, with its offset
      ApiClient.Response synchronous = shop.postEvent(ApiClient.pageView("sync"));
      assertThat(synchronous.status()).isEqualTo(202);
      assertThat(synchronous.headers().firstValue("Preference-Applied")).isEmpty();
      assertThat(synchronous.json().getJsonArray("results").getJsonObject(0).getLong("offset"))
          .isNotNull();
      assertThat(shop.get("/v1/events/status/not-a-token").status()).isEqualTo(404);
    } finally {
      broker.close();
    }
  }

  private static ApiClient.Response async(ApiClient client, String contentType, String body) {
    return client.send(HttpRequest.newBuilder(URI.create(client.baseUrl() + "/v1/events"))
        .header("Content-Type", contentType)
        .header("Prefer", "respond-async")
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build());
  }

  private static void sql(GatewayInstance gateway, String statement) throws Exception {
    try (Connection connection = gateway.database();
        Statement sql = connection.createStatement()) {
      sql.execute(statement);
    }
  }
}
