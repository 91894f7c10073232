package io.eventgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link WebSocketOrigins} on a real server: which pages may open the WebSockets and feeds. */
@ExtendWith(VertxExtension.class)
@DisplayName("WebSocketOrigins: the gateway's own pages and the allowed origins' pages, no others")
class WebSocketOriginsTest {

  private HttpServer server;

  @AfterEach
  void stop() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "with no allowed origins: the gateway's own origin passes, any other is refused, no Origin passes")
  void ownOriginOnly(Vertx vertx) throws Exception {
    int port = serve(vertx, List.of());
    String own = "http://127.0.0.1:" + port;
    assertThat(status(vertx, port, own)).isEqualTo(200);
    assertThat(status(vertx, port, "https://shop.example")).isEqualTo(403);
    assertThat(status(vertx, port, null)).isEqualTo(200);
  }

  @Test
  @DisplayName(
      "with allowed origins: theirs and still the gateway's own pass (its dashboard), any other is refused")
  void allowedOriginsAndOwn(Vertx vertx) throws Exception {
    int port = serve(vertx, List.of("https://shop.example"));
    assertThat(status(vertx, port, "https://shop.example")).isEqualTo(200);
    assertThat(status(vertx, port, "http://127.0.0.1:" + port)).isEqualTo(200);
    assertThat(status(vertx, port, "https://evil.example")).isEqualTo(403);
    assertThat(status(vertx, port, "http://127.0.0.1:" + (port + 1))).isEqualTo(403);
  }

  private int serve(Vertx vertx, List<String> allowedOrigins) throws Exception {
    Router router = Router.router(vertx);
    router
        .get("/v1/stream")
        .handler(new WebSocketOrigins(allowedOrigins, List.of()))
        .handler(ctx -> ctx.response().end("opened"));
    server = vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private static int status(Vertx vertx, int port, String origin) throws Exception {
    HttpClient client = vertx.createHttpClient();
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost("127.0.0.1")
        .setPort(port)
        .setURI("/v1/stream");
    if (origin != null) {
      request.putHeader("Origin", origin);
    }
    try {
      return client
          .request(request)
          .compose(sent -> sent.send())
          .compose(response -> response.body().map(body -> response.statusCode()))
          .await(10, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }
}
