package io.eventgateway.ops;

import io.vertx.core.Vertx;

/**
 * Where this gateway process is in its life, shared by its verticles: readiness is true only while
 * {@link State#SERVING}, so that a load balancer stops sending before the shutdown drains anything.
 */
public final class Lifecycle {

  /** The states in order; a process never goes back. */
  public enum State {
    STARTING,
    SERVING,
    DRAINING
  }

  private static final String MAP = "gateway.lifecycle";
  private static final String KEY = "state";

  private Lifecycle() {}

  public static void enter(Vertx vertx, State state) {
    vertx.sharedData().getLocalMap(MAP).put(KEY, state.name());
  }

  public static State state(Vertx vertx) {
    Object state = vertx.sharedData().getLocalMap(MAP).get(KEY);
    return state == null ? State.STARTING : State.valueOf((String) state);
  }
}
