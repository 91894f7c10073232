package io.eventgateway.feeds;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * A resumable feed over a WebSocket: each message the feed's JSON with its {@code position}, to send back as
 * {@code lastEventId} on reconnect. Closed by the gateway with {@code 1013} (try again later) and the reason.
 */
public final class WebSocketFeedSink extends ClientSink {

  private static final short TRY_AGAIN_LATER = 1013;
  /** A close frame's reason is at most 123 bytes. */
  private static final int MAX_REASON_BYTES = 123;

  private final ServerWebSocket socket;

  public WebSocketFeedSink(ServerWebSocket socket) {
    this.socket = socket;
    socket.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
    socket.closeHandler(gone -> closed());
  }

  /** A WebSocket client learns positions from its messages. */
  @Override
  public void opened(String position) {}

  @Override
  public void send(String position, JsonObject message) {
    if (!socket.isClosed()) {
      socket.writeTextMessage(message.put("position", position).encode());
    }
  }

  /** A WebSocket client learns its position from its messages; the server's idle timeout is kept off by pings. */
  @Override
  public void heartbeat(String position) {
    if (!socket.isClosed()) {
      socket.writePing(io.vertx.core.buffer.Buffer.buffer());
    }
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public void drainHandler(Runnable drained) {
    socket.drainHandler(ready -> drained.run());
  }

  @Override
  public void close(String reason, String detail) {
    String text = reason + ": " + detail;
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    socket.close(
        TRY_AGAIN_LATER,
        bytes.length <= MAX_REASON_BYTES
            ? text
            : new String(bytes, 0, MAX_REASON_BYTES, StandardCharsets.UTF_8));
    closed();
  }
}
