package io.eventgateway.bus;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A batch of decoded events for {@link Addresses#EVENTS_PERSIST}: one bus message for the whole poll, with the
 * consumer positions to advance in the same transaction ({@code advance}), or {@code null} to store the rows alone
 * (part of a batch being narrowed down, or a group that keeps its offsets in Kafka). No events and an advance:
 * the positions alone, once a batch's refused records are dead-lettered.
 */
public record PersistBatch(List<Event> events, PositionAdvance advance) {

  public PersistBatch {
    events = List.copyOf(events);
  }

  /** The rows alone, advancing no position. */
  public PersistBatch(List<Event> events) {
    this(events, null);
  }

  /**
   * One event as it is stored; {@code tenant} the publisher's, from the gateway's header; {@code dataJson} is the Avro record rendered as JSON; {@code traceParent} the W3C
   * trace context its Kafka record carried, or {@code null}.
   */
  public record Event(
      String tenant,
      String eventId,
      String eventType,
      String family,
      String source,
      String subject,
      OffsetDateTime eventTime,
      String dataJson,
      int schemaId,
      String topic,
      int partition,
      long offset,
      OffsetDateTime receivedAt,
      String traceParent) {

    public EventKey key() {
      return new EventKey(tenant, source, eventId);
    }
  }
}
