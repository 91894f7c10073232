package io.eventgateway.http;

import io.eventgateway.auth.Caller;
import io.eventgateway.auth.RateLimits;
import io.eventgateway.config.HttpConfig;
import io.eventgateway.feeds.FeedSession;
import io.eventgateway.ingest.CloudEventsReader;
import io.eventgateway.ingest.EventProducer;
import io.eventgateway.ingest.EventValidator;
import io.eventgateway.ingest.Problem;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The WebSocket routes: ingest over {@code /v1/stream}, and the live feeds of alerts and events with their tickets. */
final class FeedRoutes {

  private FeedRoutes() {}

  static void mount(
      Router router,
      Vertx vertx,
      HttpConfig http,
      EventCatalog catalog,
      EventProducer producer,
      Authentication authentication,
      Authentication feedAuthentication,
      RateLimits rateLimits,
      ReadHandlers reads,
      Handler<RoutingContext> readShares) {
    WebSocketOrigins origins = new WebSocketOrigins(http.allowedOrigins(), http.trustedProxies());
    ConnectionGuard guard = ConnectionGuard.of(vertx, http);
    int perTenant = http.maxWebSocketsPerTenant();
    Handler<RoutingContext> tenantQuota = ctx -> {
      if (admitted(ctx, guard, perTenant)) {
        ctx.next();
      }
    };
    router
        .get("/v1/stream")
        .handler(origins)
        .handler(authentication)
        .handler(tenantQuota)
        .handler(ctx -> ctx.request()
            .toWebSocket()
            .onSuccess(socket -> {
              authentication.closeWhenRevoked(ctx, socket);
              new StreamSession(
                      vertx,
                      socket,
                      new CloudEventsReader(http.maxBatchEvents()),
                      new EventValidator(catalog),
                      producer,
                      http.streamMaxPendingEvents(),
                      Authentication.caller(ctx),
                      rateLimits)
                  .start(released(ctx, guard));
            })
            .onFailure(error -> ApiErrors.failure(
                ctx,
                400,
                "websocket-required",
                "WebSocket required",
                "/v1/stream takes a WebSocket upgrade: " + error.getMessage())));
    router
        .post("/v1/feeds/tickets")
        .handler(authentication)
        .handler(readShares)
        .handler(Authentication::requireAnyRead)
        .handler(reads::ticket);
    router
        .get("/v1/feeds/alerts")
        .handler(origins)
        .handler(feedAuthentication)
        .handler(Authentication.requireRead(ApiRoutes.CHIP_QUALITY))
        .handler(tenantQuota)
        .handler(ctx -> ctx.request()
            .toWebSocket()
            .onSuccess(socket -> {
              feedAuthentication.closeWhenRevoked(ctx, socket);
              FeedSession.alerts(vertx, socket, Authentication.tenant(ctx), released(ctx, guard));
            })
            .onFailure(error -> ApiErrors.failure(
                ctx, 400, "websocket-required", "WebSocket required", error.getMessage())));
    router.get("/v1/feeds/events").handler(origins).handler(feedAuthentication).handler(ctx -> {
      String type = ctx.queryParams().get("type");
      EventType known = type == null ? null : catalog.find(type);
      // without a type the feed streams every family: that needs the grant for all of them
      String family = known == null ? Caller.ALL : known.family();
      if (type != null && known == null) {
        Problem.send(
            ctx.response(),
            Problem.invalidField(
                "unknown-type",
                "Unknown event type",
                "type",
                "'" + type + "' is not a known event type (GET /v1/types)"));
      } else if (!Authentication.caller(ctx).mayRead(family)) {
        Authentication.forbiddenRead(ctx, family);
      } else if (Authentication.readTenant(ctx) && admitted(ctx, guard, perTenant)) {
        ctx.request()
            .toWebSocket()
            .onSuccess(socket -> {
              feedAuthentication.closeWhenRevoked(ctx, socket);
              FeedSession.events(
                  vertx, socket, Authentication.tenant(ctx), type, released(ctx, guard));
            })
            .onFailure(error -> ApiErrors.failure(
                ctx, 400, "websocket-required", "WebSocket required", error.getMessage()));
      }
    });
  }

  /** What a WebSocket runs when it closes: its connection no longer counts (see {@link ConnectionGuard#released}). */
  private static Runnable released(RoutingContext ctx, ConnectionGuard guard) {
    HttpConnection connection = ctx.request().connection();
    return () -> guard.released(connection);
  }

  /**
   * Whether the upgrade may go on: the caller's tenant may hold one more WebSocket on this node
   * ({@code http.maxWebSocketsPerTenant}); else answered {@code 429} with {@code Retry-After}. Taken after every other
   * check, so that a refused upgrade holds no slot.
   */
  private static boolean admitted(RoutingContext ctx, ConnectionGuard guard, int perTenant) {
    String tenant = Authentication.caller(ctx).tenant();
    if (guard.admitWebSocket(ctx.request().connection(), tenant)) {
      return true;
    }
    Problem.send(
        ctx.response().putHeader("Retry-After", "5"),
        Problem.of(
            429,
            "too-many-websockets",
            "Too many WebSockets",
            "tenant '" + tenant + "' holds " + perTenant
                + " WebSockets on this node (http.maxWebSocketsPerTenant); close one first"));
    return false;
  }
}
