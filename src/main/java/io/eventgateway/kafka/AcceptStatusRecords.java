package io.eventgateway.kafka;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.EventKey;
import io.eventgateway.bus.ProduceBatch;
import io.eventgateway.bus.ProduceResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The statuses of events accepted asynchronously that Kafka clients learn first: Kafka's outcome (the producer) and
 * a dead letter (the dead-letter writer), sent to {@link Addresses#STATUS_RECORD}, tried again for a while when
 * PostgreSQL does not take them.
 */
final class AcceptStatusRecords {

  private static final int ATTEMPTS = 12;
  private static final long RETRY_MS = 5_000;

  private AcceptStatusRecords() {}

  /** One status, as {@link Addresses#STATUS_RECORD} takes it; {@code tenant} {@code null} is the default tenant. */
  static JsonObject row(
      String tenant,
      String source,
      String id,
      String status,
      String topic,
      Integer partition,
      Long offset,
      String reason) {
    return new JsonObject()
        .put("tenant", tenant == null ? EventKey.DEFAULT_TENANT : tenant)
        .put("source", source)
        .put("id", id)
        .put("status", status)
        .put("topic", topic)
        .put("partition", partition)
        .put("offset", offset)
        .put("reason", reason);
  }

  /** Kafka's outcome for each record: {@code durable} where it is, or {@code failed} and why. */
  static JsonArray outcomes(List<ProduceBatch.Record> records, ProduceResult result) {
    JsonArray rows = new JsonArray();
    for (int i = 0; i < records.size(); i++) {
      Map<String, String> headers = records.get(i).headers();
      ProduceResult.Outcome outcome = result.outcomes().get(i);
      rows.add(row(
          headers.get(GatewayHeaders.TENANT),
          headers.get(CloudEventHeaders.SOURCE),
          headers.get(CloudEventHeaders.ID),
          outcome.succeeded() ? "durable" : "failed",
          outcome.topic(),
          outcome.succeeded() ? outcome.partition() : null,
          outcome.succeeded() ? outcome.offset() : null,
          outcome.succeeded() ? null : "Kafka did not acknowledge the event: " + outcome.error()));
    }
    return rows;
  }

  /** Records {@code rows}; fails once PostgreSQL refused them for a minute. */
  static Future<Void> record(Vertx vertx, JsonArray rows) {
    Promise<Void> recorded = Promise.promise();
    attempt(vertx, new JsonObject().put("statuses", rows), 1, recorded);
    return recorded.future();
  }

  private static void attempt(
      Vertx vertx, JsonObject statuses, int attempt, Promise<Void> recorded) {
    vertx
        .eventBus()
        .request(Addresses.STATUS_RECORD, statuses)
        .onSuccess(stored -> recorded.complete())
        .onFailure(error -> {
          if (attempt >= ATTEMPTS) {
            recorded.fail(error);
          } else {
            vertx.setTimer(RETRY_MS, later -> attempt(vertx, statuses, attempt + 1, recorded));
          }
        });
  }
}
