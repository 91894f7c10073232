package io.eventgateway.ingest;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the events of a request in any content mode of the CloudEvents HTTP binding: structured
 * ({@code application/cloudevents+json}), batched ({@code application/cloudevents-batch+json}), NDJSON
 * ({@code application/x-ndjson}, one event per line), plain {@code application/json} (an event or an array), and
 * binary mode ({@code ce-*} headers, the body is {@code data}).
 *
 * <p>Returns one item per event: a {@link JsonObject} to validate, or an {@link EventError} when that event
 * could not even be parsed. Throws {@link RequestRejected} when the request as a whole is unacceptable.
 */
final class CloudEventsReader {

  static final String STRUCTURED = "application/cloudevents+json";
  static final String BATCH = "application/cloudevents-batch+json";
  static final String NDJSON = "application/x-ndjson";
  static final String JSON = "application/json";
  private static final List<String> SUPPORTED = List.of(STRUCTURED, BATCH, NDJSON, JSON);
  private static final List<String> BINARY_MODE_ATTRIBUTES = List.of("specversion", "id", "source", "type", "time", "subject",
      "dataschema");

  private final int maxBatchEvents;

  CloudEventsReader(int maxBatchEvents) {
    this.maxBatchEvents = maxBatchEvents;
  }

  List<Object> read(String contentType, MultiMap headers, Buffer body) {
    String mediaType = mediaType(contentType);
    if (!SUPPORTED.contains(mediaType)) {
      throw new RequestRejected(Problem.of(415, "unsupported-media-type", "Unsupported media type",
          "Content-Type " + (contentType == null ? "(missing)" : "'" + contentType + "'") + " is not accepted; use one of "
              + SUPPORTED).put("supported", new JsonArray(SUPPORTED)));
    }
    if (body == null || body.length() == 0 || body.toString().isBlank()) {
      throw invalidBody("The request body is empty");
    }
    return switch (mediaType) {
      case STRUCTURED -> List.of(object(parse(body)));
      case BATCH -> array(parse(body));
      case NDJSON -> lines(body);
      default -> plainJson(headers, parse(body));
    };
  }

  private List<Object> plainJson(MultiMap headers, Object json) {
    if (headers.contains("ce-specversion")) {
      JsonObject event = new JsonObject();
      for (String attribute : BINARY_MODE_ATTRIBUTES) {
        String value = headers.get("ce-" + attribute);
        if (value != null) {
          event.put(attribute, value);
        }
      }
      return List.of(event.put("data", json));
    }
    return json instanceof JsonArray ? array(json) : List.of(object(json));
  }

  private static Object object(Object json) {
    if (!(json instanceof JsonObject)) {
      throw invalidBody("Expected one event as a JSON object");
    }
    return json;
  }

  private List<Object> array(Object json) {
    if (!(json instanceof JsonArray array)) {
      throw invalidBody("Expected a JSON array of events");
    }
    if (array.isEmpty()) {
      throw invalidBody("The batch holds no events");
    }
    checkBatchSize(array.size());
    List<Object> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      items.add(item instanceof JsonObject ? item : EventError.invalid(i, null, "", "an event must be a JSON object"));
    }
    return items;
  }

  private List<Object> lines(Buffer body) {
    String[] lines = body.toString().split("\r?\n");
    List<Object> items = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      checkBatchSize(items.size() + 1);
      int index = items.size();
      try {
        Object json = Buffer.buffer(line).toJsonValue();
        items.add(json instanceof JsonObject ? json : EventError.invalid(index, null, "", "an event must be a JSON object"));
      } catch (DecodeException e) {
        items.add(EventError.invalid(index, null, "", "malformed JSON: " + e.getMessage()));
      }
    }
    return items;
  }

  private void checkBatchSize(int size) {
    if (size > maxBatchEvents) {
      throw new RequestRejected(Problem.of(413, "batch-too-large", "Batch too large",
          "A request may hold at most " + maxBatchEvents + " events").put("maxEvents", maxBatchEvents));
    }
  }

  private static Object parse(Buffer body) {
    try {
      return body.toJsonValue();
    } catch (DecodeException e) {
      throw invalidBody("Malformed JSON: " + e.getMessage());
    }
  }

  private static RequestRejected invalidBody(String detail) {
    return new RequestRejected(Problem.of(400, "malformed-request", "Malformed request", detail));
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int parameters = contentType.indexOf(';');
    return (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
  }
}
