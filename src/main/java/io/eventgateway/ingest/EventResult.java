package io.eventgateway.ingest;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * The answer for one event of a request: {@link Acknowledged} once Kafka stored it, or the {@link EventError} that
 * kept it out. {@link ResultsJson} renders each as an entry of the response (or a WebSocket ack).
 */
public sealed interface EventResult
    permits EventResult.Acknowledged, EventResult.Handed, EventError {

  /** The event's position in its request. */
  int index();

  /** Writes the entry's fields after its position (its {@code index}, or a WebSocket ack's {@code seq}). */
  void writeFields(JsonGenerator json) throws IOException;

  /** Kafka acknowledged the event: where it is stored. */
  record Acknowledged(int index, String id, String topic, int partition, long offset)
      implements EventResult {

    @Override
    public void writeFields(JsonGenerator json) throws IOException {
      json.writeStringField("id", id);
      json.writeNumberField("status", 202);
      json.writeStringField("topic", topic);
      json.writeNumberField("partition", partition);
      json.writeNumberField("offset", offset);
    }
  }

  /** Handed to the producer without waiting for Kafka ({@code Prefer: respond-async}): where to ask what became of it. */
  record Handed(int index, String id, String statusUrl) implements EventResult {

    @Override
    public void writeFields(JsonGenerator json) throws IOException {
      json.writeStringField("id", id);
      json.writeNumberField("status", 202);
      json.writeStringField("statusUrl", statusUrl);
    }
  }
}
