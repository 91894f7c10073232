package io.eventgateway.bus;

/**
 * Event-bus addresses between the verticles: the internal contract, declared once.
 *
 * <p>Every address is request/reply unless said otherwise. Failures come back as
 * {@link io.vertx.core.eventbus.ReplyException} with a code from {@link FailureCodes}.
 */
public final class Addresses {

  /**
   * Produce a batch to Kafka. Body {@link ProduceBatch}; reply {@link ProduceResult} with one outcome
   * per record, sent only after Kafka acknowledged (or failed) every record.
   * Fails {@code 503} when the producer cannot reach Kafka, {@code 500} on a bug.
   */
  public static final String EVENTS_PRODUCE = "gateway.events.produce";

  /**
   * Store a batch of decoded events in PostgreSQL. Body {@link PersistBatch}; reply {@code Integer},
   * the number of rows newly inserted (replays insert nothing). Fails {@code 503} when the database is unreachable,
   * {@code 400} for the rows' fault, {@code 409} when the batch's positions moved on (another consumer stored it).
   */
  public static final String EVENTS_PERSIST = "gateway.events.persist";

  /**
   * The positions a consumer group stored in PostgreSQL for partitions it was just assigned. Body {@link
   * PartitionPositions} with the positions Kafka knows, recorded for partitions PostgreSQL has none of yet; reply
   * {@link PartitionPositions}, those stored. Fails {@code 503} when the database is unreachable.
   */
  public static final String POSITIONS_CLAIM = "gateway.positions.claim";

  /**
   * A tenant's stored events with one id, one per source that used it. Body {@link io.vertx.core.json.JsonObject}
   * {@code {"tenant", "id"}}; reply {@code {"events": [...]}}, empty when none is stored. Fails {@code 503} when the
   * database is unreachable.
   */
  public static final String EVENTS_GET = "gateway.events.get";

  /**
   * The event catalog with registered schema ids. Body ignored; reply {@link io.eventgateway.schema.EventCatalog}
   * (immutable, shared by reference).
   */
  public static final String REGISTRY_CATALOG = "gateway.registry.catalog";

  /**
   * A registered schema by id. Body {@code Integer} schema id; reply {@code String}, the schema's JSON text.
   * Fails {@code 404} for an unknown id.
   */
  public static final String REGISTRY_SCHEMA_BY_ID = "gateway.registry.schema-by-id";

  /**
   * One Confluent Schema Registry API operation. Body {@link io.vertx.core.json.JsonObject} {@code {"op", …the
   * path's, query's and body's parameters}}; reply {@link io.vertx.core.json.JsonObject} {@code {"status", "body"}}
   * or, when refused, {@code {"status", "error_code", "message"}} as Confluent answers. Never fails.
   */
  public static final String REGISTRY_COMMAND = "gateway.registry.command";

  /**
   * Enrich one molecule. Body {@link EnrichRequest}; reply {@link Enrichment}, always (the LLM's answer, a cached
   * one, or the deterministic fallback when the LLM is unavailable), unless {@link EnrichRequest#llmOnly()} is set:
   * then fails {@code 503} when the LLM could not answer.
   */
  public static final String LLM_ENRICH = "gateway.llm.enrich";

  /** The LLM circuit breaker's state. Body ignored; reply {@link io.vertx.core.json.JsonObject} {@code {"circuit": …}}. */
  public static final String LLM_STATE = "gateway.llm.state";

  /** Publish: the LLM circuit changed state. Body {@code String}: {@code OPEN}, {@code HALF_OPEN} or {@code CLOSED}. */
  public static final String LLM_CIRCUIT = "gateway.breaker.llm";

  /**
   * Store enrichment results. Body {@link EnrichmentBatch}; reply {@code Integer}, rows written. A fallback result
   * never overwrites an LLM one; an LLM result replaces a fallback one. Fails {@code 503} when the database is down.
   */
  public static final String ENRICHMENTS_PERSIST = "gateway.enrichments.persist";

  /**
   * Molecules still carrying a fallback enrichment, for the backfill. Body {@code Integer} limit; reply
   * {@link EnrichRequestBatch}. Fails {@code 503} when the database is down.
   */
  public static final String ENRICHMENTS_PENDING = "gateway.enrichments.pending";

  /**
   * The LLM answers stored for molecules submitted with the same notes and measurements, so that a submission answered
   * before (by another node, or before a restart) is not sent to the LLM again; asked by the enrichment consumer
   * for a whole batch before the LLM is. Body {@link io.vertx.core.json.JsonArray} of
   * {@code {"tenant", "smiles": as the event wrote it, "inputHash"}}; reply {@link io.vertx.core.json.JsonArray} of
   * {@code {"tenant", "smiles", "inputHash", "answer": {"properties", "rawAnswer", "model"}}} for those with one of
   * the same tenant (matched by the SMILES as written or by its canonical form). Fails {@code 503} when the database
   * is down.
   */
  public static final String ENRICHMENTS_STORED = "gateway.enrichments.stored";

  /** As {@link #EVENTS_GET}, for molecule events, each with its enrichment. */
  public static final String MOLECULES_GET = "gateway.molecules.get";

  /**
   * An analytics query. Body {@link io.vertx.core.json.JsonObject} {@code {"query": "user" | "event-counts" |
   * "top-events" | "funnel" | "quality" | "defects" | "equipment" | "alerts", "tenant", …validated parameters}}:
   * every answer is that tenant's only; reply {@link io.vertx.core.json.JsonObject}. Fails {@code 404} for an unknown
   * user, {@code 503} when the database is unreachable, {@code 500} without a tenant.
   */
  public static final String ANALYTICS_QUERY = "gateway.analytics.query";

  /**
   * Publish: a batch changed the inspection figures of these production lines. Body
   * {@link io.vertx.core.json.JsonArray} of {@code {"tenant", "line"}}. Sent by the writer after the batch is stored.
   */
  public static final String QUALITY_UPDATED = "gateway.quality.updated";

  /**
   * Publish, local to a node: an alert of {@code tenant} was raised or resolved. Body {@code String}, the alert
   * CloudEvent as JSON. One address per tenant, so that a subscriber is handed its own tenant's alerts only.
   */
  public static String feedAlerts(String tenant) {
    return "gateway.feeds.alerts." + tenant;
  }

  /**
   * Publish, local to a node: an event of {@code tenant} was accepted. Body {@link io.vertx.core.json.JsonObject},
   * the event with its data. Fed from Kafka only while some client watches ({@link #FEED_EVENTS_WATCHERS}).
   */
  public static String feedEvents(String tenant) {
    return "gateway.feeds.events." + tenant;
  }

  /** Publish: a live event feed gained ({@code +1}) or lost ({@code -1}) a watcher. Body {@code Integer}. */
  public static final String FEED_EVENTS_WATCHERS = "gateway.feeds.watchers";

  /**
   * Write dead letters to {@code <topic>.dlq}. Body {@link DeadLetterBatch}; reply {@code Integer}, the number
   * written, sent only after Kafka acknowledged every one. Fails {@code 503} when Kafka did not acknowledge them.
   */
  public static final String DLQ_WRITE = "gateway.dlq.write";

  /**
   * Records what became of events accepted asynchronously ({@code {"statuses": [{tenant, source, id, status, topic,
   * partition, offset, reason}]}}): {@code durable}, {@code failed} or {@code dead-lettered}; replies once stored.
   */
  public static final String STATUS_RECORD = "gateway.status.record";

  /**
   * What is known in PostgreSQL of one event ({@code {tenant, source, id}}): replies {@code {"status": ...}} with
   * {@code stored}, a recorded status, or {@code null} when nothing is known.
   */
  public static final String STATUS_GET = "gateway.status.get";

  /**
   * A page of a dead-letter topic: the offsets {@code [offset, offset + limit)}, of which the tenant's dead letters.
   * Body {@link io.vertx.core.json.JsonObject} {@code {"topic", "tenant", "offset", "limit"}}; reply
   * {@link io.vertx.core.json.JsonObject} {@code {"items": [...], "nextOffset", "endOffset", "total"}} ({@code total}
   * counts every tenant's). Fails {@code 404}
   * when {@code topic} is not a family topic, {@code 503} when Kafka is unreachable.
   */
  public static final String DLQ_LIST = "gateway.dlq.list";

  /**
   * Re-drive dead letters to the topic they came from. Body {@link io.vertx.core.json.JsonObject}
   * {@code {"topic", "tenant", "offsets": [..] | "ids": [..] | neither for all}}, of that tenant's only; reply {@link io.vertx.core.json.JsonObject}
   * {@code {"replayed", "ids"}} after Kafka acknowledged them. Fails as {@link #DLQ_LIST} does.
   */
  public static final String DLQ_REPLAY = "gateway.dlq.replay";

  /**
   * A stored API key by id. Body {@code String} key id; reply {@link io.vertx.core.json.JsonObject}
   * {@code {"hash", "caller"}}. Fails {@code 404} when no unrevoked key has this id.
   */
  public static final String AUTH_KEY_FIND = "gateway.auth.key-find";

  /**
   * Create an API key. Body {@link io.vertx.core.json.JsonObject}, the grants as {@link io.eventgateway.auth.Caller}
   * JSON (validated by the caller); reply the same with {@code id} and {@code key}, the secret, shown once.
   */
  public static final String AUTH_KEYS_CREATE = "gateway.auth.keys-create";

  /**
   * The unrevoked API keys. Body {@code String} tenant, {@code null} for every tenant's; reply
   * {@link io.vertx.core.json.JsonObject} {@code {"keys": [...]}}.
   */
  public static final String AUTH_KEYS_LIST = "gateway.auth.keys-list";

  /**
   * Revoke an API key. Body {@link io.vertx.core.json.JsonObject} {@code {"id", "tenant"}} (tenant {@code null}: any);
   * reply {@code true}. Fails {@code 404} for an id unknown (in that tenant).
   */
  public static final String AUTH_KEYS_REVOKE = "gateway.auth.keys-revoke";

  /**
   * Issue a single-use feed ticket. Body {@link io.vertx.core.json.JsonObject}, the grants as
   * {@link io.eventgateway.auth.Caller} JSON; reply {@code {"ticket", "expiresAt"}}. Fails {@code 503} when the store is
   * unreachable.
   */
  public static final String AUTH_TICKET_ISSUE = "gateway.auth.ticket-issue";

  /**
   * Redeem a feed ticket, which deletes it. Body {@code String} ticket; reply the grants as
   * {@link io.eventgateway.auth.Caller} JSON. Fails {@code 404} for an unknown, used or expired ticket.
   */
  public static final String AUTH_TICKET_REDEEM = "gateway.auth.ticket-redeem";

  /** Publish: an API key was revoked; caches drop it. Body {@code String} key id. */
  public static final String AUTH_KEY_REVOKED = "gateway.auth.key-revoked";

  private Addresses() {}
}
