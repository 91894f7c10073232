package io.eventgateway.client;

import java.util.List;

/** What became of one event: exactly one of these, once, for every event given to the client. */
public sealed interface EventResult {

  Event event();

  /** How many requests carried the event (1 when the first was answered). */
  int attempts();

  /** Kafka acknowledged the event: it is durable, and will be stored once. */
  record Acknowledged(Event event, String topic, int partition, long offset, int attempts)
      implements EventResult {}

  /**
   * The gateway refused the event for what it is (a schema violation, a type the credential may not publish, an
   * unknown type): sending it again would be refused again. {@code status} is the HTTP status the gateway gave it.
   */
  record Refused(Event event, int status, List<FieldError> errors, int attempts)
      implements EventResult {}

  /**
   * The client stopped trying: the gateway kept answering "later" (or not at all) for {@code maxAttempts}
   * requests. The event may or may not be stored; sending it again (same id) is safe.
   */
  record GaveUp(Event event, String reason, int attempts) implements EventResult {}

  /** The client's buffer was full and its policy is {@link WhenFull#DROP}: the event was never sent. */
  record Dropped(Event event) implements EventResult {
    @Override
    public int attempts() {
      return 0;
    }
  }
}
