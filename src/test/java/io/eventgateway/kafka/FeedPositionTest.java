package io.eventgateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Feed positions and starts: what a client sends back as Last-Event-ID or from")
class FeedPositionTest {

  @Test
  @DisplayName(
      "a position is written and read back partition by partition, and moves past each record read")
  void roundTrip() {
    FeedPosition position = new FeedPosition(Map.of(
        "events.chip-quality", new long[] {0, 0}, "events.analytics", new long[] {120, 7, 0}));
    position.passed("events.analytics", 2, 41);
    String written = position.written();
    assertThat(written).isEqualTo("events.analytics:120.7.42,events.chip-quality:0.0");
    FeedPosition read = FeedPosition.parse(written);
    assertThat(read.next("events.analytics", 0)).isEqualTo(120);
    assertThat(read.next("events.analytics", 2)).isEqualTo(42);
    assertThat(read.next("events.analytics", 3))
        .as("a partition it does not name")
        .isEqualTo(-1);
    assertThat(read.next("alerts", 0)).as("a topic it does not name").isEqualTo(-1);
  }

  @Test
  @DisplayName("what this gateway did not write is refused, however it is malformed")
  void refusesForeignText() {
    for (String foreign : new String[] {
      "",
      "garbage",
      "events.analytics:",
      "events.analytics:1..2",
      "events.analytics:-1",
      "events analytics:1",
      "events.analytics:1\nretry: 0",
      "events.analytics:99999999999999999999",
      "a:1,a:2",
      "a:" + "1.".repeat(5000) + "1"
    }) {
      assertThatThrownBy(() -> FeedPosition.parse(foreign))
          .as(foreign.length() > 40 ? foreign.substring(0, 40) : foreign)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  @DisplayName(
      "Last-Event-ID wins over from; from is now, earliest or an instant; a bad one names its field")
  void starts() {
    assertThat(FeedStart.of(null, "lastEventId", null)).isInstanceOf(FeedStart.Now.class);
    assertThat(FeedStart.of(null, "lastEventId", "earliest"))
        .isInstanceOf(FeedStart.Earliest.class);
    assertThat(FeedStart.of(null, "lastEventId", "2026-12-02T10:00:00Z"))
        .isEqualTo(new FeedStart.At(Instant.parse("2026-12-02T10:00:00Z")));
    FeedStart after = FeedStart.of("alerts:3.1", "Last-Event-ID", "earliest");
    assertThat(after).isInstanceOf(FeedStart.After.class);
    assertThat(((FeedStart.After) after).position().next("alerts", 1)).isEqualTo(1);
    assertThatThrownBy(() -> FeedStart.of(null, "lastEventId", "yesterday"))
        .isInstanceOfSatisfying(
            FeedStart.Invalid.class, invalid -> assertThat(invalid.field()).isEqualTo("from"));
    assertThatThrownBy(() -> FeedStart.of("x", "lastEventId", null))
        .isInstanceOfSatisfying(
            FeedStart.Invalid.class,
            invalid -> assertThat(invalid.field()).isEqualTo("lastEventId"));
  }
}
