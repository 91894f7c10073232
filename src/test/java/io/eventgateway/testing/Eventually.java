package io.eventgateway.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

/** For verticle tests: a future that completes once a condition holds, checked every 10 ms on Vert.x timers. */
public final class Eventually {

  private Eventually() {}

  public static Future<Void> until(Vertx vertx, BooleanSupplier condition) {
    return condition.getAsBoolean()
        ? Future.succeededFuture()
        : vertx.timer(10).compose(waited -> until(vertx, condition));
  }
}
