package io.eventgateway.bus;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/**
 * Registers the local codecs of every bus message type, once per Vert.x instance. A package that puts a type of its
 * own on the bus (the schema catalog) registers it with {@link #registerLocal}, so that this package depends on
 * none of them.
 */
public final class BusCodecs {

  private static final List<Class<?>> MESSAGE_TYPES = List.of(
      ProduceBatch.class,
      ProduceResult.class,
      PersistBatch.class,
      PartitionPositions.class,
      EnrichRequest.class,
      Enrichment.class,
      EnrichmentBatch.class,
      EnrichRequestBatch.class,
      DeadLetterBatch.class);

  private BusCodecs() {}

  /** Idempotent: a second call on the same Vert.x instance does nothing. */
  public static void register(Vertx vertx) {
    MESSAGE_TYPES.forEach(type -> registerLocal(vertx, type));
  }

  /** Idempotent: a local (never copied) codec for {@code type}, unless one is registered already. */
  public static synchronized void registerLocal(Vertx vertx, Class<?> type) {
    if (vertx.sharedData().getLocalMap("gateway.bus").putIfAbsent(type.getName(), true) == null) {
      registerDefault(vertx.eventBus(), type);
    }
  }

  private static <T> void registerDefault(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new LocalCodec<>(type));
  }
}
