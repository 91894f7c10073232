package io.eventgateway.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * The {@code feed_tickets} table: short-lived, single-use stand-ins for a credential, for browsers, which cannot set
 * {@code Authorization} on a WebSocket upgrade. Kept in PostgreSQL so that a ticket issued by one gateway node can be
 * redeemed on another, and used once across all of them.
 */
final class FeedTickets {

  /** Long enough to open a socket right after asking, short enough that a leaked URL is worthless. */
  static final Duration LIFETIME = Duration.ofSeconds(30);

  private static final String PREFIX = "egt_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;

  FeedTickets(Pool pool) {
    this.pool = pool;
  }

  /** A ticket carrying {@code caller}'s grants; only its hash is stored. */
  Future<JsonObject> issue(Caller caller) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String ticket = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Instant expiresAt = Instant.now().plus(LIFETIME);
    // expired tickets are swept by whoever issues the next one: the table stays as small as the
    // last 30 s
    return pool.query("DELETE FROM feed_tickets WHERE expires_at < now()")
        .execute()
        .compose(swept -> pool.preparedQuery(
                "INSERT INTO feed_tickets (ticket_hash, caller, expires_at) "
                    + "VALUES ($1, $2, $3)")
            .execute(Tuple.of(
                ApiKeyFormat.hash(ticket),
                caller.toJson(),
                OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC))))
        .map(inserted ->
            new JsonObject().put("ticket", ticket).put("expiresAt", expiresAt.toString()));
  }

  /** @return the grants of an unexpired, unused ticket, which is gone afterwards; {@code null} otherwise */
  Future<Caller> redeem(String ticket) {
    if (ticket == null || !ticket.startsWith(PREFIX)) {
      return Future.succeededFuture(null);
    }
    return pool.preparedQuery(
            "DELETE FROM feed_tickets WHERE ticket_hash = $1 AND expires_at > now() RETURNING caller")
        .execute(Tuple.of(ApiKeyFormat.hash(ticket)))
        .map(rows -> rows.size() == 0
            ? null
            : Caller.fromJson((JsonObject) rows.iterator().next().getValue("caller")));
  }
}
