-- The embedded schema registry's store: one id per distinct schema text, versions per subject (Confluent model).
CREATE TABLE registry_schemas (
    id          serial      PRIMARY KEY,
    schema_type text        NOT NULL DEFAULT 'AVRO',
    schema_text text        NOT NULL,
    fingerprint text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE registry_subject_versions (
    subject    text        NOT NULL,
    version    integer     NOT NULL,
    schema_id  integer     NOT NULL REFERENCES registry_schemas (id),
    deleted    boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subject, version)
);
