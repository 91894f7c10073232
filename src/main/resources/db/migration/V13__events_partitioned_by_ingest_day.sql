-- Raw events partitioned by the UTC day the gateway stamped at ingest (received_at: the Kafka record's timestamp,
-- which a redelivered or replayed record keeps). Retention drops whole days, and a day's indexes stay small enough
-- to live in shared buffers however large the table grows. A unique key of a partitioned table must hold the
-- partition key, so the identity (tenant, source, id) is unique per ingest day: redeliveries and replays always
-- meet their first copy; a client resend is caught on the same day, or in the first hour of the next one by the
-- writer's look into the day before (see docs/storage.md).
ALTER TABLE events RENAME TO events_unpartitioned;
ALTER TABLE events_unpartitioned RENAME CONSTRAINT events_pkey TO events_unpartitioned_pkey;

CREATE TABLE events (
    tenant          text        NOT NULL,
    event_id        text        NOT NULL,
    source          text        NOT NULL,
    ingest_day      date        NOT NULL,
    event_type      text        NOT NULL,
    family          text        NOT NULL,
    subject         text,
    event_time      timestamptz,
    data            jsonb       NOT NULL,
    schema_id       integer     NOT NULL,
    topic           text        NOT NULL,
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    received_at     timestamptz NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- id before source: GET /v1/events/{id} reads by (tenant, id), so no second index on (tenant, id) is needed
    PRIMARY KEY (tenant, event_id, source, ingest_day)
) PARTITION BY RANGE (ingest_day);

-- Creates the partitions of the given days that do not exist yet (events_YYYYMMDD), one creator at a time.
CREATE FUNCTION ensure_event_partitions(days date[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  day date;
BEGIN
  FOREACH day IN ARRAY days LOOP
    IF to_regclass('events_' || to_char(day, 'YYYYMMDD')) IS NULL THEN
      PERFORM pg_advisory_xact_lock(hashtext('events partitions'));
      EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
                     'events_' || to_char(day, 'YYYYMMDD'), day, day + 1);
    END IF;
  END LOOP;
END $$;

-- Drops the partitions of days before first_kept and returns their names.
CREATE FUNCTION drop_event_partitions_before(first_kept date) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  partition_name text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('events partitions'));
  FOR partition_name IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_[0-9]{8}$'
      AND to_date(substr(c.relname, 8), 'YYYYMMDD') < first_kept
    ORDER BY c.relname
  LOOP
    EXECUTE format('DROP TABLE %I', partition_name);
    RETURN NEXT partition_name;
  END LOOP;
END $$;

SELECT ensure_event_partitions(ARRAY(
    SELECT DISTINCT (received_at AT TIME ZONE 'UTC')::date FROM events_unpartitioned
    UNION SELECT (now() AT TIME ZONE 'UTC')::date));
INSERT INTO events (tenant, event_id, source, ingest_day, event_type, family, subject, event_time, data, schema_id,
                    topic, kafka_partition, kafka_offset, received_at, stored_at)
SELECT tenant, event_id, source, (received_at AT TIME ZONE 'UTC')::date, event_type, family, subject, event_time, data,
       schema_id, topic, kafka_partition, kafka_offset, received_at, stored_at
FROM events_unpartitioned;
DROP TABLE events_unpartitioned;

-- the funnel, equipment timelines and the timed alert rules read a tenant's events of one type
CREATE INDEX events_tenant_type_time_idx ON events (tenant, event_type, event_time);
CREATE INDEX events_analytics_user_idx ON events (tenant, event_type, (data ->> 'user_id'), event_time)
    WHERE family = 'analytics';
CREATE INDEX events_chip_equipment_idx ON events (tenant, (data ->> 'equipment_id'), event_time)
    WHERE event_type = 'chip.equipment.status_changed';
