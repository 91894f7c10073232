package io.eventgateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.eventgateway.schema.EventCatalog;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the registry's schema parsing and compatibility check, which take any text a client
 * registers: either a schema, or a {@link RegistryException} the API answers with {@code 42201}; checking a parsed
 * schema against a registered one answers, whatever it is.
 */
class SchemaParsingFuzzTest {

  private static final Schema REGISTERED = EventCatalog.load(new JsonObject()
          .put("analytics", "topic-a")
          .put("chemistry", "topic-c")
          .put("chip_quality", "topic-q"))
      .find("analytics.page_view")
      .subjectSchema();

  @FuzzTest(maxDuration = "10m")
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void parsesAnySchemaText(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    Schema schema;
    try {
      schema = SchemaRegistryStore.parse(text);
    } catch (RegistryException invalid) {
      // any text that is not a schema is the registry's 42201 (a client's error), never anything
      // else
      assertThat(invalid.status()).isEqualTo(422);
      assertThat(invalid.errorCode()).isEqualTo(42201);
      return;
    }
    // the canonical form the registry stores parses to the same schema
    assertThat(SchemaRegistryStore.parse(schema.toString())).isEqualTo(schema);
    for (CompatibilityLevel level : CompatibilityLevel.values()) {
      // checking against a registered schema never throws, and a schema is always compatible with
      // itself
      Compatibility.check(level, schema, List.of(REGISTERED));
      assertThat(Compatibility.check(level, schema, List.of(schema)))
          .as(level.name())
          .isEmpty();
    }
  }
}
