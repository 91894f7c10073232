package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventgateway.schema.AvroToJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Every event type of every family, end to end")
class EveryEventTypeIT {

  private GatewayInstance gateway;
  private ApiClient api;

  @BeforeAll
  void startGateway() {
    gateway = GatewayInstance.start(GatewayInstance.isolated("types"), "all");
    api = gateway.api();
  }

  @AfterAll
  void stopGateway() {
    gateway.close();
  }

  @Test
  @DisplayName(
      "each type posted over HTTP is stored once, reads back as posted, and its Kafka record decodes with the schema fetched by id")
  void everyTypeIsStoredOnceAndDecodable() throws Exception {
    JsonArray types = api.types();
    assertThat(types.size()).isGreaterThanOrEqualTo(42);
    Map<String, JsonObject> posted = new LinkedHashMap<>();
    Map<String, JsonObject> acks = new LinkedHashMap<>();
    for (int i = 0; i < types.size(); i++) {
      JsonObject type = types.getJsonObject(i);
      JsonObject event = ApiClient.cloudEvent(type.getString("type"), type.getJsonObject("example"))
          .put("subject", "subject-" + i);
      ApiClient.Response response = api.postEvent(event);
      assertThat(response.status())
          .as("%s: %s", type.getString("type"), response.body())
          .isEqualTo(202);
      posted.put(event.getString("id"), event);
      acks.put(event.getString("id"), response.json().getJsonArray("results").getJsonObject(0));
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> StoredEvents.countOf(gateway, posted.keySet()) == posted.size());
    assertThat(StoredEvents.count(gateway)).isEqualTo(posted.size());

    for (Map.Entry<String, JsonObject> entry : posted.entrySet()) {
      JsonObject event = entry.getValue();
      JsonObject ack = acks.get(entry.getKey());

      JsonObject stored = api.get("/v1/events/" + entry.getKey()).json();
      assertThat(stored.getString("type")).isEqualTo(event.getString("type"));
      assertThat(stored.getString("source")).isEqualTo(event.getString("source"));
      assertThat(stored.getString("subject")).isEqualTo(event.getString("subject"));
      assertThat(stored.getString("time")).isEqualTo(event.getString("time"));
      assertThat(stored.getJsonObject("data"))
          .as(event.getString("type"))
          .isEqualTo(event.getJsonObject("data"));
      assertThat(stored.getLong("offset")).isEqualTo(ack.getLong("offset"));

      ConsumerRecord<String, byte[]> record = KafkaRecords.read(
          ack.getString("topic"), ack.getInteger("partition"), ack.getLong("offset"));
      assertThat(record.key()).isEqualTo(event.getString("subject"));
      assertThat(header(record, "ce_id")).isEqualTo(entry.getKey());
      assertThat(header(record, "ce_type")).isEqualTo(event.getString("type"));
      assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
      byte[] value = record.value();
      assertThat(value[0]).as("Confluent magic byte").isZero();
      int schemaId = ByteBuffer.wrap(value, 1, 4).getInt();
      ApiClient.Response schemaResponse = api.get("/registry/schemas/ids/" + schemaId);
      assertThat(schemaResponse.status()).isEqualTo(200);
      assertThat(schemaResponse.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
      Schema schema = new Schema.Parser().parse(schemaResponse.json().getString("schema"));
      GenericRecord decoded = new GenericDatumReader<GenericRecord>(schema)
          .read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
      // the topic's schema is the union of its family's records; the reader picks the record the
      // value holds
      assertThat(decoded.getSchema().getProp("ceType")).isEqualTo(event.getString("type"));
      assertThat(AvroToJson.toJson(decoded)).isEqualTo(event.getJsonObject("data"));
    }
  }

  @Test
  @DisplayName("an unknown schema id answers 404 with Confluent error code 40403")
  void unknownSchemaId() {
    ApiClient.Response response = api.get("/registry/schemas/ids/999999");
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json().getInteger("error_code")).isEqualTo(40403);
  }

  @Test
  @DisplayName("an unknown event id answers 404 problem+json")
  void unknownEventId() {
    ApiClient.Response response = api.get("/v1/events/no-such-event");
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.contentType()).isEqualTo("application/problem+json");
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
