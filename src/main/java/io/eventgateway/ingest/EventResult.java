package io.eventgateway.ingest;

import io.vertx.core.json.JsonObject;

/**
 * The answer for one event of a request: {@link Acknowledged} once Kafka stored it, or the {@link EventError} that
 * kept it out. Both render as the entry of the response's (or WebSocket ack's) JSON.
 */
public sealed interface EventResult
    permits EventResult.Acknowledged, EventResult.Handed, EventError {

  JsonObject toJson();

  /** Kafka acknowledged the event: where it is stored. */
  record Acknowledged(int index, String id, String topic, int partition, long offset)
      implements EventResult {

    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("index", index)
          .put("id", id)
          .put("status", 202)
          .put("topic", topic)
          .put("partition", partition)
          .put("offset", offset);
    }
  }

  /** Handed to the producer without waiting for Kafka ({@code Prefer: respond-async}): where to ask what became of it. */
  record Handed(int index, String id, String statusUrl) implements EventResult {

    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("index", index)
          .put("id", id)
          .put("status", 202)
          .put("statusUrl", statusUrl);
    }
  }
}
