package io.eventgateway.store;

/**
 * The SQL of this package's writer and reads. Every other package keeps its SQL beside the code that runs it (API
 * keys and tickets in {@code auth}, schemas in {@code registry}, rules in {@code alerts}, figures in {@code analytics}).
 */
final class SqlQueries {

  /**
   * One statement per batch: thirteen parallel arrays unnested into rows ($13 the tenants). An event is identified
   * by (tenant, source, id) within the UTC day the gateway stamped at ingest ($12, which a redelivered or replayed
   * record keeps): redeliveries and replays hit the primary key and insert nothing, so at-least-once delivery stores
   * every event exactly once, and two producers (or tenants) using the same id are two events. A client resend
   * stamped in the first hour of a day is also dropped when its first copy is stamped the day before, in this
   * batch or as stored. The user analytics and chip-quality rollups, keyed by tenant, are updated in the same
   * statement (one transaction) from the rows it newly inserted, so a replay never counts twice and a failed write
   * counts nothing. $14 is the quality window in seconds, $15 the inactivity gap that ends a session of events
   * without a session id. Returns the number of new rows and the (tenant, line) pairs whose inspection figures
   * changed. Several processors write at once (one per consumer): every rollup upsert takes its row locks in key
   * order, so that two batches do not deadlock on shared rows.
   */
  static final String INSERT_EVENTS = """
      WITH inserted AS (
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
        RETURNING tenant, event_type, family, COALESCE(event_time, received_at) AS at, data
      ), analytics AS (
        SELECT tenant, data ->> 'user_id' AS user_id, data ->> 'session_id' AS session_id, event_type, at,
               CASE WHEN event_type = 'analytics.purchase' THEN (data ->> 'total')::numeric END AS revenue
        FROM inserted WHERE family = 'analytics' AND data ->> 'user_id' IS NOT NULL
      ), implicit AS (
        -- events without a session id: a session starts where the gap to the user's previous such event
        -- (in this batch, else as stored) exceeds $15 seconds
        SELECT a.tenant, a.user_id, a.at,
               COALESCE(lag(a.at) OVER (PARTITION BY a.tenant, a.user_id ORDER BY a.at), s.last_implicit_at)
                 AS previous
        FROM analytics a LEFT JOIN user_stats s ON s.tenant = a.tenant AND s.user_id = a.user_id
        WHERE a.session_id IS NULL
      ), implicit_per_user AS (
        SELECT tenant, user_id, max(at) AS last_at,
               count(*) FILTER (WHERE previous IS NULL OR at - previous > make_interval(secs => $15)) AS started
        FROM implicit GROUP BY tenant, user_id
      ), per_user AS (
        INSERT INTO user_stats AS s (tenant, user_id, first_seen, last_seen, events, purchases, revenue,
                                     implicit_sessions, last_implicit_at)
        SELECT a.tenant, a.user_id, min(a.at), max(a.at), count(*), count(a.revenue), COALESCE(sum(a.revenue), 0),
               COALESCE(max(i.started), 0), max(i.last_at)
        FROM analytics a LEFT JOIN implicit_per_user i USING (tenant, user_id)
        GROUP BY a.tenant, a.user_id ORDER BY a.tenant, a.user_id
        ON CONFLICT (tenant, user_id) DO UPDATE SET
            first_seen = LEAST(s.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(s.last_seen, EXCLUDED.last_seen),
            events = s.events + EXCLUDED.events, purchases = s.purchases + EXCLUDED.purchases,
            revenue = s.revenue + EXCLUDED.revenue, implicit_sessions = s.implicit_sessions + EXCLUDED.implicit_sessions,
            last_implicit_at = GREATEST(s.last_implicit_at, EXCLUDED.last_implicit_at)
      ), per_type AS (
        INSERT INTO user_event_counts AS c (tenant, user_id, event_type, count)
        SELECT tenant, user_id, event_type, count(*) FROM analytics GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (tenant, user_id, event_type) DO UPDATE SET count = c.count + EXCLUDED.count
      ), per_minute AS (
        INSERT INTO event_counts_minute AS m (tenant, bucket, event_type, count)
        SELECT tenant, date_trunc('minute', at), event_type, count(*) FROM analytics GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (tenant, bucket, event_type) DO UPDATE SET count = m.count + EXCLUDED.count
      ), per_session AS (
        INSERT INTO user_sessions AS u (tenant, session_id, user_id, started_at, last_at, ended_at, events)
        SELECT tenant, session_id, min(user_id), min(at), max(at),
               max(at) FILTER (WHERE event_type = 'analytics.session_end'), count(*)
        FROM analytics WHERE session_id IS NOT NULL GROUP BY tenant, session_id ORDER BY tenant, session_id
        ON CONFLICT (tenant, session_id) DO UPDATE SET
            started_at = LEAST(u.started_at, EXCLUDED.started_at), last_at = GREATEST(u.last_at, EXCLUDED.last_at),
            ended_at = COALESCE(EXCLUDED.ended_at, u.ended_at), events = u.events + EXCLUDED.events
      ), chip AS (
        SELECT tenant, event_type, data,
               to_timestamp(floor(extract(epoch FROM at) / $14) * $14) AS window_start
        FROM inserted WHERE family = 'chip_quality'
      ), inspections AS (
        INSERT INTO quality_windows AS q (tenant, window_start, line_id, batch_id, product_id, inspections, failed,
                                          defects, dies_inspected)
        SELECT tenant, window_start, data ->> 'line_id', data ->> 'batch_id', data ->> 'product_id', count(*),
               count(*) FILTER (WHERE data ->> 'result' = 'FAIL'), sum((data ->> 'defect_count')::bigint),
               sum((data ->> 'dies_inspected')::bigint)
        FROM chip WHERE event_type = 'chip.inspection.completed' GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (tenant, window_start, line_id, batch_id, product_id) DO UPDATE SET
            inspections = q.inspections + EXCLUDED.inspections, failed = q.failed + EXCLUDED.failed,
            defects = q.defects + EXCLUDED.defects, dies_inspected = q.dies_inspected + EXCLUDED.dies_inspected
      ), defects AS (
        INSERT INTO defect_counts AS d (tenant, window_start, line_id, defect_class, severity, count)
        SELECT tenant, window_start, data ->> 'line_id', data ->> 'defect_class', data ->> 'severity', count(*)
        FROM chip WHERE event_type = 'chip.inspection.defect_detected' GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (tenant, window_start, line_id, defect_class, severity) DO UPDATE SET count = d.count + EXCLUDED.count
      )
      SELECT (SELECT count(*) FROM inserted) AS inserted,
             (SELECT json_agg(DISTINCT jsonb_build_object('tenant', tenant, 'line', data ->> 'line_id')) FROM chip
              WHERE event_type = 'chip.inspection.completed') AS inspected_lines
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
   * Stores enrichments; an LLM (or cached LLM) result replaces a fallback one, and nothing ever replaces an LLM
   * result, so replays and the backfill converge on the best answer.
   */
  static final String UPSERT_ENRICHMENTS = """
      INSERT INTO molecule_enrichments (tenant, event_source, event_id, source, model, latency_ms, canonical_smiles,
                                        properties, computed, raw_answer, llm_mismatch, mismatch_detail, error,
                                        input_hash, input_smiles)
      SELECT tenant, event_source, id, source, model, latency, smiles, properties::jsonb, computed::jsonb, raw,
             mismatch, detail, error, input_hash, input_smiles
      FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[],
                  $9::boolean[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
           AS t(id, source, model, latency, smiles, properties, computed, raw, mismatch, detail, error, tenant,
                event_source, input_hash, input_smiles)
      ON CONFLICT (tenant, event_source, event_id) DO UPDATE SET
          source = EXCLUDED.source, model = EXCLUDED.model, latency_ms = EXCLUDED.latency_ms,
          canonical_smiles = EXCLUDED.canonical_smiles, properties = EXCLUDED.properties,
          computed = EXCLUDED.computed, raw_answer = EXCLUDED.raw_answer, llm_mismatch = EXCLUDED.llm_mismatch,
          mismatch_detail = EXCLUDED.mismatch_detail, error = EXCLUDED.error, input_hash = EXCLUDED.input_hash,
          input_smiles = EXCLUDED.input_smiles,
          attempts = molecule_enrichments.attempts + 1, enriched_at = clock_timestamp()
      WHERE molecule_enrichments.source = 'fallback' AND EXCLUDED.source IN ('llm', 'cache')
      """;

  /** The oldest fallback enrichments whose event is stored, with the event's data to enrich again. */
  static final String SELECT_FALLBACKS = """
      SELECT m.tenant, m.event_source, m.event_id, e.data FROM molecule_enrichments m
      JOIN events e ON e.tenant = m.tenant AND e.source = m.event_source AND e.event_id = m.event_id
      WHERE m.source = 'fallback' ORDER BY m.enriched_at LIMIT $1
      """;

  /**
   * For each (SMILES, inputs' hash) pair of $1 and $2, one LLM answer made from the same notes and measurements for
   * that SMILES, as an event wrote it or in its canonical form.
   */
  static final String SELECT_STORED_ANSWERS = """
      SELECT DISTINCT ON (k.smiles, k.input_hash) k.smiles, k.input_hash, m.properties, m.raw_answer, m.model
      FROM UNNEST($1::text[], $2::text[]) AS k(smiles, input_hash)
      JOIN molecule_enrichments m ON m.input_hash = k.input_hash
       AND (m.input_smiles = k.smiles OR m.canonical_smiles = k.smiles)
       AND m.source = 'llm' AND NOT m.llm_mismatch
      ORDER BY k.smiles, k.input_hash, m.enriched_at
      """;

  /** As {@link #SELECT_EVENT}, for molecule events, with their enrichment. */
  static final String SELECT_MOLECULE = """
      SELECT DISTINCT ON (e.source) e.tenant, e.event_id, e.event_type, e.family, e.source, e.subject, e.event_time,
             e.data, e.schema_id,
             e.topic, e.kafka_partition, e.kafka_offset, e.received_at, e.stored_at,
             m.source AS enrichment_source, m.model, m.latency_ms, m.canonical_smiles, m.properties, m.computed,
             m.raw_answer, m.llm_mismatch, m.mismatch_detail, m.error, m.attempts, m.enriched_at
      FROM events e LEFT JOIN molecule_enrichments m
        ON m.tenant = e.tenant AND m.event_source = e.source AND m.event_id = e.event_id
      WHERE e.tenant = $1 AND e.event_id = $2 AND e.family = 'chemistry' ORDER BY e.source, e.received_at LIMIT $3
      """;

  private SqlQueries() {}
}
