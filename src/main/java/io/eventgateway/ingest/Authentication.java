package io.eventgateway.ingest;

import io.eventgateway.auth.Authenticator;
import io.eventgateway.auth.Caller;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;

/**
 * Requires {@code Authorization: Bearer <API key or JWT>} on the routes it guards (ingest, the WebSocket upgrade,
 * admin) and puts the {@link Caller} in the context. {@code 401} with {@code WWW-Authenticate} (RFC 6750) when
 * the credentials are missing or wrong; {@code 403} from {@link #requireAdmin} for a caller without the admin grant.
 */
final class Authentication implements AuthenticationHandler {

  private static final String CALLER = "gateway.caller";
  private static final String REALM = "Bearer realm=\"event-gateway\"";

  private final Authenticator authenticator;

  Authentication(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    // a WebSocket upgrade must find the request as it came: hold it while the credentials are checked
    boolean held = !ctx.request().isEnded();
    if (held) {
      ctx.request().pause();
    }
    authenticator.authenticate(ctx.request().getHeader("Authorization"))
        .onSuccess(caller -> {
          ctx.put(CALLER, caller);
          ctx.next();
          if (held) {
            ctx.request().resume();
          }
        })
        .onFailure(error -> {
          if (error instanceof Authenticator.Unauthenticated) {
            boolean presented = ctx.request().getHeader("Authorization") != null;
            Problem.send(ctx.response().putHeader("WWW-Authenticate", presented
                    ? REALM + ", error=\"invalid_token\"" : REALM),
                Problem.of(401, "unauthenticated", "Unauthenticated", error.getMessage()));
          } else {
            Problem.send(ctx.response().putHeader("Retry-After", "5"), Problem.of(503, "auth-unavailable",
                "Credentials cannot be checked", "The key store is unavailable: " + error.getMessage()));
          }
        });
  }

  static Caller caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }

  /** Guards the admin API: only callers with the admin grant pass. */
  static void requireAdmin(RoutingContext ctx) {
    Caller caller = caller(ctx);
    if (caller.admin()) {
      ctx.next();
      return;
    }
    Problem.send(ctx.response(), Problem.of(403, "forbidden", "Forbidden",
        "'" + caller.name() + "' has no admin grant"));
  }
}
