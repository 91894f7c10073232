-- Chip-quality rollups per tumbling window (quality.windowSeconds), maintained with the raw rows like the user
-- analytics: inspections and their outcome per line, batch and product; defects per line, class and severity.
CREATE TABLE quality_windows (
    window_start   timestamptz NOT NULL,
    line_id        text        NOT NULL,
    batch_id       text        NOT NULL,
    product_id     text        NOT NULL,
    inspections    bigint      NOT NULL,
    failed         bigint      NOT NULL,
    defects        bigint      NOT NULL,
    dies_inspected bigint      NOT NULL,
    PRIMARY KEY (window_start, line_id, batch_id, product_id)
);
CREATE INDEX quality_windows_line_idx ON quality_windows (line_id, window_start);

CREATE TABLE defect_counts (
    window_start timestamptz NOT NULL,
    line_id      text        NOT NULL,
    defect_class text        NOT NULL,
    severity     text        NOT NULL,
    count        bigint      NOT NULL,
    PRIMARY KEY (window_start, line_id, defect_class, severity)
);

-- threshold alerts: at most one open alert per rule and scope, so a breach is raised once
CREATE TABLE alerts (
    id           bigserial   PRIMARY KEY,
    rule         text        NOT NULL,
    scope        text        NOT NULL,
    state        text        NOT NULL CHECK (state IN ('open', 'resolved')),
    value        double precision NOT NULL,
    threshold    double precision NOT NULL,
    window_start timestamptz,
    details      jsonb       NOT NULL DEFAULT '{}',
    raised_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    resolved_at  timestamptz
);
CREATE UNIQUE INDEX alerts_one_open_idx ON alerts (rule, scope) WHERE state = 'open';
CREATE INDEX alerts_state_idx ON alerts (state, raised_at);

CREATE INDEX events_chip_equipment_idx ON events ((data ->> 'equipment_id'), event_time)
    WHERE event_type = 'chip.equipment.status_changed';
