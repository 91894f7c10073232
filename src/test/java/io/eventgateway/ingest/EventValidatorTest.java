package io.eventgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.auth.Caller;
import io.eventgateway.schema.ByteLimits;
import io.eventgateway.schema.ConfluentWireFormat;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.FieldError;
import io.vertx.core.json.JsonObject;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CloudEvent validation and serialization")
class EventValidatorTest {

  private static final EventCatalog CATALOG = EventCatalog.load(new JsonObject()
          .put("analytics", "topic-a")
          .put("chemistry", "topic-c")
          .put("chip_quality", "topic-q"))
      .withSchemaIds(type -> 41);

  private final EventValidator validator = new EventValidator(CATALOG);

  private static JsonObject event() {
    return new JsonObject()
        .put("specversion", "1.0")
        .put("id", "e-1")
        .put("source", "/shop")
        .put("type", "analytics.login")
        .put("subject", "user-7")
        .put("traceid", "abc123")
        .put(
            "data", new JsonObject().put("user_id", "u").put("method", "SSO").put("success", true));
  }

  @Test
  @DisplayName(
      "an accepted event becomes a Kafka record: subject as key, ce_* headers, Confluent framing")
  void acceptedEventBecomesRecord() {
    Validated result = validator.validate(3, event(), 1_000L, Caller.UNAUTHENTICATED);

    assertThat(result).isInstanceOf(EventValidator.Accepted.class);
    EventValidator.Accepted accepted = (EventValidator.Accepted) result;
    assertThat(accepted.index()).isEqualTo(3);
    assertThat(accepted.record().topic()).isEqualTo("topic-a");
    assertThat(accepted.record().key()).isEqualTo("user-7");
    assertThat(accepted.record().timestamp()).isEqualTo(1_000L);
    assertThat(accepted.record().headers())
        .containsEntry("ce_id", "e-1")
        .containsEntry("ce_type", "analytics.login")
        .containsEntry("ce_specversion", "1.0")
        .containsEntry("ce_traceid", "abc123")
        .containsEntry("content-type", "application/avro");
    byte[] value = accepted.record().value();
    assertThat(value[0]).isZero();
    assertThat(new byte[] {value[1], value[2], value[3], value[4]}).containsExactly(0, 0, 0, 41);
    // the value decodes, with the login's own schema, back to the data that was posted
    Schema schema = CATALOG.find("analytics.login").subjectSchema();
    GenericRecord data = ConfluentWireFormat.decode(
        value, schema, CATALOG.find("analytics.login").schema());
    assertThat(data.get("user_id")).hasToString("u");
    assertThat(data.get("method")).hasToString("SSO");
    assertThat(data.get("success")).isEqualTo(true);
  }

  @Test
  @DisplayName("without a subject the id is the key")
  void idIsTheDefaultKey() {
    JsonObject event = event();
    event.remove("subject");
    assertThat(((EventValidator.Accepted) validator.validate(0, event, 0, Caller.UNAUTHENTICATED))
            .record()
            .key())
        .isEqualTo("e-1");
  }

  @Test
  @DisplayName("missing or malformed attributes are each named")
  void attributes() {
    JsonObject event =
        event().put("specversion", "0.3").put("time", "noon").put("id", 5).put("BadName", "x");
    event.remove("source");

    EventError error = (EventError) validator.validate(0, event, 0, Caller.UNAUTHENTICATED);

    assertThat(error.status()).isEqualTo(400);
    assertThat(error.errors())
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("specversion", "id", "source", "time", "BadName");
  }

  @Test
  @DisplayName(
      "every attribute and every key field is bounded in UTF-8 bytes: the field, its length and the limit are named")
  void boundsKeysInUtf8Bytes() {
    String fits = "x".repeat(ByteLimits.ATTRIBUTE_MAX_BYTES);
    assertThat(validator.validate(
            0,
            event().put("id", fits).put("source", fits).put("subject", fits).put("traceid", fits),
            0,
            Caller.UNAUTHENTICATED))
        .isInstanceOf(EventValidator.Accepted.class);

    String over = "x".repeat(ByteLimits.ATTRIBUTE_MAX_BYTES + 1);
    // 171 three-byte characters: 513 bytes, though only 171 characters
    String overInBytes = "€".repeat(171);
    JsonObject event = event()
        .put("id", over)
        .put("source", overInBytes)
        .put("subject", over)
        .put("traceid", over)
        .put("dataschema", over);
    EventError error = (EventError) validator.validate(0, event, 0, Caller.UNAUTHENTICATED);
    assertThat(error.status()).isEqualTo(400);
    assertThat(error.errors())
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("id", "source", "subject", "traceid", "dataschema");
    assertThat(error.errors())
        .contains(
            new FieldError("id", "is 513 bytes long in UTF-8; the limit is 512"),
            new FieldError("source", "is 513 bytes long in UTF-8; the limit is 512"));

    JsonObject longUser = event();
    longUser.getJsonObject("data").put("user_id", "u".repeat(257));
    assertThat(((EventError) validator.validate(0, longUser, 0, Caller.UNAUTHENTICATED)).errors())
        .containsExactly(
            new FieldError("data.user_id", "is 257 bytes long in UTF-8; the limit is 256"));

    EventError type = (EventError)
        validator.validate(0, event().put("type", "t".repeat(6000)), 0, Caller.UNAUTHENTICATED);
    assertThat(type.status()).isEqualTo(400);
    assertThat(type.errors())
        .containsExactly(new FieldError("type", "is 6000 bytes long in UTF-8; the limit is 512"));
  }

  @Test
  @DisplayName("the key fields of every family are bounded, in unions too, and SMILES more loosely")
  void keyFieldsOfEveryFamily() {
    assertThat(ByteLimits.ofRecord(CATALOG.find("analytics.page_view").schema(), "data"))
        .containsEntry("data.user_id", 256)
        .containsEntry("data.session_id", 256);
    assertThat(ByteLimits.ofRecord(CATALOG.find("chip.inspection.completed").schema(), "data"))
        .containsKeys("data.line_id", "data.batch_id", "data.product_id");
    assertThat(ByteLimits.ofRecord(CATALOG.find("chip.equipment.status_changed").schema(), "data"))
        .containsKeys("data.equipment_id", "data.line_id");
    assertThat(ByteLimits.ofRecord(CATALOG.find("chip.system.error").schema(), "data"))
        .containsKey("data.service");
    assertThat(ByteLimits.ofRecord(CATALOG.find("chemistry.molecule_submitted").schema(), "data"))
        .containsEntry("data.smiles", 1024);

    JsonObject optionalKey = event().put("type", "analytics.page_view");
    optionalKey.put(
        "data",
        new JsonObject()
            .put("user_id", "u")
            .put("url", "https://shop.example/")
            .put("session_id", "s".repeat(300)));
    EventError error = (EventError) validator.validate(0, optionalKey, 0, Caller.UNAUTHENTICATED);
    assertThat(error.errors())
        .containsExactly(
            new FieldError("data.session_id", "is 300 bytes long in UTF-8; the limit is 256"));
  }

  @Test
  @DisplayName("an unknown type is a 404; missing data a 400")
  void typeAndData() {
    assertThat(((EventError)
                validator.validate(0, event().put("type", "nope"), 0, Caller.UNAUTHENTICATED))
            .status())
        .isEqualTo(404);
    JsonObject noData = event();
    noData.remove("data");
    EventError error = (EventError) validator.validate(0, noData, 0, Caller.UNAUTHENTICATED);
    assertThat(error.status()).isEqualTo(400);
    assertThat(error.errors()).extracting(FieldError::field).containsExactly("data");
  }
}
