package io.eventgateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.analytics.AnalyticsQueryVerticle;
import io.eventgateway.auth.AuthVerticle;
import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.BusCodecs;
import io.eventgateway.bus.FailureCodes;
import io.eventgateway.config.ConfigLoader;
import io.eventgateway.dev.FreePorts;
import io.eventgateway.store.EventQueryVerticle;
import io.eventgateway.store.PgWriterVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The verticles that answer from PostgreSQL, each alone, with the database unreachable: every request gets the bus's
 * {@code UNAVAILABLE} (which the API turns into {@code 503} with {@code Retry-After}), never a timeout or an
 * internal error, and a malformed request gets its own code before the database is asked.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Database-backed verticles when PostgreSQL is down")
class DatabaseOutageVerticlesTest {

  @Test
  @DisplayName(
      "the writer: persisting enrichments, the backfill's pending rows and stored answers are UNAVAILABLE")
  void writer(Vertx vertx, VertxTestContext test) {
    deploy(vertx, PgWriterVerticle::new)
        .compose(deployed -> Future.all(
            failureCode(vertx, Addresses.ENRICHMENTS_PENDING, 10),
            failureCode(
                vertx,
                Addresses.ENRICHMENTS_STORED,
                new JsonArray().add(new JsonObject().put("smiles", "CCO").put("inputHash", "00")))))
        .onComplete(test.succeeding(codes -> test.verify(() -> {
          assertThat(codes.<Integer>list()).containsOnly(FailureCodes.UNAVAILABLE);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("the event reads: an event and a molecule by id are UNAVAILABLE")
  void eventReads(Vertx vertx, VertxTestContext test) {
    JsonObject byId = new JsonObject().put("tenant", "t1").put("id", "e1");
    deploy(vertx, EventQueryVerticle::new)
        .compose(deployed -> Future.all(
            failureCode(vertx, Addresses.EVENTS_GET, byId),
            failureCode(vertx, Addresses.MOLECULES_GET, byId)))
        .onComplete(test.succeeding(codes -> test.verify(() -> {
          assertThat(codes.<Integer>list()).containsOnly(FailureCodes.UNAVAILABLE);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "analytics: a query is UNAVAILABLE; one that names no tenant is INTERNAL, not asked of the database")
  void analytics(Vertx vertx, VertxTestContext test) {
    JsonObject user = new JsonObject().put("query", "user").put("tenant", "t1").put("userId", "u1");
    deploy(vertx, AnalyticsQueryVerticle::new)
        .compose(deployed -> Future.all(
            failureCode(vertx, Addresses.ANALYTICS_QUERY, user),
            failureCode(vertx, Addresses.ANALYTICS_QUERY, user.copy().putNull("tenant"))))
        .onComplete(test.succeeding(codes -> test.verify(() -> {
          assertThat(codes.<Integer>list())
              .containsExactly(FailureCodes.UNAVAILABLE, FailureCodes.INTERNAL);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName(
      "auth: an API key lookup and a feed ticket's redemption are UNAVAILABLE, not 'unknown key'")
  void auth(Vertx vertx, VertxTestContext test) {
    deploy(vertx, AuthVerticle::new)
        .compose(deployed -> Future.all(
            failureCode(vertx, Addresses.AUTH_KEY_FIND, "key-1"),
            failureCode(vertx, Addresses.AUTH_TICKET_REDEEM, "egt_c2VjcmV0"),
            failureCode(vertx, Addresses.AUTH_TICKET_REDEEM, "not-a-ticket")))
        .onComplete(test.succeeding(codes -> test.verify(() -> {
          assertThat(codes.<Integer>list())
              .containsExactly(
                  FailureCodes.UNAVAILABLE, FailureCodes.UNAVAILABLE, FailureCodes.NOT_FOUND);
          test.completeNow();
        })));
  }

  /** Deploys one verticle with the gateway's configuration, its database a port nothing listens on. */
  private static Future<String> deploy(Vertx vertx, Supplier<VerticleBase> verticle) {
    BusCodecs.register(vertx);
    JsonObject config = ConfigLoader.load("test", Map.of());
    config
        .getJsonObject("postgres")
        .put("url", "postgresql://gateway@127.0.0.1:" + FreePorts.pick() + "/gateway");
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config));
  }

  /** The failure code of the answer; fails if the request was answered with a reply. */
  private static Future<Integer> failureCode(Vertx vertx, String address, Object body) {
    return vertx
        .eventBus()
        .request(address, body)
        .transform(answer -> answer.succeeded()
            ? Future.failedFuture("expected a failure, got " + answer.result().body())
            : Future.succeededFuture(((ReplyException) answer.cause()).failureCode()));
  }
}
