package io.eventgateway.http;

import io.eventgateway.auth.Caller;
import io.eventgateway.bus.Addresses;
import io.eventgateway.ingest.AcceptStatuses;
import io.eventgateway.ingest.Problem;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code GET /v1/events/status/{token}}: what became of an event accepted asynchronously, for its own tenant only
 * (another tenant's token names an event it does not have: {@code 404}), and a credential that may publish or
 * read the event's family. PostgreSQL answers first ({@code stored},
 * or a recorded {@code durable}, {@code failed}, {@code dead-lettered}), then this node ({@code pending}, or an
 * outcome not recorded yet).
 */
final class StatusHandler implements Handler<RoutingContext> {

  private final AcceptStatuses statuses;
  private final Map<String, String> familyOfTopic;

  /** @param topics each family's topic */
  StatusHandler(AcceptStatuses statuses, Map<String, String> topics) {
    this.statuses = statuses;
    this.familyOfTopic = new HashMap<>();
    topics.forEach((family, topic) -> familyOfTopic.put(topic, family));
  }

  @Override
  public void handle(RoutingContext ctx) {
    AcceptStatuses.Key key;
    try {
      key = AcceptStatuses.keyOf(Authentication.caller(ctx).tenant(), ctx.pathParam("token"));
    } catch (IllegalArgumentException unreadable) {
      unknown(ctx);
      return;
    }
    ctx.vertx()
        .eventBus()
        .<JsonObject>request(
            Addresses.STATUS_GET,
            new JsonObject()
                .put("tenant", key.tenant())
                .put("source", key.source())
                .put("id", key.id()))
        .onSuccess(reply -> {
          JsonObject status = reply.body().getJsonObject("status");
          if (status == null) {
            status = statuses.status(key);
          }
          if (status == null || !mayKnow(Authentication.caller(ctx), status)) {
            unknown(ctx);
            return;
          }
          ctx.response()
              .putHeader("Content-Type", "application/json")
              .putHeader("Cache-Control", "no-store")
              .end(status.copy().put("id", key.id()).put("source", key.source()).encode());
        })
        .onFailure(error -> ReadProblems.send(ctx, ReadProblems.of(error)));
  }

  /**
   * Within its tenant a credential learns the status of events of the families it may publish or read, as it could
   * read them: a publish-only key of one family learns nothing of another family's events.
   */
  private boolean mayKnow(Caller caller, JsonObject status) {
    String family = familyOfTopic.get(status.getString("topic"));
    return caller.admin()
        || family != null
            && (caller.mayRead(family)
                || caller.families() == null
                || caller.families().contains(family));
  }

  private static void unknown(RoutingContext ctx) {
    Problem.send(
        ctx.response(),
        Problem.of(
            404,
            "unknown-status",
            "No status for this event",
            "this tenant accepted no event under this status URL within status.retentionSeconds, or another node"
                + " accepted it and Kafka has not answered yet"));
  }
}
