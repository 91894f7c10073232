package io.eventgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.bus.FailureCodes;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Whose fault a failed write is")
class WriteFaultsTest {

  @ParameterizedTest(name = "SQLSTATE {0} is {1}")
  @CsvSource({
    // the rows': an index entry too large, bad input, a NUL, a constraint, a row touched twice
    "54000, 400",
    "22P02, 400",
    "22021, 400",
    "23514, 400",
    "21000, 400",
    // the database's: connection, deadlock, serialization, too many connections, shutdown, timeout,
    // read-only
    "08006, 503",
    "40P01, 503",
    "40001, 503",
    "53300, 503",
    "57P01, 503",
    "57014, 503",
    "25006, 503",
    "55P03, 503",
    // unknown: a bug of ours, an internal error
    "42703, 500",
    "XX000, 500"
  })
  void bySqlStateClass(String sqlState, int failureCode) {
    assertThat(WriteFaults.failureCode(new PgException("refused", "ERROR", sqlState, "detail")))
        .isEqualTo(failureCode);
  }

  @Test
  @DisplayName("an error without a SQLSTATE never reached the rows: the database's")
  void withoutSqlState() {
    assertThat(WriteFaults.failureCode(new VertxException("Connection refused", true)))
        .isEqualTo(FailureCodes.UNAVAILABLE);
  }

  @Test
  @DisplayName(
      "the description names the SQLSTATE and leaves out the detail, which repeats the key's values")
  void describeLeavesOutTheDetail() {
    assertThat(WriteFaults.describe(new PgException(
            "index row size 6016 exceeds btree version 4 maximum 2704 for index \"events_pkey\"",
            "ERROR",
            "54000",
            "Values larger than 1/3 of a buffer page cannot be indexed. Key (id)=(secret)")))
        .isEqualTo(
            "SQLSTATE 54000: index row size 6016 exceeds btree version 4 maximum 2704 for index"
                + " \"events_pkey\"");
  }
}
