package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Ingest: idempotency, batches in every media type, and every kind of bad input")
class IngestIT {

  private static final int BATCH_SIZE = 5_000;

  private GatewayInstance gateway;
  private ApiClient api;
  private Set<String> topics;

  @BeforeAll
  void startGateway() {
    gateway = GatewayInstance.start(GatewayInstance.isolated("ingest"), "all");
    api = gateway.api();
    topics = Set.of(
        gateway.topic("analytics"), gateway.topic("chemistry"), gateway.topic("chip_quality"));
  }

  @AfterAll
  void stopGateway() {
    gateway.close();
  }

  @Test
  @DisplayName("the same id posted twice is acknowledged twice and stored once")
  void sameIdIsStoredOnce() {
    JsonObject event = ApiClient.pageView("twice");
    assertThat(api.postEvent(event).status()).isEqualTo(202);
    assertThat(api.postEvent(event).status()).isEqualTo(202);
    JsonObject marker = ApiClient.pageView("marker");
    assertThat(api.postEvent(marker).status()).isEqualTo(202);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> StoredEvents.countOf(gateway, List.of(marker.getString("id"))) == 1);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(10))
        .until(() -> StoredEvents.countOf(gateway, List.of(event.getString("id"))) == 1);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"application/cloudevents-batch+json", "application/x-ndjson", "application/json"})
  @DisplayName("a batch of 5,000 events lands whole")
  void batchLandsWhole(String mediaType) {
    List<JsonObject> events = IntStream.range(0, BATCH_SIZE)
        .mapToObj(i -> ApiClient.pageView("batch-" + i))
        .toList();
    String body = mediaType.equals("application/x-ndjson")
        ? events.stream().map(JsonObject::encode).collect(Collectors.joining("\n"))
        : new JsonArray(new ArrayList<>(events)).encode();

    ApiClient.Response response = api.post("/v1/events", mediaType, body);

    assertThat(response.status()).as(response.body()).isEqualTo(202);
    JsonObject result = response.json();
    assertThat(result.getInteger("accepted")).isEqualTo(BATCH_SIZE);
    assertThat(result.getJsonArray("results")).hasSize(BATCH_SIZE);
    assertThat(result.getJsonArray("results").getJsonObject(BATCH_SIZE - 1).getString("id"))
        .isEqualTo(events.get(BATCH_SIZE - 1).getString("id"));
    List<String> ids = events.stream().map(event -> event.getString("id")).toList();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> StoredEvents.countOf(gateway, ids) == BATCH_SIZE);
  }

  @Test
  @DisplayName("binary content mode: attributes in ce-* headers, data as the body")
  void binaryContentMode() {
    java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(gateway.apiUrl() + "/v1/events"))
        .header("Content-Type", "application/json")
        .header("ce-specversion", "1.0")
        .header("ce-id", "binary-mode-1")
        .header("ce-source", "/it")
        .header("ce-type", "analytics.click")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            "{\"user_id\":\"u9\",\"url\":\"https://shop.example\",\"element_id\":\"buy\"}"))
        .build();
    ApiClient.Response response = api.send(request);
    assertThat(response.status()).as(response.body()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> api.get("/v1/events/binary-mode-1").status() == 200);
  }

  @Test
  @DisplayName("a mixed batch answers 207 with a status per event and stores only the valid ones")
  void mixedBatch() {
    JsonObject valid = ApiClient.pageView("mixed");
    JsonObject invalid = ApiClient.pageView("mixed-bad");
    invalid.getJsonObject("data").put("device", "WATCH");
    JsonObject unknown = ApiClient.cloudEvent("analytics.teleport", new JsonObject());

    ApiClient.Response response = api.post(
        "/v1/events",
        "application/cloudevents-batch+json",
        new JsonArray().add(valid).add(invalid).add(unknown).encode());

    assertThat(response.status()).isEqualTo(207);
    JsonArray results = response.json().getJsonArray("results");
    assertThat(results.getJsonObject(0).getInteger("status")).isEqualTo(202);
    assertThat(results.getJsonObject(1).getInteger("status")).isEqualTo(400);
    assertThat(results.getJsonObject(1).getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("data.device");
    assertThat(results.getJsonObject(2).getInteger("status")).isEqualTo(404);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> StoredEvents.countOf(gateway, List.of(valid.getString("id"))) == 1);
    assertThat(StoredEvents.countOf(
            gateway, List.of(invalid.getString("id"), unknown.getString("id"))))
        .isZero();
  }

  @Test
  @DisplayName(
      "every bad input gets its status and a problem+json naming the field; none reaches Kafka")
  void badInputs() {
    long offsetsBefore = KafkaRecords.endOffsets(topics);

    ApiClient.Response malformed =
        api.post("/v1/events", "application/cloudevents+json", "{\"specversion\": \"1.0\", ");
    assertProblem(malformed, 400, null);
    assertThat(malformed.json().getString("detail")).startsWith("Malformed JSON");

    JsonObject noAttributes = new JsonObject()
        .put("type", "analytics.page_view")
        .put("data", ApiClient.pageView("x").getJsonObject("data"));
    ApiClient.Response missing = api.postEvent(noAttributes);
    assertProblem(missing, 400, "id");
    assertThat(fields(missing)).contains("id", "source", "specversion");

    ApiClient.Response unknownType =
        api.postEvent(ApiClient.cloudEvent("analytics.teleport", new JsonObject()));
    assertProblem(unknownType, 404, "type");
    assertThat(unknownType.json().getJsonArray("knownTypes").getList())
        .contains("analytics.page_view", "chemistry.molecule_submitted");

    JsonObject wrongType = ApiClient.pageView("w");
    wrongType.getJsonObject("data").put("user_id", 42);
    assertProblem(api.postEvent(wrongType), 400, "data.user_id");

    JsonObject missingField = ApiClient.pageView("m");
    missingField.getJsonObject("data").remove("url");
    ApiClient.Response missingResponse = api.postEvent(missingField);
    assertProblem(missingResponse, 400, "data.url");
    assertThat(missingResponse.json().getJsonArray("errors").getJsonObject(0).getString("reason"))
        .contains("missing");

    JsonObject badEnum = ApiClient.pageView("e");
    badEnum.getJsonObject("data").put("device", "WATCH");
    assertProblem(api.postEvent(badEnum), 400, "data.device");

    JsonObject unknownField = ApiClient.pageView("u");
    unknownField.getJsonObject("data").put("colour", "red");
    assertProblem(api.postEvent(unknownField), 400, "data.colour");

    JsonObject nestedBad = ApiClient.cloudEvent(
        "analytics.purchase",
        new JsonObject()
            .put("user_id", "u")
            .put("order_id", "o")
            .put("payment_method", "CARD")
            .put("total", 10.5)
            .put(
                "items",
                new JsonArray()
                    .add(new JsonObject()
                        .put("product_id", "p")
                        .put("quantity", 1)
                        .put("unit_price", 1.234))));
    assertProblem(api.postEvent(nestedBad), 400, "data.items[0].unit_price");

    assertProblem(api.post("/v1/events", "application/cloudevents+json", ""), 400, null);
    assertProblem(api.post("/v1/events", "application/cloudevents-batch+json", "[]"), 400, null);

    String oversize = "{\"pad\":\"" + "x".repeat(5 * 1024 * 1024 + 1) + "\"}";
    assertProblem(api.post("/v1/events", "application/cloudevents+json", oversize), 413, null);

    JsonArray tooMany = new JsonArray();
    IntStream.range(0, 10_001).forEach(i -> tooMany.add(ApiClient.pageView("n")));
    ApiClient.Response batchTooLarge =
        api.post("/v1/events", "application/cloudevents-batch+json", tooMany.encode());
    assertProblem(batchTooLarge, 413, null);
    assertThat(batchTooLarge.json().getInteger("maxEvents")).isEqualTo(10_000);

    assertProblem(
        api.post("/v1/events", "text/plain", ApiClient.pageView("t").encode()), 415, null);
    assertProblem(api.post("/v1/events", null, ApiClient.pageView("t").encode()), 415, null);

    JsonArray allInvalid = new JsonArray().add(badEnum).add(wrongType);
    ApiClient.Response allBad =
        api.post("/v1/events", "application/cloudevents-batch+json", allInvalid.encode());
    assertProblem(allBad, 400, "data.device");
    assertThat(allBad.json().getJsonArray("errors").getJsonObject(1).getInteger("index"))
        .isEqualTo(1);

    assertThat(KafkaRecords.endOffsets(topics))
        .as("records produced by rejected requests")
        .isEqualTo(offsetsBefore);
  }

  private static void assertProblem(ApiClient.Response response, int status, String field) {
    assertThat(response.status())
        .as(response.body().length() > 500 ? response.body().substring(0, 500) : response.body())
        .isEqualTo(status);
    assertThat(response.contentType()).isEqualTo("application/problem+json");
    JsonObject problem = response.json();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    if (field != null) {
      assertThat(fields(response)).contains(field);
    }
  }

  private static List<String> fields(ApiClient.Response response) {
    JsonArray errors = response.json().getJsonArray("errors");
    List<String> fields = new ArrayList<>();
    for (int i = 0; i < errors.size(); i++) {
      fields.add(errors.getJsonObject(i).getString("field"));
    }
    return fields;
  }
}
