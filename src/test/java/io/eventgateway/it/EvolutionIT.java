package io.eventgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.eventgateway.config.PostgresConfig;
import io.eventgateway.schema.ConfluentWireFormat;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.store.Migrations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "Schema evolution end to end: events of an older registered version are validated, stored and read as the current one")
class EvolutionIT {

  /** PageView as it was before {@code load_time_ms} was added. */
  private static final String PAGE_VIEW_V1 = """
      {"type":"record","name":"PageView","namespace":"io.eventgateway.events.analytics","doc":"A user viewed a page.",
       "ceType":"analytics.page_view","fields":[{"name":"user_id","type":"string"},
       {"name":"session_id","type":["null","string"],"default":null},{"name":"url","type":"string"},
       {"name":"title","type":["null","string"],"default":null},{"name":"referrer","type":["null","string"],"default":null},
       {"name":"device","type":{"type":"enum","name":"DeviceType","symbols":["DESKTOP","MOBILE","TABLET","OTHER"],
        "default":"OTHER"},"default":"OTHER"}]}""";

  @Test
  @DisplayName(
      "v1 and v2 events are all stored; v1 data reads with v2's default; a v2-only field is refused for v1")
  void olderVersionStillFlows() throws Exception {
    JsonObject config = GatewayInstance.isolated("evolution");
    String subject = subject(config);
    int v1 = preRegister(config, PAGE_VIEW_V1);
    try (GatewayInstance gateway = GatewayInstance.start(config, "all")) {
      ApiClient api = gateway.api();
      JsonObject versions = new JsonObject()
          .put(
              "versions",
              new JsonArray(
                  api.get("/registry/subjects/" + subject + "/versions").body()));
      assertThat(versions.getJsonArray("versions")).containsExactly(1, 2);

      JsonObject old = ApiClient.pageView("old-client")
          .put("dataschema", "/registry/subjects/" + subject + "/versions/1");
      ApiClient.Response oldAccepted = api.postEvent(old);
      assertThat(oldAccepted.status()).isEqualTo(202);
      JsonObject oldByIdWithNewField =
          ApiClient.pageView("old-client").put("dataschema", "/registry/schemas/ids/" + v1);
      oldByIdWithNewField.getJsonObject("data").put("load_time_ms", 120);
      ApiClient.Response refused = api.postEvent(oldByIdWithNewField);
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.body()).contains("data.load_time_ms");
      JsonObject current = ApiClient.pageView("new-client");
      current.getJsonObject("data").put("load_time_ms", 87);
      assertThat(api.postEvent(current).status()).isEqualTo(202);
      ApiClient.Response unknown =
          api.postEvent(ApiClient.pageView("x").put("dataschema", "/registry/schemas/ids/99999"));
      assertThat(unknown.status()).isEqualTo(400);
      assertThat(unknown.json().getJsonArray("errors").getJsonObject(0).getString("field"))
          .isEqualTo("dataschema");

      JsonObject result = oldAccepted.json().getJsonArray("results").getJsonObject(0);
      ConsumerRecord<String, byte[]> record = KafkaRecords.read(
          result.getString("topic"), result.getInteger("partition"), result.getLong("offset"));
      assertThat(ConfluentWireFormat.schemaId(record.value()))
          .as("the record keeps its writer's schema id")
          .isEqualTo(v1);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> api.get("/v1/events/" + old.getString("id")).status() == 200
              && api.get("/v1/events/" + current.getString("id")).status() == 200);
      JsonObject storedOld = api.get("/v1/events/" + old.getString("id")).json();
      assertThat(storedOld.getInteger("schemaId")).isEqualTo(v1);
      assertThat(storedOld.getJsonObject("data").containsKey("load_time_ms")).isTrue();
      assertThat(storedOld.getJsonObject("data").getValue("load_time_ms")).isNull();
      assertThat(api.get("/v1/events/" + current.getString("id"))
              .json()
              .getJsonObject("data")
              .getInteger("load_time_ms"))
          .isEqualTo(87);
    }
  }

  @Test
  @DisplayName(
      "a schemas/ change incompatible with the registered versions stops the start, naming the field")
  void incompatibleChangeFailsStartup() throws Exception {
    JsonObject config = GatewayInstance.isolated("incompatible");
    preRegister(
        config,
        PAGE_VIEW_V1.replace(
            "{\"name\":\"url\",\"type\":\"string\"}", "{\"name\":\"url\",\"type\":\"int\"}"));
    assertThatThrownBy(() -> GatewayInstance.start(config, "all").close())
        .hasStackTraceContaining("analytics.page_view")
        .hasStackTraceContaining("field 'url'");
  }

  /** The analytics topic's subject (topic name strategy, the default). */
  private static String subject(JsonObject config) {
    return config.getJsonObject("kafka").getJsonObject("topics").getString("analytics") + "-value";
  }

  /**
   * Registers, as version 1 of the analytics topic's subject, the topic's schema as it was with {@code pageView}
   * (the union of the family's records), before any gateway ran on the database.
   */
  private static int preRegister(JsonObject config, String pageView) throws Exception {
    PostgresConfig postgres = PostgresConfig.in(config);
    Migrations.migrate(postgres);
    Schema current = EventCatalog.load(config.getJsonObject("kafka").getJsonObject("topics"))
        .find("analytics.page_view")
        .subjectSchema();
    Schema oldPageView = new Schema.Parser().parse(pageView);
    Schema topicSchema = Schema.createUnion(current.getTypes().stream()
        .map(
            record -> record.getFullName().equals(oldPageView.getFullName()) ? oldPageView : record)
        .toList());
    String canonical = new Schema.Parser().parse(topicSchema.toString()).toString();
    String fingerprint = HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256")
            .digest(canonical.getBytes(StandardCharsets.UTF_8)));
    try (Connection connection = DriverManager.getConnection(TestInfra.jdbcUrl(postgres.url()));
        PreparedStatement schema = connection.prepareStatement(
            "INSERT INTO registry_schemas (schema_text, fingerprint) VALUES (?, ?) RETURNING id");
        PreparedStatement version = connection.prepareStatement(
            "INSERT INTO registry_subject_versions (subject, version, schema_id) VALUES (?, 1, ?)")) {
      schema.setString(1, canonical);
      schema.setString(2, fingerprint);
      var rows = schema.executeQuery();
      rows.next();
      int id = rows.getInt(1);
      version.setString(1, subject(config));
      version.setInt(2, id);
      version.executeUpdate();
      return id;
    }
  }
}
