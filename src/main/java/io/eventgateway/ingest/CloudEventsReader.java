package io.eventgateway.ingest;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
public final class CloudEventsReader {

  static final String STRUCTURED = "application/cloudevents+json";
  static final String BATCH = "application/cloudevents-batch+json";
  public static final String NDJSON = "application/x-ndjson";
  static final String JSON = "application/json";
  private static final List<String> SUPPORTED = List.of(STRUCTURED, BATCH, NDJSON, JSON);
  private static final List<String> BINARY_MODE_ATTRIBUTES =
      List.of("specversion", "id", "source", "type", "time", "subject", "dataschema");

  private final int maxBatchEvents;

  public CloudEventsReader(int maxBatchEvents) {
    this.maxBatchEvents = maxBatchEvents;
  }

  public List<EventInput> read(String contentType, MultiMap headers, Buffer body) {
    String mediaType = mediaType(contentType);
    if (!SUPPORTED.contains(mediaType)) {
      throw new RequestRejected(Problem.of(
              415,
              "unsupported-media-type",
              "Unsupported media type",
              "Content-Type " + (contentType == null ? "(missing)" : "'" + contentType + "'")
                  + " is not accepted; use one of " + SUPPORTED)
          .put("supported", new JsonArray(SUPPORTED)));
    }
    String charset = charset(contentType);
    if (charset != null
        && !charset.equalsIgnoreCase("utf-8")
        && !charset.equalsIgnoreCase("utf8")) {
      throw new RequestRejected(Problem.of(
          415,
          "unsupported-charset",
          "Unsupported charset",
          "JSON is read as UTF-8 only (RFC 8259); the request declared charset=" + charset));
    }
    String text = body == null ? "" : utf8(body);
    if (text.isBlank()) {
      throw invalidBody("The request body is empty");
    }
    return switch (mediaType) {
      case STRUCTURED -> List.of(object(parse(text)));
      case BATCH -> array(parse(text));
      case NDJSON -> lines(text);
      default -> plainJson(headers, parse(text));
    };
  }

  private List<EventInput> plainJson(MultiMap headers, Object json) {
    if (headers.contains("ce-specversion")) {
      JsonObject event = new JsonObject();
      for (String attribute : BINARY_MODE_ATTRIBUTES) {
        String value = headers.get("ce-" + attribute);
        if (value != null) {
          event.put(attribute, value);
        }
      }
      return List.of(new EventInput.Json(event.put("data", json)));
    }
    return json instanceof JsonArray ? array(json) : List.of(object(json));
  }

  private static EventInput object(Object json) {
    if (!(json instanceof JsonObject event)) {
      throw invalidBody("Expected one event as a JSON object");
    }
    return new EventInput.Json(event);
  }

  private List<EventInput> array(Object json) {
    if (!(json instanceof JsonArray array)) {
      throw invalidBody("Expected a JSON array of events");
    }
    if (array.isEmpty()) {
      throw invalidBody("The batch holds no events");
    }
    checkBatchSize(array.size());
    List<EventInput> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      items.add(
          item instanceof JsonObject event
              ? new EventInput.Json(event)
              : EventError.invalid(i, null, "", "an event must be a JSON object"));
    }
    return items;
  }

  /** Splits on {@code \n} (and a {@code \r} before it) by hand: a regex split cost more than parsing the lines. */
  private List<EventInput> lines(String body) {
    List<EventInput> items = new ArrayList<>();
    for (int start = 0, end; start < body.length(); start = end + 1) {
      end = body.indexOf('\n', start);
      if (end < 0) {
        end = body.length();
      }
      String line =
          body.substring(start, end > start && body.charAt(end - 1) == '\r' ? end - 1 : end);
      if (line.isBlank()) {
        continue;
      }
      checkBatchSize(items.size() + 1);
      int index = items.size();
      try {
        Object json = JsonLimits.parse(line);
        items.add(
            json instanceof JsonObject event
                ? new EventInput.Json(event)
                : EventError.invalid(index, null, "", "an event must be a JSON object"));
      } catch (DecodeException e) {
        items.add(EventError.invalid(index, null, "", "malformed JSON: " + e.getMessage()));
      }
    }
    return items;
  }

  private void checkBatchSize(int size) {
    if (size > maxBatchEvents) {
      throw new RequestRejected(Problem.of(
              413,
              "batch-too-large",
              "Batch too large",
              "A request may hold at most " + maxBatchEvents + " events")
          .put("maxEvents", maxBatchEvents));
    }
  }

  /** JSON is UTF-8 (RFC 8259): invalid or overlong sequences and encoded surrogates are refused, not replaced. */
  private static String utf8(Buffer body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body.getBytes()))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalidBody("The body is not valid UTF-8: " + e.getMessage());
    }
  }

  private static Object parse(String body) {
    try {
      return JsonLimits.parse(body);
    } catch (DecodeException e) {
      throw invalidBody("Malformed JSON: " + e.getMessage());
    }
  }

  private static RequestRejected invalidBody(String detail) {
    return new RequestRejected(Problem.of(400, "malformed-request", "Malformed request", detail));
  }

  /** The {@code charset} parameter of {@code contentType}, or {@code null} when it declares none. */
  private static String charset(String contentType) {
    for (String parameter : contentType.split(";")) {
      int equals = parameter.indexOf('=');
      if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("charset")) {
        return parameter.substring(equals + 1).trim().replace("\"", "");
      }
    }
    return null;
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int parameters = contentType.indexOf(';');
    return (parameters < 0 ? contentType : contentType.substring(0, parameters))
        .trim()
        .toLowerCase(Locale.ROOT);
  }
}
