package io.eventgateway.it;

import io.vertx.core.json.JsonObject;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A JDK WebSocket listener collecting every JSON text message; with {@code reading} false it requests none after
 * the first, as a client that never reads would.
 */
final class WebSocketMessages implements WebSocket.Listener {

  final List<JsonObject> received = new CopyOnWriteArrayList<>();
  /** The server's close code and reason, once it closed. */
  volatile Integer closeCode;

  volatile String closeReason;
  private final boolean reading;
  private final StringBuilder partial = new StringBuilder();

  WebSocketMessages(boolean reading) {
    this.reading = reading;
  }

  @Override
  public void onOpen(WebSocket socket) {
    if (reading) {
      socket.request(1);
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      received.add(new JsonObject(partial.toString()));
      partial.setLength(0);
    }
    socket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
    closeReason = reason;
    closeCode = statusCode;
    return null;
  }
}
