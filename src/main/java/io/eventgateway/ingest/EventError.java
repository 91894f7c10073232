package io.eventgateway.ingest;

import com.fasterxml.jackson.core.JsonGenerator;
import io.eventgateway.schema.FieldError;
import java.io.IOException;
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
  public void writeFields(JsonGenerator json) throws IOException {
    json.writeStringField("id", id);
    json.writeNumberField("status", status);
    json.writeStringField("title", title);
    json.writeArrayFieldStart("errors");
    for (FieldError error : errors) {
      json.writeStartObject();
      json.writeStringField("field", error.field());
      json.writeStringField("reason", error.reason());
      json.writeEndObject();
    }
    json.writeEndArray();
  }
}
