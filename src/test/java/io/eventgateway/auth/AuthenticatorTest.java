package io.eventgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.FailureCodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link Authenticator} alone, the key store played by the test on {@link Addresses#AUTH_KEY_FIND}. */
@ExtendWith(VertxExtension.class)
@DisplayName("Authenticator: API keys while the key store cannot answer")
class AuthenticatorTest {

  private final ApiKeyFormat.Parsed key = ApiKeyFormat.generate();
  private final AtomicBoolean storeAnswers = new AtomicBoolean(true);
  private final AtomicInteger lookups = new AtomicInteger();

  @Test
  @DisplayName(
      "the last answer is served for auth.staleKeySeconds after it was given, and failed lookups never extend it")
  void staleKeysAreServedForABoundedTime(Vertx vertx, VertxTestContext test) {
    playKeyStore(vertx);
    Authenticator authenticator = new Authenticator(
        vertx, new JsonObject().put("keyCacheSeconds", 0).put("staleKeySeconds", 1));
    String bearer = "Bearer " + key.key();
    authenticator
        .authenticate(bearer)
        .compose(first -> {
          storeAnswers.set(false);
          return vertx.timer(400).compose(waited -> authenticator.authenticate(bearer));
        })
        .compose(duringOutage -> {
          test.verify(() -> assertThat(duringOutage.tenant()).isEqualTo("acme"));
          // a failed lookup at 400 ms must not count as a new answer: 1,200 ms after the only
          // answer the key is refused
          return vertx.timer(800).compose(waited -> authenticator.authenticate(bearer));
        })
        .onComplete(test.failing(refused -> test.verify(() -> {
          assertThat(lookups).hasValue(3);
          test.completeNow();
        })));
  }

  private void playKeyStore(Vertx vertx) {
    Caller caller = new Caller(
        "k",
        "ingest",
        "acme",
        Caller.Administers.NOTHING,
        null,
        null,
        Set.of(Caller.ALL),
        null,
        null);
    vertx.eventBus().<String>consumer(Addresses.AUTH_KEY_FIND, message -> {
      lookups.incrementAndGet();
      if (storeAnswers.get()) {
        message.reply(ApiKeyStore.toJson(new ApiKeyStore.Stored(key.hash(), caller)));
      } else {
        message.fail(FailureCodes.UNAVAILABLE, "connection refused");
      }
    });
  }

  @Test
  @DisplayName("without any answer before the outage, a key is refused at once")
  void noAnswerNoKey(Vertx vertx, VertxTestContext test) {
    playKeyStore(vertx);
    storeAnswers.set(false);
    new Authenticator(vertx, new JsonObject())
        .authenticate("Bearer " + key.key())
        .onComplete(test.failing(refused -> test.completeNow()));
  }

  @Test
  @DisplayName(
      "a session's credential: an expired token and a key the store no longer has stop holding")
  void sessionsLoseExpiredAndRevokedCredentials(Vertx vertx, VertxTestContext test) {
    java.util.concurrent.atomic.AtomicBoolean stored =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    Caller holder = new Caller(
        key.keyId(), "feed", "acme", Caller.Administers.NOTHING, null, null, Set.of(), null, null);
    vertx.eventBus().<String>consumer(Addresses.AUTH_KEY_FIND, message -> {
      if (stored.get()) {
        message.reply(ApiKeyStore.toJson(new ApiKeyStore.Stored(key.hash(), holder)));
      } else {
        message.fail(FailureCodes.NOT_FOUND, "no such key");
      }
    });
    Authenticator authenticator =
        new Authenticator(vertx, new JsonObject().put("keyCacheSeconds", 0));
    Caller expired = new Caller(
        "jwt:a",
        "a",
        "acme",
        Caller.Administers.NOTHING,
        null,
        null,
        Set.of(),
        null,
        java.time.Instant.now().minusSeconds(1));
    Caller current = new Caller(
        "jwt:b",
        "b",
        "acme",
        Caller.Administers.NOTHING,
        null,
        null,
        Set.of(),
        null,
        java.time.Instant.now().plusSeconds(60));
    authenticator
        .stillValid(current)
        .compose(valid -> authenticator.stillValid(holder))
        .compose(valid -> authenticator.stillValid(expired).transform(outcome -> {
          test.verify(() -> assertThat(outcome.cause())
              .isInstanceOf(Authenticator.Unauthenticated.class)
              .hasMessageContaining("expired"));
          stored.set(false);
          return authenticator.stillValid(holder);
        }))
        .onComplete(test.failing(revoked -> test.verify(() -> {
          assertThat(revoked)
              .isInstanceOf(Authenticator.Unauthenticated.class)
              .hasMessageContaining("revoked");
          test.completeNow();
        })));
  }
}
