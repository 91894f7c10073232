package io.eventgateway.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The event catalog read from schemas/")
class EventCatalogTest {

  static final JsonObject TOPICS =
      new JsonObject().put("analytics", "a").put("chemistry", "c").put("chip_quality", "q");

  private final EventCatalog catalog = EventCatalog.load(TOPICS);

  @Test
  @DisplayName(
      "holds the three families: 10 analytics types, the molecule, and 32 chip-quality types")
  void familiesAndCounts() {
    Map<String, Long> perFamily = catalog.types().stream()
        .collect(Collectors.groupingBy(EventType::family, Collectors.counting()));
    assertThat(perFamily)
        .containsEntry("analytics", 10L)
        .containsEntry("chemistry", 1L)
        .containsEntry("chip_quality", 32L);
    assertThat(catalog.find("analytics.page_view").topic()).isEqualTo("a");
    assertThat(catalog.find("chip.inspection.defect_detected").topic()).isEqualTo("q");
    assertThat(catalog.find("chemistry.molecule_submitted").subject()).isEqualTo("c-value");
  }

  @Test
  @DisplayName(
      "names subjects as Confluent's three strategies do; with the topic strategy a topic's schema is its family's union")
  void subjectNameStrategies() {
    EventType byTopic = catalog.find("analytics.page_view");
    assertThat(byTopic.subjectSchema().getType()).isEqualTo(org.apache.avro.Schema.Type.UNION);
    assertThat(byTopic.subjectSchema().getTypes()).hasSize(10).contains(byTopic.schema());
    EventType byRecord = EventCatalog.load(TOPICS, SubjectNameStrategy.parse("RecordNameStrategy"))
        .find("analytics.page_view");
    assertThat(byRecord.subject()).isEqualTo("io.eventgateway.events.analytics.PageView");
    assertThat(byRecord.subjectSchema()).isEqualTo(byRecord.schema());
    assertThat(EventCatalog.load(
                TOPICS,
                SubjectNameStrategy.parse(
                    "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"))
            .find("analytics.page_view")
            .subject())
        .isEqualTo("a-io.eventgateway.events.analytics.PageView");
  }

  @Test
  @DisplayName("has the analytics types users run")
  void analyticsTypes() {
    assertThat(catalog.typeNames().getList())
        .contains(
            "analytics.page_view",
            "analytics.click",
            "analytics.search",
            "analytics.add_to_cart",
            "analytics.purchase",
            "analytics.login",
            "analytics.logout",
            "analytics.session_start",
            "analytics.session_end",
            "analytics.custom");
  }

  @Test
  @DisplayName("every type's example is valid against its schema and reads back unchanged")
  void examplesRoundTrip() {
    for (EventType type : catalog.types()) {
      JsonObject example = ExampleData.forRecord(type.schema());
      List<FieldError> errors = new ArrayList<>();
      GenericRecord record = JsonToAvro.toRecord(type.schema(), example, "data", errors);
      assertThat(errors).as(type.type()).isEmpty();
      GenericRecord decoded = ConfluentWireFormat.decode(
          ConfluentWireFormat.encode(7, type.subjectSchema(), record),
          type.subjectSchema(),
          type.schema());
      assertThat(AvroToJson.toJson(decoded)).as(type.type()).isEqualTo(example);
    }
  }

  @Test
  @DisplayName("a family without a configured topic fails fast, naming the key")
  void missingTopic() {
    assertThatThrownBy(() -> EventCatalog.load(new JsonObject().put("analytics", "a")))
        .hasMessageContaining("kafka.topics.");
  }
}
