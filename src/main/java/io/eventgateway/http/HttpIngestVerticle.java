package io.eventgateway.http;

import io.eventgateway.bus.Addresses;
import io.eventgateway.config.BoundPorts;
import io.eventgateway.config.ConfigSections;
import io.eventgateway.config.HttpConfig;
import io.eventgateway.ingest.Problem;
import io.eventgateway.schema.EventCatalog;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the public HTTP API server (its routes are {@link ApiRoutes}): TLS, idle timeouts, the connection cap and
 * first-request deadline ({@link ConnectionGuard}), requests the HTTP codec could not parse, and the graceful stop. Deploy one instance per event loop; Vert.x spreads connections across them.
 */
@ConfigSections({"http", "auth", "reads", "shutdown", "kafka", "alerts", "feeds", "status"})
public class HttpIngestVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpIngestVerticle.class);

  private HttpServer server;

  @Override
  public Future<?> start() {
    HttpConfig http = HttpConfig.of(config().getJsonObject("http"));
    return vertx
        .eventBus()
        .<EventCatalog>request(Addresses.REGISTRY_CATALOG, null)
        .compose(reply -> {
          Router router = ApiRoutes.router(vertx, config(), reply.body());
          ConnectionGuard connections = ConnectionGuard.of(vertx, http);
          server =
              vertx.createHttpServer(serverOptions(http)).connectionHandler(connections::opened);
          return server
              .requestHandler(request -> {
                if (connections.requested(request)) {
                  router.handle(request);
                }
              })
              .invalidRequestHandler(HttpIngestVerticle::invalidRequest)
              .listen(BoundPorts.sharedListenPort(http.port()), http.host());
        })
        .onSuccess(listening -> {
          BoundPorts.record(vertx, BoundPorts.HTTP, listening.actualPort());
          LOG.debug("API listening on {}:{}", http.host(), listening.actualPort());
        });
  }

  /**
   * A request the HTTP codec could not even parse (a header or request line too long, a broken chunk, a bad
   * Content-Length) never reaches the router: it still gets a problem, then the connection is closed.
   */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    JsonObject problem = cause instanceof TooLongHttpHeaderException
        ? Problem.of(
            431,
            "headers-too-large",
            "Request header fields too large",
            "The headers exceed the limit")
        : cause instanceof TooLongHttpLineException
            ? Problem.of(
                414, "uri-too-long", "Request line too long", "The request line exceeds the limit")
            : Problem.of(
                400,
                "malformed-http",
                "Malformed HTTP request",
                cause == null ? "The request is not valid HTTP/1.1" : cause.getMessage());
    Problem.send(request.response().putHeader("Connection", "close"), problem);
  }

  /** TLS from PEM files when {@code http.tls.enabled}; the key file should be readable by the gateway only. */
  private static HttpServerOptions serverOptions(HttpConfig http) {
    HttpConfig.Tls tls = http.tls();
    // no h2c sniffing: it waits for a socket's first bytes before the connection exists for the
    // guard (and for us)
    HttpServerOptions options = new HttpServerOptions()
        .setCompressionSupported(true)
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout(http.idleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    if (tls.enabled()) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile()));
    }
    return options;
  }

  @Override
  public Future<?> stop() {
    // graceful: stop accepting, let the requests in flight get their answer (Kafka's ack), then
    // close
    return server == null
        ? Future.succeededFuture()
        : server.shutdown(
            config().getJsonObject("shutdown").getLong("gracePeriodMs"), TimeUnit.MILLISECONDS);
  }
}
