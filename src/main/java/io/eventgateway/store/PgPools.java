package io.eventgateway.store;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Creates the PostgreSQL pools from the {@code postgres} configuration section. */
public final class PgPools {

  private static final int PREPARED_STATEMENT_MAX_CHARS = 65_536;

  private PgPools() {}

  /**
   * A pool shared by every verticle instance that asks for the same {@code name}, so instance counts in
   * {@code verticles/*.json} do not multiply connections.
   */
  public static Pool shared(Vertx vertx, JsonObject postgres, String name, int maxSize) {
    PgConnectOptions connect = connectOptions(postgres);
    PoolOptions pool = new PoolOptions().setMaxSize(maxSize).setShared(true).setName(name);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }

  /**
   * The processing side's pool, which the writer and the partition maintenance share: {@code postgres.poolSize}
   * connections per node.
   */
  public static Pool writer(Vertx vertx, JsonObject postgres) {
    return shared(vertx, postgres, "gateway-pg-writer", postgres.getInteger("poolSize"));
  }

  /**
   * Statements are prepared once per connection and kept, also the long ones: the client's default only keeps
   * statements under 2,048 characters, and the batch insert with its rollups is longer, so PostgreSQL parsed and
   * planned it again for every batch.
   */
  public static PgConnectOptions connectOptions(JsonObject postgres) {
    return PgConnectOptions.fromUri(postgres.getString("url"))
        .setPipeliningLimit(postgres.getInteger("pipeliningLimit", 16))
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheSqlLimit(PREPARED_STATEMENT_MAX_CHARS);
  }
}
