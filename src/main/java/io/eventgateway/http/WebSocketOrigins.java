package io.eventgateway.http;

import io.eventgateway.ingest.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Refuses WebSocket upgrades started by web pages of other origins (cross-site WebSocket hijacking): a browser
 * sends {@code Origin} on every upgrade and cannot forge it. Allowed are the gateway's own origin (its own pages,
 * such as the dashboard) and the origins in {@code http.allowedOrigins}. Clients that are not browsers send no
 * {@code Origin} and are judged by their credential alone. Behind a proxy that ends TLS, the gateway's own origin
 * is the one the browser saw: the scheme and host a proxy of {@code http.trustedProxies} names in {@code Forwarded}
 * (RFC 7239) or {@code X-Forwarded-Proto}/{@code X-Forwarded-Host}; from any other peer those headers are ignored.
 */
final class WebSocketOrigins implements SecurityPolicyHandler {

  private static final Pattern FORWARDED_PAIR =
      Pattern.compile("(?i)(proto|host)=\"?([^;,\"]+)\"?");

  private final Set<String> allowed;
  private final Set<String> trustedProxies;

  WebSocketOrigins(List<String> allowedOrigins, List<String> trustedProxies) {
    this.allowed =
        allowedOrigins.stream().map(String::toLowerCase).collect(Collectors.toUnmodifiableSet());
    this.trustedProxies = Set.copyOf(trustedProxies);
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
    if (allowed.contains(origin)) {
      return true;
    }
    String scheme = ctx.request().isSSL() ? "https" : "http";
    String host = ctx.request().getHeader(HttpHeaders.HOST);
    if (fromTrustedProxy(ctx)) {
      String forwarded = ctx.request().getHeader("Forwarded");
      if (forwarded != null) {
        // the first element is what the proxy nearest the client saw
        Matcher pair = FORWARDED_PAIR.matcher(forwarded.split(",", 2)[0]);
        while (pair.find()) {
          if (pair.group(1).equalsIgnoreCase("proto")) {
            scheme = pair.group(2).trim();
          } else {
            host = pair.group(2).trim();
          }
        }
      } else {
        scheme = first(ctx.request().getHeader("X-Forwarded-Proto"), scheme);
        host = first(ctx.request().getHeader("X-Forwarded-Host"), host);
      }
    }
    return host != null && origin.equals(scheme.toLowerCase() + "://" + host.toLowerCase());
  }

  private boolean fromTrustedProxy(RoutingContext ctx) {
    return ctx.request().remoteAddress() != null
        && trustedProxies.contains(ctx.request().remoteAddress().host());
  }

  /** The first of a comma-separated header's values (the client's side), or {@code fallback}. */
  private static String first(String header, String fallback) {
    return header == null || header.isBlank() ? fallback : header.split(",", 2)[0].trim();
  }
}
