package io.eventgateway.http;

import io.eventgateway.auth.Caller;
import io.eventgateway.bus.Addresses;
import io.eventgateway.ingest.Problem;
import io.eventgateway.ops.DashboardStats;
import io.eventgateway.schema.ByteLimits;
import io.eventgateway.schema.EventCatalog;
import io.eventgateway.schema.ExampleData;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The read side of the API: stored events, the type catalog and schemas by id. Each forwards to the verticle
 * that owns the data and maps its failure code to the HTTP status.
 */
final class ReadHandlers {

  /** The dashboard's lines: the first page of {@code /v1/quality/lines}, in key order. */
  private static final int DASHBOARD_LINES = 100;

  private final Vertx vertx;
  private final String typesJson;

  ReadHandlers(Vertx vertx, EventCatalog catalog) {
    this.vertx = vertx;
    this.typesJson = describe(catalog).encode();
  }

  /** {@code GET /v1/events/:id}. */
  void event(RoutingContext ctx) {
    stored(ctx, Addresses.EVENTS_GET, "event");
  }

  /** {@code GET /v1/molecules/:id}: a chemistry event with its enrichment. */
  void molecule(RoutingContext ctx) {
    stored(ctx, Addresses.MOLECULES_GET, "molecule event");
  }

  /**
   * Answers the caller's tenant's stored event with the path's id, narrowed to {@code ?source=} when given. Events of
   * a family the caller may not read count as not stored, so that a read grant for one family does not reveal which
   * ids another holds. More than one source used the id: {@code 409} listing them.
   */
  private void stored(RoutingContext ctx, String address, String what) {
    String id = ctx.pathParam("id");
    String source = ctx.queryParams().get("source");
    Caller caller = Authentication.caller(ctx);
    vertx
        .eventBus()
        .<JsonObject>request(
            address, new JsonObject().put("tenant", Authentication.tenant(ctx)).put("id", id))
        .onSuccess(reply -> {
          List<JsonObject> events = reply.body().getJsonArray("events").stream()
              .map(JsonObject.class::cast)
              .filter(event -> caller.mayRead(event.getString("family")))
              .filter(event -> source == null || source.equals(event.getString("source")))
              .toList();
          if (events.isEmpty()) {
            notFound(ctx, what, id);
          } else if (events.size() > 1) {
            JsonArray sources = new JsonArray(
                events.stream().map(event -> event.getString("source")).toList());
            Problem.send(
                ctx.response(),
                Problem.of(
                        409,
                        "ambiguous-id",
                        "More than one source used this id",
                        "Sources " + sources.encode() + " each sent an event with id '" + id
                            + "'; name one with ?source=")
                    .put("sources", sources));
          } else {
            ctx.response()
                .putHeader("Content-Type", "application/json")
                .end(events.get(0).encode());
          }
        })
        .onFailure(error -> ReadProblems.send(ctx, ReadProblems.of(error)));
  }

  private static void notFound(RoutingContext ctx, String what, String id) {
    Problem.send(
        ctx.response(),
        Problem.of(
            404, "not-found", "Not found", "No " + what + " with id '" + id + "' is stored"));
  }

  /** {@code POST /v1/feeds/tickets}: a single-use ticket with the caller's grants, for a browser's WebSocket. */
  void ticket(RoutingContext ctx) {
    vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.AUTH_TICKET_ISSUE, Authentication.caller(ctx).toJson())
        .onSuccess(reply -> ctx.response()
            .setStatusCode(201)
            .putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store")
            .end(reply.body().encode()))
        .onFailure(error -> Problem.send(
            ctx.response().putHeader("Retry-After", "5"),
            Problem.of(
                503,
                "auth-unavailable",
                "Tickets cannot be issued",
                "The key store is unavailable")));
  }

  /**
   * {@code GET /v1/dashboard/stats}: this node's totals, the LLM circuit, open alerts and each line's defect rate,
   * in one answer for the dashboard page.
   */
  void dashboardStats(RoutingContext ctx) {
    Future<JsonObject> circuit = vertx
        .eventBus()
        .<JsonObject>request(Addresses.LLM_STATE, null)
        .map(reply -> reply.body())
        .otherwise(new JsonObject().put("circuit", "not deployed"));
    String tenant = Authentication.tenant(ctx);
    Future<JsonObject> alerts = vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.ANALYTICS_QUERY,
            new JsonObject()
                .put("query", "alerts")
                .put("tenant", tenant)
                .put("state", "open")
                .put("limit", 20))
        .map(reply -> reply.body());
    Future<JsonObject> lines = vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.ANALYTICS_QUERY,
            new JsonObject()
                .put("query", "quality")
                .put("tenant", tenant)
                .put("dimension", "line")
                .put("limit", DASHBOARD_LINES))
        .map(reply -> reply.body());
    Future.all(circuit, alerts, lines)
        .onSuccess(all -> ctx.response()
            .putHeader("Content-Type", "application/json")
            .end(DashboardStats.totals(tenant, Authentication.caller(ctx).operator())
                .put("time", Instant.now().toString())
                .put("llmCircuit", circuit.result().getString("circuit"))
                .put("openAlerts", alerts.result().getJsonArray("alerts"))
                .put("lines", lines.result().getJsonArray("items"))
                .encode()))
        .onFailure(error -> ReadProblems.send(ctx, ReadProblems.of(error)));
  }

  /**
   * {@code GET /v1/types}: every type with its family, topic, schema subject and id, the UTF-8 byte bounds of its
   * key fields ({@code maxBytes}, by path) and of every attribute ({@code attributeMaxBytes}), and an example.
   */
  void types(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json").end(typesJson);
  }

  private static JsonObject keyBounds(Schema schema) {
    JsonObject bounds = new JsonObject();
    ByteLimits.ofRecord(schema, "data").forEach(bounds::put);
    return bounds;
  }

  private static JsonObject describe(EventCatalog catalog) {
    JsonArray types = new JsonArray();
    catalog
        .types()
        .forEach(type -> types.add(new JsonObject()
            .put("type", type.type())
            .put("family", type.family())
            .put("topic", type.topic())
            .put("description", type.schema().getDoc())
            .put(
                "schema",
                new JsonObject()
                    .put("subject", type.subject())
                    .put("id", type.schemaId())
                    .put("url", "/registry/schemas/ids/" + type.schemaId()))
            .put("maxBytes", keyBounds(type.schema()))
            .put("example", ExampleData.forRecord(type.schema()))));
    return new JsonObject()
        .put("count", types.size())
        .put("attributeMaxBytes", ByteLimits.ATTRIBUTE_MAX_BYTES)
        .put("types", types);
  }
}
