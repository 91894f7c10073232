package io.eventgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.eventgateway.auth.Caller;
import io.eventgateway.schema.AvroToJson;
import io.eventgateway.schema.ConfluentWireFormat;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.eventgateway.schema.ExampleData;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of JSON → Avro validation against every event type's schema: an event is either refused
 * with errors that name fields, or accepted as Avro that decodes back to what was accepted. Starts from each
 * type's valid example and replaces one field of its data with fuzzed JSON, or takes a whole fuzzed event.
 */
class EventValidatorFuzzTest {

  private static final EventCatalog CATALOG = EventCatalog.load(new JsonObject()
          .put("analytics", "topic-a")
          .put("chemistry", "topic-c")
          .put("chip_quality", "topic-q"))
      .withSchemaIds(type -> 7);
  private static final List<EventType> TYPES = List.copyOf(CATALOG.types());

  private final EventValidator validator = new EventValidator(CATALOG);

  @FuzzTest(maxDuration = "10m")
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void validatesAnyEvent(FuzzedDataProvider data) {
    EventType type = data.pickValue(TYPES);
    JsonObject event = new JsonObject()
        .put("specversion", "1.0")
        .put("id", "fuzz-1")
        .put("source", "/fuzz")
        .put("type", type.type())
        .put("data", ExampleData.forRecord(type.schema()));
    JsonObject fuzzed;
    try {
      if (data.consumeBoolean()) {
        List<String> fields = List.copyOf(event.getJsonObject("data").fieldNames());
        String field = fields.isEmpty() ? "extra" : data.pickValue(fields);
        event.getJsonObject("data").put(field, JsonLimits.parse(data.consumeRemainingAsString()));
        fuzzed = event;
      } else if (JsonLimits.parse(data.consumeRemainingAsString()) instanceof JsonObject whole) {
        fuzzed = whole;
      } else {
        return;
      }
    } catch (DecodeException notJson) {
      return;
    }
    Validated result = validator.validate(0, fuzzed, 0, Caller.UNAUTHENTICATED);
    if (result instanceof EventError error) {
      assertThat(error.status()).isBetween(400, 499);
      assertThat(error.errors())
          .isNotEmpty()
          .allSatisfy(field -> assertThat(field.reason()).isNotBlank());
      return;
    }
    assertThat(result).isInstanceOf(EventValidator.Accepted.class);
    EventType accepted = CATALOG.find(fuzzed.getString("type"));
    byte[] value = ((EventValidator.Accepted) result).record().value();
    GenericRecord decoded =
        ConfluentWireFormat.decode(value, accepted.subjectSchema(), accepted.schema());
    // what was accepted is what a consumer reads, and it validates again
    JsonObject again = fuzzed.copy().put("data", AvroToJson.toJson(decoded));
    assertThat(validator.validate(0, again, 0, Caller.UNAUTHENTICATED))
        .isInstanceOf(EventValidator.Accepted.class);
  }
}
