package io.eventgateway.kafka;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Where a resumable feed starts reading: right after a position it sent before ({@code Last-Event-ID}), or, on a
 * first connection, at {@code from}: {@code now} (the default), {@code earliest} (what Kafka still retains), or an
 * ISO-8601 instant (the first record Kafka stamped at or after it).
 */
public sealed interface FeedStart {

  /** At the end of every partition when the feed opens. */
  record Now() implements FeedStart {}

  /** At the first record each partition still retains. */
  record Earliest() implements FeedStart {}

  /** At each partition's first record stamped at or after {@code time}. */
  record At(Instant time) implements FeedStart {}

  /** Right after {@code position}; a partition it does not name is read from its first retained record. */
  record After(FeedPosition position) implements FeedStart {}

  /** A start a client asked for that cannot be read; {@code field} is what it sent it in. */
  final class Invalid extends IllegalArgumentException {

    private final String field;

    Invalid(String field, String reason) {
      super(reason);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  /**
   * @param lastEventId the {@code Last-Event-ID} header or {@code lastEventId} parameter, or {@code null}
   * @param lastEventIdField which of the two it came in
   * @param from the {@code from} parameter, or {@code null}
   * @throws Invalid naming the field that cannot be read
   */
  public static FeedStart of(String lastEventId, String lastEventIdField, String from) {
    if (lastEventId != null && !lastEventId.isBlank()) {
      try {
        return new After(FeedPosition.parse(lastEventId.trim()));
      } catch (IllegalArgumentException unreadable) {
        throw new Invalid(lastEventIdField, unreadable.getMessage());
      }
    }
    if (from == null || from.equals("now")) {
      return new Now();
    }
    if (from.equals("earliest")) {
      return new Earliest();
    }
    try {
      return new At(Instant.parse(from));
    } catch (DateTimeParseException notATime) {
      throw new Invalid(
          "from", "'now', 'earliest' or an ISO-8601 instant such as 2026-12-02T10:00:00Z");
    }
  }
}
