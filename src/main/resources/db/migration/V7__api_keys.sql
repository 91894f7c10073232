-- API keys: only a SHA-256 of each key is stored. Keys are 256-bit random secrets, so a fast hash cannot be
-- brute-forced; a slow password hash would only slow every request down.
CREATE TABLE api_keys (
    key_id                text        PRIMARY KEY,
    name                  text        NOT NULL,
    key_hash              text        NOT NULL,
    families              text[],
    types                 text[],
    rate_limit_per_second integer,
    admin                 boolean     NOT NULL DEFAULT false,
    created_at            timestamptz NOT NULL DEFAULT now(),
    revoked_at            timestamptz
);
