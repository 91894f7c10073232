package io.eventgateway.auth;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.store.PgPools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the stored API keys: finds a key for {@link Authenticator} (which caches it), and creates, lists and
 * revokes keys for the admin API. Revocations are published so that this process's caches drop the key at once.
 */
public class AuthVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AuthVerticle.class);

  private Pool pool;
  private ApiKeyStore keys;

  @Override
  public Future<?> start() {
    pool = PgPools.shared(vertx, config().getJsonObject("postgres"), "gateway-auth", 2);
    keys = new ApiKeyStore(pool);
    var bus = vertx.eventBus();
    return Future.all(
        bus.<String>consumer(Addresses.AUTH_KEY_FIND, message -> keys.find(message.body())
            .onSuccess(stored -> {
              if (stored == null) {
                message.fail(FailureCodes.NOT_FOUND, "no such key");
              } else {
                message.reply(ApiKeyStore.toJson(stored));
              }
            })
            .onFailure(error -> message.fail(FailureCodes.UNAVAILABLE, error.getMessage()))).completion(),
        bus.<JsonObject>consumer(Addresses.AUTH_KEYS_CREATE, message -> {
          Caller grants = Caller.fromJson(message.body());
          keys.create(grants.name(), grants.families(), grants.types(), grants.rateLimitPerSecond(), grants.admin())
              .onSuccess(created -> {
                LOG.info("API key {} ('{}') created", created.caller().id(), created.caller().name());
                message.reply(created.caller().toJson().put("key", created.key()));
              })
              .onFailure(error -> message.fail(FailureCodes.UNAVAILABLE, error.getMessage()));
        }).completion(),
        bus.consumer(Addresses.AUTH_KEYS_LIST, message -> keys.list()
            .onSuccess(list -> message.reply(new JsonObject().put("keys", list)))
            .onFailure(error -> message.fail(FailureCodes.UNAVAILABLE, error.getMessage()))).completion(),
        bus.<String>consumer(Addresses.AUTH_KEYS_REVOKE, message -> keys.revoke(message.body())
            .onSuccess(revoked -> {
              if (!revoked) {
                message.fail(FailureCodes.NOT_FOUND, "no API key with id '" + message.body() + "'");
                return;
              }
              LOG.info("API key {} revoked", message.body());
              bus.publish(Addresses.AUTH_KEY_REVOKED, message.body());
              message.reply(true);
            })
            .onFailure(error -> message.fail(FailureCodes.UNAVAILABLE, error.getMessage()))).completion());
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
