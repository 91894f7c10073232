package io.eventgateway.http;

import io.eventgateway.ingest.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses WebSocket upgrades started by web pages of other origins (cross-site WebSocket hijacking): a browser
 * sends {@code Origin} on every upgrade and cannot forge it. Allowed are the origins in {@code http.allowedOrigins},
 * or, when that is empty, only the gateway's own origin. Clients that are not browsers send no {@code Origin} and
 * are judged by their credential alone.
 */
final class WebSocketOrigins implements SecurityPolicyHandler {

  private final Set<String> allowed;

  WebSocketOrigins(List<String> allowedOrigins) {
    this.allowed =
        allowedOrigins.stream().map(String::toLowerCase).collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    if (origin == null || isAllowed(origin.toLowerCase(), ctx)) {
      ctx.next();
      return;
    }
    Problem.send(
        ctx.response(),
        Problem.of(
            403,
            "origin-not-allowed",
            "Origin not allowed",
            "WebSocket connections from origin '" + origin
                + "' are not allowed (http.allowedOrigins)"));
  }

  private boolean isAllowed(String origin, RoutingContext ctx) {
    if (!allowed.isEmpty()) {
      return allowed.contains(origin);
    }
    String host = ctx.request().getHeader(HttpHeaders.HOST);
    return host != null
        && origin.equals((ctx.request().isSSL() ? "https://" : "http://") + host.toLowerCase());
  }
}
