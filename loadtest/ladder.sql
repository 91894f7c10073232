-- The write-path ladder (issue 26): where PostgreSQL's microseconds per stored event go. The same 1,000 realistic
-- rows (the benchmark generator's mix: 80 % page views of 50,000 users in 7,000 sessions, 19 % inspections of 8
-- lines, 1 % molecules; timestamps now) are written into today's day partition of the real events table, one step
-- of the writer's statement at a time, each measured with EXPLAIN (ANALYZE, BUFFERS, WAL) and rolled back, so every
-- step and repetition meets the same table. Run against a database the gateway has written to (dev mode's, after
-- loadtest/bench.sh, holds millions of rows: real index depths):
--
--   psql postgresql://postgres@127.0.0.1:15432/postgres -f loadtest/ladder.sql
--
-- Prints one row per step: the median of 25 repetitions of the statement's execution time per event, its WAL bytes
-- and buffers per event. COPY is timed by the clock (EXPLAIN cannot run it). Nothing is left behind but the
-- ladder schema (dropped at the start of the next run).
\set ON_ERROR_STOP on
DROP SCHEMA IF EXISTS ladder CASCADE;
CREATE SCHEMA ladder;
SELECT ensure_event_partitions(ARRAY[(now() AT TIME ZONE 'UTC')::date]);

-- the rows, as the processor hands them to the writer: parallel arrays, data as JSON text
CREATE TABLE ladder.sample AS
SELECT n,
       'ladder-' || n || '-' || md5(random()::text) AS id,
       kind,
       CASE kind WHEN 'molecule' THEN 'chemistry.molecule_submitted'
                 WHEN 'inspection' THEN 'chip.inspection.completed' ELSE 'analytics.page_view' END AS type,
       CASE kind WHEN 'molecule' THEN 'chemistry' WHEN 'inspection' THEN 'chip_quality' ELSE 'analytics' END AS family,
       CASE kind WHEN 'molecule' THEN '/gatling/lab' WHEN 'inspection' THEN '/gatling/fab' ELSE '/gatling' END AS source,
       CASE kind WHEN 'view' THEN 'user-' || usr END AS subject,
       clock_timestamp() AS time,
       CASE kind
         WHEN 'view' THEN json_build_object(
           'user_id', 'user-' || usr, 'session_id', 's-' || (usr % 7000),
           'url', 'https://shop.example/products/' || (random() * 900)::int, 'title', 'Product page',
           'referrer', 'https://search.example/?q=shoes', 'device', 'MOBILE',
           'load_time_ms', (random() * 900)::int)::text
         WHEN 'inspection' THEN json_build_object(
           'inspection_id', 'I-' || (random() * 1e6)::int, 'batch_id', 'B-' || (random() * 200)::int,
           'wafer_id', 'W-' || (random() * 1e4)::int, 'line_id', 'LINE-' || line, 'product_id', 'P-' || (line % 3),
           'result', CASE WHEN random() < 0.03 THEN 'FAIL' ELSE 'PASS' END, 'dies_inspected', 420,
           'defect_count', (random() * 4)::int, 'duration_ms', (random() * 5000)::int)::text
         ELSE json_build_object(
           'molecule_id', 'M-' || (random() * 1e6)::int, 'name', 'candidate',
           'smiles', repeat('C', 1 + (random() * 19)::int) || 'O' || repeat('C', (random() * 14)::int) || 'N',
           'lab', 'Lab 3', 'notes', 'Colourless liquid. Flammable. Irritating to eyes.')::text
       END AS data,
       1 AS schema_id,
       'events.' || CASE kind WHEN 'molecule' THEN 'chemistry' WHEN 'inspection' THEN 'chip-quality'
                              ELSE 'analytics' END AS topic,
       n % 12 AS part,
       1000000 + n AS off,
       clock_timestamp() AS received,
       'default' AS tenant
FROM (SELECT n, CASE WHEN n % 100 = 0 THEN 'molecule' WHEN n % 100 < 20 THEN 'inspection' ELSE 'view' END AS kind,
             (random() * 50000)::int AS usr, (random() * 7)::int AS line
      FROM generate_series(1, 1000) n) g;

-- the steps: each adds one part of the writer's statement ($1..$13 the arrays, $14 window, $15 session gap)
CREATE TABLE ladder.steps (position int, step text, statement text);
INSERT INTO ladder.steps VALUES
(1, 'UNNEST insert', $q$
INSERT INTO events (tenant, event_id, source, ingest_day, event_type, family, subject, event_time, data,
                    schema_id, topic, kafka_partition, kafka_offset, received_at)
SELECT tenant, id, source, (received AT TIME ZONE 'UTC')::date, type, family, subject, time, data::jsonb,
       schema_id, topic, part, off, received
FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[],
            $8::int[], $9::text[], $10::int[], $11::bigint[], $12::timestamptz[], $13::text[])
     AS t(id, type, family, source, subject, time, data, schema_id, topic, part, off, received, tenant)
$q$),
(2, '+ ON CONFLICT DO NOTHING', $q$
INSERT INTO events (tenant, event_id, source, ingest_day, event_type, family, subject, event_time, data,
                    schema_id, topic, kafka_partition, kafka_offset, received_at)
SELECT tenant, id, source, (received AT TIME ZONE 'UTC')::date, type, family, subject, time, data::jsonb,
       schema_id, topic, part, off, received
FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[],
            $8::int[], $9::text[], $10::int[], $11::bigint[], $12::timestamptz[], $13::text[])
     AS t(id, type, family, source, subject, time, data, schema_id, topic, part, off, received, tenant)
ON CONFLICT (tenant, event_id, source, ingest_day) DO NOTHING
$q$),
(3, '+ window function and hour-0 probe', $q$
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
$q$),
(4, '+ RETURNING CTE (data back as jsonb)', $q$
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
RETURNING tenant, event_type, family, COALESCE(event_time, received_at) AS at, data)
SELECT count(*), count(data ->> 'user_id') FROM inserted
$q$);

-- step 5: the writer's whole statement before issue 26, rollups included (SqlQueries.INSERT_EVENTS until then)
INSERT INTO ladder.steps VALUES (5, '+ rollups (the writer''s statement)', $q$
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

$q$);

-- COLLATE "C" on the key columns: two copies of a million rows of today's partition with the same indexes, one in
-- the database's collation and one with "C" keys (byte order: memcmp instead of strcoll), each written to by rung 2
CREATE TABLE ladder.day_as_is (LIKE events INCLUDING DEFAULTS);
CREATE TABLE ladder.day_c (LIKE events INCLUDING DEFAULTS);
ALTER TABLE ladder.day_c ALTER tenant TYPE text COLLATE "C", ALTER event_id TYPE text COLLATE "C",
  ALTER source TYPE text COLLATE "C", ALTER event_type TYPE text COLLATE "C";
\set today_partition `date -u +events_%Y%m%d`
INSERT INTO ladder.day_as_is SELECT * FROM :"today_partition" LIMIT 1000000;
INSERT INTO ladder.day_c SELECT * FROM ladder.day_as_is;
ALTER TABLE ladder.day_as_is ADD PRIMARY KEY (tenant, event_id, source, ingest_day);
ALTER TABLE ladder.day_c ADD PRIMARY KEY (tenant, event_id, source, ingest_day);
CREATE INDEX ON ladder.day_as_is (tenant, event_type, event_time);
CREATE INDEX ON ladder.day_c (tenant, event_type, event_time);
CREATE INDEX ON ladder.day_as_is (tenant, event_type, (data ->> 'user_id'), event_time)
  WHERE family = 'analytics';
CREATE INDEX ON ladder.day_c (tenant, event_type, (data ->> 'user_id') COLLATE "C", event_time)
  WHERE family = 'analytics';
CREATE INDEX ON ladder.day_as_is (tenant, (data ->> 'equipment_id'), event_time) WHERE family = 'chip_quality';
CREATE INDEX ON ladder.day_c (tenant, (data ->> 'equipment_id') COLLATE "C", event_time)
  WHERE family = 'chip_quality';
ANALYZE ladder.day_as_is;
ANALYZE ladder.day_c;
INSERT INTO ladder.steps
SELECT 6, 'rung 2 into a copy of the day, database collation', replace(statement, 'INTO events', 'INTO ladder.day_as_is')
FROM ladder.steps WHERE position = 2
UNION ALL
SELECT 7, 'rung 2 into the same copy, COLLATE "C" keys', replace(statement, 'INTO events', 'INTO ladder.day_c')
FROM ladder.steps WHERE position = 2;

CREATE FUNCTION ladder.measure(reps int) RETURNS TABLE (
    rung int, what text, us_per_event numeric, wal_bytes_per_event numeric, buffers_per_event numeric)
LANGUAGE plpgsql AS $f$
DECLARE
  s record;
  plan json;
  times numeric[];
  wal numeric[];
  buffers numeric[];
  a1 text[]; a2 text[]; a3 text[]; a4 text[]; a5 text[]; a6 timestamptz[]; a7 text[]; a8 int[]; a9 text[];
  a10 int[]; a11 bigint[]; a12 timestamptz[]; a13 text[];
  started timestamptz;
  lsn pg_lsn;
BEGIN
  SELECT array_agg(x.id ORDER BY n), array_agg(x.type ORDER BY n), array_agg(x.family ORDER BY n),
         array_agg(x.source ORDER BY n), array_agg(x.subject ORDER BY n), array_agg(x.time ORDER BY n),
         array_agg(x.data ORDER BY n), array_agg(x.schema_id ORDER BY n), array_agg(x.topic ORDER BY n),
         array_agg(x.part ORDER BY n), array_agg(x.off ORDER BY n), array_agg(x.received ORDER BY n),
         array_agg(x.tenant ORDER BY n)
    INTO a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13 FROM ladder.sample x;
  -- step 0: COPY of the same rows (jsonb parsed, every index maintained), timed by the clock
  times := '{}'; wal := '{}';
  FOR r IN 1..reps LOOP
    BEGIN
      lsn := pg_current_wal_insert_lsn();
      started := clock_timestamp();
      EXECUTE format('COPY %I (tenant, event_id, source, ingest_day, event_type, family, subject, event_time, data,'
                     ' schema_id, topic, kafka_partition, kafka_offset, received_at) FROM %L (FORMAT csv)',
                     'events_' || to_char((now() AT TIME ZONE 'UTC')::date, 'YYYYMMDD'), '/tmp/ladder-sample.csv');
      times := times || (extract(epoch FROM clock_timestamp() - started) * 1e6 / 1000)::numeric;
      wal := wal || (pg_current_wal_insert_lsn() - lsn) / 1000;
      RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'roll back';
    EXCEPTION WHEN raise_exception THEN NULL;
    END;
  END LOOP;
  rung := 0; what := 'COPY into the day partition (clock)';
  us_per_event := (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY v) FROM unnest(times) v);
  wal_bytes_per_event := (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY v) FROM unnest(wal) v);
  buffers_per_event := NULL;
  RETURN NEXT;
  FOR s IN SELECT * FROM ladder.steps ORDER BY 1 LOOP
    times := '{}'; wal := '{}'; buffers := '{}';
    FOR r IN 1..reps LOOP
      BEGIN
        lsn := pg_current_wal_insert_lsn();
        EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, WAL, FORMAT JSON) ' || s.statement INTO plan
          USING a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, 300, 1800;
        -- milliseconds for 1,000 rows are microseconds per row
        times := times || (plan -> 0 ->> 'Execution Time')::numeric;
        wal := wal || (pg_current_wal_insert_lsn() - lsn) / 1000;
        buffers := buffers || (((plan -> 0 -> 'Plan' ->> 'Shared Hit Blocks')::numeric
                                + (plan -> 0 -> 'Plan' ->> 'Shared Read Blocks')::numeric) / 1000);
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'roll back';
      EXCEPTION WHEN raise_exception THEN NULL;
      END;
    END LOOP;
    rung := s.position; what := s.step;
    us_per_event := (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY v) FROM unnest(times) v);
    wal_bytes_per_event := (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY v) FROM unnest(wal) v);
    buffers_per_event := (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY v) FROM unnest(buffers) v);
    RETURN NEXT;
  END LOOP;
END $f$;

COPY (SELECT tenant, id, source, (received AT TIME ZONE 'UTC')::date, type, family, subject, time, data, schema_id,
             topic, part, off, received FROM ladder.sample ORDER BY n) TO '/tmp/ladder-sample.csv' (FORMAT csv);

SELECT datcollate AS "database collation" FROM pg_database WHERE datname = current_database();
SELECT (SELECT count(*) FROM events) AS "rows in events",
       (SELECT count(*) FROM ladder.sample) AS "rows per step";
SELECT rung, what, round(us_per_event, 1) AS "µs per event", round(wal_bytes_per_event) AS "WAL bytes per event",
       round(buffers_per_event, 1) AS "buffers per event"
FROM ladder.measure(25) ORDER BY rung;
