package io.eventgateway.kafka;

import io.eventgateway.bus.PersistBatch;
import io.eventgateway.bus.PositionAdvance;
import io.vertx.core.Future;
import java.util.List;

/** What a {@link DecodingConsumer} does with each decoded batch. */
@FunctionalInterface
public interface BatchHandler {

  /**
   * @param advance the group's positions to advance in the transaction that stores the batch, or {@code null}
   *     (offsets kept in Kafka, or records of the batch already given up on, which are dead-lettered first)
   * @return the events given up on; a failed future when the whole batch must be processed again. When {@code
   *     advance} was given and none was given up on, the advance is stored.
   */
  Future<List<ProcessingFailure>> handle(List<PersistBatch.Event> events, PositionAdvance advance);
}
