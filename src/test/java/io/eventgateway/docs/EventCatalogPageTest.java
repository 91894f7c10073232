package io.eventgateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.config.ConfigLoader;
import io.eventgateway.schema.ByteLimits;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.eventgateway.schema.ExampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/event-catalog.md} is generated from {@code schemas/}: this test renders it and fails when the committed
 * page differs. {@code mvn test -Dtest=EventCatalogPageTest -Ddocs.write=true} rewrites it after a schema change.
 */
@DisplayName("docs/event-catalog.md")
class EventCatalogPageTest {

  private static final Path PAGE = Path.of("docs/event-catalog.md");

  @Test
  @DisplayName("is what schemas/ generates")
  void upToDate() throws Exception {
    String rendered = render(EventCatalog.load(
        ConfigLoader.load("prod", Map.of()).getJsonObject("kafka").getJsonObject("topics")));
    if (Boolean.getBoolean("docs.write")) {
      Files.writeString(PAGE, rendered);
    }
    assertThat(Files.readString(PAGE))
        .as("run: mvn test -Dtest=EventCatalogPageTest -Ddocs.write=true")
        .isEqualTo(rendered);
  }

  static String render(EventCatalog catalog) {
    List<EventType> types = catalog.types().stream()
        .sorted(Comparator.comparing(EventType::family).thenComparing(EventType::type))
        .toList();
    StringBuilder page = new StringBuilder(
        """
        # Event catalog

        Generated from `schemas/` by `EventCatalogPageTest`; do not edit by hand. Every CloudEvents `type` the gateway
        accepts, the topic it goes to and the fields of its `data` (Avro record). `GET /v1/types` serves the same, with
        the registered schema ids.

        Values that become keys in PostgreSQL are bounded in UTF-8 bytes (for ASCII, characters), so that an event
        the gateway acknowledges can always be stored: every CloudEvents attribute (`id`, `source`, `subject`,
        `type`, `dataschema`, extensions) at most ATTRIBUTE_MAX_BYTES bytes, and each `data` field with a *max bytes*
        below (the schema's `maxBytes` property; `GET /v1/types` lists them as `maxBytes` by path). A longer value is
        refused with `400`, naming the field, its length and the limit.

        | family | types | topic |
        | --- | --- | --- |
        """.replace("ATTRIBUTE_MAX_BYTES", String.valueOf(ByteLimits.ATTRIBUTE_MAX_BYTES)));
    types.stream()
        .collect(Collectors.groupingBy(EventType::family, TreeMap::new, Collectors.toList()))
        .forEach((family, ofFamily) -> page.append("| `")
            .append(family)
            .append("` | ")
            .append(ofFamily.size())
            .append(" | `")
            .append(ofFamily.get(0).topic())
            .append("` |\n"));
    String family = null;
    for (EventType type : types) {
      if (!type.family().equals(family)) {
        family = type.family();
        page.append("\n## ").append(family).append("\n");
      }
      Schema record = type.schema();
      page.append("\n### `").append(type.type()).append("`\n\n");
      if (record.getDoc() != null) {
        page.append(record.getDoc().strip()).append("\n\n");
      }
      page.append("Avro record `")
          .append(record.getFullName())
          .append("`, topic `")
          .append(type.topic())
          .append("`, subject `")
          .append(type.subject())
          .append("`.\n\n");
      page.append(
          "| field | type | required | max bytes | description |\n| --- | --- | --- | --- | --- |\n");
      for (Schema.Field field : record.getFields()) {
        page.append("| `")
            .append(field.name())
            .append("` | ")
            .append(typeName(field.schema()))
            .append(" | ")
            .append(field.hasDefaultValue() ? "no" : "yes")
            .append(" | ")
            .append(
                field.getObjectProp(ByteLimits.PROPERTY) == null
                    ? ""
                    : field.getObjectProp(ByteLimits.PROPERTY).toString())
            .append(" | ")
            .append(
                field.doc() == null
                    ? ""
                    : field.doc().strip().replace("|", "\\|").replace("\n", " "))
            .append(" |\n");
      }
      page.append("\nExample `data`:\n\n```json\n")
          .append(ExampleData.forRecord(record).encodePrettily())
          .append("\n```\n");
    }
    return page.toString();
  }

  /** A readable Avro type: {@code string}, {@code long (timestamp-millis)}, {@code array<Item>}, {@code null | string}. */
  private static String typeName(Schema schema) {
    String name = switch (schema.getType()) {
      case UNION ->
        schema.getTypes().stream()
            .map(EventCatalogPageTest::typeName)
            .collect(Collectors.joining(" \\| "));
      case ARRAY -> "array<" + typeName(schema.getElementType()) + ">";
      case MAP -> "map<string, " + typeName(schema.getValueType()) + ">";
      case RECORD -> "record `" + schema.getName() + "`";
      case ENUM -> "enum " + String.join(", ", schema.getEnumSymbols());
      default -> schema.getType().getName();
    };
    return schema.getLogicalType() == null
        ? name
        : name + " (" + schema.getLogicalType().getName() + ")";
  }
}
