package io.eventgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.schema.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ResultsJson: the answers' JSON, written without a tree")
class ResultsJsonTest {

  private static final EventResult STORED =
      new EventResult.Acknowledged(0, "a", "events.analytics", 3, 42L);
  private static final EventResult REFUSED =
      EventError.invalid(1, null, List.of(new FieldError("data.url", "required field is missing")));

  @Test
  @DisplayName(
      "a response: the counts, then each result with its index, a refused one with its field errors")
  void summary() {
    JsonObject body =
        new JsonObject(ResultsJson.summary(1, 1, new EventResult[] {STORED, REFUSED}));
    assertThat(body)
        .isEqualTo(new JsonObject()
            .put("accepted", 1)
            .put("rejected", 1)
            .put(
                "results",
                new JsonArray()
                    .add(new JsonObject()
                        .put("index", 0)
                        .put("id", "a")
                        .put("status", 202)
                        .put("topic", "events.analytics")
                        .put("partition", 3)
                        .put("offset", 42L))
                    .add(new JsonObject()
                        .put("index", 1)
                        .putNull("id")
                        .put("status", 400)
                        .put("title", "Invalid event")
                        .put(
                            "errors",
                            new JsonArray()
                                .add(new JsonObject()
                                    .put("field", "data.url")
                                    .put("reason", "required field is missing"))))));
  }

  @Test
  @DisplayName("a WebSocket ack carries the frame's seq in place of the index; text is escaped")
  void ack() {
    JsonObject ack = new JsonObject(
        ResultsJson.ack(7, new EventResult.Handed(0, "quote\" and \u00e9", "/v1/events/x/status")));
    assertThat(ack)
        .isEqualTo(new JsonObject()
            .put("seq", 7)
            .put("id", "quote\" and \u00e9")
            .put("status", 202)
            .put("statusUrl", "/v1/events/x/status"));
  }
}
