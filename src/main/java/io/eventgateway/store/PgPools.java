package io.eventgateway.store;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Creates the PostgreSQL pools from the {@code postgres} configuration section. */
public final class PgPools {

  private PgPools() {
  }

  /**
   * A pool shared by every verticle instance that asks for the same {@code name}, so instance counts in
   * {@code verticles/*.json} do not multiply connections.
   */
  public static Pool shared(Vertx vertx, JsonObject postgres, String name, int maxSize) {
    PgConnectOptions connect = connectOptions(postgres);
    PoolOptions pool = new PoolOptions().setMaxSize(maxSize).setShared(true).setName(name);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }

  public static PgConnectOptions connectOptions(JsonObject postgres) {
    return PgConnectOptions.fromUri(postgres.getString("url"))
        .setPipeliningLimit(postgres.getInteger("pipeliningLimit", 16))
        .setCachePreparedStatements(true);
  }
}
