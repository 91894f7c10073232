package io.eventgateway.store;

/** The SQL the gateway runs, in one place. */
final class SqlQueries {

  /**
   * One statement per batch: twelve parallel arrays unnested into rows. Replays and redeliveries hit the
   * primary key and insert nothing, so at-least-once delivery stores every event exactly once.
   */
  static final String INSERT_EVENTS = """
      INSERT INTO events (event_id, event_type, family, source, subject, event_time, data, schema_id,
                          topic, kafka_partition, kafka_offset, received_at)
      SELECT id, type, family, source, subject, time, data::jsonb, schema_id, topic, part, off, received
      FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[],
                  $8::int[], $9::text[], $10::int[], $11::bigint[], $12::timestamptz[])
           AS t(id, type, family, source, subject, time, data, schema_id, topic, part, off, received)
      ON CONFLICT (event_id) DO NOTHING
      """;

  static final String SELECT_EVENT = """
      SELECT event_id, event_type, family, source, subject, event_time, data, schema_id,
             topic, kafka_partition, kafka_offset, received_at, stored_at
      FROM events WHERE event_id = $1
      """;

  private SqlQueries() {
  }
}
