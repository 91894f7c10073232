-- What became of events accepted with Prefer: respond-async, once it outlives the node that accepted them: durable
-- (Kafka has it, where), failed (Kafka refused it: resend), dead-lettered (processing gave up: why). Stored events
-- are read from events itself; pending ones are known only to the accepting node. Bounded in time and per tenant
-- (status.retentionSeconds, status.maxPerTenant).
CREATE TABLE accept_statuses (
    tenant          text        NOT NULL,
    source          text        NOT NULL,
    event_id        text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('durable', 'failed', 'dead-lettered')),
    topic           text,
    kafka_partition integer,
    kafka_offset    bigint,
    reason          text,
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant, source, event_id)
);
CREATE INDEX accept_statuses_age_idx ON accept_statuses (updated_at);
