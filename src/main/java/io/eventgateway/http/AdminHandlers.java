package io.eventgateway.http;

import io.eventgateway.auth.Caller;
import io.eventgateway.bus.Addresses;
import io.eventgateway.ingest.JsonLimits;
import io.eventgateway.ingest.Problem;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.EventType;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The admin API, for tenant admins (their own tenant) and operators (every tenant): {@code /v1/admin/dlq/...} pages
 * through a topic's dead letters and re-drives them ({@link io.eventgateway.kafka.DeadLetterVerticle});
 * {@code /v1/admin/keys} creates, lists and revokes API keys ({@link io.eventgateway.auth.AuthVerticle}). A tenant
 * admin may create keys of its own tenant only, tenant admins among them but no operator.
 */
final class AdminHandlers {

  private static final int MAX_LIMIT = 500;
  private static final int MAX_NAME_LENGTH = 100;
  private static final Set<String> KEY_FIELDS = Set.of(
      "name", "tenant", "families", "types", "read", "rateLimitPerSecond", "admin", "tenantAdmin");

  private final Vertx vertx;
  private final Set<String> families;
  private final Set<String> types;

  AdminHandlers(Vertx vertx, EventCatalog catalog) {
    this.vertx = vertx;
    this.families = catalog.types().stream().map(EventType::family).collect(Collectors.toSet());
    this.types = catalog.types().stream().map(EventType::type).collect(Collectors.toSet());
  }

  /** {@code POST /v1/admin/keys}: {@code 201} with the key, which is shown this once. */
  void createKey(RoutingContext ctx) {
    JsonObject request = jsonBody(ctx);
    if (request == null) {
      return;
    }
    for (String field : request.fieldNames()) {
      if (!KEY_FIELDS.contains(field)) {
        invalid(ctx, field, "unknown field; allowed: " + KEY_FIELDS);
        return;
      }
    }
    if (!(request.getValue("name") instanceof String name)
        || name.isBlank()
        || name.length() > MAX_NAME_LENGTH) {
      invalid(ctx, "name", "required, a string of 1 to " + MAX_NAME_LENGTH + " characters");
      return;
    }
    Object tenant = request.getValue("tenant", Caller.DEFAULT_TENANT);
    if (!(tenant instanceof String tenantName
        && Caller.TENANT_NAME.matcher(tenantName).matches())) {
      invalid(ctx, "tenant", "must match " + Caller.TENANT_NAME.pattern());
      return;
    }
    Object read = request.getValue("read");
    if (read != null && !Caller.ALL.equals(read) && !subsetOf(read, families)) {
      invalid(ctx, "read", "must be \"*\" or an array of known families: " + families);
      return;
    }
    if (!subsetOf(request.getValue("families"), families)) {
      invalid(ctx, "families", "must be an array of known families: " + families);
      return;
    }
    if (!subsetOf(request.getValue("types"), types)) {
      invalid(ctx, "types", "must be an array of known event types (GET /v1/types)");
      return;
    }
    Object rate = request.getValue("rateLimitPerSecond");
    if (rate != null && !(rate instanceof Integer perSecond && perSecond > 0)) {
      invalid(ctx, "rateLimitPerSecond", "must be a positive integer (events per second)");
      return;
    }
    for (String grant : new String[] {"admin", "tenantAdmin"}) {
      Object value = request.getValue(grant);
      if (value != null && !(value instanceof Boolean)) {
        invalid(ctx, grant, "must be true or false");
        return;
      }
    }
    boolean operatorKey = Boolean.TRUE.equals(request.getValue("admin"));
    Caller caller = Authentication.caller(ctx);
    if (!caller.administers(tenantName)) {
      forbidden(
          ctx,
          "'" + caller.name() + "' administers tenant '" + caller.tenant()
              + "' only; keys of another tenant need an operator");
      return;
    }
    if (operatorKey && !caller.operator()) {
      forbidden(
          ctx, "'" + caller.name() + "' is a tenant admin; an operator key needs an operator");
      return;
    }
    vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.AUTH_KEYS_CREATE,
            request
                .copy()
                .put("tenant", tenant)
                .put("admin", operatorKey)
                .put("tenantAdmin", Boolean.TRUE.equals(request.getValue("tenantAdmin"))))
        .onSuccess(reply -> ctx.response()
            .setStatusCode(201)
            .putHeader("Content-Type", "application/json")
            .putHeader("Location", "/v1/admin/keys/" + reply.body().getString("id"))
            .end(reply.body().encode()))
        .onFailure(error -> unavailable(ctx, error));
  }

  /** {@code GET /v1/admin/keys}: the unrevoked keys of the tenants the caller administers, without secrets. */
  void listKeys(RoutingContext ctx) {
    Caller caller = Authentication.caller(ctx);
    BusAnswers.json(
        ctx,
        vertx
            .eventBus()
            .request(Addresses.AUTH_KEYS_LIST, caller.operator() ? null : caller.tenant()),
        error -> Problem.storeUnavailable(error, "store behind this request"));
  }

  /**
   * {@code DELETE /v1/admin/keys/:id}: {@code 204}; the key stops working at once on this node. A tenant admin's
   * {@code 404} covers the keys of other tenants too, so that it learns nothing of them.
   */
  void revokeKey(RoutingContext ctx) {
    Caller caller = Authentication.caller(ctx);
    vertx
        .eventBus()
        .request(
            Addresses.AUTH_KEYS_REVOKE,
            new JsonObject()
                .put("id", ctx.pathParam("id"))
                .put("tenant", caller.operator() ? null : caller.tenant()))
        .onSuccess(reply -> ctx.response().setStatusCode(204).end())
        .onFailure(error -> {
          if (Problem.statusOf(error) == 404) {
            Problem.send(
                ctx.response(), Problem.of(404, "not-found", "Not found", error.getMessage()));
          } else {
            unavailable(ctx, error);
          }
        });
  }

  private static boolean subsetOf(Object values, Set<String> known) {
    return values == null
        || values instanceof JsonArray list
            && !list.isEmpty()
            && list.stream()
                .allMatch(value -> value instanceof String text && known.contains(text));
  }

  private static void forbidden(RoutingContext ctx, String detail) {
    Problem.send(ctx.response(), Problem.of(403, "forbidden", "Forbidden", detail));
  }

  private static void unavailable(RoutingContext ctx, Throwable error) {
    Problem.send(ctx.response(), Problem.storeUnavailable(error, "store behind this request"));
  }

  /** @return the body as an object (empty when there is none), or {@code null} after answering {@code 400} */
  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      Buffer body = ctx.body().buffer();
      Object json =
          body == null || body.length() == 0 ? new JsonObject() : JsonLimits.parse(body.toString());
      if (json instanceof JsonObject object) {
        return object;
      }
      invalid(ctx, "body", "must be a JSON object");
      return null;
    } catch (DecodeException e) {
      invalid(ctx, "body", "must be a JSON object");
      return null;
    }
  }

  /**
   * {@code GET /v1/admin/dlq/:topic?offset=&limit=&tenant=}: the admin's own tenant's; an operator may name another.
   */
  void listDeadLetters(RoutingContext ctx) {
    if (!Authentication.readTenant(ctx)) {
      return;
    }
    JsonObject request = new JsonObject()
        .put("topic", ctx.pathParam("topic"))
        .put("tenant", Authentication.tenant(ctx));
    try {
      String offset = ctx.queryParams().get("offset");
      if (offset != null) {
        request.put("offset", Long.parseLong(offset));
      }
      String limit = ctx.queryParams().get("limit");
      int pageSize = limit == null ? 100 : Integer.parseInt(limit);
      if (pageSize < 1 || pageSize > MAX_LIMIT) {
        invalid(ctx, "limit", "must be between 1 and " + MAX_LIMIT);
        return;
      }
      request.put("limit", pageSize);
    } catch (NumberFormatException e) {
      invalid(ctx, "offset", "offset and limit must be integers");
      return;
    }
    forward(ctx, Addresses.DLQ_LIST, request);
  }

  /** {@code POST /v1/admin/dlq/:topic/replay} with {@code {"offsets": [...]}}, {@code {"ids": [...]}} or nothing. */
  void replayDeadLetters(RoutingContext ctx) {
    JsonObject selection = jsonBody(ctx);
    if (selection == null || !Authentication.readTenant(ctx)) {
      return;
    }
    JsonObject request = new JsonObject()
        .put("topic", ctx.pathParam("topic"))
        .put("tenant", Authentication.tenant(ctx));
    for (String field : new String[] {"offsets", "ids"}) {
      Object values = selection.getValue(field);
      if (values == null) {
        continue;
      }
      if (!(values instanceof JsonArray list)
          || !list.stream()
              .allMatch(
                  field.equals("ids") ? String.class::isInstance : Number.class::isInstance)) {
        invalid(
            ctx,
            field,
            field.equals("ids") ? "must be an array of event ids" : "must be an array of offsets");
        return;
      }
      request.put(field, list);
    }
    forward(ctx, Addresses.DLQ_REPLAY, request);
  }

  private void forward(RoutingContext ctx, String address, JsonObject request) {
    BusAnswers.json(
        ctx,
        vertx.eventBus().request(address, request),
        BusAnswers.notFoundOr(
            "unknown-topic",
            "Unknown topic",
            error -> Problem.of(
                Problem.statusOf(error),
                "kafka-unavailable",
                "Kafka unavailable",
                error.getMessage())));
  }

  private static void invalid(RoutingContext ctx, String field, String reason) {
    Problem.send(
        ctx.response(), Problem.invalidField("invalid-request", "Invalid request", field, reason));
  }
}
