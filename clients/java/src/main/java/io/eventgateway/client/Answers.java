package io.eventgateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the gateway's answer to one ingest request as an answer per event: acknowledged (with its offset), refused
 * (with the fields and reasons), or to be sent again (the gateway or Kafka asked for later).
 */
final class Answers {

  /** Statuses that say "later": the same request may succeed when sent again. */
  private static final Set<Integer> TRANSIENT = Set.of(408, 425, 429, 500, 502, 503, 504);

  private Answers() {}

  /** One event's answer: a result, or {@code null} to send it again. */
  record PerEvent(EventResult result, String retryReason) {}

  /** The answer to a request of {@code count} events, in their order, and the {@code Retry-After} it gave. */
  record Answer(List<PerEvent> perEvent, Duration retryAfter, boolean tooLarge) {}

  static Answer read(
      ObjectMapper json,
      HttpResponse<String> response,
      List<Event> events,
      List<Integer> attempts) {
    int status = response.statusCode();
    Duration retryAfter = retryAfter(response);
    if (status == 413 && events.size() > 1) {
      return new Answer(List.of(), retryAfter, true);
    }
    JsonNode body = parse(json, response.body());
    List<PerEvent> perEvent = new ArrayList<>(events.size());
    if (status == 202 || status == 207) {
      Map<Integer, JsonNode> results = byIndex(body.path("results"));
      for (int i = 0; i < events.size(); i++) {
        JsonNode result = results.get(i);
        perEvent.add(
            result == null
                ? again("no result for the event in a " + status)
                : one(events.get(i), result, attempts.get(i)));
      }
    } else if (TRANSIENT.contains(status)) {
      String reason =
          status + " " + body.path("title").asText(body.path("detail").asText(""));
      events.forEach(event -> perEvent.add(again(reason)));
    } else {
      // refused as a whole (401, 403, 404, 400 …): each event with its own errors, else the
      // problem's detail
      Map<Integer, List<FieldError>> errors = errorsByIndex(body.path("errors"));
      String detail = body.path("detail").asText(body.path("title").asText("HTTP " + status));
      for (int i = 0; i < events.size(); i++) {
        List<FieldError> own = errors.getOrDefault(i, List.of(new FieldError("", detail)));
        perEvent.add(new PerEvent(
            new EventResult.Refused(events.get(i), status, own, attempts.get(i)), null));
      }
    }
    return new Answer(perEvent, retryAfter, false);
  }

  private static PerEvent one(Event event, JsonNode result, int attempts) {
    int status = result.path("status").asInt(202);
    if (result.has("offset") && status < 300) {
      return new PerEvent(
          new EventResult.Acknowledged(
              event,
              result.path("topic").asText(),
              result.path("partition").asInt(),
              result.path("offset").asLong(),
              attempts),
          null);
    }
    if (TRANSIENT.contains(status)) {
      return again(status + " for the event");
    }
    List<FieldError> errors = new ArrayList<>();
    result
        .path("errors")
        .forEach(error -> errors.add(
            new FieldError(error.path("field").asText(), error.path("reason").asText())));
    return new PerEvent(new EventResult.Refused(event, status, errors, attempts), null);
  }

  private static PerEvent again(String reason) {
    return new PerEvent(null, reason);
  }

  private static Map<Integer, JsonNode> byIndex(JsonNode results) {
    Map<Integer, JsonNode> byIndex = new HashMap<>();
    for (int i = 0; i < results.size(); i++) {
      JsonNode result = results.get(i);
      byIndex.put(result.path("index").asInt(i), result);
    }
    return byIndex;
  }

  private static Map<Integer, List<FieldError>> errorsByIndex(JsonNode errors) {
    Map<Integer, List<FieldError>> byIndex = new HashMap<>();
    errors.forEach(error -> byIndex
        .computeIfAbsent(error.path("index").asInt(0), index -> new ArrayList<>())
        .add(new FieldError(error.path("field").asText(), error.path("reason").asText())));
    return byIndex;
  }

  private static JsonNode parse(ObjectMapper json, String body) {
    try {
      return body == null || body.isBlank() ? json.createObjectNode() : json.readTree(body);
    } catch (IOException notJson) {
      return json.createObjectNode();
    }
  }

  /** {@code Retry-After} in seconds; zero when absent or a date. */
  private static Duration retryAfter(HttpResponse<String> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .filter(value -> value.matches("\\d{1,6}"))
        .map(value -> Duration.ofSeconds(Long.parseLong(value)))
        .orElse(Duration.ZERO);
  }
}
