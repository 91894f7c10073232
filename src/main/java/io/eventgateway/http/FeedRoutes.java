package io.eventgateway.http;

import io.eventgateway.auth.Caller;
import io.eventgateway.auth.RateLimits;
import io.eventgateway.config.HttpConfig;
import io.eventgateway.feeds.EventStreamSink;
import io.eventgateway.feeds.FeedSession;
import io.eventgateway.feeds.ResumableFeeds;
import io.eventgateway.feeds.WebSocketFeedSink;
import io.eventgateway.ingest.CloudEventsReader;
import io.eventgateway.ingest.EventProducer;
import io.eventgateway.ingest.EventValidator;
import io.eventgateway.ingest.Problem;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The WebSocket routes, ingest over {@code /v1/stream}, and the feeds of alerts and events with their tickets: as
 * Server-Sent Events ({@code Accept: text/event-stream}) or WebSocket, resumable from a position ({@code
 * Last-Event-ID}, {@code lastEventId}, {@code from}; every event stream is), or live (a WebSocket without either:
 * from now, sampled when slow).
 */
final class FeedRoutes {

  private static final String START = "feedStart";
  /** What the request's feed runs when it closes: its quota given back. */
  private static final String RELEASED = "feedReleased";
  /** The tenant's resumable-feed slot the request took, given back once. */
  private static final String RESUMABLE_SLOT = "feedResumableSlot";

  private static final String EVENT_STREAM = "text/event-stream";

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
      Handler<RoutingContext> readShares,
      ResumableFeeds resumable) {
    WebSocketOrigins origins = new WebSocketOrigins(http.allowedOrigins(), http.trustedProxies());
    ConnectionGuard guard = ConnectionGuard.of(vertx, http);
    int perTenant = http.maxWebSocketsPerTenant();
    Handler<RoutingContext> tenantQuota = ctx -> {
      if (admitted(ctx, guard, perTenant)) {
        ctx.put(RELEASED, released(ctx, guard));
        ctx.next();
      }
    };
    BoundedCounts resumablePerTenant = (BoundedCounts) vertx
        .sharedData()
        .getLocalMap("gateway.ingest")
        .computeIfAbsent("resumableFeeds", key -> new BoundedCounts());
    int maxResumable = resumable.config().maxResumablePerTenant();
    Handler<RoutingContext> feedQuota = ctx -> {
      String tenant = Authentication.caller(ctx).tenant();
      if (!resumable(ctx)) {
        tenantQuota.handle(ctx);
      } else if (!resumablePerTenant.tryAdd(tenant, maxResumable)) {
        Problem.send(
            ctx.response().putHeader("Retry-After", "5"),
            Problem.of(
                429,
                "too-many-feeds",
                "Too many resumable feeds",
                "tenant '" + tenant + "' reads " + maxResumable
                    + " resumable feeds on this node (feeds.maxResumablePerTenant); close one first"));
      } else if (admitted(ctx, guard, perTenant)) {
        Runnable connection = released(ctx, guard);
        boolean[] once = {false};
        Runnable slot = () -> {
          if (!once[0]) {
            once[0] = true;
            resumablePerTenant.remove(tenant);
          }
        };
        ctx.put(RESUMABLE_SLOT, slot);
        ctx.put(RELEASED, (Runnable) () -> {
          connection.run();
          slot.run();
        });
        ctx.next();
      } else {
        resumablePerTenant.remove(tenant);
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
        .handler(FeedRoutes::start)
        .handler(feedQuota)
        .handler(ctx -> open(
            ctx,
            feedAuthentication,
            resumable,
            ResumableFeeds.Feed.ALERTS,
            (socket, closed) ->
                FeedSession.alerts(vertx, socket, Authentication.tenant(ctx), closed)));
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
      } else if (Authentication.readTenant(ctx)) {
        ctx.next();
      }
    });
    router.get("/v1/feeds/events").handler(FeedRoutes::start).handler(feedQuota).handler(ctx -> {
      String type = ctx.queryParams().get("type");
      open(
          ctx,
          feedAuthentication,
          resumable,
          ResumableFeeds.Feed.EVENTS,
          (socket, closed) ->
              FeedSession.events(vertx, socket, Authentication.tenant(ctx), type, closed));
    });
  }

  /** Reads where a feed starts; a start that cannot be read is answered {@code 400} naming its field. */
  private static void start(RoutingContext ctx) {
    String header = ctx.request().getHeader("Last-Event-ID");
    try {
      ctx.put(
          START,
          header != null
              ? ResumableFeeds.start(header, "Last-Event-ID", ctx.queryParams().get("from"))
              : ResumableFeeds.start(
                  ctx.queryParams().get("lastEventId"),
                  "lastEventId",
                  ctx.queryParams().get("from")));
      ctx.next();
    } catch (ResumableFeeds.InvalidStart invalid) {
      Problem.send(
          ctx.response(),
          Problem.invalidField(
              "invalid-feed-start", "Invalid feed start", invalid.field(), invalid.getMessage()));
    }
  }

  /** Whether the request asks for Server-Sent Events. */
  static boolean acceptsEventStream(HttpServerRequest request) {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains(EVENT_STREAM);
  }

  /** An event stream, or a WebSocket that asked for a position: read from Kafka for this client alone. */
  private static boolean resumable(RoutingContext ctx) {
    return acceptsEventStream(ctx.request())
        || ctx.queryParams().contains("from")
        || ctx.queryParams().contains("lastEventId");
  }

  /** A live WebSocket feed of the node's relay: it starts now and drops what a slow client cannot take. */
  @FunctionalInterface
  private interface LiveFeed {
    void open(ServerWebSocket socket, Runnable closed);
  }

  /**
   * Opens the feed the request asks for, once its quota is taken: an event stream, a resumable WebSocket feed, or
   * a live one.
   */
  private static void open(
      RoutingContext ctx,
      Authentication feedAuthentication,
      ResumableFeeds resumable,
      ResumableFeeds.Feed feed,
      LiveFeed liveFeed) {
    Runnable released = ctx.get(RELEASED);
    String type = ctx.queryParams().get("type");
    ResumableFeeds.Start start = ctx.get(START);
    String tenant = Authentication.tenant(ctx);
    if (acceptsEventStream(ctx.request())) {
      EventStreamSink sink =
          new EventStreamSink(ctx.request(), resumable.config().retryMillis());
      sink.closeHandler(released);
      feedAuthentication.closeWhenRevoked(
          ctx, sink::isClosed, reason -> sink.close("credential-revoked", reason));
      resumable.open(feed, type, start, tenant, sink);
      return;
    }
    ctx.request()
        .toWebSocket()
        .onSuccess(socket -> {
          feedAuthentication.closeWhenRevoked(ctx, socket);
          if (resumable(ctx)) {
            WebSocketFeedSink sink = new WebSocketFeedSink(socket);
            sink.closeHandler(released);
            resumable.open(feed, type, start, tenant, sink);
          } else {
            liveFeed.open(socket, released);
          }
        })
        .onFailure(error -> {
          // the request is answered, its connection may go on: only the feed's slot is given back
          Runnable slot = ctx.get(RESUMABLE_SLOT);
          if (slot != null) {
            slot.run();
          }
          ApiErrors.failure(
              ctx,
              400,
              "websocket-required",
              "WebSocket or event stream required",
              "a feed takes a WebSocket upgrade or Accept: text/event-stream: "
                  + error.getMessage());
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
