import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The floor under the gateway's HTTP cost, for the bench's {@code bare} phase: a Vert.x HTTP server with as many
 * instances as the gateway's ingest (one per event loop) that reads each POST's body and answers {@code 202} with
 * a body of the gateway's size, doing nothing else. Loopback only.
 * Run: java -cp target/event-gateway.jar loadtest/BareServer.java [PORT=18080]
 */
public class BareServer extends VerticleBase {

  private static final Buffer ANSWER = Buffer.buffer(
      "{\"id\":\"bench-00000000-r1-s-0\",\"topic\":\"events.analytics\",\"partition\":0,\"offset\":0}");

  private final int port;

  BareServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18080;
    Vertx vertx = Vertx.vertx();
    vertx
        .deployVerticle(
            () -> new BareServer(port),
            new DeploymentOptions().setInstances(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE))
        .onSuccess(deployed -> System.out.println("bare server listening on 127.0.0.1:" + port))
        .onFailure(error -> {
          error.printStackTrace();
          System.exit(1);
        });
  }

  @Override
  public Future<?> start() {
    return vertx
        .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(request -> request.body().onSuccess(body -> request.response()
            .setStatusCode(202)
            .putHeader("Content-Type", "application/json")
            .end(ANSWER)))
        .listen();
  }
}
