-- No query reads events by (family, received_at): the index only cost every insert one more index write.
DROP INDEX IF EXISTS events_family_received_idx;
