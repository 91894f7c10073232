package io.eventgateway.http;

import io.eventgateway.ingest.Problem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.shareddata.Shareable;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the API's connections, for every HTTP verticle instance of this process: beyond {@code http.maxConnections}
 * in all a new connection is closed at once; beyond {@code http.maxConnectionsPerAddress} from one client address,
 * its first request is answered {@code 429} (with {@code Retry-After}) and the connection closed after it; a
 * connection that has not sent a whole first request within {@code http.firstRequestTimeoutMs} is closed, so that
 * idle or dribbling sockets cannot use up the node's file descriptors and memory before any credential is seen.
 * Once authenticated, a tenant holds at most {@code http.maxWebSocketsPerTenant} WebSockets (streams and feeds) on
 * the node, so that one tenant's sessions cannot lock another's out.
 */
final class ConnectionGuard implements Shareable {

  private final AtomicInteger open = Metrics.gauge("gateway.http.connections", new AtomicInteger());
  private final Set<HttpConnection> awaitingFirstRequest = ConcurrentHashMap.newKeySet();
  private final BoundedCounts perAddress = new BoundedCounts();
  private final BoundedCounts webSocketsPerTenant = new BoundedCounts();
  private final Map<HttpConnection, String> webSocketTenants = new ConcurrentHashMap<>();
  private final Map<HttpConnection, Held> held = new ConcurrentHashMap<>();
  private final Set<HttpConnection> overAddressCap = ConcurrentHashMap.newKeySet();
  private final Vertx vertx;
  private final int maxConnections;
  private final int maxPerAddress;
  private final int maxWebSocketsPerTenant;
  private final long firstRequestTimeoutMs;

  private ConnectionGuard(
      Vertx vertx,
      int maxConnections,
      int maxPerAddress,
      int maxWebSocketsPerTenant,
      long firstRequestTimeoutMs) {
    this.vertx = vertx;
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
    this.maxWebSocketsPerTenant = maxWebSocketsPerTenant;
    this.firstRequestTimeoutMs = firstRequestTimeoutMs;
  }

  /** The one guard of this Vert.x instance, shared by the verticle instances on every event loop. */
  static ConnectionGuard of(Vertx vertx, io.eventgateway.config.HttpConfig http) {
    return (ConnectionGuard) vertx
        .sharedData()
        .getLocalMap("gateway.ingest")
        .computeIfAbsent(
            "connectionGuard",
            key -> new ConnectionGuard(
                vertx,
                http.maxConnections(),
                http.maxConnectionsPerAddress(),
                http.maxWebSocketsPerTenant(),
                http.firstRequestTimeoutMs()));
  }

  /** For the server's connection handler. */
  void opened(HttpConnection connection) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      refused("node");
      connection.close();
      return;
    }
    String address = connection.remoteAddress() == null
        ? "local"
        : connection.remoteAddress().host();
    boolean counted = perAddress.tryAdd(address, maxPerAddress);
    if (!counted) {
      // answered, not dropped: a client told 429 backs off, one whose socket closes may retry at
      // once
      overAddressCap.add(connection);
      refused("address");
    }
    awaitingFirstRequest.add(connection);
    long deadline = vertx.setTimer(firstRequestTimeoutMs, expired -> {
      if (awaitingFirstRequest.remove(connection)) {
        connection.close();
      }
    });
    held.put(connection, new Held(counted ? address : null, deadline));
    connection.closeHandler(closed -> released(connection));
  }

  /**
   * Forgets a connection: from its close handler, or, once it was upgraded to a WebSocket, from the WebSocket's
   * (after an upgrade Vert.x hands the channel to a connection of its own, and the HTTP connection's close handler
   * never runs). Once per connection, whichever comes first.
   */
  void released(HttpConnection connection) {
    Held released = held.remove(connection);
    if (released == null) {
      return;
    }
    open.decrementAndGet();
    if (released.address() != null) {
      perAddress.remove(released.address());
    }
    overAddressCap.remove(connection);
    String tenant = webSocketTenants.remove(connection);
    if (tenant != null) {
      webSocketsPerTenant.remove(tenant);
    }
    awaitingFirstRequest.remove(connection);
    vertx.cancelTimer(released.deadline());
  }

  /**
   * For every request: its connection has shown it speaks HTTP.
   *
   * @return false when the request was answered {@code 429} instead (its connection is over its address's cap,
   *     and is closed after the answer)
   */
  boolean requested(HttpServerRequest request) {
    awaitingFirstRequest.remove(request.connection());
    if (!overAddressCap.contains(request.connection())) {
      return true;
    }
    request.response().putHeader("Retry-After", "1");
    Problem.refuseUnread(
        vertx,
        request,
        Problem.of(
            429,
            "too-many-connections",
            "Too many connections",
            "this address holds http.maxConnectionsPerAddress (" + maxPerAddress
                + ") connections to this node; reuse them"));
    return false;
  }

  /**
   * Counts a WebSocket of {@code tenant} on {@code connection} until the connection is {@link #released} (a
   * WebSocket holds its connection alone).
   *
   * @return false when the tenant already holds {@code http.maxWebSocketsPerTenant} on this node: the caller answers
   *     {@code 429} instead of upgrading
   */
  boolean admitWebSocket(HttpConnection connection, String tenant) {
    if (!webSocketsPerTenant.tryAdd(tenant, maxWebSocketsPerTenant)) {
      refused("tenant");
      return false;
    }
    if (webSocketTenants.putIfAbsent(connection, tenant) != null) {
      // (the connection is counted already: one upgrade per connection)
      webSocketsPerTenant.remove(tenant);
    }
    return true;
  }

  private static void refused(String bound) {
    Counter.builder("gateway.http.connections.refused")
        .tag("bound", bound)
        .register(Metrics.globalRegistry)
        .increment();
  }

  /** What a connection holds: its address's share ({@code null} when over the cap), its first-request deadline. */
  private record Held(String address, long deadline) {}
}
