package io.eventgateway.http;

import io.eventgateway.auth.Authenticator;
import io.eventgateway.auth.RateLimits;
import io.eventgateway.config.FeedsConfig;
import io.eventgateway.config.HttpConfig;
import io.eventgateway.config.KafkaConfig;
import io.eventgateway.config.ReadsConfig;
import io.eventgateway.feeds.ResumableFeeds;
import io.eventgateway.ingest.AcceptStatuses;
import io.eventgateway.ingest.EventProducer;
import io.eventgateway.schema.EventCatalog;
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

/**
 * The public API's router: every route of the API port is mounted here (the WebSocket ones by {@link FeedRoutes},
 * the fall-through answers by {@link ApiErrors}), so that the OpenAPI document ({@code openapi/openapi.json},
 * served at {@code /openapi.json}) can be checked against it.
 */
public final class ApiRoutes {

  private static final long ADMIN_BODY_LIMIT = 1 << 20;

  /** The event families whose reads each route family needs a grant for (names as in schemas/families.json). */
  private static final String ANALYTICS = "analytics";

  private static final String CHEMISTRY = "chemistry";
  static final String CHIP_QUALITY = "chip_quality";

  /** Swagger UI's files inside its webjar, whose folder is named after the webjar's version. */
  private static final String SWAGGER_UI =
      "META-INF/resources/webjars/swagger-ui/" + webjarVersion("swagger-ui");

  private ApiRoutes() {}

  /** The public API's routes; {@code config} is the gateway's whole configuration. */
  public static Router router(Vertx vertx, JsonObject config, EventCatalog catalog) {
    HttpConfig http = HttpConfig.of(config.getJsonObject("http"));
    Router router = Router.router(vertx);
    router.route().handler(SecurityHeaders::apply);
    ReadHandlers reads = new ReadHandlers(vertx, catalog);
    EventProducer producer = new EventProducer(vertx, http.produceTimeoutMs());
    AcceptStatuses statuses = AcceptStatuses.of(vertx, config.getJsonObject("status"));
    Authenticator authenticator = new Authenticator(vertx, config.getJsonObject("auth"));
    Authentication authentication = Authentication.of(authenticator);
    RateLimits rateLimits = RateLimits.of(vertx);
    ReadsConfig readLimits = ReadsConfig.in(config);
    ReadShares readShares = new ReadShares(
        rateLimits, readLimits.perCallerPerSecond(), readLimits.maxInFlightPerTenant());
    // a body that trickles in (or a Kafka that never answers) cannot hold a request forever
    TimeoutHandler requestTimeout = TimeoutHandler.create(http.requestTimeoutMs(), 408);
    // two routes per body-taking path: the credential is checked on the first, before any byte of
    // the body is read
    IngestCors cors = IngestCors.of(http.allowedOrigins());
    if (cors != null) {
      // before the credential's check: a preflight carries none
      router.route("/v1/events").handler(cors);
    }
    router.post("/v1/events").handler(requestTimeout).handler(authentication);
    router
        .post("/v1/events")
        .handler(RequestBudget.of(
            vertx,
            "ingest",
            http.maxInFlightBytes(),
            http.maxInFlightBytesPerCaller(),
            http.maxBodyBytes()))
        .handler(BodyHandler.create(false).setBodyLimit(http.maxBodyBytes()))
        .handler(new IngestHandler(catalog, producer, http, rateLimits, statuses));
    FeedRoutes.mount(
        router,
        vertx,
        http,
        catalog,
        producer,
        authentication,
        Authentication.forFeeds(authenticator),
        rateLimits,
        reads,
        readShares,
        new ResumableFeeds(
            vertx,
            KafkaConfig.of(config.getJsonObject("kafka")),
            config.getJsonObject("alerts").getString("topic"),
            catalog,
            FeedsConfig.of(config.getJsonObject("feeds"))));
    router
        .get(AcceptStatuses.STATUS_PATH + ":token")
        .handler(authentication)
        .handler(readShares)
        .handler(new StatusHandler(
            statuses, KafkaConfig.of(config.getJsonObject("kafka")).topics()));
    router
        .get("/v1/events/:id")
        .handler(authentication)
        .handler(readShares)
        .handler(Authentication::requireAnyRead)
        .handler(reads::event);
    router
        .get("/v1/molecules/:id")
        .handler(authentication)
        .handler(readShares)
        .handler(Authentication.requireRead(CHEMISTRY))
        .handler(reads::molecule);
    router.get("/v1/types").handler(reads::types);
    router
        .route("/v1/analytics/*")
        .handler(authentication)
        .handler(readShares)
        .handler(Authentication.requireRead(ANALYTICS));
    router
        .route("/v1/quality/*")
        .handler(authentication)
        .handler(readShares)
        .handler(Authentication.requireRead(CHIP_QUALITY));
    router
        .route("/v1/alerts")
        .handler(authentication)
        .handler(readShares)
        .handler(Authentication.requireRead(CHIP_QUALITY));
    router
        .route("/v1/dashboard/stats")
        .handler(authentication)
        .handler(readShares)
        .handler(Authentication.requireRead(CHIP_QUALITY));
    AnalyticsHandlers analytics = new AnalyticsHandlers(vertx, readLimits);
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
        .subRouter(RegistryApi.router(
            vertx,
            authentication,
            requestTimeout,
            RequestBudget.of(
                vertx,
                "registry",
                http.maxInFlightBytes(),
                http.maxInFlightBytesPerCaller(),
                RegistryApi.BODY_LIMIT),
            http.openBodyLimitBytes()));
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
    ApiErrors.install(router, http);
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
