package io.eventgateway.config;

import io.vertx.core.Vertx;

/**
 * The ports a node's servers really listen on. A configured port of 0 lets the system choose one when the server
 * binds, so that no other process can take it between choosing and binding; tests and the start-up banner read it
 * back here.
 */
public final class BoundPorts {

  public static final String HTTP = "http";
  public static final String MANAGEMENT = "management";
  public static final String LLM_SIMULATOR = "llmSimulator";

  private static final String MAP = "gateway.bound-ports";

  /**
   * Vert.x gives every server listening on port 0 a port of its own, but lets all servers listening on -1 share one
   * random port: what the API's instances (one per event loop) need.
   */
  private static final int SHARED_RANDOM_PORT = -1;

  private BoundPorts() {}

  /** The port the API's verticle instances listen on for a configured {@code port}. */
  public static int sharedListenPort(int port) {
    return port == 0 ? SHARED_RANDOM_PORT : port;
  }

  public static void record(Vertx vertx, String server, int port) {
    vertx.sharedData().getLocalMap(MAP).put(server, port);
  }

  /** The port {@code server} listens on in this Vert.x, or {@code null} when it is not listening. */
  public static Integer of(Vertx vertx, String server) {
    return (Integer) vertx.sharedData().getLocalMap(MAP).get(server);
  }
}
