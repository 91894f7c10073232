package io.eventgateway.bus;

import io.eventgateway.schema.EventCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/** Registers the local codecs of every bus message type, once per Vert.x instance. */
public final class BusCodecs {

  private static final List<Class<?>> MESSAGE_TYPES = List.of(
      ProduceBatch.class,
      ProduceResult.class,
      PersistBatch.class,
      EventCatalog.class,
      EnrichRequest.class,
      Enrichment.class,
      EnrichmentBatch.class,
      EnrichRequestBatch.class,
      DeadLetterBatch.class);

  private BusCodecs() {}

  /** Idempotent: a second call on the same Vert.x instance does nothing. */
  public static synchronized void register(Vertx vertx) {
    if (vertx.sharedData().getLocalMap("gateway.bus").putIfAbsent("codecs", true) != null) {
      return;
    }
    EventBus bus = vertx.eventBus();
    MESSAGE_TYPES.forEach(type -> registerDefault(bus, type));
  }

  private static <T> void registerDefault(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new LocalCodec<>(type));
  }
}
