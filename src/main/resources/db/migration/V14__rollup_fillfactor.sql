-- Every stored batch updates rows of these rollups in place (about three per analytics event). With room left on
-- each page, PostgreSQL writes the new row version on the same page without touching any index (a HOT update),
-- and vacuum reclaims the old one page by page. Applies to pages written from now on.
ALTER TABLE user_stats SET (fillfactor = 70);
ALTER TABLE user_event_counts SET (fillfactor = 70);
ALTER TABLE user_sessions SET (fillfactor = 70);
ALTER TABLE event_counts_minute SET (fillfactor = 70);
ALTER TABLE quality_windows SET (fillfactor = 70);
ALTER TABLE defect_counts SET (fillfactor = 70);
