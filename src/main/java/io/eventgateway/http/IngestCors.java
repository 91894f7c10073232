package io.eventgateway.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.util.List;
import java.util.Set;

/**
 * Lets pages of the origins in {@code http.allowedOrigins} post events (a tracker on a shop's pages, the TypeScript
 * SDK): answers their preflight and marks their answers readable, with the headers a client needs to retry
 * ({@code Retry-After}) and to follow an asynchronous accept. Requests of any other origin get no CORS headers, so
 * their browser neither sends the events nor shows the answer; requests without {@code Origin} (not from a browser)
 * pass unchanged. No cookies: the credential is the request's {@code Authorization}.
 */
final class IngestCors implements SecurityPolicyHandler {

  private static final int PREFLIGHT_CACHE_SECONDS = 600;

  private final Set<String> allowed;
  private final CorsHandler cors;

  private IngestCors(List<String> allowedOrigins) {
    this.allowed = Set.copyOf(allowedOrigins);
    this.cors = CorsHandler.create()
        .addOrigins(allowedOrigins)
        .allowedMethod(HttpMethod.POST)
        .allowedHeaders(Set.of("Authorization", "Content-Type", "Prefer"))
        .exposedHeaders(Set.of("Retry-After", "Location", "Preference-Applied"))
        .maxAgeSeconds(PREFLIGHT_CACHE_SECONDS);
  }

  /** The handler for the ingest route, or {@code null} when no origin is allowed (the default). */
  static IngestCors of(List<String> allowedOrigins) {
    return allowedOrigins.isEmpty() ? null : new IngestCors(allowedOrigins);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    if (origin != null && allowed.contains(origin)) {
      cors.handle(ctx);
    } else {
      ctx.next();
    }
  }
}
