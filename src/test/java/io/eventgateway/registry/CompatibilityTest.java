package io.eventgateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Compatibility levels on schema pairs, as Avro and Confluent's registry decide them")
class CompatibilityTest {

  private static final String V1 = record(
      "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"s\",\"type\":\"string\",\"default\":\"x\"},"
          + "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}}");

  /** Each change to {@link #V1}, with the verdicts for BACKWARD, FORWARD and FULL. */
  @ParameterizedTest(name = "{0}: BACKWARD {2}, FORWARD {3}, FULL {4}")
  @CsvSource(delimiter = '|', textBlock = """
      add optional field          | {"name":"a","type":"int"},{"name":"s","type":"string","default":"x"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},{"name":"o","type":["null","string"],"default":null} | true  | true  | true
      add required field          | {"name":"a","type":"int"},{"name":"s","type":"string","default":"x"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},{"name":"r","type":"string"}                        | false | true  | false
      remove field with default   | {"name":"a","type":"int"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}                                                                                        | true  | true  | true
      remove field without default| {"name":"s","type":"string","default":"x"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}                                                                       | true  | false | false
      rename with alias           | {"name":"b","type":"int","aliases":["a"]},{"name":"s","type":"string","default":"x"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}                             | true  | false | false
      change type int to string   | {"name":"a","type":"string"},{"name":"s","type":"string","default":"x"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}                                          | false | false | false
      promote int to long         | {"name":"a","type":"long"},{"name":"s","type":"string","default":"x"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}                                            | true  | false | false
      add enum symbol             | {"name":"a","type":"int"},{"name":"s","type":"string","default":"x"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}}                                         | true  | false | false
      """)
  void levels(String change, String fields, boolean backward, boolean forward, boolean full) {
    Schema candidate = parse(record(fields));
    List<Schema> earlier = List.of(parse(V1));
    assertThat(
            Compatibility.check(CompatibilityLevel.BACKWARD, candidate, earlier).isEmpty())
        .isEqualTo(backward);
    assertThat(
            Compatibility.check(CompatibilityLevel.FORWARD, candidate, earlier).isEmpty())
        .isEqualTo(forward);
    assertThat(Compatibility.check(CompatibilityLevel.FULL, candidate, earlier).isEmpty())
        .isEqualTo(full);
    assertThat(Compatibility.check(CompatibilityLevel.BACKWARD_TRANSITIVE, candidate, earlier)
            .isEmpty())
        .isEqualTo(backward);
    assertThat(Compatibility.check(CompatibilityLevel.FORWARD_TRANSITIVE, candidate, earlier)
            .isEmpty())
        .isEqualTo(forward);
    assertThat(Compatibility.check(CompatibilityLevel.FULL_TRANSITIVE, candidate, earlier)
            .isEmpty())
        .isEqualTo(full);
    assertThat(Compatibility.check(CompatibilityLevel.NONE, candidate, earlier)).isEmpty();
  }

  @Test
  @DisplayName("transitive levels check every earlier version, the others only the latest")
  void transitive() {
    Schema v1 = parse(record("{\"name\":\"a\",\"type\":\"int\"}"));
    Schema v2 = parse(record(
        "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}"));
    Schema v3 =
        parse(record("{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\"}"));
    assertThat(Compatibility.check(CompatibilityLevel.BACKWARD, v3, List.of(v1, v2)))
        .isEmpty();
    assertThat(Compatibility.check(CompatibilityLevel.BACKWARD_TRANSITIVE, v3, List.of(v1, v2)))
        .isNotEmpty();
  }

  @Test
  @DisplayName("the reason names the field and the kind of incompatibility")
  void messagesNameTheField() {
    Schema candidate = parse(
        record(
            "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"s\",\"type\":\"string\",\"default\":\"x\"},"
                + "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}},{\"name\":\"unit\",\"type\":\"string\"}"));
    List<String> messages =
        Compatibility.check(CompatibilityLevel.BACKWARD, candidate, List.of(parse(V1)));
    assertThat(messages)
        .singleElement()
        .asString()
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("field 'unit'")
        .contains("/fields/3");
    Schema retyped = parse(
        record(
            "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"s\",\"type\":\"string\",\"default\":\"x\"},"
                + "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}}"));
    assertThat(Compatibility.check(CompatibilityLevel.BACKWARD, retyped, List.of(parse(V1))))
        .singleElement()
        .asString()
        .contains("TYPE_MISMATCH")
        .contains("field 'a'");
  }

  @Test
  @DisplayName(
      "in a topic's union, an incompatible record is explained field by field; a removed record is named")
  void unionsOfRecords() {
    Schema other =
        parse("{\"type\":\"record\",\"name\":\"Other\",\"namespace\":\"t\",\"fields\":[]}");
    Schema old = Schema.createUnion(other, parse(V1));
    Schema retyped = Schema.createUnion(
        other,
        parse(
            record(
                "{\"name\":\"a\",\"type\":\"string\"},"
                    + "{\"name\":\"s\",\"type\":\"string\",\"default\":\"x\"},"
                    + "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}}")));
    assertThat(Compatibility.check(CompatibilityLevel.BACKWARD, retyped, List.of(old)))
        .singleElement()
        .asString()
        .contains("TYPE_MISMATCH")
        .contains("field 'a' of t.R")
        .contains("/1/fields/0");
    assertThat(Compatibility.check(
            CompatibilityLevel.BACKWARD, Schema.createUnion(other), List.of(old)))
        .singleElement()
        .asString()
        .contains("MISSING_UNION_BRANCH");
    Schema grown = Schema.createUnion(
        other,
        parse(V1),
        parse("{\"type\":\"record\",\"name\":\"New\",\"namespace\":\"t\",\"fields\":[]}"));
    assertThat(Compatibility.check(CompatibilityLevel.BACKWARD, grown, List.of(old)))
        .isEmpty();
  }

  private static String record(String fields) {
    return "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\",\"fields\":[" + fields + "]}";
  }

  private static Schema parse(String text) {
    return new Schema.Parser().parse(text);
  }
}
