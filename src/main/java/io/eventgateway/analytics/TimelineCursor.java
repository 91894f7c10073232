package io.eventgateway.analytics;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Where a page of a timeline ended: the last row's time and event id (two events may share a time), as an opaque
 * base64url token the client hands back as {@code after}.
 */
record TimelineCursor(OffsetDateTime at, String eventId) {

  String encode() {
    String json = new JsonObject().put("at", at.toString()).put("id", eventId).encode();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** @return the cursor, or {@code null} when {@code token} is not one this class made */
  static TimelineCursor decode(String token) {
    try {
      JsonObject json =
          new JsonObject(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
      String id = json.getString("id");
      return id == null
          ? null
          : new TimelineCursor(
              OffsetDateTime.parse(json.getString("at")).withOffsetSameInstant(ZoneOffset.UTC), id);
    } catch (IllegalArgumentException
        | DecodeException
        | DateTimeParseException
        | NullPointerException
        | ClassCastException e) {
      return null;
    }
  }
}
