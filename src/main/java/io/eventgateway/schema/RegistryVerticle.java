package io.eventgateway.schema;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.store.PgPools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded schema registry: at start it registers every schema of {@code schemas/} (idempotently), then it
 * hands out the {@link EventCatalog} with ids ({@link Addresses#REGISTRY_CATALOG}) and schemas by id
 * ({@link Addresses#REGISTRY_SCHEMA_BY_ID}). Deploy it before the verticles that ask for the catalog.
 */
public class RegistryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryVerticle.class);

  private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();
  private Pool pool;
  private SchemaRegistryStore store;
  private EventCatalog catalog;

  @Override
  public Future<?> start() {
    pool = PgPools.shared(vertx, config().getJsonObject("postgres"), "gateway-registry", 2);
    store = new SchemaRegistryStore(pool);
    EventCatalog unregistered = EventCatalog.load(config().getJsonObject("kafka").getJsonObject("topics"));
    return registerAll(unregistered)
        .compose(registered -> {
          catalog = registered;
          LOG.info("Registered {} event schemas", registered.types().size());
          vertx.eventBus().consumer(Addresses.REGISTRY_CATALOG, message -> message.reply(catalog));
          return vertx.eventBus().<Integer>consumer(Addresses.REGISTRY_SCHEMA_BY_ID, this::schemaById).completion();
        });
  }

  private Future<EventCatalog> registerAll(EventCatalog unregistered) {
    Map<String, Integer> ids = new ConcurrentHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (EventType type : unregistered.types()) {
      String text = type.schema().toString();
      chain = chain.compose(done -> store.register(type.subject(), text)).map(id -> {
        ids.put(type.type(), id);
        schemasById.put(id, text);
        return (Void) null;
      });
    }
    return chain.map(done -> unregistered.withSchemaIds(type -> ids.get(type.type())));
  }

  private void schemaById(Message<Integer> message) {
    Integer id = message.body();
    String cached = schemasById.get(id);
    if (cached != null) {
      message.reply(cached);
      return;
    }
    store.schemaText(id)
        .onSuccess(text -> {
          if (text == null) {
            message.fail(FailureCodes.NOT_FOUND, "Schema " + id + " not found");
          } else {
            schemasById.put(id, text);
            message.reply(text);
          }
        })
        .onFailure(error -> message.fail(FailureCodes.UNAVAILABLE, error.getMessage()));
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
