-- Each equipment's latest status, kept by the writer as status changes are stored (the latest event time wins), so
-- that the equipment_down rule reads the equipment that are down, not every tenant's whole status history.
CREATE TABLE equipment_status (
    tenant       text        NOT NULL,
    equipment_id text        NOT NULL,
    line_id      text,
    status       text        NOT NULL,
    since        timestamptz NOT NULL,
    -- when this row last changed: a change stored late (its time long past) is still seen by the next alert run
    changed_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant, equipment_id)
);
CREATE INDEX equipment_status_down_since_idx ON equipment_status (since) WHERE status = 'DOWN';
CREATE INDEX equipment_status_down_changed_idx ON equipment_status (changed_at) WHERE status = 'DOWN';

-- what the status history says now (the rule read it from events until V19)
INSERT INTO equipment_status (tenant, equipment_id, line_id, status, since)
SELECT DISTINCT ON (tenant, data ->> 'equipment_id') tenant, data ->> 'equipment_id', data ->> 'line_id',
       data ->> 'status', COALESCE(event_time, received_at)
FROM events
WHERE event_type = 'chip.equipment.status_changed' AND data ->> 'equipment_id' IS NOT NULL AND data ->> 'status' IS NOT NULL
ORDER BY tenant, data ->> 'equipment_id', COALESCE(event_time, received_at) DESC;
