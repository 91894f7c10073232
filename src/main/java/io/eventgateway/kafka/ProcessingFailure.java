package io.eventgateway.kafka;

import io.eventgateway.bus.PersistBatch;
import java.time.Instant;

/**
 * A record processing gave up on, to be dead-lettered.
 *
 * @param stage {@code decode} (the record is not a readable gateway event) or {@code persist} (the database
 *     refused it alone, for its own fault)
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

  /** {@code event}, which the store refused on its own; its batch was first tried at {@code firstFailureAt}. */
  public static ProcessingFailure refused(
      PersistBatch.Event event, String error, int attempts, Instant firstFailureAt) {
    return new ProcessingFailure(
        event.topic(),
        event.partition(),
        event.offset(),
        "persist",
        error,
        attempts,
        firstFailureAt,
        Instant.now());
  }

  static ProcessingFailure undecodable(String topic, int partition, long offset, String error) {
    Instant now = Instant.now();
    return new ProcessingFailure(topic, partition, offset, "decode", error, 1, now, now);
  }
}
