package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName(
    "Dead letters: what processing cannot handle goes to <topic>.dlq, never blocks, and replays once")
class DeadLetterIT {

  private GatewayInstance gateway;
  private ApiClient api;
  private String topic;

  @BeforeAll
  void startGateway() {
    JsonObject config = GatewayInstance.isolated("dlq");
    config.getJsonObject("processor").put("maxAttempts", 3).put("retryInitialBackoffMs", 50);
    gateway = GatewayInstance.start(config, "all");
    api = gateway.api();
    topic = gateway.topic("analytics");
  }

  @AfterAll
  void stopGateway() {
    gateway.close();
  }

  @Test
  @DisplayName(
      "refused and undecodable records are dead-lettered with their cause, the rest is stored, replay stores each once")
  void deadLettersAndReplay() throws Exception {
    sql("ALTER TABLE events ADD CONSTRAINT no_poison CHECK (source <> '/poison') NOT VALID");
    List<String> good = new ArrayList<>();
    List<String> poison = new ArrayList<>();
    JsonArray batch = new JsonArray();
    for (int i = 0; i < 30; i++) {
      JsonObject event = ApiClient.pageView("dlq-user-" + i);
      if (i % 10 == 3) {
        event.put("source", "/poison");
        poison.add(event.getString("id"));
      } else {
        good.add(event.getString("id"));
      }
      batch.add(event);
    }
    Instant posted = Instant.now();
    assertThat(api.post("/v1/events", "application/cloudevents-batch+json", batch.encode())
            .status())
        .isEqualTo(202);
    produceGarbage();
    JsonObject after = ApiClient.pageView("after-the-poison");
    assertThat(api.postEvent(after).status()).isEqualTo(202);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> StoredEvents.countOf(gateway, good) == good.size()
            && StoredEvents.countOf(gateway, List.of(after.getString("id"))) == 1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> deadLetters().getLong("total") == poison.size() + 1);
    assertThat(StoredEvents.countOf(gateway, poison)).isZero();

    JsonArray items = deadLetters().getJsonArray("items");
    List<JsonObject> refused = items.stream()
        .map(JsonObject.class::cast)
        .filter(item -> "persist".equals(item.getString("stage")))
        .toList();
    assertThat(refused)
        .extracting(item -> item.getString("id"))
        .containsExactlyInAnyOrderElementsOf(poison);
    for (JsonObject item : refused) {
      // a constraint refuses the same row however often it is written: dead-lettered on the first
      // refusal
      assertThat(item.getInteger("attempts")).isEqualTo(1);
      assertThat(item.getString("error")).contains("23514").contains("no_poison");
      assertThat(Instant.parse(item.getString("firstFailureAt")))
          .isAfterOrEqualTo(posted.minusSeconds(1))
          .isBeforeOrEqualTo(Instant.parse(item.getString("lastFailureAt")));
      assertThat(item.getJsonObject("source").getString("topic")).isEqualTo(topic);
      assertThat(item.getJsonObject("headers").getString("ce_type"))
          .isEqualTo("analytics.page_view");
      assertThat(item.getString("value")).isNotEmpty();
    }
    JsonObject undecodable = items.stream()
        .map(JsonObject.class::cast)
        .filter(item -> "decode".equals(item.getString("stage")))
        .findFirst()
        .orElseThrow();
    assertThat(undecodable.getString("error")).contains("Confluent wire format");
    assertThat(new String(undecodable.getBinary("value"), StandardCharsets.UTF_8))
        .isEqualTo("not an event");

    JsonObject firstPage = api.get("/v1/admin/dlq/" + topic + "?limit=2").json();
    assertThat(firstPage.getJsonArray("items")).hasSize(2);
    JsonObject secondPage = api.get(
            "/v1/admin/dlq/" + topic + "?limit=2&offset=" + firstPage.getLong("nextOffset"))
        .json();
    assertThat(secondPage.getJsonArray("items").getJsonObject(0).getLong("offset"))
        .isEqualTo(2);

    sql("ALTER TABLE events DROP CONSTRAINT no_poison");
    ApiClient.Response one = api.post(
        "/v1/admin/dlq/" + topic + "/replay",
        "application/json",
        new JsonObject().put("ids", new JsonArray().add(poison.get(0))).encode());
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().getInteger("replayed")).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> StoredEvents.countOf(gateway, List.of(poison.get(0))) == 1);

    for (int replay = 0; replay < 2; replay++) {
      ApiClient.Response all =
          api.post("/v1/admin/dlq/" + topic + "/replay", "application/json", "");
      assertThat(all.status()).isEqualTo(200);
      assertThat(all.json().getInteger("replayed")).isGreaterThanOrEqualTo(poison.size() + 1);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> StoredEvents.countOf(gateway, poison) == poison.size());
    // the undecodable record stays undecodable: each replay dead-letters it again, nothing else
    // comes back
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> deadLetters().getLong("total") >= poison.size() + 1 + 2);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(5))
        .until(() -> StoredEvents.countOf(gateway, poison) == poison.size());
    Set<String> stages = deadLetters().getJsonArray("items").stream()
        .skip(poison.size() + 1)
        .map(item -> ((JsonObject) item).getString("stage"))
        .collect(Collectors.toSet());
    assertThat(stages).containsExactly("decode");
  }

  @Test
  @DisplayName("an unknown topic is 404 and a bad page size 400, as problem+json")
  void badAdminRequests() {
    ApiClient.Response unknown = api.get("/v1/admin/dlq/no-such-topic");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).isEqualTo("application/problem+json");
    ApiClient.Response badLimit = api.get("/v1/admin/dlq/" + topic + "?limit=0");
    assertThat(badLimit.status()).isEqualTo(400);
    assertThat(badLimit.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("limit");
    ApiClient.Response badSelection = api.post(
        "/v1/admin/dlq/" + topic + "/replay", "application/json", "{\"offsets\": [\"x\"]}");
    assertThat(badSelection.status()).isEqualTo(400);
  }

  private JsonObject deadLetters() {
    ApiClient.Response page = api.get("/v1/admin/dlq/" + topic + "?limit=500");
    assertThat(page.status()).isEqualTo(200);
    return page.json();
  }

  /** A record from a foreign producer that is not a gateway event at all. */
  private void produceGarbage() throws Exception {
    KafkaRecords.produce(
        new ProducerRecord<>(topic, "garbage", "not an event".getBytes(StandardCharsets.UTF_8)));
  }

  private void sql(String statement) throws SQLException {
    try (Connection connection = gateway.database();
        Statement sql = connection.createStatement()) {
      sql.execute(statement);
    }
  }
}
