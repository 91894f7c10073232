package io.eventgateway.bus;

import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Header;

/** Records that processing gave up on, for {@link Addresses#DLQ_WRITE}. */
public record DeadLetterBatch(List<Letter> letters) {

  public DeadLetterBatch {
    letters = List.copyOf(letters);
  }

  /**
   * One record as it was read, with why processing gave up on it.
   *
   * @param headers the record's original headers, byte for byte
   * @param stage where it failed: {@code decode} or {@code persist}
   */
  public record Letter(
      String topic,
      int partition,
      long offset,
      long timestamp,
      String key,
      byte[] value,
      List<Header> headers,
      String stage,
      String error,
      int attempts,
      Instant firstFailureAt,
      Instant lastFailureAt) {}
}
