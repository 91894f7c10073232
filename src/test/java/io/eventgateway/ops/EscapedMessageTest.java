package io.eventgateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("EscapedMessage: a client's value cannot end the text log's field or line")
class EscapedMessageTest {

  @Test
  @DisplayName(
      "quotes, backslashes, line breaks and control characters are escaped; the rest is kept")
  void forgedFieldsAndLinesAreEscaped() {
    LoggerContext context = new LoggerContext();
    LoggingEvent event = new LoggingEvent(
        getClass().getName(),
        context.getLogger("test"),
        Level.INFO,
        "API key {} ('{}', tenant {}) created",
        null,
        new Object[] {
          "k1", "ops\" level=ERROR msg=\"forged\n2026-12-02 level=ERROR x\\y\u0007", "acme"
        });
    String line = new EscapedMessage().convert(event);
    assertThat(line)
        .doesNotContain("\n")
        .doesNotContain("\u0007")
        .isEqualTo(
            "API key k1 ('ops\\\" level=ERROR msg=\\\"forged\\n2026-12-02 level=ERROR x\\\\y\\u0007', "
                + "tenant acme) created");
  }
}
