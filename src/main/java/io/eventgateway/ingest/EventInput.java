package io.eventgateway.ingest;

import io.vertx.core.json.JsonObject;

/**
 * One event of a request as {@link CloudEventsReader} read it: a JSON object to validate, or an {@link EventError}
 * when that item of a batch is no event at all (a number, a malformed NDJSON line).
 */
public sealed interface EventInput permits EventInput.Json, EventError {

  /** An item that is a JSON object, not yet validated. */
  record Json(JsonObject event) implements EventInput {}
}
