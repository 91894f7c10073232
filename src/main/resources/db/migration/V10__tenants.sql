-- Tenants. Every row belongs to the tenant of the credential that published its events (rows stored before tenants
-- existed belong to 'default'), and an event's identity is (tenant, source, id), as CloudEvents makes source + id
-- unique: two producers that use the same id are two events, never one that silently drops the other.
-- The defaults only fill the existing rows; afterwards every write names its tenant.

ALTER TABLE events ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE events ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (tenant, source, event_id);
-- GET /v1/events/{id}: by tenant and id, whatever the source
CREATE INDEX events_tenant_id_idx ON events (tenant, event_id);
-- the funnel, equipment timelines and the timed alert rules read a tenant's events of one type
DROP INDEX events_type_time_idx;
CREATE INDEX events_tenant_type_time_idx ON events (tenant, event_type, event_time);
DROP INDEX events_analytics_user_idx;
CREATE INDEX events_analytics_user_idx ON events (tenant, event_type, (data ->> 'user_id'), event_time)
    WHERE family = 'analytics';
DROP INDEX events_chip_equipment_idx;
CREATE INDEX events_chip_equipment_idx ON events (tenant, (data ->> 'equipment_id'), event_time)
    WHERE event_type = 'chip.equipment.status_changed';

-- enrichments follow their event's identity; 'source' there already names where the enrichment came from
ALTER TABLE molecule_enrichments ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE molecule_enrichments ADD COLUMN event_source text;
UPDATE molecule_enrichments m SET event_source = e.source FROM events e
 WHERE e.tenant = m.tenant AND e.event_id = m.event_id;
-- an enrichment whose event was never stored cannot be read (reads join the event); nothing refers to it
DELETE FROM molecule_enrichments WHERE event_source IS NULL;
ALTER TABLE molecule_enrichments ALTER COLUMN event_source SET NOT NULL;
ALTER TABLE molecule_enrichments ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE molecule_enrichments DROP CONSTRAINT molecule_enrichments_pkey;
ALTER TABLE molecule_enrichments ADD PRIMARY KEY (tenant, event_source, event_id);

-- rollups: one row per tenant and key
ALTER TABLE user_stats ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE user_stats ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE user_stats DROP CONSTRAINT user_stats_pkey;
ALTER TABLE user_stats ADD PRIMARY KEY (tenant, user_id);

ALTER TABLE user_event_counts ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE user_event_counts ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE user_event_counts DROP CONSTRAINT user_event_counts_pkey;
ALTER TABLE user_event_counts ADD PRIMARY KEY (tenant, user_id, event_type);

ALTER TABLE event_counts_minute ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE event_counts_minute ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE event_counts_minute DROP CONSTRAINT event_counts_minute_pkey;
ALTER TABLE event_counts_minute ADD PRIMARY KEY (tenant, bucket, event_type);

ALTER TABLE user_sessions ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE user_sessions ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE user_sessions DROP CONSTRAINT user_sessions_pkey;
ALTER TABLE user_sessions ADD PRIMARY KEY (tenant, session_id);
DROP INDEX user_sessions_user_idx;
CREATE INDEX user_sessions_user_idx ON user_sessions (tenant, user_id);

ALTER TABLE quality_windows ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE quality_windows ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE quality_windows DROP CONSTRAINT quality_windows_pkey;
ALTER TABLE quality_windows ADD PRIMARY KEY (tenant, window_start, line_id, batch_id, product_id);
DROP INDEX quality_windows_line_idx;
CREATE INDEX quality_windows_line_idx ON quality_windows (tenant, line_id, window_start);

ALTER TABLE defect_counts ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE defect_counts ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE defect_counts DROP CONSTRAINT defect_counts_pkey;
ALTER TABLE defect_counts ADD PRIMARY KEY (tenant, window_start, line_id, defect_class, severity);

-- alerts: a tenant's own, at most one open per tenant, rule and scope
ALTER TABLE alerts ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE alerts ALTER COLUMN tenant DROP DEFAULT;
DROP INDEX alerts_one_open_idx;
CREATE UNIQUE INDEX alerts_one_open_idx ON alerts (tenant, rule, scope) WHERE state = 'open';
DROP INDEX alerts_state_idx;
CREATE INDEX alerts_state_idx ON alerts (tenant, state, raised_at);
