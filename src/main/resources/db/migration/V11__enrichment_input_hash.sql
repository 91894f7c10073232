-- A stored LLM answer is reused only for the same molecule submitted with the same notes and measurements (their
-- SHA-256): one submission's notes can never shape another's enrichment. Answers stored before have no hash and are
-- not reused.
ALTER TABLE molecule_enrichments ADD COLUMN input_hash text;
DROP INDEX molecule_enrichments_smiles_idx;
CREATE INDEX molecule_enrichments_answer_idx ON molecule_enrichments (canonical_smiles, input_hash)
    WHERE source = 'llm' AND NOT llm_mismatch;
