package io.eventgateway.store;

import io.eventgateway.bus.PartitionPositions;
import io.eventgateway.bus.PositionAdvance;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * A consumer group's positions in PostgreSQL ({@code consumer_positions}): claimed when partitions are assigned,
 * advanced in the transaction that stores their records. The advance is conditional on the position the consumer
 * believes stored, so a consumer whose partition has moved on to another member is refused ({@link Moved}) and
 * stores nothing twice.
 */
final class ConsumerPositions {

  /** The positions of $2/$3, recording $4 (what Kafka knows) for those with none yet; each stored one returned. */
  private static final String CLAIM = """
      INSERT INTO consumer_positions (group_id, topic, kafka_partition, next_offset)
      SELECT $1, topic, part, next FROM UNNEST($2::text[], $3::int[], $4::bigint[]) AS t(topic, part, next)
      ON CONFLICT (group_id, topic, kafka_partition) DO UPDATE SET next_offset = consumer_positions.next_offset
      RETURNING topic, kafka_partition, next_offset
      """;

  /** Each partition of $2/$3 from $4 to $5, only where it stands at $4; the rows it moved are counted. */
  private static final String ADVANCE = """
      UPDATE consumer_positions p SET next_offset = t.next, updated_at = now()
      FROM UNNEST($2::text[], $3::int[], $4::bigint[], $5::bigint[]) AS t(topic, part, expected, next)
      WHERE p.group_id = $1 AND p.topic = t.topic AND p.kafka_partition = t.part AND p.next_offset = t.expected
      """;

  /** Some partition of an advance no longer stands where its consumer believed: another member moved it. */
  static final class Moved extends RuntimeException {
    Moved(String group, int expected, int moved) {
      super("positions of group " + group + " moved: " + moved + " of " + expected
          + " partitions advanced; another consumer has the others");
    }
  }

  private ConsumerPositions() {}

  static Future<PartitionPositions> claim(Pool pool, PartitionPositions known) {
    int n = known.positions().size();
    String[] topics = new String[n];
    Integer[] partitions = new Integer[n];
    Long[] offsets = new Long[n];
    for (int i = 0; i < n; i++) {
      PartitionPositions.Position position = known.positions().get(i);
      topics[i] = position.topic();
      partitions[i] = position.partition();
      offsets[i] = position.nextOffset();
    }
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.of(known.group(), topics, partitions, offsets))
        .map(rows -> {
          List<PartitionPositions.Position> stored = new ArrayList<>(rows.size());
          rows.forEach(row -> stored.add(new PartitionPositions.Position(
              row.getString("topic"),
              row.getInteger("kafka_partition"),
              row.getLong("next_offset"))));
          return new PartitionPositions(known.group(), stored);
        });
  }

  /**
   * Advances in {@code transaction}, first of all its statements: the row locks order concurrent writers of the
   * same partitions (the consumer lists them sorted, so no two transactions wait on each other in a circle).
   */
  static Future<Void> advance(SqlConnection transaction, PositionAdvance advance) {
    if (advance == null) {
      return Future.succeededFuture();
    }
    int n = advance.steps().size();
    String[] topics = new String[n];
    Integer[] partitions = new Integer[n];
    Long[] from = new Long[n];
    Long[] to = new Long[n];
    for (int i = 0; i < n; i++) {
      PositionAdvance.Step step = advance.steps().get(i);
      topics[i] = step.topic();
      partitions[i] = step.partition();
      from[i] = step.from();
      to[i] = step.to();
    }
    return transaction
        .preparedQuery(ADVANCE)
        .execute(Tuple.of(advance.group(), topics, partitions, from, to))
        .compose(moved -> moved.rowCount() == n
            ? Future.succeededFuture()
            : Future.failedFuture(new Moved(advance.group(), n, moved.rowCount())));
  }
}
