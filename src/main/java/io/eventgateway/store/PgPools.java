package io.eventgateway.store;

import io.eventgateway.config.PostgresConfig;
import io.eventgateway.config.ReadsConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Creates the PostgreSQL pools from the {@code postgres} configuration section. */
public final class PgPools {

  private static final int PREPARED_STATEMENT_MAX_CHARS = 65_536;

  private PgPools() {}

  /**
   * The node's pool, {@code postgres.poolSize} connections shared by every verticle that writes or must answer
   * whatever the reads do (the writer, auth, the registry, alerts, health); pipelining lets them share the
   * connections. The API's reads of stored data have a pool of their own ({@link #reads}).
   */
  public static Pool node(Vertx vertx, PostgresConfig postgres) {
    PoolOptions pool =
        new PoolOptions().setMaxSize(postgres.poolSize()).setShared(true).setName("gateway-pg");
    return PgBuilder.pool()
        .with(pool)
        .connectingTo(connectOptions(postgres))
        .using(vertx)
        .build();
  }

  /**
   * The node's read pool, apart from the writer's, key lookups' and tickets' ({@link #node}): {@code reads.poolSize}
   * connections, at most {@code reads.queueSize} reads waiting for one (past that the pool refuses at once, and the
   * read is answered {@code 503}), and every statement cancelled by PostgreSQL after {@code reads.statementTimeoutMs}.
   * A burst of heavy reads queues here and nowhere else.
   */
  public static Pool reads(Vertx vertx, PostgresConfig postgres, ReadsConfig reads) {
    PoolOptions pool = new PoolOptions()
        .setMaxSize(reads.poolSize())
        .setMaxWaitQueueSize(reads.queueSize())
        .setShared(true)
        .setName("gateway-pg-reads");
    PgConnectOptions options = connectOptions(postgres);
    options.addProperty("statement_timeout", Long.toString(reads.statementTimeoutMs()));
    return PgBuilder.pool().with(pool).connectingTo(options).using(vertx).build();
  }

  /**
   * Statements are prepared once per connection and kept, also the long ones: the client's default only keeps
   * statements under 2,048 characters, and the batch insert with its rollups is longer, so PostgreSQL parsed and
   * planned it again for every batch.
   */
  public static PgConnectOptions connectOptions(PostgresConfig postgres) {
    return PgConnectOptions.fromUri(postgres.url())
        .setPipeliningLimit(postgres.pipeliningLimit())
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheSqlLimit(PREPARED_STATEMENT_MAX_CHARS);
  }
}
