-- A model may refuse a molecule for its input's sake (too long for its context, or otherwise invalid to it): the
-- row is then 'refused', with the computed facts only, and the backfill does not ask again (a 'fallback' is asked
-- again once the model answers). prompt_notes_chars: how much of the notes the prompt carried when they were cut
-- to llm.maxNoteChars; NULL when it carried all of them.
ALTER TABLE molecule_enrichments DROP CONSTRAINT molecule_enrichments_source_check;
ALTER TABLE molecule_enrichments ADD CONSTRAINT molecule_enrichments_source_check
    CHECK (source IN ('llm', 'cache', 'fallback', 'error', 'refused'));
ALTER TABLE molecule_enrichments ADD COLUMN prompt_notes_chars integer;
