-- Incremental user analytics, updated in the same statement (so the same transaction) as the raw rows, from the
-- rows that statement newly inserted: a replayed event inserts nothing and so counts nothing.
CREATE TABLE user_stats (
    user_id    text          PRIMARY KEY,
    first_seen timestamptz   NOT NULL,
    last_seen  timestamptz   NOT NULL,
    events     bigint        NOT NULL,
    purchases  bigint        NOT NULL,
    revenue    numeric(18,2) NOT NULL
);

CREATE TABLE user_event_counts (
    user_id    text   NOT NULL,
    event_type text   NOT NULL,
    count      bigint NOT NULL,
    PRIMARY KEY (user_id, event_type)
);

CREATE TABLE event_counts_minute (
    bucket     timestamptz NOT NULL,
    event_type text        NOT NULL,
    count      bigint      NOT NULL,
    PRIMARY KEY (bucket, event_type)
);

CREATE TABLE user_sessions (
    session_id text        PRIMARY KEY,
    user_id    text        NOT NULL,
    started_at timestamptz NOT NULL,
    last_at    timestamptz NOT NULL,
    ended_at   timestamptz,
    events     bigint      NOT NULL
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);

-- the funnel reads raw analytics events by type, user and time
CREATE INDEX events_analytics_user_idx ON events (event_type, (data ->> 'user_id'), event_time)
    WHERE family = 'analytics';
