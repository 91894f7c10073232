package io.eventgateway.client;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One CloudEvent to send. Its {@code id} is made once, when the event is made, and kept across every retry, so
 * that the gateway stores a resent event once ({@code source} and {@code id} are its idempotency key).
 *
 * @param data the event's {@code data}: anything Jackson writes as a JSON object (a {@code Map}, a record, a
 *     {@code JsonNode})
 */
public record Event(
    String id, String source, String type, String subject, Instant time, Object data) {

  public Event {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
  }

  /** An event of {@code type} from {@code source}, with a new id and the current time. */
  public static Event of(String type, String source, Object data) {
    return new Event(UUID.randomUUID().toString(), source, type, null, Instant.now(), data);
  }

  /** This event with {@code subject} (the CloudEvents attribute), the same id. */
  public Event withSubject(String subject) {
    return new Event(id, source, type, subject, time, data);
  }

  /** This event with another id: for a client that keeps its own ids (an order number, a database key). */
  public Event withId(String id) {
    return new Event(id, source, type, subject, time, data);
  }
}
