package io.eventgateway.ingest;

import io.eventgateway.schema.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Why one event of a request was not accepted.
 *
 * @param index the event's position in the request (0-based; the line for NDJSON)
 * @param id the event's id when it had one, else {@code null}
 * @param status the HTTP status this event alone would get
 */
public record EventError(int index, String id, int status, String title, List<FieldError> errors)
    implements EventInput, Validated, EventResult {

  public static EventError invalid(int index, String id, List<FieldError> errors) {
    return new EventError(index, id, 400, "Invalid event", List.copyOf(errors));
  }

  public static EventError invalid(int index, String id, String field, String reason) {
    return invalid(index, id, List.of(new FieldError(field, reason)));
  }

  @Override
  public JsonObject toJson() {
    JsonArray fields = new JsonArray();
    errors.forEach(error ->
        fields.add(new JsonObject().put("field", error.field()).put("reason", error.reason())));
    return new JsonObject()
        .put("index", index)
        .put("id", id)
        .put("status", status)
        .put("title", title)
        .put("errors", fields);
  }
}
