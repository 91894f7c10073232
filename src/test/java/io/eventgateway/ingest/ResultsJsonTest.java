package io.eventgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.schema.FieldError;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ResultsJson: the answers' JSON, written without a tree")
class ResultsJsonTest {

  private static final EventResult STORED =
      new EventResult.Acknowledged(0, "a", "events.analytics", 3, 42L);
  private static final EventResult HANDED = new EventResult.Handed(1, "b", "/v1/events/b/status");
  private static final EventResult REFUSED =
      EventError.invalid(2, null, List.of(new FieldError("data.url", "required field is missing")));

  @Test
  @DisplayName("a response holds the counts, then each result in order with its index first")
  void responseHoldsCountsThenEachResultWithItsIndex() {
    assertThat(ResultsJson.summary(2, 1, new EventResult[] {STORED, HANDED, REFUSED}))
        .isEqualTo("{\"accepted\":2,\"rejected\":1,\"results\":["
            + "{\"index\":0,\"id\":\"a\",\"status\":202,\"topic\":\"events.analytics\",\"partition\":3,"
            + "\"offset\":42},"
            + "{\"index\":1,\"id\":\"b\",\"status\":202,\"statusUrl\":\"/v1/events/b/status\"},"
            + "{\"index\":2,\"id\":null,\"status\":400,\"title\":\"Invalid event\",\"errors\":["
            + "{\"field\":\"data.url\",\"reason\":\"required field is missing\"}]}]}");
  }

  @Test
  @DisplayName("the results alone are the same entries, as an array")
  void resultsAloneAreAnArray() {
    assertThat(ResultsJson.array(new EventResult[] {HANDED}))
        .isEqualTo(
            "[{\"index\":1,\"id\":\"b\",\"status\":202,\"statusUrl\":\"/v1/events/b/status\"}]");
  }

  @Test
  @DisplayName(
      "a WebSocket ack carries its seq in place of the index; a client's text is escaped as JSON needs, no more")
  void ackCarriesSeqAndEscapesClientText() {
    String hostile = "q\" b\\ nl\n tab\t nul\u0000 \u00e9 \ud83d\ude00";
    EventError refused = new EventError(
        0, hostile, 503, "Kafka did not acknowledge the event", List.of(new FieldError("", null)));
    assertThat(ResultsJson.ack(7, refused))
        .isEqualTo(
            "{\"seq\":7,\"id\":\"q\\\" b\\\\ nl\\n tab\\t nul\\u0000 \u00e9 \ud83d\ude00\",\"status\":503,"
                + "\"title\":\"Kafka did not acknowledge the event\",\"errors\":[{\"field\":\"\",\"reason\":null}]}");
  }
}
