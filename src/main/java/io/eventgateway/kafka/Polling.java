package io.eventgateway.kafka;

import java.time.Duration;

/**
 * How a {@link DecodingConsumer} polls: each poll waits up to {@code timeout} for records, and after a poll that
 * brought fewer than {@code trickleBelowRecords} (events trickle in), the next poll starts no sooner than {@code
 * trickleLinger} after it, so that it takes what gathered meanwhile as one fuller batch. Since Kafka's consumer
 * fetches ahead after each poll, a record may wait up to about twice the linger. An empty poll is never followed by
 * a wait: the first record after a quiet spell is handled at once.
 */
public record Polling(Duration timeout, Duration trickleLinger, int trickleBelowRecords) {

  /** Polls back to back, whatever each brought. */
  public static Polling withoutLinger(Duration timeout) {
    return new Polling(timeout, Duration.ZERO, 0);
  }

  /** How long after a poll that brought {@code records} the next one is to start. */
  Duration lingerAfter(int records) {
    return records > 0 && records < trickleBelowRecords ? trickleLinger : Duration.ZERO;
  }
}
