package io.eventgateway.registry;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.BusCodecs;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.PostgresConfig;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.eventgateway.schema.SubjectNameStrategy;
import io.eventgateway.store.PgPools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded schema registry: at start it registers every schema of {@code schemas/} (idempotently; a schema
 * incompatible with its registered versions stops the start, naming the field), then it hands out the
 * {@link EventCatalog} with ids ({@link Addresses#REGISTRY_CATALOG}), schemas by id from memory
 * ({@link Addresses#REGISTRY_SCHEMA_BY_ID}) and serves the Confluent-compatible API's operations
 * ({@link Addresses#REGISTRY_COMMAND}). Deploy it before the verticles that ask for the catalog.
 */
@ConfigSections({"registry", "kafka", "postgres"})
public class RegistryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryVerticle.class);

  private Pool pool;
  private SubjectRegistry store;
  private EventCatalog catalog;

  @Override
  public Future<?> start() {
    BusCodecs.registerLocal(vertx, EventCatalog.class);
    JsonObject registry = config().getJsonObject("registry");
    boolean external = !registry.getString("url", "").isEmpty();
    RegistryCommands commands;
    if (external) {
      store = new ConfluentRegistryClient(vertx, registry);
      commands = null;
    } else {
      pool = PgPools.node(vertx, PostgresConfig.in(config()));
      SchemaRegistryStore embedded = new SchemaRegistryStore(pool);
      store = embedded;
      commands = new RegistryCommands(embedded);
    }
    EventCatalog unregistered = EventCatalog.load(
        config().getJsonObject("kafka").getJsonObject("topics"),
        SubjectNameStrategy.parse(
            config().getJsonObject("registry").getString("subjectNameStrategy")));
    return registerAll(unregistered).compose(registered -> {
      catalog = registered;
      LOG.info(
          "Registered {} event schemas in the {} registry",
          registered.types().size(),
          external ? "external" : "embedded");
      vertx.eventBus().consumer(Addresses.REGISTRY_CATALOG, message -> message.reply(catalog));
      vertx
          .eventBus()
          .<JsonObject>consumer(
              Addresses.REGISTRY_COMMAND,
              message -> (external
                      ? externalCommand(message.body(), registry.getString("url"))
                      : commands.execute(message.body()))
                  .onSuccess(
                      body -> message.reply(new JsonObject().put("status", 200).put("body", body)))
                  .onFailure(error -> message.reply(
                      error instanceof RegistryException refused
                          ? new JsonObject()
                              .put("status", refused.status())
                              .put("error_code", refused.errorCode())
                              .put("message", refused.getMessage())
                          : new JsonObject()
                              .put("status", 500)
                              .put("error_code", 50001)
                              .put(
                                  "message",
                                  "Error in the backend data store: " + error.getMessage()))));
      return vertx
          .eventBus()
          .<Integer>consumer(Addresses.REGISTRY_SCHEMA_BY_ID, this::schemaById)
          .completion();
    });
  }

  /**
   * With an external registry, this gateway serves schemas by id (what deserializers pointed at it need), from
   * memory; everything else is the external registry's to answer.
   */
  private Future<Object> externalCommand(JsonObject request, String url) {
    if ("schemaById".equals(request.getString("op"))) {
      int id = request.getInteger("id");
      return store.schemaText(id).map(text -> {
        if (text == null) {
          throw RegistryException.schemaNotFound("Schema " + id);
        }
        return request.getBoolean("raw", false) ? text : new JsonObject().put("schema", text);
      });
    }
    return Future.failedFuture(new RegistryException(
        404,
        404,
        "This gateway uses the external schema registry at " + url
            + "; send registry requests there"));
  }

  /** Registers each subject's schema once, in turn, then reads back its live versions. */
  private Future<EventCatalog> registerAll(EventCatalog unregistered) {
    Map<String, EventType> registered = new HashMap<>();
    Map<String, Future<EventType>> subjects = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (EventType type : unregistered.types()) {
      chain = chain.compose(done -> subjects
          .computeIfAbsent(type.subject(), subject -> register(type))
          .map(first -> {
            registered.put(type.type(), type.registered(first.schemaId(), first.versions()));
            return (Void) null;
          }));
    }
    return chain.map(done -> unregistered.registered(type -> registered.get(type.type())));
  }

  private Future<EventType> register(EventType type) {
    return store
        .register(type.subject(), type.subjectSchema())
        .recover(error -> Future.failedFuture(new IllegalStateException(
            "schemas/: the schema of " + type.type() + " cannot be registered under subject "
                + type.subject() + ": " + error.getMessage(),
            error)))
        .compose(id -> store.versions(type.subject()).map(versions -> {
          Map<Integer, EventType.Version> live = new HashMap<>();
          versions.stream()
              .filter(version -> !version.deleted())
              .forEach(version -> live.put(
                  version.version(),
                  new EventType.Version(
                      version.version(),
                      version.id(),
                      SchemaRegistryStore.parse(version.schema()))));
          return type.registered(id, live);
        }));
  }

  private void schemaById(Message<Integer> message) {
    Integer id = message.body();
    store
        .schemaText(id)
        .onSuccess(text -> {
          if (text == null) {
            message.fail(FailureCodes.NOT_FOUND, "Schema " + id + " not found");
          } else {
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
