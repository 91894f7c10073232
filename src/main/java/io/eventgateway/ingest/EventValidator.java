package io.eventgateway.ingest;

import io.eventgateway.auth.Caller;
import io.eventgateway.bus.ProduceBatch;
import io.eventgateway.kafka.CloudEventHeaders;
import io.eventgateway.kafka.GatewayHeaders;
import io.eventgateway.schema.ByteLimits;
import io.eventgateway.schema.ConfluentWireFormat;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.eventgateway.schema.FieldError;
import io.eventgateway.schema.JsonScalars;
import io.eventgateway.schema.JsonToAvro;
import io.eventgateway.schema.Rfc3339;
import io.vertx.core.json.JsonObject;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Checks one CloudEvent (JSON format, spec version 1.0) and its {@code data} against the schema its
 * {@code type} selects (or the registered version its {@code dataschema} names), and serializes the accepted event into the Kafka record that carries it.
 * Plain logic, no Vert.x: unit-tested on its own.
 */
public final class EventValidator {

  private static final String SPEC_VERSION = "1.0";
  private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1,20}");
  private static final List<String> CONTEXT_ATTRIBUTES = List.of(
      "specversion",
      "id",
      "source",
      "type",
      "time",
      "subject",
      "datacontenttype",
      "dataschema",
      "data");

  private final EventCatalog catalog;

  public EventValidator(EventCatalog catalog) {
    this.catalog = catalog;
  }

  /** An event that passed validation, with the record to produce. */
  public record Accepted(int index, String id, ProduceBatch.Record record) implements Validated {}

  /** An item that was no event at all stays the error it already is; a JSON object is validated. */
  public Validated validate(int index, EventInput input, long receivedAtMillis, Caller caller) {
    return input instanceof EventInput.Json json
        ? validate(index, json.event(), receivedAtMillis, caller)
        : (EventError) input;
  }

  /** @return an {@link Accepted} or an {@link EventError}; {@code 403} when {@code caller} may not publish the type */
  public Validated validate(int index, JsonObject event, long receivedAtMillis, Caller caller) {
    String id = event.getValue("id") instanceof String text ? text : null;
    List<FieldError> errors = new ArrayList<>();
    Object specVersion = event.getValue("specversion");
    if (specVersion == null) {
      errors.add(new FieldError("specversion", "required attribute is missing"));
    } else if (!SPEC_VERSION.equals(specVersion)) {
      errors.add(new FieldError("specversion", "must be \"1.0\""));
    }
    requireText(event, "id", errors);
    requireText(event, "source", errors);
    String typeName = requireText(event, "type", errors);
    String time = optionalText(event, "time", errors);
    if (time != null) {
      try {
        Rfc3339.parseInstant(time);
      } catch (DateTimeParseException e) {
        errors.add(new FieldError("time", "must be an RFC 3339 timestamp, got \"" + time + "\""));
      }
    }
    String subject = optionalText(event, "subject", errors);
    String contentType = optionalText(event, "datacontenttype", errors);
    if (contentType != null && !contentType.startsWith("application/json")) {
      errors.add(new FieldError("datacontenttype", "only application/json data is accepted"));
    }
    if (event.containsKey("data_base64")) {
      errors.add(new FieldError("data_base64", "binary data is not accepted; send data as JSON"));
    }
    Map<String, String> extensions = extensions(event, errors);
    if (typeName == null) {
      return EventError.invalid(index, id, errors);
    }
    EventType type = catalog.find(typeName);
    if (type == null) {
      errors.add(
          new FieldError("type", "unknown event type '" + typeName + "'; see GET /v1/types"));
      return new EventError(index, id, 404, "Unknown event type", errors);
    }
    if (!caller.mayPublish(type.type(), type.family())) {
      return new EventError(
          index,
          id,
          403,
          "Forbidden",
          List.of(
              new FieldError("type", "'" + caller.name() + "' may not publish " + type.type())));
    }
    if (!event.containsKey("data")) {
      errors.add(new FieldError("data", "required attribute is missing"));
      return EventError.invalid(index, id, errors);
    }
    EventType.Version writer =
        DataSchemaReference.version(optionalText(event, "dataschema", errors), type, errors);
    if (!errors.isEmpty()) {
      return EventError.invalid(index, id, errors);
    }
    Schema schema = writer == null ? type.schema() : writer.record(type.schema().getFullName());
    if (schema == null) {
      return EventError.invalid(
          index,
          id,
          "dataschema",
          "version " + writer.version() + " of subject " + type.subject() + " has no "
              + type.type());
    }
    Schema writerSchema = writer == null ? type.subjectSchema() : writer.schema();
    int schemaId = writer == null ? type.schemaId() : writer.id();
    GenericRecord data = JsonToAvro.toRecord(schema, event.getValue("data"), "data", errors);
    if (!errors.isEmpty()) {
      return EventError.invalid(index, id, errors);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(CloudEventHeaders.SPEC_VERSION, SPEC_VERSION);
    headers.put(CloudEventHeaders.ID, id);
    headers.put(CloudEventHeaders.SOURCE, event.getString("source"));
    headers.put(CloudEventHeaders.TYPE, typeName);
    putIfPresent(headers, CloudEventHeaders.TIME, time);
    putIfPresent(headers, CloudEventHeaders.SUBJECT, subject);
    headers.put(CloudEventHeaders.DATA_SCHEMA, "/registry/schemas/ids/" + schemaId);
    headers.put(CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.AVRO_CONTENT_TYPE);
    headers.putAll(extensions);
    headers.put(GatewayHeaders.TENANT, caller.tenant());
    headers.put(GatewayHeaders.CREDENTIAL, caller.id());
    String key = subject != null ? subject : id;
    byte[] value = ConfluentWireFormat.encode(schemaId, writerSchema, data);
    return new Accepted(
        index, id, new ProduceBatch.Record(type.topic(), key, headers, value, receivedAtMillis));
  }

  /** CloudEvents extension attributes travel as {@code ce_<name>} headers, as the Kafka binding says. */
  private static Map<String, String> extensions(JsonObject event, List<FieldError> errors) {
    Map<String, String> extensions = new LinkedHashMap<>();
    for (String name : event.fieldNames()) {
      if (CONTEXT_ATTRIBUTES.contains(name) || name.equals("data_base64")) {
        continue;
      }
      Object value = event.getValue(name);
      if (!EXTENSION_NAME.matcher(name).matches()) {
        errors.add(
            new FieldError(name, "extension attribute names are 1-20 lowercase letters or digits"));
      } else if (value instanceof String text) {
        String checked = wellFormed(name, text, errors);
        if (checked != null) {
          extensions.put("ce_" + name, checked);
        }
      } else if (value instanceof Number || value instanceof Boolean) {
        extensions.put("ce_" + name, value.toString());
      } else {
        errors.add(
            new FieldError(name, "extension attributes must be strings, numbers or booleans"));
      }
    }
    return extensions;
  }

  private static String requireText(JsonObject event, String name, List<FieldError> errors) {
    Object value = event.getValue(name);
    if (value == null) {
      errors.add(new FieldError(name, "required attribute is missing"));
      return null;
    }
    if (!(value instanceof String text) || text.isEmpty()) {
      errors.add(new FieldError(name, "must be a non-empty string"));
      return null;
    }
    return wellFormed(name, text, errors);
  }

  /**
   * Attributes become Kafka headers, and the identifying ones keys in PostgreSQL: text that has no faithful UTF-8
   * form is refused rather than mangled, and text over {@link ByteLimits#ATTRIBUTE_MAX_BYTES} rather than
   * acknowledged and then refused by the store.
   */
  private static String wellFormed(String name, String text, List<FieldError> errors) {
    String malformed = JsonScalars.unicodeProblem(text);
    if (malformed == null) {
      malformed = ByteLimits.exceeded(text, ByteLimits.ATTRIBUTE_MAX_BYTES);
    }
    if (malformed != null) {
      errors.add(new FieldError(name, malformed));
      return null;
    }
    return text;
  }

  private static String optionalText(JsonObject event, String name, List<FieldError> errors) {
    Object value = event.getValue(name);
    if (value == null) {
      return null;
    }
    if (value instanceof String text) {
      return wellFormed(name, text, errors);
    }
    errors.add(new FieldError(name, "must be a string"));
    return null;
  }

  private static void putIfPresent(Map<String, String> headers, String name, String value) {
    if (value != null) {
      headers.put(name, value);
    }
  }
}
