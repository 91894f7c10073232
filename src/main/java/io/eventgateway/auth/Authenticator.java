package io.eventgateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.FailureCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Turns an {@code Authorization: Bearer <token>} header into a {@link Caller}: an API key (looked up through
 * {@link AuthVerticle}, then trusted for {@code auth.keyCacheSeconds}, so steady-state requests cost no database
 * call; while the database is unreachable the last answer stays in use, so that ingest does not depend on it) or a JWT signed with the configured key (vertx-auth-jwt). JWT claims: {@code sub} names the caller,
 * {@code tenant} (default {@code default}) is the caller's tenant, {@code admin: true} (or {@code "admin"} in
 * {@code roles}) grants the admin API, {@code families} and {@code types} restrict what it may publish, {@code read}
 * ({@code "*"} or families) is what it may read, {@code rateLimitPerSecond} limits it.
 *
 * <p>Failures carry a reason fit for the client; the token itself is never logged nor echoed.
 */
public final class Authenticator {

  private final Vertx vertx;
  private final boolean enabled;
  private final JWTAuth jwt;
  private final Cache<String, Lookup> keys;
  private final long freshMillis;

  /** A key store answer and when it was given. */
  private record Lookup(Optional<ApiKeyStore.Stored> stored, long atMillis) {
  }

  /** Why a request is not authenticated; the message is safe to show the client. */
  public static final class Unauthenticated extends RuntimeException {
    public Unauthenticated(String reason) {
      super(reason, null, false, false);
    }
  }

  public Authenticator(Vertx vertx, JsonObject auth) {
    this.vertx = vertx;
    this.enabled = auth.getBoolean("enabled", true);
    this.jwt = jwt(vertx, auth.getJsonObject("jwt", new JsonObject()));
    this.freshMillis = Duration.ofSeconds(auth.getInteger("keyCacheSeconds", 5)).toMillis();
    this.keys = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofHours(1)).build();
    vertx.eventBus().<String>localConsumer(Addresses.AUTH_KEY_REVOKED, revoked -> keys.invalidate(revoked.body()));
  }

  public Future<Caller> authenticate(String authorization) {
    if (!enabled) {
      return Future.succeededFuture(Caller.UNAUTHENTICATED);
    }
    if (authorization == null || authorization.isBlank()) {
      return Future.failedFuture(new Unauthenticated("credentials required: send Authorization: Bearer <API key or JWT>"));
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(new Unauthenticated("only the Bearer scheme is accepted"));
    }
    String token = authorization.substring(7).trim();
    ApiKeyFormat.Parsed key = ApiKeyFormat.parse(token);
    if (key != null) {
      return apiKey(key);
    }
    if (jwt == null) {
      return Future.failedFuture(new Unauthenticated("not an API key, and JWTs are not configured"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(error -> Future.failedFuture(new Unauthenticated("invalid token: " + error.getMessage())))
        .compose(user -> {
          try {
            return Future.succeededFuture(fromClaims(user.principal()));
          } catch (Unauthenticated invalid) {
            return Future.failedFuture(invalid);
          }
        });
  }

  /** A feed ticket's grants; the ticket is used up. */
  public Future<Caller> redeemTicket(String ticket) {
    return vertx.eventBus().<JsonObject>request(Addresses.AUTH_TICKET_REDEEM, ticket)
        .map(reply -> Caller.fromJson(reply.body()))
        .recover(error -> Future.failedFuture(error instanceof ReplyException reply
            && reply.failureCode() == FailureCodes.NOT_FOUND ? new Unauthenticated("unknown, used or expired ticket")
            : error));
  }

  private Future<Caller> apiKey(ApiKeyFormat.Parsed key) {
    Lookup cached = keys.getIfPresent(key.keyId());
    Future<Optional<ApiKeyStore.Stored>> stored = cached != null && System.currentTimeMillis() - cached.atMillis()
        < freshMillis ? Future.succeededFuture(cached.stored())
        : vertx.eventBus().<JsonObject>request(Addresses.AUTH_KEY_FIND, key.keyId())
            .map(reply -> Optional.of(ApiKeyStore.fromJson(reply.body())))
            .recover(error -> {
              if (error instanceof ReplyException reply && reply.failureCode() == FailureCodes.NOT_FOUND) {
                return Future.succeededFuture(Optional.empty());
              }
              return cached != null ? Future.succeededFuture(cached.stored()) : Future.failedFuture(error);
            })
            .onSuccess(found -> keys.put(key.keyId(), new Lookup(found, System.currentTimeMillis())));
    return stored.compose(found -> found.isPresent() && ApiKeyFormat.matches(found.get().hash(), key)
        ? Future.succeededFuture(found.get().caller())
        : Future.failedFuture(new Unauthenticated("unknown or revoked API key")));
  }

  private static Caller fromClaims(JsonObject claims) {
    JsonArray roles = claims.getJsonArray("roles", new JsonArray());
    Object rate = claims.getValue("rateLimitPerSecond");
    String subject = claims.getString("sub", "jwt");
    return new Caller("jwt:" + subject, subject, tenant(claims),
        Boolean.TRUE.equals(claims.getValue("admin")) || roles.contains("admin"),
        Caller.set(claims.getJsonArray("families")), Caller.set(claims.getJsonArray("types")),
        Caller.readGrant(claims.getValue("read")), rate instanceof Number number ? number.intValue() : null);
  }

  private static String tenant(JsonObject claims) {
    Object tenant = claims.getValue("tenant", Caller.DEFAULT_TENANT);
    if (tenant instanceof String name && Caller.TENANT_NAME.matcher(name).matches()) {
      return name;
    }
    throw new Unauthenticated("invalid token: claim 'tenant' must match " + Caller.TENANT_NAME.pattern());
  }

  /** @return the verifier, or {@code null} when no key is configured (JWTs are then refused) */
  private static JWTAuth jwt(Vertx vertx, JsonObject jwt) {
    String key = jwt.getString("key", "");
    String keyFile = jwt.getString("keyFile", "");
    if (key.isEmpty() && !keyFile.isEmpty()) {
      try {
        key = Files.readString(Path.of(keyFile)).trim();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read auth.jwt.keyFile " + keyFile, e);
      }
    }
    if (key.isEmpty()) {
      return null;
    }
    JWTOptions options = new JWTOptions();
    if (!jwt.getString("issuer", "").isEmpty()) {
      options.setIssuer(jwt.getString("issuer"));
    }
    if (!jwt.getString("audience", "").isEmpty()) {
      options.setAudience(List.of(jwt.getString("audience")));
    }
    return JWTAuth.create(vertx, new JWTAuthOptions().setJWTOptions(options)
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(jwt.getString("algorithm", "HS256")).setBuffer(key)));
  }
}
