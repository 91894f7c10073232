package io.eventgateway.alerts;

import io.eventgateway.bus.Addresses;
import io.eventgateway.bus.ProduceBatch;
import io.eventgateway.bus.ProduceResult;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.KafkaConfig;
import io.eventgateway.config.PostgresConfig;
import io.eventgateway.kafka.GatewayHeaders;
import io.eventgateway.kafka.KafkaTopics;
import io.eventgateway.store.PgPools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the threshold rules of {@code alerts.rules}. A {@code defect_rate} rule, whenever a stored batch
 * changed a line's inspection figures ({@link Addresses#QUALITY_UPDATED}), breaches when, in the line's current
 * window, at least {@code minInspections} inspections were made and more than {@code threshold} of them failed.
 * {@code equipment_down} and {@code system_error_rate} rules are evaluated every {@code evaluationIntervalMs}.
 * Every figure is a tenant's own: a breach raises one alert for that tenant (the database keeps at most one open per
 * tenant, rule and scope); recovery resolves it. Both
 * are stored and produced to the alerts topic as CloudEvents.
 */
@ConfigSections({"alerts", "kafka", "postgres"})
public class AlertVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AlertVerticle.class);

  private static final String LATEST_WINDOW = """
      SELECT window_start, sum(inspections)::bigint AS inspections, sum(failed)::bigint AS failed
      FROM quality_windows WHERE tenant = $1 AND line_id = $2 GROUP BY window_start ORDER BY window_start DESC LIMIT 1
      """;
  private static final String RAISE = """
      INSERT INTO alerts (tenant, rule, scope, state, value, threshold, window_start, details)
      VALUES ($1, $2, $3, 'open', $4, $5, $6, $7::jsonb)
      ON CONFLICT (tenant, rule, scope) WHERE state = 'open' DO NOTHING
      RETURNING *
      """;
  private static final String RESOLVE = """
      UPDATE alerts SET state = 'resolved', resolved_at = clock_timestamp()
      WHERE tenant = $1 AND rule = $2 AND scope = $3 AND state = 'open' RETURNING *
      """;
  /** Resolves a rule's open alerts whose (tenant, scope) no longer breaches ($2, $3: the breaching ones). */
  private static final String RESOLVE_OTHERS = """
      UPDATE alerts a SET state = 'resolved', resolved_at = clock_timestamp()
      WHERE rule = $1 AND state = 'open'
        AND NOT EXISTS (SELECT 1 FROM UNNEST($2::text[], $3::text[]) AS b(tenant, scope)
                        WHERE b.tenant = a.tenant AND b.scope = a.scope)
      RETURNING *
      """;
  /** Each tenant's equipment whose latest status is DOWN, and for how many seconds ($1: at least this many). */
  private static final String EQUIPMENT_DOWN = """
      SELECT tenant, equipment AS scope, extract(epoch FROM clock_timestamp() - since)::float8 AS value, line
      FROM (SELECT DISTINCT ON (tenant, data ->> 'equipment_id') tenant, data ->> 'equipment_id' AS equipment,
                   data ->> 'status' AS status, data ->> 'line_id' AS line, COALESCE(event_time, received_at) AS since
            FROM events WHERE event_type = 'chip.equipment.status_changed'
            ORDER BY tenant, data ->> 'equipment_id', COALESCE(event_time, received_at) DESC) latest
      WHERE status = 'DOWN' AND clock_timestamp() - since > make_interval(secs => $1)
      """;
  /** System errors per tenant and service within the last $1 seconds, where more than $2. */
  private static final String SYSTEM_ERRORS = """
      SELECT tenant, data ->> 'service' AS scope, count(*)::float8 AS value, NULL AS line FROM events
      WHERE event_type = 'chip.system.error' AND COALESCE(event_time, received_at) > clock_timestamp() - make_interval(secs => $1)
      GROUP BY 1, 2 HAVING count(*) > $2
      """;

  private Pool pool;
  private String topic;
  private List<JsonObject> rules;
  private List<JsonObject> timedRules;

  @Override
  public Future<?> start() {
    JsonObject alerts = config().getJsonObject("alerts");
    KafkaConfig kafka = KafkaConfig.of(config().getJsonObject("kafka"));
    topic = alerts.getString("topic");
    List<JsonObject> all =
        alerts.getJsonArray("rules").stream().map(JsonObject.class::cast).toList();
    rules = all.stream()
        .filter(rule -> "defect_rate".equals(rule.getString("kind")))
        .toList();
    timedRules = all.stream()
        .filter(rule -> !"defect_rate".equals(rule.getString("kind")))
        .toList();
    vertx.setPeriodic(
        alerts.getLong("evaluationIntervalMs"), timer -> timedRules.forEach(this::evaluateTimed));
    pool = PgPools.node(vertx, PostgresConfig.in(config()));
    return vertx
        .executeBlocking(() -> {
          KafkaTopics.ensure(kafka, Set.of(topic));
          return null;
        })
        .compose(created -> vertx
            .eventBus()
            .<JsonArray>consumer(
                Addresses.QUALITY_UPDATED,
                message -> message
                    .body()
                    .forEach(line -> evaluate(
                        ((JsonObject) line).getString("tenant"),
                        ((JsonObject) line).getString("line"))))
            .completion())
        .onSuccess(ready ->
            LOG.info("Evaluating {} alert rules; alerts go to topic {}", rules.size(), topic));
  }

  private void evaluate(String tenant, String line) {
    pool.preparedQuery(LATEST_WINDOW)
        .execute(Tuple.of(tenant, line))
        .onSuccess(rows -> {
          if (rows.size() == 0) {
            return;
          }
          Row window = rows.iterator().next();
          long inspections = window.getLong("inspections");
          double rate = inspections == 0 ? 0 : (double) window.getLong("failed") / inspections;
          for (JsonObject rule : rules) {
            if (inspections < rule.getInteger("minInspections")) {
              continue;
            }
            double threshold = rule.getDouble("threshold");
            JsonObject details = new JsonObject()
                .put("line_id", line)
                .put("inspections", inspections)
                .put("failed", window.getLong("failed"))
                .put("metric", "defect_rate");
            Future<RowSet<Row>> change = rate > threshold
                ? pool.preparedQuery(RAISE)
                    .execute(Tuple.of(
                        tenant,
                        rule.getString("name"),
                        line,
                        rate,
                        threshold,
                        window.getOffsetDateTime("window_start"),
                        details))
                : pool.preparedQuery(RESOLVE)
                    .execute(Tuple.of(tenant, rule.getString("name"), line));
            change
                .onSuccess(changed -> changed.forEach(this::announce))
                .onFailure(error -> LOG.warn(
                    "Alert rule {} on line {} not evaluated: {}",
                    rule.getString("name"),
                    line,
                    error.getMessage()));
          }
        })
        .onFailure(error ->
            LOG.warn("Alert rules for line {} not evaluated: {}", line, error.getMessage()));
  }

  /**
   * Rules that time alone can breach or heal: {@code equipment_down} (latest status DOWN for more than
   * {@code thresholdSeconds}) and {@code system_error_rate} (more than {@code threshold} system errors of one
   * service within {@code windowSeconds}). Raises what breaches, resolves the rule's other open alerts.
   */
  private void evaluateTimed(JsonObject rule) {
    String name = rule.getString("name");
    Future<RowSet<Row>> breaching = switch (rule.getString("kind")) {
      case "equipment_down" ->
        pool.preparedQuery(EQUIPMENT_DOWN).execute(Tuple.of(rule.getDouble("thresholdSeconds")));
      case "system_error_rate" ->
        pool.preparedQuery(SYSTEM_ERRORS)
            .execute(Tuple.of(rule.getDouble("windowSeconds"), rule.getDouble("threshold")));
      default -> Future.failedFuture("unknown rule kind " + rule.getString("kind"));
    };
    double threshold = rule.getDouble(
        "equipment_down".equals(rule.getString("kind")) ? "thresholdSeconds" : "threshold");
    breaching
        .compose(rows -> {
          List<String> tenants = new ArrayList<>();
          List<String> scopes = new ArrayList<>();
          List<Future<RowSet<Row>>> raised = new ArrayList<>();
          for (Row row : rows) {
            String tenant = row.getString("tenant");
            String scope = row.getString("scope");
            tenants.add(tenant);
            scopes.add(scope);
            JsonObject details = new JsonObject()
                .put("metric", rule.getString("kind"))
                .put("line_id", row.getString("line"));
            raised.add(pool.preparedQuery(RAISE)
                .execute(Tuple.of(
                    tenant, name, scope, row.getDouble("value"), threshold, null, details)));
          }
          raised.add(pool.preparedQuery(RESOLVE_OTHERS)
              .execute(Tuple.of(name)
                  .addArrayOfString(tenants.toArray(String[]::new))
                  .addArrayOfString(scopes.toArray(String[]::new))));
          return Future.all(raised)
              .onSuccess(all -> raised.forEach(change -> change.result().forEach(this::announce)));
        })
        .onFailure(error -> LOG.warn("Alert rule {} not evaluated: {}", name, error.getMessage()));
  }

  private void announce(Row alert) {
    JsonObject json = AlertJson.of(alert);
    String state = json.getString("state");
    LOG.warn(
        "Alert {} {} on {}: {} (threshold {})",
        json.getString("rule"),
        state,
        json.getString("scope"),
        json.getDouble("value"),
        json.getDouble("threshold"));
    JsonObject event = new JsonObject()
        .put("specversion", "1.0")
        .put("id", "alert-" + json.getLong("id") + "-" + state)
        .put("source", "/event-gateway/alerts")
        .put("type", "gateway.alert." + ("open".equals(state) ? "raised" : "resolved"))
        .put("subject", json.getString("rule") + "/" + json.getString("scope"))
        .put("time", OffsetDateTime.now().toInstant().toString())
        .put("datacontenttype", "application/json")
        .put("data", json);
    // produced like every event, through the producer verticle
    ProduceBatch.Record record = new ProduceBatch.Record(
        topic,
        json.getString("rule") + "/" + json.getString("scope"),
        Map.of(
            "content-type",
            "application/cloudevents+json",
            GatewayHeaders.TENANT,
            json.getString("tenant")),
        event.encode().getBytes(StandardCharsets.UTF_8),
        System.currentTimeMillis());
    vertx
        .eventBus()
        .<ProduceResult>request(Addresses.EVENTS_PRODUCE, new ProduceBatch(List.of(record)))
        .map(reply -> reply.body().outcomes().get(0))
        .compose(outcome ->
            outcome.succeeded() ? Future.succeededFuture() : Future.failedFuture(outcome.error()))
        .onFailure(error -> LOG.error(
            "Alert {} not produced to {}: {}", json.getLong("id"), topic, error.getMessage()));
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
