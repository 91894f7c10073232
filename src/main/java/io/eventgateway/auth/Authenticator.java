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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@code Authorization: Bearer <token>} header into a {@link Caller}: an API key (looked up through
 * {@link AuthVerticle}, then trusted for {@code auth.keyCacheSeconds}, so steady-state requests cost no database
 * call; while the database is unreachable the last answer stays in use for {@code auth.staleKeySeconds}, so that
 * ingest does not depend on it, but a revocation is not ignored for longer) or a
 * JWT signed with the configured key (vertx-auth-jwt; HMAC keys shorter than 32 bytes or left as placeholders are
 * refused at start). JWT claims: {@code exp} is required, at most {@code auth.jwt.maxLifetimeSeconds} after
 * {@code iat} (or now); {@code sub} names the caller,
 * {@code tenant} is the caller's tenant (required, unless {@code auth.jwt.defaultTenant} names one), {@code admin: true} (or {@code "admin"} in
 * {@code roles}) makes it an operator, {@code tenantAdmin: true} (or {@code "tenant-admin"} in {@code roles}) the
 * admin of its own tenant, {@code families} and {@code types} restrict what it may publish, {@code read}
 * ({@code "*"} or families) is what it may read, {@code rateLimitPerSecond} limits it.
 *
 * <p>Failures carry a reason fit for the client; the token itself is never logged nor echoed.
 */
public final class Authenticator {

  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  /** RFC 7518 §3.2: an HMAC key at least as long as the hash. */
  private static final int MIN_HMAC_KEY_BYTES = 32;
  /** Words that mark a key copied from an example rather than generated. */
  private static final List<String> PLACEHOLDERS =
      List.of("change-me", "changeme", "replace-me", "replaceme", "placeholder", "your-secret");

  private final Vertx vertx;
  private final boolean enabled;
  private final JWTAuth jwt;
  private final Cache<String, Lookup> keys;
  private final long freshMillis;
  private final long staleMillis;
  private final long maxLifetimeSeconds;
  private final String defaultTenant;

  /** A key store answer and when it was given. */
  private record Lookup(Optional<ApiKeyStore.Stored> stored, long atMillis) {}

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
    this.staleMillis =
        Duration.ofSeconds(auth.getInteger("staleKeySeconds", 300)).toMillis();
    JsonObject jwtSettings = auth.getJsonObject("jwt", new JsonObject());
    this.maxLifetimeSeconds = jwtSettings.getLong("maxLifetimeSeconds", 86_400L);
    this.defaultTenant = jwtSettings.getString("defaultTenant", "");
    this.keys = Caffeine.newBuilder()
        .maximumSize(10_000)
        .expireAfterWrite(Duration.ofHours(1))
        .build();
    vertx
        .eventBus()
        .<String>localConsumer(
            Addresses.AUTH_KEY_REVOKED, revoked -> keys.invalidate(revoked.body()));
  }

  /** How long a revocation may take to be seen here ({@code auth.keyCacheSeconds}). */
  public long revocationDelayMillis() {
    return freshMillis;
  }

  public Future<Caller> authenticate(String authorization) {
    if (!enabled) {
      return Future.succeededFuture(Caller.UNAUTHENTICATED);
    }
    if (authorization == null || authorization.isBlank()) {
      return Future.failedFuture(
          new Unauthenticated("credentials required: send Authorization: Bearer <API key or JWT>"));
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
      return Future.failedFuture(
          new Unauthenticated("not an API key, and JWTs are not configured"));
    }
    // the library's reason stays in the debug log: it can quote the token's contents back
    return jwt.authenticate(new TokenCredentials(token))
        .recover(error -> {
          LOG.debug("JWT refused: {}", error.getMessage());
          return Future.failedFuture(
              new Unauthenticated("invalid token: bad signature, issuer, audience or expired"));
        })
        .compose(user -> {
          try {
            // the verified payload, exp and iat included (the principal lacks them)
            JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
            return Future.succeededFuture(fromClaims(checkLifetime(claims)));
          } catch (Unauthenticated invalid) {
            return Future.failedFuture(invalid);
          }
        });
  }

  /** A feed ticket's grants, its issuer's read grants only; the ticket is used up. */
  public Future<Caller> redeemTicket(String ticket) {
    return vertx
        .eventBus()
        .<JsonObject>request(Addresses.AUTH_TICKET_REDEEM, ticket)
        .map(reply -> Caller.fromJson(reply.body()).readGrantsOnly())
        .recover(error -> Future.failedFuture(
            error instanceof ReplyException reply && reply.failureCode() == FailureCodes.NOT_FOUND
                ? new Unauthenticated("unknown, used or expired ticket")
                : error));
  }

  /** A key whose stored hash matches its secret. */
  private Future<Caller> apiKey(ApiKeyFormat.Parsed key) {
    return lookup(key.keyId())
        .compose(found -> found.isPresent() && ApiKeyFormat.matches(found.get().hash(), key)
            ? Future.succeededFuture(found.get().caller())
            : Future.failedFuture(new Unauthenticated("unknown or revoked API key")));
  }

  /**
   * Whether an authenticated caller's credential still holds, for sessions that outlive their request: fails with
   * {@link Unauthenticated} once a JWT has expired or an API key is revoked (seen within
   * {@code auth.keyCacheSeconds}, at once on the node that revoked it); with another error while the key store cannot
   * answer past {@code auth.staleKeySeconds}.
   */
  public Future<Void> stillValid(Caller caller) {
    if (!enabled) {
      return Future.succeededFuture();
    }
    if (caller.expiresAt() != null) {
      return Instant.now().isBefore(caller.expiresAt())
          ? Future.succeededFuture()
          : Future.failedFuture(new Unauthenticated("the token has expired"));
    }
    return lookup(caller.id())
        .compose(found -> found.isPresent()
            ? Future.succeededFuture()
            : Future.failedFuture(new Unauthenticated("the API key was revoked")));
  }

  /**
   * A key's lookup, trusted for {@code auth.keyCacheSeconds}. When the store cannot answer, the last answer is used
   * for at most {@code auth.staleKeySeconds} after it was given, and never counts as given again: a key revoked
   * during an outage is refused once that bound has passed.
   */
  private Future<Optional<ApiKeyStore.Stored>> lookup(String keyId) {
    Lookup cached = keys.getIfPresent(keyId);
    long now = System.currentTimeMillis();
    Future<Optional<ApiKeyStore.Stored>> stored =
        cached != null && now - cached.atMillis() < freshMillis
            ? Future.succeededFuture(cached.stored())
            : vertx
                .eventBus()
                .<JsonObject>request(Addresses.AUTH_KEY_FIND, keyId)
                .map(reply -> Optional.of(ApiKeyStore.fromJson(reply.body())))
                .recover(error -> error instanceof ReplyException reply
                        && reply.failureCode() == FailureCodes.NOT_FOUND
                    ? Future.succeededFuture(Optional.empty())
                    : Future.failedFuture(error))
                .onSuccess(found -> keys.put(keyId, new Lookup(found, now)))
                .recover(unanswered -> cached != null && now - cached.atMillis() < staleMillis
                    ? Future.succeededFuture(cached.stored())
                    : Future.failedFuture(unanswered));
    return stored;
  }

  private Caller fromClaims(JsonObject claims) {
    JsonArray roles = claims.getJsonArray("roles", new JsonArray());
    Object rate = claims.getValue("rateLimitPerSecond");
    String subject = claims.getString("sub", "jwt");
    String tenant = tenant(claims);
    // the tenant in the id: two tenants' tokens with one subject share no rate bucket or budget
    return new Caller(
        "jwt:" + tenant + ":" + subject,
        subject,
        tenant,
        Caller.Administers.of(
            Boolean.TRUE.equals(claims.getValue("admin")) || roles.contains("admin"),
            Boolean.TRUE.equals(claims.getValue("tenantAdmin")) || roles.contains("tenant-admin")),
        Caller.set(claims.getJsonArray("families")),
        Caller.set(claims.getJsonArray("types")),
        Caller.readGrant(claims.getValue("read")),
        rate instanceof Number number ? number.intValue() : null,
        Instant.ofEpochSecond(claims.getLong("exp")));
  }

  /** A token must expire, and within {@code auth.jwt.maxLifetimeSeconds} of when it was issued (or of now). */
  private JsonObject checkLifetime(JsonObject claims) {
    if (!(claims.getValue("exp") instanceof Number exp)) {
      throw new Unauthenticated("invalid token: claim 'exp' is required");
    }
    long issued = claims.getValue("iat") instanceof Number iat
        ? iat.longValue()
        : Instant.now().getEpochSecond();
    if (exp.longValue() - issued > maxLifetimeSeconds) {
      throw new Unauthenticated("invalid token: it lives longer than " + maxLifetimeSeconds + " s");
    }
    return claims;
  }

  /**
   * The token's tenant: its {@code tenant} claim; a token without one is refused, unless
   * {@code auth.jwt.defaultTenant} names the tenant such tokens act for.
   */
  private String tenant(JsonObject claims) {
    Object tenant = claims.getValue("tenant", defaultTenant.isEmpty() ? null : defaultTenant);
    if (tenant == null) {
      throw new Unauthenticated("invalid token: claim 'tenant' is required");
    }
    if (tenant instanceof String name && Caller.TENANT_NAME.matcher(name).matches()) {
      return name;
    }
    throw new Unauthenticated(
        "invalid token: claim 'tenant' must match " + Caller.TENANT_NAME.pattern());
  }

  /** Refuses, at start, an HMAC key that could be guessed: too short, or a placeholder left in place. */
  static void refuseWeak(String algorithm, String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    if (PLACEHOLDERS.stream().anyMatch(lower::contains)) {
      throw new IllegalArgumentException("auth.jwt.key is a placeholder; set a random secret "
          + "(openssl rand -base64 48) or leave it empty to refuse JWTs");
    }
    if (algorithm.startsWith("HS")
        && key.getBytes(StandardCharsets.UTF_8).length < MIN_HMAC_KEY_BYTES) {
      throw new IllegalArgumentException("auth.jwt.key for " + algorithm + " must have at least "
          + MIN_HMAC_KEY_BYTES + " bytes (openssl rand -base64 48)");
    }
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
    refuseWeak(jwt.getString("algorithm", "HS256"), key);
    JWTOptions options = new JWTOptions();
    if (!jwt.getString("issuer", "").isEmpty()) {
      options.setIssuer(jwt.getString("issuer"));
    }
    if (!jwt.getString("audience", "").isEmpty()) {
      options.setAudience(List.of(jwt.getString("audience")));
    }
    return JWTAuth.create(
        vertx,
        new JWTAuthOptions()
            .setJWTOptions(options)
            .addPubSecKey(new PubSecKeyOptions()
                .setAlgorithm(jwt.getString("algorithm", "HS256"))
                .setBuffer(key)));
  }
}
