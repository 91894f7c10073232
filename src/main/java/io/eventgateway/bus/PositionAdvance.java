package io.eventgateway.bus;

import java.util.List;

/**
 * Moves a group's stored positions past a batch, in the transaction that stores it: each partition from where the
 * consumer believes it stands ({@code from}) to the offset after its last record ({@code to}). The store refuses it
 * ({@link FailureCodes#CONFLICT}) when any partition stands elsewhere: another consumer has it now.
 */
public record PositionAdvance(String group, List<Step> steps) {

  public PositionAdvance {
    steps = List.copyOf(steps);
  }

  public record Step(String topic, int partition, long from, long to) {}
}
