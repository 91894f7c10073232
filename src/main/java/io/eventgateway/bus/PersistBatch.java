package io.eventgateway.bus;

import java.time.OffsetDateTime;
import java.util.List;

/** A batch of decoded events for {@link Addresses#EVENTS_PERSIST}: one bus message for the whole poll. */
public record PersistBatch(List<Event> events) {

  public PersistBatch {
    events = List.copyOf(events);
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
