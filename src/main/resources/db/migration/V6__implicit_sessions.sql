-- Sessions of events that carry no session_id: a new one starts after an inactivity gap (analytics.sessionGapSeconds).
ALTER TABLE user_stats ADD COLUMN implicit_sessions bigint NOT NULL DEFAULT 0;
ALTER TABLE user_stats ADD COLUMN last_implicit_at timestamptz;
