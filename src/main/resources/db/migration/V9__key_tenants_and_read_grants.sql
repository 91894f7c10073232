-- Every key belongs to a tenant (keys made before tenants existed belong to 'default') and may carry a read grant:
-- the families whose stored events, analytics and feeds it may read ('*' for all). No grant, no reads.
ALTER TABLE api_keys ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE api_keys ADD COLUMN read_families text[] NOT NULL DEFAULT '{}';

-- Feed tickets: a browser cannot set Authorization on a WebSocket upgrade, so it trades its credential for a
-- short-lived ticket (POST /v1/feeds/tickets) and sends that in the URL. Single use: redeeming deletes it. Only a
-- SHA-256 of the ticket is kept; the row holds the grants of whoever asked for it.
CREATE TABLE feed_tickets (
    ticket_hash text        PRIMARY KEY,
    caller      jsonb       NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX feed_tickets_expiry ON feed_tickets (expires_at);
