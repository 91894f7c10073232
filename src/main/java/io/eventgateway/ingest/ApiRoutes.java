package io.eventgateway.ingest;

import io.eventgateway.auth.Authenticator;
import io.eventgateway.auth.Caller;
import io.eventgateway.auth.RateLimits;
import io.eventgateway.feeds.FeedSession;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public API: every route of the API port, in one place, so that the OpenAPI document
 * ({@code openapi/openapi.json}, served at {@code /openapi.json}) can be checked against it.
 */
public final class ApiRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);

  private static final long ADMIN_BODY_LIMIT = 1 << 20;

  /** The event families whose reads each route family needs a grant for (names as in schemas/families.json). */
  private static final String ANALYTICS = "analytics";

  private static final String CHEMISTRY = "chemistry";
  private static final String CHIP_QUALITY = "chip_quality";

  /** Swagger UI's files inside its webjar, whose folder is named after the webjar's version. */
  private static final String SWAGGER_UI =
      "META-INF/resources/webjars/swagger-ui/" + webjarVersion("swagger-ui");

  private ApiRoutes() {}

  /** The public API's routes; {@code config} is the gateway's whole configuration. */
  public static Router router(Vertx vertx, JsonObject config, EventCatalog catalog) {
    JsonObject http = config.getJsonObject("http");
    Router router = Router.router(vertx);
    router.route().handler(SecurityHeaders::apply);
    ReadHandlers reads = new ReadHandlers(vertx, catalog);
    EventProducer producer = new EventProducer(vertx, http.getLong("produceTimeoutMs"));
    Authentication authentication =
        new Authentication(new Authenticator(vertx, config.getJsonObject("auth")));
    RateLimits rateLimits = RateLimits.of(vertx);
    // a body that trickles in (or a Kafka that never answers) cannot hold a request forever
    TimeoutHandler requestTimeout = TimeoutHandler.create(http.getLong("requestTimeoutMs"), 408);
    // two routes per body-taking path: the credential is checked on the first, before any byte of
    // the body is read
    router.post("/v1/events").handler(requestTimeout).handler(authentication);
    router
        .post("/v1/events")
        .handler(RequestBudget.of(
            vertx,
            http.getLong("maxInFlightBytes"),
            http.getLong("maxInFlightBytesPerCaller"),
            http.getLong("maxBodyBytes")))
        .handler(BodyHandler.create(false).setBodyLimit(http.getLong("maxBodyBytes")))
        .handler(new IngestHandler(catalog, producer, http, rateLimits));
    WebSocketOrigins origins = new WebSocketOrigins(http.getJsonArray("allowedOrigins"));
    router
        .get("/v1/stream")
        .handler(origins)
        .handler(authentication)
        .handler(ctx -> ctx.request()
            .toWebSocket()
            .onSuccess(socket -> new StreamSession(
                    vertx,
                    socket,
                    new CloudEventsReader(http.getInteger("maxBatchEvents")),
                    new EventValidator(catalog),
                    producer,
                    http.getInteger("streamMaxPendingEvents"),
                    Authentication.caller(ctx),
                    rateLimits)
                .start())
            .onFailure(error -> failure(
                ctx,
                400,
                "websocket-required",
                "WebSocket required",
                "/v1/stream takes a WebSocket upgrade: " + error.getMessage())));
    router
        .post("/v1/feeds/tickets")
        .handler(authentication)
        .handler(Authentication::requireAnyRead)
        .handler(reads::ticket);
    router
        .get("/v1/feeds/alerts")
        .handler(origins)
        .handler(authentication)
        .handler(Authentication.requireRead(CHIP_QUALITY))
        .handler(ctx -> ctx.request()
            .toWebSocket()
            .onSuccess(socket -> FeedSession.alerts(vertx, socket, Authentication.tenant(ctx)))
            .onFailure(error ->
                failure(ctx, 400, "websocket-required", "WebSocket required", error.getMessage())));
    router.get("/v1/feeds/events").handler(origins).handler(authentication).handler(ctx -> {
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
        ctx.request()
            .toWebSocket()
            .onSuccess(
                socket -> FeedSession.events(vertx, socket, Authentication.tenant(ctx), type))
            .onFailure(error ->
                failure(ctx, 400, "websocket-required", "WebSocket required", error.getMessage()));
      }
    });
    router
        .get("/v1/events/:id")
        .handler(authentication)
        .handler(Authentication::requireAnyRead)
        .handler(reads::event);
    router
        .get("/v1/molecules/:id")
        .handler(authentication)
        .handler(Authentication.requireRead(CHEMISTRY))
        .handler(reads::molecule);
    router.get("/v1/types").handler(reads::types);
    router
        .route("/v1/analytics/*")
        .handler(authentication)
        .handler(Authentication.requireRead(ANALYTICS));
    router
        .route("/v1/quality/*")
        .handler(authentication)
        .handler(Authentication.requireRead(CHIP_QUALITY));
    router
        .route("/v1/alerts")
        .handler(authentication)
        .handler(Authentication.requireRead(CHIP_QUALITY));
    router
        .route("/v1/dashboard/stats")
        .handler(authentication)
        .handler(Authentication.requireRead(CHIP_QUALITY));
    AnalyticsHandlers analytics = new AnalyticsHandlers(vertx);
    router.get("/v1/analytics/users/:userId").handler(analytics::user);
    router.get("/v1/analytics/event-counts").handler(analytics::eventCounts);
    router.get("/v1/analytics/top-events").handler(analytics::topEvents);
    router.get("/v1/analytics/funnel").handler(analytics::funnel);
    router.get("/v1/quality/lines").handler(ctx -> analytics.quality(ctx, "line", null));
    router.get("/v1/quality/lines/:lineId/windows").handler(analytics::lineWindows);
    router.get("/v1/quality/batches").handler(ctx -> analytics.quality(ctx, "batch", null));
    router
        .get("/v1/quality/batches/:batchId")
        .handler(ctx -> analytics.quality(ctx, "batch", "batchId"));
    router.get("/v1/quality/products").handler(ctx -> analytics.quality(ctx, "product", null));
    router.get("/v1/quality/defects").handler(analytics::defects);
    router.get("/v1/quality/equipment/:equipmentId/timeline").handler(analytics::equipment);
    router.get("/v1/alerts").handler(analytics::alerts);
    router.get("/v1/dashboard/stats").handler(reads::dashboardStats);
    router.get("/dashboard").handler(page(vertx, "webroot/dashboard.html"));
    Buffer openApi = vertx.fileSystem().readFileBlocking("openapi/openapi.json");
    router
        .get("/openapi.json")
        .handler(
            ctx -> ctx.response().putHeader("Content-Type", "application/json").end(openApi));
    router.get("/docs").handler(page(vertx, "webroot/docs.html"));
    router.get("/docs/*").handler(StaticHandler.create(SWAGGER_UI));
    router
        .route("/registry/*")
        .subRouter(RegistryApi.router(vertx, authentication, requestTimeout));
    AdminHandlers admin = new AdminHandlers(vertx, catalog);
    router
        .route("/v1/admin/*")
        .handler(requestTimeout)
        .handler(authentication)
        .handler(Authentication::requireAdmin);
    router.route("/v1/admin/*").handler(BodyHandler.create(false).setBodyLimit(ADMIN_BODY_LIMIT));
    router.get("/v1/admin/dlq/:topic").handler(admin::listDeadLetters);
    router.post("/v1/admin/dlq/:topic/replay").handler(admin::replayDeadLetters);
    router.post("/v1/admin/keys").handler(admin::createKey);
    router.get("/v1/admin/keys").handler(admin::listKeys);
    router.delete("/v1/admin/keys/:id").handler(admin::revokeKey);
    router
        .route()
        .last()
        .handler(ctx -> Problem.send(
            ctx.response(),
            Problem.of(
                404,
                "not-found",
                "Not found",
                "No resource at " + ctx.request().method() + " " + ctx.request().path())));
    router.errorHandler(
        413,
        ctx -> failure(
            ctx,
            413,
            "body-too-large",
            "Body too large",
            "The body exceeds " + http.getLong("maxBodyBytes") + " bytes"));
    router.errorHandler(
        408,
        ctx -> failure(
            ctx,
            408,
            "request-timeout",
            "Request timeout",
            "The request was not completed within " + http.getLong("requestTimeoutMs") + " ms"));
    router.errorHandler(
        405,
        ctx -> failure(
            ctx,
            405,
            "method-not-allowed",
            "Method not allowed",
            ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(500, ctx -> {
      LOG.error(
          "Unhandled error on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
      failure(ctx, 500, "internal-error", "Internal error", "The request failed unexpectedly");
    });
    return router;
  }

  /** An HTML page from the class path, with the Content-Security-Policy that lets exactly its own scripts run. */
  private static Handler<RoutingContext> page(Vertx vertx, String resource) {
    Buffer html = vertx.fileSystem().readFileBlocking(resource);
    String policy = SecurityHeaders.pagePolicy(html);
    return ctx -> ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader(SecurityHeaders.CONTENT_SECURITY_POLICY, policy)
        .end(html);
  }

  private static void failure(
      RoutingContext ctx, int status, String slug, String title, String detail) {
    if (!ctx.response().ended()) {
      // a timed-out or oversized body is still arriving: the connection goes with the answer
      Problem.refuseUnread(ctx, Problem.of(status, slug, title, detail));
    }
  }

  private static String webjarVersion(String artifact) {
    try (InputStream in = ApiRoutes.class
        .getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars/" + artifact + "/pom.properties")) {
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
