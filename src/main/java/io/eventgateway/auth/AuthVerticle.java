package io.eventgateway.auth;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.PostgresConfig;
import io.eventgateway.store.PgPools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the stored API keys: finds a key for {@link Authenticator} (which caches it), and creates, lists and
 * revokes keys for the admin API, and issues and redeems feed tickets. Revocations are published so that this
 * process's caches drop the key at once.
 */
@ConfigSections("postgres")
public class AuthVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AuthVerticle.class);

  private Pool pool;
  private ApiKeyStore keys;

  @Override
  public Future<?> start() {
    pool = PgPools.node(vertx, PostgresConfig.in(config()));
    keys = new ApiKeyStore(pool);
    FeedTickets tickets = new FeedTickets(pool);
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<JsonObject>consumer(
                Addresses.AUTH_TICKET_ISSUE,
                message -> tickets
                    .issue(Caller.fromJson(message.body()))
                    .onSuccess(message::reply)
                    .onFailure(error -> message.fail(FailureCodes.UNAVAILABLE, error.getMessage())))
            .completion(),
        bus.<String>consumer(
                Addresses.AUTH_TICKET_REDEEM,
                message -> tickets
                    .redeem(message.body())
                    .onSuccess(caller -> {
                      if (caller == null) {
                        message.fail(FailureCodes.NOT_FOUND, "unknown, used or expired ticket");
                      } else {
                        message.reply(caller.toJson());
                      }
                    })
                    .onFailure(error -> message.fail(FailureCodes.UNAVAILABLE, error.getMessage())))
            .completion(),
        bus.<String>consumer(
                Addresses.AUTH_KEY_FIND,
                message -> keys.find(message.body())
                    .onSuccess(stored -> {
                      if (stored == null) {
                        message.fail(FailureCodes.NOT_FOUND, "no such key");
                      } else {
                        message.reply(ApiKeyStore.toJson(stored));
                      }
                    })
                    .onFailure(error -> message.fail(FailureCodes.UNAVAILABLE, error.getMessage())))
            .completion(),
        bus.<JsonObject>consumer(Addresses.AUTH_KEYS_CREATE, message -> {
              keys.create(Caller.fromJson(message.body()))
                  .onSuccess(created -> {
                    LOG.info(
                        "API key {} ('{}', tenant {}) created",
                        created.caller().id(),
                        created.caller().name(),
                        created.caller().tenant());
                    message.reply(created.caller().toJson().put("key", created.key()));
                  })
                  .onFailure(error -> message.fail(FailureCodes.UNAVAILABLE, error.getMessage()));
            })
            .completion(),
        bus.<String>consumer(
                Addresses.AUTH_KEYS_LIST,
                message -> keys.list(message.body())
                    .onSuccess(list -> message.reply(new JsonObject().put("keys", list)))
                    .onFailure(error -> message.fail(FailureCodes.UNAVAILABLE, error.getMessage())))
            .completion(),
        bus.<JsonObject>consumer(Addresses.AUTH_KEYS_REVOKE, message -> {
              String keyId = message.body().getString("id");
              keys.revoke(keyId, message.body().getString("tenant"))
                  .onSuccess(revoked -> {
                    if (!revoked) {
                      message.fail(FailureCodes.NOT_FOUND, "no API key with id '" + keyId + "'");
                      return;
                    }
                    LOG.info("API key {} revoked", keyId);
                    bus.publish(Addresses.AUTH_KEY_REVOKED, keyId);
                    message.reply(true);
                  })
                  .onFailure(error -> message.fail(FailureCodes.UNAVAILABLE, error.getMessage()));
            })
            .completion()));
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
