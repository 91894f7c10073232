-- Every accepted event, exactly once: the event id is the idempotency key, so replays insert nothing.
CREATE TABLE events (
    event_id        text        PRIMARY KEY,
    event_type      text        NOT NULL,
    family          text        NOT NULL,
    source          text        NOT NULL,
    subject         text,
    event_time      timestamptz,
    data            jsonb       NOT NULL,
    schema_id       integer     NOT NULL,
    topic           text        NOT NULL,
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    received_at     timestamptz NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX events_type_time_idx ON events (event_type, event_time);
CREATE INDEX events_family_received_idx ON events (family, received_at);
