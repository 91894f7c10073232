package io.eventgateway.analytics;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** What the analytics reads take from a request (its time window) and how they say a thing is missing. */
final class AnalyticsRequests {

  private AnalyticsRequests() {}

  static JsonObject window(JsonObject request) {
    return new JsonObject()
        .put("from", request.getString("from"))
        .put("to", request.getString("to"));
  }

  static OffsetDateTime time(JsonObject request, String key) {
    return OffsetDateTime.parse(request.getString(key)).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /** A paging cursor this gateway did not make: the request's fault, a 400. */
  static final class InvalidCursor extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidCursor() {
      super("not a cursor of an earlier page", null, false, false);
    }
  }

  /** The requested thing does not exist: a 404, not an outage. */
  static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFound(String message) {
      super(message, null, false, false);
    }
  }
}
