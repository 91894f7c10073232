package io.eventgateway.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("JSON to Avro conversion")
class JsonToAvroTest {

  private static final Schema SCHEMA = new Schema.Parser().parse("""
      {"type": "record", "name": "Sample", "fields": [
        {"name": "name", "type": "string"},
        {"name": "count", "type": "int"},
        {"name": "total", "type": "long", "default": 0},
        {"name": "ratio", "type": ["null", "double"], "default": null},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 6, "scale": 2}},
        {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
        {"name": "attributes", "type": {"type": "map", "values": "int"}, "default": {}}
      ]}""");

  private final List<FieldError> errors = new ArrayList<>();

  private static JsonObject valid() {
    return new JsonObject()
        .put("name", "n")
        .put("count", 3)
        .put("kind", "A")
        .put("at", "2026-01-02T03:04:05.678Z")
        .put("price", 12.34);
  }

  @Test
  @DisplayName("fills defaults, parses timestamps and decimals, and renders back the same JSON")
  void convertsAndRoundTrips() {
    GenericRecord record = JsonToAvro.toRecord(SCHEMA, valid(), "data", errors);
    assertThat(errors).isEmpty();
    assertThat(record.get("total")).isEqualTo(0L);
    assertThat(record.get("at")).isEqualTo(1767323045678L);
    JsonObject back = AvroToJson.toJson(record);
    assertThat(back.getString("at")).isEqualTo("2026-01-02T03:04:05.678Z");
    assertThat(back.getValue("price").toString()).isEqualTo("12.34");
    assertThat(back.getJsonArray("tags")).isEmpty();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @DisplayName(
      "refuses decimal bombs (huge exponents, endless digits) by their notation, without expanding them")
  void refusesDecimalBombs() {
    for (Object bomb :
        List.of("1e500000000", "-9.99E+999999999", "1" + "0".repeat(100_000), "0.5e-999999999")) {
      errors.clear();
      assertThat(JsonToAvro.toRecord(SCHEMA, valid().put("price", bomb), "data", errors))
          .isNull();
      assertThat(errors).extracting(FieldError::field).containsExactly("data.price");
    }
    errors.clear();
    assertThat(JsonToAvro.toRecord(SCHEMA, valid().put("price", "9999.99"), "data", errors))
        .isNotNull();
    assertThat(JsonToAvro.toRecord(SCHEMA, valid().put("price", "1.2e3"), "data", errors))
        .isNotNull();
    assertThat(JsonToAvro.toRecord(SCHEMA, valid().put("price", "0e900"), "data", errors))
        .isNotNull();
    assertThat(errors).isEmpty();
    JsonToAvro.toRecord(SCHEMA, valid().put("price", "10000.00"), "data", errors);
    assertThat(errors)
        .extracting(FieldError::reason)
        .containsExactly("at most 6 significant digits allowed");
  }

  @Test
  @DisplayName("accepts epoch milliseconds for timestamps")
  void epochMillis() {
    GenericRecord record =
        JsonToAvro.toRecord(SCHEMA, valid().put("at", 1767323045678L), "data", errors);
    assertThat(errors).isEmpty();
    assertThat(record.get("at")).isEqualTo(1767323045678L);
  }

  @Test
  @DisplayName("reports every violation with the path of its field")
  void reportsEveryViolation() {
    JsonObject json = valid()
        .put("count", "three")
        .put("kind", "C")
        .put("price", 1.234)
        .put("extra", true)
        .put("tags", new JsonArray().add("ok").add(5))
        .put("attributes", new JsonObject().put("k", "v"));
    json.remove("name");

    assertThat(JsonToAvro.toRecord(SCHEMA, json, "data", errors)).isNull();

    assertThat(errors)
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder(
            "data.name",
            "data.count",
            "data.kind",
            "data.price",
            "data.extra",
            "data.tags[1]",
            "data.attributes.k");
    assertThat(errors)
        .filteredOn(e -> e.field().equals("data.kind"))
        .first()
        .extracting(FieldError::reason)
        .asString()
        .contains("[A, B]");
  }

  @Test
  @DisplayName(
      "rejects integers out of range, fractions for integers, bad timestamps and NUL characters")
  void rejectsEdgeValues() {
    JsonToAvro.toRecord(SCHEMA, valid().put("count", 3_000_000_000L), "d", errors);
    JsonToAvro.toRecord(
        SCHEMA, valid().put("total", new BigInteger("99999999999999999999")), "d", errors);
    JsonToAvro.toRecord(SCHEMA, valid().put("count", 1.5), "d", errors);
    JsonToAvro.toRecord(SCHEMA, valid().put("at", "yesterday"), "d", errors);
    JsonToAvro.toRecord(SCHEMA, valid().put("name", "a\u0000b"), "d", errors);
    JsonToAvro.toRecord(SCHEMA, valid().put("price", 12345.6), "d", errors);
    assertThat(errors)
        .extracting(FieldError::field)
        .containsExactly("d.count", "d.total", "d.count", "d.at", "d.name", "d.price");
  }

  @Test
  @DisplayName("a union takes null only when it has a null branch")
  void unions() {
    assertThat(JsonToAvro.toRecord(SCHEMA, valid().putNull("ratio"), "d", errors))
        .isNotNull();
    assertThat(JsonToAvro.toRecord(SCHEMA, valid().putNull("name"), "d", errors))
        .isNull();
    assertThat(errors).extracting(FieldError::field).containsExactly("d.name");
  }

  @Test
  @DisplayName(
      "reads UTC timestamps by hand exactly as the formatter does, and leaves every other form to it")
  void parsesTimestampsAsTheFormatter() {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 10_000; i++) {
      java.time.Instant instant = java.time.Instant.ofEpochSecond(
          random.nextLong(-62_000_000_000L, 250_000_000_000L),
          random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
      String text = instant.toString();
      assertThat(Rfc3339.parseInstant(text))
          .as(text)
          .isEqualTo(java.time.OffsetDateTime.parse(text).toInstant());
    }
    assertThat(Rfc3339.parseInstant("2026-11-23T10:00:00.5Z"))
        .hasToString("2026-11-23T10:00:00.500Z");
    assertThat(Rfc3339.parseInstant("2026-11-23T11:00:00+01:00"))
        .hasToString("2026-11-23T10:00:00Z");
    assertThat(Rfc3339.parseInstant("2026-11-23T24:00:00Z")).hasToString("2026-11-24T00:00:00Z");
    assertThat(Rfc3339.parseInstant("2026-11-23T10:00:00.Z")).hasToString("2026-11-23T10:00:00Z");
    for (String invalid : List.of(
        "2026-02-30T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-11-23T10:00:00.1234567890Z",
        "2026-11-23T1a:00:00Z",
        "2026-11-23 10:00:00Z")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Rfc3339.parseInstant(invalid))
          .as(invalid)
          .isInstanceOf(java.time.format.DateTimeParseException.class);
    }
  }
}
