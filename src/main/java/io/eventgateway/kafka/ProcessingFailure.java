package io.eventgateway.kafka;

import java.time.Instant;

/**
 * A record processing gave up on, to be dead-lettered.
 *
 * @param stage {@code decode} (the record is not a readable gateway event) or {@code persist} (the database
 *     refused it on every attempt)
 */
public record ProcessingFailure(
    String topic,
    int partition,
    long offset,
    String stage,
    String error,
    int attempts,
    Instant firstFailureAt,
    Instant lastFailureAt) {

  static ProcessingFailure undecodable(String topic, int partition, long offset, String error) {
    Instant now = Instant.now();
    return new ProcessingFailure(topic, partition, offset, "decode", error, 1, now, now);
  }
}
