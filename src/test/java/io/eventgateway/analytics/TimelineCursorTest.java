package io.eventgateway.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TimelineCursor: an opaque token that only decodes what it encoded")
class TimelineCursorTest {

  @Test
  @DisplayName("round trip, ids with any characters")
  void roundTrip() {
    TimelineCursor cursor =
        new TimelineCursor(OffsetDateTime.parse("2026-11-30T10:00:03.123Z"), "a,b|\"c\" ü");
    assertThat(TimelineCursor.decode(cursor.encode())).isEqualTo(cursor);
  }

  @Test
  @DisplayName("what it did not make decodes to null")
  void forgeriesAreNull() {
    for (String forged : new String[] {
      "forged", "", "e30", "eyJhdCI6MX0", "%%%", "eyJhdCI6Im5vdCBhIHRpbWUiLCJpZCI6IngifQ"
    }) {
      assertThat(TimelineCursor.decode(forged)).as(forged).isNull();
    }
  }
}
