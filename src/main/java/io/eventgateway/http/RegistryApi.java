package io.eventgateway.http;

import io.eventgateway.bus.Addresses;
import io.eventgateway.ingest.JsonLimits;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Function;

/**
 * The Confluent Schema Registry REST API under {@code /registry}, so that Confluent's serializers and any client
 * of that API work against the gateway unchanged: each route becomes one {@link Addresses#REGISTRY_COMMAND} and
 * the answer goes back as Confluent's registry gives it ({@code application/vnd.schemaregistry.v1+json}, errors as
 * {@code {"error_code", "message"}}). Reads are open, as deserializers need them; changes need an operator's credential.
 */
final class RegistryApi {

  static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
  /** What a change (or a body without {@code Content-Length}, in the budget) may hold. */
  static final long BODY_LIMIT = 1 << 22;
  /** The registry's changes, method and path: operators only (every tenant's ingest depends on its subjects). */
  private static final String[][] ADMIN_ONLY = {
    {"POST", "/subjects/:subject/versions"},
    {"DELETE", "/subjects/:subject"},
    {"DELETE", "/subjects/:subject/versions/:version"},
    {"PUT", "/config"},
    {"DELETE", "/config"},
    {"PUT", "/config/:subject"},
    {"DELETE", "/config/:subject"},
    {"PUT", "/mode"},
    {"PUT", "/mode/:subject"}
  };

  private final Vertx vertx;

  private RegistryApi(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * The registry's routes: reads open, changes for operators. Every change's credential is checked on a route of its own,
   * ahead of the body handler, so that no body is read for an unauthenticated client. The open routes that take a
   * body (a schema lookup, a compatibility check) read at most {@code http.openBodyLimitBytes}: any schema a client
   * looks up, and no more. Every body, open or not, is counted in the node's in-flight budget ({@code budget}) first.
   */
  static Router router(
      Vertx vertx,
      Handler<RoutingContext> authentication,
      Handler<RoutingContext> requestTimeout,
      RequestBudget budget,
      long openBodyLimit) {
    RegistryApi api = new RegistryApi(vertx);
    Router router = Router.router(vertx);
    router.route().handler(requestTimeout);
    for (String[] change : ADMIN_ONLY) {
      router
          .route(HttpMethod.valueOf(change[0]), change[1])
          .handler(authentication)
          .handler(Authentication::requireOperator);
    }
    // only POST and PUT take a body here; each takes its share of the registry's budget before a
    // byte is read
    router.route().method(HttpMethod.POST).method(HttpMethod.PUT).handler(budget);
    for (String open : new String[] {
      "/subjects/:subject",
      "/compatibility/subjects/:subject/versions",
      "/compatibility/subjects/:subject/versions/:version"
    }) {
      router.post(open).handler(BodyHandler.create(false).setBodyLimit(openBodyLimit));
    }
    router
        .route()
        .method(HttpMethod.POST)
        .method(HttpMethod.PUT)
        .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router
        .get("/subjects")
        .handler(api.command(
            "subjects", ctx -> new JsonObject().put("deleted", flag(ctx, "deleted"))));
    router
        .post("/subjects/:subject/versions")
        .handler(api.command("register", RegistryApi::withBody));
    router
        .get("/subjects/:subject/versions")
        .handler(api.command("versions", ctx -> subject(ctx).put("deleted", flag(ctx, "deleted"))));
    router
        .get("/subjects/:subject/versions/:version")
        .handler(api.command("version", RegistryApi::version));
    router
        .get("/subjects/:subject/versions/:version/schema")
        .handler(api.command("version", ctx -> version(ctx).put("raw", true)));
    router.post("/subjects/:subject").handler(api.command("lookup", RegistryApi::withBody));
    router
        .delete("/subjects/:subject")
        .handler(api.command(
            "deleteSubject", ctx -> subject(ctx).put("permanent", flag(ctx, "permanent"))));
    router
        .delete("/subjects/:subject/versions/:version")
        .handler(api.command(
            "deleteVersion", ctx -> version(ctx).put("permanent", flag(ctx, "permanent"))));
    router.get("/schemas/types").handler(ctx -> answer(ctx, 200, new JsonArray().add("AVRO")));
    router.get("/schemas/ids/:id").handler(api.command("schemaById", RegistryApi::id));
    router
        .get("/schemas/ids/:id/schema")
        .handler(api.command("schemaById", ctx -> id(ctx).put("raw", true)));
    router.get("/schemas/ids/:id/subjects").handler(api.command("subjectsOfId", RegistryApi::id));
    router.get("/schemas/ids/:id/versions").handler(api.command("versionsOfId", RegistryApi::id));
    router
        .post("/compatibility/subjects/:subject/versions/:version")
        .handler(api.command(
            "compatibility",
            ctx -> withBody(ctx)
                .put("version", ctx.pathParam("version"))
                .put("verbose", flag(ctx, "verbose"))));
    router
        .post("/compatibility/subjects/:subject/versions")
        .handler(api.command(
            "compatibility", ctx -> withBody(ctx).put("verbose", flag(ctx, "verbose"))));
    for (String path : new String[] {"/config", "/config/:subject"}) {
      router
          .get(path)
          .handler(api.command(
              "getConfig",
              ctx -> subject(ctx).put("defaultToGlobal", flag(ctx, "defaultToGlobal"))));
      router.put(path).handler(api.command("putConfig", RegistryApi::withBody));
      router.delete(path).handler(api.command("deleteConfig", RegistryApi::subject));
    }
    for (String path : new String[] {"/mode", "/mode/:subject"}) {
      router
          .get(path)
          .handler(api.command(
              "getMode", ctx -> subject(ctx).put("defaultToGlobal", flag(ctx, "defaultToGlobal"))));
      router.put(path).handler(api.command("putMode", RegistryApi::withBody));
    }
    router.route().last().handler(ctx -> answer(ctx, 404, error(404, "HTTP 404 Not Found")));
    return router;
  }

  private Handler<RoutingContext> command(
      String op, Function<RoutingContext, JsonObject> parameters) {
    return ctx -> {
      JsonObject request;
      try {
        request = parameters.apply(ctx).put("op", op);
      } catch (DecodeException | ClassCastException e) {
        answer(ctx, 400, error(400, "Unexpected request body: " + e.getMessage()));
        return;
      } catch (NumberFormatException e) {
        answer(ctx, 404, error(40403, "Schema " + ctx.pathParam("id") + " not found"));
        return;
      }
      vertx
          .eventBus()
          .<JsonObject>request(Addresses.REGISTRY_COMMAND, request)
          .onSuccess(reply -> {
            JsonObject answer = reply.body();
            int status = answer.getInteger("status");
            answer(
                ctx,
                status,
                status == 200
                    ? answer.getValue("body")
                    : error(answer.getInteger("error_code"), answer.getString("message")));
          })
          // the store's own words (a driver's message) stay in the server's log, out of the answer
          .onFailure(error -> answer(ctx, 500, error(50001, "Error in the backend data store")));
    };
  }

  private static JsonObject subject(RoutingContext ctx) {
    JsonObject request = new JsonObject();
    if (ctx.pathParam("subject") != null) {
      request.put("subject", ctx.pathParam("subject"));
    }
    return request;
  }

  private static JsonObject version(RoutingContext ctx) {
    return subject(ctx)
        .put("version", ctx.pathParam("version"))
        .put("deleted", flag(ctx, "deleted"));
  }

  private static JsonObject id(RoutingContext ctx) {
    return new JsonObject().put("id", Integer.parseInt(ctx.pathParam("id")));
  }

  /** The path's subject with the JSON body's fields ({@code schema}, {@code schemaType}, {@code compatibility}, …). */
  private static JsonObject withBody(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    Object json =
        body == null || body.length() == 0 ? new JsonObject() : JsonLimits.parse(body.toString());
    return ((JsonObject) json).copy().mergeIn(subject(ctx));
  }

  private static boolean flag(RoutingContext ctx, String name) {
    return Boolean.parseBoolean(ctx.queryParams().get(name));
  }

  private static JsonObject error(int code, String message) {
    return new JsonObject().put("error_code", code).put("message", message);
  }

  /** Confluent's media type, unless the client accepts only plain JSON (as Confluent's registry negotiates). */
  private static void answer(RoutingContext ctx, int status, Object body) {
    String accept = ctx.request().getHeader("Accept");
    boolean plainJson = accept != null
        && accept.contains("application/json")
        && !accept.contains("schemaregistry")
        && !accept.contains("*/*");
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", plainJson ? "application/json" : MEDIA_TYPE)
        // a String is a schema's own JSON text (the .../schema routes), sent as it is
        .end(body instanceof String text ? text : Json.encode(body));
  }
}
