-- Compatibility levels and modes of the embedded schema registry; subject '' holds the registry-wide setting.
CREATE TABLE registry_config (
    subject       text PRIMARY KEY,
    compatibility text NOT NULL
);

CREATE TABLE registry_mode (
    subject text PRIMARY KEY,
    mode    text NOT NULL
);
