package io.eventgateway.feeds;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * A feed as Server-Sent Events ({@code text/event-stream}): each message a {@code data:} line of JSON with the
 * feed's position as its {@code id:}, a {@code retry:} first, and a heartbeat comment (with an {@code id:} and no
 * data, which moves a browser's last event id without an event) while nothing is sent. Closed by the gateway, it
 * sends a last {@code event: closed} whose data says why.
 */
public final class EventStreamSink extends ClientSink {

  /** How long a client that still reads has to take the last event before the connection goes regardless. */
  private static final long CLOSE_GRACE_MS = 10_000;

  private final HttpServerRequest request;
  private final HttpServerResponse response;

  private final long retryMillis;
  private final Vertx vertx;

  /**
   * Answers {@code 200} with the stream's headers; its {@code retry:} follows once the feed has opened. Made on the
   * request's event loop.
   */
  public EventStreamSink(HttpServerRequest request, long retryMillis) {
    this.request = request;
    this.retryMillis = retryMillis;
    this.vertx = Vertx.currentContext().owner();
    this.response = request.response();
    response
        .setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        // nginx and others buffer a response unless told not to
        .putHeader("X-Accel-Buffering", "no")
        .setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
    response.closeHandler(gone -> closed());
  }

  /** The start's position as a first id: a client that reconnects before any event misses none either. */
  @Override
  public void opened(String position) {
    if (!isClosed()) {
      response.write("retry: " + retryMillis + "\nid: " + position + "\n: connected\n\n");
    }
  }

  @Override
  public void send(String position, JsonObject message) {
    if (!isClosed()) {
      response.write("id: " + position + "\ndata: " + message.encode() + "\n\n");
    }
  }

  @Override
  public void heartbeat(String position) {
    if (!isClosed()) {
      response.write(": heartbeat\nid: " + position + "\n\n");
    }
  }

  @Override
  public boolean writeQueueFull() {
    return response.writeQueueFull();
  }

  @Override
  public void drainHandler(Runnable drained) {
    response.drainHandler(ready -> drained.run());
  }

  @Override
  public void close(String reason, String detail) {
    if (isClosed()) {
      return;
    }
    // the stream held its connection alone: it goes once the client has read the reason, or after a
    // grace (one that does not read must not keep the socket, nor what waits for it)
    long hardClose = vertx.setTimer(CLOSE_GRACE_MS, late -> request.connection().close());
    response
        .end("event: closed\ndata: "
            + new JsonObject().put("reason", reason).put("detail", detail).encode()
            + "\n\n")
        .onComplete(read -> {
          vertx.cancelTimer(hardClose);
          request.connection().close();
        });
    closed();
  }
}
