package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventgateway.kafka.CloudEventHeaders;
import io.eventgateway.kafka.GatewayHeaders;
import io.eventgateway.schema.ConfluentWireFormat;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.eventgateway.schema.FieldError;
import io.eventgateway.schema.JsonToAvro;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One record must not stop storage for everyone: over-long keys are refused at ingest, and what slips past (a record
 * produced straight to Kafka, as a replay of an old record would be) is narrowed down and dead-lettered while every
 * other event of two tenants' load is stored once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName(
    "Poison records: bounded keys at ingest, and no record that PostgreSQL refuses can block a partition")
class PoisonRecordIT {

  private static final String TOO_LONG = "bytes long in UTF-8; the limit is";

  private final HttpClient http = HttpClient.newHttpClient();
  private GatewayInstance gateway;
  private ApiClient shop;
  private ApiClient fab;
  private String topic;

  @BeforeAll
  void startGateway() {
    JsonObject config = GatewayInstance.isolated("poison");
    config
        .getJsonObject("processor")
        .put("retryInitialBackoffMs", 50)
        .put("retryMaxBackoffMs", 500)
        .put("stalledAfterMs", 1000);
    gateway = GatewayInstance.start(config, "all");
    shop = gateway.keyOf("poison-shop", "shop");
    fab = gateway.keyOf("poison-fab", "fab");
    topic = gateway.topic("analytics");
  }

  @AfterAll
  void stopGateway() {
    gateway.close();
  }

  @Test
  @Order(1)
  @DisplayName(
      "every over-long attribute, extension and data key is refused with 400 naming the field, its length and the limit")
  void overLongKeysAreRefusedAtIngest() {
    String longText = randomText(6000);
    Map<String, Consumer<JsonObject>> overLong = new java.util.LinkedHashMap<>();
    overLong.put("id", event -> event.put("id", longText));
    overLong.put("source", event -> event.put("source", longText));
    overLong.put("subject", event -> event.put("subject", longText));
    overLong.put("type", event -> event.put("type", longText));
    overLong.put("traceid", event -> event.put("traceid", longText));
    overLong.put("data.user_id", event -> event.getJsonObject("data").put("user_id", longText));
    overLong.put(
        "data.session_id", event -> event.getJsonObject("data").put("session_id", longText));
    for (Map.Entry<String, Consumer<JsonObject>> field : overLong.entrySet()) {
      JsonObject event = ApiClient.pageView("u-long");
      field.getValue().accept(event);
      assertRefused(shop.postEvent(event), field.getKey());
    }
    String inspectionData = "{\"inspection_id\":\"i-1\",\"batch_id\":\"b-1\",\"wafer_id\":\"w-1\","
        + "\"line_id\":\"line-1\",\"product_id\":\"p-1\",\"result\":\"PASS\",\"dies_inspected\":4,"
        + "\"defect_count\":0,\"duration_ms\":1}";
    for (String key : List.of("line_id", "batch_id", "product_id")) {
      JsonObject data = new JsonObject(inspectionData).put(key, longText);
      assertRefused(
          fab.postEvent(ApiClient.cloudEvent("chip.inspection.completed", data)), "data." + key);
    }
    JsonObject molecule = ApiClient.molecule("Long", randomText(1025), "notes");
    assertRefused(shop.postEvent(molecule), "data.smiles");

    // in a batch, only the over-long event is refused
    JsonObject good = ApiClient.pageView("u-batch");
    JsonArray batch = new JsonArray().add(good).add(ApiClient.pageView("u").put("id", longText));
    ApiClient.Response mixed =
        shop.post("/v1/events", "application/cloudevents-batch+json", batch.encode());
    assertThat(mixed.status()).isEqualTo(207);
    JsonArray results = mixed.json().getJsonArray("results");
    assertThat(results.getJsonObject(0).getInteger("status")).isEqualTo(202);
    assertThat(results.getJsonObject(1).getInteger("status")).isEqualTo(400);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> StoredEvents.countOf(gateway, List.of(good.getString("id"))) == 1);

    // the bounds are published for producers to check before sending
    JsonObject types = shop.get("/v1/types").json();
    assertThat(types.getInteger("attributeMaxBytes")).isEqualTo(512);
    JsonObject pageView = types.getJsonArray("types").stream()
        .map(JsonObject.class::cast)
        .filter(type -> "analytics.page_view".equals(type.getString("type")))
        .findFirst()
        .orElseThrow();
    assertThat(pageView.getJsonObject("maxBytes").getInteger("data.user_id")).isEqualTo(256);
  }

  @Test
  @Order(2)
  @DisplayName(
      "records PostgreSQL refuses, produced straight to Kafka amid two tenants' load, are dead-lettered with their error;"
          + " every acknowledged event is stored exactly once")
  void poisonAmidLoadIsDeadLetteredAndTheRestStored() throws Exception {
    String run = "p" + UUID.randomUUID().toString().substring(0, 8);
    Ledger ledger = new Ledger();
    Map<String, String> poison = new ConcurrentHashMap<>();
    for (int round = 0; round < 6; round++) {
      for (Map.Entry<String, ApiClient> tenant :
          Map.of("shop", shop, "fab", fab).entrySet()) {
        JsonArray batch = new JsonArray();
        List<Ledger.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          JsonObject event = ApiClient.pageView(run + "-u" + (i % 7))
              .put("id", run + "-" + tenant.getKey() + "-" + round + "-" + i);
          entries.add(ledger.sent(tenant.getKey(), event));
          batch.add(event);
        }
        ApiClient.Response response = tenant
            .getValue()
            .post("/v1/events", "application/cloudevents-batch+json", batch.encode());
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        entries.forEach(ledger::acknowledged);
      }
      if (round == 1) {
        // an event id over a B-tree entry's size (random, so that PostgreSQL cannot compress it)
        poison.put(produceStraight(randomText(6000), "u-poison", "/replayed"), "54000");
        // a data key over the rollups' key size
        poison.put(produceStraight(randomId(), randomText(6000), "/replayed"), "54000");
        // a NUL, which jsonb refuses
        poison.put(produceStraight(randomId(), "nul\u0000user", "/replayed"), "22P05");
      }
    }

    ExactlyOnce.Report stored;
    try (Connection connection = gateway.database()) {
      stored = ExactlyOnce.awaitExactlyOnce(connection, ledger, run, Duration.ofSeconds(60));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> persistLetters().size() == poison.size());
    for (JsonObject letter : persistLetters()) {
      String id = letter.getJsonObject("headers").getString("ce_id");
      assertThat(poison).containsKey(id);
      assertThat(letter.getString("error")).contains(poison.get(id));
      assertThat(letter.getJsonObject("source").getString("topic")).isEqualTo(topic);
    }
    assertThat(StoredEvents.countOf(gateway, List.copyOf(poison.keySet()))).isZero();
    assertThat(readiness().statusCode()).isEqualTo(200);
    // the docs' faults table quotes this line
    System.out.printf(
        "POISON %s produced-straight=%d dead-lettered=%d%n",
        stored, poison.size(), persistLetters().size());
  }

  @Test
  @Order(3)
  @DisplayName(
      "while the database refuses a batch for its own reasons, the partition's retries and unstored age show, and"
          + " readiness reports processing degraded until it moves again")
  void aStalledPartitionIsSeenFromOutside() throws Exception {
    sql("""
        CREATE FUNCTION refuse_stuck() RETURNS trigger AS $$
        BEGIN
          IF NEW.source = '/stuck' THEN
            RAISE EXCEPTION 'out of disk (test)' USING ERRCODE = '53100';
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""");
    sql("CREATE TRIGGER refuse_stuck BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION"
        + " refuse_stuck()");
    JsonObject stuck = ApiClient.pageView("u-stuck").put("source", "/stuck");
    assertThat(shop.postEvent(stuck).status()).isEqualTo(202);

    await().atMost(Duration.ofSeconds(30)).until(() -> readiness().statusCode() == 503);
    JsonObject processing = check(new JsonObject(readiness().body()), "processing");
    assertThat(processing.getString("status")).isEqualTo("DOWN");
    JsonObject stalled =
        processing.getJsonObject("data").getJsonArray("stalledPartitions").getJsonObject(0);
    assertThat(stalled.getString("topic")).isEqualTo(topic);
    assertThat(stalled.getInteger("retries")).isPositive();
    assertThat(stalled.getString("error")).contains("53100");
    assertThat(PrometheusText.sum(gateway.managementUrl(), "gateway_consumer_batch_retries"))
        .isPositive();
    assertThat(PrometheusText.sum(gateway.managementUrl(), "gateway_consumer_unstored_age_seconds"))
        .isPositive();

    sql("DROP TRIGGER refuse_stuck ON events");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> StoredEvents.countOf(gateway, List.of(stuck.getString("id"))) == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> readiness().statusCode() == 200);
    assertThat(persistLetters())
        .noneMatch(letter ->
            stuck.getString("id").equals(letter.getJsonObject("headers").getString("ce_id")));
  }

  private static void assertRefused(ApiClient.Response response, String field) {
    assertThat(response.status()).as(field + ": " + response.body()).isEqualTo(400);
    assertThat(response.contentType()).isEqualTo("application/problem+json");
    JsonObject error = response.json().getJsonArray("errors").getJsonObject(0);
    assertThat(error.getString("field")).isEqualTo(field);
    assertThat(error.getString("reason")).matches("is \\d+ " + TOO_LONG + " \\d+");
  }

  /** A page view as the gateway would have written it, but never validated by it: the id of the record. */
  private String produceStraight(String id, String userId, String source) throws Exception {
    EventCatalog catalog = EventCatalog.load(new JsonObject()
        .put("analytics", topic)
        .put("chemistry", gateway.topic("chemistry"))
        .put("chip_quality", gateway.topic("chip_quality")));
    EventType type = catalog.find("analytics.page_view");
    int schemaId = shop.get("/v1/types").json().getJsonArray("types").stream()
        .map(JsonObject.class::cast)
        .filter(candidate -> type.type().equals(candidate.getString("type")))
        .findFirst()
        .orElseThrow()
        .getJsonObject("schema")
        .getInteger("id");
    List<FieldError> errors = new ArrayList<>();
    // the schema's own bounds are checked by the gateway, not by Avro: this writes what it would
    // refuse
    var data = JsonToAvro.toRecord(
        type.schema(),
        new JsonObject().put("user_id", "u").put("url", "https://shop.example/replayed"),
        "data",
        errors);
    assertThat(errors).isEmpty();
    data.put("user_id", userId);
    RecordHeaders headers = new RecordHeaders();
    Map.of(
            CloudEventHeaders.SPEC_VERSION,
            "1.0",
            CloudEventHeaders.ID,
            id,
            CloudEventHeaders.SOURCE,
            source,
            CloudEventHeaders.TYPE,
            type.type(),
            GatewayHeaders.TENANT,
            "shop")
        .forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
    KafkaRecords.produce(new ProducerRecord<>(
        topic,
        null,
        "poison",
        ConfluentWireFormat.encode(schemaId, type.subjectSchema(), data),
        headers));
    return id;
  }

  private List<JsonObject> persistLetters() {
    ApiClient.Response page =
        gateway.api().get("/v1/admin/dlq/" + topic + "?tenant=shop&limit=500");
    assertThat(page.status()).isEqualTo(200);
    return page.json().getJsonArray("items").stream()
        .map(JsonObject.class::cast)
        .filter(item -> "persist".equals(item.getString("stage")))
        .toList();
  }

  private HttpResponse<String> readiness() throws Exception {
    return get(gateway.managementUrl() + "/health/ready");
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject check(JsonObject health, String id) {
    return health.getJsonArray("checks").stream()
        .map(JsonObject.class::cast)
        .filter(check -> id.equals(check.getString("id")))
        .findFirst()
        .orElseThrow();
  }

  private void sql(String statement) throws SQLException {
    try (Connection connection = gateway.database();
        Statement sql = connection.createStatement()) {
      sql.execute(statement);
    }
  }

  private static String randomId() {
    return UUID.randomUUID().toString();
  }

  /** Random hex, which no compression shrinks much: its length is what an index must hold. */
  private static String randomText(int length) {
    StringBuilder text = new StringBuilder(length + 32);
    while (text.length() < length) {
      text.append(UUID.randomUUID().toString().replace("-", ""));
    }
    return text.substring(0, length);
  }
}
