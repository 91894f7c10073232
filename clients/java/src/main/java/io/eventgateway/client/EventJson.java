package io.eventgateway.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** An event as the gateway reads it: a structured-mode CloudEvent in JSON, written once per event. */
final class EventJson {

  private final ObjectMapper json;

  EventJson(ObjectMapper json) {
    this.json = json;
  }

  byte[] write(Event event) {
    ObjectNode cloudEvent = json.createObjectNode()
        .put("specversion", "1.0")
        .put("id", event.id())
        .put("source", event.source())
        .put("type", event.type());
    if (event.subject() != null) {
      cloudEvent.put("subject", event.subject());
    }
    if (event.time() != null) {
      cloudEvent.put("time", event.time().toString());
    }
    cloudEvent.put("datacontenttype", "application/json");
    cloudEvent.set("data", json.valueToTree(event.data()));
    try {
      return json.writeValueAsBytes(cloudEvent);
    } catch (JsonProcessingException unwritable) {
      throw new IllegalArgumentException("the event's data is not writable as JSON", unwritable);
    }
  }
}
