package io.eventgateway.http;

import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.shareddata.Shareable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the API's connections, for every HTTP verticle instance of this process: beyond {@code http.maxConnections}
 * a new connection is closed at once, and a connection that has not sent a whole first request within
 * {@code http.firstRequestTimeoutMs} is closed, so that idle or dribbling sockets cannot use up the node's file
 * descriptors and memory before any credential is seen.
 */
final class ConnectionGuard implements Shareable {

  private final AtomicInteger open = Metrics.gauge("gateway.http.connections", new AtomicInteger());
  private final Set<HttpConnection> awaitingFirstRequest = ConcurrentHashMap.newKeySet();
  private final Vertx vertx;
  private final int maxConnections;
  private final long firstRequestTimeoutMs;

  private ConnectionGuard(Vertx vertx, int maxConnections, long firstRequestTimeoutMs) {
    this.vertx = vertx;
    this.maxConnections = maxConnections;
    this.firstRequestTimeoutMs = firstRequestTimeoutMs;
  }

  /** The one guard of this Vert.x instance, shared by the verticle instances on every event loop. */
  static ConnectionGuard of(Vertx vertx, int maxConnections, long firstRequestTimeoutMs) {
    return (ConnectionGuard) vertx
        .sharedData()
        .getLocalMap("gateway.ingest")
        .computeIfAbsent(
            "connectionGuard",
            key -> new ConnectionGuard(vertx, maxConnections, firstRequestTimeoutMs));
  }

  /** For the server's connection handler. */
  void opened(HttpConnection connection) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      connection.close();
      return;
    }
    awaitingFirstRequest.add(connection);
    long deadline = vertx.setTimer(firstRequestTimeoutMs, expired -> {
      if (awaitingFirstRequest.remove(connection)) {
        connection.close();
      }
    });
    connection.closeHandler(closed -> {
      open.decrementAndGet();
      awaitingFirstRequest.remove(connection);
      vertx.cancelTimer(deadline);
    });
  }

  /** For every request: its connection has shown it speaks HTTP. */
  void requested(HttpServerRequest request) {
    awaitingFirstRequest.remove(request.connection());
  }
}
