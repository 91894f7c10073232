package io.eventgateway.schema;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

  /**
   * Reads the schemas from the classpath.
   *
   * @param topics family name to Kafka topic; every family in {@code families.json} must have one
   */
  public static EventCatalog load(JsonObject topics) {
    JsonObject families = new JsonObject(read("families.json"));
    Map<String, EventType> types = new LinkedHashMap<>();
    for (String family : families.fieldNames()) {
      String topic = topics.getString(family);
      if (topic == null) {
        throw new IllegalArgumentException("kafka.topics." + family + " is not configured");
      }
      for (Object file : families.getJsonArray(family)) {
        for (Schema record : parseRecords((String) file)) {
          String type = record.getProp(EventType.CE_TYPE_PROPERTY);
          if (type == null) {
            throw new IllegalArgumentException(file + ": record " + record.getFullName() + " has no " + EventType.CE_TYPE_PROPERTY);
          }
          EventType previous = types.put(type, new EventType(type, family, topic, record, record.getFullName(), -1,
              Map.of()));
          if (previous != null) {
            throw new IllegalArgumentException("event type " + type + " is declared twice");
          }
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
