-- LLM enrichment of chemistry events, one row per event. No foreign key to events: the enrichment consumer group
-- may store its row before the processing group stores the event.
CREATE TABLE molecule_enrichments (
    event_id         text        PRIMARY KEY,
    source           text        NOT NULL CHECK (source IN ('llm', 'cache', 'fallback', 'error')),
    model            text,
    latency_ms       bigint,
    canonical_smiles text,
    properties       jsonb,
    computed         jsonb,
    raw_answer       text,
    llm_mismatch     boolean     NOT NULL DEFAULT false,
    mismatch_detail  text,
    error            text,
    attempts         integer     NOT NULL DEFAULT 1,
    enriched_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX molecule_enrichments_fallback_idx ON molecule_enrichments (enriched_at) WHERE source = 'fallback';
CREATE INDEX molecule_enrichments_smiles_idx ON molecule_enrichments (canonical_smiles);
