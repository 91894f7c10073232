package io.eventgateway.schema;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.avro.Schema;

/**
 * Every event type the gateway accepts, read from the {@code schemas/} folder (carried on the classpath):
 * {@code schemas/families.json} names each family's schema files; each file holds a union of records, and each
 * record names its CloudEvents type in the {@value EventType#CE_TYPE_PROPERTY} property.
 *
 * <p>Immutable: shared by reference between verticles.
 */
public final class EventCatalog {

  private static final String ROOT = "schemas/";

  private final Map<String, EventType> byType;

  private EventCatalog(Map<String, EventType> byType) {
    this.byType = Collections.unmodifiableMap(new LinkedHashMap<>(byType));
  }

  /** Reads the schemas from the classpath, with subjects named by the topic name strategy. */
  public static EventCatalog load(JsonObject topics) {
    return load(topics, SubjectNameStrategy.TOPIC_NAME);
  }

  /**
   * Reads the schemas from the classpath.
   *
   * @param topics family name to Kafka topic; every family in {@code families.json} must have one
   * @param strategy how the registry subjects are named
   */
  public static EventCatalog load(JsonObject topics, SubjectNameStrategy strategy) {
    JsonObject families = new JsonObject(read("families.json"));
    Map<String, EventType> types = new LinkedHashMap<>();
    for (String family : families.fieldNames()) {
      String topic = topics.getString(family);
      if (topic == null) {
        throw new IllegalArgumentException("kafka.topics." + family + " is not configured");
      }
      List<Schema> records = new ArrayList<>();
      for (Object file : families.getJsonArray(family)) {
        records.addAll(parseRecords((String) file));
      }
      // one schema per topic: the family's records as one union, new records appended at its end
      Schema topicSchema = Schema.createUnion(records);
      for (Schema record : records) {
        String type = record.getProp(EventType.CE_TYPE_PROPERTY);
        if (type == null) {
          throw new IllegalArgumentException(family + ": record " + record.getFullName()
              + " has no " + EventType.CE_TYPE_PROPERTY);
        }
        Schema subjectSchema = strategy == SubjectNameStrategy.TOPIC_NAME ? topicSchema : record;
        EventType previous = types.put(
            type,
            new EventType(
                type,
                family,
                topic,
                record,
                strategy.subject(topic, record.getFullName()),
                subjectSchema,
                -1,
                Map.of()));
        if (previous != null) {
          throw new IllegalArgumentException("event type " + type + " is declared twice");
        }
      }
    }
    return new EventCatalog(types);
  }

  private static List<Schema> parseRecords(String file) {
    Schema schema = new Schema.Parser().parse(read(file));
    return schema.getType() == Schema.Type.UNION ? schema.getTypes() : List.of(schema);
  }

  private static String read(String name) {
    try (InputStream in = EventCatalog.class.getClassLoader().getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException(ROOT + name + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy whose types carry the ids the registry gave their schemas. */
  public EventCatalog withSchemaIds(ToIntFunction<EventType> registeredId) {
    return registered(type -> type.registered(registeredId.applyAsInt(type), Map.of()));
  }

  /** A copy whose types carry their registered id and every live version of their subject. */
  public EventCatalog registered(Function<EventType, EventType> registration) {
    Map<String, EventType> registered = new LinkedHashMap<>();
    byType.forEach((name, type) -> registered.put(name, registration.apply(type)));
    return new EventCatalog(registered);
  }

  /** The type, or {@code null} when unknown. */
  public EventType find(String type) {
    return byType.get(type);
  }

  public Collection<EventType> types() {
    return byType.values();
  }

  /** The known type names, sorted, for error messages. */
  public JsonArray typeNames() {
    return new JsonArray(byType.keySet().stream().sorted().toList());
  }
}
