package io.eventgateway.bus;

import java.util.List;

/** Reply of {@link Addresses#EVENTS_PRODUCE}: outcomes in the order of {@link ProduceBatch#records()}. */
public record ProduceResult(List<Outcome> outcomes) {

  public ProduceResult {
    outcomes = List.copyOf(outcomes);
  }

  /** Where a record was stored, or why it was not ({@code error != null}). */
  public record Outcome(String topic, int partition, long offset, String error) {

    public static Outcome stored(String topic, int partition, long offset) {
      return new Outcome(topic, partition, offset, null);
    }

    public static Outcome failed(String topic, String error) {
      return new Outcome(topic, -1, -1, error);
    }

    public boolean succeeded() {
      return error == null;
    }
  }
}
