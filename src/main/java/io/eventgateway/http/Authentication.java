package io.eventgateway.http;

import io.eventgateway.auth.Authenticator;
import io.eventgateway.auth.Caller;
import io.eventgateway.ingest.Problem;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Requires a credential on the routes it guards (ingest, reads, feeds, admin) and puts the {@link Caller} in the
 * context: {@code Authorization: Bearer <API key or JWT>}, or, on a live feed's WebSocket upgrade only, {@code
 * ?ticket=} from {@code POST /v1/feeds/tickets} (browsers cannot set headers there). {@code 401} with {@code WWW-Authenticate}
 * (RFC 6750) when the credential is missing or wrong; {@code 403} from {@link #requireAdmin} and {@link #requireRead}
 * for a caller without that grant.
 */
final class Authentication implements AuthenticationHandler {

  private static final String CALLER = "gateway.caller";
  private static final String TENANT = "gateway.tenant";
  private static final String REALM = "Bearer realm=\"event-gateway\"";
  /** WebSocket close code (RFC 6455): the credential no longer allows the session. */
  private static final short POLICY_VIOLATION = 1008;

  private final Authenticator authenticator;
  private final boolean takesTickets;

  private Authentication(Authenticator authenticator, boolean takesTickets) {
    this.authenticator = authenticator;
    this.takesTickets = takesTickets;
  }

  /** For every route but the feeds: a bearer credential only. */
  static Authentication of(Authenticator authenticator) {
    return new Authentication(authenticator, false);
  }

  /** For the live feeds: a bearer credential, or on the WebSocket upgrade a feed ticket (its read grants only). */
  static Authentication forFeeds(Authenticator authenticator) {
    return new Authentication(authenticator, true);
  }

  @Override
  public void handle(RoutingContext ctx) {
    // a WebSocket upgrade must find the request as it came: hold it while the credentials are
    // checked
    boolean held = !ctx.request().isEnded();
    if (held) {
      ctx.request().pause();
    }
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String ticket = ctx.queryParams().get("ticket");
    Future<Caller> caller = takesTickets
            && authorization == null
            && ticket != null
            && (isWebSocketUpgrade(ctx) || FeedRoutes.acceptsEventStream(ctx.request()))
        ? authenticator.redeemTicket(ticket)
        : authenticator.authenticate(authorization);
    caller
        .onSuccess(authenticated -> {
          ctx.put(CALLER, authenticated);
          ctx.next();
          if (held) {
            ctx.request().resume();
          }
        })
        .onFailure(error -> {
          if (error instanceof Authenticator.Unauthenticated) {
            boolean presented = authorization != null || ticket != null;
            ctx.response()
                .putHeader(
                    "WWW-Authenticate", presented ? REALM + ", error=\"invalid_token\"" : REALM);
            Problem.refuseUnread(
                ctx, Problem.of(401, "unauthenticated", "Unauthenticated", error.getMessage()));
          } else {
            // a client that may well be legitimate: it reads the 503 and its Retry-After, its body
            // is skipped
            Problem.send(
                ctx.response().putHeader("Retry-After", "5"),
                Problem.of(
                    503,
                    "auth-unavailable",
                    "Credentials cannot be checked",
                    "The key store is unavailable"));
            if (held) {
              ctx.request().resume();
            }
          }
        });
  }

  /**
   * Closes a WebSocket opened with this request's credential once the credential stops holding (its key revoked,
   * on any node, or its token expired), checked every {@code auth.keyCacheSeconds}: a long-lived session keeps no
   * right its credential lost, nor outlives the key store's outage past {@code auth.staleKeySeconds}. Close code 1008
   * (policy violation) with the reason.
   */
  void closeWhenRevoked(RoutingContext ctx, ServerWebSocket socket) {
    closeWhenRevoked(ctx, socket::isClosed, reason -> socket.close(POLICY_VIOLATION, reason));
  }

  /** As above, for a session that is not a WebSocket (an event stream): {@code close} takes the reason. */
  void closeWhenRevoked(RoutingContext ctx, BooleanSupplier closed, Consumer<String> close) {
    Caller caller = caller(ctx);
    Vertx vertx = ctx.vertx();
    vertx.setPeriodic(Math.max(1, authenticator.revocationDelayMillis()), timer -> {
      if (closed.getAsBoolean()) {
        vertx.cancelTimer(timer);
        return;
      }
      // the key store's outage is served from the last answer for auth.staleKeySeconds; past that a
      // failure
      // closes too: a revocation during a long outage must not keep its sessions
      authenticator.stillValid(caller).onFailure(error -> {
        vertx.cancelTimer(timer);
        close.accept(
            error instanceof Authenticator.Unauthenticated
                ? error.getMessage()
                : "the credential cannot be checked; reconnect");
      });
    });
  }

  static Caller caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }

  /** Guards the admin API: tenant admins and operators pass; each handler keeps a tenant admin to its tenant. */
  static void requireAdmin(RoutingContext ctx) {
    Caller caller = caller(ctx);
    if (caller.admin()) {
      ctx.next();
      return;
    }
    forbidden(ctx, "'" + caller.name() + "' has no admin grant");
  }

  /** Guards what every tenant shares (the registry's subjects, configuration): operators only. */
  static void requireOperator(RoutingContext ctx) {
    Caller caller = caller(ctx);
    if (caller.operator()) {
      ctx.next();
      return;
    }
    forbidden(
        ctx,
        "'" + caller.name() + "' is no operator; "
            + (caller.admin()
                ? "a tenant admin administers its own tenant only"
                : "it has no admin grant"));
  }

  /**
   * Guards a read of {@code family}'s data: only callers whose read grant names it (or {@code *}) pass, and they
   * read the tenant {@link #readTenant} resolves.
   */
  static Handler<RoutingContext> requireRead(String family) {
    return ctx -> {
      if (!caller(ctx).mayRead(family)) {
        forbiddenRead(ctx, family);
      } else if (readTenant(ctx)) {
        ctx.next();
      }
    };
  }

  /** Guards a read whose family is known only later: callers without any read grant stop here. */
  static void requireAnyRead(RoutingContext ctx) {
    if (!caller(ctx).readsAnything()) {
      forbiddenRead(ctx, null);
    } else if (readTenant(ctx)) {
      ctx.next();
    }
  }

  /** The tenant whose data a read returns, as {@link #readTenant} resolved it. */
  static String tenant(RoutingContext ctx) {
    return ctx.get(TENANT);
  }

  /**
   * Resolves whose data a read is for: the caller's own tenant; an operator may name another with {@code ?tenant=}.
   *
   * @return false when the request was answered ({@code 403} or {@code 400}) instead
   */
  static boolean readTenant(RoutingContext ctx) {
    Caller caller = caller(ctx);
    String named = ctx.queryParams().get("tenant");
    if (named == null || named.equals(caller.tenant())) {
      ctx.put(TENANT, caller.tenant());
      return true;
    }
    if (!caller.administers(named)) {
      forbidden(
          ctx,
          "'" + caller.name() + "' reads tenant '" + caller.tenant()
              + "' only; naming another needs an operator");
      return false;
    }
    if (!Caller.TENANT_NAME.matcher(named).matches()) {
      Problem.send(
          ctx.response(),
          Problem.invalidField(
              "invalid-query",
              "Invalid query",
              "tenant",
              "must match " + Caller.TENANT_NAME.pattern()));
      return false;
    }
    ctx.put(TENANT, named);
    return true;
  }

  private static void forbidden(RoutingContext ctx, String detail) {
    Problem.send(ctx.response(), Problem.of(403, "forbidden", "Forbidden", detail));
  }

  static void forbiddenRead(RoutingContext ctx, String family) {
    forbidden(
        ctx,
        "'" + caller(ctx).name() + "' has no read grant"
            + (family == null ? "" : " for family '" + family + "'"));
  }

  private static boolean isWebSocketUpgrade(RoutingContext ctx) {
    String upgrade = ctx.request().getHeader(HttpHeaders.UPGRADE);
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }
}
