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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
  /** Raises one alert, unless its tenant holds $8 ({@code alerts.maxOpenPerTenant}) open of the rule already. */
  private static final String RAISE = """
      INSERT INTO alerts (tenant, rule, scope, state, value, threshold, window_start, details)
      SELECT $1::text, $2::text, $3::text, 'open', $4::float8, $5::float8, $6::timestamptz, $7::jsonb
      WHERE (SELECT count(*) FROM alerts WHERE tenant = $1::text AND rule = $2::text AND state = 'open') < $8::bigint
      ON CONFLICT (tenant, rule, scope) WHERE state = 'open' DO NOTHING
      RETURNING *
      """;

  private static final String RESOLVE = """
      UPDATE alerts SET state = 'resolved', resolved_at = clock_timestamp()
      WHERE tenant = $1 AND rule = $2 AND scope = $3 AND state = 'open' RETURNING *
      """;
  /**
   * Raises, in one statement, the alerts of rule $1 for the rows of {@code candidates} (tenant, scope, value, line)
   * that have none open, at most $4 open per tenant and rule ($2 threshold, $3 kind); returns the alerts raised.
   */
  private static String raise(String candidates) {
    return """
        WITH candidates AS (%s),
        fresh AS (
          SELECT c.*, row_number() OVER (PARTITION BY c.tenant ORDER BY c.value DESC, c.scope) AS n FROM candidates c
          WHERE NOT EXISTS (SELECT 1 FROM alerts a
                            WHERE a.tenant = c.tenant AND a.rule = $1::text AND a.scope = c.scope AND a.state = 'open'))
        INSERT INTO alerts (tenant, rule, scope, state, value, threshold, details)
        SELECT f.tenant, $1::text, f.scope, 'open', f.value, $2::float8,
               jsonb_build_object('metric', $3::text, 'line_id', f.line)
        FROM fresh f
        WHERE f.n + (SELECT count(*) FROM alerts o
                     WHERE o.tenant = f.tenant AND o.rule = $1::text AND o.state = 'open') <= $4::bigint
        ON CONFLICT (tenant, rule, scope) WHERE state = 'open' DO NOTHING
        RETURNING *
        """.formatted(candidates);
  }

  /**
   * Equipment down for longer than the threshold that the last run did not see: their DOWN time crossed the
   * threshold since ($5, $6: the last run's cutoff and time; $7 this run's cutoff), or their row changed since.
   */
  private static final String RAISE_EQUIPMENT_DOWN = raise("""
      SELECT tenant, equipment_id AS scope, extract(epoch FROM clock_timestamp() - since)::float8 AS value,
             line_id AS line
      FROM equipment_status
      WHERE status = 'DOWN' AND since <= $7::timestamptz
        AND (since > $5::timestamptz OR changed_at > $6::timestamptz)
      """);
  /** Resolves the rule's ($1) open alerts whose equipment is no longer down since before $2. */
  private static final String RESOLVE_EQUIPMENT_UP = """
      UPDATE alerts a SET state = 'resolved', resolved_at = clock_timestamp()
      WHERE a.rule = $1 AND a.state = 'open'
        AND NOT EXISTS (SELECT 1 FROM equipment_status e
                        WHERE e.tenant = a.tenant AND e.equipment_id = a.scope AND e.status = 'DOWN' AND e.since <= $2)
      RETURNING *
      """;
  /** System errors per tenant and service within the last $5 seconds, where more than the threshold ($2). */
  private static final String ERROR_COUNTS = """
      SELECT tenant, data ->> 'service' AS scope, count(*)::float8 AS value, NULL AS line FROM events
      WHERE event_type = 'chip.system.error'
        AND COALESCE(event_time, received_at) > clock_timestamp() - make_interval(secs => $5::float8)
      GROUP BY 1, 2 HAVING count(*) > $2::float8
      """;

  private static final String RAISE_SYSTEM_ERRORS = raise(ERROR_COUNTS);
  /** Resolves the rule's ($1) open alerts whose service has no longer more than $2 errors in the last $3 seconds. */
  private static final String RESOLVE_SYSTEM_ERRORS = """
      UPDATE alerts a SET state = 'resolved', resolved_at = clock_timestamp()
      WHERE a.rule = $1 AND a.state = 'open'
        AND (SELECT count(*) FROM events e
             WHERE e.tenant = a.tenant AND e.event_type = 'chip.system.error' AND e.data ->> 'service' = a.scope
               AND COALESCE(e.event_time, e.received_at) > clock_timestamp() - make_interval(secs => $3::float8))
            <= $2::float8
      RETURNING *
      """;
  /** Tenants at the cap ($2) of open alerts of rule $1: their further scopes are not raised. */
  private static final String AT_CAP = """
      SELECT tenant FROM alerts WHERE rule = $1 AND state = 'open' GROUP BY tenant HAVING count(*) >= $2
      """;

  /** Where an {@code equipment_down} run looked up to: its cutoff, and when it ran. */
  private record Checkpoint(OffsetDateTime cutoff, OffsetDateTime at) {
    static final Checkpoint NEVER = new Checkpoint(
        OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
        OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
  }

  /** How far the database's clock may lag this process's: a row changed that long before a run is looked at again. */
  private static final int CLOCK_SLACK_SECONDS = 5;

  private final Set<String> running = new HashSet<>();
  private final Map<String, Checkpoint> checkpoints = new HashMap<>();
  private final Counter cappedRuns = Counter.builder("gateway.alerts.capped")
      .description("rule runs that found a tenant at alerts.maxOpenPerTenant open alerts")
      .register(Metrics.globalRegistry);
  private int maxOpenPerTenant;
  private Pool pool;
  private String topic;
  private List<JsonObject> rules;
  private List<JsonObject> timedRules;

  @Override
  public Future<?> start() {
    JsonObject alerts = config().getJsonObject("alerts");
    KafkaConfig kafka = KafkaConfig.of(config().getJsonObject("kafka"));
    topic = alerts.getString("topic");
    maxOpenPerTenant = alerts.getInteger("maxOpenPerTenant");
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
                        details,
                        (long) maxOpenPerTenant))
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
   * service within {@code windowSeconds}). Set-based: one statement raises what newly breaches (at most
   * {@code alerts.maxOpenPerTenant} open per tenant and rule; further scopes are not raised, counted and logged),
   * one resolves what no longer does. A rule's runs never overlap: a tick that finds the last run going skips.
   */
  private void evaluateTimed(JsonObject rule) {
    String name = rule.getString("name");
    if (!running.add(name)) {
      return;
    }
    String kind = rule.getString("kind");
    Future<List<Row>> changes;
    try {
      changes = "equipment_down".equals(kind) ? equipmentDown(rule) : systemErrors(rule);
    } catch (RuntimeException unexpected) {
      // a rule that failed to start must run again next tick
      changes = Future.failedFuture(unexpected);
    }
    changes
        .compose(changed -> {
          changed.forEach(this::announce);
          return pool.preparedQuery(AT_CAP).execute(Tuple.of(name, (long) maxOpenPerTenant));
        })
        .onSuccess(capped -> capped.forEach(row -> {
          cappedRuns.increment();
          LOG.warn(
              "Tenant {} holds {} open alerts of rule {} (alerts.maxOpenPerTenant): further scopes are not raised",
              row.getString("tenant"),
              maxOpenPerTenant,
              name);
        }))
        .onFailure(error -> LOG.warn("Alert rule {} not evaluated: {}", name, error.getMessage()))
        .onComplete(done -> running.remove(name));
  }

  /**
   * Raises for equipment whose DOWN time crossed the threshold since the last run, or whose status row changed
   * since (a change stored late), and resolves for equipment no longer down: each run reads what changed, not every
   * tenant's whole history.
   */
  private Future<List<Row>> equipmentDown(JsonObject rule) {
    String name = rule.getString("name");
    double threshold = rule.getDouble("thresholdSeconds");
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    OffsetDateTime cutoff = now.minusNanos((long) (threshold * 1e9));
    Checkpoint last = checkpoints.getOrDefault(name, Checkpoint.NEVER);
    return pool.preparedQuery(RAISE_EQUIPMENT_DOWN)
        .execute(Tuple.of(name, threshold, rule.getString("kind"), (long) maxOpenPerTenant)
            .addValue(last.cutoff())
            .addValue(last.at())
            .addValue(cutoff))
        .compose(raised -> pool.preparedQuery(RESOLVE_EQUIPMENT_UP)
            .execute(Tuple.of(name, cutoff))
            .map(resolved -> {
              // the next run starts where this one looked
              checkpoints.put(name, new Checkpoint(cutoff, now.minusSeconds(CLOCK_SLACK_SECONDS)));
              return rows(raised, resolved);
            }));
  }

  private Future<List<Row>> systemErrors(JsonObject rule) {
    String name = rule.getString("name");
    double threshold = rule.getDouble("threshold");
    double window = rule.getDouble("windowSeconds");
    return pool.preparedQuery(RAISE_SYSTEM_ERRORS)
        .execute(Tuple.of(name, threshold, rule.getString("kind"), (long) maxOpenPerTenant, window))
        .compose(raised -> pool.preparedQuery(RESOLVE_SYSTEM_ERRORS)
            .execute(Tuple.of(name, threshold, window))
            .map(resolved -> rows(raised, resolved)));
  }

  private static List<Row> rows(RowSet<Row> raised, RowSet<Row> resolved) {
    List<Row> rows = new ArrayList<>();
    raised.forEach(rows::add);
    resolved.forEach(rows::add);
    return rows;
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
