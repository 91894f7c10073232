package io.eventgateway.store;

import io.eventgateway.config.PostgresConfig;
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
   * The node's one pool, {@code postgres.poolSize} connections shared by every verticle that reads or writes (the
   * writer, the reads, auth, the registry, alerts, health): a node's connections are what the database is sized
   * for, and pipelining lets the reads and writes share them.
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
