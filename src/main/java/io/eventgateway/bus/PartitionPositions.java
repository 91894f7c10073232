package io.eventgateway.bus;

import java.util.List;

/**
 * Where a consumer group stands in some of its partitions: the next offset to store in each. Sent to {@link
 * Addresses#POSITIONS_CLAIM} with the positions Kafka knows, answered with those PostgreSQL stored.
 */
public record PartitionPositions(String group, List<Position> positions) {

  public PartitionPositions {
    positions = List.copyOf(positions);
  }

  public record Position(String topic, int partition, long nextOffset) {}
}
