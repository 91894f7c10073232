package io.eventgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.bus.FailureCodes;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ReadFailures: what a failed read answers, and that it names no statement")
class ReadFailuresTest {

  @Test
  @DisplayName("statement_timeout's cancel is a 504; a full queue and an outage are 503s")
  void codesAndMessages() {
    PgException cancelled = new PgException(
        "canceling statement due to statement timeout",
        "ERROR",
        "57014",
        "SELECT secret FROM events");
    assertThat(ReadFailures.code(cancelled)).isEqualTo(FailureCodes.TIMEOUT);
    assertThat(ReadFailures.message(cancelled))
        .contains("reads.statementTimeoutMs")
        .doesNotContain("secret");
    ConnectionPoolTooBusyException busy =
        new ConnectionPoolTooBusyException("max wait queue size of 32");
    assertThat(ReadFailures.code(busy)).isEqualTo(FailureCodes.UNAVAILABLE);
    assertThat(ReadFailures.message(busy)).contains("retry");
    assertThat(ReadFailures.code(new IllegalStateException("connection refused")))
        .isEqualTo(FailureCodes.UNAVAILABLE);
  }
}
