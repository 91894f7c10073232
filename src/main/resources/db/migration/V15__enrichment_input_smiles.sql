-- Stored LLM answers are looked up before the LLM is asked, by the enrichment consumer, which has the SMILES as the
-- event wrote it but not its canonical form (CDK computes that in the LLM verticle): keep both.
ALTER TABLE molecule_enrichments ADD COLUMN input_smiles text;
CREATE INDEX molecule_enrichments_input_answer_idx ON molecule_enrichments (input_smiles, input_hash)
    WHERE source = 'llm' AND NOT llm_mismatch;
