package io.eventgateway.store;

/**
 * The SQL of this package's writer and reads. Every other package keeps its SQL beside the code that runs it (API
 * keys and tickets in {@code auth}, schemas in {@code registry}, rules in {@code alerts}, figures in {@code analytics}).
 */
final class SqlQueries {

  /**
   * The rows of a batch: thirteen parallel arrays unnested into rows ($13 the tenants). An event is identified by
   * (tenant, source, id) within the UTC day the gateway stamped at ingest ($12, which a redelivered or replayed
   * record keeps): redeliveries and replays hit the primary key and insert nothing, so at-least-once delivery stores
   * every event exactly once, and two producers (or tenants) using the same id are two events. A client resend
   * stamped in the first hour of a day is also dropped when its first copy is stamped the day before, in this batch
   * or as stored. Returns the Kafka position of each row it inserted, so that the rollups ({@link Rollups}), written
   * in the same transaction, count only those.
   */
  static final String INSERT_EVENTS = """
      INSERT INTO events (tenant, event_id, source, ingest_day, event_type, family, subject, event_time, data,
                          schema_id, topic, kafka_partition, kafka_offset, received_at)
      SELECT tenant, id, source, day, type, family, subject, time, data::jsonb, schema_id, topic, part, off, received
      FROM (SELECT t.*, (received AT TIME ZONE 'UTC')::date AS day,
                   min(received) OVER (PARTITION BY tenant, source, id) AS first_in_batch
            FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[],
                        $8::int[], $9::text[], $10::int[], $11::bigint[], $12::timestamptz[], $13::text[])
                 AS t(id, type, family, source, subject, time, data, schema_id, topic, part, off, received, tenant)
           ) t
      WHERE NOT (extract(hour FROM received AT TIME ZONE 'UTC') = 0
                 AND ((first_in_batch AT TIME ZONE 'UTC')::date = day - 1
                      OR EXISTS (SELECT 1 FROM events p WHERE p.tenant = t.tenant AND p.event_id = t.id
                                 AND p.source = t.source AND p.ingest_day = t.day - 1)))
      ON CONFLICT (tenant, event_id, source, ingest_day) DO NOTHING
      RETURNING topic, kafka_partition, kafka_offset
      """;

  /**
   * The rows of a batch whose consumer positions advance in the same transaction, so that no record of it was
   * stored before (a redelivery or rebalance resumes past what is stored), and none of which arrived in the first
   * hour of a UTC day (whose resends of the day before only {@link #INSERT_EVENTS} catches): every row is new
   * unless a client resent a stored event or one batch holds an event twice, and then the primary key refuses the
   * whole ({@code 23505}) and the batch is stored again with {@link #INSERT_EVENTS}. The same parameters.
   */
  static final String INSERT_NEW_EVENTS = """
      INSERT INTO events (tenant, event_id, source, ingest_day, event_type, family, subject, event_time, data,
                          schema_id, topic, kafka_partition, kafka_offset, received_at)
      SELECT tenant, id, source, (received AT TIME ZONE 'UTC')::date, type, family, subject, time, data::jsonb,
             schema_id, topic, part, off, received
      FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[],
                  $8::int[], $9::text[], $10::int[], $11::bigint[], $12::timestamptz[], $13::text[])
           AS t(id, type, family, source, subject, time, data, schema_id, topic, part, off, received, tenant)
      """;

  /**
   * The events of tenant $1 with id $2, one per source that used it (the first stored, should a resend days later
   * have been stored again), $3 at most.
   */
  static final String SELECT_EVENT = """
      SELECT DISTINCT ON (source) tenant, event_id, event_type, family, source, subject, event_time, data, schema_id,
             topic, kafka_partition, kafka_offset, received_at, stored_at
      FROM events WHERE tenant = $1 AND event_id = $2 ORDER BY source, received_at LIMIT $3
      """;

  /**
   * Stores enrichments; an LLM (or cached LLM) result, or the model's refusal of the input, replaces a fallback one,
   * and nothing replaces those, so replays and the backfill converge on the best answer and never ask again for an
   * input the model refused.
   */
  static final String UPSERT_ENRICHMENTS = """
      INSERT INTO molecule_enrichments (tenant, event_source, event_id, source, model, latency_ms, canonical_smiles,
                                        properties, computed, raw_answer, llm_mismatch, mismatch_detail, error,
                                        input_hash, input_smiles, prompt_notes_chars)
      SELECT tenant, event_source, id, source, model, latency, smiles, properties::jsonb, computed::jsonb, raw,
             mismatch, detail, error, input_hash, input_smiles, notes_chars
      FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[],
                  $9::boolean[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
                  $16::int[])
           AS t(id, source, model, latency, smiles, properties, computed, raw, mismatch, detail, error, tenant,
                event_source, input_hash, input_smiles, notes_chars)
      ON CONFLICT (tenant, event_source, event_id) DO UPDATE SET
          source = EXCLUDED.source, model = EXCLUDED.model, latency_ms = EXCLUDED.latency_ms,
          canonical_smiles = EXCLUDED.canonical_smiles, properties = EXCLUDED.properties,
          computed = EXCLUDED.computed, raw_answer = EXCLUDED.raw_answer, llm_mismatch = EXCLUDED.llm_mismatch,
          mismatch_detail = EXCLUDED.mismatch_detail, error = EXCLUDED.error, input_hash = EXCLUDED.input_hash,
          input_smiles = EXCLUDED.input_smiles, prompt_notes_chars = EXCLUDED.prompt_notes_chars,
          attempts = molecule_enrichments.attempts + 1, enriched_at = clock_timestamp()
      WHERE molecule_enrichments.source = 'fallback' AND EXCLUDED.source IN ('llm', 'cache', 'refused')
      """;

  /** The oldest fallback enrichments whose event is stored, with the event's data to enrich again. */
  static final String SELECT_FALLBACKS = """
      SELECT m.tenant, m.event_source, m.event_id, e.data FROM molecule_enrichments m
      JOIN events e ON e.tenant = m.tenant AND e.source = m.event_source AND e.event_id = m.event_id
      WHERE m.source = 'fallback' ORDER BY m.enriched_at LIMIT $1
      """;

  /**
   * For each (tenant, SMILES, inputs' hash) of $3, $1 and $2, one LLM answer the same tenant was given for the same
   * notes and measurements for that SMILES, as an event wrote it or in its canonical form. Never another tenant's:
   * reusing it would tell that someone submitted the compound.
   */
  static final String SELECT_STORED_ANSWERS = """
      SELECT DISTINCT ON (k.tenant, k.smiles, k.input_hash) k.tenant, k.smiles, k.input_hash, m.properties,
             m.raw_answer, m.model
      FROM UNNEST($1::text[], $2::text[], $3::text[]) AS k(smiles, input_hash, tenant)
      JOIN molecule_enrichments m ON m.tenant = k.tenant AND m.input_hash = k.input_hash
       AND (m.input_smiles = k.smiles OR m.canonical_smiles = k.smiles)
       AND m.source = 'llm' AND NOT m.llm_mismatch
      ORDER BY k.tenant, k.smiles, k.input_hash, m.enriched_at
      """;

  /** As {@link #SELECT_EVENT}, for molecule events, with their enrichment. */
  static final String SELECT_MOLECULE = """
      SELECT DISTINCT ON (e.source) e.tenant, e.event_id, e.event_type, e.family, e.source, e.subject, e.event_time,
             e.data, e.schema_id,
             e.topic, e.kafka_partition, e.kafka_offset, e.received_at, e.stored_at,
             m.source AS enrichment_source, m.model, m.latency_ms, m.canonical_smiles, m.properties, m.computed,
             m.raw_answer, m.llm_mismatch, m.mismatch_detail, m.error, m.attempts, m.enriched_at,
             m.prompt_notes_chars
      FROM events e LEFT JOIN molecule_enrichments m
        ON m.tenant = e.tenant AND m.event_source = e.source AND m.event_id = e.event_id
      WHERE e.tenant = $1 AND e.event_id = $2 AND e.family = 'chemistry' ORDER BY e.source, e.received_at LIMIT $3
      """;

  private SqlQueries() {}
}
